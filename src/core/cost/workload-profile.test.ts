import { describe, expect, it } from 'vitest';
import { createCounters } from '../counters.ts';
import { distributedCounters, distributedProfile, monolithProfile } from './test-profiles.ts';
import {
  profileFromCounters,
  s3PrefixRateClassOf,
  withFramesBatched,
  withoutDetectors,
} from './workload-profile.ts';

describe('profileFromCounters', () => {
  it('turns counts into per stream-second rates, split into count and compute', () => {
    const profile = distributedProfile();
    expect(profile.streamSeconds).toBe(10);
    // 60 transitions / 10 s = 6; by state: ConvertMedia 20 / 10 = 2.
    expect(profile.count.transitions).toBeCloseTo(6, 12);
    expect(profile.count.transitionsByState.ConvertMedia).toBeCloseTo(2, 12);
    expect(profile.count.executions).toBeCloseTo(1, 12);
    expect(profile.count.invocations).toBeCloseTo(4, 12);
    // Tier 1: PUT 260 + 10 + 10 + 10 + 1 = 291 -> 29.1/s; tier 2: GET 250 + 10 + 20 = 280 -> 28/s; DELETE 1/s.
    expect(profile.count.s3RequestsByTier.tier1).toBeCloseTo(29.1, 12);
    expect(profile.count.s3RequestsByTier.tier2).toBeCloseTo(28, 12);
    expect(profile.count.s3RequestsByTier.free).toBeCloseTo(1, 12);
    // Per-prefix write rate: PUT 29.1 + DELETE 1 = 30.1; reads: GET 28.
    expect(profile.count.s3PrefixWrites).toBeCloseTo(30.1, 12);
    expect(profile.count.s3PrefixReads).toBeCloseTo(28, 12);
    expect(profile.count.s3RequestsByStage.ConvertMedia?.PutObject).toBeCloseTo(26, 12);
    expect(profile.count.s3BytesUp).toBe(10 * 2 ** 20);
    // GB-s: (3 s x 1 GB + 1 s x 0.5 GB + 1 s x 0.5 GB + 0.5 s x 0.25 GB) / 10 s = 0.4125.
    expect(profile.compute.lambdaGbSeconds).toBeCloseTo(0.4125, 12);
    expect(profile.compute.billedMsByTask.ConvertMedia).toBeCloseTo(300, 12);
    expect(profile.compute.expressBilledMs).toBeCloseTo(2000, 12);
    expect(profile.compute.cpuMs).toBe(0);

    const monolith = monolithProfile();
    // 4,000 CPU ms / 10 s = 400 ms per stream-second.
    expect(monolith.compute.cpuMs).toBeCloseTo(400, 12);
    expect(monolith.compute.peakRssBytes).toBe(512 * 2 ** 20);
    expect(monolith.count.transitions).toBe(0);
    expect(monolith.count.s3RequestsByTier.tier1).toBeCloseTo(0.1, 12);
  });

  it('rejects a non-positive stream duration', () => {
    expect(() => profileFromCounters(createCounters(), 0)).toThrow(RangeError);
    expect(() => profileFromCounters(distributedCounters(), Number.NaN)).toThrow(RangeError);
  });

  it('classifies S3 operations against the per-prefix rates', () => {
    expect(s3PrefixRateClassOf('PutObject')).toBe('write');
    expect(s3PrefixRateClassOf('DeleteObjects')).toBe('write');
    expect(s3PrefixRateClassOf('HeadObject')).toBe('read');
    expect(s3PrefixRateClassOf('ListObjectsV2')).toBe('other');
  });
});

describe('withoutDetectors', () => {
  it("drops a detector's stage: transitions, invocations, durations, S3 requests and monolith CPU", () => {
    const counters = distributedCounters();
    counters.sfn.transitionsByState['Detector failed: freeze'] = 2;
    const profile = withoutDetectors(profileFromCounters(counters, 10), ['freeze']);
    // Transitions 62 - Detect freeze 10 - Detector failed: freeze 2 = 50 -> 5/s.
    expect(profile.count.transitions).toBeCloseTo(5, 12);
    expect(profile.count.transitionsByState['Detect freeze']).toBeUndefined();
    expect(profile.count.invocations).toBeCloseTo(3, 12);
    // GB-s 0.4125 - freeze 0.05 = 0.3625.
    expect(profile.compute.lambdaGbSeconds).toBeCloseTo(0.3625, 12);
    // Tier 1: 291 - 10 findings PUTs = 281 -> 28.1/s; tier 2: 280 - 250 frame GETs = 30 -> 3/s.
    expect(profile.count.s3RequestsByTier.tier1).toBeCloseTo(28.1, 12);
    expect(profile.count.s3RequestsByTier.tier2).toBeCloseTo(3, 12);
    expect(profile.count.s3RequestsByStage['Detect freeze']).toBeUndefined();
    expect(profile.count.executions).toBeCloseTo(1, 12);

    const monolith = withoutDetectors(monolithProfile(), ['freeze']);
    // 400 - detect:freeze 100 = 300 CPU ms per stream-second.
    expect(monolith.compute.cpuMs).toBeCloseTo(300, 12);
  });
});

describe('withFramesBatched', () => {
  it('divides ConvertMedia PUTs and Detect GETs per chunk, rounding up', () => {
    // framesPerObject 5: ConvertMedia ceil(26 / 5) = 6 PUTs per chunk (was 26); freeze ceil(25 / 5) = 5
    // GETs (was 25); silence ceil(1 / 5) = 1 (was 1); Detect PUTs (findings), Aggregate and DELETEs stay.
    const batched = withFramesBatched(distributedProfile(), 5);
    expect(batched.count.s3RequestsByStage.ConvertMedia?.PutObject).toBeCloseTo(6, 12);
    expect(batched.count.s3RequestsByStage['Detect freeze']?.GetObject).toBeCloseTo(5, 12);
    expect(batched.count.s3RequestsByStage['Detect freeze']?.PutObject).toBeCloseTo(1, 12);
    // Tier 1: 29.1 - 26 + 6 = 9.1; tier 2: 28 - 25 + 5 = 8; DELETE unchanged 1.
    expect(batched.count.s3RequestsByTier.tier1).toBeCloseTo(9.1, 12);
    expect(batched.count.s3RequestsByTier.tier2).toBeCloseTo(8, 12);
    expect(batched.count.s3RequestsByTier.free).toBeCloseTo(1, 12);
    expect(batched.count.transitions).toBeCloseTo(6, 12);
  });

  it('puts a whole chunk in one object when framesPerObject is infinite', () => {
    // Tier 1: 29.1 - 26 + 1 = 4.1; tier 2: 28 - 25 + 1 = 4.
    const batched = withFramesBatched(distributedProfile(), Number.POSITIVE_INFINITY);
    expect(batched.count.s3RequestsByTier.tier1).toBeCloseTo(4.1, 12);
    expect(batched.count.s3RequestsByTier.tier2).toBeCloseTo(4, 12);
  });

  it('leaves a profile without executions alone and rejects a factor below 1', () => {
    const monolith = monolithProfile();
    expect(withFramesBatched(monolith, 10)).toBe(monolith);
    expect(() => withFramesBatched(monolith, 0.5)).toThrow(RangeError);
  });
});
