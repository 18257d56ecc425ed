import { describe, expect, it } from 'vitest';
import type { GreyFrame } from '../media.ts';
import { meanAbsFrameDifference } from './freeze-detector.ts';
import {
  createTestClip,
  detectorFor,
  movingFrame,
  runTestClip,
  setFrames,
  TEST_CHUNKINGS,
  type TestClip,
} from './test-clip-builder.ts';

const freeze = detectorFor('freeze');

async function freezesOf(clip: TestClip, detector = freeze, chunkSeconds = 1) {
  const { findings } = await runTestClip(clip, [detector], chunkSeconds);
  return findings.map((f) => ({ startSec: f.startSec, endSec: f.endSec, confidence: f.confidence }));
}

/** A copy of `base` with the first `count` pixels raised by one code value. */
function nudged(base: Uint8Array, count: number): Uint8Array {
  const copy = base.slice();
  for (let i = 0; i < count; i++) copy[i] = copy[i]! + 1;
  return copy;
}

function grey(data: Uint8Array, width = 32, height = 18): GreyFrame {
  return { ptsSec: 0, width, height, data };
}

describe('freeze detector', () => {
  it('reports nothing on moving content', async () => {
    expect(await freezesOf(createTestClip())).toEqual([]);
  });

  it('reports [reference pts, first differing frame pts) for an injected freeze', async () => {
    const clip = createTestClip();
    setFrames(clip, 30, 110, clip.frames![30]!);
    const findings = await freezesOf(clip);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.startSec).toBeCloseTo(30 / 25, 9);
    expect(findings[0]!.endSec).toBeCloseTo(110 / 25, 9);
    expect(findings[0]!.confidence).toBe(1);
  });

  it('keeps a freeze of exactly the minimum duration and drops one a frame shorter', async () => {
    const exact = createTestClip();
    setFrames(exact, 40, 90, exact.frames![40]!); // 50 frames = 2.00 s
    expect(await freezesOf(exact)).toHaveLength(1);

    const short = createTestClip();
    setFrames(short, 40, 89, short.frames![40]!); // 49 frames = 1.96 s
    expect(await freezesOf(short)).toEqual([]);
  });

  it('honours the duration parameter', async () => {
    const clip = createTestClip();
    setFrames(clip, 40, 89, clip.frames![40]!);
    const findings = await freezesOf(clip, detectorFor('freeze', { durationSec: 1.5 }));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.endSec - findings[0]!.startSec).toBeCloseTo(1.96, 9);
  });

  it('treats a difference at the -60 dB noise level as frozen and one code value more as motion', async () => {
    // 32x18 = 576 pixels: 147 pixels off by one -> 147/576/256 = 0.000997 <= 0.001; 148 -> 0.001004.
    const atNoise = createTestClip();
    const base = atNoise.frames![20]!;
    setFrames(atNoise, 21, 100, nudged(base, 147));
    const findings = await freezesOf(atNoise);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.startSec).toBeCloseTo(20 / 25, 9);
    expect(findings[0]!.endSec).toBeCloseTo(100 / 25, 9);
    expect(findings[0]!.confidence).toBeCloseTo(1 - 147 / 576 / 256 / 0.001, 9);

    const aboveNoise = createTestClip();
    setFrames(aboveNoise, 21, 100, nudged(aboveNoise.frames![20]!, 148));
    // The nudged frames still freeze among themselves, from frame 21 on.
    const above = await freezesOf(aboveNoise);
    expect(above).toHaveLength(1);
    expect(above[0]!.startSec).toBeCloseTo(21 / 25, 9);
  });

  it('reports touching freezes of two different pictures separately, as ffmpeg does', async () => {
    const clip = createTestClip();
    setFrames(clip, 25, 100, clip.frames![25]!);
    setFrames(clip, 100, 175, clip.frames![100]!);
    const findings = await freezesOf(clip);
    expect(findings.map((f) => [f.startSec, f.endSec])).toEqual([
      [1, 4],
      [4, 7],
    ]);
  });

  it('ends a freeze lasting to the end of the clip at the clip end', async () => {
    const clip = createTestClip();
    setFrames(clip, 190, 250, clip.frames![190]!);
    const findings = await freezesOf(clip, freeze, 3);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.startSec).toBeCloseTo(7.6, 9);
    expect(findings[0]!.endSec).toBe(10);
  });

  it('gives the same findings for every chunking, with or without a JSON round trip', async () => {
    const clip = createTestClip();
    setFrames(clip, 24, 76, clip.frames![24]!); // 0.96-3.04 s: crosses 1, 1.5, 2, 2.5, 3
    setFrames(clip, 100, 150, clip.frames![100]!); // 4.0-6.0 s: starts and ends on boundaries
    setFrames(clip, 151, 160, clip.frames![151]!); // short: not reported
    setFrames(clip, 160, 250, clip.frames![160]!); // 6.4 s to the end
    const reference = (await runTestClip(clip, [freeze], Number.POSITIVE_INFINITY)).findings;
    expect(reference.map((f) => [f.startSec, f.endSec])).toEqual([
      [0.96, 3.04],
      [4, 6],
      [6.4, 10],
    ]);
    for (const chunkSeconds of TEST_CHUNKINGS) {
      for (const viaJson of [false, true]) {
        const { findings } = await runTestClip(clip, [freeze], chunkSeconds, { viaJson });
        expect(findings, `chunkSeconds=${chunkSeconds} viaJson=${viaJson}`).toEqual(reference);
      }
    }
  });

  it('joins a freeze across chunks of a single frame each', async () => {
    const clip = createTestClip({ durationSec: 4, fps: 2 });
    setFrames(clip, 1, 7, clip.frames![1]!); // 0.5-3.5 s at 2 fps
    for (const chunkSeconds of [0.5, 1, Number.POSITIVE_INFINITY]) {
      const findings = await freezesOf(clip, freeze, chunkSeconds);
      expect(findings.map((f) => [f.startSec, f.endSec])).toEqual([[0.5, 3.5]]);
    }
  });
});

describe('meanAbsFrameDifference', () => {
  it('matches the exact formula at or below the stop level and exceeds it when stopping early', () => {
    const width = 320;
    const height = 180;
    const a = movingFrame(0, width, height);
    const b = movingFrame(1, width, height);
    let sad = 0;
    for (let i = 0; i < a.length; i++) sad += Math.abs(a[i]! - b[i]!);
    const exact = sad / a.length / 256;
    expect(meanAbsFrameDifference(grey(a, width, height), grey(b, width, height), 1)).toBeCloseTo(exact, 12);
    expect(meanAbsFrameDifference(grey(a, width, height), grey(b, width, height), 0.001)).toBeGreaterThan(
      0.001,
    );
    expect(meanAbsFrameDifference(grey(a, width, height), grey(a.slice(), width, height), 0.001)).toBe(0);
  });

  it('gives the same result on unaligned views and sizes that are not a multiple of 4 pixels', () => {
    for (const [width, height] of [
      [32, 18],
      [5, 3],
      [7, 1],
    ] as const) {
      const a = movingFrame(0, width, height);
      const b = movingFrame(3, width, height);
      let sad = 0;
      for (let i = 0; i < a.length; i++) sad += Math.abs(a[i]! - b[i]!);
      const backing = new Uint8Array(a.length + 1);
      backing.set(b, 1);
      const unaligned = backing.subarray(1);
      const exact = sad / a.length / 256;
      expect(meanAbsFrameDifference(grey(a, width, height), grey(b, width, height), 1)).toBeCloseTo(
        exact,
        12,
      );
      expect(meanAbsFrameDifference(grey(a, width, height), grey(unaligned, width, height), 1)).toBeCloseTo(
        exact,
        12,
      );
    }
  });

  it('treats frames of different sizes as different pictures', () => {
    expect(meanAbsFrameDifference(grey(new Uint8Array(576)), grey(new Uint8Array(576), 18, 32), 0.5)).toBe(1);
  });
});
