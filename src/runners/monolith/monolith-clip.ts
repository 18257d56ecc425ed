import type { ResolvedDetector } from '../../core/aggregate.ts';
import { RESULTS_STAGE } from '../../core/cost/workload-profile.ts';
import { countCpu, countSerialization, createCounters, mergeCounters } from '../../core/counters.ts';
import type { DetectorPorts } from '../../core/detector.ts';
import { peakRssBytes, reapedChildrenCpuMs, selfCpuMs } from '../../infra/process-usage.ts';
import { createS3Client, createS3ObjectStore, type S3Endpoint } from '../../infra/s3-object-store.ts';
import type { DecodeOptions } from '../../media/decoder.ts';
import type { MediaInfo } from '../../media/probe.ts';
import type { ClipRun } from '../runner.ts';
import { analyzeStream } from './monolith-streams.ts';

/** What one monolith (the single one, or one clone) needs to analyse a clip. */
export interface MonolithClipSpec {
  readonly decode: DecodeOptions;
  /** The detectors this process runs (all of them, or a clone's subset). */
  readonly detectors: readonly ResolvedDetector[];
  readonly ports: DetectorPorts;
  readonly s3: S3Endpoint;
  readonly bucket: string;
  /** S3 key of the results object this process writes for the clip. */
  readonly resultsKey: string;
  /** Extra JSON fields of the results object (a clone names itself here). */
  readonly results: Readonly<Record<string, unknown>>;
}

/**
 * Decodes the clip once, runs `spec.detectors` on every chunk in memory, aggregates, and writes one
 * results object; counts CPU by component, the S3 requests (stage `WriteResults`) and the results'
 * serialization. Used in the runner's process and in every clone process.
 */
export async function runMonolithClip(clip: MediaInfo, context: MonolithClipSpec): Promise<ClipRun> {
  const counters = createCounters();
  // S3 requests are counted apart and merged in at the end, attributed to the stage that sent them.
  const s3Counters = createCounters();
  const client = createS3Client(context.s3, s3Counters);
  const wallStart = performance.now();
  const selfCpuStart = selfCpuMs();
  const childCpuStart = reapedChildrenCpuMs();
  try {
    const store = await createS3ObjectStore({ client, bucket: context.bucket });
    const { findings, decode, chunkLatenciesMs, detectCpuMs, aggregateCpuMs } = await analyzeStream(
      clip,
      context,
      { onDetectorTimed: (detector, cpuMs) => countCpu(counters, `detect:${detector}`, cpuMs) },
    );
    countCpu(counters, 'aggregate', aggregateCpuMs);

    const resultsKey = context.resultsKey;
    const encodeStart = selfCpuMs();
    const body = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 1,
        runner: 'monolith',
        ...context.results,
        clip: clip.path,
        findings,
        decode,
      }),
    );
    const encodeCpuMs = selfCpuMs() - encodeStart;
    countSerialization(counters, 'results', 'encode', body.byteLength, encodeCpuMs);
    countCpu(counters, 'serialize', encodeCpuMs);
    await store.put(resultsKey, body, 'application/json');
    mergeCounters(counters, s3Counters, RESULTS_STAGE);

    // ffmpeg is a separate process: its CPU shows up in this process's reaped-children time once it exits.
    countCpu(counters, 'decode:ffmpeg', reapedChildrenCpuMs() - childCpuStart);
    // What remains of this process's CPU is reading the decoder's pipes and talking to S3.
    const ioCpuMs = selfCpuMs() - selfCpuStart - detectCpuMs - aggregateCpuMs - encodeCpuMs;
    countCpu(counters, 'io', Math.max(0, ioCpuMs));
    counters.compute.wallMs = performance.now() - wallStart;
    counters.compute.peakRssBytes = peakRssBytes();
    return { findings, counters, decode, resultsKey, chunkLatenciesMs };
  } finally {
    client.destroy();
  }
}
