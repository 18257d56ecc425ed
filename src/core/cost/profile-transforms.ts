import {
  ANALYZE_TASK,
  CONVERT_STAGE,
  detectStageOf,
  finishProfile,
  partsOf,
  RESULTS_STAGE,
  s3PrefixRateClassOf,
  type WorkloadProfile,
} from './workload-profile.ts';

/**
 * Modelled variations of a measured profile, for the sensitivity analysis: what the counts and durations
 * would be with heavier detectors, another frame rate, chunk length or batching, or other function
 * memory. Each says what it keeps as measured; results derived from them are labelled "modelled". Pure.
 */

const DETECT_PREFIX = 'detect:';

/** Sum of a record's values. */
function total(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((sum, value) => sum + value, 0);
}

/**
 * Detectors `factor` times as CPU-hungry (heavier models): every `detect:<name>` CPU component scales; a
 * task that runs detectors (`Detect <name>`, `AnalyzeChunk`) is billed for the extra CPU time, and so is
 * its execution (the slowest detector branch, or the one analysing task). Decode, S3 and counts stay.
 */
export function withDetectorCpuScaled(profile: WorkloadProfile, factor: number): WorkloadProfile {
  if (!(factor > 0)) throw new RangeError(`factor must be positive, got ${factor}`);
  const parts = partsOf(profile);
  const cpu: Record<string, number> = {};
  const extraByDetector: Record<string, number> = {};
  for (const [component, ms] of Object.entries(parts.cpuMsByComponent)) {
    const isDetector = component.startsWith(DETECT_PREFIX);
    cpu[component] = isDetector ? ms * factor : ms;
    if (isDetector) extraByDetector[component.slice(DETECT_PREFIX.length)] = ms * (factor - 1);
  }
  const billed: Record<string, number> = { ...parts.billedMsByTask };
  let executionExtraMs = 0;
  for (const task of Object.keys(billed)) {
    let extra = 0;
    if (task === ANALYZE_TASK) extra = total(extraByDetector);
    else {
      const detector = Object.keys(extraByDetector).find((name) => detectStageOf(name) === task);
      if (detector !== undefined) extra = extraByDetector[detector] ?? 0;
    }
    billed[task] = (billed[task] ?? 0) + extra;
    executionExtraMs = Math.max(executionExtraMs, extra);
  }
  const hasExecutions = parts.executions > 0;
  return finishProfile({
    ...parts,
    cpuMsByComponent: cpu,
    billedMsByTask: billed,
    executionMs: parts.executionMs + (hasExecutions ? executionExtraMs : 0),
    expressBilledMs: parts.expressBilledMs + (hasExecutions ? executionExtraMs : 0),
  });
}

/** Frames per second, seconds per chunk and frames per S3 object of a run (or of a variation). */
export interface FrameGeometry {
  readonly fps: number;
  readonly chunkSeconds: number;
  /** Frames per S3 object; Infinity for a shape that puts no frame in S3. */
  readonly framesPerObject: number;
}

/**
 * The profile at another frame rate, chunk length or batching (`to`), derived from the one measured at
 * `from`:
 * - per-chunk counts (executions, transitions, invocations, Step Functions API requests, the S3 requests
 *   of every stage that is not a frame stage, except the per-clip results writes) scale with the number of chunks, `from.chunkSeconds /
 *   to.chunkSeconds`;
 * - the frame stages (`ConvertMedia` writes, `Detect <name>` reads of at least a chunk's frame objects) move
 *   ceil(frames per chunk / framesPerObject) objects per chunk, so their counts follow the new geometry;
 * - per-frame work (CPU, billed task durations, execution durations, bytes) scales with the frame rate;
 *   the same work split into other chunks is billed the same (per-invocation overheads are not modelled).
 */
export function withFrameGeometry(
  profile: WorkloadProfile,
  from: FrameGeometry,
  to: FrameGeometry,
): WorkloadProfile {
  const parts = partsOf(profile);
  const chunkRatio = from.chunkSeconds / to.chunkSeconds;
  const fpsRatio = to.fps / from.fps;
  const objects = (geometry: FrameGeometry): number =>
    Number.isFinite(geometry.framesPerObject)
      ? Math.ceil(Math.round(geometry.fps * geometry.chunkSeconds) / geometry.framesPerObject)
      : 0;
  const objectsBefore = objects(from);
  const objectsAfter = objects(to);
  const executions = parts.executions;
  const scale = (record: Readonly<Record<string, number>>, factor: number): Record<string, number> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value * factor]));

  const byStage: Record<string, Record<string, number>> = {};
  const byOperation: Record<string, number> = {};
  for (const [stage, operations] of Object.entries(parts.s3RequestsByStage)) {
    const frameClass = stage === CONVERT_STAGE ? 'write' : stage.startsWith('Detect ') ? 'read' : undefined;
    const scaled: Record<string, number> = {};
    for (const [operation, rate] of Object.entries(operations)) {
      let perChunk = executions > 0 ? rate / executions : 0;
      const carriesFrames =
        frameClass !== undefined &&
        s3PrefixRateClassOf(operation) === frameClass &&
        !operation.startsWith('Delete') &&
        objectsBefore > 0 &&
        perChunk >= objectsBefore - 1e-9;
      if (carriesFrames) perChunk += objectsAfter - objectsBefore;
      // Results are written per clip (and priced on a cadence), not per chunk: they keep their rate.
      const perClip = stage === RESULTS_STAGE || executions <= 0;
      const newRate = perClip ? rate : perChunk * executions * chunkRatio;
      scaled[operation] = newRate;
      byOperation[operation] = (byOperation[operation] ?? 0) + newRate;
    }
    byStage[stage] = scaled;
  }
  // Requests attributed to no stage keep their rate.
  for (const [operation, rate] of Object.entries(parts.s3RequestsByOperation)) {
    const attributed = Object.values(parts.s3RequestsByStage).reduce(
      (sum, operations) => sum + (operations[operation] ?? 0),
      0,
    );
    byOperation[operation] = (byOperation[operation] ?? 0) + Math.max(0, rate - attributed);
  }
  return finishProfile({
    ...parts,
    transitionsByState: scale(parts.transitionsByState, chunkRatio),
    executions: executions * chunkRatio,
    invocationsByTask: scale(parts.invocationsByTask, chunkRatio),
    sfnApiRequestsByOperation: scale(parts.sfnApiRequestsByOperation, chunkRatio),
    s3RequestsByStage: byStage,
    s3RequestsByOperation: byOperation,
    s3BytesUp: parts.s3BytesUp * fpsRatio,
    s3BytesDown: parts.s3BytesDown * fpsRatio,
    cpuMsByComponent: scale(parts.cpuMsByComponent, fpsRatio),
    billedMsByTask: scale(parts.billedMsByTask, fpsRatio),
    executionMs: parts.executionMs * fpsRatio,
    expressBilledMs: parts.expressBilledMs * fpsRatio,
  });
}

/**
 * Every task function configured with `factor` times its memory: GB-seconds scale, durations stay as
 * measured (on Lambda more memory also brings more CPU, which this does not model).
 */
export function withFunctionMemoryScaled(profile: WorkloadProfile, factor: number): WorkloadProfile {
  const parts = partsOf(profile);
  return finishProfile({
    ...parts,
    memoryMbByTask: Object.fromEntries(
      Object.entries(parts.memoryMbByTask).map(([task, mb]) => [task, mb * factor]),
    ),
  });
}

/**
 * Task and execution durations `factor` times as measured: the durations were measured as wall time on the
 * bench machine, where tasks of many executions share a few cores, so on Lambda (each invocation with its
 * own CPU share) they may be shorter. Counts and CPU stay as measured.
 */
export function withTaskDurationsScaled(profile: WorkloadProfile, factor: number): WorkloadProfile {
  if (!(factor > 0)) throw new RangeError(`factor must be positive, got ${factor}`);
  const parts = partsOf(profile);
  return finishProfile({
    ...parts,
    billedMsByTask: Object.fromEntries(
      Object.entries(parts.billedMsByTask).map(([task, ms]) => [task, ms * factor]),
    ),
    executionMs: parts.executionMs * factor,
    expressBilledMs: parts.expressBilledMs * factor,
  });
}
