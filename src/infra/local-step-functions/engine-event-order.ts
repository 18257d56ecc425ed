import type { StateInfo } from './state-machine-definition.ts';

/** The fields of an aws-local-stepfunctions event log entry the endpoint reads. */
export interface EngineEvent {
  /** StateEntered, StateExited, StateFailed, StateRetried, StateCaught, MapIteration*, ParallelBranch*, Execution*. */
  readonly type: string;
  readonly timestamp: number;
  readonly state?: {
    readonly name: string;
    readonly type: string;
    readonly input: unknown;
    readonly output?: unknown;
  };
  /** For MapIteration* and ParallelBranch* events: the Map or Parallel state. */
  readonly parentState?: { readonly name: string };
  /** Map iteration index (for events of states inside a Map: the outermost Map's index). */
  readonly index?: number;
  readonly output?: unknown;
  readonly Error?: string;
  readonly Cause?: unknown;
}

export const CONTAINER_TYPES: ReadonlySet<string> = new Set(['Parallel', 'Map']);
const CONTAINER_TERMINAL_EVENTS: ReadonlySet<string> = new Set([
  'StateExited',
  'StateFailed',
  'StateRetried',
  'StateCaught',
]);
const EXECUTION_TERMINAL_EVENTS: ReadonlySet<string> = new Set([
  'ExecutionSucceeded',
  'ExecutionFailed',
  'ExecutionAborted',
  'ExecutionTimeout',
]);

/**
 * One batch of engine events (everything the engine logged within one macrotask) in causal order.
 *
 * The engine forwards events of states inside Parallel branches and Map iterations to the execution's log
 * through extra async hops, so they can arrive after their container's own exit, failure or retry. Those
 * trailing events are moved just before that container event; events of a later run of the container
 * (after a retry or a re-entry) stay where they are. Execution-level final events go last.
 */
export function inCausalOrder(
  batch: readonly EngineEvent[],
  states: ReadonlyMap<string, StateInfo>,
): EngineEvent[] {
  const events = [...batch];
  // Every move puts events of a container's states before that container's event, never back: the
  // bound is only a guard.
  for (let round = 0; round <= events.length * events.length; round += 1) {
    let moved = false;
    for (let at = 0; at < events.length && !moved; at += 1) {
      const terminal = events[at];
      const container = terminal === undefined ? undefined : containerTerminalOf(terminal);
      if (terminal === undefined || container === undefined) continue;
      const trailing: number[] = [];
      for (let next = at + 1; next < events.length; next += 1) {
        const event = events[next];
        if (event === undefined || startsNewRun(event, container, terminal)) break;
        if (isInside(event, container, terminal.index, states)) trailing.push(next);
      }
      if (trailing.length === 0) continue;
      const trailingEvents = trailing.map((index) => events[index] as EngineEvent);
      for (const index of trailing.reverse()) events.splice(index, 1);
      events.splice(at, 0, ...trailingEvents);
      moved = true;
    }
    if (!moved) break;
  }
  endIterationsBeforeNextStart(events, states);
  return [
    ...events.filter((event) => !EXECUTION_TERMINAL_EVENTS.has(event.type)),
    ...events.filter((event) => EXECUTION_TERMINAL_EVENTS.has(event.type)),
  ];
}

const ITERATION_END_EVENTS: ReadonlySet<string> = new Set(['MapIterationSucceeded', 'MapIterationFailed']);

/**
 * The engine logs the start of a Map's next iteration before the end of the one it follows (the end, and
 * the last events of a Map nested in it, are forwarded through more async hops). AWS records the end
 * first, and an iteration that fails stops further ones from starting. So when an iteration's end follows
 * the start of another iteration of the same Map, the end and the events of its own iteration in between
 * are moved before that start.
 */
function endIterationsBeforeNextStart(events: EngineEvent[], states: ReadonlyMap<string, StateInfo>): void {
  for (let end = 0; end < events.length; end += 1) {
    const ended = events[end];
    if (ended === undefined || !ITERATION_END_EVENTS.has(ended.type)) continue;
    const map = ended.parentState?.name;
    let start = end - 1;
    while (start >= 0) {
      const event = events[start] as EngineEvent;
      if (event.parentState?.name === map && event.type !== 'MapIterationStarted') start = -1;
      else if (event.parentState?.name === map) break;
      else start -= 1;
    }
    const started = start < 0 ? undefined : events[start];
    if (map === undefined || started === undefined || started.index === ended.index) continue;
    const between = events.slice(start + 1, end);
    const own = between.filter((event) => inIteration(event, map, ended.index, states));
    const others = between.filter((event) => !own.includes(event));
    events.splice(start, end - start + 1, ...own, ended, started, ...others);
  }
}

/** Whether `event` is a state event of iteration `index` of `map` (known only when `map` is outermost). */
function inIteration(
  event: EngineEvent,
  map: string,
  index: number | undefined,
  states: ReadonlyMap<string, StateInfo>,
): boolean {
  const name = event.state?.name;
  if (name === undefined || index === undefined || event.index !== index) return false;
  const containers = states.get(name)?.containers ?? [];
  const outermostMap = [...containers].reverse().find((container) => states.get(container)?.type === 'Map');
  return outermostMap === map;
}

/** The Parallel or Map state whose exit, failure, retry or catch `event` is, if any. */
function containerTerminalOf(event: EngineEvent): string | undefined {
  if (!CONTAINER_TERMINAL_EVENTS.has(event.type) || event.state === undefined) return undefined;
  return CONTAINER_TYPES.has(event.state.type) ? event.state.name : undefined;
}

/** Whether `event` belongs to a later run of `container` than the one `terminal` ends. */
function startsNewRun(event: EngineEvent, container: string, terminal: EngineEvent): boolean {
  if ((event.type === 'StateEntered' || event.type === 'StateRetried') && event.state?.name === container) {
    return true;
  }
  return (
    terminal.type === 'StateRetried' &&
    (event.type === 'ParallelBranchStarted' || event.type === 'MapIterationStarted') &&
    event.parentState?.name === container
  );
}

/** Whether `event` happens inside `container` (in the same Map iteration, when known). */
function isInside(
  event: EngineEvent,
  container: string,
  index: number | undefined,
  states: ReadonlyMap<string, StateInfo>,
): boolean {
  const parent = event.parentState?.name;
  if (parent !== undefined)
    return parent === container || states.get(parent)?.containers.includes(container) === true;
  const name = event.state?.name;
  if (name === undefined || !states.get(name)?.containers.includes(container)) return false;
  return index === undefined || event.index === undefined || event.index === index;
}
