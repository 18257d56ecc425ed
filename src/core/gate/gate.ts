import type { BenchClip, BenchClipRun, BenchResults, DesignRun } from '../bench-results.ts';
import {
  COST_DIMENSIONS,
  type CostBasis,
  type CostDimension,
  type DesignCost,
  priceDistributed,
  priceMonolith,
} from '../cost/cost-model.ts';
import type { PriceBook } from '../cost/price-book.ts';
import { compareCounts, nearlyEqual } from './gate-counts.ts';
import { priceChanges, samePrices } from './gate-prices.ts';
import type {
  CostLineChange,
  CostOutOfBoundsFinding,
  DesignSetChangedFinding,
  FindingsChangedFinding,
  GateBounds,
  GateCostSummary,
  GateDocumentInfo,
  GateFinding,
  GateSeverity,
  GateVerdict,
  PriceChangedFinding,
  ScenarioChangedFinding,
} from './gate-verdict.ts';
import { GATE_FINDING_ORDER } from './gate-verdict.ts';
import { jsonEqual } from './json-equal.ts';

/**
 * The CI cost gate: compares a results document with a baseline and says, for a pull request, whether
 * anything that costs money changed and by how much. Pure: no I/O, no clock.
 *
 * Counts are deterministic for a clip (fixtures are bit-exact, every request and transition is counted on
 * the wire), so they must match exactly, and so must the dollars derived from them. Compute-derived
 * dollars (CPU seconds sizing the monolith, billed task durations, execution durations) vary from run to
 * run and machine to machine, so they only have to stay within bounds. A change of the price book is
 * separated from a change of the code by repricing the baseline's own measurements with both books.
 *
 * Every design is compared on its own, matched by id (`designs[]`: the monolith, Prime Video's first
 * design, the better-built ones). The legacy `runners` and `costs` sections describe the monolith and the
 * first design, which are also in `designs`, so they are not compared a second time.
 */

/** The designs both documents measured, paired by id, in the baseline's order. */
function pairedDesigns(baseline: BenchResults, current: BenchResults): [DesignRun, DesignRun][] {
  const currentById = new Map(current.designs.map((design) => [design.id, design]));
  return baseline.designs.flatMap((design): [DesignRun, DesignRun][] => {
    const other = currentById.get(design.id);
    return other === undefined ? [] : [[design, other]];
  });
}

function compareDesignSets(baseline: BenchResults, current: BenchResults): DesignSetChangedFinding[] {
  const ids = (document: BenchResults): Set<string> => new Set(document.designs.map((design) => design.id));
  const before = ids(baseline);
  const after = ids(current);
  const onlyInBaseline = [...before].filter((id) => !after.has(id));
  const onlyInCurrent = [...after].filter((id) => !before.has(id));
  if (onlyInBaseline.length === 0 && onlyInCurrent.length === 0) return [];
  return [{ kind: 'design-set-changed', severity: 'regression', onlyInBaseline, onlyInCurrent }];
}

/** Compares a results document with a baseline under the configured bounds. */
export function evaluateGate(baseline: BenchResults, current: BenchResults, bounds: GateBounds): GateVerdict {
  const priceFindings = comparePriceBooks(baseline, current, bounds);
  const pricesChanged = priceFindings.length > 0;
  const scenarioFindings = compareScenarios(baseline, current, pricesChanged);
  const pairs = pairedDesigns(baseline, current);
  const findings: GateFinding[] = [
    ...scenarioFindings,
    ...compareDesignSets(baseline, current),
    ...compareFindings(pairs, current),
  ];
  const clipSetsMatch = compareClipSets(baseline.clips, current.clips).length === 0;
  const pricing = { priceBook: current.priceBook, options: current.scenario.costOptions };
  const countFindings = pairs.flatMap(([before, after]) =>
    compareCounts(before, after, pricing, clipSetsMatch),
  );
  findings.push(...countFindings);

  const repriced = repricedBaseline(baseline, current.priceBook);
  const costs: GateCostSummary[] = [];
  for (const [before, after] of pairs) {
    const result = compareCosts(before, after, repriced, bounds);
    costs.push(result.summary);
    // Bills of different scenarios (another load, other clips) are not comparable: the scenario change
    // is the finding. Changed counts are named one by one with their dollars, so the count-derived total
    // is checked only when every count matched.
    if (scenarioFindings.length > 0) continue;
    const countsChanged = countFindings.some((finding) => finding.design === before.id);
    findings.push(...result.findings.filter((finding) => finding.basis === 'compute' || !countsChanged));
  }

  const floorPercent = bounds.savingsFloorPercent;
  const currentPercent = current.headline.savingsVsFirstPercent;
  const baselinePercent = baseline.headline.savingsVsFirstPercent;
  if (currentPercent === null || currentPercent < floorPercent) {
    findings.push({
      kind: 'savings-below-floor',
      severity: 'regression',
      floorPercent,
      baselinePercent,
      currentPercent,
    });
  }
  findings.push(...priceFindings.map((finding) => withPriceEffect(finding, repriced)));

  findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      GATE_FINDING_ORDER.indexOf(a.kind) - GATE_FINDING_ORDER.indexOf(b.kind),
  );
  return {
    verdict: findings.some((finding) => finding.severity === 'regression') ? 'regression' : 'pass',
    findings,
    baseline: documentInfo(baseline),
    current: documentInfo(current),
    load: current.scenario.costOptions.load,
    bounds,
    costs,
    savings: {
      baselinePercent,
      currentPercent,
      floorPercent,
      baselineVsCheapestPercent: baseline.headline.savingsVsCheapestPercent,
      currentVsCheapestPercent: current.headline.savingsVsCheapestPercent,
      baselineCheapestId: baseline.headline.cheapestServerlessId,
      currentCheapestId: current.headline.cheapestServerlessId,
    },
    environmentDifferences: environmentDifferences(baseline, current),
  };
}

function severityRank(severity: GateSeverity): number {
  return severity === 'regression' ? 0 : 1;
}

function documentInfo(document: BenchResults): GateDocumentInfo {
  return {
    runId: document.runId,
    createdAt: document.createdAt,
    gitCommit: document.environment.gitCommit,
    scenarioName: document.scenario.name,
    configHash: document.scenario.configHash,
    priceBookId: document.priceBook.id,
  };
}

function environmentDifferences(baseline: BenchResults, current: BenchResults): string[] {
  const fields = [
    'cpuModel',
    'cpuCount',
    'platform',
    'nodeVersion',
    'ffmpegVersion',
    'archbenchVersion',
  ] as const;
  return fields
    .filter((field) => baseline.environment[field] !== current.environment[field])
    .map(
      (field) => `${field}: ${String(baseline.environment[field])} -> ${String(current.environment[field])}`,
    );
}

// ---------------------------------------------------------------------------------------------------
// Scenario and findings

/** Scenario fields shown when the config hash differs; the hash also covers what the summary omits. */
const SCENARIO_FIELDS = [
  'name',
  'chunkSeconds',
  'framesPerObject',
  'detectors',
  'load',
  'costOptions',
] as const;

function compareScenarios(
  baseline: BenchResults,
  current: BenchResults,
  pricesChanged: boolean,
): ScenarioChangedFinding[] {
  const before = baseline.scenario;
  const after = current.scenario;
  const differences: string[] = [];
  for (const field of SCENARIO_FIELDS) {
    // The load appears twice in the summary (also under costOptions): name each difference once.
    const strip = (value: unknown): unknown =>
      field === 'costOptions' ? { ...(value as object), load: undefined } : value;
    differences.push(...describeDifferences(field, strip(before[field]), strip(after[field])));
  }
  const clipDifferences = compareClipSets(baseline.clips, current.clips);
  differences.push(...clipDifferences);
  const bookOnly = differences.length === 0 && before.priceBookId !== after.priceBookId;
  if (before.priceBookId !== after.priceBookId && !bookOnly) {
    differences.push(`priceBookId: ${before.priceBookId} -> ${after.priceBookId}`);
  }
  // A hash that differs only because the scenario names another price book is a price change, which is
  // reported on its own (the books are compared entry by entry).
  const hashDiffers = before.configHash !== after.configHash && !(bookOnly && pricesChanged);
  if (!hashDiffers && clipDifferences.length === 0) return [];
  if (differences.length === 0) {
    differences.push(
      'configuration outside the scenario summary (decode settings, detector parameters, ...)',
    );
  }
  return [
    {
      kind: 'scenario-changed',
      severity: 'regression',
      baselineConfigHash: before.configHash,
      currentConfigHash: after.configHash,
      differences,
    },
  ];
}

/** `load.streams: 1 -> 10` for every leaf that differs. */
function describeDifferences(path: string, before: unknown, after: unknown): string[] {
  if (jsonEqual(before, after)) return [];
  const isRecord = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => describeDifferences(`${path}.${key}`, before[key], after[key]));
  }
  return [`${path}: ${JSON.stringify(before) ?? 'absent'} -> ${JSON.stringify(after) ?? 'absent'}`];
}

function compareClipSets(baseline: readonly BenchClip[], current: readonly BenchClip[]): string[] {
  const differences: string[] = [];
  const currentByPath = new Map(current.map((clip) => [clip.path, clip]));
  const baselinePaths = new Set(baseline.map((clip) => clip.path));
  for (const clip of baseline) {
    const other = currentByPath.get(clip.path);
    if (other === undefined) differences.push(`clip ${clip.path}: not in the current run`);
    else {
      if (other.sha256 !== clip.sha256) differences.push(`clip ${clip.path}: content differs (sha256)`);
      if (other.durationSec !== clip.durationSec) {
        differences.push(`clip ${clip.path}: duration ${clip.durationSec} s -> ${other.durationSec} s`);
      }
    }
  }
  for (const clip of current) {
    if (!baselinePaths.has(clip.path)) differences.push(`clip ${clip.path}: not in the baseline`);
  }
  return differences;
}

function compareFindings(
  pairs: readonly (readonly [DesignRun, DesignRun])[],
  current: BenchResults,
): FindingsChangedFinding[] {
  const results: FindingsChangedFinding[] = [];
  for (const [before, after] of pairs) {
    const currentByPath = new Map(after.clips.map((clip) => [clip.path, clip.run]));
    for (const clip of before.clips) {
      const other = currentByPath.get(clip.path);
      if (other === undefined) continue;
      const change = compareRuns(clip.run, other);
      if (change !== undefined) results.push({ ...change, clip: clip.path, design: before.id });
    }
  }
  if (!current.equivalence.identical) {
    results.push({
      kind: 'findings-changed',
      severity: 'regression',
      clip: null,
      design: null,
      summary: `the designs disagree: ${current.equivalence.differences.join('; ') || 'findings differ'}`,
      added: [],
      removed: [],
    });
  }
  return results;
}

function compareRuns(
  before: BenchClipRun,
  after: BenchClipRun,
): Omit<FindingsChangedFinding, 'clip' | 'design'> | undefined {
  const base = { kind: 'findings-changed', severity: 'regression', added: [], removed: [] } as const;
  if (after.status === 'failed') {
    if (before.status === 'failed') return undefined;
    return { ...base, summary: `the run failed: ${after.error.message}` };
  }
  if (before.status === 'failed') {
    return { ...base, summary: `the run failed in the baseline (${before.error.message}) and succeeds now` };
  }
  const removed = before.findings.filter((finding) => !after.findings.some((x) => jsonEqual(x, finding)));
  const added = after.findings.filter((finding) => !before.findings.some((x) => jsonEqual(x, finding)));
  if (removed.length === 0 && added.length === 0) {
    if (before.findings.length === after.findings.length) return undefined;
    return {
      ...base,
      summary: `${before.findings.length} finding(s) -> ${after.findings.length} (duplicates differ)`,
    };
  }
  return {
    ...base,
    summary: `${before.findings.length} finding(s) -> ${after.findings.length}: ${added.length} new, ${removed.length} gone`,
    added,
    removed,
  };
}

// ---------------------------------------------------------------------------------------------------
// Costs

/** The baseline's measurements priced with its own book and with the current book (same code), by id. */
interface Repriced {
  readonly withBaselineBook: ReadonlyMap<string, DesignCost>;
  readonly withCurrentBook: ReadonlyMap<string, DesignCost>;
}

/** Every design of a document priced with `book` at the document's options, as the bench priced it. */
function priceDesigns(document: BenchResults, book: PriceBook): Map<string, DesignCost> {
  const options = document.scenario.costOptions;
  return new Map(
    document.designs.map((design) => [
      design.id,
      design.kind === 'monolith'
        ? priceMonolith(design.summary.profile, book, options)
        : priceDistributed(design.summary.profile, book, {
            ...options,
            workflow: design.settings.workflow ?? 'standard',
          }),
    ]),
  );
}

/**
 * `same-prices` when the books bill alike (no price effect); null when the baseline's measurements cannot be
 * priced with the current book.
 */
function repricedBaseline(baseline: BenchResults, currentBook: PriceBook): Repriced | null | 'same-prices' {
  if (samePrices(baseline.priceBook, currentBook)) return 'same-prices';
  try {
    return {
      withBaselineBook: priceDesigns(baseline, baseline.priceBook),
      withCurrentBook: priceDesigns(baseline, currentBook),
    };
  } catch {
    // E.g. the current book lacks the baseline's EC2 instance type: the price effect cannot be stated.
    return null;
  }
}

/** What the price change alone does to one design's bill, USD per month (null: not computable). */
function priceEffectOf(repriced: Repriced | null | 'same-prices', id: string): number | null {
  if (repriced === null) return null;
  if (repriced === 'same-prices') return 0;
  return (
    (repriced.withCurrentBook.get(id)?.totalPerMonth ?? 0) -
    (repriced.withBaselineBook.get(id)?.totalPerMonth ?? 0)
  );
}

function costOfDimension(cost: DesignCost | undefined, dimension: CostDimension): number {
  if (cost === undefined) return 0;
  return cost.lines.filter((line) => line.dimension === dimension).reduce((sum, line) => sum + line.cost, 0);
}

function compareCosts(
  baselineDesign: DesignRun,
  currentDesign: DesignRun,
  repriced: Repriced | null | 'same-prices',
  bounds: GateBounds,
): { summary: GateCostSummary; findings: CostOutOfBoundsFinding[] } {
  const design = baselineDesign.id;
  const before = baselineDesign.cost;
  const after = currentDesign.cost;
  const dimensions = [
    ...new Set([...before.lines, ...after.lines].map((line) => line.dimension)),
  ] as CostDimension[];
  const dimensionPriceEffect = (dimension: CostDimension): number => {
    if (repriced === 'same-prices' || repriced === null) return 0;
    return (
      costOfDimension(repriced.withCurrentBook.get(design), dimension) -
      costOfDimension(repriced.withBaselineBook.get(design), dimension)
    );
  };
  const changes: CostLineChange[] = dimensions.map((dimension) => {
    const baselinePerMonth = costOfDimension(before, dimension) + dimensionPriceEffect(dimension);
    const currentPerMonth = costOfDimension(after, dimension);
    return {
      dimension,
      label: COST_DIMENSIONS[dimension].label,
      basis: COST_DIMENSIONS[dimension].basis,
      baselinePerMonth,
      currentPerMonth,
      deltaPerMonth: currentPerMonth - baselinePerMonth,
    };
  });
  const sumOf = (basis: CostBasis, pick: (change: CostLineChange) => number): number =>
    changes.filter((change) => change.basis === basis).reduce((sum, change) => sum + pick(change), 0);

  const findings: CostOutOfBoundsFinding[] = [];
  const finding = (
    basis: CostBasis,
    severity: GateSeverity,
    allowedPerMonth: number,
  ): CostOutOfBoundsFinding => {
    const baselinePerMonth = sumOf(basis, (change) => change.baselinePerMonth);
    const currentPerMonth = sumOf(basis, (change) => change.currentPerMonth);
    const deltaPerMonth = currentPerMonth - baselinePerMonth;
    return {
      kind: 'cost-out-of-bounds',
      severity,
      design,
      basis,
      baselinePerMonth,
      currentPerMonth,
      deltaPerMonth,
      deltaPercent: baselinePerMonth === 0 ? null : (deltaPerMonth / baselinePerMonth) * 100,
      allowedPerMonth,
      lines: changes
        .filter((change) => change.basis === basis && change.deltaPerMonth !== 0)
        .sort((a, b) => Math.abs(b.deltaPerMonth) - Math.abs(a.deltaPerMonth)),
    };
  };

  // Count-derived dollars follow from counts and prices alone: with both unchanged they must not move
  // (when the books differ, the baseline's side is repriced with the current book, so they still must not).
  const countBaseline = sumOf('count', (change) => change.baselinePerMonth);
  const countDelta = sumOf('count', (change) => change.deltaPerMonth);
  if (repriced !== null && !nearlyEqual(countBaseline, countBaseline + countDelta)) {
    findings.push(finding('count', 'regression', 0));
  }

  const computeBaseline = sumOf('compute', (change) => change.baselinePerMonth);
  const computeDelta = sumOf('compute', (change) => change.deltaPerMonth);
  const allowed = Math.max(
    (Math.abs(computeBaseline) * bounds.computeCostTolerancePercent) / 100,
    bounds.computeCostToleranceUsd,
  );
  if (computeDelta > allowed) findings.push(finding('compute', 'regression', allowed));
  else if (computeDelta < -allowed) findings.push(finding('compute', 'info', allowed));

  return {
    summary: {
      design,
      baselinePerMonth: before.totalPerMonth,
      currentPerMonth: after.totalPerMonth,
      priceEffectPerMonth: priceEffectOf(repriced, design),
      countEffectPerMonth: countDelta,
      computeEffectPerMonth: computeDelta,
      computeAllowedPerMonth: allowed,
    },
    findings,
  };
}

// ---------------------------------------------------------------------------------------------------
// Prices

function comparePriceBooks(
  baseline: BenchResults,
  current: BenchResults,
  bounds: GateBounds,
): PriceChangedFinding[] {
  const changes = priceChanges(baseline.priceBook, current.priceBook);
  if (changes.length === 0) return [];
  return [
    {
      kind: 'price-changed',
      severity: bounds.failOnPriceChange ? 'regression' : 'info',
      baselineBookId: baseline.priceBook.id,
      currentBookId: current.priceBook.id,
      changes,
      effectPerMonth: null,
    },
  ];
}

function withPriceEffect(
  finding: PriceChangedFinding,
  repriced: Repriced | null | 'same-prices',
): PriceChangedFinding {
  if (repriced === null || repriced === 'same-prices') return finding;
  const effect: Record<string, number> = {};
  for (const id of repriced.withBaselineBook.keys()) effect[id] = priceEffectOf(repriced, id) ?? 0;
  return { ...finding, effectPerMonth: effect };
}
