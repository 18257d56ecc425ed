import { describe, expect, it } from 'vitest';
import type { GreyFrame } from '../media.ts';
import {
  BLOCK_FEATURE_CHANNELS,
  cellGrid,
  computeBlockFeatures,
  computeBlockFeaturesReference,
  featureLength,
} from './block-features.ts';

function pseudoRandomFrame(width: number, height: number, seed: number, byteOffset = 0): GreyFrame {
  const buffer = new Uint8Array(width * height + byteOffset);
  let state = seed >>> 0;
  for (let i = 0; i < buffer.length; i++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    buffer[i] = state >>> 24;
  }
  return { ptsSec: 0, width, height, data: buffer.subarray(byteOffset, byteOffset + width * height) };
}

describe('block features', () => {
  it('match the pixel-by-pixel reference for aligned, unaligned and odd-sized frames', () => {
    for (const [width, height, offset] of [
      [320, 180, 0],
      [320, 180, 1],
      [318, 182, 0],
      [16, 8, 0],
    ] as const) {
      const frame = pseudoRandomFrame(width, height, width + height + offset, offset);
      const out = new Float32Array(featureLength(cellGrid(width, height)));
      computeBlockFeatures(frame, out);
      expect(Array.from(out)).toEqual(Array.from(computeBlockFeaturesReference(frame)));
    }
  });

  it('separates gradients inside cells from gradients across cell borders', () => {
    // 8 x 8 frame: left 4 columns at 10, right 4 at 50 -> one vertical edge exactly on a cell border.
    const data = new Uint8Array(64).map((_, i) => (i % 8 < 4 ? 10 : 50));
    const out = new Float32Array(featureLength(cellGrid(8, 8)));
    const grid = computeBlockFeatures({ ptsSec: 0, width: 8, height: 8, data }, out);
    expect(grid).toEqual({ rows: 2, cols: 2 });
    const channel = (c: number) => Array.from(out.subarray(c * 4, c * 4 + 4));
    expect(channel(0)).toEqual([160, 800, 160, 800]);
    expect(channel(1)).toEqual([0, 0, 0, 0]);
    expect(channel(2)).toEqual([160, 0, 160, 0]); // 4 rows x |50 - 10|, only left cells have a right border
    expect(channel(3)).toEqual([0, 0, 0, 0]);
    expect(channel(4)).toEqual([0, 0, 0, 0]);
  });

  it('writes at an offset, channel-major, and leaves the rest of the buffer alone', () => {
    const frame = pseudoRandomFrame(16, 8, 3);
    const length = featureLength(cellGrid(16, 8));
    expect(length).toBe(BLOCK_FEATURE_CHANNELS * 2 * 4);
    const out = new Float32Array(3 * length).fill(-1);
    computeBlockFeatures(frame, out, length);
    expect(out.subarray(0, length).every((v) => v === -1)).toBe(true);
    expect(Array.from(out.subarray(length, 2 * length))).toEqual(
      Array.from(computeBlockFeaturesReference(frame)),
    );
    expect(out.subarray(2 * length).every((v) => v === -1)).toBe(true);
    expect(() => computeBlockFeatures(frame, new Float32Array(length - 1))).toThrow(RangeError);
  });
});
