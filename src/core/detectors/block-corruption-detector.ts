import type { Detector, DetectorPorts, FrameClassifier } from '../detector.ts';
import type { Finding, Segment } from '../finding.ts';
import type { GreyFrame, MediaChunk } from '../media.ts';
import {
  freezeRuns,
  type JudgedTransition,
  KEYFRAME_JUMP_RATIO,
  MIN_KEYFRAME_JUMP_MAD,
  transitionStats,
} from './concealment-freeze.ts';
import { bandWasMoving, frozenSeam, movingCellsPerRow } from './frozen-seam.ts';
import {
  lastsAtLeast,
  mergeSegments,
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
 * A second, temporal test covers damage the model cannot see in a single frame ({@link frozenSeam}): the
 * decoder's concealment of a slice lost from some macroblock to the bottom of the picture, seen as a band
 * of unchanged rows from some row to the bottom under rows that still move. A seam frame whose band was
 * moving between the two frames before (the picture *stopped* there) starts a seam run, which continues
 * over the following frames as long as they show a seam (bridging single frames without one: the damage
 * persists while the band's edge moves); every frame of a seam run counts as scoring 1.
 * On soft natural content this is most of what bitstream damage looks like.
 *
 * The decoder's own reports are a third signal (`decoderErrors`, on by default): a frame whose picture the
 * decoder reported bitstream errors in, or that was predicted from such a picture since the last keyframe
 * (`GreyFrame.decodeDamage`, set by the media layer from ffmpeg's log and carried with the frame to every
 * runner), scores 1 when the decoder concealed at least `minDecodeDamage` pictures' worth of macroblocks in
 * it and its references, and the picture did not stand still ({@link STILL_PICTURE_MAD}): concealment guesses
 * lost macroblocks from their neighbours and the previous picture, so a little of it stays close to the
 * intact picture, and any amount of it on a picture that stands still copies it intact. The signal finds
 * damage that shows no pattern in the pixels (MPEG-2's displaced slices, concealment of slowly changing
 * pictures) but not damage baked into a clean bitstream (a damaged decode re-encoded), which the pixel
 * tests find. The decoder's reports also mark where damage ends: a frame it reports intact right after a
 * damaged one, where the picture jumps (`mad` at least {@link KEYFRAME_JUMP_RATIO} times the transition
 * before and at least {@link MIN_KEYFRAME_JUMP_MAD}), is the keyframe that replaced the damaged picture
 * (a *clear*), and the hysteresis below does not reach across it: the model scores the first pictures after
 * such a keyframe high, though they are intact (measured on the real-footage sets, see the model card).
 * Without the jump, the frame after a damaged one that nothing references (a B-frame) is no clear.
 *
 * So a finding is a maximal run of frames scoring at least `leaveScore`, not across a clear, that contains a
 * frame scoring at least `enterScore`, from the run's first frame pts to the pts of the first frame after it
 * (the clip's end for a run reaching it), reported when it lasts at least `minDurationSec`.
 *
 * Chunks: each chunk reports all its runs of frames at or above `leaveScore` with their peak score; a run
 * reaching the chunk's last frame ends at `nextFrame`, where the next chunk's first run begins, so
 * `finalize` joins runs that touch and then applies the `enterScore` test to the joined run. For the
 * temporal test a chunk judges each of its frames after the first, and `nextFrame`, against the frame
 * before; it reports the seam frames with their kind. The one frame whose "was it moving" test needs a
 * transition of the previous chunk (the first frame it judges) is left open, with the band's top row, and
 * each chunk reports the moving cells per row of its last transition (into `nextFrame`) so that `finalize`
 * can decide it; `nextFrame`'s end is the next chunk's `firstFrame` end. `finalize` then follows the seam
 * runs over the whole clip. Each frame pair is judged by exactly one chunk, with integer counts, so the
 * result does not depend on the chunking.
 *
 * Confidence: `(peak - enterScore) / (1 - enterScore)`, 0 at the threshold, 1 for a peak score of 1 (every
 * finding with a seam run).
 */

export type BlockCorruptionParams = {
  /** Frame score (0..1) at or above which a frame is judged damaged and opens a finding. */
  readonly enterScore: number;
  /** Frame score (0..1) at or above which a frame next to a damaged one stays in the finding. */
  readonly leaveScore: number;
  /**
   * Shortest finding to report, seconds. Default 0.1: three frames at 25-30 fps. Bitstream damage lasts until
   * the next keyframe replaces the picture; on the real-footage sets every finding of one or two frames was
   * false (a model run on a clean screen scroll, a decoder run before MPEG-2 damage falls under 30 dB; see
   * the model card), and 0.1 and 0.2 s gave the same results on the calibration set.
   */
  readonly minDurationSec: number;
  /**
   * Pictures narrower or lower than this many pixels (as coded, before scaling) are not judged: a few
   * macroblocks scaled up to the analysis size are too little picture (a 16x16 clip that shakes repeats
   * whole frames legitimately). Default 48 (3 macroblocks).
   */
  readonly minPictureSidePx: number;
  /**
   * Count frames the decoder reported bitstream errors in ({@link GreyFrame.decodeDamage}: the picture
   * itself, or one decoded since the last keyframe) as damaged, like a frame scoring 1. Default true.
   */
  readonly decoderErrors: boolean;
  /**
   * Decoder-reported damage ({@link GreyFrame.decodeDamage}, pictures' worth of concealed macroblocks) at
   * or above which such a frame counts. Default 0.75, chosen on the calibration set (see the model card).
   */
  readonly minDecodeDamage: number;
};

export type BlockCorruptionPartial = {
  /**
   * Runs of consecutive frames scoring at least `leaveScore` (model scores), packed
   * `[startSec, endSec, peakScore]`, in time order.
   */
  readonly runs: readonly PackedSegment[];
  /** `[ptsSec, endSec]` of the chunk's first frame (end = the next frame's pts or the chunk end). */
  readonly firstFrame?: readonly number[];
  /**
   * Frames showing a seam, `[ptsSec, endSec, kind, bandTopRow]`, in time order: kind 2 = the band stopped
   * there (starts a seam run), 1 = a seam only (continues one), 0 = undecided (the "was it moving" test
   * needs the previous chunk's `lastMovingCells`). `endSec` is -1 for `nextFrame` (its end is the next
   * chunk's `firstFrame` end).
   */
  readonly seams?: readonly (readonly number[])[];
  /** Moving cells per cell row between the last frame and `nextFrame`, and the grid's columns. */
  readonly lastMovingCells?: { readonly perRow: readonly number[]; readonly cols: number };
  /**
   * Every transition the chunk judges (each frame after the first against the one before, and `nextFrame`
   * against the last frame), `[ptsSec, endSec, same, mad, shift, texture]` (see
   * `concealment-freeze.ts`, rounded to 4 decimals); `endSec` is -1 for `nextFrame`.
   */
  readonly transitions?: readonly (readonly number[])[];
  /**
   * Runs of frames whose decoder-reported damage (`GreyFrame.decodeDamage`) reaches `minDecodeDamage`,
   * `[startSec, endSec]`, in time order; a run reaching the chunk's last frame ends at `nextFrame` (or the
   * chunk end).
   */
  readonly decoderRuns?: readonly PackedSegment[];
  /**
   * Pts of the candidate clears the chunk judges (each frame after the first, and `nextFrame`, against the
   * frame before): frames without decoder-reported damage right after a frame with some, in time order.
   * `finalize` keeps those where the picture jumps.
   */
  readonly clears?: readonly number[];
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

/**
 * Runs of frames scoring at least `leaveScore` in one chunk, given the frames' scores; a run ends at a
 * candidate clear (one of `clears`, frame pts) and the clear's frame starts a new one (runs split at a
 * candidate that is no clear touch, and `finalize` joins them again).
 */
export function scoreRuns(
  chunk: MediaChunk,
  scores: ArrayLike<number>,
  params: BlockCorruptionParams,
  clears: readonly number[] = [],
): number[][] {
  const frames = chunk.video?.frames ?? [];
  const runs: number[][] = [];
  let start = -1;
  let peak = 0;
  // Every run is kept, whatever its peak: a seam run of another chunk may join it.
  const close = (endSec: number): void => {
    runs.push(packSegment(frames[start]!.ptsSec, endSec, peak));
    start = -1;
  };
  for (let i = 0; i < frames.length; i++) {
    const score = scores[i]!;
    if (start >= 0 && clears.includes(frames[i]!.ptsSec)) close(frames[i]!.ptsSec);
    if (score >= params.leaveScore) {
      if (start < 0) {
        start = i;
        peak = score;
      } else if (score > peak) {
        peak = score;
      }
    } else if (start >= 0) {
      close(frames[i]!.ptsSec);
    }
  }
  if (start >= 0) close(chunk.video?.nextFrame?.ptsSec ?? chunk.endSec);
  return runs;
}

/**
 * A chunk's frames and its `nextFrame`: the chunk judges the transition into each of them but the first
 * (each against the frame before), so every transition of the clip is judged by exactly one chunk.
 */
function judgedFrames(chunk: MediaChunk): readonly GreyFrame[] {
  const frames = chunk.video?.frames ?? [];
  const next = chunk.video?.nextFrame;
  return next === undefined ? frames : [...frames, next];
}

const SEAM_UNDECIDED = 0;
const SEAM_CONTINUES = 1;
const SEAM_STARTS = 2;

/** The temporal test over a chunk: its seam frames, and the moving cells of its last transition. */
export function seamFrames(chunk: MediaChunk): Pick<BlockCorruptionPartial, 'seams' | 'lastMovingCells'> {
  const frames = chunk.video?.frames ?? [];
  const next = chunk.video?.nextFrame;
  const judged = judgedFrames(chunk);
  const seams: number[][] = [];
  for (let j = 1; j < judged.length; j++) {
    const seam = frozenSeam(judged[j - 1]!, judged[j]!);
    if (!seam.flagged) continue;
    let kind = SEAM_UNDECIDED;
    if (j >= 2) {
      const before = movingCellsPerRow(judged[j - 2]!, judged[j - 1]!, seam.bandTopRow);
      const cols = Math.floor(judged[j]!.width / 4);
      kind = bandWasMoving(before, seam.bandTopRow, cols) ? SEAM_STARTS : SEAM_CONTINUES;
    }
    const endSec = j === frames.length ? -1 : (judged[j + 1]?.ptsSec ?? chunk.endSec);
    seams.push([judged[j]!.ptsSec, endSec, kind, seam.bandTopRow]);
  }
  const last = frames.at(-1);
  const lastMovingCells =
    next !== undefined && last !== undefined
      ? { perRow: movingCellsPerRow(last, next), cols: Math.floor(next.width / 4) }
      : undefined;
  return {
    ...(seams.length > 0 ? { seams } : {}),
    ...(lastMovingCells !== undefined ? { lastMovingCells } : {}),
  };
}

/** The whole-picture freeze test's statistics of every transition the chunk judges. */
export function chunkTransitions(chunk: MediaChunk): number[][] {
  const frames = chunk.video?.frames ?? [];
  const judged = judgedFrames(chunk);
  const out: number[][] = [];
  for (let j = 1; j < judged.length; j++) {
    const t = transitionStats(judged[j - 1]!, judged[j]!);
    const endSec = j === frames.length ? -1 : (judged[j + 1]?.ptsSec ?? chunk.endSec);
    // Four decimals are plenty for thresholds and keep the partial small (it crosses S3 in distributed runs).
    const round = (value: number): number => Math.round(value * 1e4) / 1e4;
    out.push([judged[j]!.ptsSec, endSec, round(t.same), round(t.mad), round(t.shift), round(t.texture)]);
  }
  return out;
}

/**
 * Summed `mad` (mean absolute grey-level change per pixel at the analysis size) at or below which a picture
 * stood still: over the {@link STILL_TRANSITIONS_BEFORE} transitions before a run of decoder-reported frames
 * and the run's own transitions so far. Concealment copies a still picture, so such frames are as intact as
 * their reference; a still picture's transitions have `mad` 0 to four decimals, slow light changes or grain
 * 0.01 and more per frame.
 */
export const STILL_PICTURE_MAD = 0.02;

/**
 * Transitions before a run of decoder-reported frames that must show the picture still too: a picture that
 * moved until the damage and then shows no change at all is concealment repeating it (a frozen picture,
 * damaged), not a still one.
 */
export const STILL_TRANSITIONS_BEFORE = 2;

/** Every transition the chunks judged, over the whole clip, in time order. */
function clipTransitions(partials: readonly BlockCorruptionPartial[]): JudgedTransition[] {
  const transitions: JudgedTransition[] = [];
  partials.forEach((partial, k) => {
    for (const [startSec, endSec, same, mad, shift, texture] of partial.transitions ?? []) {
      if (texture === undefined) throw new Error('malformed transition in partial');
      const end = endSec! >= 0 ? endSec! : partials[k + 1]?.firstFrame?.[1];
      if (end === undefined) continue;
      transitions.push({
        startSec: startSec!,
        endSec: end,
        same: same!,
        mad: mad!,
        shift: shift!,
        texture,
      });
    }
  });
  return transitions.sort((a, b) => a.startSec - b.startSec);
}

/** Freeze runs over the whole clip (concealment that repeats the whole picture), as runs of score 1. */
function concealmentRuns(transitions: readonly JudgedTransition[]): Required<Segment>[] {
  return freezeRuns(transitions).map(([startSec, endSec]) => ({ startSec, endSec, score: 1 }));
}

/**
 * Decoder runs from their first frame by which the picture changed: summed `mad` over the
 * {@link STILL_TRANSITIONS_BEFORE} transitions before the run and the run's own up to the frame above
 * {@link STILL_PICTURE_MAD}. A run over a picture that stood still throughout drops.
 */
function movingDecoderRuns(runs: readonly Segment[], transitions: readonly JudgedTransition[]): Segment[] {
  const out: Segment[] = [];
  let t = 0;
  for (const run of runs) {
    // Transitions judge the frame at their startSec: t stops at the one into the run's first frame.
    while (t < transitions.length && transitions[t]!.startSec < run.startSec - TOUCH_TOLERANCE_SEC) t++;
    let moved = 0;
    for (let u = Math.max(0, t - STILL_TRANSITIONS_BEFORE); u < transitions.length; u++) {
      const transition = transitions[u]!;
      if (transition.startSec >= run.endSec - TOUCH_TOLERANCE_SEC) break;
      moved += transition.mad;
      if (moved > STILL_PICTURE_MAD) {
        out.push({ ...run, startSec: Math.max(run.startSec, transition.startSec) });
        break;
      }
    }
  }
  return out;
}

/**
 * Seam runs over the whole clip, as runs of score 1: each starts at a frame whose band stopped and goes on
 * over the directly following seam frames.
 */
function seamRuns(partials: readonly BlockCorruptionPartial[]): Required<Segment>[] {
  const frames: { startSec: number; endSec: number; starts: boolean }[] = [];
  partials.forEach((partial, k) => {
    for (const [startSec, endSec, kind, bandTopRow] of partial.seams ?? []) {
      if (startSec === undefined || endSec === undefined || kind === undefined || bandTopRow === undefined) {
        throw new Error(`malformed seam in partial: ${JSON.stringify([startSec, endSec, kind, bandTopRow])}`);
      }
      const end = endSec >= 0 ? endSec : partials[k + 1]?.firstFrame?.[1];
      if (end === undefined) continue;
      const before = partials[k - 1]?.lastMovingCells;
      const starts =
        kind === SEAM_STARTS ||
        (kind === SEAM_UNDECIDED &&
          before !== undefined &&
          bandWasMoving(before.perRow, bandTopRow, before.cols));
      frames.push({ startSec, endSec: end, starts });
    }
  });
  frames.sort((a, b) => a.startSec - b.startSec);
  const runs: Required<Segment>[] = [];
  let open = false;
  let lastSpanSec = 0;
  for (const frame of frames) {
    const last = runs.at(-1);
    // A gap of at most one frame (up to 1.5 times the last seam frame's span) does not end the run.
    const continues: boolean =
      open && last !== undefined && frame.startSec - last.endSec <= 1.5 * lastSpanSec + TOUCH_TOLERANCE_SEC;
    if (continues && last !== undefined) {
      runs[runs.length - 1] = { startSec: last.startSec, endSec: frame.endSec, score: 1 };
    } else if (frame.starts) {
      runs.push({ startSec: frame.startSec, endSec: frame.endSec, score: 1 });
    }
    open = continues || frame.starts;
    lastSpanSec = frame.endSec - frame.startSec;
  }
  return runs;
}

/** Runs of consecutive frames with a `decodeDamage` of at least `minDamage`, for the partial. */
export function decoderErrorRuns(
  chunk: MediaChunk,
  minDamage: number,
): Pick<BlockCorruptionPartial, 'decoderRuns'> {
  const frames = chunk.video?.frames ?? [];
  const runs: number[][] = [];
  let start = -1;
  for (let i = 0; i <= frames.length; i++) {
    const damage = frames[i]?.decodeDamage;
    const counted = damage !== undefined && damage >= minDamage;
    if (counted && start < 0) start = i;
    if (!counted && start >= 0) {
      const endSec = frames[i]?.ptsSec ?? chunk.video?.nextFrame?.ptsSec ?? chunk.endSec;
      runs.push(packSegment(frames[start]!.ptsSec, endSec));
      start = -1;
    }
  }
  return runs.length > 0 ? { decoderRuns: runs } : {};
}

/**
 * The candidate clears among the frames a chunk judges (see {@link BlockCorruptionPartial.clears}): a frame
 * the decoder reports intact right after one it reports damaged.
 */
export function decoderClears(chunk: MediaChunk): Pick<BlockCorruptionPartial, 'clears'> {
  const judged = judgedFrames(chunk);
  const clears: number[] = [];
  for (let j = 1; j < judged.length; j++) {
    if ((judged[j - 1]!.decodeDamage ?? 0) > 0 && (judged[j]!.decodeDamage ?? 0) === 0) {
      clears.push(judged[j]!.ptsSec);
    }
  }
  return clears.length > 0 ? { clears } : {};
}

/** The candidate clears (all chunks') where the picture jumps: keyframes that replaced damaged pictures. */
function keyframeClears(
  partials: readonly BlockCorruptionPartial[],
  transitions: readonly JudgedTransition[],
): number[] {
  const candidates = partials.flatMap((partial) => partial.clears ?? []);
  const clears: number[] = [];
  transitions.forEach((transition, t) => {
    const before = transitions[t - 1];
    if (
      before !== undefined &&
      transition.mad >= MIN_KEYFRAME_JUMP_MAD &&
      transition.mad >= KEYFRAME_JUMP_RATIO * before.mad &&
      candidates.some((at) => Math.abs(at - transition.startSec) <= TOUCH_TOLERANCE_SEC)
    ) {
      clears.push(transition.startSec);
    }
  });
  return clears;
}

/**
 * Findings' extents: the picture runs (model, seam and freeze runs joined by hysteresis, kept when their
 * peak reaches `enterScore`) united with the decoder's runs where the picture moved, which are exact and so
 * are not widened by the model's `leaveScore` neighbours.
 */
function findingRuns(
  partials: readonly BlockCorruptionPartial[],
  params: BlockCorruptionParams,
): Required<Segment>[] {
  const transitions = clipTransitions(partials);
  const clears = keyframeClears(partials, transitions);
  const picture = joinRuns(partials, transitions, clears).filter((run) => run.score >= params.enterScore);
  const decoderRuns = mergeSegments(partials.map((partial) => partial.decoderRuns ?? []));
  const decoder = movingDecoderRuns(decoderRuns, transitions).map((run) => ({ ...run, score: 1 }));
  return uniteTouching([...picture, ...decoder]);
}

/**
 * Joins runs that touch (across chunk boundaries) and the seam and freeze runs, keeping the highest peak;
 * a run starting at or after a clear is not joined to one that started before it.
 */
function joinRuns(
  partials: readonly BlockCorruptionPartial[],
  transitions: readonly JudgedTransition[],
  clears: readonly number[],
): Required<Segment>[] {
  return uniteTouching(
    [
      ...partials.flatMap((partial) => partial.runs.map(unpackSegment)),
      ...seamRuns(partials),
      ...concealmentRuns(transitions),
    ],
    clears,
  );
}

/**
 * Runs sorted and joined where they touch or overlap, each keeping the highest score of its parts; not
 * across a barrier (sorted pts): a run starting at or after one is not joined to a run that started before.
 */
function uniteTouching(runs: readonly Segment[], barriers: readonly number[] = []): Required<Segment>[] {
  const sorted = [...runs].sort((a, b) => a.startSec - b.startSec);
  const united: Required<Segment>[] = [];
  const separated = (from: number, to: number): boolean =>
    barriers.some((at) => at > from + TOUCH_TOLERANCE_SEC && at <= to + TOUCH_TOLERANCE_SEC);
  for (const run of sorted) {
    const last = united.at(-1);
    const score = run.score ?? 0;
    if (
      last !== undefined &&
      run.startSec - last.endSec <= TOUCH_TOLERANCE_SEC &&
      !separated(last.startSec, run.startSec)
    ) {
      united[united.length - 1] = {
        startSec: last.startSec,
        endSec: Math.max(last.endSec, run.endSec),
        score: Math.max(last.score, score),
      };
    } else {
      united.push({ startSec: run.startSec, endSec: run.endSec, score });
    }
  }
  return united;
}

export const blockCorruptionDetector: Detector<BlockCorruptionParams, BlockCorruptionPartial> = {
  name: 'block-corruption',
  needs: 'video',
  // Derived from the training data by `npm run train:block-corruption` (see the model card).
  defaults: {
    enterScore: 0.99989,
    leaveScore: 0.92588,
    minDurationSec: 0.1,
    minPictureSidePx: 48,
    decoderErrors: true,
    minDecodeDamage: 0.75,
  },
  emptyPartial,
  validate: (params) =>
    checkRange('enterScore', params.enterScore, 0, 1) ??
    checkRange('leaveScore', params.leaveScore, 0, 1) ??
    checkRange('minDurationSec', params.minDurationSec, 0, 86_400) ??
    checkRange('minPictureSidePx', params.minPictureSidePx, 0, 100_000) ??
    (typeof params.decoderErrors === 'boolean' ? undefined : 'decoderErrors must be true or false') ??
    checkRange('minDecodeDamage', params.minDecodeDamage, 0, 1_000) ??
    (params.leaveScore > params.enterScore ? 'leaveScore must not exceed enterScore' : undefined),
  analyzeChunk: async (chunk, params, ports) => {
    const frames = chunk.video?.frames ?? [];
    if (frames.length === 0) return emptyPartial;
    const scores = await classifierOf(ports).scoreFrames(frames);
    if (scores.length !== frames.length) {
      throw new Error(`frame classifier returned ${scores.length} scores for ${frames.length} frames`);
    }
    const clears = params.decoderErrors ? decoderClears(chunk) : {};
    return {
      runs: scoreRuns(chunk, scores, params, clears.clears),
      firstFrame: [frames[0]!.ptsSec, frames[1]?.ptsSec ?? chunk.video?.nextFrame?.ptsSec ?? chunk.endSec],
      ...seamFrames(chunk),
      transitions: chunkTransitions(chunk),
      ...(params.decoderErrors ? decoderErrorRuns(chunk, params.minDecodeDamage) : {}),
      ...clears,
    };
  },
  finalize: (partials, params, clip) =>
    (clip.videoWidth ?? Number.POSITIVE_INFINITY) < params.minPictureSidePx ||
    (clip.videoHeight ?? Number.POSITIVE_INFINITY) < params.minPictureSidePx
      ? []
      : findingRuns(partials, params)
          .filter((run) => lastsAtLeast(run, params.minDurationSec))
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
