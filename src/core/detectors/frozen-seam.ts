import type { GreyFrame } from '../media.ts';

/**
 * The temporal half of `block-corruption`: a picture whose lower part stopped dead while the part above it
 * keeps moving. When a damaged P-frame loses the rest of its slice, the decoder conceals the missing
 * macroblocks by copying them from the reference picture: from the break point to the bottom of the
 * picture nothing changes, while everything above still moves. On soft natural content this shows few
 * block edges (the single-frame model misses it) but the frame difference has an unmistakable shape: a
 * band of exactly unchanged rows from some row to the bottom, under rows that move.
 *
 * Cells of 4 x 4 pixels, counted per cell row. A cell is *unchanged* when all its 16 pixels are
 * bit-identical to the previous frame, and *moving* when its mean absolute difference is at least
 * {@link MOVING_MEAN_DIFF}.
 *
 * {@link frozenSeam} judges one pair of frames: the frozen band is the run of cell rows, counted up from
 * the bottom, in which at least {@link FROZEN_ROW_SHARE} of the cells are unchanged; the pair shows a seam
 * when the band is at least {@link MIN_FROZEN_ROWS} rows high, does not reach the top (at least
 * {@link MIN_MOVING_ROWS} rows above it), the {@link MIN_MOVING_ROWS} rows right above it have at least
 * {@link MOVING_ROW_SHARE} moving cells on average (motion stops at a line), and the band holds texture
 * (mean absolute horizontal neighbour difference at least {@link MIN_BAND_TEXTURE}: a letterbox bar is
 * not concealment). A whole frozen picture (a freeze, a repeated frame) shows no seam: nothing moves above.
 *
 * A seam alone also fits a legitimately static lower picture under moving content (a static graphic, a
 * locked-off shot), so the detector opens a finding only where the band *stopped*: where at least
 * {@link STOPPED_BAND_SHARE} of its cells were moving between the two frames before
 * ({@link movingCellsPerRow}, {@link bandWasMoving}), and then follows the seam forwards while it lasts.
 */

/** Mean absolute difference (grey levels) from which a cell counts as moving. */
export const MOVING_MEAN_DIFF = 1;
/** Share of unchanged cells from which a cell row belongs to the frozen band. */
export const FROZEN_ROW_SHARE = 0.97;
/** Smallest frozen band, cell rows (8 pixels at the analysis size). */
export const MIN_FROZEN_ROWS = 2;
/** Cell rows right above the band that must move, and the least rows left above it. */
export const MIN_MOVING_ROWS = 2;
/** Mean share of moving cells over the rows right above the band. */
export const MOVING_ROW_SHARE = 0.3;
/** Share of the band's cells that must have been moving between the two frames before: the band stopped. */
export const STOPPED_BAND_SHARE = 0.2;
/** Least mean absolute horizontal neighbour difference inside the band, grey levels. */
export const MIN_BAND_TEXTURE = 0.25;

const CELL = 4;

/**
 * True when the 16 pixels of cell `(r, c)` are bit-identical in both frames. With 32-bit views of both
 * frames (4-byte aligned rows, {@link wordViews}) that is four word comparisons.
 */
export function isUnchangedCell(
  a: Uint8Array,
  b: Uint8Array,
  words: readonly [Uint32Array, Uint32Array] | undefined,
  width: number,
  r: number,
  c: number,
): boolean {
  if (words !== undefined) {
    const [wa, wb] = words;
    const stride = width >>> 2;
    const w = r * CELL * stride + c;
    return (
      wa[w] === wb[w] &&
      wa[w + stride] === wb[w + stride] &&
      wa[w + 2 * stride] === wb[w + 2 * stride] &&
      wa[w + 3 * stride] === wb[w + 3 * stride]
    );
  }
  for (let y = 0; y < CELL; y++) {
    const base = (r * CELL + y) * width + c * CELL;
    for (let x = 0; x < CELL; x++) if (a[base + x] !== b[base + x]) return false;
  }
  return true;
}

/**
 * Sum of absolute differences over one cell, 0 exactly when the cell is unchanged. With word views an
 * unchanged cell is recognised from four comparisons ({@link isUnchangedCell}), the common case in the rows
 * this module scans (static areas, the frozen band).
 */
function cellDiff(
  a: Uint8Array,
  b: Uint8Array,
  words: readonly [Uint32Array, Uint32Array] | undefined,
  width: number,
  r: number,
  c: number,
): number {
  if (words !== undefined && isUnchangedCell(a, b, words, width, r, c)) return 0;
  let sum = 0;
  for (let y = 0; y < CELL; y++) {
    const base = (r * CELL + y) * width + c * CELL;
    for (let x = 0; x < CELL; x++) sum += Math.abs(a[base + x]! - b[base + x]!);
  }
  return sum;
}

/** 32-bit views of two same-size frames when their rows are 4-byte aligned, for {@link cellDiff}. */
export function wordViews(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
): [Uint32Array, Uint32Array] | undefined {
  if (width % 4 !== 0 || a.byteOffset % 4 !== 0 || b.byteOffset % 4 !== 0) return undefined;
  return [
    new Uint32Array(a.buffer, a.byteOffset, a.length >>> 2),
    new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2),
  ];
}

/** Shape of the frame difference that {@link frozenSeam} judged. */
export interface FrozenSeam {
  /** True when the pair shows a frozen band under moving rows (see the module comment). */
  readonly flagged: boolean;
  /** First cell row of the frozen band (= cell rows when there is none). */
  readonly bandTopRow: number;
  /** Cell rows of the grid. */
  readonly rows: number;
}

/**
 * Judges `current` against `previous` (the frame before it). Frames of different sizes, or grids smaller
 * than 8 x 8 cells, are never flagged.
 */
export function frozenSeam(previous: GreyFrame, current: GreyFrame): FrozenSeam {
  const { width, height } = current;
  const rows = Math.floor(height / CELL);
  const cols = Math.floor(width / CELL);
  const none: FrozenSeam = { flagged: false, bandTopRow: rows, rows };
  if (previous.width !== width || previous.height !== height || rows < 8 || cols < 8) return none;
  const a = previous.data;
  const b = current.data;
  const words = wordViews(a, b, width);
  // Only the band and the rows right above it matter, so rows are examined from the bottom up and the
  // scan stops at the first row that is not frozen.
  let top = rows;
  const moving = new Int32Array(rows);
  // Changed cells a row may hold and still belong to the band.
  const maxChanged = cols - Math.ceil(FROZEN_ROW_SHARE * cols);
  for (let r = rows - 1; r >= 0; r--) {
    let unchanged = 0;
    let movingCells = 0;
    for (let c = 0; c < cols; c++) {
      const sum = cellDiff(a, b, words, width, r, c);
      if (sum === 0) unchanged++;
      else if (sum >= MOVING_MEAN_DIFF * CELL * CELL) movingCells++;
      // The usual case, a bottom row that is not frozen: no band, nothing more to look at.
      if (top === rows && c + 1 - unchanged > maxChanged) return none;
    }
    moving[r] = movingCells;
    if (r === top - 1 && unchanged >= FROZEN_ROW_SHARE * cols) {
      top = r;
      continue;
    }
    // The band ended (or never began): only the motion of the rows right above it is still needed.
    if (top === rows || r <= top - MIN_MOVING_ROWS) break;
  }
  const bandRows = rows - top;
  if (bandRows < MIN_FROZEN_ROWS || top < MIN_MOVING_ROWS) return { flagged: false, bandTopRow: top, rows };
  let movingAbove = 0;
  for (let r = top - MIN_MOVING_ROWS; r < top; r++) movingAbove += moving[r]!;
  if (movingAbove < MOVING_ROW_SHARE * MIN_MOVING_ROWS * cols)
    return { flagged: false, bandTopRow: top, rows };
  let texture = 0;
  for (let y = top * CELL; y < rows * CELL; y++) {
    const base = y * width;
    for (let x = 0; x < cols * CELL - 1; x++) texture += Math.abs(b[base + x + 1]! - b[base + x]!);
  }
  const meanTexture = texture / (bandRows * CELL * (cols * CELL - 1));
  return { flagged: meanTexture >= MIN_BAND_TEXTURE, bandTopRow: top, rows };
}

/**
 * Moving cells of every cell row between `previous` and `current` (same-size frames; empty otherwise).
 * Rows above `fromRow` are not examined and count 0.
 */
export function movingCellsPerRow(previous: GreyFrame, current: GreyFrame, fromRow = 0): number[] {
  const { width, height } = current;
  if (previous.width !== width || previous.height !== height) return [];
  const rows = Math.floor(height / CELL);
  const cols = Math.floor(width / CELL);
  const a = previous.data;
  const b = current.data;
  const words = wordViews(a, b, width);
  const counts: number[] = [];
  for (let r = 0; r < rows; r++) {
    let movingCells = 0;
    if (r < fromRow) {
      counts.push(0);
      continue;
    }
    for (let c = 0; c < cols; c++) {
      if (cellDiff(a, b, words, width, r, c) >= MOVING_MEAN_DIFF * CELL * CELL) movingCells++;
    }
    counts.push(movingCells);
  }
  return counts;
}

/**
 * True when the band from cell row `bandTopRow` down was moving in the transition whose per-row moving
 * cells are `movingPerRow` (on a grid `cols` cells wide): the band stopped rather than being static.
 * Integer counts keep the decision identical wherever it is made.
 */
export function bandWasMoving(movingPerRow: readonly number[], bandTopRow: number, cols: number): boolean {
  const rows = movingPerRow.length;
  if (bandTopRow >= rows || cols <= 0) return false;
  let moving = 0;
  for (let r = bandTopRow; r < rows; r++) moving += movingPerRow[r]!;
  return moving >= STOPPED_BAND_SHARE * (rows - bandTopRow) * cols;
}
