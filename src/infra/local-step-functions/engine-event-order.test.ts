import { describe, expect, it } from 'vitest';
import { type EngineEvent, inCausalOrder } from './engine-event-order.ts';
import { compileDefinition } from './state-machine-definition.ts';

const ACTIVITY = 'arn:aws:states:us-east-1:123456789012:activity:work';

const { states } = compileDefinition(
  JSON.stringify({
    StartAt: 'Detect',
    States: {
      Detect: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'Freeze', States: { Freeze: { Type: 'Task', Resource: ACTIVITY, End: true } } },
          {
            StartAt: 'Inner',
            States: {
              Inner: {
                Type: 'Parallel',
                Branches: [{ StartAt: 'Black', States: { Black: { Type: 'Pass', End: true } } }],
                End: true,
              },
            },
          },
        ],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  }),
);

function stateEvent(type: string, name: string): EngineEvent {
  const info = states.get(name);
  return { type, timestamp: 0, state: { name, type: info?.type ?? 'Pass', input: {} } };
}

function branchEvent(type: string, parent: string): EngineEvent {
  return { type, timestamp: 0, parentState: { name: parent } };
}

function label(event: EngineEvent): string {
  return `${event.type} ${event.state?.name ?? event.parentState?.name ?? ''}`.trim();
}

describe('inCausalOrder', () => {
  it('moves branch events that trail their Parallel exit before it, nested Parallels included', () => {
    const batch = [
      stateEvent('StateExited', 'Detect'),
      stateEvent('StateEntered', 'Done'),
      stateEvent('StateExited', 'Freeze'),
      branchEvent('ParallelBranchSucceeded', 'Detect'),
      stateEvent('StateExited', 'Inner'),
      stateEvent('StateExited', 'Black'),
      { type: 'ExecutionSucceeded', timestamp: 0 },
      stateEvent('StateExited', 'Done'),
    ];
    expect(inCausalOrder(batch, states).map(label)).toEqual([
      'StateExited Freeze',
      'ParallelBranchSucceeded Detect',
      'StateExited Black',
      'StateExited Inner',
      'StateExited Detect',
      'StateEntered Done',
      'StateExited Done',
      'ExecutionSucceeded',
    ]);
  });

  it('leaves events of the next run after a Parallel retry where they are', () => {
    const batch = [
      stateEvent('StateFailed', 'Detect'),
      stateEvent('StateExited', 'Black'),
      stateEvent('StateRetried', 'Detect'),
      branchEvent('ParallelBranchStarted', 'Detect'),
      stateEvent('StateEntered', 'Freeze'),
    ];
    expect(inCausalOrder(batch, states).map(label)).toEqual([
      'StateExited Black',
      'StateFailed Detect',
      'StateRetried Detect',
      'ParallelBranchStarted Detect',
      'StateEntered Freeze',
    ]);
  });

  it('keeps an already causal batch as it is', () => {
    const batch = [
      stateEvent('StateEntered', 'Detect'),
      branchEvent('ParallelBranchStarted', 'Detect'),
      stateEvent('StateEntered', 'Freeze'),
      stateEvent('StateExited', 'Freeze'),
      branchEvent('ParallelBranchSucceeded', 'Detect'),
      stateEvent('StateExited', 'Detect'),
    ];
    expect(inCausalOrder(batch, states)).toEqual(batch);
  });

  it('records the end of a Map iteration before the start of the next one, as AWS does', () => {
    const map = compileDefinition(
      JSON.stringify({
        StartAt: 'Outer',
        States: {
          Outer: {
            Type: 'Map',
            ItemProcessor: {
              StartAt: 'Inner',
              States: {
                Inner: {
                  Type: 'Map',
                  ItemProcessor: { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
                  End: true,
                },
              },
            },
            End: true,
          },
        },
      }),
    ).states;
    const iteration = (type: string, parent: string, index: number): EngineEvent => ({
      type,
      timestamp: 0,
      parentState: { name: parent },
      index,
    });
    const inside = (type: string, name: string, index: number): EngineEvent => ({
      type,
      timestamp: 0,
      state: { name, type: map.get(name)?.type ?? 'Pass', input: {} },
      index,
    });
    // The order aws-local-stepfunctions logs a nested Map in (the outer Map's index on inner states).
    const batch = [
      iteration('MapIterationStarted', 'Inner', 1),
      iteration('MapIterationSucceeded', 'Inner', 0),
      inside('StateEntered', 'Item', 0),
      iteration('MapIterationStarted', 'Outer', 1),
      inside('StateExited', 'Inner', 0),
      inside('StateEntered', 'Inner', 1),
      iteration('MapIterationSucceeded', 'Outer', 0),
    ];
    const ordered = inCausalOrder(batch, map).map((event) => `${label(event)} ${event.index}`);
    expect(ordered).toEqual([
      'MapIterationSucceeded Inner 0',
      'MapIterationStarted Inner 1',
      'StateEntered Item 0',
      'StateExited Inner 0',
      'MapIterationSucceeded Outer 0',
      'MapIterationStarted Outer 1',
      'StateEntered Inner 1',
    ]);
  });
});
