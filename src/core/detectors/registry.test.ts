import { describe, expect, it } from 'vitest';
import {
  detectorNames,
  detectorRegistry,
  isDetectorName,
  resolveDetector,
  resolveDetectorParams,
} from './registry.ts';

describe('detector registry', () => {
  it('derives the names from the map, and each detector carries its registered name', () => {
    expect(detectorNames).toEqual(Object.keys(detectorRegistry));
    for (const name of detectorNames) expect(detectorRegistry[name].name).toBe(name);
    expect(isDetectorName('freeze')).toBe(true);
    expect(isDetectorName('toString')).toBe(false);
  });

  it('uses the ffmpeg and ITU-R BT.1359-1 defaults', () => {
    expect(detectorRegistry.freeze.defaults).toEqual({ noiseDb: -60, durationSec: 2 });
    expect(detectorRegistry.black.defaults).toEqual({
      durationSec: 2,
      picThreshold: 0.98,
      pixThreshold: 0.1,
    });
    expect(detectorRegistry.silence.defaults).toEqual({ noiseDb: -60, durationSec: 2 });
    expect(detectorRegistry['av-sync'].defaults).toMatchObject({
      audioLeadLimitMs: 45,
      audioLagLimitMs: 125,
      acceptableLeadMs: 90,
      acceptableLagMs: 185,
      pairWindowMs: 500,
    });
  });

  it('finalizes empty partials to no findings', () => {
    for (const name of detectorNames) {
      const detector = detectorRegistry[name];
      const clip = { durationSec: 3, fps: 25, hasVideo: true, hasAudio: true };
      const empty = [detector.emptyPartial, detector.emptyPartial, detector.emptyPartial];
      // biome-ignore lint/suspicious/noExplicitAny: each detector gets its own defaults and partials.
      expect((detector.finalize as any)(empty, detector.defaults, clip)).toEqual([]);
    }
  });
});

describe('resolveDetectorParams', () => {
  it('returns the defaults without overrides and merges overrides onto them', () => {
    expect(resolveDetectorParams('freeze')).toEqual({ ok: true, params: { noiseDb: -60, durationSec: 2 } });
    expect(resolveDetectorParams('black', { durationSec: 0.5 })).toEqual({
      ok: true,
      params: { durationSec: 0.5, picThreshold: 0.98, pixThreshold: 0.1 },
    });
  });

  it('rejects unknown parameters, wrong types and values the detector refuses', () => {
    expect(resolveDetectorParams('freeze', { noise: 0.001 })).toEqual({
      ok: false,
      error: 'detector freeze: unknown parameter "noise" (known: noiseDb, durationSec)',
    });
    expect(resolveDetectorParams('silence', { durationSec: '2' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('"durationSec" must be a finite number'),
    });
    expect(resolveDetectorParams('silence', { durationSec: Number.NaN }).ok).toBe(false);
    expect(resolveDetectorParams('black', { picThreshold: 1.5 })).toMatchObject({
      ok: false,
      error: expect.stringContaining('picThreshold must be a number from 0 to 1'),
    });
    expect(resolveDetectorParams('freeze', { noiseDb: 6 }).ok).toBe(false);
    expect(resolveDetectorParams('av-sync', { beepMinMs: 400 }).ok).toBe(false);
  });
});

describe('resolveDetector', () => {
  it('resolves a registered name into what the runners take', () => {
    const resolved = resolveDetector('av-sync', { audioLagLimitMs: 100 });
    expect(resolved.ok && resolved.detector.name).toBe('av-sync');
    expect(resolved.ok && resolved.detector.detector).toBe(detectorRegistry['av-sync']);
    expect(resolved.ok && resolved.detector.params).toMatchObject({
      audioLagLimitMs: 100,
      audioLeadLimitMs: 45,
    });
  });

  it('names the known detectors when the name is unknown', () => {
    expect(resolveDetector('block-corrupt')).toEqual({
      ok: false,
      error: `unknown detector "block-corrupt" (known: ${detectorNames.join(', ')})`,
    });
  });
});
