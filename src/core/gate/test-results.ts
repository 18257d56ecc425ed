import type { BenchClip, BenchClipRun, BenchResults, RunnerSummary } from '../bench-results.ts';
import { breakEvenOverDutyCycle, breakEvenOverStreams } from '../cost/break-even.ts';
import { type CostOptions, type Design, whatIfs } from '../cost/cost-model.ts';
import { headroom } from '../cost/headroom.ts';
import type { PriceBook } from '../cost/price-book.ts';
import { profileFromCounters } from '../cost/workload-profile.ts';
import { type Counters, countS3Request, createCounters, mergeCounters } from '../counters.ts';
import type { Finding } from '../finding.ts';

/**
 * Test helpers for the gate: a results document changed the way a code change, a noisy machine or a new
 * price book would change it, with every derived figure (runner totals, profiles, costs, headroom,
 * break-even) recomputed through the real counting and cost functions. Shared by the tests only.
 */

export interface ResultsChanges {
  /** Changes a copy of each successful run's counters. */
  readonly counters?: (design: Design, clipPath: string, counters: Counters) => void;
  /** Replaces each successful run's findings. */
  readonly findings?: (design: Design, clipPath: string, findings: readonly Finding[]) => readonly Finding[];
  readonly priceBook?: PriceBook;
  readonly costOptions?: CostOptions;
  readonly runId?: string;
  readonly configHash?: string;
}

/** The document rebuilt from its clips with `changes` applied. */
export function rebuildResults(base: BenchResults, changes: ResultsChanges = {}): BenchResults {
  const priceBook = changes.priceBook ?? base.priceBook;
  const options = changes.costOptions ?? base.scenario.costOptions;
  const totals: Record<Design, Counters> = { distributed: createCounters(), monolith: createCounters() };
  const clips: BenchClip[] = base.clips.map((clip) => {
    const runs = {} as Record<Design, BenchClipRun>;
    for (const design of ['distributed', 'monolith'] as const) {
      const run = clip.runs[design];
      if (run.status !== 'ok') {
        runs[design] = run;
        continue;
      }
      const counters = structuredClone(run.counters);
      changes.counters?.(design, clip.path, counters);
      mergeCounters(totals[design], counters);
      const findings = changes.findings?.(design, clip.path, run.findings) ?? run.findings;
      runs[design] = { status: 'ok', findings, counters };
    }
    return { ...clip, runs };
  });
  const runner = (design: Design): RunnerSummary => {
    const summary = base.runners[design];
    return {
      ...summary,
      counters: totals[design],
      profile: profileFromCounters(totals[design], summary.streamSeconds),
    };
  };
  const runners = { distributed: runner('distributed'), monolith: runner('monolith') };
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
