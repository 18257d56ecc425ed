import type { onnx as OnnxTypes } from 'onnx-proto';
import onnxProto from 'onnx-proto';
import {
  acceptsGrid,
  MODEL_INPUT,
  MODEL_OUTPUT,
  outputGrid,
  STRIDE,
  TOP_K,
} from '../core/detectors/block-corruption-model-contract.ts';
import { BLOCK_FEATURE_CHANNELS, scaledFeature } from '../core/detectors/block-features.ts';

export { acceptsGrid, MODEL_INPUT, MODEL_OUTPUT, outputGrid, STRIDE, TOP_K };

/**
 * The block-corruption model: its architecture, a float64 forward pass used by training, and the ONNX graph
 * written with onnx-proto. The ONNX graph and {@link cellLogits} compute the same function (the graph in
 * float32).
 *
 * Input `cells`: float32 `[N, 5, rows, cols]`, the per-cell features of `block-features.ts` scaled to
 * `log(1 + sum / terms)` (`computeModelInput`).
 * 1. Fixed filters and scaling, outside the graph (`block-features.ts`): mean luma and mean absolute
 *    differences inside cells and across cell borders, on a log scale.
 * 2. Learned `Conv 3x3, stride 2, pad 1` (5 -> {@link HIDDEN_CHANNELS}) + ReLU: each output position sees
 *    3 x 3 cells (12 x 12 pixels), positions 8 pixels apart.
 * 3. Learned `Conv 1x1` (-> 1): a damage logit per position.
 * 4. Mean of the {@link TOP_K} largest logits of the frame, then sigmoid: the frame score. Damage is local,
 *    so the frame is judged by its worst places; averaging several keeps one odd spot of clean content
 *    (a sharp corner, a patch of noise) from deciding alone.
 */

const { onnx } = onnxProto;

export const HIDDEN_CHANNELS = 16;
export const KERNEL = 3;
/** ONNX operator set: opset 17 (onnxruntime 1.30 supports it; `ReduceMean` still takes `axes` as attribute). */
export const OPSET = 17;

/** Learned parameters, float64 while training. */
export interface BlockCorruptionWeights {
  /** `[HIDDEN][5][3][3]` flattened. */
  readonly conv1: Float64Array;
  readonly bias1: Float64Array;
  /** `[HIDDEN]`. */
  readonly conv2: Float64Array;
  readonly bias2: number;
}

/** Number of conv1 weights. */
export const CONV1_SIZE = HIDDEN_CHANNELS * BLOCK_FEATURE_CHANNELS * KERNEL * KERNEL;

/** Step 1 on raw sums (any numeric array, channel-major): `log(1 + sum / terms)`. */
export function scaleFeatures(raw: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const plane = rows * cols;
  const out = new Float64Array(BLOCK_FEATURE_CHANNELS * plane);
  for (let c = 0; c < BLOCK_FEATURE_CHANNELS; c++) {
    for (let i = 0; i < plane; i++) out[c * plane + i] = scaledFeature(c, raw[c * plane + i]!);
  }
  return out;
}

/**
 * Gathers the 45 inputs of output position `(oy, ox)` from scaled features (zero outside the grid, as
 * ONNX Conv padding), in the order of `conv1`'s `[channel][ky][kx]` layout.
 */
export function gatherWindow(
  scaled: Float64Array,
  rows: number,
  cols: number,
  oy: number,
  ox: number,
  out: Float64Array,
): void {
  const plane = rows * cols;
  let k = 0;
  for (let c = 0; c < BLOCK_FEATURE_CHANNELS; c++) {
    for (let ky = 0; ky < KERNEL; ky++) {
      const y = oy * STRIDE - 1 + ky;
      for (let kx = 0; kx < KERNEL; kx++) {
        const x = ox * STRIDE - 1 + kx;
        out[k++] = y >= 0 && y < rows && x >= 0 && x < cols ? scaled[c * plane + y * cols + x]! : 0;
      }
    }
  }
}

/** Inputs per output position. */
export const WINDOW_SIZE = BLOCK_FEATURE_CHANNELS * KERNEL * KERNEL;

/** Hidden activations (after ReLU) and logit of one window; `hidden` receives the activations. */
export function windowLogit(
  weights: BlockCorruptionWeights,
  window: Float64Array,
  hidden: Float64Array,
): number {
  let logit = weights.bias2;
  for (let h = 0; h < HIDDEN_CHANNELS; h++) {
    let sum = weights.bias1[h]!;
    const base = h * WINDOW_SIZE;
    for (let i = 0; i < WINDOW_SIZE; i++) sum += weights.conv1[base + i]! * window[i]!;
    const active = Math.max(sum, 0);
    hidden[h] = active;
    logit += weights.conv2[h]! * active;
  }
  return logit;
}

/** Logits of every output position of a frame (row-major over the output grid). */
export function cellLogits(
  weights: BlockCorruptionWeights,
  scaled: Float64Array,
  rows: number,
  cols: number,
): Float64Array {
  const grid = outputGrid(rows, cols);
  const logits = new Float64Array(grid.rows * grid.cols);
  const window = new Float64Array(WINDOW_SIZE);
  const hidden = new Float64Array(HIDDEN_CHANNELS);
  for (let oy = 0; oy < grid.rows; oy++) {
    for (let ox = 0; ox < grid.cols; ox++) {
      gatherWindow(scaled, rows, cols, oy, ox, window);
      logits[oy * grid.cols + ox] = windowLogit(weights, window, hidden);
    }
  }
  return logits;
}

/** Mean of the `k` largest values (all of them when there are fewer). */
export function topKMean(values: ArrayLike<number>, k: number = TOP_K): number {
  const sorted = Float64Array.from(values).sort();
  const n = Math.min(k, sorted.length);
  let sum = 0;
  for (let i = sorted.length - n; i < sorted.length; i++) sum += sorted[i]!;
  return n > 0 ? sum / n : Number.NEGATIVE_INFINITY;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Frame score of the float64 model, 0..1 (the reference for the ONNX graph). */
export function frameScore(
  weights: BlockCorruptionWeights,
  raw: ArrayLike<number>,
  rows: number,
  cols: number,
): number {
  return sigmoid(topKMean(cellLogits(weights, scaleFeatures(raw, rows, cols), rows, cols)));
}

/**
 * Serializes the model as ONNX (IR version 8, opset {@link OPSET}). The bytes depend only on the weights
 * (no timestamps, no environment), so the same weights always give the same file.
 */
export function encodeOnnxModel(weights: BlockCorruptionWeights, description: string): Uint8Array {
  const T = onnx.TensorProto.DataType;
  const floats = (name: string, dims: number[], values: ArrayLike<number>): OnnxTypes.ITensorProto => {
    const data = Float32Array.from(values as ArrayLike<number>);
    return {
      name,
      dims,
      dataType: T.FLOAT,
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  };
  const ints = (name: string, values: number[]): OnnxTypes.ITensorProto => ({
    name,
    dims: [values.length],
    dataType: T.INT64,
    int64Data: values,
  });
  const attr = (name: string, value: number | number[]): OnnxTypes.IAttributeProto =>
    Array.isArray(value)
      ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value }
      : { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
  const node = (
    opType: string,
    input: string[],
    output: string[],
    attribute: OnnxTypes.IAttributeProto[] = [],
  ): OnnxTypes.INodeProto => ({ opType, input, output, attribute, name: output[0] ?? opType });

  const channels = BLOCK_FEATURE_CHANNELS;
  const graph: OnnxTypes.IGraphProto = {
    name: 'block_corruption',
    node: [
      node(
        'Conv',
        [MODEL_INPUT, 'conv1_weight', 'conv1_bias'],
        ['conv1'],
        [
          attr('kernel_shape', [KERNEL, KERNEL]),
          attr('pads', [1, 1, 1, 1]),
          attr('strides', [STRIDE, STRIDE]),
        ],
      ),
      node('Relu', ['conv1'], ['hidden']),
      node(
        'Conv',
        ['hidden', 'conv2_weight', 'conv2_bias'],
        ['position_logits'],
        [attr('kernel_shape', [1, 1])],
      ),
      node('Flatten', ['position_logits'], ['flat_logits'], [attr('axis', 1)]),
      node('TopK', ['flat_logits', 'top_k'], ['top_logits', 'top_indices'], [attr('axis', 1)]),
      node('ReduceMean', ['top_logits'], ['frame_logit'], [attr('axes', [1]), attr('keepdims', 0)]),
      node('Sigmoid', ['frame_logit'], [MODEL_OUTPUT]),
    ],
    initializer: [
      floats('conv1_weight', [HIDDEN_CHANNELS, channels, KERNEL, KERNEL], weights.conv1),
      floats('conv1_bias', [HIDDEN_CHANNELS], weights.bias1),
      floats('conv2_weight', [1, HIDDEN_CHANNELS, 1, 1], weights.conv2),
      floats('conv2_bias', [1], [weights.bias2]),
      ints('top_k', [TOP_K]),
    ],
    input: [
      {
        name: MODEL_INPUT,
        type: {
          tensorType: {
            elemType: T.FLOAT,
            shape: {
              dim: [
                { dimParam: 'frames' },
                { dimValue: channels },
                { dimParam: 'rows' },
                { dimParam: 'cols' },
              ],
            },
          },
        },
      },
    ],
    output: [
      {
        name: MODEL_OUTPUT,
        type: { tensorType: { elemType: T.FLOAT, shape: { dim: [{ dimParam: 'frames' }] } } },
      },
    ],
  };
  const model: OnnxTypes.IModelProto = {
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'archbench',
    producerVersion: '1',
    docString: description,
    graph,
  };
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}
