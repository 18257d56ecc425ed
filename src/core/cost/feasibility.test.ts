import { describe, expect, it } from 'vitest';
import { feasibilityAt } from './feasibility.ts';
import { headroomFor } from './headroom.ts';
import { syntheticProfile, testPriceBook } from './test-profiles.ts';

const book = testPriceBook('2026-12');

describe('feasibilityAt', () => {
  // Standard, 1 execution per stream-second: StartExecution refills 300/s in us-east-1, so 300 streams;
  // 8 transitions per stream-second against 5,000/s: 625 streams. StartExecution binds first.
  const standard = headroomFor(syntheticProfile({ transitions: 8, executions: 1 }), book, 'current', {
    workflow: 'standard',
    taskIntegration: 'activity',
    s3Prefixes: 'per-stream',
  });

  it('says how many account-Regions a load beyond the headroom needs, never that it fits', () => {
    const flagged = feasibilityAt(standard, 1000);
    expect(flagged).toMatchObject({ feasible: false, maxStreams: 300, accountRegionsNeeded: 4 });
    expect(flagged.bindingQuota).toContain('StartExecution');
    expect(flagged.summary).toContain('4 account-Regions');
  });

  it('passes a load within the headroom', () => {
    expect(feasibilityAt(standard, 300)).toMatchObject({ feasible: true, accountRegionsNeeded: null });
  });

  it('needs a quota increase when one stream alone exceeds a per-prefix S3 rate', () => {
    const hot = headroomFor(syntheticProfile({ s3Puts: 4000 }), book, 'current', {
      workflow: 'express',
      taskIntegration: 'lambda',
      s3Prefixes: 'per-stream',
    });
    expect(feasibilityAt(hot, 1)).toMatchObject({
      feasible: false,
      maxStreams: 0,
      accountRegionsNeeded: null,
    });
    expect(feasibilityAt(hot, 1).summary).toContain('quota increase');
  });
});
