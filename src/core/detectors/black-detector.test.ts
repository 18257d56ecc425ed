import { describe, expect, it } from 'vitest';
import { blackPixelThreshold } from './black-detector.ts';
import {
  createTestClip,
  detectorFor,
  runTestClip,
  setFrames,
  TEST_CHUNKINGS,
  type TestClip,
} from './test-clip-builder.ts';

const black = detectorFor('black');
const PIXELS = 32 * 18;

async function blacksOf(clip: TestClip, detector = black, chunkSeconds = 1) {
  const { findings } = await runTestClip(clip, [detector], chunkSeconds);
  return findings.map((f) => ({ startSec: f.startSec, endSec: f.endSec, confidence: f.confidence }));
}

function flat(value: number): Uint8Array {
  return new Uint8Array(PIXELS).fill(value);
}

/** `blackPixels` pixels at 16, the rest at 120. */
function partlyBlack(blackPixels: number): Uint8Array {
  const data = flat(120);
  data.fill(16, 0, blackPixels);
  return data;
}

describe('black detector', () => {
  it('uses ffmpeg pixel threshold for limited range: 16 + 0.1 * 219 truncated = 37', () => {
    expect(blackPixelThreshold(0.1)).toBe(37);
    expect(blackPixelThreshold(0)).toBe(16);
    expect(blackPixelThreshold(1)).toBe(235);
  });

  it('reports nothing on ordinary content', async () => {
    expect(await blacksOf(createTestClip())).toEqual([]);
  });

  it('reports [first black frame, first non-black frame) for injected black', async () => {
    const clip = createTestClip();
    setFrames(clip, 20, 90, flat(16));
    const findings = await blacksOf(clip);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.startSec).toBeCloseTo(0.8, 9);
    expect(findings[0]!.endSec).toBeCloseTo(3.6, 9);
    expect(findings[0]!.confidence).toBe(1);
  });

  it('counts luma 37 as black and 38 as not (pix_th 0.10)', async () => {
    const at = createTestClip();
    setFrames(at, 20, 90, flat(37));
    expect(await blacksOf(at)).toHaveLength(1);
    const above = createTestClip();
    setFrames(above, 20, 90, flat(38));
    expect(await blacksOf(above)).toEqual([]);
  });

  it('needs at least 98% black pixels per frame (pic_th 0.98)', async () => {
    // 565/576 = 0.9809 >= 0.98; 564/576 = 0.9792 < 0.98.
    const at = createTestClip();
    setFrames(at, 20, 90, partlyBlack(565));
    const findings = await blacksOf(at);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.confidence).toBeCloseTo((565 / 576 - 0.98) / 0.02, 9);
    const below = createTestClip();
    setFrames(below, 20, 90, partlyBlack(564));
    expect(await blacksOf(below)).toEqual([]);
  });

  it('keeps black of exactly 2 s and drops one frame less', async () => {
    const exact = createTestClip();
    setFrames(exact, 35, 85, flat(0));
    expect(await blacksOf(exact)).toHaveLength(1);
    const short = createTestClip();
    setFrames(short, 35, 84, flat(0));
    expect(await blacksOf(short)).toEqual([]);
    expect(await blacksOf(short, detectorFor('black', { durationSec: 1.9 }))).toHaveLength(1);
  });

  it('ends black lasting to the end of the clip at the clip end', async () => {
    const clip = createTestClip();
    setFrames(clip, 200, 250, flat(10));
    const findings = await blacksOf(clip, black, 2);
    expect(findings.map((f) => [f.startSec, f.endSec])).toEqual([[8, 10]]);
  });

  it('gives the same findings for every chunking, with or without a JSON round trip', async () => {
    const clip = createTestClip();
    setFrames(clip, 0, 60, flat(5)); // from the very start
    setFrames(clip, 74, 138, partlyBlack(570)); // 2.96-5.52: crosses several boundaries
    setFrames(clip, 150, 175, flat(0)); // 1 s: too short
    setFrames(clip, 187, 250, flat(20)); // 7.48 s to the end
    const reference = (await runTestClip(clip, [black], Number.POSITIVE_INFINITY)).findings;
    expect(reference.map((f) => [f.startSec, f.endSec])).toEqual([
      [0, 2.4],
      [2.96, 5.52],
      [7.48, 10],
    ]);
    for (const chunkSeconds of TEST_CHUNKINGS) {
      for (const viaJson of [false, true]) {
        const { findings } = await runTestClip(clip, [black], chunkSeconds, { viaJson });
        expect(findings, `chunkSeconds=${chunkSeconds} viaJson=${viaJson}`).toEqual(reference);
      }
    }
  });
});
