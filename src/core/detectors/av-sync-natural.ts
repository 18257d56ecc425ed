import type { GreyFrame, MediaChunk } from '../media.ts';

/**
 * `av-sync` on natural content (no flash-and-beep markers): a constant audio/video offset estimated by
 * cross-correlating audio onset strength with visual change. Cuts, flashes and sudden motion in film and
 * trailers come with sound (a hit, a word, a door); the lag at which sound onsets line up best with
 * picture changes is the offset.
 *
 * Chunk side (values computed from one hop or one frame pair each, so the result does not depend on the
 * chunking):
 * - audio: per 10-ms hop on the clip's absolute sample grid, its level in dB (0.1 steps); a hop split by
 *   a chunk boundary is sent as its sum of squares and sample count instead, summed back in `finalize`;
 * - video: per transition the chunk judges (each frame after the first, and `nextFrame`, against the frame
 *   before), the later frame's pts and the mean absolute difference (every other pixel of every other
 *   row, 0.01 steps).
 *
 * Finalize:
 * - audio onset strength per hop: the rise of log energy (dB) over the mean of the 3 hops before, clipped
 *   at 0, and only where the hop is loud enough to be heard above the clip's quiet floor;
 * - visual change per frame: the rise of the mean absolute difference over the larger of the 2 transitions
 *   before it, clipped at 0 (a cut or a sudden change, not steady motion);
 * - correlation `c(lag) = sum_j v_j * max(a[h_j + lag], a[h_j + lag + 1])` for lags within
 *   +-{@link MAX_LAG_HOPS} hops; the offset is the best lag (positive: audio late), refined by a parabola;
 * - confidence: how far the peak stands above the correlation at the other lags, as a z-score over the lags
 *   more than {@link PEAK_HALF_WIDTH_HOPS} away, mapped to 0..1 between {@link Z_FLOOR} and {@link Z_FULL};
 *   it is 0 when fewer than {@link MIN_MATCHED_EVENTS} clear visual events meet a clear sound onset at that
 *   lag.
 */

/** Hop of the onset envelope, seconds. */
export const HOP_SEC = 0.01;
/** Lags searched, hops each side (500 ms). */
export const MAX_LAG_HOPS = 50;
/** Lags next to the peak left out of the z-score (the peak's own width). */
export const PEAK_HALF_WIDTH_HOPS = 4;
/** z-score at which confidence starts, and at which it reaches 1. */
export const Z_FLOOR = 4;
export const Z_FULL = 8;
/**
 * Visual events (change rising at least {@link VISUAL_EVENT_RISE} grey levels) that must meet a sound onset
 * (a rise of at least {@link MATCHED_ONSET_DB}) at the estimated lag before any estimate counts: one cut
 * next to one sound proves nothing.
 */
export const MIN_MATCHED_EVENTS = 3;
const VISUAL_EVENT_RISE = 3;
const MATCHED_ONSET_DB = 6;

/** What a chunk contributes; see the module comment. */
export type NaturalSyncPartial = {
  /** Index of the first hop of `levels`. */
  readonly firstHop: number;
  /** Level (dB, 0.1 steps, {@link hopLevel}) of every hop the chunk holds whole, consecutive. */
  readonly levels: readonly number[];
  /** `[hopIndex, sumOfSquares, samples]` of the hops a chunk boundary splits (summed in `finalize`). */
  readonly splitHops: readonly (readonly number[])[];
  /** `[ptsSec, meanAbsDiff]` of every transition the chunk judges, in order (0.01 grey-level steps). */
  readonly changes: readonly (readonly number[])[];
};

/** A hop's level in dB from its sum of squares, rounded to 0.1 dB: the same wherever the hop is summed. */
export function hopLevel(sum: number, count: number): number {
  return Math.round(100 * Math.log10(1 + sum / Math.max(1, count))) / 10;
}

/** Sum of absolute differences on every other pixel of every other row, and the pixels sampled. */
function frameDifference(a: GreyFrame, b: GreyFrame): [number, number] {
  const sampled = Math.ceil(b.height / 2) * Math.ceil(b.width / 2);
  if (a.width !== b.width || a.height !== b.height) return [255 * sampled, sampled];
  let sum = 0;
  const x = a.data;
  const y = b.data;
  for (let row = 0; row < b.height; row += 2) {
    const end = (row + 1) * b.width;
    for (let i = row * b.width; i < end; i += 2) {
      const d = x[i]! - y[i]!;
      sum += d < 0 ? -d : d;
    }
  }
  return [sum, sampled];
}

/** The chunk's contribution (see {@link NaturalSyncPartial}). */
export function naturalSyncPartial(chunk: MediaChunk): NaturalSyncPartial {
  let firstHop = 0;
  const levels: number[] = [];
  const splitHops: number[][] = [];
  const audio = chunk.audio;
  if (audio !== undefined && audio.samples.length > 0) {
    const hopSamples = Math.max(1, Math.round(audio.sampleRate * HOP_SEC));
    const first = Math.round(audio.startSec * audio.sampleRate);
    const samples = audio.samples;
    for (let i = 0; i < samples.length; ) {
      const hop = Math.floor((first + i) / hopSamples);
      const stop = Math.min(samples.length, (hop + 1) * hopSamples - first);
      let sum = 0;
      const from = i;
      for (; i < stop; i++) sum += samples[i]! * samples[i]!;
      if (stop - from === hopSamples) {
        if (levels.length === 0) firstHop = hop;
        levels.push(hopLevel(sum, hopSamples));
      } else {
        splitHops.push([hop, sum, stop - from]);
      }
    }
  }
  const frames = chunk.video?.frames ?? [];
  const next = chunk.video?.nextFrame;
  const judged = next === undefined ? frames : [...frames, next];
  const changes: number[][] = [];
  for (let j = 1; j < judged.length; j++) {
    const [sum, pixels] = frameDifference(judged[j - 1]!, judged[j]!);
    changes.push([judged[j]!.ptsSec, Math.round((100 * sum) / Math.max(1, pixels)) / 100]);
  }
  return { firstHop, levels, splitHops, changes };
}

/** An offset estimate: `offsetMs` positive when audio is late; `confidence` 0..1. */
export interface NaturalSyncEstimate {
  readonly offsetMs: number;
  readonly confidence: number;
  readonly zScore: number;
  readonly visualEvents: number;
  /** Clear visual events that meet a clear sound onset at the estimated lag. */
  readonly matchedEvents: number;
  /** Span of the analysed media, seconds. */
  readonly startSec: number;
  readonly endSec: number;
}

/** Joins the chunks' contributions and estimates the offset; undefined without audio or video. */
export function estimateNaturalOffset(
  partials: readonly NaturalSyncPartial[],
): NaturalSyncEstimate | undefined {
  const levelOf = new Map<number, number>();
  const split = new Map<number, [number, number]>();
  for (const partial of partials) {
    partial.levels.forEach((value, i) => {
      levelOf.set(partial.firstHop + i, value);
    });
    for (const [hop, sum, count] of partial.splitHops) {
      const entry = split.get(hop!) ?? [0, 0];
      entry[0] += sum!;
      entry[1] += count!;
      split.set(hop!, entry);
    }
  }
  for (const [hop, [sum, count]] of split) levelOf.set(hop, hopLevel(sum, count));
  const changes = partials.flatMap((partial) => partial.changes).sort((a, b) => a[0]! - b[0]!);
  if (levelOf.size < 2 * MAX_LAG_HOPS || changes.length < 3) return undefined;
  const hopIndices = [...levelOf.keys()].sort((a, b) => a - b);
  const firstHop = hopIndices[0]!;
  const lastHop = hopIndices.at(-1)!;
  const length = lastHop - firstHop + 1;
  const level = new Float64Array(length);
  for (const [hop, value] of levelOf) level[hop - firstHop] = value;
  // Quiet floor: the 20th percentile of the levels; onsets below floor + 6 dB are not heard as events.
  const sorted = Float64Array.from(level).sort();
  const floor = sorted[Math.floor(0.2 * (sorted.length - 1))]!;
  const onset = new Float64Array(length);
  for (let h = 3; h < length; h++) {
    if (level[h]! < floor + 6) continue;
    const before = (level[h - 1]! + level[h - 2]! + level[h - 3]!) / 3;
    onset[h] = Math.max(0, level[h]! - before);
  }
  const mad = changes.map(([, value]) => value!);
  const events: { hop: number; weight: number }[] = [];
  for (let j = 0; j < changes.length; j++) {
    const previous = Math.max(mad[j - 1] ?? mad[j]!, mad[j - 2] ?? mad[j]!);
    const rise = mad[j]! - previous;
    if (rise <= 0) continue;
    events.push({ hop: Math.round(changes[j]![0]! / HOP_SEC) - firstHop, weight: rise });
  }
  const visualEvents = events.filter((event) => event.weight >= VISUAL_EVENT_RISE).length;
  const lags = 2 * MAX_LAG_HOPS + 1;
  const corr = new Float64Array(lags);
  for (let l = 0; l < lags; l++) {
    const lag = l - MAX_LAG_HOPS;
    let sum = 0;
    for (const { hop, weight } of events) {
      const h = hop + lag;
      if (h < 0 || h + 1 >= length) continue;
      sum += weight * Math.max(onset[h]!, onset[h + 1]!);
    }
    corr[l] = sum;
  }
  let best = 0;
  for (let l = 1; l < lags; l++) if (corr[l]! > corr[best]!) best = l;
  const others: number[] = [];
  for (let l = 0; l < lags; l++) if (Math.abs(l - best) > PEAK_HALF_WIDTH_HOPS) others.push(corr[l]!);
  const mean = others.reduce((s, v) => s + v, 0) / Math.max(1, others.length);
  const variance = others.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, others.length);
  const std = Math.sqrt(variance);
  const zScore = std > 0 ? (corr[best]! - mean) / std : 0;
  let refined = best;
  if (best > 0 && best < lags - 1) {
    const [y0, y1, y2] = [corr[best - 1]!, corr[best]!, corr[best + 1]!];
    const denominator = y0 - 2 * y1 + y2;
    if (denominator < 0) refined = best + (0.5 * (y0 - y2)) / denominator;
  }
  const bestLag = best - MAX_LAG_HOPS;
  const matchedEvents = events.filter(({ hop, weight }) => {
    const h = hop + bestLag;
    return (
      weight >= VISUAL_EVENT_RISE &&
      h >= 0 &&
      h + 1 < length &&
      Math.max(onset[h]!, onset[h + 1]!) >= MATCHED_ONSET_DB
    );
  }).length;
  const confidence =
    matchedEvents < MIN_MATCHED_EVENTS
      ? 0
      : Math.min(1, Math.max(0, (zScore - Z_FLOOR) / (Z_FULL - Z_FLOOR)));
  return {
    offsetMs: Math.round((refined - MAX_LAG_HOPS) * HOP_SEC * 1000 * 10) / 10 + 0,
    confidence,
    zScore: Math.round(zScore * 100) / 100,
    visualEvents,
    matchedEvents,
    startSec: Math.min(changes[0]![0]!, firstHop * HOP_SEC),
    endSec: Math.max(changes.at(-1)![0]!, (lastHop + 1) * HOP_SEC),
  };
}
