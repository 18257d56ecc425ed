import { describe, expect, it } from 'vitest';
import { headroom, headroomFor } from './headroom.ts';
import { distributedProfile, monolithProfile, syntheticProfile, testPriceBook } from './test-profiles.ts';

const book = testPriceBook();

describe('headroom', () => {
  it('finds the StateTransition refill binding at refill / k streams (FACTS.md illustration)', () => {
    // k = 10 transitions per stream-second, 2-second chunks (0.5 executions per stream-second).
    const profile = syntheticProfile({ transitions: 10, executions: 0.5 });
    const result = headroom(profile, book);
    // Current: 5,000/s / 10 = 500 streams; StartExecution 300/s / 0.5 = 600 binds later.
    expect(result.current.binding?.quotaKey).toBe('sfn.stateTransition');
    expect(result.current.maxStreams).toBe(500);
    expect(result.current.limits[1]).toMatchObject({ quotaKey: 'sfn.startExecution.standard', streams: 600 });
    // 2019 to mid-2022: 1,500/s / 10 = 150 streams.
    expect(result.legacy2019to2022.binding?.quotaKey).toBe('sfn.stateTransition');
    expect(result.legacy2019to2022.maxStreams).toBe(150);
    expect(result.legacy2019to2022.binding?.source).toBe('aws-sfn-quotas-2019-2022');
  });

  it('lets StartExecution bind first with one-second chunks under the current quotas', () => {
    // 1 execution per stream-second: StartExecution 300/s -> 300 streams < 5,000 / 10 = 500.
    const profile = syntheticProfile({ transitions: 10, executions: 1 });
    expect(headroomFor(profile, book, 'current').binding).toMatchObject({
      quotaKey: 'sfn.startExecution.standard',
      streams: 300,
      basis: 'count',
    });
    // Legacy: 1,500 / 10 = 150 transitions binds before StartExecution's 300.
    expect(headroomFor(profile, book, 'legacy2019to2022').binding?.quotaKey).toBe('sfn.stateTransition');
  });

  it('sizes Lambda concurrency from billed seconds per stream-second (compute-derived)', () => {
    // 8,000 billed ms per stream-second = 8 concurrent executions per stream: 1,000 / 8 = 125 streams.
    const profile = syntheticProfile({ transitions: 1, executions: 0.5, invocations: 4, billedMs: 8000 });
    const result = headroomFor(profile, book, 'current');
    expect(result.binding).toMatchObject({ quotaKey: 'lambda.concurrency', streams: 125, basis: 'compute' });
    expect(result.binding?.demandPerStream).toBeCloseTo(8, 12);
  });

  it('uses GetActivityTask and SendTask* for activity tasks', () => {
    // 4 task invocations per stream-second: GetActivityTask 500/s / 4 = 125 streams.
    const profile = syntheticProfile({ transitions: 1, executions: 0.5, invocations: 4, billedMs: 8000 });
    const result = headroomFor(profile, book, 'current', {
      workflow: 'standard',
      taskIntegration: 'activity',
      s3Prefixes: 'per-stream',
    });
    expect(result.limits.map((limit) => limit.quotaKey)).not.toContain('lambda.concurrency');
    expect(result.binding).toMatchObject({ quotaKey: 'sfn.getActivityTask', streams: 125 });
    expect(result.limits.find((limit) => limit.quotaKey === 'sfn.sendTask')?.streams).toBe(125);
  });

  it('applies S3 per-prefix rates per stream or over one shared prefix', () => {
    const profile = distributedProfile();
    const perStream = headroomFor(profile, book, 'current');
    // 30.1 writes per stream-second fit one prefix's 3,500/s: S3 never binds with a prefix per stream.
    expect(perStream.limits.find((limit) => limit.quotaKey === 's3.prefix.writes')?.streams).toBeNull();
    const shared = headroomFor(profile, book, 'current', {
      workflow: 'standard',
      taskIntegration: 'lambda',
      s3Prefixes: 'shared',
    });
    // One prefix: 3,500 / 30.1 = 116.3 -> 116 streams; reads 5,500 / 28 = 196.4 -> 196.
    expect(shared.limits.find((limit) => limit.quotaKey === 's3.prefix.writes')?.streams).toBe(116);
    expect(shared.limits.find((limit) => limit.quotaKey === 's3.prefix.reads')?.streams).toBe(196);
    // One stream alone above the per-prefix rate binds at 0 streams.
    const hot = syntheticProfile({ s3Puts: 4000 });
    expect(headroomFor(hot, book, 'current').binding).toMatchObject({
      quotaKey: 's3.prefix.writes',
      streams: 0,
    });
  });

  it('uses the Express StartExecution quota for Express workflows', () => {
    // 1 execution per stream-second: 6,000 / 1 = 6,000 streams; no transition quota.
    const profile = syntheticProfile({ transitions: 10, executions: 1 });
    const result = headroomFor(profile, book, 'current', {
      workflow: 'express',
      taskIntegration: 'lambda',
      s3Prefixes: 'per-stream',
    });
    expect(result.binding).toMatchObject({ quotaKey: 'sfn.startExecution.express', streams: 6000 });
    expect(result.limits.map((limit) => limit.quotaKey)).not.toContain('sfn.stateTransition');
  });

  it('reports no binding quota for the monolith', () => {
    const result = headroom(monolithProfile(), book);
    expect(result.current.binding).toBeNull();
    expect(result.current.maxStreams).toBeNull();
    expect(result.legacy2019to2022.maxStreams).toBeNull();
    expect(result.current.limits.every((limit) => limit.streams === null)).toBe(true);
  });
});
