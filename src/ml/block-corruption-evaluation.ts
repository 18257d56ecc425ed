import path from 'node:path';
import { aggregateFindings, analyzeChunk, type ResolvedDetector } from '../core/aggregate.ts';
import type { DetectorPorts } from '../core/detector.ts';
import { resolveDetector } from '../core/detectors/registry.ts';
import type { Finding } from '../core/finding.ts';
import type { GreyFrame, MediaChunk } from '../core/media.ts';
import { defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import type { FixtureClip } from '../media/fixtures/manifest.ts';
import { probeMedia, toClipInfo } from '../media/probe.ts';
import { CORRUPTED_BELOW_PSNR_DB, type SyntheticClip } from './synthetic-clips.ts';

/**
 * Frame-level evaluation of the `block-corruption` detector, run exactly as the monolith runs it (same
 * decoder, same 1-second chunks, `analyzeChunk` + `aggregateFindings`), against a per-frame truth.
 */

/** Evaluation fixtures with injected block corruption (truth: frames below 30 dB luma PSNR). */
export const CORRUPTED_FIXTURES: readonly string[] = ['block-corruption', 'multi-defect'];
/** Evaluation fixtures without block corruption: the detector must report nothing on them. */
export const CLEAN_FIXTURES: readonly string[] = [
  'clean',
  'freeze',
  'black',
  'silence',
  'av-sync-ok',
  'av-offset-audio-early',
  'av-offset-audio-late',
];

/** What the detector found in a clip, judged frame by frame. */
export interface ClipEvaluation {
  readonly id: string;
  readonly frames: number;
  /** Frames the truth marks corrupted. */
  readonly truthFrames: number;
  readonly truePositives: number;
  readonly falsePositives: number;
  readonly falseNegatives: number;
  readonly findings: readonly Finding[];
  /** Truth intervals (runs of corrupted frames), seconds, `[start, end)`. */
  readonly truthIntervals: readonly [number, number][];
  /**
   * Per truth interval, the largest distance between its start/end and the start/end of the finding that
   * overlaps it most, seconds; `Infinity` when no finding overlaps it.
   */
  readonly intervalErrorsSec: readonly number[];
  /** The model's score of every frame (from the same classifier), for threshold-free measures. */
  readonly scores: readonly number[];
  /** Per frame: corrupted according to the truth. */
  readonly corrupted: readonly boolean[];
}

/**
 * Area under the ROC curve of the frame scores over several clips: the probability that a corrupted frame
 * scores above a clean one (ties count half); NaN without both kinds of frames.
 */
export function scoreAuc(clips: readonly ClipEvaluation[]): number {
  const positives: number[] = [];
  const negatives: number[] = [];
  for (const clip of clips) {
    clip.scores.forEach((score, i) => {
      (clip.corrupted[i] ? positives : negatives).push(score);
    });
  }
  if (positives.length === 0 || negatives.length === 0) return Number.NaN;
  negatives.sort((a, b) => a - b);
  let wins = 0;
  for (const score of positives) {
    const below = bound(negatives, score, false);
    const equal = bound(negatives, score, true) - below;
    wins += below + equal / 2;
  }
  return wins / (positives.length * negatives.length);
}

/** Number of sorted values below `value` (or at most `value` with `inclusive`). */
function bound(sorted: readonly number[], value: number, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < value || (inclusive && sorted[mid] === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Frame-level precision and recall when every frame scoring at least `threshold` counts as detected. */
export function metricsAtThreshold(
  clips: readonly ClipEvaluation[],
  threshold: number,
): { precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const clip of clips) {
    clip.scores.forEach((score, i) => {
      const hit = score >= threshold;
      if (hit && clip.corrupted[i]) tp++;
      else if (hit) fp++;
      else if (clip.corrupted[i]) fn++;
    });
  }
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

/** Precision and recall over several clips' frames (1 when there is nothing to find / nothing found). */
export function pooledMetrics(clips: readonly ClipEvaluation[]): { precision: number; recall: number } {
  const tp = clips.reduce((sum, clip) => sum + clip.truePositives, 0);
  const fp = clips.reduce((sum, clip) => sum + clip.falsePositives, 0);
  const fn = clips.reduce((sum, clip) => sum + clip.falseNegatives, 0);
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

/**
 * The registered detector with the evaluation scripts' `--param name=value` arguments (value as JSON:
 * `minDecodeDamage=0.5`, `decoderErrors=false`; repeatable) over its defaults, to measure a candidate
 * setting; an error message for a malformed or invalid one.
 */
export function blockCorruptionDetectorFromArgs(
  args: readonly string[],
  overrides: Readonly<Record<string, unknown>> = {},
): { ok: true; detector: ResolvedDetector } | { ok: false; error: string } {
  const params: Record<string, unknown> = { ...overrides };
  for (const [i, arg] of args.entries()) {
    if (args[i - 1] !== '--param') continue;
    const at = arg.indexOf('=');
    let value: unknown;
    try {
      value = JSON.parse(arg.slice(at + 1));
    } catch {
      value = undefined;
    }
    if (at <= 0 || value === undefined) {
      return {
        ok: false,
        error: `--param ${arg}: expected name=value with a JSON value (e.g. minDecodeDamage=0.5)`,
      };
    }
    params[arg.slice(0, at)] = value;
  }
  if (args.at(-1) === '--param') return { ok: false, error: '--param needs name=value' };
  const resolved = resolveDetector('block-corruption', params);
  return resolved.ok ? { ok: true, detector: resolved.detector } : resolved;
}

/** The registered detector with its defaults. */
export function defaultBlockCorruptionDetector(): ResolvedDetector {
  const resolved = resolveDetector('block-corruption');
  if (!resolved.ok) throw new Error(resolved.error);
  return resolved.detector;
}

/**
 * Judges `findings` frame by frame: a frame counts as detected when its pts lies in a finding
 * `[startSec, endSec)`.
 */
export function evaluateFindings(
  id: string,
  framePtsSec: readonly number[],
  corrupted: readonly boolean[],
  findings: readonly Finding[],
  scores: readonly number[] = [],
): ClipEvaluation {
  const detected = framePtsSec.map((pts) =>
    findings.some((f) => pts >= f.startSec - 1e-6 && pts < f.endSec - 1e-6),
  );
  let tp = 0;
  let fp = 0;
  let fn = 0;
  detected.forEach((hit, i) => {
    if (hit && corrupted[i]) tp++;
    else if (hit) fp++;
    else if (corrupted[i]) fn++;
  });
  const frameSec = framePtsSec.length > 1 ? framePtsSec[1]! - framePtsSec[0]! : 0.04;
  const truthIntervals: [number, number][] = [];
  corrupted.forEach((isCorrupted, i) => {
    if (!isCorrupted) return;
    const last = truthIntervals.at(-1);
    const pts = framePtsSec[i]!;
    const end = framePtsSec[i + 1] ?? pts + frameSec;
    if (last !== undefined && corrupted[i - 1]) last[1] = end;
    else truthIntervals.push([pts, end]);
  });
  const intervalErrorsSec = truthIntervals.map(([start, end]) => {
    let best: Finding | undefined;
    let bestOverlap = 0;
    for (const finding of findings) {
      const overlap = Math.min(end, finding.endSec) - Math.max(start, finding.startSec);
      if (overlap > bestOverlap) {
        bestOverlap = overlap;
        best = finding;
      }
    }
    return best === undefined
      ? Number.POSITIVE_INFINITY
      : Math.max(Math.abs(best.startSec - start), Math.abs(best.endSec - end));
  });
  return {
    id,
    frames: framePtsSec.length,
    truthFrames: corrupted.filter(Boolean).length,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    findings,
    truthIntervals,
    intervalErrorsSec,
    scores,
    corrupted,
  };
}

async function chunkScores(chunk: MediaChunk, ports: DetectorPorts): Promise<number[]> {
  const frames = chunk.video?.frames ?? [];
  if (ports.frameClassifier === undefined || frames.length === 0) return [];
  return Array.from(await ports.frameClassifier.scoreFrames(frames));
}

/** Decodes a fixture clip and runs the detector over it as the monolith does; truth from the manifest. */
export async function evaluateFixtureClip(
  dir: string,
  clip: FixtureClip,
  detector: ResolvedDetector,
  ports: DetectorPorts,
): Promise<ClipEvaluation> {
  const info = await probeMedia(path.join(dir, clip.file));
  const analyses = [];
  const pts: number[] = [];
  await using decoder = openClipDecoder(info, defaultDecodeOptions);
  const scores: number[] = [];
  for await (const chunk of decoder.chunks()) {
    for (const frame of chunk.video?.frames ?? []) pts.push(frame.ptsSec);
    analyses.push(await analyzeChunk(chunk, [detector], ports));
    scores.push(...(await chunkScores(chunk, ports)));
  }
  const failure = analyses.find((analysis) => analysis.failures !== undefined)?.failures;
  if (failure !== undefined) throw new Error(`${clip.id}: ${Object.values(failure).join('; ')}`);
  const corruptedIndices = new Set<number>();
  for (const defect of clip.defects) {
    if (defect.type === 'block-corruption')
      for (const frame of defect.frames) corruptedIndices.add(frame.index);
  }
  const findings = aggregateFindings(analyses, [detector], toClipInfo(info));
  return evaluateFindings(
    clip.id,
    pts,
    pts.map((_, i) => corruptedIndices.has(i)),
    findings,
    scores,
  );
}

/** Cuts decoded frames into 1-second chunks with `nextFrame`, as the decoder does for constant-rate clips. */
export function chunksOf(frames: readonly GreyFrame[], durationSec: number, chunkSeconds = 1): MediaChunk[] {
  const count = Math.max(1, Math.ceil(durationSec / chunkSeconds - 1e-9));
  const chunks: MediaChunk[] = [];
  for (let k = 0; k < count; k++) {
    const startSec = k * chunkSeconds;
    const endSec = k === count - 1 ? durationSec : (k + 1) * chunkSeconds;
    const inChunk = frames.filter(
      (frame) => frame.ptsSec >= startSec - 1e-9 && (k === count - 1 || frame.ptsSec < endSec - 1e-9),
    );
    const next = k === count - 1 ? undefined : frames.find((frame) => frame.ptsSec >= endSec - 1e-9);
    chunks.push({
      index: k,
      startSec,
      endSec,
      video: next === undefined ? { frames: inChunk } : { frames: inChunk, nextFrame: next },
    });
  }
  return chunks;
}

/** Runs the detector over a synthetic clip's damaged frames; truth = luma PSNR below 30 dB. */
export async function evaluateSyntheticClip(
  clip: SyntheticClip,
  detector: ResolvedDetector,
  ports: DetectorPorts,
): Promise<ClipEvaluation> {
  const { spec } = clip;
  const analyses = [];
  const scores: number[] = [];
  for (const chunk of chunksOf(clip.frames, spec.durationSec)) {
    analyses.push(await analyzeChunk(chunk, [detector], ports));
    scores.push(...(await chunkScores(chunk, ports)));
  }
  const failure = analyses.find((analysis) => analysis.failures !== undefined)?.failures;
  if (failure !== undefined) throw new Error(`${spec.id}: ${Object.values(failure).join('; ')}`);
  const clipInfo = { durationSec: spec.durationSec, fps: spec.fps, hasVideo: true, hasAudio: false };
  const findings = aggregateFindings(analyses, [detector], clipInfo);
  return evaluateFindings(
    spec.id,
    clip.frames.map((frame) => frame.ptsSec),
    clip.psnrDb.map((psnr) => psnr < CORRUPTED_BELOW_PSNR_DB),
    findings,
    scores,
  );
}
