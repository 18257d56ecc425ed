import { describe, expect, it } from 'vitest';
import { type CostOptions, type CostOptionsInput, resolveCostOptions } from './cost-model.ts';
import { type SensitivityInput, sensitivity, type TornadoRow } from './sensitivity.ts';
import { syntheticProfile, testPriceBook } from './test-profiles.ts';

const book = testPriceBook('2026-12');

function options(input: CostOptionsInput): CostOptions {
  const result = resolveCostOptions(input);
  if (!result.ok) throw new Error(result.error);
  return result.options;
}

/**
 * 100 streams, month of 2,628,000 s each. Monolith: 0.5 CPU s per stream-second, no memory, on c6i.xlarge
 * at 100% utilization: 8 streams per instance, 13 instances x 730 h x $0.17 = $1,613.30, plus results
 * writes 100 x 2,628,000 / 60 = 4,380,000 PUTs x $0.000005 = $21.90: $1,635.20.
 * First design (Standard): 10 transitions per stream-second: 2,628,000,000 x $0.000025 = $65,700 + $21.90.
 * Cheap design (Express): 0.1 executions per stream-second: 26,280,000 requests x $0.000001 = $26.28
 * + $21.90 = $48.18.
 */
const input: SensitivityInput = {
  monolith: syntheticProfile({ cpuMs: 500 }),
  serverless: [
    {
      id: 'first',
      profile: syntheticProfile({ transitions: 10, executions: 1 }),
      workflow: 'standard',
      geometry: { fps: 25, chunkSeconds: 1, framesPerObject: 1 },
    },
    {
      id: 'cheap',
      profile: syntheticProfile({ executions: 0.1 }),
      workflow: 'express',
      geometry: { fps: 25, chunkSeconds: 10, framesPerObject: Number.POSITIVE_INFINITY },
    },
  ],
  firstDesignId: 'first',
  priceBook: book,
  options: options({
    load: { streams: 100 },
    monolith: { hosting: 'ec2', targetUtilization: 1, memoryPerStreamBytes: 0 },
  }),
  streams: { min: 1, max: 1000 },
  dropDetectors: [],
};

const savings = (serverless: number, monolith: number): number =>
  ((serverless - monolith) / serverless) * 100;

function row(rows: readonly TornadoRow[], parameter: TornadoRow['parameter']): TornadoRow {
  const found = rows.find((entry) => entry.parameter === parameter);
  if (found === undefined) throw new Error(`no ${parameter} row`);
  return found;
}

describe('sensitivity', () => {
  const report = sensitivity(input);

  it('prices the run itself as the baseline', () => {
    expect(report.baseline.cheapestId).toBe('cheap');
    expect(report.baseline.monolithPerStreamHour * 73_000).toBeCloseTo(1635.2, 6);
    expect(report.baseline.savingsVsCheapestPercent).toBeCloseTo(savings(48.18, 1635.2), 9);
    expect(report.baseline.savingsVsFirstPercent).toBeCloseTo(savings(65_721.9, 1635.2), 9);
    expect(report.baseline.modelled).toBe(false);
  });

  it('moves the monolith Savings Plan from 0 to the EC2 Instance ceiling (72%)', () => {
    const plan = row(report.rows, 'monolith-savings-plan');
    expect(plan.low.savingsVsCheapestPercent).toBeCloseTo(report.baseline.savingsVsCheapestPercent, 9);
    // $1,613.30 x 0.28 = $451.724 + $21.90 = $473.624.
    expect(plan.high.label).toBe('72%');
    expect(plan.high.savingsVsCheapestPercent).toBeCloseTo(savings(48.18, 473.624), 9);
    expect(plan.high.savingsVsFirstPercent).toBeCloseTo(savings(65_721.9, 473.624), 9);
    expect(plan.swingPoints).toBeCloseTo(Math.abs(savings(48.18, 473.624) - savings(48.18, 1635.2)), 9);
  });

  it('moves the streams across the break-even range', () => {
    const streams = row(report.rows, 'streams');
    // 1 stream: one instance, $124.10 + $0.219 against $0.2628 + $0.219.
    expect(streams.low.savingsVsCheapestPercent).toBeCloseTo(savings(0.4818, 124.319), 9);
    // 1,000 streams: 125 instances, $15,512.50 + $219 against $262.80 + $219.
    expect(streams.high.savingsVsCheapestPercent).toBeCloseTo(savings(481.8, 15_731.5), 9);
  });

  it('marks points whose profiles were transformed as modelled', () => {
    expect(row(report.rows, 'detector-cpu').high.modelled).toBe(true);
    expect(row(report.rows, 'chunk-seconds').low.modelled).toBe(true);
    expect(row(report.rows, 'duty-cycle').low.modelled).toBe(false);
    expect(row(report.rows, 'streams').high.modelled).toBe(false);
  });

  it('orders rows by swing and bounds every row with the two bounding cases', () => {
    const swings = report.rows.map((entry) => entry.swingPoints);
    expect(swings).toEqual([...swings].sort((a, b) => b - a));
    const ends = report.rows.flatMap((entry) => [
      entry.low.savingsVsCheapestPercent,
      entry.high.savingsVsCheapestPercent,
    ]);
    expect(report.serverlessFriendly.point.savingsVsCheapestPercent).toBeLessThanOrEqual(Math.min(...ends));
    expect(report.monolithFriendly.point.savingsVsCheapestPercent).toBeGreaterThanOrEqual(Math.max(...ends));
    expect(report.serverlessFriendly.ends['monolith-savings-plan']).toBe('0%');
    expect(report.monolithFriendly.ends['monolith-savings-plan']).toBe('72%');
  });
});
