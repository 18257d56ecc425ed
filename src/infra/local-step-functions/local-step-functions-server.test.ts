import {
  ActivityDoesNotExist,
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  GetActivityTaskCommand,
  type HistoryEvent,
  InvalidArn,
  InvalidDefinition,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countBilledTransitions } from '../../core/billing/transitions.ts';
import { liveChildCount } from '../child-processes.ts';
import { accepts, listeningAddresses, nonLoopbackIpv4 } from '../loopback-test-support.ts';
import {
  type EmbeddedStepFunctions,
  sfnClientConfig,
  startEmbeddedStepFunctions,
} from './local-step-functions-server.ts';
import {
  enteredEvent,
  fullHistory,
  ROLE_ARN,
  startTestWorker,
  typesOf,
  type WorkerAnswer,
  waitForEnd,
} from './sfn-test-support.ts';

const POLL_WAIT_MS = 200;

/**
 * The pipeline's shape: Pass -> Task(convert) -> Parallel(freeze with Retry, black with Catch) -> Succeed.
 * The input's `mode` tells the test workers whether to fail (`faulty`) or not (`clean`).
 */
function pipelineDefinition(convertArn: string, detectArn: string): string {
  return JSON.stringify({
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Parameters: { chunk: 7, 'mode.$': '$.mode' }, Next: 'ConvertMedia' },
      ConvertMedia: { Type: 'Task', Resource: convertArn, Next: 'DetectDefects' },
      DetectDefects: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'DetectFreeze',
            States: {
              DetectFreeze: {
                Type: 'Task',
                Resource: detectArn,
                Parameters: { detector: 'freeze', 'chunk.$': '$.chunk', 'mode.$': '$.mode' },
                Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 1, MaxAttempts: 2 }],
                End: true,
              },
            },
          },
          {
            StartAt: 'DetectBlack',
            States: {
              DetectBlack: {
                Type: 'Task',
                Resource: detectArn,
                Parameters: { detector: 'black', 'chunk.$': '$.chunk', 'mode.$': '$.mode' },
                Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'BlackFailed' }],
                End: true,
              },
              BlackFailed: { Type: 'Pass', End: true },
            },
          },
        ],
        Next: 'Done',
      },
      Done: { Type: 'Succeed' },
    },
  });
}

describe('embedded Step Functions endpoint (child process, through @aws-sdk/client-sfn)', () => {
  let server: EmbeddedStepFunctions;
  let sfn: SFNClient;
  let activityCount = 0;

  async function createActivity(): Promise<string> {
    activityCount += 1;
    const { activityArn } = await sfn.send(new CreateActivityCommand({ name: `activity-${activityCount}` }));
    if (activityArn === undefined) throw new Error('no activityArn');
    return activityArn;
  }

  async function createStateMachine(name: string, definition: string): Promise<string> {
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN }),
    );
    if (stateMachineArn === undefined) throw new Error('no stateMachineArn');
    return stateMachineArn;
  }

  async function start(stateMachineArn: string, input: unknown): Promise<string> {
    const { executionArn } = await sfn.send(
      new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
    );
    if (executionArn === undefined) throw new Error('no executionArn');
    return executionArn;
  }

  beforeAll(async () => {
    server = await startEmbeddedStepFunctions({ maxPollWaitMs: POLL_WAIT_MS });
    sfn = new SFNClient(sfnClientConfig(server.endpoint));
  }, 20_000);

  afterAll(async () => {
    sfn?.destroy();
    await server?.stop();
    expect(liveChildCount()).toBe(0);
  });

  it('listens on 127.0.0.1 only', async () => {
    const url = new URL(server.endpoint.endpoint);
    expect(url.hostname).toBe('127.0.0.1');
    const port = Number(url.port);
    expect(listeningAddresses(port)).toEqual(['0100007F']);
    const outside = nonLoopbackIpv4();
    if (outside !== undefined) expect(await accepts(outside, port)).toBe(false);
    expect(liveChildCount()).toBe(1);
  });

  it('runs Pass -> Task -> Parallel(Retry, Catch) -> Succeed with workers and bills transitions as counted by hand', async () => {
    const convertArn = await createActivity();
    const detectArn = await createActivity();
    const stateMachineArn = await createStateMachine('pipeline', pipelineDefinition(convertArn, detectArn));

    const converter = startTestWorker(sfn, convertArn, 'converter', (input) => ({
      output: { ...(input as object), frames: 25 },
    }));
    const failedOnce = new Set<string>();
    const detector = startTestWorker(sfn, detectArn, 'detector', (input): WorkerAnswer => {
      const { detector: name, mode } = input as { detector: string; mode: string };
      if (mode === 'faulty' && name === 'freeze' && !failedOnce.has(name)) {
        failedOnce.add(name);
        return { error: 'Flaky', cause: 'first attempt fails' };
      }
      if (mode === 'faulty' && name === 'black') return { error: 'DecoderError', cause: 'bad frame' };
      return { output: { detector: name, findings: 0 } };
    });
    try {
      const cleanArn = await start(stateMachineArn, { mode: 'clean' });
      const clean = await waitForEnd(sfn, cleanArn);
      expect(clean.status).toBe('SUCCEEDED');
      expect(JSON.parse(clean.output ?? 'null')).toEqual([
        { detector: 'freeze', findings: 0 },
        { detector: 'black', findings: 0 },
      ]);
      // Prepare, ConvertMedia, DetectDefects, DetectFreeze, DetectBlack, Done.
      expect(countBilledTransitions(await fullHistory(sfn, cleanArn))).toEqual({
        total: 6,
        byState: { Prepare: 1, ConvertMedia: 1, DetectDefects: 1, DetectFreeze: 1, DetectBlack: 1, Done: 1 },
      });

      const faultyArn = await start(stateMachineArn, { mode: 'faulty' });
      const faulty = await waitForEnd(sfn, faultyArn);
      expect(faulty.status).toBe('SUCCEEDED');
      expect(JSON.parse(faulty.output ?? 'null')).toEqual([
        { detector: 'freeze', findings: 0 },
        { chunk: 7, mode: 'faulty', frames: 25, error: { Error: 'DecoderError', Cause: 'bad frame' } },
      ]);
      const events = await fullHistory(sfn, faultyArn);
      // The retry of DetectFreeze (+1) and the Catch target BlackFailed (+1).
      expect(countBilledTransitions(events)).toEqual({
        total: 8,
        byState: {
          Prepare: 1,
          ConvertMedia: 1,
          DetectDefects: 1,
          DetectFreeze: 2,
          DetectBlack: 1,
          BlackFailed: 1,
          Done: 1,
        },
      });
      expectAwsShapedHistory(events, convertArn);
    } finally {
      await Promise.all([converter.stop(), detector.stop()]);
    }
  }, 20_000);

  it('serves the history AWS-shaped on the wire: epoch-second numbers, paging and reverse order', async () => {
    const activityArn = await createActivity();
    const stateMachineArn = await createStateMachine(
      'wire',
      JSON.stringify({
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Next: 'B' },
          B: { Type: 'Task', Resource: activityArn, Next: 'C' },
          C: { Type: 'Pass', End: true },
        },
      }),
    );
    const worker = startTestWorker(sfn, activityArn, 'w', () => ({ output: { ok: true } }));
    try {
      const executionArn = await start(stateMachineArn, { x: 1 });
      expect((await waitForEnd(sfn, executionArn)).status).toBe('SUCCEEDED');

      const response = await fetch(server.endpoint.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'AWSStepFunctions.GetExecutionHistory',
        },
        body: JSON.stringify({ executionArn }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.0');
      const raw = (await response.json()) as {
        events: { id: number; previousEventId: number; timestamp: unknown }[];
      };
      const nowSec = Date.now() / 1000;
      for (const event of raw.events) {
        expect(typeof event.timestamp).toBe('number');
        expect(event.timestamp as number).toBeGreaterThan(nowSec - 60);
        expect(event.timestamp as number).toBeLessThanOrEqual(nowSec + 1);
      }
      expect(raw.events.map((event) => event.id)).toEqual(raw.events.map((_, index) => index + 1));

      const all = await fullHistory(sfn, executionArn);
      expect(typesOf(all)).toEqual([
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'TaskStateEntered',
        'ActivityScheduled',
        'ActivityStarted',
        'ActivitySucceeded',
        'TaskStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      const paged = await fullHistory(sfn, executionArn, { pageSize: 4 });
      expect(paged.map((event) => event.id)).toEqual(all.map((event) => event.id));
      const reversed = await fullHistory(sfn, executionArn, { pageSize: 3, reverseOrder: true });
      expect(reversed.map((event) => event.id)).toEqual(all.map((event) => event.id).reverse());
    } finally {
      await worker.stop();
    }
  }, 15_000);

  it('fails an attempt whose worker stops heartbeating; the retry goes to another worker', async () => {
    const activityArn = await createActivity();
    const stateMachineArn = await createStateMachine(
      'heartbeat',
      JSON.stringify({
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: activityArn,
            HeartbeatSeconds: 1,
            TimeoutSeconds: 30,
            Retry: [{ ErrorEquals: ['States.HeartbeatTimeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
            End: true,
          },
        },
      }),
    );
    const executionArn = await start(stateMachineArn, { job: 1 });
    // The first worker takes the task and goes silent.
    const silent = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'silent' }));
    expect(silent.taskToken).toBeDefined();
    const healthy = startTestWorker(sfn, activityArn, 'healthy', () => ({ output: { done: true } }));
    try {
      const description = await waitForEnd(sfn, executionArn);
      expect(description.status).toBe('SUCCEEDED');
      expect(JSON.parse(description.output ?? 'null')).toEqual({ done: true });
      expect(healthy.seen).toHaveLength(1);

      const events = await fullHistory(sfn, executionArn);
      expect(typesOf(events)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'ActivityScheduled',
        'ActivityStarted',
        'ActivityTimedOut',
        'ActivityScheduled',
        'ActivityStarted',
        'ActivitySucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      const timedOut = events[4];
      expect(timedOut?.activityTimedOutEventDetails?.error).toBe('States.HeartbeatTimeout');
      expect(events[5]?.previousEventId).toBe(timedOut?.id);
      expect(events[3]?.activityStartedEventDetails?.workerName).toBe('silent');
      expect(events[6]?.activityStartedEventDetails?.workerName).toBe('healthy');
      expect(events[2]?.activityScheduledEventDetails).toMatchObject({
        heartbeatInSeconds: 1,
        timeoutInSeconds: 30,
      });
      expect(countBilledTransitions(events)).toEqual({ total: 2, byState: { Work: 2 } });

      // The silent worker's late answer is refused.
      await expect(
        sfn.send(new SendTaskSuccessCommand({ taskToken: silent.taskToken, output: '{}' })),
      ).rejects.toBeInstanceOf(TaskTimedOut);
    } finally {
      await healthy.stop();
    }
  }, 15_000);

  it('times out an attempt after TimeoutSeconds from scheduling; States.Timeout retries it', async () => {
    const activityArn = await createActivity();
    const stateMachineArn = await createStateMachine(
      'timeout',
      JSON.stringify({
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: activityArn,
            TimeoutSeconds: 1,
            Retry: [{ ErrorEquals: ['States.Timeout'], IntervalSeconds: 1, MaxAttempts: 1 }],
            End: true,
          },
        },
      }),
    );
    const executionArn = await start(stateMachineArn, {});
    // No worker for the first attempt: it times out in the queue.
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    const worker = startTestWorker(sfn, activityArn, 'late', () => ({ output: { late: true } }));
    try {
      const description = await waitForEnd(sfn, executionArn);
      expect(description.status).toBe('SUCCEEDED');
      const events = await fullHistory(sfn, executionArn);
      expect(typesOf(events)).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'ActivityScheduled',
        'ActivityTimedOut',
        'ActivityScheduled',
        'ActivityStarted',
        'ActivitySucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
      expect(events[3]?.activityTimedOutEventDetails?.error).toBe('States.Timeout');
      expect(countBilledTransitions(events).total).toBe(2);
    } finally {
      await worker.stop();
    }
  }, 15_000);

  it('returns an empty task (no taskToken) after the configured poll wait', async () => {
    const activityArn = await createActivity();
    const started = Date.now();
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'idle' }));
    const waitedMs = Date.now() - started;
    expect(task.taskToken).toBeUndefined();
    expect(task.input).toBeUndefined();
    expect(waitedMs).toBeGreaterThanOrEqual(POLL_WAIT_MS - 20);
    expect(waitedMs).toBeLessThan(POLL_WAIT_MS + 2_000);
  });

  it('raises the SDK typed exceptions for AWS errors', async () => {
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'not-a-token-we-issued', output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);
    await expect(
      createStateMachine(
        'broken',
        JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } }),
      ),
    ).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(
      createStateMachine(
        'lambda',
        JSON.stringify({
          StartAt: 'A',
          States: {
            A: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true },
          },
        }),
      ),
    ).rejects.toThrow(/activity tasks only/);
    await expect(createStateMachine('not-json', '{')).rejects.toBeInstanceOf(InvalidDefinition);
    await expect(start('arn:aws:states:us-east-1:123456789012:stateMachine:nope', {})).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
    await expect(
      sfn.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:123456789012:execution:nope:x',
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(sfn.send(new DescribeExecutionCommand({ executionArn: 'nonsense' }))).rejects.toBeInstanceOf(
      InvalidArn,
    );
    await expect(
      sfn.send(
        new GetActivityTaskCommand({ activityArn: 'arn:aws:states:us-east-1:123456789012:activity:nope' }),
      ),
    ).rejects.toBeInstanceOf(ActivityDoesNotExist);
  });
});

/** Ids 1..n, every previousEventId an earlier event, numeric dates, and the retry chained to its failure. */
function expectAwsShapedHistory(events: readonly HistoryEvent[], convertArn: string): void {
  expect(events.map((event) => event.id)).toEqual(events.map((_, index) => index + 1));
  for (const event of events) {
    expect(event.previousEventId).toBeGreaterThanOrEqual(0);
    expect(event.previousEventId).toBeLessThan(event.id ?? 0);
    expect(event.timestamp).toBeInstanceOf(Date);
    expect(Number.isFinite(event.timestamp?.getTime())).toBe(true);
  }
  const types = typesOf(events);
  for (const type of [
    'ExecutionStarted',
    'PassStateEntered',
    'PassStateExited',
    'TaskStateEntered',
    'ActivityScheduled',
    'ActivityStarted',
    'ActivitySucceeded',
    'ActivityFailed',
    'TaskStateExited',
    'ParallelStateEntered',
    'ParallelStateStarted',
    'ParallelStateSucceeded',
    'ParallelStateExited',
    'SucceedStateEntered',
    'ExecutionSucceeded',
  ]) {
    expect(types).toContain(type);
  }
  expect(types[0]).toBe('ExecutionStarted');
  expect(types.at(-1)).toBe('ExecutionSucceeded');

  // ConvertMedia: Entered -> Scheduled (its activity, its input) -> Started -> Succeeded -> Exited.
  const convert = enteredEvent(events, 'ConvertMedia');
  const scheduled = events.find((event) => event.previousEventId === convert?.id);
  expect(scheduled?.type).toBe('ActivityScheduled');
  expect(scheduled?.activityScheduledEventDetails?.resource).toBe(convertArn);
  expect(JSON.parse(scheduled?.activityScheduledEventDetails?.input ?? 'null')).toEqual({
    chunk: 7,
    mode: 'faulty',
  });

  // DetectFreeze's retry: a second ActivityScheduled that follows the ActivityFailed of the first.
  const freeze = enteredEvent(events, 'DetectFreeze');
  const parallelStarted = events.find((event) => event.type === 'ParallelStateStarted');
  expect(freeze?.previousEventId).toBe(parallelStarted?.id);
  const failures = events.filter((event) => event.type === 'ActivityFailed');
  const flaky = failures.find((event) => event.activityFailedEventDetails?.error === 'Flaky');
  expect(flaky?.activityFailedEventDetails?.cause).toBe('first attempt fails');
  const retry = events.find((event) => event.previousEventId === flaky?.id);
  expect(retry?.type).toBe('ActivityScheduled');
  // DetectBlack's failure is caught: TaskStateExited follows it, then the Catch target is entered.
  const decoder = failures.find((event) => event.activityFailedEventDetails?.error === 'DecoderError');
  const exited = events.find((event) => event.previousEventId === decoder?.id);
  expect(exited?.type).toBe('TaskStateExited');
  expect(enteredEvent(events, 'BlackFailed')?.previousEventId).toBe(exited?.id);
}

describe('stopping the embedded endpoint', () => {
  it('answers pending long polls promptly and leaves no process behind', async () => {
    // The default 60 s poll wait: only the stop can end these polls in time.
    const server = await startEmbeddedStepFunctions();
    const sfn = new SFNClient(sfnClientConfig(server.endpoint, { maxSockets: 64 }));
    try {
      const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'idle' }));
      const polls = Array.from({ length: 20 }, (_, index) =>
        sfn.send(new GetActivityTaskCommand({ activityArn, workerName: `w${index}` })).then(
          (task) => ({ settled: 'answered' as const, token: task.taskToken }),
          (error: unknown) => ({ settled: 'failed' as const, error }),
        ),
      );
      // Give the polls time to reach the server and wait there.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopping = Date.now();
      await server.stop();
      const outcomes = await Promise.all(polls);
      const elapsedMs = Date.now() - stopping;
      expect(elapsedMs).toBeLessThan(3_000);
      expect(outcomes).toHaveLength(20);
      for (const outcome of outcomes)
        if (outcome.settled === 'answered') expect(outcome.token).toBeUndefined();
      // Answered empty before the connections closed.
      expect(outcomes.filter((outcome) => outcome.settled === 'answered').length).toBeGreaterThan(0);
      expect(liveChildCount()).toBe(0);
    } finally {
      sfn.destroy();
      await server.stop();
    }
  }, 20_000);

  it('fails to start with a clear error and no process left when not ready in time', async () => {
    await expect(startEmbeddedStepFunctions({ startTimeoutMs: 1 })).rejects.toThrow(
      /embedded Step Functions failed to start: .*in time/,
    );
    expect(liveChildCount()).toBe(0);
  });
});
