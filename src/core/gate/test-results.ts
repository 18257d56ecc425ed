import type {
  BenchClip,
  BenchClipRun,
  BenchResults,
  DesignRun,
  MeasuredDesign,
  RunnerSummary,
} from '../bench-results.ts';
import { breakEvenOverDutyCycle, breakEvenOverStreams } from '../cost/break-even.ts';
import { type CostOptions, type Design, whatIfs } from '../cost/cost-model.ts';
import { priceVerdict } from '../cost/design-verdict.ts';
import { headroom } from '../cost/headroom.ts';
import type { PriceBook } from '../cost/price-book.ts';
import { profileFromCounters } from '../cost/workload-profile.ts';
import { type Counters, countS3Request, createCounters, mergeCounters } from '../counters.ts';
import type { Finding } from '../finding.ts';

/**
 * Test helpers for the gate: a results document changed the way a code change, a noisy machine or a new
 * price book would change it, with every derived figure (design totals, profiles, costs, headroom,
 * feasibility, headline, break-even) recomputed through the real counting and cost functions. Shared by
 * the tests only.
 */

export interface ResultsChanges {
  /** Changes a copy of each successful run's counters, by design id (`monolith`, `sfn-per-second`, ...). */
  readonly counters?: (design: string, clipPath: string, counters: Counters) => void;
  /** Replaces each successful run's findings, by design id. */
  readonly findings?: (design: string, clipPath: string, findings: readonly Finding[]) => readonly Finding[];
  readonly priceBook?: PriceBook;
  readonly costOptions?: CostOptions;
  readonly runId?: string;
  readonly configHash?: string;
}

/** A design's runs with `changes` applied, and its summary recomputed from them. */
function rebuildDesign(design: DesignRun, changes: ResultsChanges): MeasuredDesign {
  const total = createCounters();
  const clips = design.clips.map(({ path, run }) => {
    if (run.status !== 'ok') return { path, run };
    const counters = structuredClone(run.counters);
    changes.counters?.(design.id, path, counters);
    mergeCounters(total, counters);
    const findings = changes.findings?.(design.id, path, run.findings) ?? run.findings;
    return { path, run: { status: 'ok', findings, counters } as BenchClipRun };
  });
  const { streamSeconds } = design.summary;
  return {
    id: design.id,
    label: design.label,
    description: design.description,
    kind: design.kind,
    settings: design.settings,
    clips,
    summary: { ...design.summary, counters: total, profile: profileFromCounters(total, streamSeconds) },
  };
}

/**
 * The document rebuilt from its designs' clips with `changes` applied: every design re-priced through the
 * verdict (headline, sensitivity), the legacy sections from the monolith and the first design.
 */
export function rebuildResults(base: BenchResults, changes: ResultsChanges = {}): BenchResults {
  const priceBook = changes.priceBook ?? base.priceBook;
  const options = changes.costOptions ?? base.scenario.costOptions;
  const measured = base.designs.map((design) => rebuildDesign(design, changes));
  const firstDesignId = base.headline.firstDesignId;
  const verdict = priceVerdict({
    designs: measured,
    firstDesignId,
    priceBook,
    options,
    headroom: { taskIntegration: 'lambda', s3Prefixes: 'per-stream' },
    breakEven: { streams: { min: 1, max: 100, samples: 10 }, dutyCycle: { samples: 10 } },
    dropDetectors: [],
    fps: 25,
  });
  const monolith = measured.find((design) => design.kind === 'monolith');
  const first = measured.find((design) => design.id === firstDesignId);
  if (monolith === undefined || first === undefined)
    throw new Error('the document lacks the monolith or the first design');
  const runOf = (design: MeasuredDesign, path: string): BenchClipRun | undefined =>
    design.clips.find((clip) => clip.path === path)?.run;
  const clips: BenchClip[] = base.clips.map((clip) => ({
    ...clip,
    runs: {
      distributed: runOf(first, clip.path) ?? clip.runs.distributed,
      monolith: runOf(monolith, clip.path) ?? clip.runs.monolith,
    },
  }));
  const runners: Record<Design, RunnerSummary> = { distributed: first.summary, monolith: monolith.summary };
  const curveInput = {
    distributed: runners.distributed.profile,
    monolith: runners.monolith.profile,
    priceBook,
    options,
  };
  return {
    ...base,
    runId: changes.runId ?? base.runId,
    scenario: {
      ...base.scenario,
      configHash: changes.configHash ?? base.scenario.configHash,
      load: options.load,
      costOptions: options,
      priceBookId: priceBook.id,
    },
    priceBook,
    clips,
    runners,
    costs: whatIfs(curveInput),
    headroom: {
      distributed: headroom(runners.distributed.profile, priceBook),
      monolith: headroom(runners.monolith.profile, priceBook),
    },
    breakEven: {
      overStreams: breakEvenOverStreams(curveInput, { min: 1, max: 100, samples: 10 }),
      overDutyCycle: breakEvenOverDutyCycle(curveInput, { samples: 10 }),
    },
    ...verdict,
  };
}

/** Scales every timing-derived counter (CPU ms, billed task ms, execution ms, wall time) by `factor`. */
export function scaleCompute(counters: Counters, factor: number): void {
  for (const component of Object.keys(counters.compute.cpuMsByComponent)) {
    counters.compute.cpuMsByComponent[component] =
      (counters.compute.cpuMsByComponent[component] ?? 0) * factor;
  }
  for (const entry of Object.values(counters.compute.invocationsByTask)) {
    entry.billedMs = Math.ceil(entry.billedMs * factor);
  }
  counters.sfn.executionMs *= factor;
  counters.sfn.expressBilledMs = Math.ceil((counters.sfn.expressBilledMs * factor) / 100) * 100;
  counters.compute.wallMs *= factor;
}

/** One more state entered in every execution (a new state in the workflow), as the history would bill it. */
export function addStateToEveryExecution(counters: Counters, state: string): void {
  counters.sfn.transitionsByState[state] =
    (counters.sfn.transitionsByState[state] ?? 0) + counters.sfn.executionsStarted;
}

/** `count` more requests of `operation` sent by `stage`, counted as the request counter counts them. */
export function addStageRequests(counters: Counters, stage: string, operation: string, count: number): void {
  const stageCounters = createCounters();
  for (let i = 0; i < count; i += 1) countS3Request(stageCounters, operation, 0, 0);
  mergeCounters(counters, stageCounters, stage);
}

/** A type with every property, at any depth, writable: for tests that tamper with a document. */
export type Writable<T> = T extends object ? { -readonly [K in keyof T]: Writable<T[K]> } : T;

/** A deep copy of a document that tests may change in place (a tampered or hand-edited file). */
export function writableCopy(document: BenchResults): Writable<BenchResults> {
  return structuredClone(document) as Writable<BenchResults>;
}
