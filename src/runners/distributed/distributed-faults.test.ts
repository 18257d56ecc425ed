import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedDetector } from '../../core/aggregate.ts';
import { ServiceUnavailableError } from '../../core/errors.ts';
import { resolveDetectors } from '../../harness/detectors.ts';
import { slowTestsEnabled } from '../../harness/test-fixtures.ts';
import { liveChildCount } from '../../infra/child-processes.ts';
import { startEmbeddedStepFunctions } from '../../infra/local-step-functions/local-step-functions-server.ts';
import { chunkCount } from '../../media/decoder.ts';
import { type MediaInfo, probeMedia } from '../../media/probe.ts';
import { type ClipDir, chunkableEncoding, createClipDir } from '../../media/test-clip-factory.ts';
import { createMonolithRunner } from '../monolith/monolith-runner.ts';
import type { ClipRun } from '../runner.ts';
import { createDistributedRunner, type DistributedClipRunner } from './distributed-runner.ts';
import { type DistributedSettings, defaultDistributedSettings } from './distributed-settings.ts';
import {
  deterministicCounts,
  eventually,
  lavfi,
  processesMentioning,
  startTestS3,
  type TestS3,
  testContext,
} from './distributed-test-support.ts';
import { detectorFailedStateName, detectStateName } from './state-machine-definition.ts';
import { FAILING_CHUNK, SLOW_CHUNK, detectors as testDetectors } from './test-detectors.ts';
import type { WorkerHandle } from './worker-pool.ts';
import type { WorkerMessage } from './worker-protocol.ts';

/**
 * The distributed runner when things go wrong: a worker killed mid-task, detectors that fail, and the S3
 * or Step Functions endpoint going away. Short heartbeats and retry intervals keep the recoveries quick.
 * `npm test` runs the failing detectors; the rest of this matrix runs in `npm run test:full`.
 */

const quick: DistributedSettings = {
  ...defaultDistributedSettings,
  taskTimeoutSec: 60,
  heartbeatSec: 2,
  retry: { maxAttempts: 2, intervalSec: 1, backoffRate: 1 },
};
const detectorModule = new URL('./test-detectors.ts', import.meta.url).href;
const testOnly = Object.entries(testDetectors).map(
  ([name, detector]): ResolvedDetector => ({ name, detector, params: detector.defaults }),
);

let clips: ClipDir;
let clipPath: string;
let info: MediaInfo;

beforeAll(async () => {
  clips = await createClipDir('distributed-faults');
  clipPath = await clips.make('moving-4s.mp4', [
    ...lavfi('testsrc2=size=320x180:rate=25:duration=4'),
    ...lavfi('sine=frequency=440:sample_rate=48000:duration=4'),
    ...chunkableEncoding,
    '-shortest',
  ]);
  info = await probeMedia(clipPath);
}, 60_000);

afterAll(async () => {
  // Whatever a test started is gone: workers, servers, and the ffmpeg of a killed worker.
  expect(liveChildCount()).toBe(0);
  expect(
    await eventually(
      () => processesMentioning(clips.dir),
      (left) => left.length === 0,
    ),
  ).toEqual([]);
  await clips?.remove();
}, 30_000);

describe('distributed runner with failing detectors and workers', () => {
  let s3: TestS3;
  let runner: DistributedClipRunner;
  let onWorkerMessage: (worker: WorkerHandle, message: WorkerMessage) => void = () => {};
  const detectors = [...resolveDetectors(undefined), ...testOnly];
  let baseline: ClipRun;

  beforeAll(async () => {
    s3 = await startTestS3();
    runner = await createDistributedRunner(testContext(s3, { detectors, distributed: quick }), {
      detectorModules: [detectorModule],
      onWorkerMessage: (worker, message) => onWorkerMessage(worker, message),
    });
  }, 90_000);

  afterAll(async () => {
    await runner?.[Symbol.asyncDispose]();
    expect(runner?.pools.workers).toEqual([]);
    expect(await s3.store.list('tmp/')).toEqual([]);
    await s3?.[Symbol.asyncDispose]();
  }, 30_000);

  it('records a throwing detector and a failed detector task per chunk, and keeps every other finding', async () => {
    baseline = await runner.runClip(info);
    const chunks = chunkCount(info, 1);
    expect(baseline.detectorFailures).toEqual([
      {
        chunkIndex: FAILING_CHUNK,
        detector: 'throws-on-chunk',
        message: `test detector gives up on chunk ${FAILING_CHUNK}`,
      },
      {
        chunkIndex: FAILING_CHUNK,
        detector: 'unserializable-on-chunk',
        message: expect.stringMatching(/^archbench\.TaskFailed: .*BigInt/),
      },
    ]);
    // The throwing detector fails inside a successful task; the other's task fails, is retried twice and
    // is caught into its `Detector failed` state.
    const transitions = baseline.counters.sfn.transitionsByState;
    expect(transitions[detectStateName('throws-on-chunk')]).toBe(chunks);
    expect(transitions[detectStateName('unserializable-on-chunk')]).toBe(chunks + quick.retry.maxAttempts);
    expect(transitions[detectorFailedStateName('unserializable-on-chunk')]).toBe(1);
    expect(transitions[detectorFailedStateName('throws-on-chunk')]).toBeUndefined();
    // The failed chunk counts as "nothing observed" for those detectors only; all other findings stand,
    // exactly as the monolith finds them with the same detectors.
    const perChunk = (name: string) =>
      baseline.findings.filter((finding) => finding.detector === name).map((finding) => finding.startSec);
    const others = Array.from({ length: chunks }, (_, index) => index).filter(
      (index) => index !== FAILING_CHUNK,
    );
    expect(perChunk('throws-on-chunk')).toEqual(others);
    expect(perChunk('unserializable-on-chunk')).toEqual(others);
    expect(perChunk('slow-on-chunk')).toHaveLength(chunks);
    await using monolith = await createMonolithRunner(testContext(s3, { detectors }));
    expect(baseline.findings).toEqual((await monolith.runClip(info)).findings);
  }, 60_000);

  it('survives a worker killed mid-task: the heartbeat times out, the retry succeeds, the extra work is counted', async ({
    skip,
  }) => {
    skip(!slowTestsEnabled, 'in npm run test:full');
    const slowStage = detectStateName('slow-on-chunk');
    const chunks = chunkCount(info, 1);
    const baselineGets = baseline.counters.s3.requestsByStage[slowStage]?.GetObject ?? 0;
    // Every chunk has the same frames, so one attempt of the detector GETs this many objects.
    const getsPerAttempt = baselineGets / chunks;
    expect(Number.isInteger(getsPerAttempt) && getsPerAttempt > 0).toBe(true);
    let victim: WorkerHandle | undefined;
    let victimGets = 0;
    let killed = false;
    onWorkerMessage = (worker, message) => {
      if (killed || worker.role.kind !== 'detect' || worker.role.detector !== 'slow-on-chunk') return;
      if (message.type === 'task-started' && message.chunkIndex === SLOW_CHUNK) victim = worker;
      if (message.type !== 'requests' || worker !== victim) return;
      victimGets += message.entries.filter((entry) => entry[1] === 's3').length;
      // All its GETs are reported: the worker is now inside the slow detector, in the middle of the task.
      if (victimGets === getsPerAttempt) {
        killed = true;
        worker.kill('SIGKILL');
      }
    };
    const replacementsBefore = runner.pools.replacements;
    const run = await runner.runClip(info);
    onWorkerMessage = () => {};
    expect(killed).toBe(true);
    expect(run.findings).toEqual(baseline.findings);
    // The lost worker was replaced; the pool is back at its size.
    expect(runner.pools.replacements).toBe(replacementsBefore + 1);
    expect(
      runner.pools.workers.filter((worker) => worker.name.startsWith('detect-slow-on-chunk#')),
    ).toHaveLength(1);
    // One more transition (the retry) of the killed task's state, nothing else.
    const extraTransitions = Object.fromEntries(
      Object.entries(run.counters.sfn.transitionsByState)
        .map(([state, count]) => [state, count - (baseline.counters.sfn.transitionsByState[state] ?? 0)])
        .filter(([, extra]) => extra !== 0),
    );
    expect(extraTransitions).toEqual({ [slowStage]: 1 });
    // The killed attempt's GETs were counted: one chunk's worth, on that stage.
    expect(run.counters.s3.requestsByStage[slowStage]?.GetObject).toBe(baselineGets + getsPerAttempt);
    expect(run.counters.s3.requestsByOperation.GetObject).toBe(
      (baseline.counters.s3.requestsByOperation.GetObject ?? 0) + getsPerAttempt,
    );
    expect(run.counters.sfn.apiRequestsByOperation.GetActivityTask).toBe(
      (baseline.counters.sfn.apiRequestsByOperation.GetActivityTask ?? 0) + 1,
    );
    // Everything else is as in the undisturbed run.
    const unchanged = (counts: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(counts).filter(
          ([key]) =>
            !key.includes('GetObject') &&
            !key.includes(slowStage) &&
            !key.includes('GetActivityTask') &&
            !key.startsWith('invocations') &&
            !key.includes('payloads'),
        ),
      );
    expect(unchanged(deterministicCounts(run.counters))).toEqual(
      unchanged(deterministicCounts(baseline.counters)),
    );
  }, 60_000);
});

describe.runIf(slowTestsEnabled)('distributed runner when an endpoint goes away', () => {
  // One detector is enough to lose an endpoint under, and starts three workers instead of six.
  const oneDetector = resolveDetectors({ freeze: {} });

  /** Runs the clip and makes `stop` happen once the first task has finished; returns the error. */
  async function failMidRun(
    create: (
      onWorkerMessage: (worker: WorkerHandle, message: WorkerMessage) => void,
    ) => Promise<DistributedClipRunner>,
    stop: () => Promise<void>,
  ): Promise<{ error: unknown; elapsedMs: number }> {
    let stopped: Promise<void> | undefined;
    const runner = await create((_worker, message) => {
      if (message.type === 'task-finished') stopped ??= stop();
    });
    const started = performance.now();
    try {
      await runner.runClip(info);
      return { error: undefined, elapsedMs: performance.now() - started };
    } catch (error) {
      return { error, elapsedMs: performance.now() - started };
    } finally {
      await stopped;
      const disposeStart = performance.now();
      await runner[Symbol.asyncDispose]();
      expect(performance.now() - disposeStart).toBeLessThan(15_000);
      expect(runner.pools.workers).toEqual([]);
    }
  }

  it('S3: fails the clip with one clear line (unavailable, not a hang), and stops everything', async () => {
    const s3 = await startTestS3();
    try {
      const { error, elapsedMs } = await failMidRun(
        (onWorkerMessage) =>
          createDistributedRunner(
            testContext(s3, {
              detectors: oneDetector,
              distributed: { ...quick, retry: { ...quick.retry, maxAttempts: 1 } },
            }),
            {
              onWorkerMessage,
            },
          ),
        () => s3.server.stop(),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as Error).message).toMatch(/S3/);
      expect((error as Error).message).not.toContain('\n');
      expect(elapsedMs).toBeLessThan(30_000);
    } finally {
      await s3[Symbol.asyncDispose]();
    }
  }, 60_000);

  it('Step Functions: fails the clip with one clear line (unavailable, not a hang), and stops everything', async () => {
    const s3 = await startTestS3();
    const sfn = await startEmbeddedStepFunctions();
    try {
      const { error, elapsedMs } = await failMidRun(
        (onWorkerMessage) =>
          createDistributedRunner(testContext(s3, { detectors: oneDetector, distributed: quick }), {
            stepFunctions: sfn.endpoint,
            onWorkerMessage,
          }),
        () => sfn.stop(),
      );
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect((error as Error).message).toMatch(
        /Step Functions endpoint \(http:\/\/127\.0\.0\.1:\d+\) could not be reached/,
      );
      expect(elapsedMs).toBeLessThan(30_000);
      // The chunks' temporary objects went with the failed clip.
      expect(await s3.store.list('tmp/')).toEqual([]);
    } finally {
      await sfn.stop();
      await s3[Symbol.asyncDispose]();
    }
  }, 60_000);
});
