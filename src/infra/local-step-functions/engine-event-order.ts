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
  return [
    ...events.filter((event) => !EXECUTION_TERMINAL_EVENTS.has(event.type)),
    ...events.filter((event) => EXECUTION_TERMINAL_EVENTS.has(event.type)),
  ];
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
