import { describe, expect, it } from 'vitest';
import type { MeasuredDesign, RunnerSummary } from '../bench-results.ts';
import { type CostOptions, type CostOptionsInput, resolveCostOptions } from './cost-model.ts';
import { priceVerdict } from './design-verdict.ts';
import { syntheticProfile, testPriceBook } from './test-profiles.ts';
import type { WorkloadProfile } from './workload-profile.ts';

function options(input: CostOptionsInput): CostOptions {
  const result = resolveCostOptions(input);
  if (!result.ok) throw new Error(result.error);
  return result.options;
}

function summary(profile: WorkloadProfile): RunnerSummary {
  const noLatency = { samples: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0 };
  return {
    streamSeconds: profile.streamSeconds,
    counters: {} as RunnerSummary['counters'],
    profile,
    timing: { wallMs: 1, throughputStreamSecPerSec: 1, chunkLatency: noLatency },
  };
}

function design(
  id: string,
  kind: MeasuredDesign['kind'],
  workflow: 'standard' | 'express' | null,
  profile: WorkloadProfile,
): MeasuredDesign {
  return {
    id,
    label: id,
    description: id,
    kind,
    settings: {
      shape: kind === 'monolith' ? 'monolith' : 'stages',
      workflow,
      chunkSeconds: 1,
      framesPerObject: 1,
    },
    clips: [],
    summary: summary(profile),
  };
}

describe('priceVerdict', () => {
  // The sensitivity test's case (sensitivity.test.ts): monolith $1,635.20 a month, first design $65,721.90,
  // cheap Express design $48.18 at 100 streams.
  const verdictAt = (streams: number) =>
    priceVerdict({
      designs: [
        design('monolith', 'monolith', null, syntheticProfile({ cpuMs: 500 })),
        design('first', 'distributed', 'standard', syntheticProfile({ transitions: 10, executions: 1 })),
        design('cheap', 'distributed', 'express', syntheticProfile({ executions: 0.1 })),
      ],
      firstDesignId: 'first',
      priceBook: testPriceBook('2026-12'),
      options: options({
        load: { streams },
        monolith: { hosting: 'ec2', targetUtilization: 1, memoryPerStreamBytes: 0 },
      }),
      headroom: { taskIntegration: 'lambda', s3Prefixes: 'per-stream' },
      breakEven: { streams: { min: 1, max: 1000 }, dutyCycle: { min: 0.01, max: 1 } },
      dropDetectors: [],
      fps: 25,
    });
  const verdict = verdictAt(100);

  it('compares the monolith with the first and with the cheapest serverless design', () => {
    const { headline } = verdict;
    expect(headline.firstDesignId).toBe('first');
    expect(headline.cheapestServerlessId).toBe('cheap');
    expect(headline.savingsVsFirstPercent).toBeCloseTo(((65_721.9 - 1635.2) / 65_721.9) * 100, 9);
    expect(headline.savingsVsCheapestPercent).toBeCloseTo(((48.18 - 1635.2) / 48.18) * 100, 9);
    expect(headline.verdict).toContain('the cheapest serverless design, cheap');
    // $1,635.20 / $48.18 = 33.9: past doubling the verdict gives the ratio.
    expect(headline.verdict).toContain('33.9 times as much as the cheapest serverless design, cheap');
  });

  it('flags a design beyond one account-Region in the headline, with what it needs', () => {
    // Standard StartExecution refills 300/s; 1 execution per stream-second: 300 streams fit, 100 do.
    expect(verdict.headline.infeasible).toEqual([]);
    const first = verdict.designs.find((entry) => entry.id === 'first');
    expect(first?.feasibility).toMatchObject({ feasible: true, maxStreams: 300 });
    // 1,000 streams: ceil(1,000 / 300) = 4 account-Regions, said in the headline and its verdict.
    const busy = verdictAt(1000).headline;
    expect(busy.infeasible.map((entry) => entry.id)).toEqual(['first']);
    expect(busy.infeasible[0]?.summary).toContain('4 account-Regions');
    expect(busy.verdict).toContain('Not feasible in one account-Region at this load: first');
  });

  it('prices every design and compares each serverless one with the monolith', () => {
    expect(verdict.designs.map((entry) => entry.id)).toEqual(['monolith', 'first', 'cheap']);
    expect(verdict.designs[0]?.comparison).toBeNull();
    expect(verdict.designs[2]?.comparison?.cheaper).toBe('distributed');
    expect(verdict.designs[2]?.cost.totalPerMonth).toBeCloseTo(48.18, 9);
  });
});
