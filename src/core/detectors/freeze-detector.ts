import type { Detector } from '../detector.ts';
import type { Finding, Segment } from '../finding.ts';
import type { GreyFrame, MediaChunk } from '../media.ts';
import {
  lastsAtLeast,
  type PackedSegment,
  packSegment,
  TOUCH_TOLERANCE_SEC,
  unpackSegment,
} from './segment-merge.ts';
import { checkRange, decibelsToRatio } from './signal-levels.ts';

/**
 * `freeze`: frozen video, mirroring ffmpeg's `freezedetect` so that filter is a reference oracle.
 *
 * ffmpeg keeps a reference frame (the first frame of the current run) and compares every frame with it:
 * frozen when the mean absolute difference over the 8-bit plane, divided by 256, is at most `noise`.
 * The first frame that differs ends the run and becomes the next reference. A run is reported as
 * `[reference pts, pts of the first differing frame)` when it lasts at least `duration`.
 *
 * Here each chunk does the same for its own frames and judges its last run against `nextFrame`; the next
 * chunk starts a fresh run at its first frame, and `finalize` joins a run that continued across the
 * boundary with the run the next chunk started. Deviations from ffmpeg:
 * - the reference restarts at each chunk boundary: the only deviation away from the clip's end, and it
 *   matters only for a slow drift, where each frame is within `noise` of its neighbour but far from an
 *   older reference (ffmpeg would end the run mid-drift; here it may go on past the boundary);
 * - only luma is compared (the detectors get grey frames; ffmpeg adds the chroma planes);
 * - a freeze lasting to the end of the clip ends at the clip's end (ffmpeg logs only its start, and only
 *   when the last frame is `duration` past the reference: up to one frame of difference).
 *
 * Confidence: `1 - (largest difference in the run) / noise`; 1 for bit-identical frames, 0 at the
 * tolerance.
 */

export type FreezeParams = {
  /** Noise tolerance in dB (ffmpeg `n`/`noise`, default -60 dB = 0.001 of full scale). */
  readonly noiseDb: number;
  /** Minimum freeze length to report, seconds (ffmpeg `d`/`duration`, default 2). */
  readonly durationSec: number;
};

export type FreezePartial = {
  /**
   * Runs as packed `[startSec, endSec, score]`, in frame order. `runs[0]` is always the run starting at
   * the chunk's first frame, even a single frame, because it may continue the previous chunk's last run;
   * later entries are frozen runs only, and only those long enough to report or continuing into the next
   * chunk (a shorter one cannot join anything). Empty for a chunk without frames.
   */
  readonly runs: readonly PackedSegment[];
  /** Whether `runs[0]` is frozen on its own (its reference matched at least one later frame). */
  readonly headFrozen: boolean;
  /** Whether the chunk's last run still matched `nextFrame`, i.e. continues into the next chunk. */
  readonly continues: boolean;
};

const emptyPartial: FreezePartial = { runs: [], headFrozen: false, continues: false };

/** Words (4 pixels each) compared between checks for an early exit; most frames differ and exit early. */
const EARLY_EXIT_WORDS = 512;

/**
 * Mean absolute difference of two grey frames as ffmpeg's freezedetect computes it
 * (`sum |a - b| / pixels / 256`). Stops as soon as the result is certain to exceed `stopAbove`, then
 * returns a value above it (not the full mean): callers only need the exact value at or below it.
 */
export function meanAbsFrameDifference(a: GreyFrame, b: GreyFrame, stopAbove: number): number {
  // A change of geometry is not the same picture.
  if (a.width !== b.width || a.height !== b.height) return 1;
  const pixels = a.width * a.height;
  // One extra unit of slack so an early exit never decides differently from the exact formula.
  const stopSad = stopAbove * 256 * pixels + 1;
  const aligned = (a.data.byteOffset & 3) === 0 && (b.data.byteOffset & 3) === 0;
  const sad = aligned
    ? sadByWords(a.data, b.data, pixels, stopSad)
    : sadByBytes(a.data, b.data, 0, pixels, 0);
  return sad / pixels / 256;
}

/**
 * Sum of absolute differences reading 4 pixels per 32-bit word: equal words (the common case inside a
 * freeze) are skipped with one comparison, and the byte arithmetic is branch-free.
 */
function sadByWords(x: Uint8Array, y: Uint8Array, pixels: number, stopSad: number): number {
  const words = pixels >> 2;
  const xw = new Uint32Array(x.buffer, x.byteOffset, words);
  const yw = new Uint32Array(y.buffer, y.byteOffset, words);
  let sad = 0;
  for (let i = 0; i < words; ) {
    const blockEnd = Math.min(words, i + EARLY_EXIT_WORDS);
    for (; i < blockEnd; i++) {
      const p = xw[i]!;
      const q = yw[i]!;
      if (p === q) continue;
      // |d| as (d ^ sign) - sign, with sign = d >> 31 (0 or -1).
      let d = (p & 255) - (q & 255);
      sad += (d ^ (d >> 31)) - (d >> 31);
      d = ((p >>> 8) & 255) - ((q >>> 8) & 255);
      sad += (d ^ (d >> 31)) - (d >> 31);
      d = ((p >>> 16) & 255) - ((q >>> 16) & 255);
      sad += (d ^ (d >> 31)) - (d >> 31);
      d = (p >>> 24) - (q >>> 24);
      sad += (d ^ (d >> 31)) - (d >> 31);
    }
    if (sad > stopSad) return sad;
  }
  return sadByBytes(x, y, words << 2, pixels, sad);
}

/** Sum of absolute differences of bytes `[from, to)`, added to `sad` (unaligned data and the tail). */
function sadByBytes(x: Uint8Array, y: Uint8Array, from: number, to: number, sad: number): number {
  let sum = sad;
  for (let i = from; i < to; i++) {
    const d = x[i]! - y[i]!;
    sum += (d ^ (d >> 31)) - (d >> 31);
  }
  return sum;
}

function analyzeFreezeChunk(chunk: MediaChunk, params: FreezeParams): FreezePartial {
  const frames = chunk.video?.frames ?? [];
  const first = frames[0];
  if (first === undefined) return emptyPartial;
  const noise = decibelsToRatio(params.noiseDb);
  const runs: number[][] = [];
  let headFrozen = false;
  let reference = first;
  let matched = false;
  let largestDiff = 0;

  // A frozen run that neither starts the chunk nor continues past it cannot join another chunk's run,
  // so one too short to report is left out (slightly looser than finalize's exact test).
  const minInteriorSec = params.durationSec - 2 * TOUCH_TOLERANCE_SEC;
  const closeRun = (endSec: number, continuing: boolean): void => {
    const score = matched ? 1 - largestDiff / noise : 1;
    if (runs.length === 0) {
      runs.push(packSegment(reference.ptsSec, endSec, score));
      headFrozen = matched;
    } else if (matched && (continuing || endSec - reference.ptsSec >= minInteriorSec)) {
      runs.push(packSegment(reference.ptsSec, endSec, score));
    }
  };

  for (let i = 1; i < frames.length; i++) {
    const frame = frames[i]!;
    const diff = meanAbsFrameDifference(reference, frame, noise);
    if (diff <= noise) {
      matched = true;
      if (diff > largestDiff) largestDiff = diff;
    } else {
      closeRun(frame.ptsSec, false);
      reference = frame;
      matched = false;
      largestDiff = 0;
    }
  }

  let continues = false;
  const next = chunk.video?.nextFrame;
  if (next === undefined) {
    closeRun(chunk.endSec, false);
  } else {
    const diff = meanAbsFrameDifference(reference, next, noise);
    if (diff <= noise) {
      matched = true;
      continues = true;
      if (diff > largestDiff) largestDiff = diff;
    }
    closeRun(next.ptsSec, continues);
  }
  return { runs, headFrozen, continues };
}

/** Joins each chunk's runs into freeze intervals over the clip (before the duration filter). */
function joinFreezeRuns(partials: readonly FreezePartial[]): Segment[] {
  const joined: Segment[] = [];
  let open: Segment | undefined;
  for (const partial of partials) {
    if (partial.runs.length === 0) {
      // A chunk without frames breaks any run.
      if (open !== undefined) joined.push(open);
      open = undefined;
      continue;
    }
    const last = partial.runs.length - 1;
    partial.runs.forEach((packed, i) => {
      let segment = unpackSegment(packed);
      let frozen = i > 0 || partial.headFrozen;
      if (i === 0 && open !== undefined) {
        segment = {
          startSec: open.startSec,
          endSec: segment.endSec,
          score: Math.min(open.score ?? 1, segment.score ?? 1),
        };
        frozen = true;
        open = undefined;
      }
      if (i === last && partial.continues) open = segment;
      else if (frozen) joined.push(segment);
    });
  }
  if (open !== undefined) joined.push(open);
  return joined;
}

export const freezeDetector: Detector<FreezeParams, FreezePartial> = {
  name: 'freeze',
  needs: 'video',
  defaults: { noiseDb: -60, durationSec: 2 },
  emptyPartial,
  validate: (params) =>
    checkRange('noiseDb', params.noiseDb, -200, 0) ??
    checkRange('durationSec', params.durationSec, 0, 86_400),
  analyzeChunk: (chunk, params) => Promise.resolve(analyzeFreezeChunk(chunk, params)),
  finalize: (partials, params) =>
    joinFreezeRuns(partials)
      .filter((segment) => lastsAtLeast(segment, params.durationSec))
      .map(
        (segment): Finding => ({
          detector: 'freeze',
          startSec: segment.startSec,
          endSec: segment.endSec,
          confidence: segment.score ?? 1,
        }),
      ),
};
