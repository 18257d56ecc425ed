import type { S3Endpoint } from '../../infra/s3-object-store.ts';
import type { SfnEndpointSettings } from '../../infra/sfn-endpoint.ts';

/**
 * Settings of the distributed runner (the `distributed` section of the harness config): how many workers
 * serve each activity, how frames are batched into objects, how many executions run at once, task
 * timeouts and retries, and the memory each task "function" is configured with for Lambda-style billing.
 * Pure data with defaults; the harness validates user values (src/harness/config.ts).
 */

/** Worker processes per activity, like the concurrency of one Lambda function each. */
export interface PoolSizes {
  /** Workers serving ConvertMedia (decode a chunk, PUT its frames and audio). Default 2. */
  readonly convert: number;
  /** Workers per detector activity (each detector has its own pool). Default 1. */
  readonly detect: number;
  /** Workers serving Aggregate. Default 1. */
  readonly aggregate: number;
  /** Workers serving AnalyzeChunk (the function-per-chunk shape). Default 2. */
  readonly analyze: number;
  /** Pool size for individual detectors, overriding `detect` (e.g. `{ freeze: 2 }`). */
  readonly perDetector: Readonly<Record<string, number>>;
}

/** Configured memory of each task's function, MB: what Lambda bills GB-seconds against. */
export interface TaskMemoryMb {
  /** Default 1024 MB (decoding is the heaviest step). */
  readonly convert: number;
  /** Default 512 MB, per detector task. */
  readonly detect: number;
  /** Default 512 MB. */
  readonly aggregate: number;
  /** AnalyzeChunk (decode and every detector in one function), default 1024 MB like the converter. */
  readonly analyze: number;
}

/**
 * How the work of a chunk is split into tasks:
 * - `stages`: ConvertMedia -> DetectDefects (a Task per detector) -> Aggregate, frames through S3: the
 *   shape Prime Video started with;
 * - `function-per-chunk`: one Task decodes the chunk and runs every detector in memory; no frames cross S3.
 */
export const workflowShapes = ['stages', 'function-per-chunk'] as const;
export type WorkflowShape = (typeof workflowShapes)[number];

/** Retry of every Task state on failure and timeout (ASL `Retry`), bounded, with exponential backoff. */
export interface RetrySettings {
  /** Retries after the first attempt (ASL `MaxAttempts`), 0 to 10. Default 2. */
  readonly maxAttempts: number;
  /** Wait before the first retry, whole seconds >= 1 (AWS accepts no less). Default 1. */
  readonly intervalSec: number;
  /** Factor by which the wait grows per retry, >= 1. Default 2. */
  readonly backoffRate: number;
}

export interface DistributedSettings {
  /** How a chunk's work is split into tasks. Default `stages`. */
  readonly shape: WorkflowShape;
  readonly pools: PoolSizes;
  /** Frames per S3 object written by the converter (1 = one object per frame, as Prime Video did). */
  readonly framesPerObject: number;
  /** Executions (chunks) running at once across all clips of the runner. Default 16. */
  readonly maxInFlightExecutions: number;
  /** `TimeoutSeconds` of every Task state (counted from scheduling, queueing included), s. Default 300. */
  readonly taskTimeoutSec: number;
  /**
   * `HeartbeatSeconds` of every Task state, s: a worker that stops heart-beating (killed, hung) loses its
   * task after this long and the retry goes to another worker. Workers beat every quarter of it. Default 10.
   */
  readonly heartbeatSec: number;
  readonly retry: RetrySettings;
  readonly memoryMb: TaskMemoryMb;
}

export const defaultDistributedSettings: DistributedSettings = Object.freeze({
  shape: 'stages',
  pools: Object.freeze({ convert: 2, detect: 1, aggregate: 1, analyze: 2, perDetector: Object.freeze({}) }),
  framesPerObject: 1,
  maxInFlightExecutions: 16,
  taskTimeoutSec: 300,
  heartbeatSec: 10,
  retry: Object.freeze({ maxAttempts: 2, intervalSec: 1, backoffRate: 2 }),
  memoryMb: Object.freeze({ convert: 1024, detect: 512, aggregate: 512, analyze: 1024 }),
});

/** Workers serving detector `name`. */
export function detectPoolSize(settings: DistributedSettings, name: string): number {
  return settings.pools.perDetector[name] ?? settings.pools.detect;
}

/** Fleet used by `--workers external` and `archbench worker` when none is named. */
export const DEFAULT_FLEET = 'default';

/** Fleet names: short enough that `archbench-<fleet>-detect-<detector>` stays a valid activity name. */
const FLEET_NAME = /^[A-Za-z0-9_-]{1,32}$/;

export function isFleetName(name: string): boolean {
  return FLEET_NAME.test(name);
}

/** Prefix of a fleet's activity names: `archbench-<fleet>` (then `-convert`, `-detect-<name>`, `-aggregate`). */
export function fleetActivityPrefix(fleet: string): string {
  return `archbench-${fleet}`;
}

/** Where workers started apart must connect to serve a run (what `archbench worker` needs to be told). */
export interface ExternalWorkersEndpoints {
  readonly fleet: string;
  readonly s3: S3Endpoint;
  readonly stepFunctions: SfnEndpointSettings;
  readonly bucket: string;
}

/**
 * The run's workers are started apart (`archbench worker --fleet <fleet>`, on this or other hosts), not
 * by the runner: it creates the fleet's activities and its own state machine, starts executions only, and
 * reads each task's counts from the telemetry objects the workers write to the bucket.
 */
export interface ExternalWorkersSettings {
  readonly fleet: string;
  /**
   * Longest wait at the end of a clip for the telemetry objects of its answered tasks, ms (default
   * 30,000). Fewer than expected by then fails the clip: its counts would be incomplete.
   */
  readonly telemetryTimeoutMs?: number;
  /** Called once the activities exist: the CLI prints the `archbench worker` command from it. */
  readonly onWaiting?: (where: ExternalWorkersEndpoints) => void;
}
