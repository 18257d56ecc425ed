/**
 * `npm run train:block-corruption`: builds fixtures/models/block-corruption.onnx from scratch.
 *
 * Deterministic: the training clips are generated from fixed lavfi sources and seeds, training uses a fixed
 * seed, a fixed frame order and float64 arithmetic, and the ONNX bytes depend only on the weights. With the
 * same ffmpeg binary (it decides the decoded pixels) the file comes out byte for byte the same; the test
 * `block-corruption-build.slow.test.ts` checks a fresh build against the committed file.
 *
 * `--check` builds and compares with the committed file without writing it (exit 1 when they differ).
 * Generated training data is cached in fixtures/clips/training (git-ignored).
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  buildBlockCorruptionModel,
  deriveThresholds,
  MODEL_PATH,
  sha256Hex,
  TRAINING_CACHE_DIR,
  trainingScores,
} from './block-corruption-build.ts';
import { isCorrupted } from './block-corruption-training-set.ts';

const check = process.argv.includes('--check');
const started = performance.now();
const build = await buildBlockCorruptionModel(TRAINING_CACHE_DIR, (message) => console.error(message));
const frames = build.trainingSet.frames;
const positives = frames.filter(isCorrupted).length;
console.log(
  `training data: ${frames.length} frames (${positives} corrupted), ${build.trainingSet.generationSec > 0 ? `generated in ${build.trainingSet.generationSec.toFixed(1)} s` : 'from cache'}`,
);
console.log(
  `training: ${build.trainSec.toFixed(1)} s; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
const scores = trainingScores(build);
const negatives = scores
  .filter((s) => !s.corrupted)
  .map((s) => s.score)
  .sort((a, b) => a - b);
const corrupted = scores
  .filter((s) => s.corrupted)
  .map((s) => s.score)
  .sort((a, b) => a - b);
const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
console.log(
  `training scores: clean p95 ${quantile(negatives, 0.95).toFixed(4)}, p99 ${quantile(negatives, 0.99).toFixed(4)}, p99.9 ${quantile(negatives, 0.999).toFixed(4)}; corrupted p10 ${quantile(corrupted, 0.1).toFixed(4)}, median ${quantile(corrupted, 0.5).toFixed(4)}`,
);
const thresholds = deriveThresholds(scores);
console.log(
  `derived detector thresholds: enterScore ${thresholds.enterScore}, leaveScore ${thresholds.leaveScore} (block-corruption-detector.ts defaults must match)`,
);
console.log(`model: ${build.bytes.length} bytes, sha256 ${build.sha256}`);
if (check) {
  const committed = await readFile(MODEL_PATH).catch(() => undefined);
  const same = committed !== undefined && sha256Hex(committed) === build.sha256;
  console.log(
    same ? `${MODEL_PATH} is reproduced byte for byte` : `${MODEL_PATH} differs from the fresh build`,
  );
  process.exitCode = same ? 0 : 1;
} else {
  await writeFile(MODEL_PATH, build.bytes);
  console.log(`wrote ${MODEL_PATH}`);
}
