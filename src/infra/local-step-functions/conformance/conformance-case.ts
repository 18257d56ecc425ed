import { readdirSync, readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { countBilledTransitions, type HistoryEventLike } from '../../../core/billing/transitions.ts';

/**
 * One conformance case: a state machine run recorded on AWS (taken from LocalStack's snapshot tests,
 * which record against AWS), reduced to what the replay compares.
 */
export interface ConformanceCase {
  readonly id: string;
  readonly source: {
    readonly repository: string;
    readonly commit: string;
    readonly snapshot: string;
    readonly test: string;
    /** Key of the recorded history in the snapshot (`get_execution_history`, `exec_hist_resp_<n>`). */
    readonly history: string;
    readonly template: string;
    /** When LocalStack recorded the snapshot against AWS (their format, `DD-MM-YYYY, HH:MM:SS`). */
    readonly recordedDate: string | null;
    /** The case's `last_validated_date` in LocalStack's `*.validation.json` (null: no entry there). */
    readonly lastValidatedAgainstAws: string | null;
  };
  readonly definition: Record<string, unknown>;
  readonly input: string;
  readonly expected: {
    readonly status: string;
    readonly output?: unknown;
    readonly error?: string;
    readonly cause?: unknown;
    readonly events: readonly RecordedEvent[];
  };
  /**
   * The activity worker, for definitions whose Task resource is the placeholder `activity_arn`: `echo`
   * answers the input, `fail` fails with `error` and the input as cause, `hold` never answers,
   * `deleted` means the activity is deleted before the execution starts.
   */
  readonly workers?: {
    readonly answer: 'echo' | 'fail' | 'hold' | 'deleted';
    readonly error?: string;
    readonly workerName?: string;
  };
  readonly note?: string;
}

/**
 * A history event reduced to what is compared: type, the state or Map name, the iteration index, the Map
 * length. `id` is a number, except in snapshots where LocalStack's transformer replaced the ids of
 * Parallel branch events (then their order is unknown and they are compared as a bag).
 */
export interface RecordedEvent {
  readonly id: number | unknown;
  readonly previousEventId: number;
  readonly type: string;
  readonly name?: string;
  readonly index?: number;
  readonly length?: number;
  readonly error?: string;
  readonly cause?: unknown;
}

/** What the endpoint produced for a case. */
export interface Replay {
  readonly status: string;
  readonly outputText?: string | undefined;
  readonly error?: string | undefined;
  readonly cause?: string | undefined;
  readonly events: readonly RecordedEvent[];
}

export interface CaseComparison {
  readonly billed: { readonly aws: number; readonly endpoint: number };
  /** Differences in status, output, error or cause. */
  readonly outcomeDifferences: readonly string[];
  /** Differences in the event history (canonical form, see `canonicalHistory`). */
  readonly historyDifferences: readonly string[];
  /**
   * Differences in the plain id order of the events, for machines without a Parallel state (AWS records
   * their Map iterations one after the other, and so must the endpoint). Empty for the others.
   */
  readonly orderDifferences: readonly string[];
}

const CASES_DIR = new URL('./cases/', import.meta.url);

/** Every case under `conformance/cases/`, by file name order. */
export function loadConformanceCases(): ConformanceCase[] {
  return readdirSync(CASES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, CASES_DIR), 'utf8')) as ConformanceCase);
}

/** A GetExecutionHistory event (SDK shape) reduced as the recorded ones are. */
export function reduceEvent(event: Record<string, unknown>): RecordedEvent {
  const reduced: Record<string, unknown> = {
    id: event.id,
    previousEventId: event.previousEventId ?? 0,
    type: event.type,
  };
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const details = value as Record<string, unknown>;
    for (const field of ['name', 'index', 'length'] as const) {
      if (details[field] !== undefined) reduced[field] = details[field];
    }
    if (key === 'executionFailedEventDetails' || key === 'activityFailedEventDetails') {
      if (details.error !== undefined) reduced.error = details.error;
      if (details.cause !== undefined) reduced.cause = details.cause;
    }
  }
  return reduced as unknown as RecordedEvent;
}

/** Billed transitions of a reduced history (`*StateEntered` events plus retries). */
export function billedTransitions(events: readonly RecordedEvent[]): number {
  let synthetic = 1_000_000;
  const like: HistoryEventLike[] = events.map((event) => ({
    // Branch events whose ids the snapshot replaced still count (as entries without a chain).
    id: typeof event.id === 'number' ? event.id : synthetic++,
    previousEventId: event.previousEventId,
    type: event.type,
    ...(event.name === undefined ? {} : { stateEnteredEventDetails: { name: event.name } }),
  }));
  return countBilledTransitions(like).total;
}

/** Compares a replay with the AWS recording of a case. */
export function compareWithAws(testCase: ConformanceCase, replay: Replay): CaseComparison {
  const expected = testCase.expected;
  const outcome: string[] = [];
  if (replay.status !== expected.status) outcome.push(`status ${replay.status}, AWS ${expected.status}`);
  if (expected.status === 'SUCCEEDED') {
    const output = parseMaybe(replay.outputText);
    if (!isDeepStrictEqual(output, parseMaybe(expected.output))) {
      outcome.push(`output ${JSON.stringify(output)}, AWS ${JSON.stringify(expected.output)}`);
    }
  }
  if (expected.status === 'FAILED') {
    for (const field of ['error', 'cause'] as const) {
      const ours = parseMaybe(replay[field]);
      const aws = parseMaybe(expected[field]);
      if (isDeepStrictEqual(ours, aws) || matchesPlaceholders(ours, aws)) continue;
      outcome.push(`${field} ${JSON.stringify(ours)}, AWS ${JSON.stringify(aws)}`);
    }
  }
  const branchIndexes = parallelBranchIndexes(testCase.definition);
  const ours = canonicalHistory(replay.events, branchIndexes, hasBagEvents(expected.events));
  const aws = canonicalHistory(expected.events, branchIndexes, false);
  return {
    billed: { aws: billedTransitions(expected.events), endpoint: billedTransitions(replay.events) },
    outcomeDifferences: outcome,
    historyDifferences: lineDifferences(ours, aws),
    orderDifferences: hasParallel(testCase.definition)
      ? []
      : lineDifferences(idOrder(replay.events), idOrder(expected.events)),
  };
}

/**
 * LocalStack's snapshot transformer replaced JSON inputs inside messages with `<json-input:N>`: such a
 * recorded text matches any text there.
 */
function matchesPlaceholders(ours: unknown, aws: unknown): boolean {
  if (typeof ours !== 'string' || typeof aws !== 'string' || !aws.includes('<json-input:')) return false;
  const pattern = aws
    .split(/<json-input:\d+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(ours);
}

function parseMaybe(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function hasParallel(definition: Record<string, unknown>): boolean {
  return JSON.stringify(definition).includes('"Parallel"');
}

function idOrder(events: readonly RecordedEvent[]): string[] {
  return events
    .filter((event): event is RecordedEvent & { id: number } => typeof event.id === 'number')
    .sort((a, b) => a.id - b.id)
    .map(signature);
}

function hasBagEvents(events: readonly RecordedEvent[]): boolean {
  return events.some((event) => typeof event.id !== 'number');
}

// ---- canonical history ------------------------------------------------------------------------------

interface ContainerRun {
  readonly id: number;
  readonly kind: 'Map' | 'Parallel';
  readonly name: string | undefined;
  readonly outerLane: Lane;
  readonly lanes: Lane[];
  closed: boolean;
}

interface Lane {
  readonly key: string;
  /** Sort key among the lanes of its run: iteration index or branch index. */
  readonly order: number;
  readonly run: ContainerRun | undefined;
  readonly events: RecordedEvent[];
}

const CONTAINER_STARTED: Readonly<Record<string, 'Map' | 'Parallel'>> = {
  MapStateStarted: 'Map',
  ParallelStateStarted: 'Parallel',
};
const CONTAINER_CLOSED: Readonly<Record<string, 'Map' | 'Parallel'>> = {
  MapStateSucceeded: 'Map',
  MapStateFailed: 'Map',
  MapStateAborted: 'Map',
  MapStateExited: 'Map',
  ParallelStateSucceeded: 'Parallel',
  ParallelStateFailed: 'Parallel',
  ParallelStateAborted: 'Parallel',
  ParallelStateExited: 'Parallel',
};
const ITERATION_EVENTS: ReadonlySet<string> = new Set([
  'MapIterationStarted',
  'MapIterationSucceeded',
  'MapIterationFailed',
  'MapIterationAborted',
]);

/**
 * The history as lines, one per event, with the events of each Parallel branch and Map iteration in
 * their own indented block under the container's `*StateStarted`, blocks sorted by branch or iteration
 * index. Events are placed by `previousEventId` (each event follows the previous one of its own branch),
 * so the order of events within a branch or iteration and outside any container is compared, while the
 * interleaving of concurrent branches (which AWS does not fix either) is not.
 *
 * `asBag`: for histories compared with a snapshot whose Parallel branch events lost their ids, the
 * events inside Parallel branches become one sorted bag and `ParallelStateSucceeded` (which that
 * snapshot dropped) is left out.
 */
export function canonicalHistory(
  events: readonly RecordedEvent[],
  branchIndexes: ReadonlyMap<string, number>,
  asBag: boolean,
): string[] {
  const root: Lane = { key: 'root', order: 0, run: undefined, events: [] };
  const laneOfId = new Map<number, Lane>();
  const runs: ContainerRun[] = [];
  const bag: string[] = [];
  const ordered = events
    .filter((event): event is RecordedEvent & { id: number } => typeof event.id === 'number')
    .sort((a, b) => a.id - b.id);
  for (const event of events) if (typeof event.id !== 'number') bag.push(signature(event));

  const climb = (lane: Lane, kind: 'Map' | 'Parallel', name?: string): ContainerRun | undefined => {
    let at: Lane | undefined = lane;
    while (at?.run !== undefined) {
      if (at.run.kind === kind && (name === undefined || at.run.name === name)) return at.run;
      at = at.run.outerLane;
    }
    return undefined;
  };

  for (const event of ordered) {
    const previousLane = laneOfId.get(event.previousEventId) ?? root;
    let lane = previousLane;
    const started = CONTAINER_STARTED[event.type];
    const closed = CONTAINER_CLOSED[event.type];
    if (event.type.startsWith('Execution')) {
      lane = root;
    } else if (started !== undefined) {
      // A first start follows the container's StateEntered; a retry follows an event inside the run.
      const previous = ordered.find((candidate) => candidate.id === event.previousEventId);
      const inside = previous?.type === `${started}StateEntered` ? undefined : climb(previousLane, started);
      lane = inside?.outerLane ?? previousLane;
      const name = inside?.name ?? previous?.name;
      const run: ContainerRun = {
        id: event.id,
        kind: started,
        name,
        outerLane: lane,
        lanes: [],
        closed: false,
      };
      runs.push(run);
    } else if (closed !== undefined) {
      const run = climb(previousLane, closed, event.name);
      if (run !== undefined) {
        lane = run.outerLane;
        if (!event.type.endsWith('Exited')) run.closed = true;
      }
    } else if (ITERATION_EVENTS.has(event.type)) {
      const run =
        runs.find((candidate) => candidate.id === event.previousEventId && candidate.kind === 'Map') ??
        climb(previousLane, 'Map', event.name) ??
        [...runs].reverse().find((candidate) => candidate.name === event.name && !candidate.closed);
      if (run !== undefined) {
        const key = `${run.id}@${event.index ?? -1}`;
        let iteration = run.lanes.find((candidate) => candidate.key === key);
        if (iteration === undefined) {
          iteration = { key, order: event.index ?? -1, run, events: [] };
          run.lanes.push(iteration);
        }
        lane = iteration;
      }
    } else {
      const parallel = runs.find((run) => run.id === event.previousEventId && run.kind === 'Parallel');
      if (parallel !== undefined) {
        const order = event.name === undefined ? parallel.lanes.length : (branchIndexes.get(event.name) ?? 0);
        lane = { key: `${parallel.id}#${order}`, order, run: parallel, events: [] };
        parallel.lanes.push(lane);
      }
    }
    lane.events.push(event);
    laneOfId.set(event.id, lane);
  }

  const lines: string[] = [];
  const render = (lane: Lane, depth: number): void => {
    for (const event of lane.events) {
      if (asBag && event.type === 'ParallelStateSucceeded') continue;
      lines.push(`${'  '.repeat(depth)}${signature(event)}`);
      const run = runs.find((candidate) => candidate.id === event.id);
      if (run === undefined) continue;
      const inner = [...run.lanes].sort((a, b) => a.order - b.order);
      if (asBag && run.kind === 'Parallel') {
        for (const branch of inner) collect(branch, bag);
        continue;
      }
      for (const branch of inner) {
        lines.push(
          `${'  '.repeat(depth + 1)}[${run.kind === 'Map' ? 'iteration' : 'branch'} ${branch.order}]`,
        );
        render(branch, depth + 2);
      }
    }
  };
  const collect = (lane: Lane, into: string[]): void => {
    for (const event of lane.events) {
      into.push(signature(event));
      const run = runs.find((candidate) => candidate.id === event.id);
      for (const inner of run?.lanes ?? []) collect(inner, into);
    }
  };
  render(root, 0);
  if (bag.length > 0) lines.push(`branch events (unordered): ${bag.sort().join(', ')}`);
  return lines;
}

function signature(event: RecordedEvent): string {
  return [event.type, event.name, event.index === undefined ? undefined : `#${event.index}`]
    .filter((part) => part !== undefined)
    .join(' ');
}

/** State name -> index of its branch in the nearest enclosing Parallel state. */
export function parallelBranchIndexes(definition: Record<string, unknown>): Map<string, number> {
  const indexes = new Map<string, number>();
  const walk = (machine: unknown, branch: number | undefined): void => {
    const states = (machine as { States?: unknown } | undefined)?.States;
    if (typeof states !== 'object' || states === null) return;
    for (const [name, state] of Object.entries(states as Record<string, Record<string, unknown>>)) {
      if (branch !== undefined) indexes.set(name, branch);
      if (Array.isArray(state.Branches)) {
        state.Branches.forEach((inner, index) => {
          walk(inner, index);
        });
      }
      walk(state.ItemProcessor ?? state.Iterator, undefined);
    }
  };
  walk(definition, undefined);
  return indexes;
}

/** The first differing lines of two canonical histories (empty: equal). */
function lineDifferences(ours: readonly string[], aws: readonly string[]): string[] {
  const differences: string[] = [];
  const length = Math.max(ours.length, aws.length);
  for (let at = 0; at < length && differences.length < 3; at += 1) {
    if (ours[at] !== aws[at]) {
      differences.push(
        `line ${at + 1}: endpoint ${JSON.stringify(ours[at] ?? '(end)')}, AWS ${JSON.stringify(aws[at] ?? '(end)')}`,
      );
    }
  }
  return differences;
}
