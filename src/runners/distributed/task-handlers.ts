import { analyzeChunk, type ChunkAnalysis, type ResolvedDetector } from '../../core/aggregate.ts';
import { type Counters, countCpu, countSerialization } from '../../core/counters.ts';
import type { DetectorPorts, Json } from '../../core/detector.ts';
import type { GreyFrame, MediaChunk, PcmAudio } from '../../core/media.ts';
import type { ObjectStore } from '../../infra/object-store.ts';
import { reapedChildrenCpuMs, selfCpuMs } from '../../infra/process-usage.ts';
import { decodeChunk } from '../../media/decoder.ts';
import { decodeAudio, decodeFrames, encodeAudio, encodeFrames, frameObjectRanges } from './frame-codec.ts';
import {
  type AggregateJob,
  type AggregateOutput,
  audioObjectKey,
  type ChunkJob,
  type ChunkResultDocument,
  type ConvertedChunk,
  convertedKeys,
  type DetectJob,
  type DetectorFailure,
  type DetectorOutput,
  type DetectorResultDocument,
  detectorResultKey,
  frameObjectKey,
  isDetectorFailure,
} from './task-payloads.ts';

/**
 * The three task kinds of the distributed runner as plain async functions: the workers call them, and
 * tests call them in-process. They only wire the shared core (decoder, detectors, aggregation) to S3:
 * GET inputs, deserialize, compute, serialize, PUT outputs. S3 requests are counted by the store's client;
 * these count CPU per component and every serialization, per hop:
 * `frames` and `audio` (converter -> detectors), `partials` (detectors -> aggregator), `chunk-results`
 * (aggregator -> runner).
 */

/** What a task reaches the outside world through. */
export interface TaskPorts {
  readonly store: ObjectStore;
  readonly detectorPorts: DetectorPorts;
}

/** S3 requests one task keeps in flight at once (frames are many small objects; keep-alive pools them). */
const MAX_CONCURRENT_REQUESTS = 16;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

/** ConvertMedia: decodes chunk `job.chunk.index` alone and PUTs its frames and audio. */
export async function convertChunk(
  job: ChunkJob,
  ports: TaskPorts,
  counters: Counters,
): Promise<ConvertedChunk> {
  const childCpuStart = reapedChildrenCpuMs();
  const chunk = await decodeChunk(job.clip, job.chunk.index, job.decode);
  // ffmpeg has exited (decodeChunk waits for it), so its CPU is in the reaped-children total.
  countCpu(counters, 'decode:ffmpeg', reapedChildrenCpuMs() - childCpuStart);

  const bodies: { key: string; body: Uint8Array }[] = [];
  let video: ConvertedChunk['video'] = null;
  if (chunk.video !== undefined) {
    const { frames, nextFrame } = chunk.video;
    const ranges = frameObjectRanges(frames.length, nextFrame !== undefined, job.framesPerObject);
    ranges.forEach((range, objectIndex) => {
      const batch = {
        frames: frames.slice(range.start, range.end),
        ...(range.withNextFrame && nextFrame !== undefined ? { nextFrame } : {}),
      };
      const body = timedEncode(counters, 'frames', () => encodeFrames(batch));
      bodies.push({ key: frameObjectKey(job, objectIndex), body });
    });
    video = {
      frames: frames.length,
      objects: ranges.length,
      hasNextFrame: nextFrame !== undefined,
      lastPtsSec: frames.length > 0 ? Math.max(...frames.map((frame) => frame.ptsSec)) : null,
    };
  }
  let audio: ConvertedChunk['audio'] = null;
  if (chunk.audio !== undefined) {
    const pcm = chunk.audio;
    bodies.push({ key: audioObjectKey(job), body: timedEncode(counters, 'audio', () => encodeAudio(pcm)) });
    audio = { sampleRate: pcm.sampleRate, startSec: pcm.startSec, samples: pcm.samples.length };
  }
  await forEachLimited(bodies, ({ key, body }) => ports.store.put(key, body, 'application/octet-stream'));
  return { startSec: chunk.startSec, endSec: chunk.endSec, video, audio };
}

/**
 * `Detect <name>`: GETs only the streams the detector needs, rebuilds the chunk exactly as the monolith
 * holds it, runs the detector through the core's `analyzeChunk` (a throwing detector is recorded as a
 * failure, not an error of the task) and PUTs its partial.
 */
export async function detectChunk(
  job: DetectJob,
  detector: ResolvedDetector,
  ports: TaskPorts,
  counters: Counters,
): Promise<DetectorOutput> {
  const { needs } = detector.detector;
  const { converted } = job;
  const [video, audio] = await Promise.all([
    needs !== 'audio' && converted.video !== null ? readVideo(job, ports, counters) : undefined,
    needs !== 'video' && converted.audio !== null ? readAudio(job, ports, counters) : undefined,
  ]);
  const chunk: MediaChunk = {
    index: job.chunk.index,
    startSec: converted.startSec,
    endSec: converted.endSec,
    ...(video === undefined ? {} : { video }),
    ...(audio === undefined ? {} : { audio }),
  };
  const analysis = await analyzeChunk(chunk, [detector], ports.detectorPorts, (name, elapsedMs) =>
    countCpu(counters, `detect:${name}`, elapsedMs),
  );
  const failure = analysis.failures?.[detector.name];
  const partial = analysis.partials[detector.name];
  const document: DetectorResultDocument =
    failure !== undefined || partial === undefined
      ? { detector: detector.name, failure: failure ?? 'the detector returned no partial' }
      : { detector: detector.name, partial };
  const key = detectorResultKey(job, detector.name);
  await ports.store.put(key, encodeJson(counters, 'partials', document), 'application/json');
  return { detector: detector.name, key };
}

/**
 * AnalyzeChunk (the function-per-chunk shape): decodes chunk `job.chunk.index` alone, runs every detector
 * on it in memory through the core's `analyzeChunk` (as the monolith does), and PUTs the chunk result the
 * runner collects, in the same document the Aggregate task writes. No frame crosses S3.
 */
export async function analyzeChunkTask(
  job: ChunkJob,
  detectors: readonly ResolvedDetector[],
  ports: TaskPorts,
  counters: Counters,
): Promise<AggregateOutput> {
  const childCpuStart = reapedChildrenCpuMs();
  const chunk = await decodeChunk(job.clip, job.chunk.index, job.decode);
  countCpu(counters, 'decode:ffmpeg', reapedChildrenCpuMs() - childCpuStart);
  const analysis = await analyzeChunk(chunk, detectors, ports.detectorPorts, (name, elapsedMs) =>
    countCpu(counters, `detect:${name}`, elapsedMs),
  );
  const frames = chunk.video?.frames ?? [];
  const pcm = chunk.audio;
  const result: ChunkResultDocument = {
    schemaVersion: 1,
    analysis,
    media: {
      videoFrames: frames.length,
      audioSamples: pcm?.samples.length ?? 0,
      lastPtsSec: frames.length > 0 ? Math.max(...frames.map((frame) => frame.ptsSec)) : null,
      audioEndSec:
        pcm === undefined
          ? null
          : audioEndSecOf({
              startSec: pcm.startSec,
              sampleRate: pcm.sampleRate,
              samples: pcm.samples.length,
            }),
    },
  };
  await ports.store.put(job.resultKey, encodeJson(counters, 'chunk-results', result), 'application/json');
  return { resultKey: job.resultKey };
}

/**
 * Aggregate: GETs every detector's result (a branch that failed contributes its recorded error instead),
 * merges them into the chunk's analysis, PUTs it as the chunk result and then deletes the chunk's
 * temporary objects in one DeleteObjects request (free).
 */
export async function aggregateChunk(
  job: AggregateJob,
  detectors: readonly string[],
  ports: TaskPorts,
  counters: Counters,
): Promise<AggregateOutput> {
  const entries = new Map(job.detected.map((entry) => [entry.detector, entry]));
  const documents = await Promise.all(
    detectors.map(async (name): Promise<DetectorResultDocument> => {
      const entry = entries.get(name);
      if (entry === undefined) return { detector: name, failure: 'the workflow returned nothing for it' };
      if (isDetectorFailure(entry)) return { detector: name, failure: failureMessage(entry) };
      return decodeJson<DetectorResultDocument>(counters, 'partials', await ports.store.get(entry.key));
    }),
  );

  const mergeStart = selfCpuMs();
  const partials: Record<string, Json> = {};
  const failures: Record<string, string> = {};
  for (const document of documents) {
    if ('partial' in document) partials[document.detector] = document.partial;
    else failures[document.detector] = document.failure;
  }
  const { converted } = job;
  const analysis: ChunkAnalysis = {
    index: job.chunk.index,
    startSec: converted.startSec,
    endSec: converted.endSec,
    partials,
    ...(Object.keys(failures).length > 0 ? { failures } : {}),
  };
  const result: ChunkResultDocument = {
    schemaVersion: 1,
    analysis,
    media: {
      videoFrames: converted.video?.frames ?? 0,
      audioSamples: converted.audio?.samples ?? 0,
      lastPtsSec: converted.video?.lastPtsSec ?? null,
      audioEndSec: converted.audio === null ? null : audioEndSecOf(converted.audio),
    },
  };
  countCpu(counters, 'aggregate', selfCpuMs() - mergeStart);

  await ports.store.put(job.resultKey, encodeJson(counters, 'chunk-results', result), 'application/json');
  // Every detector's key, failed ones included: a branch may have written its object before failing.
  const temporary = [...convertedKeys(job), ...detectors.map((name) => detectorResultKey(job, name))];
  await ports.store.deleteMany(temporary);
  return { resultKey: job.resultKey };
}

/** End of a chunk's audio, s; null for a chunk past the end of a truncated file (audio with no samples). */
function audioEndSecOf(audio: { startSec: number; sampleRate: number; samples: number }): number | null {
  if (audio.samples === 0) return null;
  return (Math.round(audio.startSec * audio.sampleRate) + audio.samples) / audio.sampleRate;
}

/** One line for a detector branch the workflow caught: the error name and, if any, its cause. */
export function failureMessage(failure: DetectorFailure): string {
  const name = failure.error.Error ?? 'States.TaskFailed';
  const cause = failure.error.Cause;
  return cause === undefined || cause === '' ? name : `${name}: ${cause}`;
}

async function readVideo(job: DetectJob, ports: TaskPorts, counters: Counters): Promise<MediaChunk['video']> {
  const objects = job.converted.video?.objects ?? 0;
  const indexes = Array.from({ length: objects }, (_, index) => index);
  const batches = await mapLimited(indexes, async (objectIndex) => {
    const bytes = await ports.store.get(frameObjectKey(job, objectIndex));
    return timedDecode(counters, 'frames', bytes.byteLength, () => decodeFrames(bytes));
  });
  const frames: GreyFrame[] = [];
  let nextFrame: GreyFrame | undefined;
  for (const batch of batches) {
    frames.push(...batch.frames);
    if (batch.nextFrame !== undefined) nextFrame = batch.nextFrame;
  }
  return nextFrame === undefined ? { frames } : { frames, nextFrame };
}

async function readAudio(job: DetectJob, ports: TaskPorts, counters: Counters): Promise<PcmAudio> {
  const bytes = await ports.store.get(audioObjectKey(job));
  return timedDecode(counters, 'audio', bytes.byteLength, () => decodeAudio(bytes));
}

function timedEncode(counters: Counters, hop: string, encode: () => Uint8Array): Uint8Array {
  const start = selfCpuMs();
  const body = encode();
  const cpuMs = selfCpuMs() - start;
  countSerialization(counters, hop, 'encode', body.byteLength, cpuMs);
  countCpu(counters, 'serialize', cpuMs);
  return body;
}

function timedDecode<T>(counters: Counters, hop: string, bytes: number, decode: () => T): T {
  const start = selfCpuMs();
  const value = decode();
  const cpuMs = selfCpuMs() - start;
  countSerialization(counters, hop, 'decode', bytes, cpuMs);
  countCpu(counters, 'serialize', cpuMs);
  return value;
}

/** JSON-encodes `value` for an S3 object or a payload, counted on `hop`. */
export function encodeJson(counters: Counters, hop: string, value: unknown): Uint8Array {
  return timedEncode(counters, hop, () => textEncoder.encode(JSON.stringify(value)));
}

/** Parses a JSON object body, counted on `hop`. */
export function decodeJson<T>(counters: Counters, hop: string, bytes: Uint8Array): T {
  return timedDecode(counters, hop, bytes.byteLength, () => JSON.parse(textDecoder.decode(bytes)) as T);
}

/** Runs `work` over `items` with at most MAX_CONCURRENT_REQUESTS in flight; results in item order. */
async function mapLimited<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_REQUESTS, items.length) }, lane));
  return results;
}

async function forEachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  await mapLimited(items, work);
}
