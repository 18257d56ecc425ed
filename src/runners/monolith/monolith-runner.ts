import { aggregateFindings, analyzeChunk, type ChunkAnalysis } from '../../core/aggregate.ts';
import { countCpu, countSerialization, createCounters, mergeCounters } from '../../core/counters.ts';
import { peakRssBytes, reapedChildrenCpuMs, selfCpuMs } from '../../infra/process-usage.ts';
import { createS3Client, createS3ObjectStore } from '../../infra/s3-object-store.ts';
import { openClipDecoder } from '../../media/decoder.ts';
import { type MediaInfo, toClipInfo } from '../../media/probe.ts';
import { type ClipRun, type ClipRunner, type RunnerContext, resultsKeyFor } from '../runner.ts';

/**
 * The monolith: one process, one ffmpeg decode per clip, every detector on the in-memory chunk, and one
 * results object per clip written to S3. This is the shape Prime Video moved to.
 */
export async function createMonolithRunner(context: RunnerContext): Promise<ClipRunner> {
  return {
    name: 'monolith',
    runClip: (clip) => runMonolithClip(clip, context),
    async [Symbol.asyncDispose]() {
      // Nothing outlives a clip: the decoder and the S3 client are scoped to runClip.
    },
  };
}

async function runMonolithClip(clip: MediaInfo, context: RunnerContext): Promise<ClipRun> {
  const counters = createCounters();
  // S3 requests are counted apart and merged in at the end, attributed to the stage that sent them.
  const s3Counters = createCounters();
  const client = createS3Client(context.s3, s3Counters);
  const wallStart = performance.now();
  const selfCpuStart = selfCpuMs();
  const childCpuStart = reapedChildrenCpuMs();
  try {
    const store = await createS3ObjectStore({ client, bucket: context.bucket });
    const analyses: ChunkAnalysis[] = [];
    let detectCpuMs = 0;
    const chunkLatenciesMs: number[] = [];
    let previousChunkDoneMs = performance.now();
    await using decoder = openClipDecoder(clip, context.decode);
    for await (const chunk of decoder.chunks()) {
      const before = selfCpuMs();
      analyses.push(
        await analyzeChunk(chunk, context.detectors, context.ports, (detector, cpuMs) =>
          countCpu(counters, `detect:${detector}`, cpuMs),
        ),
      );
      detectCpuMs += selfCpuMs() - before;
      // Decode and analysis overlap in a pipeline: a chunk's latency is the time since the previous one.
      const doneMs = performance.now();
      chunkLatenciesMs.push(doneMs - previousChunkDoneMs);
      previousChunkDoneMs = doneMs;
    }

    const aggregateStart = selfCpuMs();
    const findings = aggregateFindings(analyses, context.detectors, toClipInfo(clip));
    const aggregateCpuMs = selfCpuMs() - aggregateStart;
    countCpu(counters, 'aggregate', aggregateCpuMs);

    const resultsKey = resultsKeyFor('monolith', context.runId, clip);
    const encodeStart = selfCpuMs();
    const body = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 1,
        runner: 'monolith',
        clip: clip.path,
        findings,
        decode: decoder.summary,
      }),
    );
    const encodeCpuMs = selfCpuMs() - encodeStart;
    countSerialization(counters, 'results', 'encode', body.byteLength, encodeCpuMs);
    countCpu(counters, 'serialize', encodeCpuMs);
    await store.put(resultsKey, body, 'application/json');
    mergeCounters(counters, s3Counters, 'WriteResults');

    // ffmpeg is a separate process: its CPU shows up in this process's reaped-children time once it exits.
    countCpu(counters, 'decode:ffmpeg', reapedChildrenCpuMs() - childCpuStart);
    // What remains of this process's CPU is reading the decoder's pipes and talking to S3.
    const ioCpuMs = selfCpuMs() - selfCpuStart - detectCpuMs - aggregateCpuMs - encodeCpuMs;
    countCpu(counters, 'io', Math.max(0, ioCpuMs));
    counters.compute.wallMs = performance.now() - wallStart;
    counters.compute.peakRssBytes = peakRssBytes();
    return { findings, counters, decode: decoder.summary, resultsKey, chunkLatenciesMs };
  } finally {
    client.destroy();
  }
}
