import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BLOCK_FEATURE_CHANNELS,
  cellGrid,
  computeBlockFeatures,
  computeModelInput,
  featureLength,
} from '../core/detectors/block-features.ts';
import { createSeededRandom } from '../media/fixtures/seeded-random.ts';
import {
  acceptsGrid,
  type BlockCorruptionWeights,
  CONV1_SIZE,
  encodeOnnxModel,
  frameScore,
  HIDDEN_CHANNELS,
  MODEL_INPUT,
  MODEL_OUTPUT,
  outputGrid,
  TOP_K,
  topKMean,
} from './block-corruption-model.ts';

function randomWeights(seed: number): BlockCorruptionWeights {
  const random = createSeededRandom(seed);
  const values = (n: number, scale: number) =>
    Float64Array.from({ length: n }, () => (2 * random.next() - 1) * scale);
  return {
    conv1: values(CONV1_SIZE, 0.4),
    bias1: values(HIDDEN_CHANNELS, 0.2),
    conv2: values(HIDDEN_CHANNELS, 0.5),
    bias2: -0.3,
  };
}

function texturedFrame(width: number, height: number, seed: number): Uint8Array {
  const random = createSeededRandom(seed);
  // Smooth gradient with a few sharp blocks: every feature channel is non-zero somewhere.
  return Uint8Array.from({ length: width * height }, (_, i) => {
    const x = i % width;
    const y = Math.floor(i / width);
    const block = (x >> 3) % 5 === 2 && (y >> 3) % 3 === 1 ? 90 : 0;
    return Math.min(255, Math.round(40 + x / 3 + y / 4 + block + 10 * random.next()));
  });
}

describe('block-corruption ONNX graph', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'archbench-bc-model-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('computes the same frame scores as the float64 reference (padding, stride, top-K, sigmoid)', async () => {
    const weights = randomWeights(11);
    const file = path.join(dir, 'model.onnx');
    await writeFile(file, encodeOnnxModel(weights, 'test'));
    const session = await ort.InferenceSession.create(file);
    // An odd grid (45 x 79 cells) checks the padding of the last row and column.
    const [width, height] = [318, 182];
    const grid = cellGrid(width, height);
    const perFrame = featureLength(grid);
    const frames = [1, 2, 3].map((seed) => ({
      ptsSec: 0,
      width,
      height,
      data: texturedFrame(width, height, seed),
    }));
    const raw = new Float32Array(frames.length * perFrame);
    const features = new Float32Array(frames.length * perFrame);
    frames.forEach((frame, i) => {
      computeBlockFeatures(frame, raw, i * perFrame);
      computeModelInput(frame, features, i * perFrame);
    });
    const input = new ort.Tensor('float32', features, [
      frames.length,
      BLOCK_FEATURE_CHANNELS,
      grid.rows,
      grid.cols,
    ]);
    const output = await session.run({ [MODEL_INPUT]: input });
    const scores = output[MODEL_OUTPUT]!.data as Float32Array;
    expect(scores).toHaveLength(3);
    frames.forEach((_, i) => {
      const expected = frameScore(
        weights,
        raw.subarray(i * perFrame, (i + 1) * perFrame),
        grid.rows,
        grid.cols,
      );
      expect(scores[i]).toBeCloseTo(expected, 4);
    });
    expect(new Set(Array.from(scores)).size).toBe(3);
  });

  it('encodes the same weights to the same bytes', () => {
    const a = encodeOnnxModel(randomWeights(5), 'doc');
    const b = encodeOnnxModel(randomWeights(5), 'doc');
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(encodeOnnxModel(randomWeights(6), 'doc')))).toBe(false);
  });

  it('knows its output grid and the smallest frame it accepts', () => {
    expect(outputGrid(45, 80)).toEqual({ rows: 23, cols: 40 });
    expect(acceptsGrid(4, 4)).toBe(TOP_K <= 4);
    expect(acceptsGrid(45, 80)).toBe(true);
    expect(topKMean([1, 5, 3], 2)).toBe(4);
  });
});
