import { createHash } from 'node:crypto';
import { type BlockCorruptionWeights, encodeOnnxModel, sigmoid, topKMean } from './block-corruption-model.ts';
import {
  DEFAULT_TRAINING_OPTIONS,
  trainBlockCorruptionModel,
  trainingFrameLogits,
} from './block-corruption-trainer.ts';
import { isCorrupted, loadTrainingSet, type TrainingSet } from './block-corruption-training-set.ts';

/**
 * One build of the block-corruption model from scratch: training data (cached), training, ONNX bytes.
 * Shared by `npm run train:block-corruption` and the reproducibility test, so both build exactly the same way.
 */

/** Where the committed model lives, relative to the project root. */
export const MODEL_PATH = 'fixtures/models/block-corruption.onnx';
/** Default cache of the generated training data (git-ignored). */
export const TRAINING_CACHE_DIR = 'fixtures/clips/training';

/** Text stored in the model's `doc_string` (no timings or paths: the bytes must not depend on the run). */
export const MODEL_DESCRIPTION =
  'archbench block-corruption detector: frame score 0..1 from per-cell gradient sums of a grey frame. ' +
  'Input cells [frames, 5, rows, cols] = log(1 + mean) of 4x4-pixel cell sums (src/ml/block-features.ts); ' +
  'output score [frames]. Trained by src/ml/train-block-corruption.ts; model card: block-corruption.md.';

export interface ModelBuild {
  readonly bytes: Uint8Array;
  readonly sha256: string;
  readonly weights: BlockCorruptionWeights;
  readonly trainingSet: TrainingSet;
  /** Wall time of the training step alone, seconds. */
  readonly trainSec: number;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Builds the model; `onProgress` receives one line per clip generated and per epoch. */
export async function buildBlockCorruptionModel(
  cacheDir: string = TRAINING_CACHE_DIR,
  onProgress?: (message: string) => void,
): Promise<ModelBuild> {
  const trainingSet = await loadTrainingSet(cacheDir, onProgress);
  const started = performance.now();
  const weights = trainBlockCorruptionModel(trainingSet.frames, DEFAULT_TRAINING_OPTIONS, (report) =>
    onProgress?.(
      `epoch ${report.epoch + 1}/${DEFAULT_TRAINING_OPTIONS.epochs}: loss ${report.loss.toFixed(4)}`,
    ),
  );
  const trainSec = (performance.now() - started) / 1000;
  const bytes = encodeOnnxModel(weights, MODEL_DESCRIPTION);
  return { bytes, sha256: sha256Hex(bytes), weights, trainingSet, trainSec };
}

/** Frame scores of the float64 model on every training frame, with the truth label. */
export function trainingScores(build: ModelBuild): { score: number; corrupted: boolean }[] {
  return build.trainingSet.frames.map((frame) => ({
    score: sigmoid(topKMean(trainingFrameLogits(build.weights, frame))),
    corrupted: isCorrupted(frame),
  }));
}

/** Decision thresholds of the detector, derived from the scores of the clean training frames. */
export interface DerivedThresholds {
  /** The highest score of any clean training frame: no clean training frame would open a finding. */
  readonly enterScore: number;
  /** The 99.5th percentile of clean training frames: 1 clean frame in 200 would extend a finding. */
  readonly leaveScore: number;
}

/** Applies the threshold rule to training scores; values rounded to 5 decimals (the detector's defaults). */
export function deriveThresholds(
  scores: readonly { score: number; corrupted: boolean }[],
): DerivedThresholds {
  const clean = scores
    .filter((entry) => !entry.corrupted)
    .map((entry) => entry.score)
    .sort((a, b) => a - b);
  if (clean.length === 0) throw new Error('no clean training frames');
  const round = (value: number) => Math.round(value * 1e5) / 1e5;
  return {
    enterScore: round(clean.at(-1)!),
    leaveScore: round(clean[Math.min(clean.length - 1, Math.floor(0.995 * clean.length))]!),
  };
}
