/**
 * The runtime contract of the block-corruption ONNX model, shared by the detector side (the infra adapter
 * that runs the session) and the offline training tools in `src/ml`, so that neither imports the other:
 * input and output names, the input layout (the fixed feature filters of `block-features.ts`, channels
 * first: `[frames, BLOCK_FEATURE_CHANNELS, rows, cols]`) and the smallest grid the graph accepts.
 */

/** Stride of the first convolution over the cell grid. */
export const STRIDE = 2;
/** Output positions averaged into the frame score (the graph's `TopK`). */
export const TOP_K = 8;

/** Names of the graph's input and output. */
export const MODEL_INPUT = 'cells';
export const MODEL_OUTPUT = 'score';

/** Output positions of a `rows x cols` cell grid: `ceil(rows / 2) x ceil(cols / 2)`. */
export function outputGrid(rows: number, cols: number): { rows: number; cols: number } {
  return { rows: Math.ceil(rows / STRIDE), cols: Math.ceil(cols / STRIDE) };
}

/** Smallest cell grid the graph accepts: `TopK` needs at least {@link TOP_K} output positions. */
export function acceptsGrid(rows: number, cols: number): boolean {
  const grid = outputGrid(rows, cols);
  return grid.rows * grid.cols >= TOP_K;
}
