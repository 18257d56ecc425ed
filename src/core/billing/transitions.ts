/**
 * Billed state transitions of one Standard workflow execution, read from its execution history exactly as
 * AWS bills them (FACTS.md, "How Step Functions bills transitions"): one transition per `*StateEntered`
 * event, plus one per retry. Written against the AWS `HistoryEvent` shape, so the same function counts a
 * history from real AWS, LocalStack or the embedded endpoint.
 */

/** The fields of an AWS `HistoryEvent` (GetExecutionHistory) that billing reads; SDK events fit it. */
export interface HistoryEventLike {
  readonly id?: number | undefined;
  /** Id of the event this one follows in its own branch (0 or absent: none). */
  readonly previousEventId?: number | undefined;
  readonly type?: string | undefined;
  readonly stateEnteredEventDetails?: { readonly name?: string | undefined } | undefined;
}

export interface BilledTransitions {
  /** Billed transitions of the execution: `*StateEntered` events plus retries. */
  readonly total: number;
  /** The same, per state name (sums to `total`). */
  readonly byState: Record<string, number>;
}

/**
 * Events that start one attempt of a state's work. A state entry that holds more than one of them was
 * retried, once per extra attempt: Task states schedule their activity, Lambda function or service
 * integration again; Parallel and Map states start again.
 */
const ATTEMPT_START_TYPES: ReadonlySet<string> = new Set([
  'ActivityScheduled',
  'LambdaFunctionScheduled',
  'TaskScheduled',
  'ParallelStateStarted',
  'MapStateStarted',
]);

/** Events that open (`Started`) and close (`Succeeded`, `Failed`, `Aborted`) a Parallel or Map body. */
const CONTAINER_OPEN_TYPES: ReadonlySet<string> = new Set(['ParallelStateStarted', 'MapStateStarted']);
const CONTAINER_CLOSE_TYPES: ReadonlySet<string> = new Set([
  'ParallelStateSucceeded',
  'ParallelStateFailed',
  'ParallelStateAborted',
  'MapStateSucceeded',
  'MapStateFailed',
  'MapStateAborted',
]);

/** The `*StateEntered` types an attempt-start event can belong to (for the list-order fallback). */
const ENTERED_TYPE_OF_ATTEMPT: Readonly<Record<string, string>> = {
  ActivityScheduled: 'TaskStateEntered',
  LambdaFunctionScheduled: 'TaskStateEntered',
  TaskScheduled: 'TaskStateEntered',
  ParallelStateStarted: 'ParallelStateEntered',
  MapStateStarted: 'MapStateEntered',
};

const UNNAMED_STATE = '(unnamed state)';

function isStateEntered(event: HistoryEventLike): boolean {
  return event.type?.endsWith('StateEntered') === true;
}

function stateNameOf(event: HistoryEventLike): string {
  return event.stateEnteredEventDetails?.name ?? UNNAMED_STATE;
}

/**
 * Counts billed transitions in one execution's history (any order; events are keyed by `id`).
 *
 * Rules, as AWS bills Standard workflows:
 * - every `*StateEntered` event is one transition of that state (Task, Pass, Choice, Wait, Parallel, Map,
 *   Succeed, Fail; states inside Parallel branches and inline Map iterations included, the branches and
 *   iterations themselves are free);
 * - every retry is one more transition of the retried state. A retry is an attempt-start event
 *   (`ActivityScheduled`, `LambdaFunctionScheduled`, `TaskScheduled`, `ParallelStateStarted`,
 *   `MapStateStarted`) beyond the first within one state entry. The entry an attempt belongs to is found by
 *   following `previousEventId` back to the nearest `*StateEntered` event, stepping over nested Parallel
 *   and Map bodies, so concurrent branches never mix. AWS records no `*StateFailed` before retrying a
 *   Parallel or Map: the retry's `*StateStarted` follows the last event inside the failed run, whose body
 *   is stepped over as well. If the chain is broken (an id missing), the nearest earlier entry of the
 *   matching state type in id order is used.
 *
 * Re-entering a state (a loop, or a Catch that leads back to it) is a new entry, counted as such, not a
 * retry.
 */
export function countBilledTransitions(events: readonly HistoryEventLike[]): BilledTransitions {
  const ordered = events
    .filter((event): event is HistoryEventLike & { id: number } => typeof event.id === 'number')
    .sort((a, b) => a.id - b.id);
  const byId = new Map<number, HistoryEventLike & { id: number }>();
  for (const event of ordered) byId.set(event.id, event);

  const byState: Record<string, number> = {};
  let total = 0;
  const bump = (name: string, by: number): void => {
    byState[name] = (byState[name] ?? 0) + by;
    total += by;
  };

  for (const event of ordered) if (isStateEntered(event)) bump(stateNameOf(event), 1);

  // Attempt starts grouped by the id of the state entry they belong to.
  const attemptsByEntry = new Map<number, number>();
  ordered.forEach((event, index) => {
    if (event.type === undefined || !ATTEMPT_START_TYPES.has(event.type)) return;
    const entry = owningEntry(event, byId) ?? nearestEarlierEntry(ordered, index, event.type);
    if (entry === undefined) return;
    attemptsByEntry.set(entry.id, (attemptsByEntry.get(entry.id) ?? 0) + 1);
  });
  for (const [entryId, attempts] of attemptsByEntry) {
    const entry = byId.get(entryId);
    if (entry !== undefined && attempts > 1) bump(stateNameOf(entry), attempts - 1);
  }
  return { total, byState };
}

/**
 * The `*StateEntered` event an attempt-start event belongs to, following `previousEventId` links. A
 * container body passed backwards (a `*StateSucceeded/Failed/Aborted` close, then events of its branches,
 * then its `*StateStarted` open) is stepped over, so entries of states nested in it are not taken.
 * Undefined if the chain breaks before an entry is found.
 */
function owningEntry(
  start: HistoryEventLike,
  byId: ReadonlyMap<number, HistoryEventLike & { id: number }>,
): (HistoryEventLike & { id: number }) | undefined {
  // A retry's open that follows an event inside the failed run also closes that run.
  let depth = opensAfterInnerEvent(start, byId) ? 1 : 0;
  let previous = start.previousEventId;
  // Each step moves to a strictly smaller id, so this ends; the bound guards malformed input anyway.
  for (let steps = 0; steps <= byId.size; steps += 1) {
    if (previous === undefined || previous <= 0) return undefined;
    const event = byId.get(previous);
    if (event === undefined || event.id >= (start.id ?? Number.POSITIVE_INFINITY)) return undefined;
    const type = event.type ?? '';
    if (CONTAINER_CLOSE_TYPES.has(type)) depth += 1;
    else if (CONTAINER_OPEN_TYPES.has(type) && depth > 0) {
      if (!opensAfterInnerEvent(event, byId)) depth -= 1;
    } else if (depth === 0 && isStateEntered(event)) return event;
    previous = event.previousEventId;
  }
  return undefined;
}

/**
 * Whether `event` opens a Parallel or Map run right after an event inside the previous, failed run (a
 * retry as AWS records it, without `*StateFailed`), rather than after its `*StateEntered` or a close.
 */
function opensAfterInnerEvent(
  event: HistoryEventLike,
  byId: ReadonlyMap<number, HistoryEventLike & { id: number }>,
): boolean {
  if (event.type === undefined || !CONTAINER_OPEN_TYPES.has(event.type)) return false;
  const previous = event.previousEventId === undefined ? undefined : byId.get(event.previousEventId);
  if (previous === undefined) return false;
  return (
    previous.type !== ENTERED_TYPE_OF_ATTEMPT[event.type] && !CONTAINER_CLOSE_TYPES.has(previous.type ?? '')
  );
}

/** Fallback for broken chains: the nearest earlier entry event of the type the attempt belongs to. */
function nearestEarlierEntry(
  ordered: readonly (HistoryEventLike & { id: number })[],
  index: number,
  attemptType: string,
): (HistoryEventLike & { id: number }) | undefined {
  const enteredType = ENTERED_TYPE_OF_ATTEMPT[attemptType];
  for (let at = index - 1; at >= 0; at -= 1) {
    const event = ordered[at];
    if (event !== undefined && event.type === enteredType) return event;
  }
  return undefined;
}
