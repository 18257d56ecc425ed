import { describe, expect, it } from 'vitest';
import { countBilledTransitions, type HistoryEventLike } from './transitions.ts';

/** An AWS-shaped history event (the fields billing reads). */
function ev(id: number, previousEventId: number, type: string, name?: string): HistoryEventLike {
  return { id, previousEventId, type, ...(name === undefined ? {} : { stateEnteredEventDetails: { name } }) };
}

/** Deterministic shuffle (events may come in any order, e.g. merged pages). */
function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  let seed = 7;
  for (let at = copy.length - 1; at > 0; at -= 1) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const other = seed % (at + 1);
    [copy[at], copy[other]] = [copy[other] as T, copy[at] as T];
  }
  return copy;
}

describe('countBilledTransitions', () => {
  it('counts one transition per StateEntered event of a sequential run (AWS activity history)', () => {
    // As recorded from AWS: the first state entered has previousEventId 0.
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'PassStateEntered', 'Prepare'),
      ev(3, 2, 'PassStateExited'),
      ev(4, 3, 'TaskStateEntered', 'Convert'),
      ev(5, 4, 'ActivityScheduled'),
      ev(6, 5, 'ActivityStarted'),
      ev(7, 6, 'ActivitySucceeded'),
      ev(8, 7, 'TaskStateExited'),
      ev(9, 8, 'SucceedStateEntered', 'Done'),
      ev(10, 9, 'SucceedStateExited'),
      ev(11, 10, 'ExecutionSucceeded'),
    ];
    expect(countBilledTransitions(events)).toEqual({
      total: 3,
      byState: { Prepare: 1, Convert: 1, Done: 1 },
    });
  });

  it('adds one transition per retry (activity re-scheduled after a failure or a timeout)', () => {
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'TaskStateEntered', 'Convert'),
      ev(3, 2, 'ActivityScheduled'),
      ev(4, 3, 'ActivityStarted'),
      ev(5, 4, 'ActivityFailed'),
      ev(6, 5, 'ActivityScheduled'),
      ev(7, 6, 'ActivityTimedOut'),
      ev(8, 7, 'ActivityScheduled'),
      ev(9, 8, 'ActivityStarted'),
      ev(10, 9, 'ActivitySucceeded'),
      ev(11, 10, 'TaskStateExited'),
      ev(12, 11, 'ExecutionSucceeded'),
    ];
    expect(countBilledTransitions(events)).toEqual({ total: 3, byState: { Convert: 3 } });
  });

  it('counts a retry whose previousEventId points straight at the state entry', () => {
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'TaskStateEntered', 'Convert'),
      ev(3, 2, 'LambdaFunctionScheduled'),
      ev(4, 3, 'LambdaFunctionFailed'),
      ev(5, 2, 'LambdaFunctionScheduled'),
      ev(6, 5, 'LambdaFunctionSucceeded'),
      ev(7, 6, 'TaskStateExited'),
    ];
    expect(countBilledTransitions(events)).toEqual({ total: 2, byState: { Convert: 2 } });
  });

  // Parallel with two interleaved branches; the retry of Freeze must not be taken for Black's.
  const parallelHistory = [
    ev(1, 0, 'ExecutionStarted'),
    ev(2, 0, 'ParallelStateEntered', 'Detect'),
    ev(3, 2, 'ParallelStateStarted'),
    ev(4, 3, 'TaskStateEntered', 'Freeze'),
    ev(5, 4, 'ActivityScheduled'),
    ev(6, 3, 'TaskStateEntered', 'Black'),
    ev(7, 6, 'ActivityScheduled'),
    ev(8, 5, 'ActivityStarted'),
    ev(9, 7, 'ActivityStarted'),
    ev(10, 8, 'ActivityFailed'),
    ev(11, 9, 'ActivityFailed'),
    ev(12, 11, 'TaskStateExited'),
    ev(13, 12, 'PassStateEntered', 'BlackFailed'),
    ev(14, 10, 'ActivityScheduled'),
    ev(15, 13, 'PassStateExited'),
    ev(16, 14, 'ActivityStarted'),
    ev(17, 16, 'ActivitySucceeded'),
    ev(18, 17, 'TaskStateExited'),
    ev(19, 18, 'ParallelStateSucceeded'),
    ev(20, 19, 'ParallelStateExited'),
    ev(21, 20, 'ExecutionSucceeded'),
  ];

  it('keeps concurrent Parallel branches apart by following previousEventId', () => {
    expect(countBilledTransitions(parallelHistory)).toEqual({
      total: 5,
      byState: { Detect: 1, Freeze: 2, Black: 1, BlackFailed: 1 },
    });
  });

  it('gives the same counts whatever order the events come in', () => {
    const expected = countBilledTransitions(parallelHistory);
    expect(countBilledTransitions(shuffled(parallelHistory))).toEqual(expected);
    expect(countBilledTransitions([...parallelHistory].reverse())).toEqual(expected);
  });

  it('counts a retried Parallel state once more, not its branches', () => {
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'ParallelStateEntered', 'Detect'),
      ev(3, 2, 'ParallelStateStarted'),
      ev(4, 3, 'TaskStateEntered', 'Freeze'),
      ev(5, 4, 'ActivityScheduled'),
      ev(6, 5, 'ActivityFailed'),
      ev(7, 6, 'ParallelStateFailed'),
      ev(8, 7, 'ParallelStateStarted'),
      ev(9, 8, 'TaskStateEntered', 'Freeze'),
      ev(10, 9, 'ActivityScheduled'),
      ev(11, 10, 'ActivitySucceeded'),
      ev(12, 11, 'TaskStateExited'),
      ev(13, 12, 'ParallelStateSucceeded'),
      ev(14, 13, 'ParallelStateExited'),
    ];
    expect(countBilledTransitions(events)).toEqual({ total: 4, byState: { Detect: 2, Freeze: 2 } });
  });

  it('counts a retried Map once more as AWS records it: no MapStateFailed before the retry', () => {
    // AWS history of a Map whose only iteration fails, retried twice (LocalStack's
    // test_map_state_retry, recorded on AWS 2023-07-18).
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'MapStateEntered', 'MapState'),
      ev(3, 2, 'MapStateStarted'),
      ev(4, 3, 'MapIterationStarted'),
      ev(5, 4, 'FailStateEntered', 'HandleItemFail'),
      ev(6, 5, 'MapIterationFailed'),
      ev(7, 5, 'MapStateStarted'),
      ev(8, 7, 'MapIterationStarted'),
      ev(9, 8, 'FailStateEntered', 'HandleItemFail'),
      ev(10, 9, 'MapIterationFailed'),
      ev(11, 9, 'MapStateStarted'),
      ev(12, 11, 'MapIterationStarted'),
      ev(13, 12, 'FailStateEntered', 'HandleItemFail'),
      ev(14, 13, 'MapIterationFailed'),
      ev(15, 13, 'MapStateFailed'),
      ev(16, 15, 'ExecutionFailed'),
    ];
    expect(countBilledTransitions(events)).toEqual({ total: 6, byState: { MapState: 3, HandleItemFail: 3 } });
    expect(countBilledTransitions(shuffled(events))).toEqual(countBilledTransitions(events));
  });

  it('counts Map iterations free and every state inside them', () => {
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'MapStateEntered', 'EachChunk'),
      ev(3, 2, 'MapStateStarted'),
      ev(4, 3, 'MapIterationStarted'),
      ev(5, 4, 'TaskStateEntered', 'Analyse'),
      ev(6, 3, 'MapIterationStarted'),
      ev(7, 6, 'TaskStateEntered', 'Analyse'),
      ev(8, 5, 'ActivityScheduled'),
      ev(9, 7, 'ActivityScheduled'),
      ev(10, 9, 'ActivityFailed'),
      ev(11, 10, 'ActivityScheduled'),
      ev(12, 8, 'ActivitySucceeded'),
      ev(13, 11, 'ActivitySucceeded'),
      ev(14, 12, 'TaskStateExited'),
      ev(15, 13, 'TaskStateExited'),
      ev(16, 14, 'MapIterationSucceeded'),
      ev(17, 15, 'MapIterationSucceeded'),
      ev(18, 17, 'MapStateSucceeded'),
      ev(19, 18, 'MapStateExited'),
    ];
    expect(countBilledTransitions(events)).toEqual({ total: 4, byState: { EachChunk: 1, Analyse: 3 } });
  });

  it('counts a loop back into a state as a new entry, not a retry', () => {
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'TaskStateEntered', 'Poll'),
      ev(3, 2, 'ActivityScheduled'),
      ev(4, 3, 'ActivitySucceeded'),
      ev(5, 4, 'TaskStateExited'),
      ev(6, 5, 'ChoiceStateEntered', 'Again'),
      ev(7, 6, 'ChoiceStateExited'),
      ev(8, 7, 'TaskStateEntered', 'Poll'),
      ev(9, 8, 'ActivityScheduled'),
      ev(10, 9, 'ActivitySucceeded'),
      ev(11, 10, 'TaskStateExited'),
      ev(12, 11, 'FailStateEntered', 'Stop'),
      ev(13, 12, 'ExecutionFailed'),
    ];
    expect(countBilledTransitions(events)).toEqual({ total: 4, byState: { Poll: 2, Again: 1, Stop: 1 } });
  });

  it('falls back to the nearest earlier entry when a chain is broken', () => {
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 0, 'TaskStateEntered', 'Convert'),
      { id: 3, type: 'ActivityScheduled' },
      { id: 4, previousEventId: 99, type: 'ActivityFailed' },
      { id: 5, previousEventId: 4, type: 'ActivityScheduled' },
    ];
    expect(countBilledTransitions(events)).toEqual({ total: 2, byState: { Convert: 2 } });
  });

  it('returns zero for an empty history', () => {
    expect(countBilledTransitions([])).toEqual({ total: 0, byState: {} });
  });
});
