import { type Counters, type S3Tier, s3TierOf } from '../counters.ts';

/**
 * A workload profile: what one run's counters mean per second of stream, split into the rates that are
 * counts (deterministic for a clip, exact across runs and machines) and the rates that come from timings
 * (billed durations, CPU time, peak memory: they vary run to run). The cost model prices a profile; the
 * gate compares count rates exactly and compute rates within statistical bounds.
 */

/** Count-derived rates, per stream-second. */
export interface CountRates {
  /** Billed Standard transitions (StateEntered events plus retries) per stream-second, by state name. */
  readonly transitionsByState: Readonly<Record<string, number>>;
  /** Sum of `transitionsByState`. */
  readonly transitions: number;
  /** Workflow executions started per stream-second (one per chunk in the default distributed shape). */
  readonly executions: number;
  /** Task invocations (billed as Lambda requests) per stream-second, by task. */
  readonly invocationsByTask: Readonly<Record<string, number>>;
  /** Sum of `invocationsByTask`. */
  readonly invocations: number;
  /** S3 requests per stream-second by SDK operation (all stages). */
  readonly s3RequestsByOperation: Readonly<Record<string, number>>;
  /**
   * S3 requests per stream-second by stage and operation, as attributed by the runners. Requests not
   * attributed to a stage appear only in `s3RequestsByOperation`.
   */
  readonly s3RequestsByStage: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** S3 requests per stream-second by billing tier, derived from the operations with `s3TierOf`. */
  readonly s3RequestsByTier: Readonly<Record<S3Tier, number>>;
  /** Requests per stream-second that count against S3's per-prefix write rate (PUT/COPY/POST/DELETE). */
  readonly s3PrefixWrites: number;
  /** Requests per stream-second that count against S3's per-prefix read rate (GET/HEAD). */
  readonly s3PrefixReads: number;
  /** S3 request body bytes sent per stream-second. */
  readonly s3BytesUp: number;
  /** S3 response body bytes received per stream-second. */
  readonly s3BytesDown: number;
  /** Step Functions API requests per stream-second by operation (GetActivityTask, SendTaskSuccess, ...). */
  readonly sfnApiRequestsByOperation: Readonly<Record<string, number>>;
}

/** Compute-derived rates (from timings and memory), per stream-second unless named otherwise. */
export interface ComputeRates {
  /** Billed task duration (per invocation rounded up to 1 ms) per stream-second, ms, by task. */
  readonly billedMsByTask: Readonly<Record<string, number>>;
  /** Configured memory of each task's function, MB (configuration, kept next to the durations it scales). */
  readonly memoryMbByTask: Readonly<Record<string, number>>;
  /** Lambda GB-seconds per stream-second: sum over tasks of billed seconds x memory MB / 1024. */
  readonly lambdaGbSeconds: number;
  /** Execution durations each rounded up to 100 ms (Express billing), per stream-second, ms. */
  readonly expressBilledMs: number;
  /** Execution durations (start to stop), per stream-second, ms. */
  readonly executionMs: number;
  /** CPU time per stream-second by component (`decode:ffmpeg`, `detect:freeze`, ...), ms. */
  readonly cpuMsByComponent: Readonly<Record<string, number>>;
  /** Sum of `cpuMsByComponent`: CPU ms per stream-second (1000 = one vCPU busy per stream). */
  readonly cpuMs: number;
  /** Peak resident set size of the run, bytes (a level, not a rate). */
  readonly peakRssBytes: number;
}

export interface WorkloadProfile {
  /** Stream seconds the counters covered (the divisor of every rate). */
  readonly streamSeconds: number;
  readonly count: CountRates;
  readonly compute: ComputeRates;
}

/**
 * Stage of the runs' results writes (one object per clip). The cost model prices results on a cadence
 * instead (`resultsWriteIntervalSec`), so it sets these requests aside.
 */
export const RESULTS_STAGE = 'WriteResults';

/** The one task of the function-per-chunk shape (decode and every detector). */
export const ANALYZE_TASK = 'AnalyzeChunk';

/** Task and stage name of a detector in the distributed shape (`Detect freeze`). */
export function detectStageOf(detector: string): string {
  return `Detect ${detector}`;
}

/** State name of a detector's Catch target in the distributed state machine. */
export function detectorFailedStateOf(detector: string): string {
  return `Detector failed: ${detector}`;
}

/** CPU component names a detector's time is recorded under (monolith: `detect:<name>`). */
export function detectorComponentsOf(detector: string): readonly string[] {
  return [`detect:${detector}`, `detector:${detector}`];
}

const WRITE_PREFIXES = ['Put', 'Copy', 'Post', 'Create', 'UploadPart', 'Complete', 'Delete'];
const READ_PREFIXES = ['Get', 'Head'];

/**
 * Which per-prefix S3 rate an operation counts against (FACTS.md: 3,500 PUT/COPY/POST/DELETE and 5,500
 * GET/HEAD per second per prefix). LIST and others count against neither.
 */
export function s3PrefixRateClassOf(operation: string): 'write' | 'read' | 'other' {
  if (WRITE_PREFIXES.some((prefix) => operation.startsWith(prefix))) return 'write';
  if (READ_PREFIXES.some((prefix) => operation.startsWith(prefix))) return 'read';
  return 'other';
}

function perSecond(record: Readonly<Record<string, number>>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value / seconds]));
}

function sum(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((total, value) => total + value, 0);
}

/** The parts of a profile that are stored; totals are derived from them by `finishProfile`. */
export interface ProfileParts {
  readonly streamSeconds: number;
  readonly transitionsByState: Readonly<Record<string, number>>;
  readonly executions: number;
  readonly invocationsByTask: Readonly<Record<string, number>>;
  readonly s3RequestsByOperation: Readonly<Record<string, number>>;
  readonly s3RequestsByStage: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly s3BytesUp: number;
  readonly s3BytesDown: number;
  readonly sfnApiRequestsByOperation: Readonly<Record<string, number>>;
  readonly billedMsByTask: Readonly<Record<string, number>>;
  readonly memoryMbByTask: Readonly<Record<string, number>>;
  readonly expressBilledMs: number;
  readonly executionMs: number;
  readonly cpuMsByComponent: Readonly<Record<string, number>>;
  readonly peakRssBytes: number;
}

/** A profile from its stored parts, with every total derived (for transforms of a measured profile). */
export function finishProfile(parts: ProfileParts): WorkloadProfile {
  const byTier: Record<S3Tier, number> = { tier1: 0, tier2: 0, free: 0 };
  let writes = 0;
  let reads = 0;
  for (const [operation, rate] of Object.entries(parts.s3RequestsByOperation)) {
    byTier[s3TierOf(operation)] += rate;
    const rateClass = s3PrefixRateClassOf(operation);
    if (rateClass === 'write') writes += rate;
    else if (rateClass === 'read') reads += rate;
  }
  let lambdaGbSeconds = 0;
  for (const [task, billedMs] of Object.entries(parts.billedMsByTask)) {
    lambdaGbSeconds += (billedMs / 1000) * ((parts.memoryMbByTask[task] ?? 0) / 1024);
  }
  return {
    streamSeconds: parts.streamSeconds,
    count: {
      transitionsByState: parts.transitionsByState,
      transitions: sum(parts.transitionsByState),
      executions: parts.executions,
      invocationsByTask: parts.invocationsByTask,
      invocations: sum(parts.invocationsByTask),
      s3RequestsByOperation: parts.s3RequestsByOperation,
      s3RequestsByStage: parts.s3RequestsByStage,
      s3RequestsByTier: byTier,
      s3PrefixWrites: writes,
      s3PrefixReads: reads,
      s3BytesUp: parts.s3BytesUp,
      s3BytesDown: parts.s3BytesDown,
      sfnApiRequestsByOperation: parts.sfnApiRequestsByOperation,
    },
    compute: {
      billedMsByTask: parts.billedMsByTask,
      memoryMbByTask: parts.memoryMbByTask,
      lambdaGbSeconds,
      expressBilledMs: parts.expressBilledMs,
      executionMs: parts.executionMs,
      cpuMsByComponent: parts.cpuMsByComponent,
      cpuMs: sum(parts.cpuMsByComponent),
      peakRssBytes: parts.peakRssBytes,
    },
  };
}

/** The stored parts of a profile, to transform and `finishProfile` again. */
export function partsOf(profile: WorkloadProfile): ProfileParts {
  return {
    streamSeconds: profile.streamSeconds,
    transitionsByState: profile.count.transitionsByState,
    executions: profile.count.executions,
    invocationsByTask: profile.count.invocationsByTask,
    s3RequestsByOperation: profile.count.s3RequestsByOperation,
    s3RequestsByStage: profile.count.s3RequestsByStage,
    s3BytesUp: profile.count.s3BytesUp,
    s3BytesDown: profile.count.s3BytesDown,
    sfnApiRequestsByOperation: profile.count.sfnApiRequestsByOperation,
    billedMsByTask: profile.compute.billedMsByTask,
    memoryMbByTask: profile.compute.memoryMbByTask,
    expressBilledMs: profile.compute.expressBilledMs,
    executionMs: profile.compute.executionMs,
    cpuMsByComponent: profile.compute.cpuMsByComponent,
    peakRssBytes: profile.compute.peakRssBytes,
  };
}

/**
 * Per stream-second rates of every billing dimension from one run's counters. `streamSeconds` is the
 * total stream time the counters cover (sum of the clips' durations), seconds.
 */
export function profileFromCounters(counters: Counters, streamSeconds: number): WorkloadProfile {
  if (!(streamSeconds > 0) || !Number.isFinite(streamSeconds)) {
    throw new RangeError(`streamSeconds must be a positive number, got ${streamSeconds}`);
  }
  const tasks = counters.compute.invocationsByTask;
  return finishProfile({
    streamSeconds,
    transitionsByState: perSecond(counters.sfn.transitionsByState, streamSeconds),
    executions: counters.sfn.executionsStarted / streamSeconds,
    invocationsByTask: Object.fromEntries(
      Object.entries(tasks).map(([task, entry]) => [task, entry.invocations / streamSeconds]),
    ),
    s3RequestsByOperation: perSecond(counters.s3.requestsByOperation, streamSeconds),
    s3RequestsByStage: Object.fromEntries(
      Object.entries(counters.s3.requestsByStage).map(([stage, byOperation]) => [
        stage,
        perSecond(byOperation, streamSeconds),
      ]),
    ),
    s3BytesUp: counters.s3.bytesUp / streamSeconds,
    s3BytesDown: counters.s3.bytesDown / streamSeconds,
    sfnApiRequestsByOperation: perSecond(counters.sfn.apiRequestsByOperation, streamSeconds),
    billedMsByTask: Object.fromEntries(
      Object.entries(tasks).map(([task, entry]) => [task, entry.billedMs / streamSeconds]),
    ),
    memoryMbByTask: Object.fromEntries(Object.entries(tasks).map(([task, entry]) => [task, entry.memoryMb])),
    expressBilledMs: counters.sfn.expressBilledMs / streamSeconds,
    executionMs: counters.sfn.executionMs / streamSeconds,
    cpuMsByComponent: perSecond(counters.compute.cpuMsByComponent, streamSeconds),
    peakRssBytes: counters.compute.peakRssBytes,
  });
}

function without<T>(record: Readonly<Record<string, T>>, drop: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !drop.has(key)));
}

/**
 * The profile with some detectors removed, for the "fewer detectors" what-if: the `Detect <name>`
 * stages' transitions (and their `Detector failed: <name>` Catch states), task invocations, billed
 * durations and S3 requests, and the monolith's `detect:<name>` CPU time. Executions, the other stages
 * and execution durations stay as measured (the Parallel state waits for its slowest branch, which may
 * or may not be a dropped one), as do bytes moved and peak memory.
 */
export function withoutDetectors(profile: WorkloadProfile, detectors: readonly string[]): WorkloadProfile {
  const stages = new Set(detectors.map(detectStageOf));
  const states = new Set([...stages, ...detectors.map(detectorFailedStateOf)]);
  const components = new Set(detectors.flatMap(detectorComponentsOf));
  const parts = partsOf(profile);
  const byOperation: Record<string, number> = { ...parts.s3RequestsByOperation };
  for (const stage of stages) {
    for (const [operation, rate] of Object.entries(parts.s3RequestsByStage[stage] ?? {})) {
      byOperation[operation] = Math.max(0, (byOperation[operation] ?? 0) - rate);
    }
  }
  // The function-per-chunk task runs every detector: it loses the dropped detectors' CPU time.
  const billedMsByTask = without(parts.billedMsByTask, stages);
  const analyzeMs = billedMsByTask[ANALYZE_TASK];
  if (analyzeMs !== undefined) {
    const droppedMs = Object.entries(parts.cpuMsByComponent)
      .filter(([component]) => components.has(component))
      .reduce((total, [, ms]) => total + ms, 0);
    billedMsByTask[ANALYZE_TASK] = Math.max(0, analyzeMs - droppedMs);
  }
  return finishProfile({
    ...parts,
    billedMsByTask,
    transitionsByState: without(parts.transitionsByState, states),
    invocationsByTask: without(parts.invocationsByTask, stages),
    memoryMbByTask: without(parts.memoryMbByTask, stages),
    s3RequestsByOperation: byOperation,
    s3RequestsByStage: without(parts.s3RequestsByStage, stages),
    cpuMsByComponent: without(parts.cpuMsByComponent, components),
  });
}

/** Stage whose PUTs carry the frames (and audio) in the distributed shape. */
export const CONVERT_STAGE = 'ConvertMedia';
const DETECT_STAGE_PREFIX = 'Detect ';

/**
 * The profile with frames batched `framesPerObject` to an S3 object, derived from the measured per-stage
 * counts when no profile measured with batching is available.
 *
 * Derivation, per chunk (one execution per chunk, so per-chunk counts = rate / executions rate):
 * - `ConvertMedia` writes n objects per chunk with PUT-class operations; batched it writes
 *   ceil(n / framesPerObject);
 * - each `Detect <name>` stage reads m objects per chunk with GET-class operations; batched it reads
 *   ceil(m / framesPerObject);
 * - other stages (`Aggregate`, `WriteResults`, ...) and DELETEs are unchanged (DELETE is free);
 * - transitions, invocations, durations and bytes are unchanged: the same frames move, in fewer objects.
 * The audio object of a chunk is counted among the n (or m) objects, so with small n the count is an
 * estimate within one object per chunk and stage. `framesPerObject = Infinity` means one object per chunk.
 */
export function withFramesBatched(profile: WorkloadProfile, framesPerObject: number): WorkloadProfile {
  if (!(framesPerObject >= 1))
    throw new RangeError(`framesPerObject must be at least 1, got ${framesPerObject}`);
  const executions = profile.count.executions;
  if (executions <= 0) return profile;
  const parts = partsOf(profile);
  const byOperation: Record<string, number> = { ...parts.s3RequestsByOperation };
  const byStage: Record<string, Record<string, number>> = {};
  for (const [stage, operations] of Object.entries(parts.s3RequestsByStage)) {
    const batchedClass =
      stage === CONVERT_STAGE ? 'write' : stage.startsWith(DETECT_STAGE_PREFIX) ? 'read' : undefined;
    const batched: Record<string, number> = {};
    for (const [operation, rate] of Object.entries(operations)) {
      const rateClass = s3PrefixRateClassOf(operation);
      const reduce =
        batchedClass !== undefined && rateClass === batchedClass && !operation.startsWith('Delete');
      if (!reduce) {
        batched[operation] = rate;
        continue;
      }
      const perChunk = rate / executions;
      // Counts per chunk are whole numbers; rounding guards against float noise before the ceil.
      const objectsPerChunk = Math.round(perChunk * 1e6) / 1e6;
      const batchedPerChunk =
        objectsPerChunk > 0 ? Math.max(1, Math.ceil(objectsPerChunk / framesPerObject)) : 0;
      const batchedRate = batchedPerChunk * executions;
      batched[operation] = batchedRate;
      byOperation[operation] = Math.max(0, (byOperation[operation] ?? 0) - rate + batchedRate);
    }
    byStage[stage] = batched;
  }
  return finishProfile({ ...parts, s3RequestsByOperation: byOperation, s3RequestsByStage: byStage });
}
