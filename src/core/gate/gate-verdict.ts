import type { CostBasis, CostDimension, Load } from '../cost/cost-model.ts';
import type { PriceKey } from '../cost/price-book.ts';
import type { S3Tier } from '../counters.ts';
import type { Finding } from '../finding.ts';

/**
 * What the CI cost gate returns: a verdict and a list of findings, each naming the exact thing that
 * changed. Data only; `evaluateGate` (gate.ts) builds it and `renderGateMarkdown` renders it.
 */

/** Bounds of the gate, from the `gate` section of `bench.config.ts`. */
export interface GateBounds {
  /**
   * How far compute-derived dollars of a design may rise above the baseline, percent of the baseline's
   * compute-derived dollars (at the current prices). A rise is a regression only when it exceeds both
   * this and `computeCostToleranceUsd`.
   */
  readonly computeCostTolerancePercent: number;
  /** How far compute-derived dollars may rise, USD per month at the scenario's load. */
  readonly computeCostToleranceUsd: number;
  /**
   * Least savings of the monolith against Prime Video's first design (`headline.savingsVsFirstPercent`),
   * percent of that design's cost.
   */
  readonly savingsFloorPercent: number;
  /** Whether a changed price book fails the gate (default: reported apart, informational). */
  readonly failOnPriceChange: boolean;
}

/** The defaults `bench.config.ts` starts from. */
export const defaultGateBounds: GateBounds = {
  // Measured CPU time of the same tree on one machine scatters by 10 to 20% under load; 35% leaves room
  // without hiding a real change such as a second decode.
  computeCostTolerancePercent: 35,
  computeCostToleranceUsd: 1,
  savingsFloorPercent: 50,
  failOnPriceChange: false,
};

/** The fields the gate compares exactly (per design, by id), for the report's "what is compared" note. */
export const EXACTLY_COMPARED = [
  'the set of designs measured (a design in one document and not the other fails the gate)',
  'Step Functions executions started',
  'billed state transitions per state name (StateEntered events plus retries)',
  'task invocations per task',
  'S3 requests per stage and operation (requests attributed to no stage per operation); billing tiers follow from the operations',
  'S3 request body bytes sent and response body bytes received',
  'serialization encode and decode operations per hop',
  'findings per clip and design, and the equivalence of the designs',
  'count-derived dollars (transitions, Express requests, Lambda requests, S3 requests, transfer) when counts and prices match',
] as const;

/** Fields the gate deliberately leaves out of the exact comparison, and why. */
export const NOT_COMPARED_EXACTLY = [
  'CPU ms, billed task ms, execution ms, wall time and peak RSS: timings, bounded through compute-derived dollars',
  'Step Functions API requests and network requests per peer: long polling and status polling depend on timing',
  'serialization bytes and CPU ms per hop: bytes depend on paths and timings carried in payloads; not priced',
] as const;

export type GateFindingKind =
  | 'design-set-changed'
  | 'count-changed'
  | 'cost-out-of-bounds'
  | 'savings-below-floor'
  | 'price-changed'
  | 'scenario-changed'
  | 'findings-changed';

/** Order of the kinds of gate findings: in the verdict and in its Markdown. */
export const GATE_FINDING_ORDER: readonly GateFindingKind[] = [
  'scenario-changed',
  'design-set-changed',
  'findings-changed',
  'count-changed',
  'cost-out-of-bounds',
  'savings-below-floor',
  'price-changed',
];

/** `regression` fails the gate; `info` is reported and passes. */
export type GateSeverity = 'regression' | 'info';

/** The exact thing a count finding is about. */
export type CountSubject =
  | { readonly kind: 'executions' }
  | { readonly kind: 'transitions'; readonly state: string }
  | { readonly kind: 'invocations'; readonly task: string }
  | {
      readonly kind: 's3-requests';
      /** Stage that sent the requests; null for requests attributed to no stage. */
      readonly stage: string | null;
      readonly operation: string;
      readonly tier: S3Tier;
    }
  | { readonly kind: 's3-bytes'; readonly direction: 'up' | 'down' }
  | { readonly kind: 'serialization-ops'; readonly hop: string; readonly direction: 'encode' | 'decode' };

/** A count in one document: the run's total and per stream-second. */
export interface CountValue {
  readonly total: number;
  readonly perStreamSecond: number;
}

/** What a count change costs per month at the scenario's load, at list price (before free tiers). */
export interface DollarEffect {
  /** Price book key (`s3.requests.tier1`). */
  readonly priceKey: PriceKey;
  /** Price of one unit in the current book, USD (base tier). */
  readonly unitPrice: number;
  readonly unit: string;
  /** Change of the billed quantity per month, in `unit` (requests, GB, ...). */
  readonly quantityPerMonth: number;
  /** Active stream-seconds per month the delta is multiplied by (streams x hours x 3600 x duty cycle). */
  readonly streamSecondsPerMonth: number;
  /** USD per month; negative when cheaper. */
  readonly perMonth: number;
}

export interface CountChangedFinding {
  readonly kind: 'count-changed';
  readonly severity: 'regression';
  /** Id of the design whose count changed (`monolith`, `sfn-per-second`, ...). */
  readonly design: string;
  readonly subject: CountSubject;
  readonly baseline: CountValue;
  readonly current: CountValue;
  /** current - baseline, per stream-second. */
  readonly deltaPerStreamSecond: number;
  /** Null when the count is not billed itself (serialization, executions of Standard workflows, ...). */
  readonly dollarEffect: DollarEffect | null;
  /** Why there is no dollar effect, when there is none. */
  readonly unpricedReason?: string;
  /** Clips (paths) whose own count differs; empty when the clip sets differ. */
  readonly clips: readonly string[];
}

/** One billing dimension's share of a cost change. */
export interface CostLineChange {
  readonly dimension: CostDimension;
  readonly label: string;
  readonly basis: CostBasis;
  /** The baseline's cost at the current prices, USD per month. */
  readonly baselinePerMonth: number;
  readonly currentPerMonth: number;
  /** Change caused by the code and measurements (prices held at the current book), USD per month. */
  readonly deltaPerMonth: number;
}

export interface CostOutOfBoundsFinding {
  readonly kind: 'cost-out-of-bounds';
  /** Rises are regressions; falls beyond the bounds are reported as info (time to update the baseline). */
  readonly severity: GateSeverity;
  /** Design id. */
  readonly design: string;
  /** `count`: count-derived dollars changed although every count matched (the cost model changed). */
  readonly basis: CostBasis;
  /** The baseline's dollars of this basis at the current prices, USD per month. */
  readonly baselinePerMonth: number;
  readonly currentPerMonth: number;
  readonly deltaPerMonth: number;
  /** deltaPerMonth / baselinePerMonth x 100; null when the baseline is 0. */
  readonly deltaPercent: number | null;
  /** Largest change allowed, USD per month (0 for count-derived dollars). */
  readonly allowedPerMonth: number;
  /** Lines of this basis that changed, largest change first. */
  readonly lines: readonly CostLineChange[];
}

export interface SavingsBelowFloorFinding {
  readonly kind: 'savings-below-floor';
  readonly severity: 'regression';
  readonly floorPercent: number;
  /** Against the first design; null when it costs nothing (no savings can be stated). */
  readonly baselinePercent: number | null;
  readonly currentPercent: number | null;
}

/** One price that differs between the books. */
export interface PriceChange {
  /** Price key (`s3.requests.tier1`), `ec2:<type>` or `free-tier:<key>`. */
  readonly key: string;
  /** Unit price (free tier: monthly quantity) in the baseline's book; null when absent. */
  readonly baseline: number | null;
  readonly current: number | null;
  readonly unit: string;
  /** Set when the volume tiers (or other terms) changed rather than, or besides, the base price. */
  readonly note?: string;
}

export interface PriceChangedFinding {
  readonly kind: 'price-changed';
  /** `info` unless `failOnPriceChange`. */
  readonly severity: GateSeverity;
  readonly baselineBookId: string;
  readonly currentBookId: string;
  readonly changes: readonly PriceChange[];
  /**
   * What the price change alone does to each design (by id, in the baseline's order): the baseline's
   * measurements priced with the current book minus with the baseline's book, USD per month at the
   * baseline's load. Null when not computable.
   */
  readonly effectPerMonth: Readonly<Record<string, number>> | null;
}

export interface ScenarioChangedFinding {
  readonly kind: 'scenario-changed';
  readonly severity: 'regression';
  readonly baselineConfigHash: string;
  readonly currentConfigHash: string;
  /** What differs, one line each (`load.streams: 1 -> 10`, `clip a.mp4: sha256 differs`). */
  readonly differences: readonly string[];
}

export interface FindingsChangedFinding {
  readonly kind: 'findings-changed';
  readonly severity: 'regression';
  /** Null when the finding is about the whole run (the designs disagree). */
  readonly clip: string | null;
  /** Design id; null when the finding is about the whole run. */
  readonly design: string | null;
  /** One line: what changed. */
  readonly summary: string;
  /** Findings in the current run that the baseline does not have. */
  readonly added: readonly Finding[];
  /** Findings of the baseline missing from the current run. */
  readonly removed: readonly Finding[];
}

/** Designs measured in one document and not in the other: their counts and bills cannot be compared. */
export interface DesignSetChangedFinding {
  readonly kind: 'design-set-changed';
  readonly severity: 'regression';
  /** Design ids in the baseline only. */
  readonly onlyInBaseline: readonly string[];
  /** Design ids in the current document only. */
  readonly onlyInCurrent: readonly string[];
}

export type GateFinding =
  | DesignSetChangedFinding
  | CountChangedFinding
  | CostOutOfBoundsFinding
  | SavingsBelowFloorFinding
  | PriceChangedFinding
  | ScenarioChangedFinding
  | FindingsChangedFinding;

/** Where a results document came from, for the report's header. */
export interface GateDocumentInfo {
  readonly runId: string;
  readonly createdAt: string;
  readonly gitCommit: string | null;
  readonly scenarioName: string;
  readonly configHash: string;
  readonly priceBookId: string;
}

/** A design's monthly bill: baseline, current and the change split by cause. */
export interface GateCostSummary {
  /** Design id. */
  readonly design: string;
  /** As recorded in the baseline (its own prices), USD per month. */
  readonly baselinePerMonth: number;
  readonly currentPerMonth: number;
  /** Change caused by the price book alone; 0 when the books agree, null when not computable. */
  readonly priceEffectPerMonth: number | null;
  /** Change of count-derived dollars at the current prices. */
  readonly countEffectPerMonth: number;
  /** Change of compute-derived dollars at the current prices. */
  readonly computeEffectPerMonth: number;
  /** Largest rise of compute-derived dollars allowed, USD per month. */
  readonly computeAllowedPerMonth: number;
}

export interface GateVerdict {
  readonly verdict: 'pass' | 'regression';
  /**
   * Regressions first, then information; within each, scenario, defect findings, counts, costs, savings,
   * prices.
   */
  readonly findings: readonly GateFinding[];
  readonly baseline: GateDocumentInfo;
  readonly current: GateDocumentInfo;
  /** The current scenario's load, at which every dollar figure is stated. */
  readonly load: Load;
  readonly bounds: GateBounds;
  readonly costs: readonly GateCostSummary[];
  /** The monolith's savings, percent of the serverless design's cost; the floor applies to the first. */
  readonly savings: {
    /** Against the first design (`headline.savingsVsFirstPercent`). */
    readonly baselinePercent: number | null;
    readonly currentPercent: number | null;
    readonly floorPercent: number;
    /** Against the cheapest serverless design (`headline.savingsVsCheapestPercent`); not gated. */
    readonly baselineVsCheapestPercent: number | null;
    readonly currentVsCheapestPercent: number | null;
    /** The cheapest serverless design of each document. */
    readonly baselineCheapestId: string;
    readonly currentCheapestId: string;
  };
  /** Environment fields that differ (`ffmpegVersion`, `cpuModel`, ...): context for compute changes. */
  readonly environmentDifferences: readonly string[];
}
