import { describe, expect, it } from 'vitest';
import { buildSampleResults } from '../../report/sample-results.ts';
import type { BenchResults } from '../bench-results.ts';
import { priceMonolith } from './cost-model.ts';
import {
  defaultExplorerSettings,
  type ExplorerSettings,
  explorerBasisOf,
  exploreVerdict,
} from './explorer.ts';
import { withDetectorCpuScaled, withFrameGeometry, withFunctionMemoryScaled } from './profile-transforms.ts';
import { withoutDetectors } from './workload-profile.ts';

/** The document as `archbench report` reads it: through JSON. */
function fromDisk(results: BenchResults): BenchResults {
  return JSON.parse(JSON.stringify(results)) as BenchResults;
}

describe('exploreVerdict', () => {
  const sample = buildSampleResults();

  it("reproduces the document's own verdict with the run's values", () => {
    for (const results of [sample, fromDisk(sample)]) {
      const explored = exploreVerdict(results, defaultExplorerSettings(results));
      expect(explored.verdict.headline).toEqual(results.headline);
      expect(explored.verdict.designs.map((design) => design.cost)).toEqual(
        results.designs.map((design) => design.cost),
      );
      expect(explored.verdict.designs.map((design) => design.feasibility)).toEqual(
        results.designs.map((design) => design.feasibility),
      );
      expect(explored.modelled).toEqual(Object.fromEntries(results.designs.map((design) => [design.id, []])));
      expect(explored.headlineModelled).toBe(false);
    }
  });

  it('reproduces a document of another load, hosting and break-even range', () => {
    const results = buildSampleResults({
      costOptions: {
        load: { streams: 40, hoursPerMonth: 300, dutyCycle: 0.33 },
        monolith: { hosting: 'fargate', targetUtilization: 0.5 },
      },
      maxStreams: 30,
    });
    const explored = exploreVerdict(results, defaultExplorerSettings(results));
    expect(explored.verdict.headline).toEqual(results.headline);
    expect(explored.verdict.sensitivity).toEqual(results.sensitivity);
  });

  it("keeps a run's values the controls' bounds would not offer (2.5 streams, 800 hours)", () => {
    const results = buildSampleResults({ costOptions: { load: { streams: 2.5, hoursPerMonth: 800 } } });
    const explored = exploreVerdict(results, defaultExplorerSettings(results));
    expect(explored.settings).toMatchObject({ streams: 2.5, hoursPerMonth: 800 });
    expect(explored.verdict.headline).toEqual(results.headline);
  });

  it('takes the verdict inputs the document recorded', () => {
    const basis = explorerBasisOf(sample);
    expect(basis.fps).toBe(25);
    expect(basis.dropDetectors).toEqual(['av-sync']);
    expect(basis.headroom).toEqual({ taskIntegration: 'lambda', s3Prefixes: 'per-stream' });
    expect(basis.breakEven.streams).toEqual({ min: 1, max: 1000 });
    expect(basis.firstDesignId).toBe('sfn-per-second');
  });

  it('prices the load, discounts and utilisation from the measured profiles (nothing modelled)', () => {
    const settings: ExplorerSettings = {
      ...defaultExplorerSettings(sample),
      streams: 40,
      hoursPerMonth: 240,
      dutyCycle: 0.33,
      targetUtilization: 0.5,
    };
    const explored = exploreVerdict(sample, settings);
    const monolith = sample.designs[0]!;
    const options = sample.scenario.costOptions;
    expect(explored.verdict.designs[0]!.cost).toEqual(
      priceMonolith(monolith.summary.profile, sample.priceBook, {
        ...options,
        load: { streams: 40, hoursPerMonth: 240, dutyCycle: 0.33 },
        monolith: { ...options.monolith, targetUtilization: 0.5 },
      }),
    );
    expect(explored.headlineModelled).toBe(false);
    expect(explored.verdict.headline.verdict).toMatch(/^At 40 streams live 33\.0% of 240 hours/);
  });

  it('marks what lies beyond the measurement as modelled, design by design', () => {
    const defaults = defaultExplorerSettings(sample);
    const settings: ExplorerSettings = {
      ...defaults,
      droppedDetectors: ['black'],
      detectorCpuFactor: 3,
      lambdaMemoryFactor: 2,
      designs: { ...defaults.designs, 'sfn-per-second': { chunkSeconds: 10, framesPerObject: 25 } },
    };
    const explored = exploreVerdict(sample, settings);
    expect(explored.modelled).toEqual({
      monolith: ['without black', 'detector CPU x3'],
      'sfn-per-second': [
        'without black',
        'detector CPU x3',
        '10-s chunks (measured 1 s)',
        '25 frames per object (measured 1)',
        'function memory x2',
      ],
      'sfn-express-batched': ['without black', 'detector CPU x3', 'function memory x2'],
      'function-per-chunk': ['without black', 'detector CPU x3', 'function memory x2'],
    });
    expect(explored.headlineModelled).toBe(true);
    const measured = sample.designs[1]!.summary.profile;
    const geometry = { fps: 25, chunkSeconds: 1, framesPerObject: 1 };
    const expected = withFunctionMemoryScaled(
      withFrameGeometry(withDetectorCpuScaled(withoutDetectors(measured, ['black']), 3), geometry, {
        ...geometry,
        chunkSeconds: 10,
        framesPerObject: 25,
      }),
      2,
    );
    expect(explored.verdict.designs[1]!.summary.profile).toEqual(expected);
    expect(explored.verdict.designs[1]!.settings).toMatchObject({ chunkSeconds: 10, framesPerObject: 25 });
  });

  it('keeps settings within their bounds', () => {
    const defaults = defaultExplorerSettings(sample);
    const explored = exploreVerdict(sample, {
      ...defaults,
      streams: 0,
      dutyCycle: 7,
      monolithSavingsPercent: 90,
      lambdaSavingsPercent: Number.NaN,
      droppedDetectors: ['no-such-detector'],
      designs: { 'sfn-per-second': { chunkSeconds: 0.2, framesPerObject: 0 } },
    });
    expect(explored.settings).toMatchObject({
      streams: 1,
      dutyCycle: 1,
      // The price book's ceiling for EC2 Instance Savings Plans (the sample's monolith runs on EC2).
      monolithSavingsPercent: sample.priceBook.savingsPlans?.ec2InstanceMaxPercent.value,
      lambdaSavingsPercent: 0,
      droppedDetectors: [],
      designs: { 'sfn-per-second': { chunkSeconds: 1, framesPerObject: 1 } },
    });
  });
});
