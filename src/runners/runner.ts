import type { ResolvedDetector } from '../core/aggregate.ts';
import type { Counters } from '../core/counters.ts';
import type { DetectorPorts } from '../core/detector.ts';
import type { Finding } from '../core/finding.ts';
import type { Backend } from '../infra/backends/backend.ts';
import type { S3Endpoint } from '../infra/s3-object-store.ts';
import type { DecodeOptions, DecodeSummary } from '../media/decoder.ts';
import type { MediaInfo } from '../media/probe.ts';
import type { DistributedSettings, ExternalWorkersSettings } from './distributed/distributed-settings.ts';
import type { MonolithSettings } from './monolith/monolith-settings.ts';

/** What every runner gets from the harness: the same detectors, decode settings and S3 endpoint. */
export interface RunnerContext {
  /** Identifies this run; prefixes every S3 key the runners write. */
  readonly runId: string;
  readonly decode: DecodeOptions;
  readonly detectors: readonly ResolvedDetector[];
  readonly ports: DetectorPorts;
  /**
   * File URL of a module exporting `createDetectorPorts(detectorNames)`, which builds `ports` in another
   * process (a loaded model cannot cross a process boundary); runners with workers pass it on.
   */
  readonly detectorPortsModule?: string;
  readonly s3: S3Endpoint;
  readonly bucket: string;
  /**
   * The run's backend, for what a runner needs beyond S3: the Step Functions endpoint (started on first
   * use), the state machine's role, tags and the execution cap. Absent: the distributed runner starts an
   * embedded endpoint of its own (tests).
   */
  readonly backend?: Pick<Backend, 'stepFunctions' | 'roleArn' | 'tags' | 'maxExecutions'>;
  /** Settings of the distributed runner (pools, batching, timeouts); its defaults when absent. */
  readonly distributed?: DistributedSettings;
  /**
   * The distributed runner's workers are started apart (`archbench worker`); absent, it starts its own
   * pools. A run option, not configuration: the counts are the same either way.
   */
  readonly externalWorkers?: ExternalWorkersSettings;
  /** Clones of the monolith runner and how work is split over them; one in-process monolith when absent. */
  readonly monolith?: MonolithSettings;
}

/** A detector that failed on one chunk (its findings elsewhere in the clip are kept). */
export interface DetectorFailureRecord {
  readonly chunkIndex: number;
  readonly detector: string;
  readonly message: string;
}

/** The outcome of one clip through one runner. Failures are thrown and turned into data by the harness. */
export interface ClipRun {
  readonly findings: readonly Finding[];
  readonly counters: Counters;
  readonly decode: DecodeSummary;
  /** S3 key of the results object written for the clip. */
  readonly resultsKey: string;
  /** Detectors that failed on some chunk, in chunk order; absent when none did. */
  readonly detectorFailures?: readonly DetectorFailureRecord[];
  /**
   * Wall time each chunk took, ms, in chunk order (a timing): the monolith's decode and analysis of the
   * chunk; the distributed runner's execution from start to stop.
   */
  readonly chunkLatenciesMs?: readonly number[];
}

/** One wiring of the shared core. Implementations own their processes and end them on dispose. */
export interface ClipRunner extends AsyncDisposable {
  readonly name: string;
  runClip(clip: MediaInfo): Promise<ClipRun>;
}

export type RunnerFactory = (context: RunnerContext) => Promise<ClipRunner>;

/** S3 key of a clip's results object: readable, and unique per path. */
export function resultsKeyFor(runner: string, runId: string, clip: MediaInfo): string {
  const base = clip.path.split(/[\\/]/).pop() ?? 'clip';
  const safe = base.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
  let hash = 2166136261;
  for (const char of clip.path) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619) >>> 0;
  return `results/${runId}/${runner}/${safe}-${hash.toString(16).padStart(8, '0')}.json`;
}
