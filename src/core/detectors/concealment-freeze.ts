import type { GreyFrame } from '../media.ts';
import { isUnchangedCell, wordViews } from './frozen-seam.ts';

/**
 * The whole-picture half of `block-corruption`'s temporal test: a moving picture that suddenly stops dead
 * for several frames. Real bitstream damage in a P-frame (random bytes in its packet) usually breaks
 * entropy decoding within the first macroblocks; the decoder then conceals the rest of the picture by
 * copying the reference picture, so the frame is (almost) bit-identical to the one before, with at most a
 * stripe of garbage macroblocks where decoding got before the error. Every following damaged frame of the
 * GOP does the same, so the picture freezes until the next keyframe, while the clean encode keeps moving
 * (measured on the real-footage set: damaged H.264 frames have 70-100 % of their 4x4 cells unchanged, the
 * frames before them 0-30 %, the picture being in motion). The truth (luma PSNR under 30 dB) marks exactly
 * these frames, because the clean encode moved on.
 *
 * Per transition (a frame against the one before it), on 4 x 4-pixel cells of the analysis frame:
 * - `same`: share of cells whose 16 pixels are bit-identical;
 * - `mad`: mean absolute difference over the picture (grey levels), sampled on every other pixel of every
 *   other row;
 * - `shift`: absolute change of the mean luma, sampled alike (a fade changes it as much as `mad`, a pan
 *   barely);
 * - `texture`: mean absolute horizontal neighbour difference of the later frame (black or flat frames
 *   have none), measured only when the frame is frozen (0 otherwise), sampled on every other pair of
 *   every other row.
 *
 * A freeze run starts at a frame that is *frozen* (`same` >= {@link FROZEN_SHARE}, textured) right after
 * *steady motion*: the {@link STEADY_TRANSITIONS} transitions before it were all changing (`same` <=
 * {@link CHANGING_SHARE}), and the last of them moved (`mad` >= {@link MIN_MOTION_MAD}) but was not a cut
 * (`mad` at most {@link CUT_RATIO} times the transition before it, plus 2) nor a fade (`shift` at most
 * half of `mad`). It continues over the following frozen frames (one frame with at least
 * {@link BRIDGE_SHARE} unchanged cells is bridged when a frozen one follows; a cut is never bridged) and
 * counts only when it holds at least {@link MIN_FROZEN_FRAMES} frames (a single repeated frame of a frame-rate
 * conversion, or animation on twos and threes, is not damage) and lasts at most {@link MAX_FROZEN_SEC}
 * (longer stops are freezes, the `freeze` detector's). Damage that goes on past a keyframe freezes the
 * next GOP right after the keyframe's one moving frame, with no steady motion before it: a run starting
 * exactly there is chained to the counted run before it when its first {@link MIN_FROZEN_FRAMES} frames
 * are at least {@link CHAIN_SHARE} unchanged and the picture moves on after it (a cut to a still shot after
 * the damage never does).
 *
 * A counted run is reported from its second frame ({@link FIRST_REPORTED_FRAME}): the first frozen frame
 * repeats the picture before it one frame late, so it is as far from the truth as one frame of motion,
 * while each later one misses a frame more. On the real-footage sets the first frozen frame was under the
 * truth's 30 dB in 7 of 16 runs, the later ones far more often (see the model card).
 *
 * Damage outlives the frozen frames: a P-frame decoded cleanly from a damaged reference moves correctly but
 * shows the wrong picture, until the next keyframe replaces it; there the picture jumps to where it should
 * be. So a counted run is extended over the moving frames after it up to such a *keyframe jump*, when one
 * comes within {@link KEYFRAME_SEARCH_SEC}: a transition at least {@link PROPAGATION_FRAMES} frames after
 * the run whose `mad` is at least {@link KEYFRAME_JUMP_RATIO} times every `mad` since the run (and at least
 * {@link MIN_KEYFRAME_JUMP_MAD}). A cut is such a jump too, and an encoder puts a keyframe there; without
 * a jump the run is not extended.
 *
 * What it cannot tell from damage: content that legitimately stops dead without any noise (a screen
 * recording whose scrolling stops, a pan in synthetic graphics that halts); camera footage always keeps
 * some noise and motion.
 */

/** Share of unchanged cells from which a frame counts as frozen. */
export const FROZEN_SHARE = 0.6;
/** Share of unchanged cells of a single unfrozen frame that a run bridges (a cut has none). */
export const BRIDGE_SHARE = 0.5;
/** Largest share of unchanged cells of the transitions before a run: the picture was changing. */
export const CHANGING_SHARE = 0.5;
/** Transitions before a run that must all be changing (stop-and-go content is not steady motion). */
export const STEADY_TRANSITIONS = 3;
/** Least mean absolute difference of the transition right before a run, grey levels. */
export const MIN_MOTION_MAD = 0.5;
/** A transition whose `mad` exceeds this multiple of the previous one (plus 2 grey levels) is a cut. */
export const CUT_RATIO = 3;
/** Share of unchanged cells of each of the first frames of a run chained to the one before. */
export const CHAIN_SHARE = 0.75;
/** Shortest freeze run, frames. */
export const MIN_FROZEN_FRAMES = 4;
/**
 * Longest freeze run, seconds: concealment lasts until the next keyframe, while a picture stopped for
 * longer is the `freeze` detector's (ffmpeg's freezedetect reports from 2 s).
 */
export const MAX_FROZEN_SEC = 2.5;
/** Least texture of a frozen frame, grey levels (black and flat frames stay still legitimately). */
export const MIN_FROZEN_TEXTURE = 0.25;

/** Index of a counted run's first reported frame (0: its first frozen frame). */
export const FIRST_REPORTED_FRAME = 1;

/** Extension over propagated damage: how far after a run the keyframe jump is looked for, seconds. */
export const KEYFRAME_SEARCH_SEC = 1.5;
/** A keyframe jump's `mad` is at least this multiple of every `mad` between the run and the jump. */
export const KEYFRAME_JUMP_RATIO = 2;
/** Least `mad` of a keyframe jump, grey levels. */
export const MIN_KEYFRAME_JUMP_MAD = 2;
/** Moving frames between a run and the keyframe jump needed for an extension (the ratio needs some). */
export const PROPAGATION_FRAMES = 2;

const CELL = 4;

/** Statistics of one transition, see the module comment. */
export interface TransitionStats {
  readonly same: number;
  readonly mad: number;
  readonly shift: number;
  readonly texture: number;
}

/** Measures the transition from `before` to `after` (same size). */
export function transitionStats(before: GreyFrame, after: GreyFrame): TransitionStats {
  const { width } = after;
  const cols = Math.floor(width / CELL);
  const rows = Math.floor(after.height / CELL);
  const cells = rows * cols;
  if (cells === 0 || before.width !== after.width || before.height !== after.height) {
    return { same: 0, mad: 0, shift: 0, texture: 0 };
  }
  const a = before.data;
  const b = after.data;
  const words = wordViews(a, b, width);
  let same = 0;
  let total = 0;
  let signed = 0;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (isUnchangedCell(a, b, words, width, r, c)) {
        same++;
        continue;
      }
      // Identity needs all 16 pixels; the size of a change is sampled on 4 of them (every other pixel of
      // every other row), which keeps the pass at a quarter of the pixels.
      const top = r * CELL * width + c * CELL;
      const low = top + 2 * width;
      const d0 = b[top]! - a[top]!;
      const d1 = b[top + 2]! - a[top + 2]!;
      const d2 = b[low]! - a[low]!;
      const d3 = b[low + 2]! - a[low + 2]!;
      signed += d0 + d1 + d2 + d3;
      total += Math.abs(d0) + Math.abs(d1) + Math.abs(d2) + Math.abs(d3);
    }
  }
  const pixels = cells * 4;
  const sameShare = same / cells;
  return {
    same: sameShare,
    mad: total / pixels,
    shift: Math.abs(signed) / pixels,
    // Only a frozen frame's texture matters (see isFrozen); skip the pass for the others.
    texture: sameShare >= FROZEN_SHARE ? horizontalTexture(after, rows * CELL, cols * CELL) : 0,
  };
}

/**
 * Mean absolute horizontal neighbour difference over the top-left `height x width` pixels, sampled on the
 * pairs `(x, x + 1)` of even `x` in even rows.
 */
function horizontalTexture(frame: GreyFrame, height: number, width: number): number {
  const data = frame.data;
  let sum = 0;
  let pairs = 0;
  for (let y = 0; y < height; y += 2) {
    const base = y * frame.width;
    for (let x = 0; x + 1 < width; x += 2) {
      const d = data[base + x + 1]! - data[base + x]!;
      sum += d < 0 ? -d : d;
      pairs++;
    }
  }
  return pairs > 0 ? sum / pairs : 0;
}

/** A judged transition on the clip timeline: the later frame's span and its statistics. */
export interface JudgedTransition extends TransitionStats {
  readonly startSec: number;
  readonly endSec: number;
}

/** The run thresholds, overridable for calibration sweeps (`src/ml`); the detector uses the defaults. */
export interface FreezeRunThresholds {
  readonly frozenShare: number;
  readonly bridgeShare: number;
  readonly changingShare: number;
  readonly minFrozenFrames: number;
  /** Share of unchanged cells of the first frames of a chained run (above 1: no chaining). */
  readonly chainShare: number;
}

export const FREEZE_RUN_DEFAULTS: FreezeRunThresholds = Object.freeze({
  frozenShare: FROZEN_SHARE,
  bridgeShare: BRIDGE_SHARE,
  changingShare: CHANGING_SHARE,
  minFrozenFrames: MIN_FROZEN_FRAMES,
  chainShare: CHAIN_SHARE,
});

function isFrozen(t: JudgedTransition, th: FreezeRunThresholds): boolean {
  return t.same >= th.frozenShare && t.texture >= MIN_FROZEN_TEXTURE;
}

/** The transitions before index `j` show steady motion (see the module comment). */
function followsSteadyMotion(
  transitions: readonly JudgedTransition[],
  j: number,
  th: FreezeRunThresholds,
): boolean {
  if (j < STEADY_TRANSITIONS + 1) return false;
  for (let k = j - STEADY_TRANSITIONS; k < j; k++) if (transitions[k]!.same > th.changingShare) return false;
  const t = transitions[j - 1]!;
  const before = transitions[j - 2]!;
  return t.mad >= MIN_MOTION_MAD && t.mad <= CUT_RATIO * before.mad + 2 && t.shift <= t.mad / 2;
}

/**
 * Freeze runs over a whole clip's transitions (consecutive, in time order): `[startSec, endSec]` of each
 * run of at least {@link MIN_FROZEN_FRAMES} frozen frames that starts right after steady motion.
 */
export function freezeRuns(
  transitions: readonly JudgedTransition[],
  th: FreezeRunThresholds = FREEZE_RUN_DEFAULTS,
): [number, number][] {
  const runs: [number, number][] = [];
  // Index of the last frame of the last counted run (for chaining across a keyframe).
  let countedEnd = Number.NEGATIVE_INFINITY;
  let j = 0;
  while (j < transitions.length) {
    const t = transitions[j]!;
    const chained = j === countedEnd + 2 && startsChainedRun(transitions, j, th);
    if (!(isFrozen(t, th) && (chained || followsSteadyMotion(transitions, j, th)))) {
      j++;
      continue;
    }
    let end = j;
    let frames = 1;
    for (let k = j + 1; k < transitions.length; k++) {
      if (isFrozen(transitions[k]!, th)) {
        end = k;
        frames++;
      } else if (
        transitions[k]!.same >= th.bridgeShare &&
        k + 1 < transitions.length &&
        isFrozen(transitions[k + 1]!, th)
      ) {
        frames++;
      } else {
        break;
      }
    }
    const endSec = transitions[end]!.endSec;
    const counted =
      frames >= th.minFrozenFrames &&
      endSec - t.startSec <= MAX_FROZEN_SEC &&
      (!chained || motionResumesAfter(transitions, end, th));
    if (counted) {
      const first = transitions[Math.min(j + FIRST_REPORTED_FRAME, end)]!;
      runs.push([first.startSec, propagatedEndSec(transitions, end)]);
      countedEnd = end;
    }
    j = end + 1;
  }
  return runs;
}

/**
 * Damage that goes on past a keyframe: after the keyframe's single moving frame the next GOP freezes
 * again, with no steady motion before it. Such a run (starting right after a counted run and its one
 * moving frame) needs its first {@link MIN_FROZEN_FRAMES} frames at least {@link CHAIN_SHARE} unchanged,
 * and must end with motion resuming ({@link motionResumesAfter}); a cut to a still shot stays still.
 */
function startsChainedRun(
  transitions: readonly JudgedTransition[],
  j: number,
  th: FreezeRunThresholds,
): boolean {
  for (let k = j; k < j + th.minFrozenFrames; k++) {
    const t = transitions[k];
    if (t === undefined || t.same < th.chainShare || t.texture < MIN_FROZEN_TEXTURE) return false;
  }
  return true;
}

/** After the run's last frame `end`: a jump, then changing frames again (the picture moves on). */
function motionResumesAfter(
  transitions: readonly JudgedTransition[],
  end: number,
  th: FreezeRunThresholds,
): boolean {
  const after = transitions.slice(end + 1, end + 1 + STEADY_TRANSITIONS);
  return after.length === STEADY_TRANSITIONS && after.every((t) => t.same <= th.changingShare);
}

/**
 * End of a counted run whose last frozen frame is `end`, extended over propagated damage up to the next
 * keyframe jump (see the module comment): the jump's frame is the first one after the damage.
 */
function propagatedEndSec(transitions: readonly JudgedTransition[], end: number): number {
  const endSec = transitions[end]!.endSec;
  let largest = 0;
  for (
    let m = end + 1;
    m < transitions.length && transitions[m]!.startSec - endSec <= KEYFRAME_SEARCH_SEC;
    m++
  ) {
    const t = transitions[m]!;
    if (
      m > end + PROPAGATION_FRAMES &&
      t.mad >= MIN_KEYFRAME_JUMP_MAD &&
      t.mad >= KEYFRAME_JUMP_RATIO * largest
    ) {
      return t.startSec;
    }
    largest = Math.max(largest, t.mad);
  }
  return endSec;
}
