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
/** Prime Video's first design: the legacy `distributed` runner. */
const FIRST = 'sfn-per-second';
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
    const computeOf = (document: BenchResults): number =>
      document.designs.find((design) => design.id === FIRST)?.cost.byBasis.compute.perMonth ?? Number.NaN;
    expect(computeOf(current)).toBeGreaterThan(computeOf(baseline) * 1.1);
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.findings).toEqual([]);
    expect(verdict.verdict).toBe('pass');
    const first = verdict.costs.find((cost) => cost.design === FIRST);
    expect(first?.countEffectPerMonth).toBe(0);
    expect(first?.computeEffectPerMonth).toBeGreaterThan(0);
  });

  it('passes a document against itself rebuilt from its clips (count-derived dollars exactly equal)', () => {
    const verdict = evaluateGate(baseline, rebuildResults(baseline), defaultGateBounds);
    expect(verdict.verdict).toBe('pass');
    expect(verdict.costs.map((cost) => cost.design)).toEqual(baseline.designs.map((design) => design.id));
    expect(verdict.costs.map((cost) => cost.countEffectPerMonth)).toEqual([0, 0, 0, 0]);
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
        if (design === FIRST) addStateToEveryExecution(counters, 'Validate input');
      },
    });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const counts = ofKind(verdict, 'count-changed');
    expect(counts).toHaveLength(1);
    const [finding] = counts as [CountChangedFinding];
    const perSecond = executionsPerStreamSecond(baseline);
    expect(finding.design).toBe(FIRST);
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
    const distributed = verdict.costs.find((cost) => cost.design === FIRST);
    expect(distributed?.countEffectPerMonth).toBeCloseTo(finding.dollarEffect?.perMonth ?? Number.NaN, 6);
    // The changed counts explain the count-derived dollars: no second finding for them.
    expect(ofKind(verdict, 'cost-out-of-bounds').filter((cost) => cost.basis === 'count')).toEqual([]);
  });

  it('names stage ConvertMedia and PutObject for one more PUT per frame', () => {
    const current = rebuildResults(baseline, {
      counters: (design, _clip, counters) => {
        // 25 frames per 1 s chunk, one execution per chunk: one more PUT per frame.
        if (design === FIRST) {
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

describe('evaluateGate per design', () => {
  it('catches a changed count in a design that is not the first, and names the design and the clip', () => {
    const clipPath = okClipPaths[1] as string;
    const current = rebuildResults(baseline, {
      counters: (design, clip, counters) => {
        if (design === 'function-per-chunk' && clip === clipPath) {
          addStageRequests(counters, 'AnalyzeChunk', 'GetObject', 4);
        }
      },
    });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const counts = ofKind(verdict, 'count-changed');
    expect(counts.map((finding) => [finding.design, finding.subject, finding.clips])).toEqual([
      [
        'function-per-chunk',
        { kind: 's3-requests', stage: 'AnalyzeChunk', operation: 'GetObject', tier: 'tier2' },
        [clipPath],
      ],
    ]);
    const [finding] = counts as [CountChangedFinding];
    const streamSeconds = baseline.designs[3]?.summary.streamSeconds ?? Number.NaN;
    expect(finding.current.total - finding.baseline.total).toBe(4);
    expect(finding.deltaPerStreamSecond).toBeCloseTo(4 / streamSeconds, 12);
    const tier2 = unitPriceOf(baseline.priceBook.lines['s3.requests.tier2']);
    expect(finding.dollarEffect?.perMonth).toBeCloseTo(
      (4 / streamSeconds) * tier2 * STREAM_SECONDS_PER_MONTH,
      9,
    );
    // The other designs, the legacy runners among them, report nothing.
    expect(ofKind(verdict, 'cost-out-of-bounds')).toEqual([]);
  });

  it('bills a count change as the design is billed: Express executions per request, not per transition', () => {
    const current = rebuildResults(baseline, {
      counters: (design, _clip, counters) => {
        if (design === 'sfn-express-batched') addStateToEveryExecution(counters, 'Validate input');
      },
    });
    const [finding] = ofKind(evaluateGate(baseline, current, defaultGateBounds), 'count-changed');
    expect(finding).toMatchObject({
      design: 'sfn-express-batched',
      subject: { kind: 'transitions', state: 'Validate input' },
      dollarEffect: null,
      unpricedReason: 'Express workflows are not billed per transition',
    });
  });

  it('fails a design measured in one document and not the other, and compares the rest', () => {
    const fewer: BenchResults = {
      ...baseline,
      designs: baseline.designs.filter((design) => design.id !== 'sfn-express-batched'),
    };
    const verdict = evaluateGate(baseline, fewer, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    expect(ofKind(verdict, 'design-set-changed')).toEqual([
      {
        kind: 'design-set-changed',
        severity: 'regression',
        onlyInBaseline: ['sfn-express-batched'],
        onlyInCurrent: [],
      },
    ]);
    expect(verdict.costs.map((cost) => cost.design)).toEqual(['monolith', FIRST, 'function-per-chunk']);
    expect(ofKind(verdict, 'count-changed')).toEqual([]);
    const [added] = ofKind(evaluateGate(fewer, baseline, defaultGateBounds), 'design-set-changed');
    expect(added?.onlyInCurrent).toEqual(['sfn-express-batched']);
  });

  it('reports the saving against the cheapest serverless design beside the gated one', () => {
    const verdict = evaluateGate(baseline, rebuildResults(baseline), defaultGateBounds);
    expect(verdict.savings).toMatchObject({
      baselinePercent: baseline.headline.savingsVsFirstPercent,
      baselineVsCheapestPercent: baseline.headline.savingsVsCheapestPercent,
      baselineCheapestId: baseline.headline.cheapestServerlessId,
      currentCheapestId: baseline.headline.cheapestServerlessId,
    });
    expect(verdict.savings.currentVsCheapestPercent).toBeCloseTo(
      baseline.headline.savingsVsCheapestPercent ?? 0,
      9,
    );
  });
});

describe('evaluateGate on costs and savings', () => {
  it('fails compute-derived dollars beyond the bounds, naming the lines that moved', () => {
    const current = rebuildResults(baseline, { counters: (_d, _c, counters) => scaleCompute(counters, 2) });
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    expect(ofKind(verdict, 'count-changed')).toEqual([]);
    const costs = ofKind(verdict, 'cost-out-of-bounds');
    // The monolith is sized from the multi-stream fit (a cost option), so its bill does not follow the runs'
    // CPU; every serverless design's billed durations doubled.
    expect(costs.map((cost) => [cost.design, cost.basis, cost.severity])).toEqual([
      [FIRST, 'compute', 'regression'],
      ['sfn-express-batched', 'compute', 'regression'],
      ['function-per-chunk', 'compute', 'regression'],
    ]);
    const first = costs[0] as CostOutOfBoundsFinding;
    expect(first.deltaPerMonth).toBeGreaterThan(first.allowedPerMonth);
    expect(first.lines[0]?.dimension).toBe('lambda-duration');
  });

  it('passes the same rise when the configured bounds allow it', () => {
    const current = rebuildResults(baseline, { counters: (_d, _c, counters) => scaleCompute(counters, 2) });
    const bounds = { ...defaultGateBounds, computeCostTolerancePercent: 110 };
    expect(evaluateGate(baseline, current, bounds).verdict).toBe('pass');
  });

  it('fails count-derived dollars that moved although counts and prices match (the cost model changed)', () => {
    const tampered = writableCopy(baseline);
    const design = tampered.designs.find((entry) => entry.id === 'sfn-express-batched');
    const line = design?.cost.lines.find((entry) => entry.dimension === 's3-tier1');
    if (line === undefined) throw new Error('no s3-tier1 line');
    line.cost *= 1.5;
    const verdict = evaluateGate(baseline, tampered, defaultGateBounds);
    expect(verdict.verdict).toBe('regression');
    const [finding] = ofKind(verdict, 'cost-out-of-bounds');
    expect(finding).toMatchObject({ design: 'sfn-express-batched', basis: 'count', severity: 'regression' });
    expect(finding?.lines.map((entry) => entry.dimension)).toEqual(['s3-tier1']);
  });

  it('fails savings under the floor', () => {
    const savings = baseline.headline.savingsVsFirstPercent ?? 0;
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
    for (const [index, design] of baseline.designs.entries()) {
      const change = (current.designs[index]?.cost.totalPerMonth ?? 0) - design.cost.totalPerMonth;
      expect(change).toBeGreaterThan(0);
      expect(finding.effectPerMonth?.[design.id]).toBeCloseTo(change, 6);
      const summary = verdict.costs.find((cost) => cost.design === design.id);
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
        if (design === FIRST) addStageRequests(counters, 'Aggregate', 'PutObject', 3);
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

  it('fails changed defect findings, naming the clip and design with what is new and gone', () => {
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
    expect(changed.map((finding) => [finding.design, finding.clip])).toEqual(
      baseline.designs.map((design) => [design.id, clipPath]),
    );
    expect(changed[0]?.added.map((finding) => finding.confidence)).toEqual([0.5]);
    expect(changed[0]?.removed).toHaveLength(1);
  });

  it('fails when the designs disagree or a run of any design fails', () => {
    const failedClip = okClipPaths[0] as string;
    const current = writableCopy(baseline);
    current.equivalence.identical = false;
    current.equivalence.differences = ['a.mp4: monolith has 2 finding(s), distributed 1'];
    const clip = current.designs[2]?.clips.find((entry) => entry.path === failedClip);
    if (clip === undefined) throw new Error('no clip');
    clip.run = { status: 'failed', error: { kind: 'internal', message: 'worker crashed' } };
    const verdict = evaluateGate(baseline, current, defaultGateBounds);
    const changed = ofKind(verdict, 'findings-changed');
    expect(changed.map((finding) => [finding.design, finding.clip, finding.summary])).toEqual([
      ['sfn-express-batched', failedClip, 'the run failed: worker crashed'],
      [null, null, 'the designs disagree: a.mp4: monolith has 2 finding(s), distributed 1'],
    ]);
  });
});
