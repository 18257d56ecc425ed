import { describe, expect, it } from 'vitest';
import type { Finding } from '../finding.ts';
import { pairFlashesWithBeeps } from './av-sync-detector.ts';
import {
  addTone,
  createTestClip,
  detectorFor,
  runTestClip,
  setFrames,
  TEST_CHUNKINGS,
  type TestClip,
} from './test-clip-builder.ts';

const avSync = detectorFor('av-sync');
const FPS = 25;
const WHITE = new Uint8Array(32 * 18).fill(235);

/** Two-frame flashes at `flashTimesSec` (on frame boundaries) and 100 ms beeps `offsetMs` later. */
function syncClip(flashTimesSec: readonly number[], offsetMs: number, options = {}): TestClip {
  const clip = createTestClip(options);
  for (const t of flashTimesSec) {
    const frame = Math.round(t * FPS);
    setFrames(clip, frame, frame + 2, WHITE);
    if (clip.samples !== null) addTone(clip, t + offsetMs / 1000, 0.1);
  }
  return clip;
}

async function syncFindings(clip: TestClip, chunkSeconds = 1): Promise<Finding[]> {
  return (await runTestClip(clip, [avSync], chunkSeconds)).findings;
}

const PATTERN = [1, 3, 5, 7];

describe('av-sync detector', () => {
  it('measures audio 200 ms late', async () => {
    const findings = await syncFindings(syncClip(PATTERN, 200));
    expect(findings).toHaveLength(1);
    const [finding] = findings;
    expect(Math.abs(Number(finding!.details!.offsetMs) - 200)).toBeLessThan(1);
    expect(finding!.details).toMatchObject({
      pairs: 4,
      audioLeadLimitMs: 45,
      audioLagLimitMs: 125,
      acceptable: false,
    });
    expect(finding!.startSec).toBeCloseTo(1, 9);
    expect(finding!.endSec).toBeCloseTo(7.3, 3);
    expect(finding!.confidence).toBeCloseTo((200 - 125) / 125, 2);
  });

  it('measures audio 200 ms early', async () => {
    const findings = await syncFindings(syncClip(PATTERN, -200));
    expect(findings).toHaveLength(1);
    expect(Math.abs(Number(findings[0]!.details!.offsetMs) + 200)).toBeLessThan(1);
    expect(findings[0]!.startSec).toBeCloseTo(0.8, 3);
    expect(findings[0]!.details!.acceptable).toBe(false);
    expect(findings[0]!.confidence).toBe(1);
  });

  it('measures an offset that is not a whole number of frames', async () => {
    // The beep starts 210 ms after a flash that starts on a frame: the offset is not a frame multiple.
    const findings = await syncFindings(syncClip(PATTERN, 210));
    expect(Math.abs(Number(findings[0]!.details!.offsetMs) - 210)).toBeLessThan(1000 / FPS);
  });

  it('reports nothing when audio and video are in sync or within the detectability window', async () => {
    expect(await syncFindings(syncClip(PATTERN, 0))).toEqual([]);
    expect(await syncFindings(syncClip(PATTERN, 120))).toEqual([]);
    expect(await syncFindings(syncClip(PATTERN, -40))).toEqual([]);
  });

  it('reports a detectable but acceptable offset as acceptable', async () => {
    const findings = await syncFindings(syncClip(PATTERN, -60));
    expect(findings).toHaveLength(1);
    expect(findings[0]!.details!.acceptable).toBe(true);
    const lag = await syncFindings(syncClip(PATTERN, 150));
    expect(lag[0]!.details!.acceptable).toBe(true);
  });

  it('honours the limits as parameters', async () => {
    const clip = syncClip(PATTERN, 100);
    const strict = detectorFor('av-sync', { audioLagLimitMs: 80 });
    const { findings } = await runTestClip(clip, [strict], 1);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.details!.audioLagLimitMs).toBe(80);
  });

  it('reports nothing for content without sync events, a continuous tone or a long bright scene', async () => {
    expect(await syncFindings(createTestClip())).toEqual([]);

    const tone = syncClip(PATTERN, 0);
    addTone(tone, 0, 10, 440);
    expect(await syncFindings(tone)).toEqual([]);

    const bright = createTestClip();
    setFrames(bright, 50, 150, WHITE); // 4 s of bright picture
    addTone(bright, 2.2, 0.1);
    addTone(bright, 4.2, 0.1);
    expect(await syncFindings(bright)).toEqual([]);
  });

  it('does not mistake either end of a long tone crossing a chunk boundary for a beep', async () => {
    const clip = createTestClip();
    setFrames(clip, 45, 47, WHITE); // flash at 1.8 s
    addTone(clip, 1.2, 0.9); // 1.2-2.1 s: its last 100 ms fall in the next 1 s chunk
    setFrames(clip, 142, 144, WHITE); // flash at 5.68 s
    addTone(clip, 5.9, 0.9); // 5.9-6.8 s: its first 100 ms end the 1 s and 3 s chunks
    for (const chunkSeconds of TEST_CHUNKINGS) {
      expect(await syncFindings(clip, chunkSeconds), `chunkSeconds=${chunkSeconds}`).toEqual([]);
    }
  });

  it('does not pair a beep further than the pairing window from a flash', async () => {
    expect(await syncFindings(syncClip(PATTERN, 600))).toEqual([]);
  });

  it('reports nothing for a clip without audio', async () => {
    const clip = syncClip(PATTERN, 200, { audio: false });
    const { findings, analyses } = await runTestClip(clip, [avSync], 1);
    expect(findings).toEqual([]);
    expect(analyses.every((analysis) => analysis.failures === undefined)).toBe(true);
  });

  it('measures beeps straddling chunk boundaries the same for every chunking and after JSON', async () => {
    // Beeps at 1.95-2.05, 3.95-4.05, ...: across the 2 s, 4 s, 6 s boundaries (and 6 s for 3 s chunks).
    const clip = syncClip([1.8, 3.8, 5.8, 7.8], 150);
    const reference = (await runTestClip(clip, [avSync], Number.POSITIVE_INFINITY)).findings;
    expect(reference).toHaveLength(1);
    expect(Math.abs(Number(reference[0]!.details!.offsetMs) - 150)).toBeLessThan(1);
    expect(reference[0]!.details!.pairs).toBe(4);
    for (const chunkSeconds of TEST_CHUNKINGS) {
      for (const viaJson of [false, true]) {
        const { findings } = await runTestClip(clip, [avSync], chunkSeconds, { viaJson });
        expect(findings, `chunkSeconds=${chunkSeconds} viaJson=${viaJson}`).toEqual(reference);
      }
    }
  });
});

describe('pairFlashesWithBeeps', () => {
  it('pairs each flash with the nearest unused beep within the window', () => {
    const flashes = [
      { startSec: 1, endSec: 1.08 },
      { startSec: 2, endSec: 2.08 },
    ];
    const beeps = [
      { startSec: 1.1, endSec: 1.2 },
      { startSec: 1.55, endSec: 1.65 },
      { startSec: 3, endSec: 3.1 },
    ];
    const pairs = pairFlashesWithBeeps(flashes, beeps, 0.5);
    expect(pairs.map((pair) => [pair.flash.startSec, pair.beep.startSec])).toEqual([
      [1, 1.1],
      [2, 1.55],
    ]);
    expect(pairs[1]!.offsetSec).toBeCloseTo(-0.45, 9);
  });

  it('uses each beep once', () => {
    const flashes = [
      { startSec: 1, endSec: 1.04 },
      { startSec: 1.04, endSec: 1.08 },
    ];
    const pairs = pairFlashesWithBeeps(flashes, [{ startSec: 1.1, endSec: 1.2 }], 0.5);
    expect(pairs).toHaveLength(1);
    expect(pairs[0]!.flash.startSec).toBe(1);
  });
});
