import type { Segment } from '../finding.ts';
import type { GreyFrame, MediaChunk, PcmAudio } from '../media.ts';

/**
 * Shared segment handling for detectors whose per-chunk result is a list of runs: packing runs into
 * compact JSON, finding runs of "on" frames in a chunk, placing samples on the clip timeline, and merging
 * runs across chunk boundaries in `finalize`.
 */

/**
 * Slack, in seconds, when deciding that one segment ends where the next begins. Frame times come from
 * the decoder unchanged and audio times are put on a 0.1 µs grid (`sampleTimeSec`), so touching ends are
 * normally equal; the slack only absorbs float noise and is far below any frame or sample period.
 */
export const TOUCH_TOLERANCE_SEC = 1e-6;

/**
 * A segment as it travels inside a JSON partial: `[startSec, endSec]` or `[startSec, endSec, score]`.
 * Plain number arrays keep partials small and survive `JSON.stringify`/`JSON.parse` unchanged.
 */
export type PackedSegment = readonly number[];

/** Packs a segment for a partial; `score` (0..1) is omitted when not given. */
export function packSegment(startSec: number, endSec: number, score?: number): number[] {
  return score === undefined ? [startSec, endSec] : [startSec, endSec, score];
}

/** Unpacks a segment from a partial; throws on a malformed entry (a partial from another version). */
export function unpackSegment(packed: PackedSegment): Segment {
  const [startSec, endSec, score] = packed;
  if (typeof startSec !== 'number' || typeof endSec !== 'number') {
    throw new Error(`malformed segment in partial: ${JSON.stringify(packed)}`);
  }
  return score === undefined ? { startSec, endSec } : { startSec, endSec, score };
}

/**
 * Merges the segments of all chunks (each list in time order, lists in chunk order) into disjoint
 * segments: two segments join when the gap between them is at most `maxGapSec` (default: they touch).
 * A merged segment keeps the minimum score of its parts. Joining consecutive runs with gaps up to a bound
 * gives the same result however the runs were grouped into chunks, which is what makes findings
 * independent of the chunking.
 */
export function mergeSegments(
  lists: readonly (readonly PackedSegment[])[],
  maxGapSec: number = TOUCH_TOLERANCE_SEC,
): Segment[] {
  const all: Segment[] = [];
  for (const list of lists) for (const packed of list) all.push(unpackSegment(packed));
  // Lists arrive in time order already; the stable sort only guards against out-of-order chunks.
  all.sort((a, b) => a.startSec - b.startSec);
  const merged: Segment[] = [];
  let current: Segment | undefined;
  for (const next of all) {
    if (current !== undefined && next.startSec - current.endSec <= maxGapSec) {
      current = {
        startSec: current.startSec,
        endSec: Math.max(current.endSec, next.endSec),
        ...mergedScore(current.score, next.score),
      };
    } else {
      if (current !== undefined) merged.push(current);
      current = next;
    }
  }
  if (current !== undefined) merged.push(current);
  return merged;
}

function mergedScore(a: number | undefined, b: number | undefined): { score?: number } {
  if (a === undefined) return b === undefined ? {} : { score: b };
  return { score: b === undefined ? a : Math.min(a, b) };
}

/** Length of a segment in seconds. */
export function segmentDurationSec(segment: Segment): number {
  return segment.endSec - segment.startSec;
}

/**
 * True when the segment lasts at least `minDurationSec`. ffmpeg compares integer timestamps exactly; in
 * float seconds a run of exactly the minimum may come out a hair short, hence the tolerance.
 */
export function lastsAtLeast(segment: Segment, minDurationSec: number): boolean {
  return segmentDurationSec(segment) >= minDurationSec - TOUCH_TOLERANCE_SEC;
}

/** True when the segment lasts at most `maxDurationSec` (same tolerance as `lastsAtLeast`). */
export function lastsAtMost(segment: Segment, maxDurationSec: number): boolean {
  return segmentDurationSec(segment) <= maxDurationSec + TOUCH_TOLERANCE_SEC;
}

/**
 * Puts a time on a 0.1 µs grid. Sample times computed from different chunk starts
 * (`0.5 + 3 / 16000` versus `8003 / 16000`) can differ in the last bit; on the grid they are the same
 * number, so findings do not depend on the chunking. The grid is far finer than any sample period and no
 * usual sample rate puts a sample exactly halfway between two grid points.
 */
export function canonicalSec(timeSec: number): number {
  // `+ 0` turns -0 into 0: JSON has no -0, and a partial must survive a round trip unchanged.
  return Math.round(timeSec * 1e7) / 1e7 + 0;
}

/** Time of sample `index` of a chunk's audio (`index` may be `samples.length`: the end of the chunk). */
export function sampleTimeSec(audio: PcmAudio, index: number): number {
  return canonicalSec(audio.startSec + index / audio.sampleRate);
}

/**
 * Marks a frame as part of a run: returns a score in 0..1 (margin from the detector's threshold) when
 * the frame is "on", or a negative number when it is not.
 */
export type FrameJudge = (frame: GreyFrame) => number;

/**
 * Whether a run lying strictly inside a chunk (touching neither edge) can still contribute to a finding.
 * Such a run can never merge with another chunk's run, so when it fails the detector's duration test it is
 * left out of the partial: partials stay a few entries long on ordinary content, whatever the chunking.
 */
export type InteriorRunFilter = (startSec: number, endSec: number) => boolean;

/**
 * Finds runs of consecutive "on" frames in a chunk as packed `[startSec, endSec, score]` segments: a run
 * starts at its first frame's pts and ends at the pts of the first frame that is not on. A run reaching
 * the chunk's last frame ends at `nextFrame` (the next chunk starts with its own run if that frame is on,
 * and `mergeSegments` joins the two); at the end of the clip it ends at the chunk's `endSec`. Runs that
 * touch neither the first nor the last frame are kept only when `keepInterior` says so.
 */
export function collectFrameRuns(
  chunk: MediaChunk,
  judge: FrameJudge,
  keepInterior: InteriorRunFilter,
): number[][] {
  const runs: number[][] = [];
  const frames = chunk.video?.frames ?? [];
  let runStart = -1;
  let runScore = 1;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    const score = judge(frame);
    if (score >= 0) {
      if (runStart < 0) {
        runStart = i;
        runScore = score;
      } else {
        runScore = Math.min(runScore, score);
      }
    } else if (runStart >= 0) {
      const startSec = frames[runStart]!.ptsSec;
      if (runStart === 0 || keepInterior(startSec, frame.ptsSec)) {
        runs.push(packSegment(startSec, frame.ptsSec, runScore));
      }
      runStart = -1;
    }
  }
  if (runStart >= 0) {
    const endSec = chunk.video?.nextFrame?.ptsSec ?? chunk.endSec;
    runs.push(packSegment(frames[runStart]!.ptsSec, endSec, runScore));
  }
  return runs;
}
