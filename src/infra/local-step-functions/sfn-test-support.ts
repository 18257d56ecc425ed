/**
 * Test support for the Step Functions endpoint tests: activity workers and helpers written only against
 * `@aws-sdk/client-sfn`, as a real worker would be.
 */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetActivityTaskCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/archbench-test';

/** What a test worker does with a task: answer success, answer failure, or keep it and never answer. */
export type WorkerAnswer =
  | { readonly output: unknown }
  | { readonly error: string; readonly cause: string }
  | 'hold';

export interface TaskSeen {
  readonly workerName: string;
  readonly token: string;
  readonly input: unknown;
}

export interface TestWorker {
  /** Tasks this worker received, in order. */
  readonly seen: TaskSeen[];
  /** Ends the worker's poll loop (aborting a pending poll) and waits for it. */
  stop(): Promise<void>;
}

/** A worker polling `activityArn` in a loop until stopped, answering each task with `answer(input)`. */
export function startTestWorker(
  sfn: SFNClient,
  activityArn: string,
  workerName: string,
  answer: (input: unknown, seen: readonly TaskSeen[]) => WorkerAnswer,
): TestWorker {
  const seen: TaskSeen[] = [];
  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      let task: { taskToken?: string | undefined; input?: string | undefined };
      try {
        task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName }), {
          abortSignal: stopped.signal,
        });
      } catch (error) {
        if (stopped.signal.aborted) return;
        throw error;
      }
      if (task.taskToken === undefined) continue;
      const input: unknown = JSON.parse(task.input ?? 'null');
      seen.push({ workerName, token: task.taskToken, input });
      const reply = answer(input, seen);
      if (reply === 'hold') continue;
      if ('output' in reply) {
        await sfn.send(
          new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify(reply.output) }),
        );
      } else {
        await sfn.send(
          new SendTaskFailureCommand({ taskToken: task.taskToken, error: reply.error, cause: reply.cause }),
        );
      }
    }
  })();
  return {
    seen,
    stop: async () => {
      stopped.abort();
      await loop;
    },
  };
}

/** Polls DescribeExecution until the execution leaves RUNNING (or `timeoutMs` passes: throws). */
export async function waitForEnd(
  sfn: SFNClient,
  executionArn: string,
  timeoutMs = 10_000,
): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const description = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (description.status !== 'RUNNING') return description;
    if (Date.now() > deadline) throw new Error(`execution still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The whole history, read page by page (`pageSize` events per request). */
export async function fullHistory(
  sfn: SFNClient,
  executionArn: string,
  options: { pageSize?: number; reverseOrder?: boolean } = {},
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new GetExecutionHistoryCommand({
        executionArn,
        maxResults: options.pageSize ?? 1000,
        reverseOrder: options.reverseOrder ?? false,
        nextToken,
      }),
    );
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

/** Types of the events, in history order. */
export function typesOf(events: readonly HistoryEvent[]): string[] {
  return events.map((event) => event.type ?? '?');
}

/** The first event of `type` whose state (or the state it follows) is `name`. */
export function enteredEvent(events: readonly HistoryEvent[], name: string): HistoryEvent | undefined {
  return events.find(
    (event) => event.type?.endsWith('StateEntered') && event.stateEnteredEventDetails?.name === name,
  );
}
