import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, fixturesForTests } from '../../harness/test-fixtures.ts';
import { liveChildCount } from '../../infra/child-processes.ts';
import { chunkCount } from '../../media/decoder.ts';
import { probeMedia } from '../../media/probe.ts';
import { createMonolithRunner } from '../monolith/monolith-runner.ts';
import type { ClipRunner, RunnerContext } from '../runner.ts';
import { createDistributedRunner, type DistributedClipRunner } from './distributed-runner.ts';
import { startTestS3, type TestS3, testContext } from './distributed-test-support.ts';
import { STATE_NAMES } from './state-machine-definition.ts';

/**
 * The function-per-chunk shape: one task per chunk decodes it and runs every detector in memory. It must
 * find exactly what the monolith finds, with one task, one billed transition and one S3 PUT per chunk and
 * no frame object, at a chunk length other than the monolith's.
 */

const CHUNK_SECONDS = 5;

let s3: TestS3;
let context: RunnerContext;
let runner: DistributedClipRunner;
let monolith: ClipRunner;

beforeAll(async () => {
  s3 = await startTestS3();
  context = testContext(s3, { distributed: { shape: 'function-per-chunk' }, chunkSeconds: CHUNK_SECONDS });
  [runner, monolith] = await Promise.all([
    createDistributedRunner(context),
    createMonolithRunner({ ...context, decode: { ...context.decode, chunkSeconds: 1 } }),
  ]);
}, 90_000);

afterAll(async () => {
  await runner?.[Symbol.asyncDispose]();
  await monolith?.[Symbol.asyncDispose]();
  await s3?.[Symbol.asyncDispose]();
  expect(liveChildCount()).toBe(0);
}, 30_000);

describe('function-per-chunk', () => {
  it('has one Task and one pool', () => {
    expect(Object.keys(runner.definition.States as object)).toEqual([STATE_NAMES.analyze]);
    expect(new Set(runner.pools.workers.map((worker) => worker.role.kind))).toEqual(new Set(['analyze']));
  });

  for (const id of ['multi-defect', 'av-offset-audio-late']) {
    it(`finds what the monolith finds on ${id}, with one task and one PUT per chunk`, async () => {
      const fixtures = await fixturesForTests();
      const info = await probeMedia(fixturePath(fixtures, id));
      const [distributedRun, monolithRun] = await Promise.all([runner.runClip(info), monolith.runClip(info)]);
      expect(distributedRun.findings.length).toBeGreaterThan(0);
      expect(distributedRun.findings).toEqual(monolithRun.findings);

      const chunks = chunkCount(info, CHUNK_SECONDS);
      const { sfn, s3: requests, compute } = distributedRun.counters;
      expect(sfn.executionsStarted).toBe(chunks);
      expect(sfn.transitionsByState).toEqual({ [STATE_NAMES.analyze]: chunks });
      expect(Object.keys(compute.invocationsByTask)).toEqual([STATE_NAMES.analyze]);
      expect(compute.invocationsByTask[STATE_NAMES.analyze]?.invocations).toBe(chunks);
      // One chunk result per chunk, one results object per clip; the runner GETs each chunk result once.
      expect(requests.requestsByStage[STATE_NAMES.analyze]).toEqual({ PutObject: chunks });
      expect(requests.requestsByOperation.PutObject).toBe(chunks + 1);
      expect(requests.requestsByOperation.GetObject).toBe(chunks);
    }, 120_000);
  }
});
