import type { Detector } from '../detector.ts';
import type { Finding } from '../finding.ts';
import type { PcmAudio } from '../media.ts';
import {
  lastsAtLeast,
  mergeSegments,
  type PackedSegment,
  packSegment,
  sampleTimeSec,
  TOUCH_TOLERANCE_SEC,
} from './segment-merge.ts';
import { checkRange, decibelsToRatio, S16_FULL_SCALE } from './signal-levels.ts';

/**
 * `silence`: silent audio, mirroring ffmpeg's `silencedetect` on mono s16 so that filter is a reference
 * oracle.
 *
 * ffmpeg scales `noise` by `INT16_MAX` for s16 and calls a sample silent when `-noise < s < noise`
 * (|s| <= 32 at -60 dB). A silence is `[first silent sample, first non-silent sample)`, sample `i` of a
 * chunk being at `audio.startSec + i / sampleRate`, reported when it lasts at least `durationSec`. The
 * verdict is per sample, so chunks need no history: `finalize` joins silences that touch across a
 * boundary. ffmpeg 4.x timestamps silence edges per audio frame (tens of ms) and logs no end for a
 * silence lasting to the end of the stream; here edges are sample-exact and such a silence ends at the
 * end of the audio.
 *
 * Confidence: `1 - (largest |sample| in the silence) / noise amplitude`; 1 for digital silence, 0 at
 * the threshold.
 */

export type SilenceParams = {
  /** Noise tolerance in dB of full scale (ffmpeg `n`/`noise`, default -60 dB = 0.001). */
  readonly noiseDb: number;
  /** Minimum silence to report, seconds (ffmpeg `d`/`duration`, default 2). */
  readonly durationSec: number;
};

export type SilencePartial = {
  /**
   * Silences as packed `[startSec, endSec, score]`, in time order; silences inside the chunk that are
   * too short to report are left out.
   */
  readonly segments: readonly PackedSegment[];
};

const emptyPartial: SilencePartial = { segments: [] };

/**
 * Finds runs of silent samples in one chunk's audio. Runs inside the chunk (touching neither edge)
 * shorter than `durationSec` are left out: they cannot merge with another chunk's run, and zero
 * crossings of ordinary audio produce many of them.
 */
export function findSilentRuns(audio: PcmAudio, noiseDb: number, durationSec: number): number[][] {
  const noise = decibelsToRatio(noiseDb) * S16_FULL_SCALE;
  const samples = audio.samples;
  // Slightly looser than the final test, which finalize applies exactly on canonical times.
  const minInteriorSamples = (durationSec - 2 * TOUCH_TOLERANCE_SEC) * audio.sampleRate;
  const runs: number[][] = [];
  let runStart = -1;
  let peak = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i]!;
    if (s < noise && s > -noise) {
      if (runStart < 0) {
        runStart = i;
        peak = 0;
      }
      const magnitude = s < 0 ? -s : s;
      if (magnitude > peak) peak = magnitude;
    } else if (runStart >= 0) {
      if (runStart === 0 || i - runStart >= minInteriorSamples) {
        runs.push(packSegment(sampleTimeSec(audio, runStart), sampleTimeSec(audio, i), 1 - peak / noise));
      }
      runStart = -1;
    }
  }
  if (runStart >= 0) {
    runs.push(
      packSegment(sampleTimeSec(audio, runStart), sampleTimeSec(audio, samples.length), 1 - peak / noise),
    );
  }
  return runs;
}

export const silenceDetector: Detector<SilenceParams, SilencePartial> = {
  name: 'silence',
  needs: 'audio',
  defaults: { noiseDb: -60, durationSec: 2 },
  emptyPartial,
  validate: (params) =>
    checkRange('noiseDb', params.noiseDb, -200, 0) ??
    checkRange('durationSec', params.durationSec, 0, 86_400),
  analyzeChunk: (chunk, params) =>
    Promise.resolve({
      segments: chunk.audio ? findSilentRuns(chunk.audio, params.noiseDb, params.durationSec) : [],
    }),
  finalize: (partials, params) =>
    mergeSegments(partials.map((partial) => partial.segments))
      .filter((segment) => lastsAtLeast(segment, params.durationSec))
      .map(
        (segment): Finding => ({
          detector: 'silence',
          startSec: segment.startSec,
          endSec: segment.endSec,
          confidence: segment.score ?? 1,
        }),
      ),
};
