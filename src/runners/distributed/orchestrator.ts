import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { type BilledTransitions, countBilledTransitions } from '../../core/billing/transitions.ts';
import type { Counters } from '../../core/counters.ts';
import { BadInputError } from '../../core/errors.ts';
import type { CounterScope } from '../../infra/counter-scope.ts';
import type { WorkflowShape } from './distributed-settings.ts';
import {
  type AslDefinition,
  buildFunctionPerChunkDefinition,
  buildWorkflowDefinition,
  type WorkflowTaskPolicy,
} from './state-machine-definition.ts';

/**
 * The activities of a run, by role: ConvertMedia, a Detect per detector and Aggregate for the `stages`
 * shape; AnalyzeChunk alone for `function-per-chunk` (the other roles are then absent).
 */
export interface ActivityArns {
  readonly convert?: string;
  readonly aggregate?: string;
  readonly detect: Readonly<Record<string, string>>;
  readonly analyze?: string;
}

/**
 * Drives the per-chunk workflow through the Step Functions API (`@aws-sdk/client-sfn` only, so the
 * embedded endpoint, LocalStack and AWS differ in configuration alone): creates the activities and the
 * state machine under a run-specific prefix, runs executions with an in-flight limit, waits for each by
 * polling DescribeExecution with a growing interval (no busy loop), reads its history (paged) and counts
 * billed transitions from it exactly as AWS bills them, and deletes what it created.
 *
 * Requests made for a clip (StartExecution, DescribeExecution, GetExecutionHistory, StopExecution) are
 * counted into that clip's counters through `scope`; creating and deleting the workflow is set-up, like
 * creating the bucket, and counted nowhere.
 */

export interface OrchestratorOptions {
  readonly sfn: SFNClient;
  readonly scope: CounterScope;
  /** Prefix of every activity and state machine name (unique per run). */
  readonly namePrefix: string;
  /**
   * Prefix of the activity names instead of `namePrefix`: `archbench-<fleet>` when workers started apart
   * (`archbench worker --fleet`) find the activities by name. The state machine keeps `namePrefix`.
   */
  readonly activityNamePrefix?: string;
  /** Detector names, in the order of the workflow's branches. */
  readonly detectors: readonly string[];
  /** How a chunk's work is split into tasks; default `stages`. */
  readonly shape?: WorkflowShape;
  readonly policy: WorkflowTaskPolicy;
  /** IAM role the state machine runs as. */
  readonly roleArn: string;
  /** Executions running at once across every caller; more wait for a slot. */
  readonly maxInFlightExecutions: number;
  /** Tags for the activities and the state machine (`archbench:run=<runId>`), so leftovers can be found. */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Most executions this orchestrator starts (`--max-executions`); the next one is refused with an
   * {@link ExecutionCapError} before anything is sent. Absent: no limit.
   */
  readonly maxExecutions?: number;
}

/** An execution beyond `maxExecutions` was refused (one line; nothing was started). */
export class ExecutionCapError extends BadInputError {
  constructor(maxExecutions: number) {
    super(
      `--max-executions ${maxExecutions}: refusing to start execution ${maxExecutions + 1} (raise the cap to run more)`,
    );
  }
}

/** How an execution ended, with its billed transitions. */
export interface ExecutionOutcome {
  readonly executionArn: string;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly transitions: BilledTransitions;
  /** Activity tasks a worker answered (ActivitySucceeded plus ActivityFailed events in the history). */
  readonly activityTasksAnswered: number;
  /** From ExecutionStarted to the execution's last event, ms (what Express would bill by duration). */
  readonly durationMs: number;
}

/** First and largest wait between two DescribeExecution calls of one execution, ms. */
const DESCRIBE_FIRST_WAIT_MS = 20;
const DESCRIBE_MAX_WAIT_MS = 200;
const DESCRIBE_WAIT_GROWTH = 1.5;
/** Largest GetExecutionHistory page (AWS maximum). */
const HISTORY_PAGE_EVENTS = 1000;
/** Longest a clean-up request may take before it is given up (the endpoint may be gone), ms. */
const CLEANUP_TIMEOUT_MS = 5_000;
/** AWS names: 1 to 80 characters out of these. */
const NAME_CHARACTERS = /[^A-Za-z0-9_.-]/g;

export class Orchestrator implements AsyncDisposable {
  readonly activityArns: ActivityArns;
  readonly stateMachineArn: string;
  readonly definition: AslDefinition;
  readonly #options: OrchestratorOptions;
  readonly #slots: Semaphore;
  /** Executions started or about to start (counted before StartExecution, for the cap). */
  #started = 0;
  #disposed: Promise<void> | undefined;

  private constructor(
    options: OrchestratorOptions,
    activityArns: ActivityArns,
    stateMachineArn: string,
    definition: AslDefinition,
  ) {
    this.#options = options;
    this.activityArns = activityArns;
    this.stateMachineArn = stateMachineArn;
    this.definition = definition;
    this.#slots = new Semaphore(options.maxInFlightExecutions);
  }

  /** The activity ARN of a single-activity role of this run's shape; throws if the shape has none. */
  activityArnOf(role: 'convert' | 'aggregate' | 'analyze'): string {
    const arn = this.activityArns[role];
    if (arn === undefined) throw new Error(`this workflow has no ${role} activity`);
    return arn;
  }

  /** Creates the activities and the state machine; on failure, deletes what was created. */
  static async create(options: OrchestratorOptions): Promise<Orchestrator> {
    const { sfn, namePrefix } = options;
    const tagList = Object.entries(options.tags ?? {}).map(([key, value]) => ({ key, value }));
    const tags = tagList.length === 0 ? {} : { tags: tagList };
    const created: string[] = [];
    try {
      const activity = async (suffix: string): Promise<string> => {
        const name = resourceName(options.activityNamePrefix ?? namePrefix, suffix);
        const output = await sfn.send(new CreateActivityCommand({ name, ...tags }));
        if (output.activityArn === undefined) throw new Error('CreateActivity returned no activityArn');
        created.push(output.activityArn);
        return output.activityArn;
      };
      let activityArns: ActivityArns;
      let definition: AslDefinition;
      if (options.shape === 'function-per-chunk') {
        const analyze = await activity('analyze');
        activityArns = { analyze, detect: {} };
        definition = buildFunctionPerChunkDefinition({ analyze }, options.policy);
      } else {
        const convert = await activity('convert');
        const aggregate = await activity('aggregate');
        const detect: Record<string, string> = {};
        for (const detector of options.detectors) detect[detector] = await activity(`detect-${detector}`);
        activityArns = { convert, aggregate, detect };
        definition = buildWorkflowDefinition(
          options.detectors,
          { convert, aggregate, detect },
          options.policy,
        );
      }
      const machine = await sfn.send(
        new CreateStateMachineCommand({
          name: resourceName(namePrefix, 'chunk'),
          definition: JSON.stringify(definition),
          roleArn: options.roleArn,
          type: 'STANDARD',
          ...tags,
        }),
      );
      if (machine.stateMachineArn === undefined) throw new Error('CreateStateMachine returned no ARN');
      return new Orchestrator(options, activityArns, machine.stateMachineArn, definition);
    } catch (error) {
      await deleteQuietly(sfn, undefined, created);
      throw error;
    }
  }

  /**
   * Runs one execution to its end: waits for an in-flight slot, starts it, waits until it is no longer
   * RUNNING and counts its billed transitions from the history. When `signal` aborts, a queued execution
   * is not started (AbortError) and a running one is stopped (its outcome is then ABORTED).
   */
  async runExecution(
    name: string,
    input: string,
    counters: Counters,
    signal?: AbortSignal,
  ): Promise<ExecutionOutcome> {
    const cap = this.#options.maxExecutions;
    if (cap !== undefined && this.#started >= cap) throw new ExecutionCapError(cap);
    this.#started += 1;
    await this.#slots.acquire(signal);
    try {
      return await this.#options.scope.run(counters, () => this.#run(name, input, signal));
    } finally {
      this.#slots.release();
    }
  }

  async #run(name: string, input: string, signal: AbortSignal | undefined): Promise<ExecutionOutcome> {
    const { sfn } = this.#options;
    const started = await sfn.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        name: resourceName(name, ''),
        input,
      }),
    );
    const executionArn = started.executionArn;
    if (executionArn === undefined) throw new Error('StartExecution returned no executionArn');
    let waitMs = DESCRIBE_FIRST_WAIT_MS;
    let stopRequested = false;
    for (;;) {
      if (signal?.aborted === true && !stopRequested) {
        stopRequested = true;
        await sfn
          .send(new StopExecutionCommand({ executionArn, error: 'archbench.Cancelled' }))
          .catch(() => {});
      }
      await sleep(waitMs, stopRequested ? undefined : signal);
      waitMs = Math.min(DESCRIBE_MAX_WAIT_MS, waitMs * DESCRIBE_WAIT_GROWTH);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      const status = described.status;
      if (status === 'RUNNING' || status === 'PENDING_REDRIVE' || status === undefined) continue;
      const history = await this.#history(executionArn);
      const transitions = countBilledTransitions(history);
      return {
        executionArn,
        status,
        durationMs: executionDurationMs(history, described.startDate, described.stopDate),
        ...(described.output === undefined ? {} : { output: described.output }),
        ...(described.error === undefined ? {} : { error: described.error }),
        ...(described.cause === undefined ? {} : { cause: described.cause }),
        transitions,
        activityTasksAnswered: history.filter(
          (event) => event.type === 'ActivitySucceeded' || event.type === 'ActivityFailed',
        ).length,
      };
    }
  }

  async #history(executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.#options.sfn.send(
        new GetExecutionHistoryCommand({
          executionArn,
          maxResults: HISTORY_PAGE_EVENTS,
          // Billing needs the event types and state names only, not the payloads.
          includeExecutionData: false,
          ...(nextToken === undefined ? {} : { nextToken }),
        }),
      );
      events.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
    return events;
  }

  /** Deletes the state machine and the activities (polling workers then stop). Idempotent, never throws. */
  [Symbol.asyncDispose](): Promise<void> {
    const { convert, aggregate, analyze, detect } = this.activityArns;
    const arns = [convert, aggregate, analyze, ...Object.values(detect)].filter(
      (arn): arn is string => arn !== undefined,
    );
    this.#disposed ??= deleteQuietly(this.#options.sfn, this.stateMachineArn, arns);
    return this.#disposed;
  }
}

/** Start to end of an execution, from its history's timestamps (or DescribeExecution's dates). */
function executionDurationMs(history: readonly HistoryEvent[], startDate?: Date, stopDate?: Date): number {
  const times = history
    .map((event) => event.timestamp?.getTime())
    .filter((time): time is number => time !== undefined && Number.isFinite(time));
  if (times.length >= 2) return Math.max(0, Math.max(...times) - Math.min(...times));
  if (startDate !== undefined && stopDate !== undefined)
    return Math.max(0, stopDate.getTime() - startDate.getTime());
  return 0;
}

async function deleteQuietly(
  sfn: SFNClient,
  stateMachineArn: string | undefined,
  activityArns: readonly string[],
): Promise<void> {
  const options = { abortSignal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS) };
  const requests: Promise<unknown>[] = activityArns.map((activityArn) =>
    sfn.send(new DeleteActivityCommand({ activityArn }), options),
  );
  if (stateMachineArn !== undefined) {
    requests.push(sfn.send(new DeleteStateMachineCommand({ stateMachineArn }), options));
  }
  // Best effort: an endpoint that went away has nothing left to delete.
  await Promise.allSettled(requests);
}

/** `prefix-suffix` as a valid Step Functions name (1 to 80 characters, no special characters). */
export function resourceName(prefix: string, suffix: string): string {
  const name = (suffix === '' ? prefix : `${prefix}-${suffix}`).replace(NAME_CHARACTERS, '_');
  if (name.length <= 80) return name;
  let hash = 2166136261;
  for (const char of name) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619) >>> 0;
  return `${name.slice(0, 71)}-${hash.toString(16).padStart(8, '0')}`;
}

/** At most `limit` holders at once; waiters are served in arrival order. */
class Semaphore {
  readonly #limit: number;
  #held = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#held < this.#limit) {
      this.#held += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.#held += 1;
        resolve();
      };
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(grant);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(grant);
    });
  }

  release(): void {
    this.#held -= 1;
    this.#waiters.shift()?.();
  }
}

/** Waits `ms`; an abort of `signal` ends the wait early (without throwing). */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
