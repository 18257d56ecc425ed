import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DeleteActivityCommand,
  ExecutionAlreadyExists,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countBilledTransitions } from '../../core/billing/transitions.ts';
import { listenStepFunctions, type StepFunctionsHttpServer } from './json-protocol-server.ts';
import { sfnClientConfig } from './local-step-functions-server.ts';
import { fullHistory, ROLE_ARN, startTestWorker, typesOf, waitForEnd } from './sfn-test-support.ts';

/** Every previousEventId names an earlier event of the same history, ids run 1..n. */
function expectChained(events: readonly HistoryEvent[]): void {
  expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
  for (const event of events) {
    expect(event.previousEventId).toBeGreaterThanOrEqual(0);
    expect(event.previousEventId).toBeLessThan(event.id ?? 0);
  }
}

// The same server in-process: edge cases that need no separate process, still through the SDK.
describe('Step Functions JSON protocol server (in-process, through @aws-sdk/client-sfn)', () => {
  let server: StepFunctionsHttpServer;
  let sfn: SFNClient;
  let names = 0;

  async function activity(): Promise<string> {
    names += 1;
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: `a${names}` }));
    return activityArn ?? '';
  }

  async function machine(definition: object): Promise<string> {
    names += 1;
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: `m${names}`,
        definition: JSON.stringify(definition),
        roleArn: ROLE_ARN,
      }),
    );
    return stateMachineArn ?? '';
  }

  async function start(stateMachineArn: string, input: unknown = {}, name?: string): Promise<string> {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
    );
    return executionArn ?? '';
  }

  beforeAll(async () => {
    server = await listenStepFunctions({ maxPollWaitMs: 200 });
    sfn = new SFNClient(
      sfnClientConfig({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
  });

  afterAll(async () => {
    sfn?.destroy();
    await server?.close();
  });

  it('does not lose a task to a client that went away mid-poll', async () => {
    const activityArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: activityArn, End: true } },
    });
    const gone = new AbortController();
    const abandoned = sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'gone' }), {
      abortSignal: gone.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    gone.abort();
    await expect(abandoned).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));

    const executionArn = await start(stateMachineArn, { n: 1 });
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'present' }));
    expect(JSON.parse(task.input ?? 'null')).toEqual({ n: 1 });
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{"ok":1}' }));
    expect((await waitForEnd(sfn, executionArn)).status).toBe('SUCCEEDED');
    const started = (await fullHistory(sfn, executionArn)).filter(
      (event) => event.type === 'ActivityStarted',
    );
    expect(started.map((event) => event.activityStartedEventDetails?.workerName)).toEqual(['present']);
  });

  it('starts no iteration of a nested MaxConcurrency 1 Map after one failed, as AWS', async () => {
    const stateMachineArn = await machine({
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Map',
          ItemsPath: '$.batches',
          ItemProcessor: {
            StartAt: 'Inner',
            States: {
              Inner: {
                Type: 'Map',
                MaxConcurrency: 1,
                ItemProcessor: {
                  StartAt: 'Check',
                  States: {
                    Check: {
                      Type: 'Choice',
                      Choices: [{ Variable: '$', NumericEquals: 2, Next: 'Broken' }],
                      Default: 'Fine',
                    },
                    Broken: { Type: 'Fail', Error: 'Broken' },
                    Fine: { Type: 'Pass', End: true },
                  },
                },
                End: true,
              },
            },
          },
          End: true,
        },
      },
    });
    const executionArn = await start(stateMachineArn, { batches: [[1, 2, 3]] });
    expect((await waitForEnd(sfn, executionArn)).error).toBe('Broken');
    const events = await fullHistory(sfn, executionArn);
    const inner = events
      .filter((event) => event.mapIterationStartedEventDetails?.name === 'Inner')
      .map((event) => event.mapIterationStartedEventDetails?.index);
    expect(inner).toEqual([0, 1]);
    // The inner Map fails, then the outer iteration holding it, then the outer Map.
    expect(typesOf(events).slice(-6)).toEqual([
      'FailStateEntered',
      'MapIterationFailed',
      'MapStateFailed',
      'MapIterationFailed',
      'MapStateFailed',
      'ExecutionFailed',
    ]);
    expect(countBilledTransitions(events)).toEqual({
      total: 6,
      byState: { Outer: 1, Inner: 1, Check: 2, Fine: 1, Broken: 1 },
    });
  });

  it('runs a Map of activity Tasks with a retry, chains each iteration and counts every state inside', async () => {
    const activityArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'EachChunk',
      States: {
        EachChunk: {
          Type: 'Map',
          ItemsPath: '$.chunks',
          ItemProcessor: {
            StartAt: 'Analyse',
            States: {
              Analyse: {
                Type: 'Task',
                Resource: activityArn,
                Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 1 }],
                Next: 'Keep',
              },
              Keep: { Type: 'Pass', End: true },
            },
          },
          End: true,
        },
      },
    });
    let failed = false;
    const worker = startTestWorker(sfn, activityArn, 'w', (input) => {
      const chunk = (input as { chunk: number }).chunk;
      if (chunk === 2 && !failed) {
        failed = true;
        return { error: 'Transient', cause: 'once' };
      }
      return { output: { chunk, ok: true } };
    });
    try {
      const executionArn = await start(stateMachineArn, {
        chunks: [{ chunk: 1 }, { chunk: 2 }, { chunk: 3 }],
      });
      const description = await waitForEnd(sfn, executionArn);
      expect(description.status).toBe('SUCCEEDED');
      expect(JSON.parse(description.output ?? 'null')).toEqual([
        { chunk: 1, ok: true },
        { chunk: 2, ok: true },
        { chunk: 3, ok: true },
      ]);
      const events = await fullHistory(sfn, executionArn);
      expectChained(events);
      expect(
        events.find((event) => event.type === 'MapStateStarted')?.mapStateStartedEventDetails?.length,
      ).toBe(3);
      expect(typesOf(events).filter((type) => type === 'MapIterationStarted')).toHaveLength(3);
      expect(typesOf(events).filter((type) => type === 'MapIterationSucceeded')).toHaveLength(3);
      const mapSucceeded = typesOf(events).indexOf('MapStateSucceeded');
      expect(mapSucceeded).toBeGreaterThan(typesOf(events).lastIndexOf('MapIterationSucceeded'));
      // Map 1 + Analyse 3 (+1 retry) + Keep 3.
      expect(countBilledTransitions(events)).toEqual({
        total: 8,
        byState: { EachChunk: 1, Analyse: 4, Keep: 3 },
      });
    } finally {
      await worker.stop();
    }
  }, 10_000);

  it('keeps histories chained and counts identical across many concurrent executions', async () => {
    const activityArn = await activity();
    const branch = (name: string) => ({
      StartAt: `${name}Prepare`,
      States: {
        [`${name}Prepare`]: { Type: 'Pass', Next: `${name}Run` },
        [`${name}Run`]: { Type: 'Task', Resource: activityArn, End: true },
      },
    });
    const stateMachineArn = await machine({
      StartAt: 'Fan',
      States: {
        Fan: { Type: 'Parallel', Branches: [branch('A'), branch('B'), branch('C')], Next: 'Join' },
        Join: { Type: 'Pass', End: true },
      },
    });
    const workers = Array.from({ length: 4 }, (_, index) =>
      startTestWorker(sfn, activityArn, `pool-${index}`, (input) => ({ output: input })),
    );
    try {
      const executionArns = await Promise.all(
        Array.from({ length: 20 }, (_, index) => start(stateMachineArn, { index })),
      );
      const counts = await Promise.all(
        executionArns.map(async (executionArn) => {
          expect((await waitForEnd(sfn, executionArn)).status).toBe('SUCCEEDED');
          const events = await fullHistory(sfn, executionArn);
          expectChained(events);
          const types = typesOf(events);
          expect(types.indexOf('ParallelStateSucceeded')).toBeGreaterThan(
            types.lastIndexOf('TaskStateExited'),
          );
          return countBilledTransitions(events);
        }),
      );
      // Fan, Join, and per branch Prepare + Run.
      for (const count of counts) expect(count.total).toBe(8);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }
  }, 15_000);

  it('fails a Parallel whose branch fails uncaught, aborting the other branch and refusing its answer', async () => {
    const failArn = await activity();
    const slowArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Fails', States: { Fails: { Type: 'Task', Resource: failArn, End: true } } },
            { StartAt: 'Slow', States: { Slow: { Type: 'Task', Resource: slowArn, End: true } } },
          ],
          End: true,
        },
      },
    });
    const executionArn = await start(stateMachineArn);
    const slow = await sfn.send(new GetActivityTaskCommand({ activityArn: slowArn, workerName: 'slow' }));
    const failing = startTestWorker(sfn, failArn, 'f', () => ({ error: 'Broken', cause: 'no' }));
    try {
      const description = await waitForEnd(sfn, executionArn);
      expect(description.status).toBe('FAILED');
      expect(description.error).toBe('Broken');
      expect(description.cause).toBe('no');
      const events = await fullHistory(sfn, executionArn);
      expectChained(events);
      const types = typesOf(events);
      expect(types).toContain('TaskStateAborted');
      expect(types.slice(-2)).toEqual(['ParallelStateFailed', 'ExecutionFailed']);
      expect(events.at(-1)?.previousEventId).toBe(events.at(-2)?.id);
      await expect(
        sfn.send(new SendTaskSuccessCommand({ taskToken: slow.taskToken, output: '{}' })),
      ).rejects.toBeInstanceOf(TaskTimedOut);
    } finally {
      await failing.stop();
    }
  });

  it('retries a failed Parallel cleanly while a branch of the failed run waited to retry', async () => {
    const aArn = await activity();
    const bArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'Both',
      States: {
        Both: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'A',
              States: {
                A: {
                  Type: 'Task',
                  Resource: aArn,
                  Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 5, MaxAttempts: 1 }],
                  End: true,
                },
              },
            },
            { StartAt: 'B', States: { B: { Type: 'Task', Resource: bArn, End: true } } },
          ],
          Retry: [{ ErrorEquals: ['Fatal'], IntervalSeconds: 1, MaxAttempts: 1 }],
          End: true,
        },
      },
    });
    const executionArn = await start(stateMachineArn, { run: 1 });
    // First run: A fails and waits 5 s to retry; meanwhile B fails the whole Parallel.
    const a1 = await sfn.send(new GetActivityTaskCommand({ activityArn: aArn }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: a1.taskToken, error: 'Transient', cause: 'a' }));
    const b1 = await sfn.send(new GetActivityTaskCommand({ activityArn: bArn }));
    await sfn.send(new SendTaskFailureCommand({ taskToken: b1.taskToken, error: 'Fatal', cause: 'b' }));
    // Second run of the Parallel: both succeed. A's abandoned retry must not take A's task.
    const aWorker = startTestWorker(sfn, aArn, 'a', () => ({ output: 'a' }));
    const bWorker = startTestWorker(sfn, bArn, 'b', () => ({ output: 'b' }));
    try {
      const description = await waitForEnd(sfn, executionArn, 4_000);
      expect(description.status).toBe('SUCCEEDED');
      expect(JSON.parse(description.output ?? 'null')).toEqual(['a', 'b']);
      expect(aWorker.seen).toHaveLength(1);
      const events = await fullHistory(sfn, executionArn);
      expectChained(events);
      expect(typesOf(events).filter((type) => type === 'ParallelStateStarted')).toHaveLength(2);
      // Both: entered once, retried once; A and B entered in each run.
      expect(countBilledTransitions(events)).toEqual({ total: 6, byState: { Both: 2, A: 2, B: 2 } });
    } finally {
      await Promise.all([aWorker.stop(), bWorker.stop()]);
    }
  }, 10_000);

  it('does not let States.TaskFailed retry or catch a States.Timeout, as on AWS', async () => {
    const activityArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'Work',
      States: {
        Work: {
          Type: 'Task',
          Resource: activityArn,
          TimeoutSeconds: 1,
          Retry: [{ ErrorEquals: ['States.TaskFailed'], IntervalSeconds: 1, MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });
    const executionArn = await start(stateMachineArn);
    const description = await waitForEnd(sfn, executionArn, 5_000);
    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('States.Timeout');
    const types = typesOf(await fullHistory(sfn, executionArn));
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ActivityScheduled',
      'ActivityTimedOut',
      'ExecutionFailed',
    ]);
  }, 10_000);

  it('keeps a task alive while its worker heartbeats', async () => {
    const activityArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'Long',
      States: { Long: { Type: 'Task', Resource: activityArn, HeartbeatSeconds: 1, End: true } },
    });
    const executionArn = await start(stateMachineArn);
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'diligent' }));
    for (let beat = 0; beat < 4; beat += 1) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await sfn.send(new SendTaskHeartbeatCommand({ taskToken: task.taskToken }));
    }
    await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '"done"' }));
    const description = await waitForEnd(sfn, executionArn);
    expect(description.status).toBe('SUCCEEDED');
    expect(description.output).toBe('"done"');
  }, 10_000);

  it('stops an execution: ABORTED, and its outstanding task is refused', async () => {
    const activityArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: activityArn, End: true } },
    });
    const executionArn = await start(stateMachineArn);
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn }));
    await sfn.send(new StopExecutionCommand({ executionArn, error: 'Cancelled', cause: 'test' }));
    const description = await waitForEnd(sfn, executionArn);
    expect(description.status).toBe('ABORTED');
    expect(typesOf(await fullHistory(sfn, executionArn)).at(-1)).toBe('ExecutionAborted');
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
  });

  it('keeps execution names unique per state machine (identical running start is idempotent)', async () => {
    const activityArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: activityArn, End: true } },
    });
    const first = await start(stateMachineArn, { a: 1 }, 'chunk-0001');
    expect(await start(stateMachineArn, { a: 1 }, 'chunk-0001')).toBe(first);
    await expect(start(stateMachineArn, { a: 2 }, 'chunk-0001')).rejects.toBeInstanceOf(
      ExecutionAlreadyExists,
    );
    await sfn.send(new StopExecutionCommand({ executionArn: first }));
  });

  it('fails the execution with States.Runtime when its activity no longer exists', async () => {
    const activityArn = await activity();
    const stateMachineArn = await machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: activityArn, End: true } },
    });
    await sfn.send(new DeleteActivityCommand({ activityArn }));
    const executionArn = await start(stateMachineArn);
    const description = await waitForEnd(sfn, executionArn);
    expect(description.status).toBe('FAILED');
    expect(description.error).toBe('States.Runtime');
    expect(description.cause).toContain(`The activity ${activityArn} does not exist.`);
    expect(typesOf(await fullHistory(sfn, executionArn))).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'ExecutionFailed',
    ]);
  });

  it('leaves execution data out of the history on request', async () => {
    const stateMachineArn = await machine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const executionArn = await start(stateMachineArn, { secret: 1 });
    await waitForEnd(sfn, executionArn);
    const page = await sfn.send(
      new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }),
    );
    expect(JSON.stringify(page.events)).not.toContain('secret');
    expect(page.events?.[1]?.stateEnteredEventDetails?.name).toBe('P');
  });
});
