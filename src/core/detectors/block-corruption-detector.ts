import type { Detector, DetectorPorts, FrameClassifier } from '../detector.ts';
import type { Finding, Segment } from '../finding.ts';
import type { MediaChunk } from '../media.ts';
import {
  lastsAtLeast,
  type PackedSegment,
  packSegment,
  TOUCH_TOLERANCE_SEC,
  unpackSegment,
} from './segment-merge.ts';
import { checkRange } from './signal-levels.ts';

/**
 * `block-corruption`: pictures damaged by bitstream errors (concealed or garbage macroblocks), judged by a
 * learned model behind the `frameClassifier` port (the ONNX session lives in `src/infra`). Each chunk's
 * frames are scored in one call; the scores become intervals with hysteresis:
 *
 * - a frame scoring at least `enterScore` opens (or proves) a finding;
 * - the finding extends over every neighbouring frame, forwards and backwards, as long as frames score at
 *   least `leaveScore` (< `enterScore`). Damage usually starts subtle and grows until the next keyframe
 *   clears it, so the weaker frames around a clear one belong to the same defect.
 *
 * So a finding is a maximal run of frames scoring at least `leaveScore` that contains a frame scoring at
 * least `enterScore`, from the run's first frame pts to the pts of the first frame after it (the clip's end
 * for a run reaching it), reported when it lasts at least `minDurationSec`.
 *
 * Chunks: each chunk reports its runs of frames at or above `leaveScore` with their peak score; a run
 * reaching the chunk's last frame ends at `nextFrame`, where the next chunk's first run begins, so
 * `finalize` joins runs that touch and then applies the `enterScore` test to the joined run. The result does
 * not depend on the chunking.
 *
 * Confidence: `(peak - enterScore) / (1 - enterScore)`, 0 at the threshold, 1 for a peak score of 1.
 */

export type BlockCorruptionParams = {
  /** Frame score (0..1) at or above which a frame is judged damaged and opens a finding. */
  readonly enterScore: number;
  /** Frame score (0..1) at or above which a frame next to a damaged one stays in the finding. */
  readonly leaveScore: number;
  /** Shortest finding to report, seconds (one frame at 25 fps: 0.04). */
  readonly minDurationSec: number;
};

export type BlockCorruptionPartial = {
  /**
   * Runs of consecutive frames scoring at least `leaveScore`, packed `[startSec, endSec, peakScore]`, in time
   * order. Runs inside the chunk whose peak stays below `enterScore` are left out (they can join nothing).
   */
  readonly runs: readonly PackedSegment[];
};

const emptyPartial: BlockCorruptionPartial = { runs: [] };

function classifierOf(ports: DetectorPorts): FrameClassifier {
  const classifier = ports.frameClassifier;
  if (classifier === undefined) {
    throw new Error(
      'block-corruption needs the frameClassifier port (the ONNX model runner); this runner did not provide one',
    );
  }
  return classifier;
}

/** Runs of frames scoring at least `leaveScore` in one chunk, given the frames' scores. */
export function scoreRuns(
  chunk: MediaChunk,
  scores: ArrayLike<number>,
  params: BlockCorruptionParams,
): number[][] {
  const frames = chunk.video?.frames ?? [];
  const runs: number[][] = [];
  let start = -1;
  let peak = 0;
  const close = (endIndex: number, endSec: number): void => {
    const touchesEdge = start === 0 || endIndex === frames.length;
    if (touchesEdge || peak >= params.enterScore) runs.push(packSegment(frames[start]!.ptsSec, endSec, peak));
    start = -1;
  };
  for (let i = 0; i < frames.length; i++) {
    const score = scores[i]!;
    if (score >= params.leaveScore) {
      if (start < 0) {
        start = i;
        peak = score;
      } else if (score > peak) {
        peak = score;
      }
    } else if (start >= 0) {
      close(i, frames[i]!.ptsSec);
    }
  }
  if (start >= 0) close(frames.length, chunk.video?.nextFrame?.ptsSec ?? chunk.endSec);
  return runs;
}

/** Joins runs that touch (across chunk boundaries), keeping the highest peak. */
function joinRuns(partials: readonly BlockCorruptionPartial[]): Required<Segment>[] {
  const all = partials.flatMap((partial) => partial.runs.map(unpackSegment));
  all.sort((a, b) => a.startSec - b.startSec);
  const joined: Required<Segment>[] = [];
  for (const run of all) {
    const last = joined.at(-1);
    const score = run.score ?? 0;
    if (last !== undefined && run.startSec - last.endSec <= TOUCH_TOLERANCE_SEC) {
      joined[joined.length - 1] = {
        startSec: last.startSec,
        endSec: Math.max(last.endSec, run.endSec),
        score: Math.max(last.score, score),
      };
    } else {
      joined.push({ startSec: run.startSec, endSec: run.endSec, score });
    }
  }
  return joined;
}

export const blockCorruptionDetector: Detector<BlockCorruptionParams, BlockCorruptionPartial> = {
  name: 'block-corruption',
  needs: 'video',
  // Derived from the training data by `npm run train:block-corruption` (see the model card).
  defaults: { enterScore: 0.99989, leaveScore: 0.92588, minDurationSec: 0.04 },
  emptyPartial,
  validate: (params) =>
    checkRange('enterScore', params.enterScore, 0, 1) ??
    checkRange('leaveScore', params.leaveScore, 0, 1) ??
    checkRange('minDurationSec', params.minDurationSec, 0, 86_400) ??
    (params.leaveScore > params.enterScore ? 'leaveScore must not exceed enterScore' : undefined),
  analyzeChunk: async (chunk, params, ports) => {
    const frames = chunk.video?.frames ?? [];
    if (frames.length === 0) return emptyPartial;
    const scores = await classifierOf(ports).scoreFrames(frames);
    if (scores.length !== frames.length) {
      throw new Error(`frame classifier returned ${scores.length} scores for ${frames.length} frames`);
    }
    return { runs: scoreRuns(chunk, scores, params) };
  },
  finalize: (partials, params) =>
    joinRuns(partials)
      .filter((run) => run.score >= params.enterScore && lastsAtLeast(run, params.minDurationSec))
      .map(
        (run): Finding => ({
          detector: 'block-corruption',
          startSec: run.startSec,
          endSec: run.endSec,
          confidence:
            params.enterScore < 1
              ? Math.min(1, Math.max(0, (run.score - params.enterScore) / (1 - params.enterScore)))
              : 1,
          details: { peakScore: run.score },
        }),
      ),
};
