import type { BreakEvenCurve } from './cost/break-even.ts';
import type { CostOptions, Design, Load, WhatIfReport } from './cost/cost-model.ts';
import type { HeadroomResult } from './cost/headroom.ts';
import type { PriceBook, QuotaSetName } from './cost/price-book.ts';
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
  readonly schemaVersion: 1;
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
