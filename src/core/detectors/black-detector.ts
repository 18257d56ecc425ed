import type { Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import type { GreyFrame } from '../media.ts';
import { collectFrameRuns, lastsAtLeast, mergeSegments, type PackedSegment } from './segment-merge.ts';
import { checkRange } from './signal-levels.ts';

/**
 * `black`: black video, mirroring ffmpeg's `blackdetect` so that filter is a reference oracle.
 *
 * A pixel is black when its luma is at most `16 + pixThreshold * (235 - 16)` truncated to an integer
 * (ffmpeg stores it in an unsigned int; limited-range input, 37 with the default); a frame is black when
 * the share of black pixels is at least `picThreshold`. A black interval is
 * `[first black frame pts, first non-black frame pts)`, reported when it lasts at least `durationSec`.
 * The verdict is per frame, so chunks need no history: a run reaching a chunk's last frame ends at
 * `nextFrame`, and `finalize` joins runs that touch across a boundary. At the end of the clip a run ends
 * at the clip's end (ffmpeg uses the last frame's pts there: one frame of difference).
 *
 * Confidence: `(smallest black share in the run - picThreshold) / (1 - picThreshold)`; 1 when every
 * pixel of every frame is black, 0 at the threshold.
 */

export type BlackParams = {
  /** Minimum black interval to report, seconds (ffmpeg `d`/`black_min_duration`, default 2). */
  readonly durationSec: number;
  /** Share of black pixels that makes a frame black, 0..1 (ffmpeg `pic_th`, default 0.98). */
  readonly picThreshold: number;
  /** Black level as a fraction of the limited luma range 16..235, 0..1 (ffmpeg `pix_th`, default 0.10). */
  readonly pixThreshold: number;
};

export type BlackPartial = {
  /**
   * Runs of black frames as packed `[startSec, endSec, score]`, in time order; runs inside the chunk
   * that are too short to report are left out (they cannot merge with anything).
   */
  readonly segments: readonly PackedSegment[];
};

const emptyPartial: BlackPartial = { segments: [] };

const EARLY_EXIT_BLOCK = 2048;

/** Largest luma code value that counts as black (ffmpeg's `pixel_black_th_i` for limited range). */
export function blackPixelThreshold(pixThreshold: number): number {
  return Math.trunc(16 + pixThreshold * (235 - 16));
}

/**
 * Share of black pixels of a frame when it is at least `picThreshold`, otherwise -1. Stops as soon as
 * enough pixels are bright for the frame to be certainly not black (most frames of ordinary content).
 */
export function blackShare(frame: GreyFrame, pixelThreshold: number, picThreshold: number): number {
  const data = frame.data;
  const pixels = frame.width * frame.height;
  // One pixel of slack so an early exit never decides differently from the exact ratio below.
  const maxBright = pixels * (1 - picThreshold) + 1;
  let black = 0;
  for (let i = 0; i < pixels; ) {
    const blockEnd = Math.min(pixels, i + EARLY_EXIT_BLOCK);
    for (; i < blockEnd; i++) if (data[i]! <= pixelThreshold) black++;
    if (i - black > maxBright) return -1;
  }
  const share = black / pixels;
  return share >= picThreshold ? share : -1;
}

export const blackDetector: Detector<BlackParams, BlackPartial> = {
  name: 'black',
  needs: 'video',
  defaults: { durationSec: 2, picThreshold: 0.98, pixThreshold: 0.1 },
  emptyPartial,
  validate: (params) =>
    checkRange('durationSec', params.durationSec, 0, 86_400) ??
    checkRange('picThreshold', params.picThreshold, 0, 1) ??
    checkRange('pixThreshold', params.pixThreshold, 0, 1),
  analyzeChunk: (chunk, params) => {
    const pixelThreshold = blackPixelThreshold(params.pixThreshold);
    const { picThreshold } = params;
    const segments = collectFrameRuns(
      chunk,
      (frame) => {
        const share = blackShare(frame, pixelThreshold, picThreshold);
        if (share < 0) return -1;
        return picThreshold < 1 ? (share - picThreshold) / (1 - picThreshold) : 1;
      },
      (startSec, endSec) => lastsAtLeast({ startSec, endSec }, params.durationSec),
    );
    return Promise.resolve({ segments });
  },
  finalize: (partials, params) =>
    mergeSegments(partials.map((partial) => partial.segments))
      .filter((segment) => lastsAtLeast(segment, params.durationSec))
      .map(
        (segment): Finding => ({
          detector: 'black',
          startSec: segment.startSec,
          endSec: segment.endSec,
          confidence: segment.score ?? 1,
        }),
      ),
};
