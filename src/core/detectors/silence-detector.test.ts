import { describe, expect, it } from 'vitest';
import {
  createTestClip,
  detectorFor,
  fillSamples,
  runTestClip,
  TEST_CHUNKINGS,
  type TestClip,
} from './test-clip-builder.ts';

const silence = detectorFor('silence');
const RATE = 16_000;

async function silencesOf(clip: TestClip, detector = silence, chunkSeconds = 1) {
  const { findings } = await runTestClip(clip, [detector], chunkSeconds);
  return findings.map((f) => ({ startSec: f.startSec, endSec: f.endSec, confidence: f.confidence }));
}

/** Writes `value` to samples `[from, to)` and a loud sample on each side, so the edges are exact. */
function silenceAt(clip: TestClip, from: number, to: number, value = 0): void {
  fillSamples(clip, from - 1, from, 1000);
  fillSamples(clip, from, to, value);
  fillSamples(clip, to, to + 1, -1000);
}

describe('silence detector', () => {
  it('reports nothing on noise', async () => {
    expect(await silencesOf(createTestClip({ video: false }))).toEqual([]);
  });

  it('reports [first silent sample, first non-silent sample) for injected silence', async () => {
    const clip = createTestClip({ video: false });
    silenceAt(clip, 1.23 * RATE, 4.5 * RATE);
    expect(await silencesOf(clip)).toEqual([{ startSec: 1.23, endSec: 4.5, confidence: 1 }]);
  });

  it('counts |s| = 32 as silent and 33 as not at -60 dB (threshold 32.767)', async () => {
    const at = createTestClip({ video: false });
    silenceAt(at, 16_000, 64_000, 32);
    const findings = await silencesOf(at);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.confidence).toBeCloseTo(1 - 32 / 32.767, 9);
    const negative = createTestClip({ video: false });
    silenceAt(negative, 16_000, 64_000, -32);
    expect(await silencesOf(negative)).toHaveLength(1);
    const above = createTestClip({ video: false });
    silenceAt(above, 16_000, 64_000, 33);
    expect(await silencesOf(above)).toEqual([]);
    expect(await silencesOf(above, detectorFor('silence', { noiseDb: -59 }))).toHaveLength(1);
  });

  it('keeps a silence of exactly 2 s and drops one a sample shorter', async () => {
    const exact = createTestClip({ video: false });
    silenceAt(exact, 20_000, 52_000);
    expect(await silencesOf(exact)).toEqual([{ startSec: 1.25, endSec: 3.25, confidence: 1 }]);
    const short = createTestClip({ video: false });
    silenceAt(short, 20_000, 51_999);
    expect(await silencesOf(short)).toEqual([]);
  });

  it('ends a silence lasting to the end of the audio at the end', async () => {
    const clip = createTestClip({ video: false });
    fillSamples(clip, 7 * RATE - 1, 7 * RATE, 500);
    fillSamples(clip, 7 * RATE, 10 * RATE, 0);
    expect(await silencesOf(clip, silence, 3)).toEqual([{ startSec: 7, endSec: 10, confidence: 1 }]);
  });

  it('gives the same findings for every chunking, with or without a JSON round trip', async () => {
    const clip = createTestClip();
    silenceAt(clip, 1, 40_000, 3); // from (nearly) the start
    silenceAt(clip, 47_999, 88_003); // crosses 3 s, 3.5 s, 4 s, 4.5 s, 5 s with odd edges
    silenceAt(clip, 100_000, 120_000); // too short
    silenceAt(clip, 128_000, 159_999); // 8 s to one sample before the end: 1.99994 s, dropped
    const reference = (await runTestClip(clip, [silence], Number.POSITIVE_INFINITY)).findings;
    expect(reference.map((f) => [f.startSec, f.endSec])).toEqual([
      [1 / RATE, 2.5],
      [47_999 / RATE, 88_003 / RATE],
    ]);
    for (const chunkSeconds of TEST_CHUNKINGS) {
      for (const viaJson of [false, true]) {
        const { findings } = await runTestClip(clip, [silence], chunkSeconds, { viaJson });
        expect(findings, `chunkSeconds=${chunkSeconds} viaJson=${viaJson}`).toEqual(reference);
      }
    }
  });
});
