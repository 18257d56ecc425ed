/**
 * `npm exec -- node src/perf/distributed-perf.ts`: what the distributed runner costs in time, and why.
 * - S3 latency: one PUT + GET of a frame-sized object (320x180 grey, as the converter writes) through the
 *   runner's object store (keep-alive client with the counting middleware, as workers use it) against the
 *   raw SDK client to the same fauxqs in the same run. Target: object store <= 1.2 x raw.
 * - Wall time of the short fixture set through the monolith and the distributed runner (one clip at a
 *   time each; the distributed runner runs a clip's chunks concurrently), printed with the counters that
 *   explain the gap: S3 requests, transitions, serializations, CPU per component, billed task time.
 * Numbers are printed, never asserted: timings belong in a benchmark, not in unit tests.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Bench } from 'tinybench';
import { type Counters, createCounters, mergeCounters } from '../core/counters.ts';
import { resolveDetectors } from '../harness/detectors.ts';
import { startEmbeddedS3 } from '../infra/fauxqs-server.ts';
import { createS3Client, createS3ObjectStore } from '../infra/s3-object-store.ts';
import { attachRequestCounter } from '../infra/s3-request-counter.ts';
import { defaultDecodeOptions } from '../media/decoder.ts';
import { ensureFixtures, fixtureIds } from '../media/fixtures/fixture-generator.ts';
import { type MediaInfo, probeMedia } from '../media/probe.ts';
import { createDistributedRunner } from '../runners/distributed/distributed-runner.ts';
import { defaultDistributedSettings } from '../runners/distributed/distributed-settings.ts';
import { createMonolithRunner } from '../runners/monolith/monolith-runner.ts';
import type { ClipRunner, RunnerContext } from '../runners/runner.ts';

const iterations = Number(process.env.PERF_ITERATIONS ?? 200);
const fixtureIterations = Number(process.env.PERF_FIXTURE_ITERATIONS ?? 1);
const BUCKET = 'archbench-perf';
const FRAME_BYTES = 320 * 180;

await using s3 = await startEmbeddedS3();
const setup = createS3Client(s3.endpoint);
await createS3ObjectStore({ client: setup, bucket: BUCKET, create: true });
setup.destroy();

// --- S3 latency: runner object store vs raw SDK ----------------------------------------------------
const body = new Uint8Array(randomBytes(FRAME_BYTES));
const raw = new S3Client({
  region: s3.endpoint.region,
  endpoint: s3.endpoint.endpoint,
  forcePathStyle: true,
  ...(s3.endpoint.credentials === undefined ? {} : { credentials: s3.endpoint.credentials }),
});
const counted = createCounters();
const storeClient = createS3Client(s3.endpoint);
attachRequestCounter(storeClient, () => counted);
const store = await createS3ObjectStore({ client: storeClient, bucket: BUCKET });
let sequence = 0;
const s3Tasks: Record<string, () => Promise<void>> = {
  'raw SDK client': async () => {
    const key = `perf/raw-${sequence++}`;
    await raw.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentLength: body.byteLength }),
    );
    const output = await raw.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    await output.Body?.transformToByteArray();
  },
  'runner object store (counted)': async () => {
    const key = `perf/store-${sequence++}`;
    await store.put(key, body, 'application/octet-stream');
    await store.get(key);
  },
};
// Rounds in alternating order: a machine whose load drifts (shared CI runners) biases neither side.
const S3_ROUNDS = 6;
const medians: Record<string, number[]> = {};
for (let round = 0; round < S3_ROUNDS; round++) {
  const bench = new Bench({
    name: `S3 PUT + GET of one 57.6 KB frame object, round ${round + 1}`,
    iterations: Math.ceil(iterations / S3_ROUNDS),
    warmupIterations: 5,
  });
  const names = Object.keys(s3Tasks);
  for (const name of round % 2 === 0 ? names : names.reverse())
    bench.add(name, s3Tasks[name] as () => Promise<void>);
  await bench.run();
  for (const task of bench.tasks) {
    const result = task.result;
    if (!result || !('latency' in result)) throw new Error(`benchmark task ${task.name} did not complete`);
    const list = medians[task.name] ?? [];
    list.push(result.latency.p50 ?? result.latency.mean);
    medians[task.name] = list;
  }
}
raw.destroy();
storeClient.destroy();
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const latencyMs = (name: string): number => median(medians[name] ?? []);
console.table(
  Object.entries(medians).map(([name, values]) => ({
    task: name,
    'median of round medians (ms)': latencyMs(name).toFixed(3),
    'round medians (ms)': values.map((value) => value.toFixed(2)).join(' '),
  })),
);
const s3Ratio = latencyMs('runner object store (counted)') / latencyMs('raw SDK client');

// --- Fixture set through both runners ---------------------------------------------------------------
const fixturesDir = path.resolve('fixtures/clips');
const shortIds = fixtureIds.filter((id) => id !== 'long');
const manifest = await ensureFixtures({
  dir: fixturesDir,
  only: shortIds,
  onProgress: (id) => console.error(`generating ${id}`),
});
const infos: MediaInfo[] = [];
for (const clip of manifest.clips)
  if (shortIds.includes(clip.id)) infos.push(await probeMedia(path.join(fixturesDir, clip.file)));
const streamSec = infos.reduce((total, info) => total + info.durationSec, 0);
const context: RunnerContext = {
  runId: `perf-${randomBytes(3).toString('hex')}`,
  decode: defaultDecodeOptions,
  detectors: resolveDetectors(undefined),
  ports: {},
  s3: s3.endpoint,
  bucket: BUCKET,
  distributed: defaultDistributedSettings,
};
const startupStart = performance.now();
const distributed = await createDistributedRunner(context);
const distributedStartupMs = performance.now() - startupStart;
const monolith = await createMonolithRunner(context);
const totals: Record<string, Counters> = {};
async function runFixtureSet(runner: ClipRunner): Promise<void> {
  const total = createCounters();
  for (const info of infos) mergeCounters(total, (await runner.runClip(info)).counters);
  totals[runner.name] = total;
}
const runnerBench = new Bench({
  name: 'short fixture set',
  iterations: fixtureIterations,
  time: 0,
  warmup: false,
});
runnerBench
  .add('monolith', () => runFixtureSet(monolith))
  .add('distributed', () => runFixtureSet(distributed));
await runnerBench.run();
console.table(runnerBench.table());
await distributed[Symbol.asyncDispose]();
await monolith[Symbol.asyncDispose]();

const meanMs = (name: string): number => {
  const result = runnerBench.getTask(name)?.result;
  if (!result || !('latency' in result)) throw new Error(`benchmark task ${name} did not complete`);
  return result.latency.mean;
};
const monolithMs = meanMs('monolith');
const distributedMs = meanMs('distributed');

const sum = (record: Readonly<Record<string, number>>): number =>
  Object.values(record).reduce((a, b) => a + b, 0);
const list = (record: Readonly<Record<string, number>>, digits = 0): string =>
  Object.entries(record)
    .map(([key, value]) => `${key} ${value.toFixed(digits)}`)
    .join(', ') || 'none';
function explain(name: string, counters: Counters | undefined): void {
  if (counters === undefined) return;
  const perStreamSec = (value: number): string => (value / streamSec).toFixed(1);
  const serialization = Object.entries(counters.serialization)
    .map(
      ([hop, entry]) =>
        `${hop} ${entry.encodeOps}+${entry.decodeOps} ops ${(entry.bytes / 1e6).toFixed(1)} MB`,
    )
    .join(', ');
  const billed = Object.entries(counters.compute.invocationsByTask)
    .map(
      ([task, entry]) =>
        `${task} ${entry.invocations} x ${(entry.billedMs / entry.invocations).toFixed(0)} ms @ ${entry.memoryMb} MB`,
    )
    .join(', ');
  console.log(`${name}:`);
  console.log(
    `  S3 requests ${sum(counters.s3.requestsByOperation)} (${perStreamSec(sum(counters.s3.requestsByOperation))}/stream-s): ${list(counters.s3.requestsByOperation)}; up ${(counters.s3.bytesUp / 1e6).toFixed(1)} MB, down ${(counters.s3.bytesDown / 1e6).toFixed(1)} MB`,
  );
  console.log(
    `  transitions ${sum(counters.sfn.transitionsByState)} (${perStreamSec(sum(counters.sfn.transitionsByState))}/stream-s), executions ${counters.sfn.executionsStarted}; SFN API ${list(counters.sfn.apiRequestsByOperation)}`,
  );
  console.log(`  serialization: ${serialization || 'none'}`);
  console.log(
    `  CPU ms: ${list(counters.compute.cpuMsByComponent)} (total ${sum(counters.compute.cpuMsByComponent).toFixed(0)})`,
  );
  if (billed !== '') console.log(`  billed tasks: ${billed}`);
}

const verdict = (ok: boolean): string => (ok ? 'within target' : 'MISSES target');
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${os.loadavg()[0]?.toFixed(1)}`,
);
console.log(
  `S3 PUT+GET (57.6 KB), median latency: raw SDK ${latencyMs('raw SDK client').toFixed(2)} ms, object store ${latencyMs('runner object store (counted)').toFixed(2)} ms; ratio ${s3Ratio.toFixed(3)} (target <= 1.2: ${verdict(s3Ratio <= 1.2)})`,
);
console.log(
  `fixture set: ${infos.length} clips, ${streamSec.toFixed(0)} stream-s; monolith ${(monolithMs / 1000).toFixed(2)} s, distributed ${(distributedMs / 1000).toFixed(2)} s (+ ${(distributedStartupMs / 1000).toFixed(1)} s one-off start of endpoint and workers); ratio distributed/monolith ${(distributedMs / monolithMs).toFixed(2)}`,
);
explain('monolith', totals.monolith);
explain('distributed', totals.distributed);
