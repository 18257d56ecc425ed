import { aggregateFindings, analyzeChunk, type ChunkAnalysis, type ResolvedDetector } from '../aggregate.ts';
import type { DetectorPorts } from '../detector.ts';
import type { Finding } from '../finding.ts';
import type { ClipInfo, GreyFrame, MediaChunk } from '../media.ts';
import { resolveDetector } from './registry.ts';

/**
 * Test support (used by the detector and aggregator tests only): synthetic clips built in code, cut into
 * `MediaChunk`s the way a decoder does (frames by pts, audio by sample index, `nextFrame` carried over),
 * and run through the same `analyzeChunk`/`aggregateFindings` pair the runners call.
 */

export interface TestClip {
  readonly durationSec: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly sampleRate: number;
  /** Luma planes, frame `i` at `i / fps`; null for a clip without video. Tests edit them in place. */
  readonly frames: Uint8Array[] | null;
  /** Mono s16 samples, sample `i` at `i / sampleRate`; null for a clip without audio. */
  readonly samples: Int16Array | null;
  /** Decoder-reported damage of frame `i` (`GreyFrame.decodeDamage`), where set and above 0. */
  readonly decodeDamage?: readonly (number | undefined)[];
}

export interface TestClipOptions {
  readonly durationSec?: number;
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
  readonly sampleRate?: number;
  readonly video?: boolean;
  readonly audio?: boolean;
}

/**
 * A clean clip: every frame differs from its neighbours (no freeze), luma stays within 40..179 (neither
 * black nor bright), and audio is noise within +-2000 (never loud, never silent for long).
 */
export function createTestClip(options: TestClipOptions = {}): TestClip {
  const { durationSec = 10, fps = 25, width = 32, height = 18, sampleRate = 16_000 } = options;
  const frameCount = Math.round(durationSec * fps);
  const frames =
    options.video === false
      ? null
      : Array.from({ length: frameCount }, (_, i) => movingFrame(i, width, height));
  const samples =
    options.audio === false ? null : noiseSamples(Math.round(durationSec * sampleRate), 2000, 7);
  return { durationSec, fps, width, height, sampleRate, frames, samples };
}

/** Frame content that moves by a large step per frame; values 40..179. */
export function movingFrame(index: number, width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data[y * width + x] = 40 + ((x * 7 + y * 13 + index * 29) % 140);
  }
  return data;
}

/** Deterministic pseudo-random samples in `[-amplitude, amplitude]`. */
export function noiseSamples(count: number, amplitude: number, seed: number): Int16Array {
  const samples = new Int16Array(count);
  let state = seed >>> 0;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    samples[i] = Math.round((state / 2 ** 32) * 2 * amplitude - amplitude);
  }
  return samples;
}

/** Fills frames `[from, to)` with copies of `data` (each frame its own buffer). */
export function setFrames(clip: TestClip, from: number, to: number, data: Uint8Array): void {
  const frames = clip.frames;
  if (frames === null) throw new Error('clip has no video');
  for (let i = from; i < to; i++) frames[i] = data.slice();
}

/** Writes a sine tone of `amplitude` (fraction of full scale) from `startSec` for `durationSec`. */
export function addTone(
  clip: TestClip,
  startSec: number,
  durationSec: number,
  frequencyHz = 1000,
  amplitude = 0.5,
): void {
  const samples = clip.samples;
  if (samples === null) throw new Error('clip has no audio');
  const first = Math.round(startSec * clip.sampleRate);
  const count = Math.round(durationSec * clip.sampleRate);
  for (let i = 0; i < count && first + i < samples.length; i++) {
    const phase = (2 * Math.PI * frequencyHz * i) / clip.sampleRate;
    samples[first + i] = Math.round(Math.sin(phase) * amplitude * 32767);
  }
}

/** Sets samples `[from, to)` (sample indices) to `value`. */
export function fillSamples(clip: TestClip, from: number, to: number, value: number): void {
  if (clip.samples === null) throw new Error('clip has no audio');
  clip.samples.fill(value, from, to);
}

export function clipInfoOf(clip: TestClip): ClipInfo {
  return {
    durationSec: clip.durationSec,
    fps: clip.frames === null ? 0 : clip.fps,
    hasVideo: clip.frames !== null,
    hasAudio: clip.samples !== null,
  };
}

/**
 * Cuts a clip into chunks of `chunkSeconds` (the last one shorter): frames with
 * `startSec <= pts < endSec`, the audio samples of the same range, and the next chunk's first frame as
 * `nextFrame`.
 */
export function cutIntoChunks(clip: TestClip, chunkSeconds: number): MediaChunk[] {
  const greyFrames: GreyFrame[] = (clip.frames ?? []).map((data, i) => {
    const decodeDamage = clip.decodeDamage?.[i] ?? 0;
    return {
      ptsSec: i / clip.fps,
      width: clip.width,
      height: clip.height,
      data,
      ...(decodeDamage > 0 ? { decodeDamage } : {}),
    };
  });
  const count = Math.max(1, Math.ceil(clip.durationSec / chunkSeconds - 1e-9));
  const firstFrameOf = (k: number): number =>
    Math.min(greyFrames.length, Math.ceil(k * chunkSeconds * clip.fps - 1e-9));
  const chunks: MediaChunk[] = [];
  for (let k = 0; k < count; k++) {
    const startSec = k * chunkSeconds;
    const endSec = k === count - 1 ? clip.durationSec : (k + 1) * chunkSeconds;
    const video =
      clip.frames === null
        ? undefined
        : {
            frames: greyFrames.slice(firstFrameOf(k), firstFrameOf(k + 1)),
            ...(k < count - 1 && greyFrames[firstFrameOf(k + 1)] !== undefined
              ? { nextFrame: greyFrames[firstFrameOf(k + 1)]! }
              : {}),
          };
    const firstSample = Math.round(startSec * clip.sampleRate);
    const endSample = Math.round(endSec * clip.sampleRate);
    const audio =
      clip.samples === null
        ? undefined
        : {
            sampleRate: clip.sampleRate,
            startSec: firstSample / clip.sampleRate,
            samples: clip.samples.slice(firstSample, endSample),
          };
    chunks.push({
      index: k,
      startSec,
      endSec,
      ...(video === undefined ? {} : { video }),
      ...(audio === undefined ? {} : { audio }),
    });
  }
  return chunks;
}

/**
 * Chunk lengths every invariance test runs: the usual ones, an uneven one (0.7 s: chunk starts such as
 * `3 * 0.7` are not exact), and `Infinity` for one chunk spanning the whole clip.
 */
export const TEST_CHUNKINGS: readonly number[] = [0.5, 0.7, 1, 2, 3, Number.POSITIVE_INFINITY];

export interface TestRun {
  readonly analyses: ChunkAnalysis[];
  readonly findings: Finding[];
}

/**
 * Analyses a clip chunk by chunk and aggregates, as a runner does. With `viaJson`, every chunk analysis
 * goes through `JSON.stringify`/`JSON.parse` first, as between the distributed runner's workers.
 */
export async function runTestClip(
  clip: TestClip,
  detectors: readonly ResolvedDetector[],
  chunkSeconds: number,
  options: { readonly viaJson?: boolean; readonly ports?: DetectorPorts } = {},
): Promise<TestRun> {
  const seconds = Number.isFinite(chunkSeconds) ? chunkSeconds : clip.durationSec;
  const analyses: ChunkAnalysis[] = [];
  for (const chunk of cutIntoChunks(clip, seconds)) {
    const analysis = await analyzeChunk(chunk, detectors, options.ports ?? {});
    analyses.push(options.viaJson ? (JSON.parse(JSON.stringify(analysis)) as ChunkAnalysis) : analysis);
  }
  return { analyses, findings: aggregateFindings(analyses, detectors, clipInfoOf(clip)) };
}

/** A registered detector with overrides; throws on bad parameters (tests pass good ones). */
export function detectorFor(
  name: string,
  overrides: Readonly<Record<string, unknown>> = {},
): ResolvedDetector {
  const resolved = resolveDetector(name, overrides);
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.detector;
}

/**
 * Whether a value is plain JSON that survives a round trip unchanged: no undefined, NaN, Infinity, -0,
 * typed arrays or class instances.
 */
export function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.values(value).every(isPlainJson);
  }
  return false;
}
