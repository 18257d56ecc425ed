/**
 * `npm run bench:streams`: the multi-stream monolith (k streams in one process) at k = 1, 2, 4, 8 on the
 * 12-s fixture clips, each k in fresh processes (src/harness/measure-monolith-streams.ts), and the sizing
 * fit over them. Per k: CPU seconds per stream-second (decode included), peak memory, throughput. Targets:
 * marginal memory per stream <= 40 MB; throughput at 2 streams on 2 cores >= 1.8 x one stream's.
 * With `PERF_LONG=1` and the 10-minute `long` fixture generated, k = 1 and 2 on it as well.
 * Numbers are printed, never asserted; the machine's load average is printed beside them.
 */
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Bench } from 'tinybench';
import { fitMonolithSizing, type MonolithStreamsSample } from '../core/cost/monolith-sizing.ts';
import { measureMonolithStreams } from '../harness/measure-monolith-streams.ts';
import { defaultDecodeOptions } from '../media/decoder.ts';
import { readManifest } from '../media/fixtures/fixture-generator.ts';

const iterations = Number(process.env.PERF_ITERATIONS ?? 2);
const streamCounts = [1, 2, 4, 8] as const;
const fixturesDir = path.resolve('fixtures/clips');
const SHORT_CLIP_IDS = ['av-offset-audio-late', 'av-offset-audio-early', 'av-sync-ok'];
const MB = 1e6;
const config = { decode: defaultDecodeOptions, detectors: undefined };

const manifest = await readManifest(fixturesDir);
if (manifest === undefined) throw new Error(`no fixture manifest in ${fixturesDir}: run npm run fixtures`);
const clipPathsOf = (ids: readonly string[]): string[] =>
  manifest.clips.filter((clip) => ids.includes(clip.id)).map((clip) => path.join(fixturesDir, clip.file));
const clipPaths = clipPathsOf(SHORT_CLIP_IDS);
if (clipPaths.length === 0) throw new Error(`none of ${SHORT_CLIP_IDS.join(', ')} in ${fixturesDir}`);

const loadBefore = os.loadavg();
const samplesByK = new Map<number, MonolithStreamsSample[]>();
const bench = new Bench({ name: 'multi-stream monolith', iterations, time: 0, warmup: false });
for (const k of streamCounts) {
  bench.add(`k=${k}`, async () => {
    const { samples } = await measureMonolithStreams({ config, clipPaths, streamCounts: [k] });
    samplesByK.set(k, [...(samplesByK.get(k) ?? []), ...samples]);
  });
}
await bench.run();
console.table(bench.table());
const loadAfter = os.loadavg();

/** The sample of a k with each field the median over its iterations (noise on a shared machine). */
function medianSample(samples: readonly MonolithStreamsSample[]): MonolithStreamsSample {
  const median = (pick: (sample: MonolithStreamsSample) => number): number => {
    const values = samples.map(pick).sort((a, b) => a - b);
    const middle = Math.floor(values.length / 2);
    return values.length % 2 === 1
      ? (values[middle] as number)
      : ((values[middle - 1] as number) + (values[middle] as number)) / 2;
  };
  return {
    streams: samples[0]?.streams ?? 0,
    streamSeconds: median((sample) => sample.streamSeconds),
    cpuMs: median((sample) => sample.cpuMs),
    nodeCpuMs: median((sample) => sample.nodeCpuMs),
    wallMs: median((sample) => sample.wallMs),
    peakRssBytes: median((sample) => sample.peakRssBytes),
    nodePeakRssBytes: median((sample) => sample.nodePeakRssBytes),
  };
}

function printSamples(samples: readonly MonolithStreamsSample[]): void {
  console.log('   k  stream-s  CPU-s/stream-s (node)  peak MB (node)  wall s  stream-s per s');
  for (const sample of samples) {
    console.log(
      [
        String(sample.streams).padStart(4),
        sample.streamSeconds.toFixed(1).padStart(9),
        `${(sample.cpuMs / 1000 / sample.streamSeconds).toFixed(4).padStart(15)} (${(sample.nodeCpuMs / 1000 / sample.streamSeconds).toFixed(4)})`,
        `${(sample.peakRssBytes / MB).toFixed(0).padStart(8)} (${(sample.nodePeakRssBytes / MB).toFixed(0)})`,
        (sample.wallMs / 1000).toFixed(2).padStart(7),
        (sample.streamSeconds / (sample.wallMs / 1000)).toFixed(2).padStart(15),
      ].join('  '),
    );
  }
}

const medians = streamCounts.map((k) => medianSample(samplesByK.get(k) ?? []));
const cores = os.availableParallelism();
const fit = fitMonolithSizing(medians, cores);
const verdict = (ok: boolean): string => (ok ? 'within target' : 'MISSES target');
console.log(
  `machine: ${cores} x ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
);
console.log(
  `load average (1/5/15 min): before ${loadBefore.map((load) => load.toFixed(1)).join(' ')}, after ${loadAfter.map((load) => load.toFixed(1)).join(' ')}`,
);
console.log(
  `clips: ${clipPaths.map((clip) => path.basename(clip)).join(', ')} (round-robin), ${iterations} fresh process(es) per k, medians:`,
);
printSamples(medians);
console.log(
  `fit: CPU ${fit.cpuSecondsPerStreamSecond.toFixed(4)} s per stream-second (${fit.cpuMethod}; node's own ${fit.nodeCpuSecondsPerStreamSecond.toFixed(4)}, so one process's main thread saturates near ${(1 / fit.nodeCpuSecondsPerStreamSecond).toFixed(0)} streams)`,
);
console.log(
  `fit: memory ${(fit.memoryBaseBytes / MB).toFixed(0)} MB + k x ${(fit.memoryPerStreamBytes / MB).toFixed(1)} MB (decoders included; node alone ${(fit.nodeMemory.baseBytes / MB).toFixed(0)} MB + k x ${(fit.nodeMemory.perStreamBytes / MB).toFixed(1)} MB)`,
);
console.log(
  `marginal memory per stream ${(fit.memoryPerStreamBytes / MB).toFixed(1)} MB (target <= 40 MB: ${verdict(fit.memoryPerStreamBytes <= 40 * MB)})`,
);
const scaling = fit.throughputScaling ?? Number.NaN;
console.log(
  `throughput at k=${fit.throughputScalingStreams} on ${cores} cores = ${scaling.toFixed(2)} x one stream's (target >= 1.8: ${verdict(scaling >= 1.8)})`,
);
// What the cores allow at all: one stream already keeps ffmpeg's single-threaded decode on one core and the
// detectors on another, so k streams cannot go faster than the cores divided by their CPU per stream-second.
const single = medians.find((sample) => sample.streams === 1);
const atScaling = medians.find((sample) => sample.streams === fit.throughputScalingStreams);
if (single !== undefined && atScaling !== undefined) {
  const singleRate = single.streamSeconds / (single.wallMs / 1000);
  const cpuBound = cores / (atScaling.cpuMs / 1000 / atScaling.streamSeconds);
  console.log(
    `CPU ceiling at k=${atScaling.streams}: ${cores} cores / ${(atScaling.cpuMs / 1000 / atScaling.streamSeconds).toFixed(4)} CPU-s per stream-second = ${cpuBound.toFixed(1)} stream-s per s = ${(cpuBound / singleRate).toFixed(2)} x one stream's measured ${singleRate.toFixed(1)} (one stream busies ${(single.cpuMs / single.wallMs).toFixed(2)} cores)`,
  );
}

if (process.env.PERF_LONG === '1') {
  const long = clipPathsOf(['long']);
  const present =
    long[0] !== undefined &&
    (await access(long[0]).then(
      () => true,
      () => false,
    ));
  if (!present) {
    console.log('long: the 10-minute fixture is not in fixtures/clips; skipped');
  } else {
    const result = await measureMonolithStreams({
      config,
      clipPaths: long,
      streamCounts: [1, 2],
      timeoutMs: 900_000,
    });
    console.log('long clip (10 min), one process per k:');
    printSamples(result.samples);
  }
}
