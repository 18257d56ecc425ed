import { describe, expect, it } from 'vitest';
import { breakEvenOverDutyCycle, breakEvenOverStreams } from './break-even.ts';
import { type CostOptions, type CostOptionsInput, resolveCostOptions } from './cost-model.ts';
import { syntheticProfile, testPriceBook } from './test-profiles.ts';

const book = testPriceBook();

function options(input: CostOptionsInput): CostOptions {
  const result = resolveCostOptions(input);
  if (!result.ok) throw new Error(result.error);
  return result.options;
}

describe('breakEvenOverDutyCycle', () => {
  // Distributed: 10 transitions per stream-second, 1 stream: 10 x 2,628,000 x $0.000025 = $657 x duty.
  // Monolith, always on: 0.5 CPU s per stream-second at utilization 1 = 0.5 vCPU x 730 h x $0.04048
  // = $14.7752 per month, whatever the duty cycle.
  // Flip: 657 d = 14.7752 -> d = 0.0224888...
  const input = {
    distributed: syntheticProfile({ transitions: 10 }),
    monolith: syntheticProfile({ cpuMs: 500 }),
    priceBook: book,
    options: options({ monolith: { targetUtilization: 1 } }),
  };

  it('locates the flip within the tolerance', () => {
    const curve = breakEvenOverDutyCycle(input, { min: 0.01, max: 1, samples: 20, tolerance: 1e-7 });
    expect(curve.axis).toBe('dutyCycle');
    expect(curve.points).toHaveLength(20);
    expect(curve.points[0]?.cheaper).toBe('distributed');
    expect(curve.points[19]?.cheaper).toBe('monolith');
    expect(curve.flip?.cheaperBelow).toBe('distributed');
    expect(curve.flip?.cheaperAbove).toBe('monolith');
    expect(Math.abs((curve.flip?.at ?? 0) - 14.7752 / 657)).toBeLessThan(1e-7);
    // At full duty: $657 against $14.7752, each plus the same results writes (43,800 PUTs, $0.219), which
    // leave the flip where it was.
    expect(curve.points[19]?.distributedPerMonth).toBeCloseTo(657 + 0.219, 9);
    expect(curve.points[19]?.monolithPerMonth).toBeCloseTo(14.7752 + 0.219, 9);
  });

  it('finds no flip when the monolith also scales with the duty cycle', () => {
    const curve = breakEvenOverDutyCycle({
      ...input,
      options: options({ monolith: { targetUtilization: 1, provisioning: 'active-hours' } }),
    });
    expect(curve.flip).toBeNull();
    expect(curve.points.every((point) => point.cheaper === 'monolith')).toBe(true);
  });
});

describe('breakEvenOverStreams', () => {
  it('finds the stream count where the free tier stops hiding the distributed cost', () => {
    // Distributed: 0.01 GB-s per stream-second = 26,280 GB-s per stream-month; 400,000 GB-s free:
    // D(n) = max(0, 26,280 n - 400,000) x $0.0000166667 = $0.438000876 n - $6.66668.
    // Monolith on Fargate: 0.01 vCPU per stream x 730 h x $0.04048 = M(n) = $0.295504 n.
    // D(n) > M(n) when n > 6.66668 / (0.438000876 - 0.295504) = 46.78: the flip is at 47 streams.
    const curve = breakEvenOverStreams(
      {
        distributed: syntheticProfile({ billedMs: 10, memoryMb: 1024 }),
        monolith: syntheticProfile({ cpuMs: 10 }),
        priceBook: book,
        options: options({ freeTier: true, monolith: { targetUtilization: 1 } }),
      },
      { min: 1, max: 200, samples: 12 },
    );
    expect(curve.flip).toEqual({ at: 47, cheaperBelow: 'distributed', cheaperAbove: 'monolith' });
    expect(curve.points[0]?.x).toBe(1);
    expect(curve.points.at(-1)?.x).toBe(200);
  });

  it("finds EC2's one-instance minimum flip", () => {
    // Distributed: 1 transition per stream-second = $65.70 per stream-month.
    // Monolith: 0.1 CPU s per stream-second, 40 streams per c6i.xlarge (4 vCPU), at least one: $124.10.
    // 65.70 n > 124.10 from n = 2.
    const curve = breakEvenOverStreams(
      {
        distributed: syntheticProfile({ transitions: 1 }),
        monolith: syntheticProfile({ cpuMs: 100 }),
        priceBook: book,
        options: options({ monolith: { hosting: 'ec2', targetUtilization: 1 } }),
      },
      { min: 1, max: 100, samples: 10 },
    );
    expect(curve.flip).toEqual({ at: 2, cheaperBelow: 'distributed', cheaperAbove: 'monolith' });
  });

  it('finds no flip when one design is cheaper over the whole range', () => {
    const curve = breakEvenOverStreams(
      {
        distributed: syntheticProfile({ transitions: 10 }),
        monolith: syntheticProfile({ cpuMs: 100 }),
        priceBook: book,
        options: options({ monolith: { targetUtilization: 1 } }),
      },
      { min: 1, max: 1000 },
    );
    expect(curve.flip).toBeNull();
    expect(curve.points).toHaveLength(50);
  });

  it('rejects a range without a whole stream count', () => {
    const input = {
      distributed: syntheticProfile({ transitions: 1 }),
      monolith: syntheticProfile({ cpuMs: 1 }),
      priceBook: book,
      options: options({}),
    };
    expect(() => breakEvenOverStreams(input, { min: 5, max: 4 })).toThrow(RangeError);
  });
});
