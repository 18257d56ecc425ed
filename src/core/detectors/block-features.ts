import type { GreyFrame } from '../media.ts';

/**
 * The fixed feature filters in front of the block-corruption model. They run in plain TypeScript (the
 * training script and the ONNX adapter share this file), because running them on full-resolution frames
 * inside onnxruntime costs several times more than the whole model.
 *
 * The frame is cut into cells of 4 x 4 pixels (the grid starts at the top-left pixel; the right and bottom
 * remainders that do not fill a cell are ignored). For each cell five integer sums are computed:
 *
 * | channel | sum over the cell                                                                    | terms |
 * | ------- | ------------------------------------------------------------------------------------ | ----- |
 * | 0       | luma values                                                                          | 16    |
 * | 1       | `abs(p[x+1] - p[x])` for the 3 horizontal neighbour pairs inside each row           | 12    |
 * | 2       | `abs` difference from the cell's last column to the next cell's first column (0 at the grid's right edge) | 4 |
 * | 3       | `abs(p[y+1] - p[y])` for the 3 vertical neighbour pairs inside each column          | 12    |
 * | 4       | `abs` difference from the cell's last row to the next cell's first row (0 at the grid's bottom edge) | 4 |
 *
 * Channels 1-4 separate gradients inside a cell from gradients across cell borders: damaged macroblocks
 * (concealment, wrong residuals, smeared intra prediction) change that balance. The model divides each sum
 * by its number of terms and takes `log(1 + x)` ({@link computeModelInput}); the training data keeps the
 * raw integer sums.
 */

/** Feature channels per cell. */
export const BLOCK_FEATURE_CHANNELS = 5;
/** Cell edge, pixels. */
export const CELL_PX = 4;
/** Terms behind each channel's sum, in channel order (the model's input scaling divides by these). */
export const CHANNEL_TERMS: readonly number[] = Object.freeze([16, 12, 4, 12, 4]);

/** Cell grid of a frame: `rows x cols` cells of `CELL_PX` pixels. */
export interface CellGrid {
  readonly rows: number;
  readonly cols: number;
}

/** The cell grid covering a `width x height` frame (remainders dropped). */
export function cellGrid(width: number, height: number): CellGrid {
  return { rows: Math.floor(height / CELL_PX), cols: Math.floor(width / CELL_PX) };
}

/** Number of feature values of one frame: `BLOCK_FEATURE_CHANNELS * rows * cols`. */
export function featureLength(grid: CellGrid): number {
  return BLOCK_FEATURE_CHANNELS * grid.rows * grid.cols;
}

/** `ABS_DIFF[a | (b << 8)] = |a - b|`: one table load replaces a subtraction, a branch and a select. */
const ABS_DIFF = new Uint8Array(65_536);
for (let i = 0; i < 65_536; i++) ABS_DIFF[i] = Math.abs((i & 255) - (i >>> 8));

const EVEN_BYTES = 0x00ff00ff;
const ODD_BYTES = 0xff00ff00;

// Pixels are read as 32-bit words (4 pixels of a cell row at once); the byte order inside a word is the
// platform's, and every supported platform (x64, arm64) is little-endian.
if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
  throw new Error('block features need a little-endian platform');
}

let scratch = new Uint8Array(0);

/** Largest value of any channel's raw sum (16 pixels of 255). */
export const MAX_RAW_SUM = 16 * 255;

/** Per channel, a table from raw sum (0..MAX_RAW_SUM) to the value written. */
type ChannelTables = readonly Float32Array[];

const RAW_TABLES: ChannelTables = CHANNEL_TERMS.map((_) =>
  Float32Array.from({ length: MAX_RAW_SUM + 1 }, (_, v) => v),
);

/** The model's input scaling of a raw sum of channel `channel`: `log(1 + sum / terms)` (float64). */
export function scaledFeature(channel: number, rawSum: number): number {
  return Math.log1p(rawSum / CHANNEL_TERMS[channel]!);
}

const MODEL_INPUT_TABLES: ChannelTables = CHANNEL_TERMS.map((_, channel) =>
  Float32Array.from({ length: MAX_RAW_SUM + 1 }, (_, v) => scaledFeature(channel, v)),
);

/**
 * Writes the raw sums of `frame` into `out` from `offset`, channel-major (`[channel][row][col]`, the
 * layout of one `N x 5 x rows x cols` tensor item). Returns the grid. Pure apart from a reused scratch
 * buffer for frames whose rows are not 4-byte aligned.
 */
export function computeBlockFeatures(frame: GreyFrame, out: Float32Array, offset = 0): CellGrid {
  return fillCells(frame, out, offset, RAW_TABLES);
}

/**
 * Writes the model's input for `frame`: the raw sums scaled to `log(1 + sum / terms)` (mean luma and mean
 * absolute differences on a log scale), same layout as {@link computeBlockFeatures}. The scaling is done
 * here by table lookup rather than in the graph: three element-wise passes in onnxruntime cost more than
 * the convolution itself.
 */
export function computeModelInput(frame: GreyFrame, out: Float32Array, offset = 0): CellGrid {
  return fillCells(frame, out, offset, MODEL_INPUT_TABLES);
}

function fillCells(frame: GreyFrame, out: Float32Array, offset: number, tables: ChannelTables): CellGrid {
  const grid = cellGrid(frame.width, frame.height);
  const { rows, cols } = grid;
  if (rows === 0 || cols === 0) return grid;
  if (offset < 0 || offset + featureLength(grid) > out.length) {
    throw new RangeError(`feature buffer too small for a ${frame.width}x${frame.height} frame`);
  }
  let bytes = frame.data;
  let rowBytes = frame.width;
  if (frame.width % 4 !== 0 || frame.data.byteOffset % 4 !== 0) {
    // Copy the cell area into a compact, aligned buffer; the grid's edges never read past it.
    rowBytes = cols * CELL_PX;
    const size = rowBytes * rows * CELL_PX;
    if (scratch.length < size) scratch = new Uint8Array(size);
    for (let y = 0; y < rows * CELL_PX; y++) {
      scratch.set(frame.data.subarray(y * frame.width, y * frame.width + rowBytes), y * rowBytes);
    }
    bytes = scratch;
  }
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, (rowBytes * rows * CELL_PX) >>> 2);
  const wpr = rowBytes >>> 2;
  const plane = rows * cols;
  const table = ABS_DIFF;
  const [t0, t1, t2, t3, t4] = tables as [
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
    Float32Array,
  ];
  for (let cy = 0; cy < rows; cy++) {
    const base = cy * CELL_PX * wpr;
    const lastRow = cy === rows - 1;
    // The next cell's row words, loaded for this cell's right border, are this cell's words next time.
    let n0 = words[base]!;
    let n1 = words[base + wpr]!;
    let n2 = words[base + 2 * wpr]!;
    let n3 = words[base + 3 * wpr]!;
    for (let cx = 0; cx < cols; cx++) {
      const i0 = base + cx;
      const a0 = n0;
      const a1 = n1;
      const a2 = n2;
      const a3 = n3;
      // Luma sum: even and odd bytes in 16-bit lanes, then the two lanes folded.
      const lanes =
        (a0 & EVEN_BYTES) +
        (a1 & EVEN_BYTES) +
        (a2 & EVEN_BYTES) +
        (a3 & EVEN_BYTES) +
        ((a0 >>> 8) & EVEN_BYTES) +
        ((a1 >>> 8) & EVEN_BYTES) +
        ((a2 >>> 8) & EVEN_BYTES) +
        ((a3 >>> 8) & EVEN_BYTES);
      const sum = (lanes & 0xffff) + (lanes >>> 16);
      // Horizontal pairs inside a row word: bytes (0,1), (1,2), (2,3) are the 16-bit windows at 0, 8, 16.
      const hInside =
        table[a0 & 0xffff]! +
        table[(a0 >>> 8) & 0xffff]! +
        table[a0 >>> 16]! +
        table[a1 & 0xffff]! +
        table[(a1 >>> 8) & 0xffff]! +
        table[a1 >>> 16]! +
        table[a2 & 0xffff]! +
        table[(a2 >>> 8) & 0xffff]! +
        table[a2 >>> 16]! +
        table[a3 & 0xffff]! +
        table[(a3 >>> 8) & 0xffff]! +
        table[a3 >>> 16]!;
      let hBorder = 0;
      if (cx < cols - 1) {
        n0 = words[i0 + 1]!;
        n1 = words[i0 + 1 + wpr]!;
        n2 = words[i0 + 1 + 2 * wpr]!;
        n3 = words[i0 + 1 + 3 * wpr]!;
        hBorder =
          table[(a0 >>> 24) | ((n0 & 0xff) << 8)]! +
          table[(a1 >>> 24) | ((n1 & 0xff) << 8)]! +
          table[(a2 >>> 24) | ((n2 & 0xff) << 8)]! +
          table[(a3 >>> 24) | ((n3 & 0xff) << 8)]!;
      }
      const vInside =
        verticalPairs(table, a0, a1) + verticalPairs(table, a1, a2) + verticalPairs(table, a2, a3);
      const vBorder = lastRow ? 0 : verticalPairs(table, a3, words[i0 + CELL_PX * wpr]!);
      const k = offset + cy * cols + cx;
      out[k] = t0[sum]!;
      out[k + plane] = t1[hInside]!;
      out[k + 2 * plane] = t2[hBorder]!;
      out[k + 3 * plane] = t3[vInside]!;
      out[k + 4 * plane] = t4[vBorder]!;
    }
  }
  return grid;
}

/** Sum of `|upper[i] - lower[i]|` over the 4 bytes of two row words (pairs interleaved into 16-bit halves). */
function verticalPairs(table: Uint8Array, upper: number, lower: number): number {
  const even = (upper & EVEN_BYTES) | ((lower & EVEN_BYTES) << 8);
  const odd = ((upper >>> 8) & EVEN_BYTES) | (lower & ODD_BYTES);
  return table[even & 0xffff]! + table[even >>> 16]! + table[odd & 0xffff]! + table[odd >>> 16]!;
}

/**
 * Reference implementation of {@link computeBlockFeatures}, one pixel at a time: slow, obviously correct,
 * used by the tests to check the word-parallel version.
 */
export function computeBlockFeaturesReference(frame: GreyFrame): Float32Array {
  const { rows, cols } = cellGrid(frame.width, frame.height);
  const out = new Float32Array(featureLength({ rows, cols }));
  const plane = rows * cols;
  const px = (x: number, y: number): number => frame.data[y * frame.width + x]!;
  for (let cy = 0; cy < rows; cy++) {
    for (let cx = 0; cx < cols; cx++) {
      const k = cy * cols + cx;
      for (let dy = 0; dy < CELL_PX; dy++) {
        for (let dx = 0; dx < CELL_PX; dx++) {
          const x = cx * CELL_PX + dx;
          const y = cy * CELL_PX + dy;
          out[k] = out[k]! + px(x, y);
          if (dx < CELL_PX - 1) out[k + plane] = out[k + plane]! + Math.abs(px(x + 1, y) - px(x, y));
          else if (cx < cols - 1)
            out[k + 2 * plane] = out[k + 2 * plane]! + Math.abs(px(x + 1, y) - px(x, y));
          if (dy < CELL_PX - 1) out[k + 3 * plane] = out[k + 3 * plane]! + Math.abs(px(x, y + 1) - px(x, y));
          else if (cy < rows - 1)
            out[k + 4 * plane] = out[k + 4 * plane]! + Math.abs(px(x, y + 1) - px(x, y));
        }
      }
    }
  }
  return out;
}
