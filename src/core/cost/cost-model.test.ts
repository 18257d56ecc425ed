import { describe, expect, it } from 'vitest';
import { BadInputError } from '../errors.ts';
import {
  type CostLine,
  type CostOptions,
  type CostOptionsInput,
  compareDesigns,
  type DesignCost,
  priceDistributed,
  priceMonolith,
  resolveCostOptions,
  whatIfs,
} from './cost-model.ts';
import { distributedProfile, monolithProfile, syntheticProfile, testPriceBook } from './test-profiles.ts';
import { withFramesBatched } from './workload-profile.ts';

const book = testPriceBook();
// One stream for a 730-hour month: 730 stream-hours, 2,628,000 stream-seconds.
const MONTH_SECONDS = 2_628_000;

function options(input: CostOptionsInput = {}): CostOptions {
  const result = resolveCostOptions(input);
  if (!result.ok) throw new Error(result.error);
  return result.options;
}

function line(cost: DesignCost, dimension: CostLine['dimension']): CostLine {
  const found = cost.lines.find((entry) => entry.dimension === dimension);
  if (found === undefined) throw new Error(`no ${dimension} line`);
  return found;
}

describe('resolveCostOptions', () => {
  it('fills defaults and rejects bad values in one line naming the field', () => {
    const resolved = options();
    expect(resolved.load).toEqual({ streams: 1, hoursPerMonth: 730, dutyCycle: 1 });
    expect(resolved.monolith.hosting).toBe('fargate');
    expect(resolveCostOptions({ load: { streams: 0 } })).toEqual({
      ok: false,
      error: 'load.streams: must be a positive number',
    });
    expect(resolveCostOptions({ monolith: { targetUtilization: 1.5 } })).toEqual({
      ok: false,
      error: 'monolith.targetUtilization: must be at most 1',
    });
    expect(resolveCostOptions({ workflow: 'standard', region: 'x' } as CostOptionsInput)).toEqual({
      ok: false,
      error: 'unknown key "region"',
    });
  });
});

describe('priceDistributed', () => {
  it('prices every dimension from the counts, by hand', () => {
    const cost = priceDistributed(distributedProfile(), book, options());
    // 6 transitions/stream-second x 3600 x $0.000025 = $0.54 per stream-hour;
    // x 2,628,000 s = 15,768,000 transitions = $394.20 per month.
    const transitions = line(cost, 'sfn-transitions');
    expect(transitions.quantity).toBeCloseTo(15_768_000, 6);
    expect(transitions.costPerStreamHour).toBeCloseTo(0.54, 12);
    expect(transitions.cost).toBeCloseTo(394.2, 9);
    expect(transitions).toMatchObject({
      basis: 'count',
      priceKey: 'sfn.standard.transitions',
      freeQuantity: 0,
    });
    // 4 invocations/s x 2,628,000 = 10,512,000 requests x $0.0000002 = $2.1024.
    expect(line(cost, 'lambda-requests').cost).toBeCloseTo(2.1024, 9);
    // 0.4125 GB-s/s x 2,628,000 = 1,084,050 GB-s x $0.0000166667 = $18.067536135.
    const duration = line(cost, 'lambda-duration');
    expect(duration.quantity).toBeCloseTo(1_084_050, 6);
    expect(duration.cost).toBeCloseTo(18.067536135, 9);
    expect(duration).toMatchObject({ basis: 'compute', priceKey: 'lambda.duration.x86' });
    // Tier 1 without the run's one results PUT per clip (0.1/s): 29.0/s x 3600 x $0.000005 = $0.522 per
    // stream-hour; x 730 = $381.06 per month. Results are priced on a cadence instead: one PUT per 60 s,
    // 2,628,000 / 60 = 43,800 x $0.000005 = $0.219.
    expect(line(cost, 's3-tier1').costPerStreamHour).toBeCloseTo(0.522, 12);
    expect(line(cost, 's3-tier1').cost).toBeCloseTo(381.06, 9);
    expect(line(cost, 's3-results-writes').quantity).toBeCloseTo(43_800, 9);
    expect(line(cost, 's3-results-writes').cost).toBeCloseTo(0.219, 12);
    // Tier 2: 28/s x 2,628,000 = 73,584,000 x $0.0000004 = $29.4336.
    expect(line(cost, 's3-tier2').cost).toBeCloseTo(29.4336, 9);
    expect(line(cost, 's3-free').cost).toBe(0);
    expect(line(cost, 's3-free').quantity).toBeCloseTo(MONTH_SECONDS, 6);
    // Temporary storage: 10 MiB/s x 2 s mean execution = 20 MiB resident = 0.01953125 GB-month x $0.023.
    expect(line(cost, 's3-temporary-storage').quantity).toBeCloseTo(0.01953125, 12);
    expect(line(cost, 's3-temporary-storage').cost).toBeCloseTo(0.00044921875, 12);
    // Transfer S3 <-> compute in the Region: 30 MiB/s x 2,628,000 s / 1024 = 76,992.1875 GB at $0.
    expect(line(cost, 's3-transfer').quantity).toBeCloseTo(76_992.1875, 6);
    expect(line(cost, 's3-transfer').cost).toBe(0);

    const total = 394.2 + 2.1024 + 18.067536135 + 381.06 + 0.219 + 29.4336 + 0.00044921875;
    expect(cost.totalPerMonth).toBeCloseTo(total, 8);
    expect(cost.totalPerStreamHour).toBeCloseTo(total / 730, 10);
    // Compute-derived: Lambda duration and temporary storage; the rest is count-derived.
    expect(cost.byBasis.compute.perMonth).toBeCloseTo(18.067536135 + 0.00044921875, 9);
    expect(cost.byBasis.count.perMonth).toBeCloseTo(394.2 + 2.1024 + 381.06 + 0.219 + 29.4336, 8);
  });

  it('applies the monthly free tiers once per account when on', () => {
    const cost = priceDistributed(distributedProfile(), book, options({ freeTier: true }));
    // (15,768,000 - 4,000) x $0.000025 = $394.10.
    expect(line(cost, 'sfn-transitions').freeQuantity).toBe(4000);
    expect(line(cost, 'sfn-transitions').cost).toBeCloseTo(394.1, 9);
    // (10,512,000 - 1,000,000) x $0.0000002 = $1.9024.
    expect(line(cost, 'lambda-requests').cost).toBeCloseTo(1.9024, 9);
    // (1,084,050 - 400,000) GB-s x $0.0000166667 = $11.400856135.
    expect(line(cost, 'lambda-duration').cost).toBeCloseTo(11.400856135, 9);
    // S3 has no free tier in the book.
    expect(line(cost, 's3-tier1').cost).toBeCloseTo(381.06, 9);
  });

  it('bills nothing for usage inside the free tier', () => {
    // 0.001 transitions/s x 2,628,000 = 2,628 < 4,000 free.
    const cost = priceDistributed(
      syntheticProfile({ transitions: 0.001 }),
      book,
      options({ freeTier: true }),
    );
    expect(line(cost, 'sfn-transitions').freeQuantity).toBeCloseTo(2628, 9);
    expect(line(cost, 'sfn-transitions').cost).toBe(0);
  });

  it('prices Express from executions and billed duration, rounding memory up to 64 MB steps', () => {
    const cost = priceDistributed(distributedProfile(), book, options({ workflow: 'express' }));
    expect(cost.lines.some((entry) => entry.dimension === 'sfn-transitions')).toBe(false);
    // 1 execution/s x 2,628,000 = 2,628,000 requests x $0.000001 = $2.628.
    expect(line(cost, 'sfn-express-requests').cost).toBeCloseTo(2.628, 9);
    // 2,000 billed ms/s = 2 s x 64 MB / 1024 = 0.125 GB-s/s x 2,628,000 = 328,500 GB-s x $0.00001667 = $5.476095.
    expect(line(cost, 'sfn-express-duration').quantity).toBeCloseTo(328_500, 6);
    expect(line(cost, 'sfn-express-duration').cost).toBeCloseTo(5.476095, 9);
    // 100 MB rounds up to 128 MB: twice the GB-s, $10.95219.
    const rounded = priceDistributed(
      distributedProfile(),
      book,
      options({ workflow: 'express', expressMemoryMb: 100 }),
    );
    expect(line(rounded, 'sfn-express-duration').cost).toBeCloseTo(10.95219, 9);
    // 20 streams: 6,570,000 GB-s crosses the first 1,000 GB-h (3,600,000 GB-s): 3,600,000 x $0.00001667
    // = $60.012, then 2,970,000 x $0.00000833 = $24.7401; total $84.7521.
    const busy = priceDistributed(
      distributedProfile(),
      book,
      options({ workflow: 'express', load: { streams: 20 } }),
    );
    expect(line(busy, 'sfn-express-duration').cost).toBeCloseTo(84.7521, 9);
  });

  it('prices Arm durations at the Arm price', () => {
    const cost = priceDistributed(distributedProfile(), book, options({ architecture: 'arm' }));
    // 1,084,050 GB-s x $0.0000133334 = $14.45407227.
    expect(line(cost, 'lambda-duration').cost).toBeCloseTo(14.45407227, 9);
    expect(line(cost, 'lambda-duration').priceKey).toBe('lambda.duration.arm');
  });

  it('scales with streams and duty cycle, per stream-hour unchanged without free tiers', () => {
    const base = priceDistributed(distributedProfile(), book, options());
    const scaled = priceDistributed(
      distributedProfile(),
      book,
      options({ load: { streams: 4, dutyCycle: 0.5 } }),
    );
    // 4 streams x 0.5 duty = 2 x the stream-hours.
    expect(scaled.streamHoursPerMonth).toBe(1460);
    expect(scaled.totalPerMonth).toBeCloseTo(base.totalPerMonth * 2, 8);
    expect(scaled.totalPerStreamHour).toBeCloseTo(base.totalPerStreamHour, 12);
  });
});

describe('priceMonolith', () => {
  it('sizes Fargate from CPU seconds and peak memory at the target utilization', () => {
    const cost = priceMonolith(
      monolithProfile(),
      book,
      options({ load: { streams: 10 }, monolith: { targetUtilization: 0.5 } }),
    );
    // vCPUs = 10 streams x 0.4 CPU s per stream-second / 0.5 = 8; memory = 10 x 0.5 GiB / 0.5 = 10 GiB.
    expect(cost.sizing?.vcpus).toBeCloseTo(8, 12);
    expect(cost.sizing?.memoryGiB).toBeCloseTo(10, 12);
    // 8 vCPU x 730 h = 5,840 vCPU-h x $0.04048 = $236.4032; 10 GB x 730 h = 7,300 GB-h x $0.004445 = $32.4485.
    expect(line(cost, 'fargate-vcpu').cost).toBeCloseTo(236.4032, 9);
    expect(line(cost, 'fargate-memory').cost).toBeCloseTo(32.4485, 9);
    expect(line(cost, 'fargate-vcpu').basis).toBe('compute');
    // The run's one results PUT per clip is replaced by the cadence: 10 streams x 2,628,000 s / 60 s =
    // 438,000 PUTs x $0.000005 = $2.19 (count); no other tier 1 request.
    expect(line(cost, 's3-tier1').cost).toBe(0);
    expect(line(cost, 's3-results-writes').cost).toBeCloseTo(2.19, 9);
    expect(line(cost, 's3-results-writes').basis).toBe('count');
    const total = 236.4032 + 32.4485 + 2.19;
    expect(cost.totalPerMonth).toBeCloseTo(total, 9);
    // 10 streams x 730 h = 7,300 stream-hours.
    expect(cost.totalPerStreamHour).toBeCloseTo(total / 7300, 12);
    expect(cost.byBasis.count.perMonth).toBeCloseTo(2.19, 9);
  });

  it('rounds EC2 up to whole instances for vCPUs and for memory', () => {
    const ec2 = (streams: number, extra: CostOptionsInput['monolith'] = {}): DesignCost =>
      priceMonolith(
        monolithProfile(),
        book,
        options({ load: { streams }, monolith: { hosting: 'ec2', targetUtilization: 0.5, ...extra } }),
      );
    // One process per instance: 4 vCPU x 0.5 / 0.4 = 5 streams by CPU, 8 GiB x 0.5 / 0.5 GiB = 8 by memory,
    // so 5 per instance. 10 streams: 2 instances; 2 x 730 h x $0.17 = $248.20.
    expect(ec2(10).sizing?.ec2).toEqual({
      instanceType: 'c6i.xlarge',
      instances: 2,
      limitedBy: 'cpu',
      streamsPerInstance: 5,
    });
    expect(line(ec2(10), 'ec2-instances').cost).toBeCloseTo(248.2, 9);
    expect(line(ec2(10), 'ec2-instances').priceKey).toBe('ec2:c6i.xlarge');
    // 11 streams: ceil(11 / 5) = 3 instances: 3 x 730 x $0.17 = $372.30.
    expect(line(ec2(11), 'ec2-instances').cost).toBeCloseTo(372.3, 9);
    // 1 stream still needs one instance: 730 x $0.17 = $124.10.
    expect(line(ec2(1), 'ec2-instances').cost).toBeCloseTo(124.1, 9);
    // 2 GiB per stream: 8 GiB x 0.5 / 2 GiB = 2 streams per instance (memory binds), 5 instances:
    // 5 x 730 x $0.17 = $620.50.
    const memoryBound = ec2(10, { memoryPerStreamBytes: 2 * 2 ** 30 });
    expect(memoryBound.sizing?.ec2).toEqual({
      instanceType: 'c6i.xlarge',
      instances: 5,
      limitedBy: 'memory',
      streamsPerInstance: 2,
    });
    // A 1.5 GiB process base leaves (4 - 1.5) / 0.5 = 5 streams by memory, still 5 by CPU; 3 GiB leaves 2.
    expect(ec2(10, { memoryBaseBytes: 1.5 * 2 ** 30 }).sizing?.ec2?.streamsPerInstance).toBe(5);
    expect(ec2(10, { memoryBaseBytes: 3 * 2 ** 30 }).sizing?.ec2).toMatchObject({
      instances: 5,
      limitedBy: 'memory',
      streamsPerInstance: 2,
    });
    expect(line(memoryBound, 'ec2-instances').cost).toBeCloseTo(620.5, 9);
  });

  it('uses the Arm instance type on Arm and rejects instance types that do not fit', () => {
    const arm = priceMonolith(
      monolithProfile(),
      book,
      options({
        architecture: 'arm',
        load: { streams: 10 },
        monolith: { hosting: 'ec2', targetUtilization: 0.5 },
      }),
    );
    // 2 x c7g.xlarge x 730 h x $0.145 = $211.70.
    expect(line(arm, 'ec2-instances').cost).toBeCloseTo(211.7, 9);
    expect(() =>
      priceMonolith(
        monolithProfile(),
        book,
        options({ monolith: { hosting: 'ec2', ec2InstanceType: 'c7g.xlarge' } }),
      ),
    ).toThrow('EC2 instance type "c7g.xlarge" is arm, not x86');
    expect(() =>
      priceMonolith(
        monolithProfile(),
        book,
        options({ monolith: { hosting: 'ec2', ec2InstanceType: 'z9.huge' } }),
      ),
    ).toThrow(BadInputError);
  });

  it('bills always-on capacity for the whole month and active-hours capacity only while live', () => {
    const at = (provisioning: 'always-on' | 'active-hours'): DesignCost =>
      priceMonolith(
        monolithProfile(),
        book,
        options({
          load: { streams: 10, dutyCycle: 0.25 },
          monolith: { targetUtilization: 0.5, provisioning },
        }),
      );
    // Always on: $236.4032 whatever the duty cycle; per stream-hour over 10 x 730 x 0.25 = 1,825 stream-hours.
    expect(line(at('always-on'), 'fargate-vcpu').cost).toBeCloseTo(236.4032, 9);
    expect(line(at('always-on'), 'fargate-vcpu').costPerStreamHour).toBeCloseTo(236.4032 / 1825, 12);
    // Active hours: 8 vCPU x 182.5 h x $0.04048 = $59.1008.
    expect(line(at('active-hours'), 'fargate-vcpu').cost).toBeCloseTo(59.1008, 9);
  });

  it('prices N monolith clones as N instances (EC2) or N tasks sharing the measured capacity (Fargate)', () => {
    const priced = (streams: number, clones: number, hosting: 'ec2' | 'fargate'): DesignCost =>
      priceMonolith(
        monolithProfile(),
        book,
        options({ load: { streams }, monolith: { hosting, targetUtilization: 0.5, clones } }),
      );
    // 1 stream needs 0.8 vCPU and 1 GiB: one c6i.xlarge ($124.10), but three clones run on three.
    expect(priced(1, 1, 'ec2').sizing?.ec2?.instances).toBe(1);
    expect(priced(1, 3, 'ec2').sizing?.ec2?.instances).toBe(3);
    expect(priced(1, 3, 'ec2').sizing?.clones).toBe(3);
    expect(line(priced(1, 3, 'ec2'), 'ec2-instances').cost).toBeCloseTo(3 * 124.1, 9);
    // 10 streams: 5 per instance as one service, 2 instances; a clone needs a third of each stream's CPU
    // and memory, 15 streams per instance, so 3 clones need 3 instances.
    expect(line(priced(10, 1, 'ec2'), 'ec2-instances').cost).toBeCloseTo(248.2, 9);
    expect(line(priced(10, 3, 'ec2'), 'ec2-instances').cost).toBeCloseTo(372.3, 9);
    // 30 streams: 2 instances per clone: 6, as many as one service needs.
    expect(priced(30, 3, 'ec2').sizing?.ec2?.instances).toBe(6);
    // Fargate bills each task for what it uses: the clones cost what the measured CPU and memory cost.
    expect(priced(10, 3, 'fargate').totalPerMonth).toBeCloseTo(priced(10, 1, 'fargate').totalPerMonth, 9);
    expect(priced(10, 3, 'fargate').assumptions.join(' ')).toContain('3 monolith clones');
    expect(resolveCostOptions({ monolith: { clones: 0 } })).toEqual({
      ok: false,
      error: 'monolith.clones: must be at least 1',
    });
  });
});

describe('compareDesigns', () => {
  it('gives savings and the gap by dimension, category and basis', () => {
    const opts = options({ monolith: { targetUtilization: 0.5 } });
    const distributed = priceDistributed(distributedProfile(), book, opts);
    const monolith = priceMonolith(monolithProfile(), book, opts);
    // Monolith, 1 stream: 0.8 vCPU x 730 x $0.04048 = $23.64032; 1 GiB x 730 x $0.004445 = $3.24485;
    // results 43,800 PUTs x $0.000005 = $0.219; total $27.10417.
    expect(monolith.totalPerMonth).toBeCloseTo(27.10417, 9);
    const comparison = compareDesigns(distributed, monolith);
    const gap = distributed.totalPerMonth - 27.10417;
    expect(comparison.cheaper).toBe('monolith');
    expect(comparison.gapPerMonth).toBeCloseTo(gap, 8);
    expect(comparison.savingsPercent).toBeCloseTo((gap / distributed.totalPerMonth) * 100, 9);
    // Largest share: transitions $394.20 (the monolith has none); then S3 tier 1 $381.06 - $0.
    expect(comparison.gapByDimension[0]).toMatchObject({ key: 'sfn-transitions', basis: 'count' });
    expect(comparison.gapByDimension[0]?.gapPerMonth).toBeCloseTo(394.2, 9);
    expect(comparison.gapByDimension[1]?.key).toBe('s3-tier1');
    expect(comparison.gapByDimension[1]?.gapPerMonth).toBeCloseTo(381.06, 9);
    // Compute: Lambda $2.1024 + $18.067536135 against Fargate $26.88517: the monolith pays more there.
    const compute = comparison.gapByCategory.find((entry) => entry.key === 'compute');
    expect(compute?.gapPerMonth).toBeCloseTo(2.1024 + 18.067536135 - 26.88517, 9);
    const shares = comparison.gapByDimension.reduce((sum, entry) => sum + (entry.shareOfGap ?? 0), 0);
    expect(shares).toBeCloseTo(1, 12);
    expect(comparison.gapByBasis.count + comparison.gapByBasis.compute).toBeCloseTo(gap, 8);
    expect(comparison.gapPerStreamHour).toBeCloseTo(gap / 730, 10);
  });

  it('refuses bills at different loads', () => {
    const distributed = priceDistributed(distributedProfile(), book, options({ load: { streams: 2 } }));
    const monolith = priceMonolith(monolithProfile(), book, options());
    expect(() => compareDesigns(distributed, monolith)).toThrow(RangeError);
  });
});

describe('whatIfs', () => {
  const input = {
    distributed: distributedProfile(),
    monolith: monolithProfile(),
    priceBook: book,
    options: options({ monolith: { targetUtilization: 0.5 } }),
  };

  it('computes Express, frames batched and Arm from the same counts', () => {
    const report = whatIfs(input);
    expect(report.whatIfs.map((whatIf) => whatIf.id)).toEqual(['express', 'frames-batched', 'arm']);
    const express = report.whatIfs[0]!;
    // Transitions $394.20 replaced by Express $2.628 + $5.476095.
    expect(express.distributedChangePerMonth).toBeCloseTo(-394.2 + 2.628 + 5.476095, 9);
    expect(express.monolithChangePerMonth).toBe(0);
    const batched = report.whatIfs[1]!;
    // One object per chunk: tier 1 29.1 -> 4.1/s, tier 2 28 -> 4/s:
    // -25 x 2,628,000 x $0.000005 = -$328.50 and -24 x 2,628,000 x $0.0000004 = -$25.2288.
    expect(batched.distributedChangePerMonth).toBeCloseTo(-328.5 - 25.2288, 9);
    const arm = report.whatIfs[2]!;
    // Lambda: 1,084,050 GB-s x ($0.0000133334 - $0.0000166667); Fargate: 584 vCPU-h x ($0.03238 - $0.04048)
    // + 730 GB-h x ($0.00356 - $0.004445).
    expect(arm.distributedChangePerMonth).toBeCloseTo(1_084_050 * (0.0000133334 - 0.0000166667), 9);
    expect(arm.monolithChangePerMonth).toBeCloseTo(584 * (0.03238 - 0.04048) + 730 * (0.00356 - 0.004445), 9);
  });

  it('uses a measured batched profile when given, and drops detectors on request', () => {
    const measured = withFramesBatched(distributedProfile(), 5);
    const report = whatIfs({ ...input, batchedDistributed: measured, dropDetectors: ['freeze'] });
    const batched = report.whatIfs.find((whatIf) => whatIf.id === 'frames-batched')!;
    // Tier 1 29.1 -> 9.1/s, tier 2 28 -> 8/s: -20 x 2,628,000 x $0.000005 - 20 x 2,628,000 x $0.0000004.
    expect(batched.distributedChangePerMonth).toBeCloseTo(-262.8 - 21.024, 9);
    expect(batched.derivation).toMatch(/measured/);
    const fewer = report.whatIfs.find((whatIf) => whatIf.id === 'fewer-detectors')!;
    // Distributed: -1 transition/s ($65.70), -1 request/s ($0.5256), -0.05 GB-s/s (131,400 GB-s x
    // $0.0000166667 = $2.19000438), -1 PUT/s ($13.14), -25 GET/s ($26.28).
    expect(fewer.distributedChangePerMonth).toBeCloseTo(-65.7 - 0.5256 - 2.19000438 - 13.14 - 26.28, 8);
    // Monolith: -0.1 CPU s/s / 0.5 = -0.2 vCPU x 730 h x $0.04048 = -$5.91008.
    expect(fewer.monolithChangePerMonth).toBeCloseTo(-5.91008, 9);
  });

  it('leaves out what-ifs the baseline already is', () => {
    const report = whatIfs({ ...input, options: options({ workflow: 'express', architecture: 'arm' }) });
    expect(report.whatIfs.map((whatIf) => whatIf.id)).toEqual(['frames-batched']);
    expect(report.baseline.comparison.cheaper).toBe('monolith');
  });
});

describe('priceMonolith with Fargate task sizes and Savings Plans (price book 2026-12)', () => {
  const december = testPriceBook('2026-12');

  it('runs tasks of the cheapest valid size that fits the streams, billed for the size', () => {
    const cost = priceMonolith(
      monolithProfile(),
      december,
      options({ load: { streams: 10 }, monolith: { targetUtilization: 0.5 } }),
    );
    // Streams per task = floor(min(vCPU x 0.5 / 0.4, GB x 0.5 / 0.5)): 0.25 and 0.5 vCPU fit none;
    // 1 vCPU/2 GB: 1 stream, 10 tasks x $0.04937/h = $0.4937/h; 2 vCPU/4 GB: 2, 5 x $0.09874 = $0.4937/h;
    // 4 vCPU/8 GB: 5, 2 x $0.19748 = $0.39496/h (the cheapest; 8 vCPU/16 GB ties and comes later).
    expect(cost.sizing?.fargateTask).toEqual({
      vcpus: 4,
      memoryGiB: 8,
      tasks: 2,
      streamsPerTask: 5,
      limitedBy: 'cpu',
    });
    // 8 vCPU x 730 h x $0.04048 = $236.4032; 16 GB x 730 h x $0.004445 = $51.9176.
    expect(line(cost, 'fargate-vcpu').cost).toBeCloseTo(236.4032, 9);
    expect(line(cost, 'fargate-memory').cost).toBeCloseTo(51.9176, 9);
  });

  it('bills the smallest task, 0.25 vCPU and 0.5 GB, for a small monolith', () => {
    const tiny = syntheticProfile({ cpuMs: 10 });
    const cost = priceMonolith(
      tiny,
      december,
      options({ monolith: { targetUtilization: 0.7, memoryPerStreamBytes: 100 * 2 ** 20 } }),
    );
    // 0.25 x $0.04048 + 0.5 x $0.004445 = $0.0123425 per hour (FACTS.md: about $0.0124), x 730 h.
    expect(cost.sizing?.fargateTask).toMatchObject({ vcpus: 0.25, memoryGiB: 0.5, tasks: 1 });
    expect(line(cost, 'fargate-vcpu').cost + line(cost, 'fargate-memory').cost).toBeCloseTo(9.010025, 9);
  });

  it('sizes from a fitted CPU and per-process base when given', () => {
    const cost = priceMonolith(
      monolithProfile(),
      december,
      options({
        load: { streams: 100 },
        monolith: {
          hosting: 'ec2',
          targetUtilization: 0.5,
          cpuSecondsPerStreamSecond: 0.1,
          memoryBaseBytes: 2 * 2 ** 30,
          memoryPerStreamBytes: 64 * 2 ** 20,
        },
      }),
    );
    // Per c6i.xlarge: CPU 4 x 0.5 / 0.1 = 20 streams; memory (8 x 0.5 - 2) GiB / 64 MiB = 32. 100 / 20 = 5.
    expect(cost.sizing?.ec2).toMatchObject({ instances: 5, limitedBy: 'cpu', streamsPerInstance: 20 });
    expect(cost.sizing?.cpuSecondsPerStreamSecond).toBe(0.1);
  });

  it('runs several processes on an instance when one process saturates its main thread', () => {
    const sized = (baseGiB: number) =>
      priceMonolith(
        monolithProfile(),
        december,
        options({
          load: { streams: 100 },
          monolith: {
            hosting: 'ec2',
            targetUtilization: 0.5,
            cpuSecondsPerStreamSecond: 0.1,
            processCpuSecondsPerStreamSecond: 0.05,
            memoryBaseBytes: baseGiB * 2 ** 30,
            memoryPerStreamBytes: 64 * 2 ** 20,
          },
        }),
      ).sizing?.ec2;
    // 20 streams by CPU; a process serves 0.5 / 0.05 = 10, so 20 streams are 2 processes:
    // 2 x 1 GiB + 20 x 64 MiB = 3.25 GiB of the 4 GiB allowed: CPU decides, 5 instances.
    expect(sized(1)).toMatchObject({ instances: 5, limitedBy: 'cpu', streamsPerInstance: 20 });
    // With 1.5 GiB per process: 16 streams (2 x 1.5 + 16 / 16 = 4 GiB); 17 would need 4.0625 GiB.
    // ceil(100 / 16) = 7 instances.
    expect(sized(1.5)).toMatchObject({ instances: 7, limitedBy: 'memory', streamsPerInstance: 16 });
  });

  it('takes a Savings Plan off compute only: monolith capacity, Lambda duration, never requests', () => {
    const plain = options({ load: { streams: 10 }, monolith: { targetUtilization: 0.5, hosting: 'ec2' } });
    const planned = options({
      load: { streams: 10 },
      monolith: { targetUtilization: 0.5, hosting: 'ec2' },
      discounts: { monolithComputePercent: 72, lambdaDurationPercent: 17 },
    });
    // 2 instances x 730 h x $0.17 = $248.20; 72% off = $69.496.
    expect(line(priceMonolith(monolithProfile(), december, planned), 'ec2-instances').cost).toBeCloseTo(
      69.496,
      9,
    );
    const before = priceDistributed(distributedProfile(), december, plain);
    const after = priceDistributed(distributedProfile(), december, planned);
    expect(line(after, 'lambda-duration').cost).toBeCloseTo(line(before, 'lambda-duration').cost * 0.83, 9);
    expect(line(after, 'lambda-requests').cost).toBe(line(before, 'lambda-requests').cost);
  });
});
