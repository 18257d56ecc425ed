import { describe, expect, it } from 'vitest';
import type { Finding } from '../finding.ts';
import {
  addTone,
  createTestClip,
  detectorFor,
  runTestClip,
  TEST_CHUNKINGS,
  type TestClip,
} from './test-clip-builder.ts';

const FPS = 25;
const W = 32;
const H = 18;
/** Cut times, seconds (on frame boundaries), at uneven intervals like edited film. */
const CUTS = [0.8, 2.0, 2.72, 4.4, 5.2, 6.6, 7.48, 8.8];
/** Sound times unrelated to the cuts (the control): a different distance from each cut. */
const UNRELATED_SEC = [-0.37, 0.21, -0.13, 0.45, 0.3, -0.26, 0.09, -0.44];

/** Shots of slowly panning textures (a different texture per shot) with a sound at each cut, shifted. */
function trailer(offsetMs: number, soundsAtCuts = true): TestClip {
  const clip = createTestClip({ durationSec: 10, fps: FPS, width: W, height: H });
  clip.frames!.forEach((_, i) => {
    const shot = CUTS.filter((cut) => i >= Math.round(cut * FPS)).length;
    const data = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) data[y * W + x] = 60 + ((x * (3 + shot) + y * (5 + 2 * shot) + i) % 90);
    }
    clip.frames![i] = data;
  });
  CUTS.forEach((cut, k) => {
    const at = soundsAtCuts ? cut : cut + UNRELATED_SEC[k]!;
    addTone(clip, at + offsetMs / 1000, 0.15 + 0.05 * (k % 3), 300 + 150 * k, 0.3);
  });
  return clip;
}

async function findings(clip: TestClip, chunkSeconds = 1): Promise<Finding[]> {
  return (await runTestClip(clip, [detectorFor('av-sync')], chunkSeconds, { viaJson: true })).findings;
}

describe('av-sync on natural content (no markers)', () => {
  it('measures audio 300 ms late from sounds at cuts, the same for every chunking', async () => {
    const expected = await findings(trailer(300));
    expect(expected).toHaveLength(1);
    expect(expected[0]!.details).toMatchObject({ method: 'natural', acceptable: false });
    expect(Math.abs(Number(expected[0]!.details!.offsetMs) - 300)).toBeLessThanOrEqual(20);
    expect(expected[0]!.confidence).toBeGreaterThanOrEqual(0.5);
    for (const chunkSeconds of TEST_CHUNKINGS)
      expect(await findings(trailer(300), chunkSeconds)).toEqual(expected);
  });

  it('measures audio 100 ms early', async () => {
    const [finding] = await findings(trailer(-100));
    expect(Math.abs(Number(finding!.details!.offsetMs) + 100)).toBeLessThanOrEqual(20);
  });

  it('reports nothing in sync, within the detectability window, or without sounds at the cuts', async () => {
    expect(await findings(trailer(0))).toEqual([]);
    expect(await findings(trailer(100))).toEqual([]);
    expect(await findings(trailer(-40))).toEqual([]);
    expect(await findings(trailer(0, false))).toEqual([]);
  });
});
