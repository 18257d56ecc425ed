/**
 * `npm run bench:perf`: throughput and memory of the monolith on the 10-minute fixture, against the
 * physical limit measured in the same run:
 * - decode-only: ffmpeg to grey frames + PCM, chunks discarded;
 * - detect-only: every detector over chunks decoded beforehand and held in memory;
 * - monolith: the real `archbench analyze` in a child process (so its peak RSS is its own).
 * Target: monolith <= 1.15 x max(decode-only, detect-only); monolith peak RSS <= 300 MB.
 * Numbers are printed, never asserted: timings belong in a benchmark, not in unit tests.
 */
import { execFile } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Bench } from 'tinybench';
import { aggregateFindings, analyzeChunk, type ChunkAnalysis } from '../core/aggregate.ts';
import type { MediaChunk } from '../core/media.ts';
import { resolveDetectors } from '../harness/detectors.ts';
import type { AnalyzeDocument } from '../harness/results.ts';
import { createDetectorPorts } from '../infra/detector-ports.ts';
import { defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import { ensureFixtures } from '../media/fixtures/fixture-generator.ts';
import { probeMedia, toClipInfo } from '../media/probe.ts';

const iterations = Number(process.env.PERF_ITERATIONS ?? 3);
const fixturesDir = path.resolve('fixtures/clips');
const run = promisify(execFile);

const manifest = await ensureFixtures({
  dir: fixturesDir,
  only: ['long'],
  onProgress: (id) => console.error(`generating fixture ${id}`),
});
const longClip = manifest.clips.find((clip) => clip.id === 'long');
if (!longClip) throw new Error('fixture manifest has no "long" clip');
const clipPath = path.join(fixturesDir, longClip.file);
const info = await probeMedia(clipPath);
const detectors = resolveDetectors(undefined);
// The same ports the harness gives the monolith (the block-corruption model's ONNX session).
const ports = await createDetectorPorts(detectors.map((detector) => detector.name));

async function decodeAll(keep: boolean): Promise<MediaChunk[]> {
  const kept: MediaChunk[] = [];
  await using decoder = openClipDecoder(info, defaultDecodeOptions);
  for await (const chunk of decoder.chunks()) if (keep) kept.push(chunk);
  return kept;
}

console.error(`pre-decoding ${info.durationSec.toFixed(0)} s for detect-only ...`);
const predecoded = await decodeAll(true);
let monolithRssBytes = 0;
const monolithClipWallMs: number[] = [];

const bench = new Bench({ name: 'monolith on the 10-minute fixture', iterations, time: 0, warmup: false });
bench
  .add('decode-only', async () => {
    await decodeAll(false);
  })
  .add('detect-only', async () => {
    const analyses: ChunkAnalysis[] = [];
    for (const chunk of predecoded) analyses.push(await analyzeChunk(chunk, detectors, ports));
    aggregateFindings(analyses, detectors, toClipInfo(info));
  })
  .add('monolith', async () => {
    const { stdout } = await run(process.execPath, ['src/cli/main.ts', 'analyze', clipPath, '--json'], {
      maxBuffer: 64 * 2 ** 20,
    });
    const document = JSON.parse(stdout) as AnalyzeDocument;
    const result = document.clips[0]?.runs[0];
    if (result?.status !== 'ok') throw new Error(`monolith run failed: ${stdout.slice(0, 500)}`);
    monolithRssBytes = Math.max(monolithRssBytes, result.counters.compute.peakRssBytes);
    monolithClipWallMs.push(result.counters.compute.wallMs);
  });
await bench.run();
console.table(bench.table());

function meanSec(name: string): number {
  const result = bench.getTask(name)?.result;
  if (!result || !('latency' in result)) throw new Error(`benchmark task ${name} did not complete`);
  return result.latency.mean / 1000;
}

const decodeSec = meanSec('decode-only');
const detectSec = meanSec('detect-only');
const processSec = meanSec('monolith');
// The ratio compares like with like: the clip's own wall time inside the monolith process (decode and
// detection), not the process start and the embedded S3 server that the child-process timing includes.
const monolithSec = monolithClipWallMs.reduce((sum, ms) => sum + ms, 0) / monolithClipWallMs.length / 1000;
const limitSec = Math.max(decodeSec, detectSec);
const ratio = monolithSec / limitSec;
const rssMb = monolithRssBytes / 1e6;
const verdict = (ok: boolean) => (ok ? 'within target' : 'MISSES target');
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log(
  `clip: ${path.relative(process.cwd(), clipPath)}, ${info.durationSec.toFixed(1)} s, ${iterations} iteration(s) each`,
);
console.log(
  `decode-only   ${decodeSec.toFixed(2)} s  (${(info.durationSec / decodeSec).toFixed(1)} stream-s/s)`,
);
console.log(
  `detect-only   ${detectSec.toFixed(2)} s  (${(info.durationSec / detectSec).toFixed(1)} stream-s/s)`,
);
console.log(
  `monolith      ${monolithSec.toFixed(2)} s  (${(info.durationSec / monolithSec).toFixed(1)} stream-s/s; the whole CLI process incl. start-up and embedded S3: ${processSec.toFixed(2)} s)`,
);
console.log(
  `ratio monolith / max(decode, detect) = ${ratio.toFixed(3)} (target <= 1.15: ${verdict(ratio <= 1.15)})`,
);
console.log(`monolith peak RSS ${rssMb.toFixed(0)} MB (target <= 300 MB: ${verdict(rssMb <= 300)})`);
