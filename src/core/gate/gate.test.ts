import { describe, expect, it } from 'vitest';
import { buildSampleResults } from '../../report/sample-results.ts';
import type { BenchResults } from '../bench-results.ts';
import { type PriceBook, unitPriceOf } from '../cost/price-book.ts';
import { evaluateGate } from './gate.ts';
import {
  type CostOutOfBoundsFinding,
  type CountChangedFinding,
  defaultGateBounds,
  type FindingsChangedFinding,
  type GateFinding,
  type GateVerdict,
  type PriceChangedFinding,
  type ScenarioChangedFinding,
} from './gate-verdict.ts';
import {
  addStageRequests,
  addStateToEveryExecution,
  rebuildResults,
  scaleCompute,
  type Writable,
  writableCopy,
} from './test-results.ts';

// 10 streams for a 730-hour month on Fargate: 10 x 730 x 3600 = 26,280,000 stream-seconds per month.
const STREAM_SECONDS_PER_MONTH = 26_280_000;
const baseline = buildSampleResults({ costOptions: { load: { streams: 10 } } });
const okClipPaths = baseline.clips
  .filter((clip) => clip.runs.distributed.status === 'ok')
  .map((clip) => clip.path);

function ofKind<K extends GateFinding['kind']>(
  verdict: GateVerdict,
  kind: K,
): Extract<GateFinding, { kind: K }>[] {
  return verdict.findings.filter(
    (finding): finding is Extract<GateFinding, { kind: K }> => finding.kind === kind,
  );
}

/** The sample's clips are 1 s chunks at 25 frames per second: executions per stream-second, as measured. */
function executionsPerStreamSecond(document: BenchResults): number {
  return (
    document.runners.distributed.counters.sfn.executionsStarted / document.runners.distributed.streamSeconds
  );
}

describe('evaluateGate on an unchanged tree', () => {
  it('passes when only timings, run ids and compute-derived dollars within bounds differ', () => {
    const current = rebuildResults(baseline, {
      runId: 'run-20261127T090000-abcdef',
      counters: (_design, _clip, counters) => scaleCompute(counters, 1.2),
    });
    expect(current.costs.baseline.monolith.byBasis.compute.perMonth).toBeGreaterThan(
      baseline.costs.baseline.monolith.byBasis.compute.perMonth * 1.1,
    );
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.findings).toEqual([]);
    expect(verdict.verdict).toBe('pass');
    const monolith = verdict.costs.find((cost) => cost.design === 'monolith');
    expect(monolith?.countEffectPerMonth).toBe(0);
    expect(monolith?.computeEffectPerMonth).toBeGreaterThan(0);
  });

  it('passes a document against itself rebuilt from its clips (count-derived dollars exactly equal)', () => {
    const verdict = evaluateGate(baseline, rebuildResults(baseline), defaultGateBounds);
    expect(verdict.verdict).toBe('pass');
    expect(verdict.costs.map((cost) => cost.countEffectPerMonth)).toEqual([0, 0]);
  });

  it('reports compute-derived dollars that fell beyond the bounds as a note, not a regression', () => {
    const current = rebuildResults(baseline, { counters: (_d, _c, counters) => scaleCompute(counters, 0.4) });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('pass');
    const notes = ofKind(verdict, 'cost-out-of-bounds');
    expect(notes.length).toBeGreaterThan(0);
    expect(notes.every((note) => note.severity === 'info' && note.deltaPerMonth < 0)).toBe(true);
  });
});

describe('evaluateGate on changed counts', () => {
  it('names a new state in the distributed workflow with its per stream-second delta and dollars', () => {
    const current = rebuildResults(baseline, {
      counters: (design, _clip, counters) => {
        if (design === 'distributed') addStateToEveryExecution(counters, 'Validate input');
      },
    });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const counts = ofKind(verdict, 'count-changed');
    expect(counts).toHaveLength(1);
    const [finding] = counts as [CountChangedFinding];
    const perSecond = executionsPerStreamSecond(baseline);
    expect(finding.design).toBe('distributed');
    expect(finding.subject).toEqual({ kind: 'transitions', state: 'Validate input' });
    expect(finding.baseline.perStreamSecond).toBe(0);
    expect(finding.current.perStreamSecond).toBeCloseTo(perSecond, 12);
    expect(finding.deltaPerStreamSecond).toBeCloseTo(perSecond, 12);
    const transitionPrice = unitPriceOf(baseline.priceBook.lines['sfn.standard.transitions']);
    expect(finding.dollarEffect?.perMonth).toBeCloseTo(
      perSecond * transitionPrice * STREAM_SECONDS_PER_MONTH,
      6,
    );
    expect(finding.clips).toEqual(okClipPaths);
    // The marginal price agrees with the cost model's own bill (no free tier, no volume tier here).
    const distributed = verdict.costs.find((cost) => cost.design === 'distributed');
    expect(distributed?.countEffectPerMonth).toBeCloseTo(finding.dollarEffect?.perMonth ?? Number.NaN, 6);
    // The changed counts explain the count-derived dollars: no second finding for them.
    expect(ofKind(verdict, 'cost-out-of-bounds').filter((cost) => cost.basis === 'count')).toEqual([]);
  });

  it('names stage ConvertMedia and PutObject for one more PUT per frame', () => {
    const current = rebuildResults(baseline, {
      counters: (design, _clip, counters) => {
        // 25 frames per 1 s chunk, one execution per chunk: one more PUT per frame.
        if (design === 'distributed') {
          addStageRequests(counters, 'ConvertMedia', 'PutObject', counters.sfn.executionsStarted * 25);
        }
      },
    });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const counts = ofKind(verdict, 'count-changed');
    expect(counts.map((finding) => finding.subject)).toEqual([
      { kind: 's3-requests', stage: 'ConvertMedia', operation: 'PutObject', tier: 'tier1' },
    ]);
    const [finding] = counts as [CountChangedFinding];
    const framesPerStreamSecond = 25 * executionsPerStreamSecond(baseline);
    expect(finding.deltaPerStreamSecond).toBeCloseTo(framesPerStreamSecond, 12);
    expect(finding.current.total - finding.baseline.total).toBe(
      25 * baseline.runners.distributed.counters.sfn.executionsStarted,
    );
    const tier1 = unitPriceOf(baseline.priceBook.lines['s3.requests.tier1']);
    expect(finding.dollarEffect).toMatchObject({
      priceKey: 's3.requests.tier1',
      unitPrice: tier1,
      streamSecondsPerMonth: STREAM_SECONDS_PER_MONTH,
    });
    expect(finding.dollarEffect?.perMonth).toBeCloseTo(
      framesPerStreamSecond * tier1 * STREAM_SECONDS_PER_MONTH,
      6,
    );
  });

  it('compares requests per stream-second when the same clips are counted differently by stage', () => {
    const current = rebuildResults(baseline, {
      counters: (design, _clip, counters) => {
        if (design === 'monolith') addStageRequests(counters, 'WriteResults', 'HeadObject', 1);
      },
    });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    const [finding] = ofKind(verdict, 'count-changed') as [CountChangedFinding];
    expect(finding.design).toBe('monolith');
    expect(finding.subject).toMatchObject({ stage: 'WriteResults', operation: 'HeadObject', tier: 'tier2' });
    expect(finding.current.total).toBe(okClipPaths.length);
  });
});

describe('evaluateGate on costs and savings', () => {
  it('fails compute-derived dollars beyond the bounds, naming the lines that moved', () => {
    const current = rebuildResults(baseline, { counters: (_d, _c, counters) => scaleCompute(counters, 2) });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    expect(ofKind(verdict, 'count-changed')).toEqual([]);
    const costs = ofKind(verdict, 'cost-out-of-bounds');
    expect(costs.map((cost) => [cost.design, cost.basis, cost.severity])).toEqual([
      ['distributed', 'compute', 'regression'],
      ['monolith', 'compute', 'regression'],
    ]);
    const monolith = costs[1] as CostOutOfBoundsFinding;
    expect(monolith.deltaPerMonth).toBeGreaterThan(monolith.allowedPerMonth);
    expect(monolith.lines[0]?.dimension).toBe('fargate-vcpu');
    expect(costs[0]?.lines[0]?.dimension).toBe('lambda-duration');
  });

  it('passes the same rise when the configured bounds allow it', () => {
    const current = rebuildResults(baseline, { counters: (_d, _c, counters) => scaleCompute(counters, 2) });
    const bounds = { ...defaultGateBounds, computeCostTolerancePercent: 110 };
    expect(evaluateGate(baseline, current, bounds).verdict).toBe('pass');
  });

  it('fails count-derived dollars that moved although counts and prices match (the cost model changed)', () => {
    const tampered = writableCopy(baseline);
    const line = tampered.costs.baseline.distributed.lines.find((entry) => entry.dimension === 's3-tier1');
    if (line === undefined) throw new Error('no s3-tier1 line');
    line.cost *= 1.5;
    const verdict = evaluateGate(baseline, tampered, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const [finding] = ofKind(verdict, 'cost-out-of-bounds');
    expect(finding).toMatchObject({ design: 'distributed', basis: 'count', severity: 'regression' });
    expect(finding?.lines.map((entry) => entry.dimension)).toEqual(['s3-tier1']);
  });

  it('fails savings under the floor', () => {
    const savings = baseline.costs.baseline.comparison.savingsPercent ?? 0;
    const verdict = evaluateGate(baseline, rebuildResults(baseline), {
      ...defaultGateBounds,
      savingsFloorPercent: savings + 0.1,
    });
    expect(verdict.verdict).toBe('regression');
    expect(ofKind(verdict, 'savings-below-floor')).toEqual([
      {
        kind: 'savings-below-floor',
        severity: 'regression',
        floorPercent: savings + 0.1,
        baselinePercent: savings,
        currentPercent: savings,
      },
    ]);
  });
});

function raisedTier1Book(book: PriceBook): PriceBook {
  const next = structuredClone(book) as Writable<PriceBook>;
  next.id = 'aws-us-east-1-2027-01';
  next.lines['s3.requests.tier1'].price *= 1.2;
  return next;
}

describe('evaluateGate on price changes', () => {
  const newBook = raisedTier1Book(baseline.priceBook);
  const current = rebuildResults(baseline, { priceBook: newBook, configHash: 'hash-with-the-new-book-id' });

  it('reports a price change apart and passes when counts are equal', () => {
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('pass');
    expect(verdict.findings.map((finding) => finding.kind)).toEqual(['price-changed']);
    const [finding] = ofKind(verdict, 'price-changed') as [PriceChangedFinding];
    expect(finding.severity).toBe('info');
    expect(finding.baselineBookId).toBe(baseline.priceBook.id);
    expect(finding.currentBookId).toBe('aws-us-east-1-2027-01');
    const oldPrice = unitPriceOf(baseline.priceBook.lines['s3.requests.tier1']);
    expect(finding.changes).toEqual([
      { key: 's3.requests.tier1', baseline: oldPrice, current: oldPrice * 1.2, unit: 'request' },
    ]);
    // Counts and compute are unchanged, so the whole change of each bill is the price effect.
    for (const design of ['distributed', 'monolith'] as const) {
      const change =
        current.costs.baseline[design].totalPerMonth - baseline.costs.baseline[design].totalPerMonth;
      expect(change).toBeGreaterThan(0);
      expect(finding.effectPerMonth?.[design]).toBeCloseTo(change, 6);
      const summary = verdict.costs.find((cost) => cost.design === design);
      expect(summary?.priceEffectPerMonth).toBeCloseTo(change, 6);
      expect(summary?.countEffectPerMonth).toBeCloseTo(0, 9);
    }
  });

  it('fails on a price change when failOnPriceChange is set', () => {
    const verdict = evaluateGate(baseline, current, { ...defaultGateBounds, failOnPriceChange: true });
    expect(verdict.verdict).toBe('regression');
    expect(ofKind(verdict, 'price-changed')[0]?.severity).toBe('regression');
  });

  it('still names count changes made together with a price change', () => {
    const both = rebuildResults(baseline, {
      priceBook: newBook,
      counters: (design, _clip, counters) => {
        if (design === 'distributed') addStageRequests(counters, 'Aggregate', 'PutObject', 3);
      },
    });
    const verdict = evaluateGate(baseline, both, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const [count] = ofKind(verdict, 'count-changed') as [CountChangedFinding];
    expect(count.subject).toMatchObject({ stage: 'Aggregate', operation: 'PutObject' });
    // Priced with the current book, as the brief of the gate says.
    expect(count.dollarEffect?.unitPrice).toBeCloseTo(unitPriceOf(newBook.lines['s3.requests.tier1']), 15);
    expect(ofKind(verdict, 'price-changed')).toHaveLength(1);
  });
});

describe('evaluateGate on scenario and findings', () => {
  it('reports another scenario clearly and does not compare its bills', () => {
    const current = rebuildResults(baseline, {
      configHash: 'another-hash',
      costOptions: {
        ...baseline.scenario.costOptions,
        load: { ...baseline.scenario.costOptions.load, streams: 20 },
      },
    });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const [scenario] = ofKind(verdict, 'scenario-changed') as [ScenarioChangedFinding];
    expect(scenario.differences).toEqual(['load.streams: 10 -> 20']);
    expect(ofKind(verdict, 'cost-out-of-bounds')).toEqual([]);
    expect(ofKind(verdict, 'count-changed')).toEqual([]);
  });

  it('reports a clip whose content differs even under the same config hash', () => {
    const current = writableCopy(baseline);
    const first = current.clips[0];
    if (first === undefined) throw new Error('no clip');
    first.sha256 = '0'.repeat(64);
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    const [scenario] = ofKind(verdict, 'scenario-changed') as [ScenarioChangedFinding];
    expect(scenario.differences).toEqual([`clip ${baseline.clips[0]?.path}: content differs (sha256)`]);
  });

  it('fails changed defect findings, naming the clip and runner with what is new and gone', () => {
    const clipPath = okClipPaths[1] as string;
    const current = rebuildResults(baseline, {
      findings: (_design, clip, findings) =>
        clip === clipPath
          ? findings.map((finding, index) => (index === 0 ? { ...finding, confidence: 0.5 } : finding))
          : findings,
    });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const changed = ofKind(verdict, 'findings-changed') as FindingsChangedFinding[];
    expect(changed.map((finding) => [finding.design, finding.clip])).toEqual([
      ['distributed', clipPath],
      ['monolith', clipPath],
    ]);
    expect(changed[0]?.added.map((finding) => finding.confidence)).toEqual([0.5]);
    expect(changed[0]?.removed).toHaveLength(1);
  });

  it('fails when the runners disagree or a run fails', () => {
    const failedClip = okClipPaths[0] as string;
    const current = writableCopy(baseline);
    current.equivalence.identical = false;
    current.equivalence.differences = ['a.mp4: monolith has 2 finding(s), distributed 1'];
    const clip = current.clips.find((entry) => entry.path === failedClip);
    if (clip === undefined) throw new Error('no clip');
    clip.runs.distributed = { status: 'failed', error: { kind: 'internal', message: 'worker crashed' } };
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    const summaries = ofKind(verdict, 'findings-changed').map((finding) => finding.summary);
    expect(summaries).toEqual([
      'the run failed: worker crashed',
      'the runners disagree: a.mp4: monolith has 2 finding(s), distributed 1',
    ]);
  });
});
