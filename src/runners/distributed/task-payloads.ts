import type { ChunkAnalysis } from '../../core/aggregate.ts';
import type { Json } from '../../core/detector.ts';
import type { DecodeOptions } from '../../media/decoder.ts';
import type { MediaInfo } from '../../media/probe.ts';

/**
 * What travels through the workflow (execution input, task inputs and outputs) and what the tasks store in
 * S3. Payloads carry S3 keys (as a prefix plus counts) and small metadata, never frames: Step Functions
 * caps every payload at 256 KiB.
 */

/** Execution input: one chunk of one clip. */
export interface ChunkJob {
  readonly runId: string;
  readonly bucket: string;
  /** Identifies the clip run within the runner (S3 keys, execution names, counter attribution). */
  readonly clipKey: string;
  /** The probe result of the clip (path included): what `decodeChunk` needs, no media. */
  readonly clip: MediaInfo;
  readonly decode: DecodeOptions;
  readonly chunk: { readonly index: number; readonly count: number };
  readonly framesPerObject: number;
  /** Prefix of the chunk's temporary objects, ending in `/`. */
  readonly tmpPrefix: string;
  /** Key the aggregator writes the chunk result to. */
  readonly resultKey: string;
}

/** ConvertMedia's output (at `$.converted`): what the converter stored, as counts under `tmpPrefix`. */
export interface ConvertedChunk {
  readonly startSec: number;
  /** Exclusive end (the last chunk may stretch past the nominal end). */
  readonly endSec: number;
  /** Absent (null) when the clip has no video stream. */
  readonly video: {
    readonly frames: number;
    /** Frame objects written (see `frameObjectRanges`). */
    readonly objects: number;
    readonly hasNextFrame: boolean;
    /** Largest frame time of the chunk, seconds; null without frames. */
    readonly lastPtsSec: number | null;
  } | null;
  /** Absent (null) when the clip has no audio stream. */
  readonly audio: {
    readonly sampleRate: number;
    readonly startSec: number;
    readonly samples: number;
  } | null;
}

/** Input of every `Detect <name>` Task. */
export interface DetectJob extends ChunkJob {
  readonly converted: ConvertedChunk;
}

/** A detector Task's output: where its result object is. */
export interface DetectorOutput {
  readonly detector: string;
  readonly key: string;
}

/** Output of the `Detector failed: <name>` Pass state: the error the Catch received. */
export interface DetectorFailure {
  readonly detector: string;
  readonly error: { readonly Error?: string; readonly Cause?: string };
}

/** One branch's output in `$.detected`. */
export type DetectedEntry = DetectorOutput | DetectorFailure;

/** Input of the Aggregate Task. */
export interface AggregateJob extends DetectJob {
  readonly detected: readonly DetectedEntry[];
}

/** Aggregate's output (the execution output). */
export interface AggregateOutput {
  readonly resultKey: string;
}

/** A detector's result object: its partial for the chunk, or the message it failed with. */
export type DetectorResultDocument =
  | { readonly detector: string; readonly partial: Json }
  | { readonly detector: string; readonly failure: string };

/** What the chunk decoded to, for the clip's decode summary. */
export interface ChunkMedia {
  readonly videoFrames: number;
  readonly audioSamples: number;
  readonly lastPtsSec: number | null;
  /** Clip-timeline end of the chunk's PCM, seconds; null without audio samples. */
  readonly audioEndSec: number | null;
}

/** The chunk result object the aggregator writes and the runner reads. */
export interface ChunkResultDocument {
  readonly schemaVersion: 1;
  readonly analysis: ChunkAnalysis;
  readonly media: ChunkMedia;
}

/** Key of frames object `objectIndex` of a chunk. */
export function frameObjectKey(job: ChunkJob, objectIndex: number): string {
  return `${job.tmpPrefix}frames-${String(objectIndex).padStart(5, '0')}.bin`;
}

/** Key of a chunk's audio object. */
export function audioObjectKey(job: ChunkJob): string {
  return `${job.tmpPrefix}audio.pcm`;
}

/** Key of detector `name`'s result object for a chunk. */
export function detectorResultKey(job: ChunkJob, detector: string): string {
  return `${job.tmpPrefix}detect-${detector}.json`;
}

/** Every temporary key the converter wrote for a chunk. */
export function convertedKeys(job: DetectJob): string[] {
  const keys: string[] = [];
  for (let i = 0; i < (job.converted.video?.objects ?? 0); i++) keys.push(frameObjectKey(job, i));
  if (job.converted.audio !== null) keys.push(audioObjectKey(job));
  return keys;
}

export function isDetectorFailure(entry: DetectedEntry): entry is DetectorFailure {
  return 'error' in entry;
}

/** Whether a value parsed from a payload looks like a chunk job (guards a worker against foreign tasks). */
export function isChunkJob(value: unknown): value is ChunkJob {
  if (typeof value !== 'object' || value === null) return false;
  const job = value as Partial<Record<keyof ChunkJob, unknown>>;
  return (
    typeof job.runId === 'string' &&
    typeof job.clipKey === 'string' &&
    typeof job.tmpPrefix === 'string' &&
    typeof job.resultKey === 'string' &&
    typeof job.clip === 'object' &&
    typeof job.chunk === 'object'
  );
}
