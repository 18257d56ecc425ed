import {
  BLOCK_FEATURE_CHANNELS,
  CHANNEL_TERMS,
  MAX_RAW_SUM,
  scaledFeature,
} from '../core/detectors/block-features.ts';
import { createSeededRandom, type SeededRandom } from '../media/fixtures/seeded-random.ts';
import {
  type BlockCorruptionWeights,
  CONV1_SIZE,
  HIDDEN_CHANNELS,
  KERNEL,
  outputGrid,
  STRIDE,
  sigmoid,
  TOP_K,
  WINDOW_SIZE,
  windowLogit,
} from './block-corruption-model.ts';
import type { TrainingFrame } from './block-corruption-training-set.ts';

/**
 * Deterministic training of the block-corruption model: fixed seed, fixed frame order per epoch, float64
 * arithmetic in a fixed summation order, so the same training set always gives the same weights.
 *
 * Labels exist per frame only (PSNR below 30 dB), not per place, so the model is trained as multiple-instance
 * learning: the frame logit is the mean of the top-K position logits and the loss is the class-weighted
 * cross-entropy of that against the frame label; gradients reach the K positions that decided.
 *
 * Evaluating all ~900 positions of every frame in every epoch would dominate the time, and only the
 * highest-scoring positions ever receive a gradient. So every `refreshEvery` epochs the whole model runs on
 * every frame and keeps each frame's `candidates` best positions; the epochs in between look at those only.
 */

export interface TrainingOptions {
  readonly epochs: number;
  /** Frames per Adam step. */
  readonly batchSize: number;
  readonly learningRate: number;
  /** L2 penalty on the weights (not the biases). */
  readonly weightDecay: number;
  readonly seed: number;
  /** Positions per frame kept between full passes (>= TOP_K). */
  readonly candidates: number;
  /** Epochs between full passes over every position. */
  readonly refreshEvery: number;
  /**
   * Frames damaged to a PSNR in `[positiveBelowDb, negativeFromDb)` are left out: near the truth's 30 dB
   * threshold a label says little about what the frame looks like, and those frames only blur the boundary.
   */
  readonly positiveBelowDb: number;
  readonly negativeFromDb: number;
}

export const DEFAULT_TRAINING_OPTIONS: TrainingOptions = Object.freeze({
  epochs: 24,
  batchSize: 16,
  learningRate: 0.003,
  weightDecay: 1e-4,
  seed: 20_250_303,
  candidates: 48,
  refreshEvery: 4,
  positiveBelowDb: 27,
  negativeFromDb: 40,
});

/** Progress after an epoch. */
export interface EpochReport {
  readonly epoch: number;
  /** Mean class-weighted cross-entropy over the epoch's frames. */
  readonly loss: number;
}

/** `LOG_TABLES[c][v]`: the model input for raw sum `v` of channel `c`, in float64. */
const LOG_TABLES: readonly Float64Array[] = CHANNEL_TERMS.map((_, channel) =>
  Float64Array.from({ length: MAX_RAW_SUM + 1 }, (_, v) => scaledFeature(channel, v)),
);

/** The model's inputs for output position `(oy, ox)` of a training frame (zero padding, as the graph). */
function gatherRaw(frame: TrainingFrame, oy: number, ox: number, out: Float64Array): void {
  const { rows, cols, features } = frame;
  const plane = rows * cols;
  let k = 0;
  for (let c = 0; c < BLOCK_FEATURE_CHANNELS; c++) {
    const table = LOG_TABLES[c]!;
    for (let ky = 0; ky < KERNEL; ky++) {
      const y = oy * STRIDE - 1 + ky;
      for (let kx = 0; kx < KERNEL; kx++) {
        const x = ox * STRIDE - 1 + kx;
        out[k++] = y >= 0 && y < rows && x >= 0 && x < cols ? table[features[c * plane + y * cols + x]!]! : 0;
      }
    }
  }
}

/** Logits of all output positions of a training frame. */
export function trainingFrameLogits(weights: BlockCorruptionWeights, frame: TrainingFrame): Float64Array {
  const grid = outputGrid(frame.rows, frame.cols);
  const logits = new Float64Array(grid.rows * grid.cols);
  const window = new Float64Array(WINDOW_SIZE);
  const hidden = new Float64Array(HIDDEN_CHANNELS);
  for (let oy = 0; oy < grid.rows; oy++) {
    for (let ox = 0; ox < grid.cols; ox++) {
      gatherRaw(frame, oy, ox, window);
      logits[oy * grid.cols + ox] = windowLogit(weights, window, hidden);
    }
  }
  return logits;
}

/** Indices of the `count` largest values, largest first; ties broken by the lower index (deterministic). */
export function topIndices(values: ArrayLike<number>, count: number): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => values[b]! - values[a]! || a - b);
  return order.slice(0, Math.min(count, values.length));
}

function uniformWeights(random: SeededRandom, size: number, limit: number): Float64Array {
  return Float64Array.from({ length: size }, () => (2 * random.next() - 1) * limit);
}

/** Trains the model on `frames`; the same frames and options always give the same weights. */
export function trainBlockCorruptionModel(
  allFrames: readonly TrainingFrame[],
  options: TrainingOptions = DEFAULT_TRAINING_OPTIONS,
  onEpoch?: (report: EpochReport) => void,
): BlockCorruptionWeights {
  const frames = allFrames.filter(
    (frame) => frame.psnrDb < options.positiveBelowDb || frame.psnrDb >= options.negativeFromDb,
  );
  if (frames.length === 0) throw new Error('no training frames');
  const random = createSeededRandom(options.seed);
  const weights = {
    // He-uniform for the ReLU layer, Glorot-uniform for the output.
    conv1: uniformWeights(random, CONV1_SIZE, Math.sqrt(6 / WINDOW_SIZE)),
    bias1: new Float64Array(HIDDEN_CHANNELS),
    conv2: uniformWeights(random, HIDDEN_CHANNELS, Math.sqrt(6 / (HIDDEN_CHANNELS + 1))),
    bias2: 0,
  };
  const labels = frames.map((frame) => (frame.psnrDb < options.positiveBelowDb ? 1 : 0));
  const positives = labels.reduce<number>((sum, label) => sum + label, 0);
  if (positives === 0 || positives === frames.length) throw new Error('training needs both classes');
  const classWeight = [0.5 / (1 - positives / frames.length), 0.5 / (positives / frames.length)] as const;

  const adam = createAdam(CONV1_SIZE + 2 * HIDDEN_CHANNELS + 1, options);
  const gradient = new Float64Array(CONV1_SIZE + 2 * HIDDEN_CHANNELS + 1);
  const candidates: Int32Array[] = new Array(frames.length);
  const window = new Float64Array(WINDOW_SIZE);
  const hidden = new Float64Array(HIDDEN_CHANNELS);
  const topWindows = new Float64Array(TOP_K * WINDOW_SIZE);
  const topHidden = new Float64Array(TOP_K * HIDDEN_CHANNELS);

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    if (epoch % options.refreshEvery === 0) {
      frames.forEach((frame, i) => {
        candidates[i] = topIndices(trainingFrameLogits(weights, frame), options.candidates);
      });
    }
    const order = Int32Array.from({ length: frames.length }, (_, i) => i);
    // Fisher-Yates with the seeded generator: the frame order is part of the reproducible recipe.
    for (let i = order.length - 1; i > 0; i--) {
      const j = random.nextInt(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    for (let start = 0; start < order.length; start += options.batchSize) {
      gradient.fill(0);
      const end = Math.min(order.length, start + options.batchSize);
      for (let b = start; b < end; b++) {
        const index = order[b]!;
        const frame = frames[index]!;
        const grid = outputGrid(frame.rows, frame.cols);
        const positions = candidates[index]!;
        const logits = new Float64Array(positions.length);
        positions.forEach((position, p) => {
          gatherRaw(frame, Math.floor(position / grid.cols), position % grid.cols, window);
          logits[p] = windowLogit(weights, window, hidden);
        });
        const top = topIndices(logits, TOP_K);
        let frameLogit = 0;
        top.forEach((p, t) => {
          frameLogit += logits[p]!;
          const position = positions[p]!;
          gatherRaw(frame, Math.floor(position / grid.cols), position % grid.cols, window);
          topWindows.set(window, t * WINDOW_SIZE);
          windowLogit(weights, window, hidden);
          topHidden.set(hidden, t * HIDDEN_CHANNELS);
        });
        frameLogit /= top.length;
        const label = labels[index]!;
        const weight = classWeight[label]!;
        const probability = sigmoid(frameLogit);
        lossSum -= weight * (label === 1 ? Math.log(probability + 1e-12) : Math.log(1 - probability + 1e-12));
        const perPosition = (weight * (probability - label)) / top.length;
        accumulateGradient(weights, gradient, top.length, topWindows, topHidden, perPosition);
      }
      const batch = end - start;
      for (let i = 0; i < gradient.length; i++) gradient[i] = gradient[i]! / batch;
      adam.step(weights, gradient);
    }
    onEpoch?.({ epoch, loss: lossSum / frames.length });
  }
  return weights;
}

/** Adds the gradient of `perPosition * logit` summed over the `count` deciding positions. */
function accumulateGradient(
  weights: BlockCorruptionWeights,
  gradient: Float64Array,
  count: number,
  windows: Float64Array,
  hiddens: Float64Array,
  perPosition: number,
): void {
  const conv2Offset = CONV1_SIZE;
  const bias1Offset = CONV1_SIZE + HIDDEN_CHANNELS;
  const bias2Offset = CONV1_SIZE + 2 * HIDDEN_CHANNELS;
  for (let t = 0; t < count; t++) {
    gradient[bias2Offset] = gradient[bias2Offset]! + perPosition;
    for (let h = 0; h < HIDDEN_CHANNELS; h++) {
      const active = hiddens[t * HIDDEN_CHANNELS + h]!;
      gradient[conv2Offset + h] = gradient[conv2Offset + h]! + perPosition * active;
      if (active <= 0) continue;
      const upstream = perPosition * weights.conv2[h]!;
      gradient[bias1Offset + h] = gradient[bias1Offset + h]! + upstream;
      const base = h * WINDOW_SIZE;
      for (let i = 0; i < WINDOW_SIZE; i++) {
        gradient[base + i] = gradient[base + i]! + upstream * windows[t * WINDOW_SIZE + i]!;
      }
    }
  }
}

interface Adam {
  step(
    weights: { conv1: Float64Array; bias1: Float64Array; conv2: Float64Array; bias2: number },
    gradient: Float64Array,
  ): void;
}

/** Adam over the flattened parameters `[conv1, conv2, bias1, bias2]`, with L2 decay on conv1 and conv2. */
function createAdam(size: number, options: TrainingOptions): Adam {
  const first = new Float64Array(size);
  const second = new Float64Array(size);
  const beta1 = 0.9;
  const beta2 = 0.999;
  let steps = 0;
  return {
    step(weights, gradient) {
      steps++;
      const correction1 = 1 - beta1 ** steps;
      const correction2 = 1 - beta2 ** steps;
      const update = (i: number, value: number, decay: boolean): number => {
        const g = gradient[i]! + (decay ? options.weightDecay * value : 0);
        first[i] = beta1 * first[i]! + (1 - beta1) * g;
        second[i] = beta2 * second[i]! + (1 - beta2) * g * g;
        return (
          value -
          (options.learningRate * (first[i]! / correction1)) / (Math.sqrt(second[i]! / correction2) + 1e-8)
        );
      };
      for (let i = 0; i < CONV1_SIZE; i++) weights.conv1[i] = update(i, weights.conv1[i]!, true);
      for (let h = 0; h < HIDDEN_CHANNELS; h++) {
        weights.conv2[h] = update(CONV1_SIZE + h, weights.conv2[h]!, true);
        weights.bias1[h] = update(CONV1_SIZE + HIDDEN_CHANNELS + h, weights.bias1[h]!, false);
      }
      weights.bias2 = update(CONV1_SIZE + 2 * HIDDEN_CHANNELS, weights.bias2, false);
    },
  };
}
