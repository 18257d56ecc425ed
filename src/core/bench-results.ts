import type { BreakEvenCurve } from './cost/break-even.ts';
import type {
  CostOptions,
  Design,
  DesignComparison,
  DesignCost,
  Load,
  WhatIfReport,
} from './cost/cost-model.ts';
import type { VerdictAssumptions } from './cost/design-verdict.ts';
import type { Feasibility } from './cost/feasibility.ts';
import type { HeadroomResult } from './cost/headroom.ts';
import type { MonolithSizingFit, MonolithStreamsSample } from './cost/monolith-sizing.ts';
import type { PriceBook, QuotaSetName } from './cost/price-book.ts';
import type { SensitivityReport } from './cost/sensitivity.ts';
import type { WorkloadProfile } from './cost/workload-profile.ts';
import type { Counters } from './counters.ts';
import type { ErrorDocument } from './errors.ts';
import type { Finding } from './finding.ts';

/**
 * The results document of one `archbench bench` run (versioned by `schemaVersion`; checked on read by
 * `src/cli/read-bench-results.ts`). The HTML report, the Markdown summary and the gate render
 * from this document alone, so it carries everything they show: environment, scenario, price book,
 * per-clip counters, timings, costs, headroom and break-even.
 * JSON Schema of this document: `src/core/bench-results.schema.json` (bump it with `schemaVersion`).
 */
export interface BenchResults {
  readonly schemaVersion: 2;
  readonly kind: 'archbench.bench-results';
  readonly runId: string;
  /** ISO 8601 time the run started. */
  readonly createdAt: string;
  readonly environment: EnvironmentInfo;
  readonly scenario: ScenarioSummary;
  /** The price book the costs were computed with, embedded so a price change is visible apart from code. */
  readonly priceBook: PriceBook;
  readonly clips: readonly BenchClip[];
  /** Whether both runners found exactly the same defects on every clip. */
  readonly equivalence: { readonly identical: boolean; readonly differences: readonly string[] };
  readonly runners: Readonly<Record<Design, RunnerSummary>>;
  /** Baseline costs of both designs at the scenario's load, and the what-ifs from the same counts. */
  readonly costs: WhatIfReport;
  readonly headroom: Readonly<Record<Design, Readonly<Record<QuotaSetName, HeadroomResult>>>>;
  readonly breakEven: { readonly overStreams: BreakEvenCurve; readonly overDutyCycle: BreakEvenCurve };
  /**
   * Every design measured, the monolith first, then the serverless designs in the scenario's order (the
   * first of them is `runners.distributed`). Each was run on the same clips through the same core.
   */
  readonly designs: readonly DesignRun[];
  /** The verdict: the monolith against the first and against the cheapest serverless design. */
  readonly headline: Headline;
  /** What the verdict assumed beyond the designs, book and cost options, to price it again (the explorer). */
  readonly verdictInputs: VerdictAssumptions;
  /** The saving over each assumption's range, and the bounding cases. */
  readonly sensitivity: SensitivityReport;
  /** The multi-stream monolith runs the monolith was sized from; null when the scenario ran none. */
  readonly monolithStreams: MonolithStreamsMeasurement | null;
}

/** How a design was built. */
export interface DesignSettings {
  /** `monolith`, or the distributed runner's shape (`stages`, `function-per-chunk`). */
  readonly shape: string;
  /** Standard or Express (serverless designs); null for the monolith. */
  readonly workflow: 'standard' | 'express' | null;
  /** Seconds of stream per chunk (per workflow execution for serverless designs). */
  readonly chunkSeconds: number;
  /** Frames per S3 object (the stages shape); null where no frame goes through S3. */
  readonly framesPerObject: number | null;
}

/** A design as measured: how it was built and what its runs counted. */
export interface MeasuredDesign {
  /** `monolith`, a key of the serverless design registry, or `distributed` (a scenario without designs). */
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly kind: Design;
  readonly settings: DesignSettings;
  /** Each clip's run through this design, in the scenario's clip order. */
  readonly clips: readonly { readonly path: string; readonly run: BenchClipRun }[];
  readonly summary: RunnerSummary;
}

/** One design as measured and priced. */
export interface DesignRun extends MeasuredDesign {
  /** The design's bill at the scenario's load (measured counts and timings x the price book). */
  readonly cost: DesignCost;
  /** Serverless designs: the monolith against this design; null for the monolith. */
  readonly comparison: DesignComparison | null;
  /** Serverless designs: quota headroom; null for the monolith (it calls no throttled API per chunk). */
  readonly headroom: Readonly<Record<QuotaSetName, HeadroomResult>> | null;
  /** Serverless designs: whether one account-Region carries the load; null for the monolith. */
  readonly feasibility: Feasibility | null;
}

/** The numbers the report, the summary and the README lead with. */
export interface Headline {
  readonly firstDesignId: string;
  readonly cheapestServerlessId: string;
  readonly monolithPerStreamHour: number;
  readonly firstPerStreamHour: number;
  readonly cheapestPerStreamHour: number;
  /** (first - monolith) / first x 100; null when the first design costs nothing. */
  readonly savingsVsFirstPercent: number | null;
  /** (cheapest - monolith) / cheapest x 100 (negative: serverless is cheaper). */
  readonly savingsVsCheapestPercent: number | null;
  /** Serverless designs one account-Region cannot carry at the load. */
  readonly infeasible: readonly { readonly id: string; readonly summary: string }[];
  /** The monolith against the cheapest serverless design over streams and duty cycle. */
  readonly breakEven: { readonly overStreams: BreakEvenCurve; readonly overDutyCycle: BreakEvenCurve };
  /** The verdict in numbers: the savings, where they hold and where they flip, the bounding cases. */
  readonly verdict: string;
}

/** The multi-stream monolith runs (src/harness/measure-monolith-streams.ts) the monolith is sized from. */
export interface MonolithStreamsMeasurement {
  /** One fresh process per stream count, each running that many streams at once. */
  readonly samples: readonly MonolithStreamsSample[];
  readonly fit: MonolithSizingFit;
  /** Stream counts not measured (not enough free memory), with the reason. */
  readonly skipped: readonly { readonly streams: number; readonly reason: string }[];
  /** Clips the streams replayed (stream i takes clip i modulo their number). */
  readonly clips: readonly string[];
}

export interface EnvironmentInfo {
  readonly cpuModel: string;
  readonly cpuCount: number;
  readonly memoryBytes: number;
  readonly platform: string;
  readonly nodeVersion: string;
  readonly archbenchVersion: string;
  /** Commit of the working tree, null outside a git checkout. */
  readonly gitCommit: string | null;
  /** First line of `ffmpeg -version`. */
  readonly ffmpegVersion: string;
  /**
   * Where S3 and Step Functions ran (`embedded`, `localstack`, `minio`, `aws`): counts should not depend on
   * it, timings do. Absent in documents written before there was a choice (they ran embedded).
   */
  readonly backend?: string;
}

export interface ScenarioSummary {
  readonly name: string;
  readonly description: string;
  /** sha256 of the resolved config and scenario, so two results documents can tell whether they match. */
  readonly configHash: string;
  readonly load: Load;
  readonly costOptions: CostOptions;
  readonly chunkSeconds: number;
  readonly framesPerObject: number;
  readonly detectors: readonly string[];
  readonly priceBookId: string;
}

export interface BenchClip {
  /** Path as named by the scenario. */
  readonly path: string;
  readonly sha256: string;
  readonly durationSec: number;
  readonly runs: Readonly<Record<Design, BenchClipRun>>;
}

export type BenchClipRun =
  | { readonly status: 'ok'; readonly findings: readonly Finding[]; readonly counters: Counters }
  | { readonly status: 'failed'; readonly error: ErrorDocument };

/** Latency distribution of one unit of work (a chunk), ms. */
export interface LatencyStats {
  readonly samples: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
}

export interface RunnerSummary {
  /** Stream-seconds replayed (sum of clip durations). */
  readonly streamSeconds: number;
  /** Every clip's counters added up. */
  readonly counters: Counters;
  /** Per stream-second rates the cost model prices. */
  readonly profile: WorkloadProfile;
  readonly timing: {
    /** Wall time of the whole replay, ms. */
    readonly wallMs: number;
    /** Stream-seconds analysed per second of wall time. */
    readonly throughputStreamSecPerSec: number;
    /** Per-chunk latency (monolith: one chunk's analysis; distributed: one execution, start to end). */
    readonly chunkLatency: LatencyStats;
  };
}
