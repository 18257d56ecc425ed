import { describe, expect, it } from 'vitest';
import type { GreyFrame } from '../media.ts';
import { bandWasMoving, frozenSeam, movingCellsPerRow } from './frozen-seam.ts';
import { movingFrame } from './test-clip-builder.ts';

const WIDTH = 64;
const HEIGHT = 48;

function frame(data: Uint8Array, width = WIDTH, height = HEIGHT): GreyFrame {
  return { ptsSec: 0, width, height, data };
}

/** Frame `index` of moving content whose pixel rows from `frozenFromY` down are those of frame `frozenAt`. */
function partlyFrozen(index: number, frozenFromY: number, frozenAt: number): Uint8Array {
  const data = movingFrame(index, WIDTH, HEIGHT);
  data.set(movingFrame(frozenAt, WIDTH, HEIGHT).subarray(frozenFromY * WIDTH), frozenFromY * WIDTH);
  return data;
}

describe('frozenSeam', () => {
  it('flags a frame whose lower part stopped under moving rows, and reports where the band starts', () => {
    const seam = frozenSeam(frame(movingFrame(9, WIDTH, HEIGHT)), frame(partlyFrozen(10, 24, 9)));
    expect(seam).toEqual({ flagged: true, bandTopRow: 6, rows: 12 });
  });

  it('keeps flagging while the band stays frozen and the rows above keep moving', () => {
    const seam = frozenSeam(frame(partlyFrozen(10, 24, 9)), frame(partlyFrozen(11, 24, 9)));
    expect(seam.flagged).toBe(true);
  });

  it('does not flag moving pictures, whole frozen pictures, or a band reaching the top', () => {
    const moving = frozenSeam(frame(movingFrame(3, WIDTH, HEIGHT)), frame(movingFrame(4, WIDTH, HEIGHT)));
    expect(moving).toEqual({ flagged: false, bandTopRow: 12, rows: 12 });
    const still = movingFrame(5, WIDTH, HEIGHT);
    expect(frozenSeam(frame(still), frame(still.slice())).flagged).toBe(false);
    // Only the top 4 pixel rows (one cell row) move: too few moving rows above the band.
    expect(frozenSeam(frame(movingFrame(9, WIDTH, HEIGHT)), frame(partlyFrozen(10, 4, 9))).flagged).toBe(
      false,
    );
  });

  it('does not flag a band of one cell row', () => {
    expect(frozenSeam(frame(movingFrame(9, WIDTH, HEIGHT)), frame(partlyFrozen(10, 44, 9))).flagged).toBe(
      false,
    );
  });

  it('does not flag a flat static area under moving content (a letterbox bar)', () => {
    const bar = (index: number) => {
      const data = movingFrame(index, WIDTH, HEIGHT);
      data.fill(16, 32 * WIDTH);
      return data;
    };
    expect(frozenSeam(frame(bar(1)), frame(bar(2))).flagged).toBe(false);
  });

  it('does not flag when the motion right above the band is too weak', () => {
    // Above the band only a narrow column moves; the rest of the picture is static too.
    const still = movingFrame(0, WIDTH, HEIGHT);
    const next = still.slice();
    for (let y = 0; y < 24; y++) next[y * WIDTH] = (next[y * WIDTH]! + 50) % 256;
    expect(frozenSeam(frame(still), frame(next)).flagged).toBe(false);
  });

  it('never flags frames of different sizes or grids under 8 x 8 cells', () => {
    const small = (index: number) => frame(movingFrame(index, 28, 28), 28, 28);
    expect(frozenSeam(small(1), small(2)).flagged).toBe(false);
    expect(frozenSeam(frame(movingFrame(9, 64, 40), 64, 40), frame(partlyFrozen(10, 24, 9))).flagged).toBe(
      false,
    );
  });

  it('counts moving cells per row, and tells a band that stopped from one that was static', () => {
    const before = movingCellsPerRow(
      frame(movingFrame(8, WIDTH, HEIGHT)),
      frame(movingFrame(9, WIDTH, HEIGHT)),
    );
    expect(before).toEqual(new Array(12).fill(16));
    expect(bandWasMoving(before, 6, 16)).toBe(true);
    const staticBelow = movingCellsPerRow(frame(partlyFrozen(9, 24, 9)), frame(partlyFrozen(10, 24, 9)));
    expect(staticBelow).toEqual([...new Array(6).fill(16), ...new Array(6).fill(0)]);
    expect(bandWasMoving(staticBelow, 6, 16)).toBe(false);
    // Rows above `fromRow` are skipped.
    expect(
      movingCellsPerRow(frame(movingFrame(8, WIDTH, HEIGHT)), frame(movingFrame(9, WIDTH, HEIGHT)), 10),
    ).toEqual([...new Array(10).fill(0), 16, 16]);
  });

  it('gives the same verdicts on frame data that is not 4-byte aligned (byte-wise path)', () => {
    const unaligned = (data: Uint8Array) => {
      const buffer = new Uint8Array(data.length + 1);
      buffer.set(data, 1);
      return frame(buffer.subarray(1));
    };
    const before = movingFrame(9, WIDTH, HEIGHT);
    const after = partlyFrozen(10, 24, 9);
    expect(frozenSeam(unaligned(before), unaligned(after))).toEqual(frozenSeam(frame(before), frame(after)));
    expect(frozenSeam(unaligned(before), unaligned(after)).flagged).toBe(true);
    const pair = [unaligned(movingFrame(8, WIDTH, HEIGHT)), unaligned(partlyFrozen(9, 24, 8))] as const;
    expect(movingCellsPerRow(...pair)).toEqual([...new Array(6).fill(16), ...new Array(6).fill(0)]);
  });
});
