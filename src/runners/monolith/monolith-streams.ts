import {
  aggregateFindings,
  analyzeChunk,
  type ChunkAnalysis,
  type DetectorTimingObserver,
  type ResolvedDetector,
} from '../../core/aggregate.ts';
import type { DetectorPorts } from '../../core/detector.ts';
import { type ErrorDocument, toErrorDocument } from '../../core/errors.ts';
import type { Finding } from '../../core/finding.ts';
import { selfCpuMs } from '../../infra/process-usage.ts';
import { type DecodeOptions, type DecodeSummary, openClipDecoder } from '../../media/decoder.ts';
import { type MediaInfo, toClipInfo } from '../../media/probe.ts';

/**
 * The monolith as a service runs it: k streams at once in one process. Each stream has its own decoder
 * (its own ffmpeg process, holding about two chunks of frames and PCM: with the default 1 s chunks at
 * 320 px and 25 fps, about 3 MB), while the detectors and their ports (the one ONNX session) are shared.
 * Node runs the detectors of all streams on its one main thread, interleaved chunk by chunk at every
 * `await`; ffmpeg decodes on the other cores.
 *
 * What a stream keeps for the whole clip is its `ChunkAnalysis` list (each detector's small JSON partial
 * per chunk, a few hundred bytes per chunk): inherent to aggregating a clip at its end, negligible for
 * short clips, and it grows linearly with a stream's length (a live stream would aggregate per window).
 */

/** What every stream of one monolith process shares. */
export interface MonolithStreamsSpec {
  readonly decode: DecodeOptions;
  /** The detectors, run on every chunk of every stream, in this order. */
  readonly detectors: readonly ResolvedDetector[];
  /** Shared by all streams (one ONNX session per process). */
  readonly ports: DetectorPorts;
}

/** One stream's analysis (the single monolith's clip analysis, without its S3 write). */
export interface StreamAnalysis {
  /** Sorted canonically; identical to the single-stream monolith's for the same clip. */
  readonly findings: readonly Finding[];
  readonly decode: DecodeSummary;
  /** Time from the previous chunk's end of analysis to this one's, ms, in chunk order (a timing). */
  readonly chunkLatenciesMs: readonly number[];
  /**
   * CPU of this process while this stream's detectors ran, ms. Only the stream's own when it is alone in
   * the process: concurrent streams' work interleaves at every `await` and lands here too.
   */
  readonly detectCpuMs: number;
  /** CPU of aggregating the stream's chunk analyses into findings, ms. */
  readonly aggregateCpuMs: number;
}

/** Called after each detector finished a chunk of the stream (see `DetectorTimingObserver`). */
export interface StreamObserver {
  readonly onDetectorTimed?: DetectorTimingObserver;
}

/**
 * Decodes `clip` once and runs every detector on each chunk as it arrives, then aggregates. Used by the
 * single monolith (runMonolithClip) and by each stream of a multi-stream monolith.
 */
export async function analyzeStream(
  clip: MediaInfo,
  spec: MonolithStreamsSpec,
  observer: StreamObserver = {},
): Promise<StreamAnalysis> {
  const analyses: ChunkAnalysis[] = [];
  const chunkLatenciesMs: number[] = [];
  let detectCpuMs = 0;
  let previousChunkDoneMs = performance.now();
  await using decoder = openClipDecoder(clip, spec.decode);
  for await (const chunk of decoder.chunks()) {
    const before = selfCpuMs();
    analyses.push(await analyzeChunk(chunk, spec.detectors, spec.ports, observer.onDetectorTimed));
    detectCpuMs += selfCpuMs() - before;
    // Decode and analysis overlap in a pipeline: a chunk's latency is the time since the previous one.
    const doneMs = performance.now();
    chunkLatenciesMs.push(doneMs - previousChunkDoneMs);
    previousChunkDoneMs = doneMs;
  }
  const aggregateStart = selfCpuMs();
  const findings = aggregateFindings(analyses, spec.detectors, toClipInfo(clip));
  const aggregateCpuMs = selfCpuMs() - aggregateStart;
  return { findings, decode: decoder.summary, chunkLatenciesMs, detectCpuMs, aggregateCpuMs };
}

/** One stream's outcome: a failure is data, so one bad stream never hides the others' results. */
export type StreamRun =
  | ({ readonly status: 'ok'; readonly clip: MediaInfo; readonly wallMs: number } & StreamAnalysis)
  | { readonly status: 'failed'; readonly clip: MediaInfo; readonly error: ErrorDocument };

/**
 * Analyses every clip of `streams` concurrently in this process, one stream per entry (the same clip may
 * appear more than once: each entry is its own stream with its own decoder). Resolves once every stream
 * has finished or failed, so no decoder outlives the call.
 */
export async function analyzeMonolithStreams(
  streams: readonly MediaInfo[],
  spec: MonolithStreamsSpec,
): Promise<StreamRun[]> {
  return Promise.all(
    streams.map(async (clip): Promise<StreamRun> => {
      const started = performance.now();
      try {
        const analysis = await analyzeStream(clip, spec);
        return { status: 'ok', clip, wallMs: performance.now() - started, ...analysis };
      } catch (error) {
        return { status: 'failed', clip, error: toErrorDocument(error) };
      }
    }),
  );
}
