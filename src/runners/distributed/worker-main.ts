/**
 * Entry point of a worker process (started by worker-pool.ts, never imported): one activity poller, like
 * one Lambda function instance. It reads its settings as one JSON line on stdin, then long-polls
 * GetActivityTask, runs each task through the shared task handlers (GET inputs, compute, PUT outputs),
 * heart-beats while working, and answers with SendTaskSuccess or SendTaskFailure. Every S3 and Step
 * Functions request it makes is streamed to the runner over IPC, attributed to the clip of the task, and
 * each task's CPU, serialization and Lambda-style billed duration follow when it ends. It exits when told
 * to stop, when its activity is deleted, or when the runner goes away (stdin ends or IPC disconnects).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import {
  GetActivityTaskCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import type { ResolvedDetector } from '../../core/aggregate.ts';
import {
  type Counters,
  countCpu,
  countInvocation,
  countSerialization,
  createCounters,
} from '../../core/counters.ts';
import { BadInputError } from '../../core/errors.ts';
import { peakRssBytes, selfCpuMs } from '../../infra/process-usage.ts';
import { createS3Client, createS3ObjectStore } from '../../infra/s3-object-store.ts';
import { attachWireCounter, S3_REQUEST_COUNTER_NAME } from '../../infra/s3-request-counter.ts';
import { sfnClientConfig } from '../../infra/sfn-endpoint.ts';
import { SFN_REQUEST_COUNTER_NAME } from '../../infra/sfn-request-counter.ts';
import { readSettingsLine } from '../../infra/stdin-settings.ts';
import { isNetworkError } from '../network-errors.ts';
import { TASK_ERRORS } from './state-machine-definition.ts';
import {
  aggregateChunk,
  analyzeChunkTask,
  convertChunk,
  detectChunk,
  type TaskPorts,
} from './task-handlers.ts';
import { type AggregateJob, type ChunkJob, type DetectJob, isChunkJob } from './task-payloads.ts';
import { loadDetectorModules, loadDetectorPorts, resolveWorkerDetector } from './worker-detectors.ts';
import {
  type RequestEntry,
  type RunnerMessage,
  type TaskTelemetry,
  taskNameOf,
  telemetryPrefix,
  type WorkerMessage,
  type WorkerSettings,
} from './worker-protocol.ts';

/** Longest cause sent with SendTaskFailure, characters (AWS allows 32,768; a message needs far less). */
const MAX_CAUSE_CHARS = 4000;
/** Back-off after a failed GetActivityTask (endpoint unreachable), ms: doubles up to the maximum. */
const POLL_RETRY_MIN_MS = 100;
const POLL_RETRY_MAX_MS = 2000;

const settings = await readSettingsLine<WorkerSettings>('worker settings');
const taskName = taskNameOf(settings.role);

/** The clip of the task in progress, for attributing requests. */
const taskScope = new AsyncLocalStorage<{ readonly clipKey: string }>();
let pendingEntries: RequestEntry[] = [];
/** Every entry of the task in progress, kept for its telemetry object (external workers only). */
let taskEntries: RequestEntry[] | undefined;
let flushScheduled = false;
/** Wire size of the last GetActivityTask: attributed to the clip once the task's input is read. */
let lastPoll: { bytesUp: number; bytesDown: number } | undefined;

// One poller and one task at a time: a few kept-alive sockets cover the poll, heartbeats and answers.
const sfn = new SFNClient(sfnClientConfig(settings.stepFunctions, { maxSockets: 8 }));
attachWireCounter(sfn, SFN_REQUEST_COUNTER_NAME, () => {
  const task = taskScope.getStore();
  if (task !== undefined)
    return (operation, up, down) => queueEntry([task.clipKey, 'sfn', operation, up, down]);
  return (operation, up, down) => {
    if (operation === 'GetActivityTask') lastPoll = { bytesUp: up, bytesDown: down };
  };
});
const s3 = createS3Client(settings.s3);
attachWireCounter(s3, S3_REQUEST_COUNTER_NAME, () => {
  const task = taskScope.getStore();
  return task === undefined
    ? undefined
    : (operation, up, down) => queueEntry([task.clipKey, 's3', operation, up, down]);
});
// Telemetry is measurement overhead (as CloudWatch metrics would be), not the design's cost: uncounted.
const telemetryS3 = settings.telemetry === true ? createS3Client(settings.s3) : undefined;
const extraDetectors = await loadDetectorModules(settings.detectorModules);
const detectorNames = settings.detectors.map((spec) => spec.name);
const ports: TaskPorts = {
  store: await createS3ObjectStore({ client: s3, bucket: settings.bucket }),
  // Only detector workers run detectors; the others need no model loaded.
  detectorPorts:
    settings.role.kind === 'detect'
      ? await loadDetectorPorts(settings.detectorPortsModule, [settings.role.detector])
      : settings.role.kind === 'analyze'
        ? await loadDetectorPorts(settings.detectorPortsModule, detectorNames)
        : {},
};
const ownDetector: ResolvedDetector | undefined =
  settings.role.kind === 'detect' ? detectorFor(settings.role.detector) : undefined;
/** The function-per-chunk worker runs every detector of the run, in the run's order. */
const allDetectors: readonly ResolvedDetector[] =
  settings.role.kind === 'analyze' ? detectorNames.map(detectorFor) : [];

let stopping = false;
const pollAbort = new AbortController();
let current: { readonly clipKey: string; readonly done: Promise<void> } | undefined;

process.on('message', (message: RunnerMessage) => {
  if (message.type === 'flush') {
    void whenIdleFor(message.clipKey).then(() => {
      sendEntries();
      send({ type: 'flushed', requestId: message.requestId });
    });
  } else if (message.type === 'stop') {
    stop();
  }
});
// The runner is gone (even if it was SIGKILLed): exit rather than linger as an orphan.
process.on('disconnect', () => stop());
process.stdin.on('end', () => stop());
process.stdin.resume();

send({ type: 'ready' });
await pollLoop();
await current?.done;
sendEntries();
sfn.destroy();
s3.destroy();
telemetryS3?.destroy();
process.exit(0);

async function pollLoop(): Promise<void> {
  let retryMs = POLL_RETRY_MIN_MS;
  while (!stopping) {
    let task: { taskToken?: string | undefined; input?: string | undefined };
    try {
      task = await sfn.send(
        new GetActivityTaskCommand({ activityArn: settings.activityArn, workerName: settings.workerName }),
        { abortSignal: pollAbort.signal },
      );
      retryMs = POLL_RETRY_MIN_MS;
    } catch (error) {
      if (stopping) return;
      // The runner deleted the activity: the run is over.
      if (error instanceof Error && error.name === 'ActivityDoesNotExist') return;
      await sleep(retryMs);
      retryMs = Math.min(POLL_RETRY_MAX_MS, retryMs * 2);
      continue;
    }
    if (task.taskToken === undefined || task.taskToken === '') continue;
    const poll = lastPoll;
    lastPoll = undefined;
    const done = runTask(task.taskToken, task.input ?? '{}', poll);
    current = { clipKey: clipKeyOf(task.input), done };
    await done;
    current = undefined;
  }
}

async function runTask(
  taskToken: string,
  inputText: string,
  poll: { bytesUp: number; bytesDown: number } | undefined,
): Promise<void> {
  const counters = createCounters();
  const cpuStart = selfCpuMs();
  const inputBytes = Buffer.byteLength(inputText);
  let largestPayloadBytes = inputBytes;
  const parseStart = selfCpuMs();
  let job: unknown;
  try {
    job = JSON.parse(inputText);
  } catch {
    job = undefined;
  }
  countSerialization(counters, 'payloads', 'decode', inputBytes, selfCpuMs() - parseStart);
  if (!isChunkJob(job)) {
    await answerFailure(taskToken, TASK_ERRORS.failed, 'the task input is not a chunk job');
    return;
  }
  const clipKey = job.clipKey;
  if (telemetryS3 !== undefined) taskEntries = [];
  if (poll !== undefined) queueEntry([clipKey, 'sfn', 'GetActivityTask', poll.bytesUp, poll.bytesDown]);
  send({ type: 'task-started', clipKey, chunkIndex: job.chunk.index });

  await taskScope.run({ clipKey }, async () => {
    // Heartbeats in flight: awaited before the task counts as done, so their counts arrive with it.
    const heartbeats = new Set<Promise<unknown>>();
    const timer = setInterval(() => {
      const beat = sfn.send(new SendTaskHeartbeatCommand({ taskToken })).catch(() => {});
      heartbeats.add(beat);
      void beat.then(() => heartbeats.delete(beat));
    }, settings.heartbeatIntervalMs);
    let outcome: 'succeeded' | 'failed' = 'succeeded';
    const started = performance.now();
    try {
      const output = await handle(job, counters);
      // Billed like a Lambda function: from the handler's start to its return (the answer to Step
      // Functions is the service's own work in a Lambda integration).
      countInvocation(counters, taskName, performance.now() - started, settings.memoryMb);
      const encodeStart = selfCpuMs();
      const outputText = JSON.stringify(output);
      const outputBytes = Buffer.byteLength(outputText);
      countSerialization(counters, 'payloads', 'encode', outputBytes, selfCpuMs() - encodeStart);
      largestPayloadBytes = Math.max(largestPayloadBytes, outputBytes);
      clearInterval(timer);
      await sfn.send(new SendTaskSuccessCommand({ taskToken, output: outputText })).catch(() => {
        // TaskTimedOut: the attempt was given up (and retried elsewhere); nothing left to do.
      });
    } catch (error) {
      outcome = 'failed';
      countInvocation(counters, taskName, performance.now() - started, settings.memoryMb);
      clearInterval(timer);
      await answerFailure(taskToken, errorNameOf(error), causeOf(error));
    } finally {
      clearInterval(timer);
      await Promise.all(heartbeats);
    }
    const ownCpuMs = Object.entries(counters.compute.cpuMsByComponent)
      .filter(([component]) => !component.startsWith('decode:ffmpeg'))
      .reduce((sum, [, cpuMs]) => sum + cpuMs, 0);
    // What the handler did not measure itself is reading pipes, talking to S3 and Step Functions.
    countCpu(counters, 'io', Math.max(0, selfCpuMs() - cpuStart - ownCpuMs));
    counters.compute.peakRssBytes = peakRssBytes();
    sendEntries();
    const finished = {
      type: 'task-finished',
      clipKey,
      chunkIndex: job.chunk.index,
      outcome,
      counters,
      largestPayloadBytes,
    } as const;
    send(finished);
    const entries = taskEntries;
    taskEntries = undefined;
    if (entries !== undefined) await writeTelemetry(job, { entries, finished });
  });
}

/** Writes the task's telemetry object (uncounted); a failure leaves the runner one object short. */
async function writeTelemetry(
  job: ChunkJob,
  report: Pick<TaskTelemetry, 'entries' | 'finished'>,
): Promise<void> {
  if (telemetryS3 === undefined) return;
  const telemetry: TaskTelemetry = {
    schemaVersion: 1,
    taskName,
    workerName: settings.workerName,
    ...report,
  };
  const slug = (text: string): string => text.replace(/[^A-Za-z0-9_-]+/g, '_');
  const key = `${telemetryPrefix(job.runId, job.clipKey)}${String(job.chunk.index).padStart(6, '0')}-${slug(taskName)}-${slug(settings.workerName)}-${randomUUID().slice(0, 8)}.json`;
  try {
    const store = await createS3ObjectStore({ client: telemetryS3, bucket: job.bucket });
    await store.put(key, new TextEncoder().encode(JSON.stringify(telemetry)), 'application/json');
  } catch (error) {
    process.stderr.write(
      `worker ${settings.workerName}: telemetry ${key} not written: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
}

function handle(job: ChunkJob, counters: Counters): Promise<unknown> {
  switch (settings.role.kind) {
    case 'convert':
      return convertChunk(job, ports, counters);
    case 'detect':
      return detectChunk(job as DetectJob, ownDetector as ResolvedDetector, ports, counters);
    case 'aggregate':
      return aggregateChunk(job as AggregateJob, detectorNames, ports, counters);
    case 'analyze':
      return analyzeChunkTask(job, allDetectors, ports, counters);
  }
}

async function answerFailure(taskToken: string, error: string, cause: string): Promise<void> {
  await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause })).catch(() => {
    // The attempt already ended (timed out); Step Functions has moved on.
  });
}

function errorNameOf(error: unknown): string {
  if (error instanceof BadInputError) return TASK_ERRORS.badInput;
  return isNetworkError(error) ? TASK_ERRORS.unavailable : TASK_ERRORS.failed;
}

function causeOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_CAUSE_CHARS ? `${message.slice(0, MAX_CAUSE_CHARS)}...` : message;
}

function detectorFor(name: string): ResolvedDetector {
  const spec = settings.detectors.find((candidate) => candidate.name === name);
  if (spec === undefined) throw new Error(`worker for detector ${name}: not among the run's detectors`);
  return resolveWorkerDetector(spec, extraDetectors);
}

function clipKeyOf(inputText: string | undefined): string {
  try {
    const job: unknown = JSON.parse(inputText ?? '{}');
    return isChunkJob(job) ? job.clipKey : '';
  } catch {
    return '';
  }
}

/** Resolves once no task of `clipKey` runs here (its counts are then all queued). */
async function whenIdleFor(clipKey: string): Promise<void> {
  while (current !== undefined && current.clipKey === clipKey) {
    const running = current;
    await running.done;
    // Done, but the poll loop has not cleared it yet: nothing of the clip runs any more.
    if (current === running) return;
  }
}

function queueEntry(entry: RequestEntry): void {
  pendingEntries.push(entry);
  taskEntries?.push(entry);
  if (flushScheduled) return;
  flushScheduled = true;
  // Requests completing in the same turn of the event loop travel in one message.
  setImmediate(sendEntries);
}

function sendEntries(): void {
  flushScheduled = false;
  if (pendingEntries.length === 0) return;
  const entries = pendingEntries;
  pendingEntries = [];
  send({ type: 'requests', entries });
}

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  pollAbort.abort();
}

/** Waits `ms`, or less when the worker is told to stop. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    pollAbort.signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      pollAbort.signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
