import type { StateMachine } from 'aws-local-stepfunctions';
import {
  ActivityAttempt,
  type ActivityAttemptOwner,
  type ActivityTaskQueue,
  type ActivityTimeoutError,
} from './activity-task-queue.ts';
import type { EngineErrors } from './engine-errors.ts';
import { CONTAINER_TYPES, type EngineEvent, inCausalOrder } from './engine-event-order.ts';
import { ExecutionHistory } from './execution-history.ts';
import { awsRuntimeCause } from './runtime-error-cause.ts';
import type { CompiledDefinition, StateInfo } from './state-machine-definition.ts';

/** DescribeExecution `status`. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

type EngineRun = ReturnType<StateMachine['run']>;
type EngineJson = Parameters<StateMachine['run']>[0];

export interface ExecutionRunnerInit {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly inputText: string;
  readonly compiled: CompiledDefinition;
  /** The engine built from `compiled.engineDefinition` (shared by the machine's executions). */
  readonly engine: StateMachine;
  readonly queue: ActivityTaskQueue;
  readonly errors: EngineErrors;
}

/** An activity Task attempt the engine asked for, not yet matched to its StateEntered/StateRetried event. */
interface PendingAttempt {
  readonly stateName: string;
  readonly input: unknown;
  resolve(output: unknown): void;
  reject(error: Error): void;
}

interface ScheduledAttempt {
  readonly pending: PendingAttempt;
  readonly lane: string;
  readonly index: number | undefined;
}

/** One run of a Parallel or Map state (a new one per entry and per retry). */
interface ContainerRun {
  readonly name: string;
  readonly index: number | undefined;
  startedId: number;
  failed: boolean;
  /** Whether the container exited (succeeded) after this run. */
  exited: boolean;
  /** Map iterations started and not yet ended: index -> lane (in the order they started). */
  readonly openIterations: Map<number, string>;
  /** Whether an iteration of this Map run failed: AWS starts no further iteration after that. */
  iterationFailed: boolean;
  /** Iterations the engine started after a failed one: their events are not recorded. */
  readonly suppressedIterations: Set<number>;
  /** The iteration the engine started last (recorded or suppressed). */
  lastStartedIteration: number | undefined;
}

/** A Parallel or Map run that failed: recorded as `*StateFailed` unless a retry follows. */
interface PendingContainerFailure {
  readonly info: StateInfo;
  readonly index: number | undefined;
  readonly key: string;
  readonly lastInside: number;
}

const NO_DATA_TRUNCATION = { truncated: false } as const;

/**
 * One Standard execution: runs the definition with aws-local-stepfunctions, hands its activity Tasks to
 * the queue, and records the history AWS would (ids in recording order, `previousEventId` chained per
 * branch; `*StateEntered` and `*StateExited`, Activity, Parallel, Map and Execution events).
 *
 * The engine reports events through an async log; events of states inside Parallel branches and Map
 * iterations are forwarded to it through more async hops, so they can trail their container's own
 * events. Since all forwarding is microtask work, everything the engine did up to the end of a macrotask
 * is in the buffer by then: the log is processed in batches (one per macrotask), and within a batch the
 * events of a container's states are moved before that container's exit, failure or retry.
 */
export class ExecutionRunner implements ActivityAttemptOwner {
  readonly executionArn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly inputText: string;
  readonly startDateSec: number;
  readonly history: ExecutionHistory;
  status: ExecutionStatus = 'RUNNING';
  stopDateSec: number | undefined;
  outputText: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  /** Resolves when the execution has ended and its history is complete. */
  readonly done: Promise<void>;

  readonly #init: ExecutionRunnerInit;
  readonly #states: ReadonlyMap<string, StateInfo>;
  #engineRun: EngineRun | undefined;
  #resolveDone: () => void = () => {};
  #buffer: EngineEvent[] = [];
  #flushScheduled = false;
  /** Last event id per lane (`root`, `<Parallel>#<branch>[@i]`, `<Map>@<iteration>`). */
  readonly #lanes = new Map<string, number>();
  /** Last event id recorded inside each container run, by container key. */
  readonly #lastInside = new Map<string, number>();
  readonly #runs = new Map<string, ContainerRun>();
  readonly #latestRunKey = new Map<string, string>();
  /** Container runs that failed: later events of their states are orphans of the engine and dropped. */
  readonly #deadRuns = new Set<string>();
  readonly #pending = new Map<string, PendingAttempt[]>();
  readonly #scheduled = new Map<ActivityAttempt, ScheduledAttempt>();
  readonly #enteredIdByState = new Map<string, number>();
  /**
   * Container runs that failed, by container key, not recorded yet: AWS records `MapStateFailed` and
   * `ParallelStateFailed` only when no retry follows (a retry starts the next run right after the last
   * event inside the failed one).
   */
  readonly #pendingFailures = new Map<string, PendingContainerFailure>();
  /** The cause AWS gives a `States.Runtime` failure, by the engine's message for it. */
  readonly #runtimeCauses = new Map<string, string>();

  constructor(init: ExecutionRunnerInit) {
    this.#init = init;
    this.#states = init.compiled.states;
    this.executionArn = init.executionArn;
    this.name = init.name;
    this.stateMachineArn = init.stateMachineArn;
    this.inputText = init.inputText;
    this.startDateSec = Date.now() / 1000;
    this.history = new ExecutionHistory(init.executionArn);
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** Records ExecutionStarted now and starts the engine after the caller's response is on its way. */
  start(): void {
    this.history.append(
      'ExecutionStarted',
      0,
      {
        executionStartedEventDetails: {
          input: this.inputText,
          inputDetails: NO_DATA_TRUNCATION,
          roleArn: this.#init.roleArn,
        },
      },
      this.startDateSec * 1000,
    );
    setImmediate(() => this.#runEngine());
  }

  /** StopExecution: aborts the run and records ExecutionAborted. No-op once ended. */
  stop(error: string | undefined, cause: string | undefined): void {
    if (this.status !== 'RUNNING') return;
    this.#engineRun?.abort();
    this.#finish(
      'ABORTED',
      'ExecutionAborted',
      { executionAbortedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) } },
      { error, cause },
    );
  }

  // ---- engine ----------------------------------------------------------------------------------

  #runEngine(): void {
    if (this.status !== 'RUNNING') return;
    const handlers: Record<string, (input: EngineJson) => Promise<EngineJson>> = {};
    for (const stateName of this.#init.compiled.activityTasks.keys()) {
      handlers[stateName] = (input) => this.#requestActivity(stateName, input) as Promise<EngineJson>;
    }
    const run = this.#init.engine.run(JSON.parse(this.inputText) as EngineJson, {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: {
          Id: this.executionArn,
          Name: this.name,
          RoleArn: this.#init.roleArn,
          StartTime: new Date(this.startDateSec * 1000).toISOString(),
        },
        StateMachine: { Id: this.stateMachineArn, Name: this.#init.stateMachineName },
      },
    });
    this.#engineRun = run;
    // The outcome is read from the event log; the promise only must not reject unhandled.
    run.result.catch(() => {});
    void this.#consume(run);
  }

  async #consume(run: EngineRun): Promise<void> {
    try {
      for await (const event of run.eventLogs) this.#enqueue(event as unknown as EngineEvent);
    } catch (error) {
      this.#failInternally(error);
    }
    // The log ended: whatever is buffered is complete.
    this.#flush();
    if (this.status === 'RUNNING') this.#failInternally(new Error('the engine ended without a final event'));
  }

  #enqueue(event: EngineEvent): void {
    this.#buffer.push(event);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#buffer;
    this.#buffer = [];
    if (this.status !== 'RUNNING') return;
    try {
      for (const event of inCausalOrder(batch, this.#states)) {
        if (this.status !== 'RUNNING') break;
        this.#process(event);
      }
      this.#rejectOrphanRequests();
    } catch (error) {
      this.#failInternally(error);
    }
  }

  /** The engine asked for an activity Task: it waits until its StateEntered/StateRetried is recorded. */
  #requestActivity(stateName: string, input: unknown): Promise<unknown> {
    // An ended execution must not queue work for workers; failing the request also lets the engine
    // clear its own timer for the state and unwind.
    if (this.status !== 'RUNNING') return Promise.reject(this.#abandonedError());
    return new Promise((resolve, reject) => {
      const list = this.#pending.get(stateName) ?? [];
      list.push({ stateName, input, resolve, reject });
      this.#pending.set(stateName, list);
    });
  }

  // ---- translation -------------------------------------------------------------------------------

  #process(event: EngineEvent): void {
    this.#recordPendingFailures(event);
    switch (event.type) {
      case 'StateEntered':
        this.#onStateEntered(event);
        break;
      case 'StateExited':
        this.#onStateExited(event);
        break;
      case 'StateFailed':
        this.#onStateFailed(event);
        break;
      case 'StateRetried':
        this.#onStateRetried(event);
        break;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
        this.#onMapIteration(event);
        break;
      case 'ExecutionSucceeded': {
        const output = json(event.output);
        this.#finish(
          'SUCCEEDED',
          'ExecutionSucceeded',
          { executionSucceededEventDetails: { output, outputDetails: NO_DATA_TRUNCATION } },
          { output },
        );
        break;
      }
      case 'ExecutionFailed': {
        const error = event.Error || undefined;
        const engineCause = causeText(event.Cause);
        const cause =
          error === 'States.Runtime' && engineCause !== undefined
            ? (this.#runtimeCauses.get(engineCause) ?? engineCause)
            : engineCause;
        this.#finish(
          'FAILED',
          'ExecutionFailed',
          { executionFailedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) } },
          { error, cause },
        );
        break;
      }
      case 'ExecutionTimeout':
        this.#finish(
          'TIMED_OUT',
          'ExecutionTimedOut',
          { executionTimedOutEventDetails: { error: 'States.Timeout' } },
          { error: 'States.Timeout', cause: undefined },
        );
        break;
      case 'ExecutionAborted':
        this.#finish('ABORTED', 'ExecutionAborted', { executionAbortedEventDetails: {} }, {});
        break;
      default:
        // ExecutionStarted (recorded at StartExecution), StateCaught, ParallelBranch*: AWS shows none.
        break;
    }
  }

  #onStateEntered(event: EngineEvent): void {
    const state = event.state;
    const info = state === undefined ? undefined : this.#info(state.name);
    if (state === undefined || info === undefined || this.#isOrphan(info, event.index)) return;
    if (this.#isSuppressed(info, event.index)) {
      // The engine ran a state of an iteration AWS would not have started: its request is not served.
      if (this.#init.compiled.activityTasks.has(info.name)) {
        this.#pending.get(info.name)?.shift()?.reject(this.#abandonedError());
      }
      return;
    }
    if (CONTAINER_TYPES.has(info.type)) this.#deadRuns.delete(this.#containerKey(info.name, event.index));
    const enteredId = this.#recordFor(info, event.index, `${info.type}StateEntered`, {
      stateEnteredEventDetails: {
        name: info.name,
        input: json(state.input),
        inputDetails: NO_DATA_TRUNCATION,
      },
    });
    this.#enteredIdByState.set(info.name, enteredId);
    if (CONTAINER_TYPES.has(info.type)) this.#startContainerRun(info, event.index, state.input);
    else if (this.#init.compiled.activityTasks.has(info.name)) this.#scheduleNext(info, event.index);
  }

  #onStateRetried(event: EngineEvent): void {
    const info = event.state === undefined ? undefined : this.#info(event.state.name);
    if (info === undefined || this.#isOrphan(info, event.index)) return;
    if (CONTAINER_TYPES.has(info.type)) {
      const key = this.#containerKey(info.name, event.index);
      this.#deadRuns.delete(key);
      const failure = this.#pendingFailures.get(key);
      this.#pendingFailures.delete(key);
      // As on AWS: the new run's *StateStarted follows the last event inside the failed run.
      if (failure !== undefined) this.#lanes.set(this.#laneOf(info, event.index), failure.lastInside);
      this.#startContainerRun(info, event.index, event.state?.input);
    } else if (this.#init.compiled.activityTasks.has(info.name)) {
      this.#scheduleNext(info, event.index);
    }
  }

  #onStateExited(event: EngineEvent): void {
    const state = event.state;
    const info = state === undefined ? undefined : this.#info(state.name);
    if (state === undefined || info === undefined || this.#isOrphan(info, event.index)) return;
    if (CONTAINER_TYPES.has(info.type)) {
      const key = this.#containerKey(info.name, event.index);
      const run = this.#runs.get(key);
      if (run !== undefined) run.exited = true;
      if (run !== undefined && !run.failed) {
        // The engine can drop the last iteration's end event of a Map holding another Map: an exited
        // Map has no open iteration left.
        this.#endOpenIterations(info, run, 'MapIterationSucceeded');
        const lastInside = this.#lastInside.get(key) ?? run.startedId;
        this.#recordAfter(info, event.index, `${info.type}StateSucceeded`, lastInside, {});
      }
    }
    this.#recordFor(info, event.index, `${info.type}StateExited`, {
      stateExitedEventDetails: {
        name: info.name,
        output: json(state.output),
        outputDetails: NO_DATA_TRUNCATION,
      },
    });
  }

  #onStateFailed(event: EngineEvent): void {
    const info = event.state === undefined ? undefined : this.#info(event.state.name);
    if (info !== undefined && !CONTAINER_TYPES.has(info.type)) this.#noteRuntimeCause(info, event);
    // Task failures are already recorded as ActivityFailed/ActivityTimedOut; other states fail silently
    // on AWS too (the ExecutionFailed or the Catch target follows).
    if (info === undefined || !CONTAINER_TYPES.has(info.type) || this.#isOrphan(info, event.index)) return;
    const key = this.#containerKey(info.name, event.index);
    const run = this.#runs.get(key);
    if (run === undefined) return;
    this.#failNestedMaps(info);
    this.#abortInside(info, event.index, run);
    run.failed = true;
    const lastInside = this.#lastInside.get(key) ?? run.startedId;
    this.#pendingFailures.set(key, { info, index: event.index, key, lastInside });
    this.#deadRuns.add(key);
  }

  /**
   * When a Map nested in a failing container had a failed iteration, the engine logs neither that Map's
   * failure nor the failure of the iteration holding it (it goes straight to the outer container's
   * failure). AWS records both: `MapStateFailed`, then `MapIterationFailed` of the enclosing Map.
   */
  #failNestedMaps(container: StateInfo): void {
    const failing = [...this.#runs.entries()]
      .map(([key, run]) => ({ key, run, info: this.#info(run.name) }))
      .filter(
        (entry): entry is { key: string; run: ContainerRun; info: StateInfo } =>
          entry.info?.type === 'Map' &&
          entry.info.containers.includes(container.name) &&
          entry.run.iterationFailed &&
          !entry.run.failed &&
          !entry.run.exited,
      )
      .sort((a, b) => b.info.containers.length - a.info.containers.length);
    for (const { key, run, info } of failing) {
      run.failed = true;
      this.#endOpenIterations(info, run, 'MapIterationAborted');
      this.#recordAfter(info, run.index, 'MapStateFailed', this.#lastInside.get(key) ?? run.startedId, {});
      this.#deadRuns.add(key);
      const enclosing = info.containers[0] === undefined ? undefined : this.#info(info.containers[0]);
      if (enclosing?.type !== 'Map') continue;
      const outer = this.#runs.get(this.#latestRunKey.get(enclosing.name) ?? enclosing.name);
      // The iteration holding the failed Map: the outermost Map's is the events' index; a nested one's is
      // the iteration that started last.
      const iteration = enclosing.underMap ? [...(outer?.openIterations.keys() ?? [])].at(-1) : run.index;
      const lane = iteration === undefined ? undefined : outer?.openIterations.get(iteration);
      if (outer === undefined || iteration === undefined || lane === undefined) continue;
      outer.openIterations.delete(iteration);
      outer.iterationFailed = true;
      this.#record(
        lane,
        'MapIterationFailed',
        { mapIterationFailedEventDetails: { name: enclosing.name, index: iteration } },
        [enclosing.name, ...enclosing.containers],
        outer.index,
      );
    }
  }

  /** Remembers how AWS words the cause of a `States.Runtime` failure of a (non-container) state. */
  #noteRuntimeCause(info: StateInfo, event: EngineEvent): void {
    const engineMessage = causeText(event.Cause);
    if (event.Error !== 'States.Runtime' || engineMessage === undefined) return;
    // The endpoint's own runtime errors (a missing activity) are worded as AWS words them already.
    if (engineMessage.startsWith('An error occurred while executing the state')) return;
    this.#runtimeCauses.set(
      engineMessage,
      awsRuntimeCause({
        stateName: info.name,
        enteredEventId: this.#enteredIdByState.get(info.name) ?? 0,
        definition: info.definition,
        input: event.state?.input,
        engineMessage,
      }),
    );
  }

  /** Records the pending container failures, unless `event` is the retry of that container. */
  #recordPendingFailures(event: EngineEvent): void {
    for (const [key, failure] of this.#pendingFailures) {
      const retry =
        event.type === 'StateRetried' &&
        event.state?.name === failure.info.name &&
        this.#containerKey(failure.info.name, event.index) === key;
      if (retry) continue;
      this.#pendingFailures.delete(key);
      this.#recordAfter(
        failure.info,
        failure.index,
        `${failure.info.type}StateFailed`,
        failure.lastInside,
        {},
      );
    }
  }

  #onMapIteration(event: EngineEvent): void {
    const mapName = event.parentState?.name;
    const index = event.index;
    const info = mapName === undefined ? undefined : this.#info(mapName);
    if (info === undefined || mapName === undefined || index === undefined) return;
    const key = this.#latestRunKey.get(mapName) ?? mapName;
    const run = this.#runs.get(key);
    if (run === undefined || this.#deadRuns.has(key)) return;
    const lane = `${mapName}@${index}`;
    const details = { mapIterationStartedEventDetails: { name: mapName, index } };
    if (event.type === 'MapIterationStarted') {
      run.lastStartedIteration = index;
      if (run.iterationFailed) {
        run.suppressedIterations.add(index);
        return;
      }
      this.#lanes.set(lane, run.startedId);
      run.openIterations.set(index, lane);
      this.#record(lane, 'MapIterationStarted', details, [mapName, ...info.containers], run.index);
      return;
    }
    if (run.suppressedIterations.has(index)) return;
    run.openIterations.delete(index);
    const type = event.type === 'MapIterationSucceeded' ? 'MapIterationSucceeded' : 'MapIterationFailed';
    if (type === 'MapIterationFailed') run.iterationFailed = true;
    const detailsKey =
      type === 'MapIterationSucceeded'
        ? 'mapIterationSucceededEventDetails'
        : 'mapIterationFailedEventDetails';
    this.#record(
      lane,
      type,
      { [detailsKey]: { name: mapName, index } },
      [mapName, ...info.containers],
      run.index,
    );
  }

  #startContainerRun(info: StateInfo, index: number | undefined, rawInput: unknown): void {
    const key = this.#containerKey(info.name, index);
    const type = `${info.type}StateStarted`;
    const length = info.type === 'Map' ? mapLength(info, rawInput) : undefined;
    const details: Record<string, object> =
      length === undefined ? {} : { mapStateStartedEventDetails: { length } };
    const startedId = this.#recordFor(info, index, type, details);
    this.#runs.set(key, {
      name: info.name,
      exited: false,
      index,
      startedId,
      failed: false,
      openIterations: new Map(),
      iterationFailed: false,
      suppressedIterations: new Set(),
      lastStartedIteration: undefined,
    });
    this.#latestRunKey.set(info.name, key);
    this.#lastInside.set(key, startedId);
    const suffix = this.#laneSuffix(info, index);
    if (info.type === 'Parallel') {
      for (let branch = 0; branch < (info.branchCount ?? 0); branch += 1) {
        this.#lanes.set(`${info.name}#${branch}${suffix}`, startedId);
      }
    }
  }

  /** Ends what runs inside a failed container run: its open activity attempts and Map iterations. */
  #abortInside(info: StateInfo, index: number | undefined, run: ContainerRun): void {
    for (const [attempt, scheduled] of this.#scheduled) {
      const inner = this.#info(scheduled.pending.stateName);
      if (inner === undefined || !inner.containers.includes(info.name)) continue;
      if (index !== undefined && scheduled.index !== undefined && scheduled.index !== index) continue;
      this.#init.queue.cancel(attempt);
      this.#scheduled.delete(attempt);
      scheduled.pending.reject(this.#abandonedError());
      this.#record(scheduled.lane, 'TaskStateAborted', {}, inner.containers, scheduled.index);
    }
    if (info.type === 'Map') this.#endOpenIterations(info, run, 'MapIterationAborted');
  }

  /** Records the end of every iteration of a Map run still open, in index order. */
  #endOpenIterations(
    info: StateInfo,
    run: ContainerRun,
    type: 'MapIterationSucceeded' | 'MapIterationAborted',
  ): void {
    const detailsKey =
      type === 'MapIterationSucceeded'
        ? 'mapIterationSucceededEventDetails'
        : 'mapIterationAbortedEventDetails';
    for (const [iteration, lane] of [...run.openIterations].sort(([a], [b]) => a - b)) {
      this.#record(
        lane,
        type,
        { [detailsKey]: { name: info.name, index: iteration } },
        [info.name, ...info.containers],
        run.index,
      );
    }
    run.openIterations.clear();
  }

  /**
   * After a batch, every engine request whose StateEntered/StateRetried was logged has been matched. A
   * request still waiting for a state inside a failed container run (outside any Map, where only one run
   * exists) came from a branch the engine abandoned, e.g. a retry wait cut short by the abort; it never
   * gets an event, so it is ended.
   */
  #rejectOrphanRequests(): void {
    for (const [stateName, list] of this.#pending) {
      const info = this.#info(stateName);
      if (info === undefined || info.underMap || !this.#isOrphan(info, undefined)) continue;
      for (const pending of list) pending.reject(this.#abandonedError());
      this.#pending.delete(stateName);
    }
  }

  /**
   * Whether the state runs in a Map iteration the endpoint does not record (started by the engine after
   * another iteration failed). Events carry the outermost Map's iteration index, so that Map's is checked
   * by index; a nested Map runs its iterations one after the other, so its last started one is checked.
   */
  #isSuppressed(info: StateInfo, index: number | undefined): boolean {
    const maps = info.containers.filter((name) => this.#info(name)?.type === 'Map');
    return maps.some((name, at) => {
      const run = this.#runs.get(this.#latestRunKey.get(name) ?? name);
      const iteration = at === maps.length - 1 ? index : run?.lastStartedIteration;
      return iteration !== undefined && run?.suppressedIterations.has(iteration) === true;
    });
  }

  #isOrphan(info: StateInfo, index: number | undefined): boolean {
    return info.containers.some((container) => this.#deadRuns.has(this.#containerKey(container, index)));
  }

  // ---- activities --------------------------------------------------------------------------------

  /** Matches the oldest waiting engine request for the state, and schedules it (ActivityScheduled). */
  #scheduleNext(info: StateInfo, index: number | undefined): void {
    const pending = this.#pending.get(info.name)?.shift();
    const spec = this.#init.compiled.activityTasks.get(info.name);
    if (pending === undefined || spec === undefined) return;
    if (!this.#init.queue.hasActivity(spec.activityArn)) {
      const enteredId = this.#enteredIdByState.get(info.name) ?? 0;
      pending.reject(
        this.#init.errors.runtime(
          `An error occurred while executing the state '${info.name}' (entered at the event id #${enteredId}). The activity ${spec.activityArn} does not exist.`,
        ),
      );
      return;
    }
    const inputText = json(pending.input);
    const attempt = new ActivityAttempt({
      activityArn: spec.activityArn,
      inputText,
      timeoutSec: spec.timeoutSec,
      heartbeatSec: spec.heartbeatSec,
      owner: this,
    });
    const lane = this.#laneOf(info, index);
    this.#record(
      lane,
      'ActivityScheduled',
      {
        activityScheduledEventDetails: {
          resource: spec.activityArn,
          input: inputText,
          inputDetails: NO_DATA_TRUNCATION,
          ...(spec.timeoutSec === undefined ? {} : { timeoutInSeconds: spec.timeoutSec }),
          ...(spec.heartbeatSec === undefined ? {} : { heartbeatInSeconds: spec.heartbeatSec }),
        },
      },
      info.containers,
      index,
    );
    this.#scheduled.set(attempt, { pending, lane, index });
    this.#init.queue.schedule(attempt);
  }

  onStarted(attempt: ActivityAttempt): void {
    const scheduled = this.#scheduled.get(attempt);
    if (scheduled === undefined || this.status !== 'RUNNING') return;
    const details = attempt.workerName === undefined ? {} : { workerName: attempt.workerName };
    this.#recordActivity(scheduled, 'ActivityStarted', { activityStartedEventDetails: details });
  }

  onSucceeded(attempt: ActivityAttempt, outputText: string): void {
    const scheduled = this.#takeScheduled(attempt);
    if (scheduled === undefined) return;
    this.#recordActivity(scheduled, 'ActivitySucceeded', {
      activitySucceededEventDetails: { output: outputText, outputDetails: NO_DATA_TRUNCATION },
    });
    scheduled.pending.resolve(JSON.parse(outputText));
  }

  onFailed(attempt: ActivityAttempt, error: string | undefined, cause: string | undefined): void {
    const scheduled = this.#takeScheduled(attempt);
    if (scheduled === undefined) return;
    this.#recordActivity(scheduled, 'ActivityFailed', {
      activityFailedEventDetails: { ...(error ? { error } : {}), ...(cause ? { cause } : {}) },
    });
    scheduled.pending.reject(this.#init.errors.taskFailed(error ?? '', cause ?? ''));
  }

  onTimedOut(attempt: ActivityAttempt, error: ActivityTimeoutError): void {
    const scheduled = this.#takeScheduled(attempt);
    if (scheduled === undefined) return;
    this.#recordActivity(scheduled, 'ActivityTimedOut', { activityTimedOutEventDetails: { error } });
    scheduled.pending.reject(this.#init.errors.timedOut(error, ''));
  }

  #takeScheduled(attempt: ActivityAttempt): ScheduledAttempt | undefined {
    const scheduled = this.#scheduled.get(attempt);
    this.#scheduled.delete(attempt);
    return this.status === 'RUNNING' ? scheduled : undefined;
  }

  #recordActivity(scheduled: ScheduledAttempt, type: string, details: Record<string, object>): void {
    const containers = this.#info(scheduled.pending.stateName)?.containers ?? [];
    this.#record(scheduled.lane, type, details, containers, scheduled.index);
  }

  // ---- recording ---------------------------------------------------------------------------------

  #info(stateName: string): StateInfo | undefined {
    return this.#states.get(stateName);
  }

  #laneSuffix(info: StateInfo, index: number | undefined): string {
    return info.underMap && index !== undefined ? `@${index}` : '';
  }

  #laneOf(info: StateInfo, index: number | undefined): string {
    const innermost = info.containers[0];
    const container = innermost === undefined ? undefined : this.#info(innermost);
    if (container?.type === 'Map' && container.underMap && info.scope === container.name) {
      // A state directly inside a nested Map: the engine gives the outermost Map's index, not this Map's
      // iteration. The engine runs such iterations one after the other: the state belongs to the one
      // that started last and has not ended.
      const run = this.#runs.get(this.#latestRunKey.get(container.name) ?? container.name);
      const open = run === undefined ? undefined : [...run.openIterations.values()].at(-1);
      if (open !== undefined) return open;
    }
    return `${info.scope}${this.#laneSuffix(info, index)}`;
  }

  #containerKey(container: string, index: number | undefined): string {
    const info = this.#info(container);
    return info === undefined ? container : `${container}${this.#laneSuffix(info, index)}`;
  }

  /** Appends an event of state `info` in its lane. */
  #recordFor(
    info: StateInfo,
    index: number | undefined,
    type: string,
    details: Record<string, object>,
  ): number {
    return this.#record(this.#laneOf(info, index), type, details, info.containers, index);
  }

  /** Appends an event of state `info` that follows `previousEventId` (a container's last inner event). */
  #recordAfter(
    info: StateInfo,
    index: number | undefined,
    type: string,
    previousEventId: number,
    details: Record<string, object>,
  ): number {
    const lane = this.#laneOf(info, index);
    this.#lanes.set(lane, previousEventId);
    return this.#record(lane, type, details, info.containers, index);
  }

  /** Appends an event after the last one of `lane`, and marks it the latest inside its containers. */
  #record(
    lane: string,
    type: string,
    details: Record<string, object>,
    containers: readonly string[],
    index: number | undefined,
  ): number {
    const previousEventId = this.#lanes.get(lane) ?? this.#fallbackPrevious(containers, index);
    const id = this.history.append(type, previousEventId, details);
    this.#lanes.set(lane, id);
    for (const container of containers) this.#lastInside.set(this.#containerKey(container, index), id);
    return id;
  }

  /** A lane not opened by its container (nested Maps lose inner iteration indexes): chain to the container. */
  #fallbackPrevious(containers: readonly string[], index: number | undefined): number {
    const innermost = containers[0];
    if (innermost === undefined) return 0;
    const key = this.#latestRunKey.get(innermost) ?? this.#containerKey(innermost, index);
    return this.#lastInside.get(key) ?? 0;
  }

  #finish(
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    type: string,
    details: Record<string, object>,
    outcome: { output?: string; error?: string | undefined; cause?: string | undefined },
  ): void {
    if (this.status !== 'RUNNING') return;
    this.history.append(type, this.#lanes.get('root') ?? 0, details);
    this.outputText = outcome.output;
    this.error = outcome.error;
    this.cause = outcome.cause;
    this.stopDateSec = Date.now() / 1000;
    this.status = status;
    for (const [attempt, scheduled] of this.#scheduled) {
      this.#init.queue.cancel(attempt);
      scheduled.pending.reject(this.#abandonedError());
    }
    for (const list of this.#pending.values())
      for (const pending of list) pending.reject(this.#abandonedError());
    this.#scheduled.clear();
    this.#pending.clear();
    this.#buffer = [];
    this.#resolveDone();
  }

  /**
   * Ends an engine request nobody waits for any more (its execution or branch ended). Neither Retry nor
   * Catch applies, so the abandoned engine branch unwinds, clearing its timers, without running more.
   */
  #abandonedError(): Error {
    return this.#init.errors.runtime('the execution or branch of this task has ended');
  }

  /** A bug in this adapter or the engine: the execution fails rather than hanging. */
  #failInternally(error: unknown): void {
    const cause = error instanceof Error ? error.message : String(error);
    this.#engineRun?.abort();
    this.#finish(
      'FAILED',
      'ExecutionFailed',
      { executionFailedEventDetails: { error: 'States.Runtime', cause: `embedded endpoint: ${cause}` } },
      { error: 'States.Runtime', cause: `embedded endpoint: ${cause}` },
    );
  }
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

function causeText(cause: unknown): string | undefined {
  if (cause === undefined || cause === null || cause === '') return undefined;
  return typeof cause === 'string' ? cause : cause instanceof Error ? cause.message : JSON.stringify(cause);
}

/** Items of a Map state for `MapStateStarted.length`, when its paths are plain `$` or `$.a.b`. */
function mapLength(info: StateInfo, rawInput: unknown): number | undefined {
  const input = info.inputPath === null ? {} : simplePath(info.inputPath ?? '$', rawInput);
  const items = input === undefined ? undefined : simplePath(info.itemsPath ?? '$', input);
  return Array.isArray(items) ? items.length : undefined;
}

function simplePath(path: string, value: unknown): unknown {
  if (path === '$') return value;
  if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(path)) return undefined;
  let current: unknown = value;
  for (const key of path.slice(2).split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
