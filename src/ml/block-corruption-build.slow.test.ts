import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { detectorRegistry } from '../core/detectors/registry.ts';
import {
  buildBlockCorruptionModel,
  deriveThresholds,
  MODEL_PATH,
  sha256Hex,
  TRAINING_CACHE_DIR,
  trainingScores,
} from './block-corruption-build.ts';

/**
 * Reproducibility: a fresh build (training data generated or read from its cache in fixtures/clips/training,
 * then the whole training) gives the committed model file byte for byte. The first run on a machine
 * generates the training clips (about 1.5 minutes); later runs only train (about 1 minute). The detector's
 * default thresholds are checked against the threshold rule on the same build.
 */
describe('block-corruption model build', () => {
  it('reproduces the committed fixtures/models/block-corruption.onnx byte for byte', async () => {
    const committed = await readFile(MODEL_PATH);
    const build = await buildBlockCorruptionModel(TRAINING_CACHE_DIR);
    expect(build.sha256).toBe(sha256Hex(committed));
    // The detector's default thresholds are the ones the threshold rule gives on this build's training data.
    const { enterScore, leaveScore } = detectorRegistry['block-corruption'].defaults;
    expect(deriveThresholds(trainingScores(build))).toEqual({ enterScore, leaveScore });
  }, 900_000);
});
