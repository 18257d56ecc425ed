import type { Detector } from '../detector.ts';
import type { Finding, Segment } from '../finding.ts';
import type { GreyFrame, PcmAudio } from '../media.ts';
import { estimateNaturalOffset, type NaturalSyncPartial, naturalSyncPartial } from './av-sync-natural.ts';
import {
  collectFrameRuns,
  type InteriorRunFilter,
  lastsAtLeast,
  lastsAtMost,
  mergeSegments,
  type PackedSegment,
  packSegment,
  sampleTimeSec,
  TOUCH_TOLERANCE_SEC,
} from './segment-merge.ts';
import { checkRange, S16_FULL_SCALE } from './signal-levels.ts';

/**
 * `av-sync`: audio/video offset measured on flash-and-beep sync patterns (a white flash on screen with a
 * short tone, as in common sync test clips).
 *
 * - A flash is a run of frames where at least `flashShareMin` of the pixels have luma >= `flashLumaMin`,
 *   lasting at most `flashMaxMs` (a long bright scene is not a sync event).
 * - A beep is a run of loud samples (|s| >= `beepLevel` of full scale) in which quiet gaps up to
 *   `beepGapMs` are bridged (a tone crosses zero twice per period), lasting `beepMinMs`..`beepMaxMs` (a
 *   continuous tone or music is not a sync event).
 *
 * Chunks report raw flash and loud runs with no history; `finalize` joins them across boundaries exactly
 * like silences, keeps the short ones, and pairs each flash onset with the nearest unused beep onset
 * within +-`pairWindowMs`. The offset is `beep onset - flash onset` (positive: audio late); the clip's
 * offset is the median over pairs. Content without pairs gets no finding. A finding, spanning the paired
 * events, is reported only when the offset is detectable by ITU-R BT.1359-1: audio ahead by more than
 * `audioLeadLimitMs` (45) or behind by more than `audioLagLimitMs` (125). `details.acceptable` tells
 * whether it is still within the acceptability window (ahead <= 90 ms, behind <= 185 ms).
 *
 * Resolution: a flash onset is the pts of the first frame showing it, so it is known to one frame
 * (40 ms at 25 fps) when the source flash does not start on a frame; a beep onset to one sample.
 *
 * Confidence: how far the offset is past the limit it crosses, relative to that limit, capped at 1
 * (`(|offset| - limit) / limit`).
 */

export type AvSyncParams = {
  /** Luma code value (0..255) from which a pixel counts as bright. Default 200. */
  readonly flashLumaMin: number;
  /** Share of bright pixels (0..1) that makes a frame a flash frame. Default 0.9. */
  readonly flashShareMin: number;
  /** Longest flash that counts as a sync event, ms. Default 200. */
  readonly flashMaxMs: number;
  /** Amplitude from which a sample is loud, as a fraction of full scale (0..1). Default 0.1. */
  readonly beepLevel: number;
  /** Quiet gaps up to this long inside a tone are bridged, ms. Default 5. */
  readonly beepGapMs: number;
  /** Shortest beep that counts as a sync event, ms. Default 20. */
  readonly beepMinMs: number;
  /** Longest beep that counts as a sync event, ms. Default 300. */
  readonly beepMaxMs: number;
  /** A beep onset pairs with a flash onset at most this far before or after it, ms. Default 500. */
  readonly pairWindowMs: number;
  /** Detectability limit for audio ahead of video, ms (ITU-R BT.1359-1: 45). */
  readonly audioLeadLimitMs: number;
  /** Detectability limit for audio behind video, ms (ITU-R BT.1359-1: 125). */
  readonly audioLagLimitMs: number;
  /** Acceptability limit for audio ahead of video, ms (ITU-R BT.1359-1: 90). */
  readonly acceptableLeadMs: number;
  /** Acceptability limit for audio behind video, ms (ITU-R BT.1359-1: 185). */
  readonly acceptableLagMs: number;
  /**
   * Least confidence (0..1) of the natural-content estimate (no markers in the clip) for a finding.
   * Default 0.5.
   */
  readonly naturalMinConfidence: number;
};

export type AvSyncPartial = {
  /**
   * Runs of flash frames as packed `[startSec, endSec, score]`, in time order. Runs at a chunk edge are
   * kept whatever their length (they may join a neighbour's run); runs inside the chunk only when short
   * enough to be a flash.
   */
  readonly flashes: readonly PackedSegment[];
  /** Runs of loud audio (gaps bridged) as packed `[startSec, endSec]`, in time order, filtered alike. */
  readonly beeps: readonly PackedSegment[];
  /** The natural-content method's contribution (`av-sync-natural.ts`); absent in old partials. */
  readonly natural?: NaturalSyncPartial;
};

const emptyPartial: AvSyncPartial = { flashes: [], beeps: [] };

const EARLY_EXIT_BLOCK = 2048;

/** Share of bright pixels when it is at least `shareMin`, otherwise -1 (stops early on dark frames). */
export function brightShare(frame: GreyFrame, lumaMin: number, shareMin: number): number {
  const data = frame.data;
  const pixels = frame.width * frame.height;
  const maxDark = pixels * (1 - shareMin) + 1;
  let bright = 0;
  for (let i = 0; i < pixels; ) {
    const blockEnd = Math.min(pixels, i + EARLY_EXIT_BLOCK);
    for (; i < blockEnd; i++) if (data[i]! >= lumaMin) bright++;
    if (i - bright > maxDark) return -1;
  }
  const share = bright / pixels;
  return share >= shareMin ? share : -1;
}

/**
 * Runs of loud samples in one chunk's audio, gaps up to `gapSec` bridged, as packed segments. A run
 * further than `gapSec` from both chunk edges cannot join another chunk's run, so it is kept only when
 * `keepInterior` accepts it (a beep of plausible length).
 */
export function findLoudRuns(
  audio: PcmAudio,
  level: number,
  gapSec: number,
  keepInterior: InteriorRunFilter,
): number[][] {
  const threshold = level * S16_FULL_SCALE;
  const samples = audio.samples;
  const raw: number[][] = [];
  let runStart = -1;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s >= threshold || s <= -threshold) {
      if (runStart < 0) runStart = i;
    } else if (runStart >= 0) {
      raw.push(packSegment(sampleTimeSec(audio, runStart), sampleTimeSec(audio, i)));
      runStart = -1;
    }
  }
  if (runStart >= 0)
    raw.push(packSegment(sampleTimeSec(audio, runStart), sampleTimeSec(audio, samples.length)));
  // Bridging inside the chunk keeps the partial small (one entry per tone, not per half period); runs
  // are joined with the same gap again in finalize, which gives the same result as one pass over the clip.
  const audioStartSec = sampleTimeSec(audio, 0);
  const audioEndSec = sampleTimeSec(audio, samples.length);
  const reach = gapSec + TOUCH_TOLERANCE_SEC;
  return mergeSegments([raw], gapSec)
    .filter(
      (run) =>
        run.startSec - audioStartSec <= reach ||
        audioEndSec - run.endSec <= reach ||
        keepInterior(run.startSec, run.endSec),
    )
    .map((run) => packSegment(run.startSec, run.endSec));
}

/** A flash and the beep paired with it; `offsetSec` = beep onset - flash onset (positive: audio late). */
export interface SyncPair {
  readonly flash: Segment;
  readonly beep: Segment;
  readonly offsetSec: number;
}

/**
 * Pairs each flash (in time order) with the nearest beep onset not yet used, within +-`windowSec` of
 * the flash onset; ties go to the earlier beep. Both lists must be in time order.
 */
export function pairFlashesWithBeeps(
  flashes: readonly Segment[],
  beeps: readonly Segment[],
  windowSec: number,
): SyncPair[] {
  const pairs: SyncPair[] = [];
  const used = new Uint8Array(beeps.length);
  let first = 0;
  for (const flash of flashes) {
    const from = flash.startSec - windowSec - TOUCH_TOLERANCE_SEC;
    const to = flash.startSec + windowSec + TOUCH_TOLERANCE_SEC;
    while (first < beeps.length && beeps[first]!.startSec < from) first++;
    let best = -1;
    let bestDistance = 0;
    for (let j = first; j < beeps.length && beeps[j]!.startSec <= to; j++) {
      if (used[j]) continue;
      const distance = Math.abs(beeps[j]!.startSec - flash.startSec);
      if (best < 0 || distance < bestDistance) {
        best = j;
        bestDistance = distance;
      }
    }
    if (best >= 0) {
      used[best] = 1;
      const beep = beeps[best]!;
      pairs.push({ flash, beep, offsetSec: beep.startSec - flash.startSec });
    }
  }
  return pairs;
}

/** A flash short enough to be a sync event rather than a bright scene. */
function isFlashLength(flash: Segment, params: AvSyncParams): boolean {
  return lastsAtMost(flash, params.flashMaxMs / 1000);
}

/** A loud run of the length of a sync beep, neither a click nor a continuous tone. */
function isBeepLength(beep: Segment, params: AvSyncParams): boolean {
  return lastsAtLeast(beep, params.beepMinMs / 1000) && lastsAtMost(beep, params.beepMaxMs / 1000);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function finalizeAvSync(partials: readonly AvSyncPartial[], params: AvSyncParams): Finding[] {
  const flashes = mergeSegments(partials.map((partial) => partial.flashes)).filter((flash) =>
    isFlashLength(flash, params),
  );
  const beeps = mergeSegments(
    partials.map((partial) => partial.beeps),
    params.beepGapMs / 1000,
  ).filter((beep) => isBeepLength(beep, params));
  const pairs = pairFlashesWithBeeps(flashes, beeps, params.pairWindowMs / 1000);
  if (pairs.length === 0) return finalizeNatural(partials, params);

  const offsetMs = median(pairs.map((pair) => pair.offsetSec)) * 1000;
  const audioLate = offsetMs > 0;
  const limitMs = audioLate ? params.audioLagLimitMs : params.audioLeadLimitMs;
  if (Math.abs(offsetMs) <= limitMs) return [];

  let startSec = Number.POSITIVE_INFINITY;
  let endSec = Number.NEGATIVE_INFINITY;
  for (const { flash, beep } of pairs) {
    startSec = Math.min(startSec, flash.startSec, beep.startSec);
    endSec = Math.max(endSec, flash.endSec, beep.endSec);
  }
  const acceptable = audioLate ? offsetMs <= params.acceptableLagMs : -offsetMs <= params.acceptableLeadMs;
  return [
    {
      detector: 'av-sync',
      startSec,
      endSec,
      confidence: limitMs > 0 ? Math.min(1, (Math.abs(offsetMs) - limitMs) / limitMs) : 1,
      details: {
        offsetMs: Math.round(offsetMs * 10) / 10 + 0,
        pairs: pairs.length,
        audioLeadLimitMs: params.audioLeadLimitMs,
        audioLagLimitMs: params.audioLagLimitMs,
        acceptable,
      },
    },
  ];
}

/** Without markers: the offset estimated from natural content, reported when detectable and confident. */
function finalizeNatural(partials: readonly AvSyncPartial[], params: AvSyncParams): Finding[] {
  const natural = partials.flatMap((partial) => (partial.natural === undefined ? [] : [partial.natural]));
  const estimate = estimateNaturalOffset(natural);
  if (estimate === undefined || estimate.confidence < params.naturalMinConfidence) return [];
  const { offsetMs } = estimate;
  const audioLate = offsetMs > 0;
  const limitMs = audioLate ? params.audioLagLimitMs : params.audioLeadLimitMs;
  if (Math.abs(offsetMs) <= limitMs) return [];
  return [
    {
      detector: 'av-sync',
      startSec: estimate.startSec,
      endSec: estimate.endSec,
      confidence: estimate.confidence,
      details: {
        method: 'natural',
        offsetMs,
        zScore: estimate.zScore,
        visualEvents: estimate.visualEvents,
        matchedEvents: estimate.matchedEvents,
        audioLeadLimitMs: params.audioLeadLimitMs,
        audioLagLimitMs: params.audioLagLimitMs,
        acceptable: audioLate ? offsetMs <= params.acceptableLagMs : -offsetMs <= params.acceptableLeadMs,
      },
    },
  ];
}

function validateAvSync(params: AvSyncParams): string | undefined {
  return (
    checkRange('flashLumaMin', params.flashLumaMin, 0, 255) ??
    checkRange('flashShareMin', params.flashShareMin, 0, 1) ??
    checkRange('flashMaxMs', params.flashMaxMs, 0, 10_000) ??
    checkRange('beepLevel', params.beepLevel, 0, 1) ??
    checkRange('beepGapMs', params.beepGapMs, 0, 1000) ??
    checkRange('beepMinMs', params.beepMinMs, 0, 10_000) ??
    checkRange('beepMaxMs', params.beepMaxMs, params.beepMinMs, 10_000) ??
    checkRange('pairWindowMs', params.pairWindowMs, 0, 10_000) ??
    checkRange('audioLeadLimitMs', params.audioLeadLimitMs, 0, 10_000) ??
    checkRange('audioLagLimitMs', params.audioLagLimitMs, 0, 10_000) ??
    checkRange('acceptableLeadMs', params.acceptableLeadMs, 0, 10_000) ??
    checkRange('acceptableLagMs', params.acceptableLagMs, 0, 10_000) ??
    checkRange('naturalMinConfidence', params.naturalMinConfidence, 0, 1)
  );
}

export const avSyncDetector: Detector<AvSyncParams, AvSyncPartial> = {
  name: 'av-sync',
  needs: 'both',
  defaults: {
    flashLumaMin: 200,
    flashShareMin: 0.9,
    flashMaxMs: 200,
    beepLevel: 0.1,
    beepGapMs: 5,
    beepMinMs: 20,
    beepMaxMs: 300,
    pairWindowMs: 500,
    audioLeadLimitMs: 45,
    audioLagLimitMs: 125,
    acceptableLeadMs: 90,
    acceptableLagMs: 185,
    naturalMinConfidence: 0.5,
  },
  emptyPartial,
  validate: validateAvSync,
  analyzeChunk: (chunk, params) => {
    const flashes = collectFrameRuns(
      chunk,
      (frame) => brightShare(frame, params.flashLumaMin, params.flashShareMin),
      (startSec, endSec) => isFlashLength({ startSec, endSec }, params),
    );
    const beeps = chunk.audio
      ? findLoudRuns(chunk.audio, params.beepLevel, params.beepGapMs / 1000, (startSec, endSec) =>
          isBeepLength({ startSec, endSec }, params),
        )
      : [];
    return Promise.resolve({ flashes, beeps, natural: naturalSyncPartial(chunk) });
  },
  finalize: (partials, params) => finalizeAvSync(partials, params),
};
