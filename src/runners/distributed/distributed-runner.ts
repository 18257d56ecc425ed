import { SFNClient } from '@aws-sdk/client-sfn';
import { aggregateFindings } from '../../core/aggregate.ts';
import { RESULTS_STAGE } from '../../core/cost/workload-profile.ts';
import {
  type Counters,
  countCpu,
  countExecutionDuration,
  countS3Request,
  createCounters,
  mergeCounters,
} from '../../core/counters.ts';
import { isDetectorName } from '../../core/detectors/registry.ts';
import { BadInputError, ServiceUnavailableError } from '../../core/errors.ts';
import { EMULATOR_ROLE_ARN } from '../../infra/backends/backend.ts';
import { createCounterScope } from '../../infra/counter-scope.ts';
import { startEmbeddedStepFunctions } from '../../infra/local-step-functions/local-step-functions-server.ts';
import type { ObjectStore } from '../../infra/object-store.ts';
import { peakRssBytes, selfCpuMs } from '../../infra/process-usage.ts';
import { createS3Client, createS3ObjectStore } from '../../infra/s3-object-store.ts';
import { attachRequestCounter } from '../../infra/s3-request-counter.ts';
import { sfnClientConfig, staticCredentialsOf } from '../../infra/sfn-endpoint.ts';
import { attachSfnRequestCounter, countSfnRequest } from '../../infra/sfn-request-counter.ts';
import { roundMicros } from '../../media/decode-plan.ts';
import { chunkCount, type DecodeSummary } from '../../media/decoder.ts';
import { displayPath, type MediaInfo, toClipInfo } from '../../media/probe.ts';
import { unreachable } from '../network-errors.ts';
import {
  type ClipRun,
  type ClipRunner,
  type DetectorFailureRecord,
  type RunnerContext,
  resultsKeyFor,
} from '../runner.ts';
import {
  type DistributedSettings,
  defaultDistributedSettings,
  detectPoolSize,
  fleetActivityPrefix,
} from './distributed-settings.ts';
import { type ActivityArns, type ExecutionOutcome, Orchestrator } from './orchestrator.ts';
import { type AslDefinition, TASK_ERRORS } from './state-machine-definition.ts';
import { decodeJson, encodeJson } from './task-handlers.ts';
import type { AggregateOutput, ChunkJob, ChunkResultDocument } from './task-payloads.ts';
import { loadDetectorModules } from './worker-detectors.ts';
import { startWorkerPools, type WorkerHandle, type WorkerPoolSpec, type WorkerPools } from './worker-pool.ts';
import {
  type RequestEntry,
  roleLabelOf,
  type SfnEndpointSettings,
  type TaskTelemetry,
  taskNameOf,
  telemetryPrefix,
  type WorkerMessage,
  type WorkerRole,
  type WorkerSettings,
} from './worker-protocol.ts';

/**
 * The distributed wiring of the shared core, the shape Prime Video started with: per chunk one Step
 * Functions execution of ConvertMedia -> DetectDefects (one branch per detector) -> Aggregate, every Task
 * an activity served by its own pool of worker processes that pass frames through S3. The runner starts
 * the executions of a clip's chunks (bounded in flight), reads the chunk results, aggregates them with the
 * same `aggregateFindings` as the monolith and writes the clip's results object. A clip's counters are the
 * runner's own requests for it plus every worker's share of it, in the one `Counters` type.
 */

export interface DistributedRunnerOptions {
  /** Overrides `context.distributed` (and the defaults). */
  readonly settings?: DistributedSettings;
  /**
   * A Step Functions endpoint to use instead of the configured backend (the runner then starts no
   * embedded endpoint). Tests pass one they can stop.
   */
  readonly stepFunctions?: SfnEndpointSettings;
  /**
   * File URLs of modules exporting `detectors`, for detectors of `context.detectors` that are not in the
   * registry: workers load them by name (tests inject failing detectors this way).
   */
  readonly detectorModules?: readonly string[];
  /**
   * File URL of a module exporting `createDetectorPorts(detectorNames)`: how workers build the ports of
   * `context.ports` (objects such as a loaded model cannot cross a process boundary). Required when
   * `context.ports` is not empty.
   */
  readonly detectorPortsModule?: string;
  /** Every message a worker sends (progress, counts); tests use it to kill a worker mid-task. */
  readonly onWorkerMessage?: (worker: WorkerHandle, message: WorkerMessage) => void;
}

/** The distributed runner, with what tests and benchmarks inspect. */
export interface DistributedClipRunner extends ClipRunner {
  readonly pools: WorkerPools;
  /** The state machine definition the runner created (real activity ARNs). */
  readonly definition: AslDefinition;
  /** Largest execution input, task input or task output seen so far, bytes (Step Functions cap: 256 KiB). */
  readonly largestPayloadBytes: number;
}

/** Stages (in `s3.requestsByStage`) of the runner's own S3 requests; workers' are their state names. */
export const RUNNER_STAGES = Object.freeze({
  /** GETs of the chunk results the aggregator wrote. */
  collect: 'CollectChunkResults',
  /** The clip's results object, as in the monolith. */
  write: RESULTS_STAGE,
});

/** Longest wait for a clip's telemetry objects from external workers, ms (default). */
const TELEMETRY_TIMEOUT_MS = 30_000;
/** First and largest wait between two listings of the telemetry prefix, ms. */
const TELEMETRY_FIRST_WAIT_MS = 25;
const TELEMETRY_MAX_WAIT_MS = 500;

/** Longest the final sweep of temporary objects may take, ms. */
const SWEEP_TIMEOUT_MS = 10_000;

export async function createDistributedRunner(
  context: RunnerContext,
  options: DistributedRunnerOptions = {},
): Promise<DistributedClipRunner> {
  const settings = options.settings ?? context.distributed ?? defaultDistributedSettings;
  const detectorModules = options.detectorModules ?? [];
  await checkDetectorsAvailable(context, detectorModules);
  const portNames = Object.keys(context.ports);
  const detectorPortsModule = options.detectorPortsModule ?? context.detectorPortsModule;
  if (portNames.length > 0 && detectorPortsModule === undefined) {
    // Workers would run without them and find less than the monolith: refuse rather than differ.
    throw new Error(
      `distributed runner: the detectors use ports (${portNames.join(', ')}) that workers must build themselves; pass detectorPortsModule`,
    );
  }

  const cleanups: (() => Promise<void>)[] = [];
  const cleanUp = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
  };
  try {
    // --- Step Functions: the configured endpoint, or an embedded one for this run.
    let sfnEndpoint: SfnEndpointSettings;
    if (options.stepFunctions !== undefined) {
      sfnEndpoint = options.stepFunctions;
    } else if (context.backend !== undefined) {
      sfnEndpoint = await context.backend.stepFunctions();
    } else {
      const embedded = await startEmbeddedStepFunctions();
      cleanups.push(() => embedded.stop());
      sfnEndpoint = embedded.endpoint;
    }
    const scope = createCounterScope();
    // Each in-flight execution has at most one request outstanding; keep that many sockets alive.
    const maxSockets = Math.max(50, settings.maxInFlightExecutions + 8);
    const sfn = new SFNClient(sfnClientConfig(sfnEndpoint, { maxSockets }));
    attachSfnRequestCounter(sfn, scope.current);
    cleanups.push(async () => sfn.destroy());

    // --- S3: one counted client (the clip in scope pays) and one uncounted for set-up and sweeping.
    const s3 = createS3Client(context.s3);
    attachRequestCounter(s3, scope.current);
    cleanups.push(async () => s3.destroy());
    const store = await createS3ObjectStore({ client: s3, bucket: context.bucket });
    const adminS3 = createS3Client(context.s3);
    cleanups.push(async () => adminS3.destroy());
    const adminStore = await createS3ObjectStore({ client: adminS3, bucket: context.bucket });
    const tmpRoot = `tmp/${context.runId}/`;
    cleanups.push(() => sweep(adminStore, tmpRoot));
    const external = context.externalWorkers;
    if (external !== undefined) cleanups.push(() => sweep(adminStore, telemetryPrefix(context.runId)));

    const detectorNames = context.detectors.map((detector) => detector.name);
    const sfnWhere = sfnEndpoint.endpoint ?? `AWS ${sfnEndpoint.region}`;
    const orchestrator = await Orchestrator.create({
      sfn,
      scope,
      namePrefix: `archbench-${context.runId}`,
      ...(external === undefined ? {} : { activityNamePrefix: fleetActivityPrefix(external.fleet) }),
      detectors: detectorNames,
      shape: settings.shape,
      policy: settings,
      roleArn: context.backend?.roleArn ?? EMULATOR_ROLE_ARN,
      maxInFlightExecutions: settings.maxInFlightExecutions,
      ...(context.backend === undefined ? {} : { tags: context.backend.tags }),
      ...(context.backend?.maxExecutions === undefined
        ? {}
        : { maxExecutions: context.backend.maxExecutions }),
    }).catch((error: unknown) => {
      throw unreachableAtStart(error, 'Step Functions', sfnWhere);
    });
    cleanups.push(() => orchestrator[Symbol.asyncDispose]());

    // --- Workers: one pool per activity.
    const clips = new Map<string, Counters>();
    const activeClips = new Set<AbortController>();
    let poolFailure: Error | undefined;
    let largestPayloadBytes = 0;
    // A worker's counts, from IPC (own pools) or from telemetry objects (external workers): merged alike.
    const mergeRequests = (entries: readonly RequestEntry[], stage: string): void => {
      for (const [clipKey, service, operation, bytesUp, bytesDown] of entries) {
        const counters = clips.get(clipKey);
        if (counters === undefined) continue;
        if (service === 'sfn') {
          countSfnRequest(counters, operation, bytesUp, bytesDown);
          continue;
        }
        countS3Request(counters, operation, bytesUp, bytesDown);
        const byStage = counters.s3.requestsByStage;
        const ofStage = byStage[stage] ?? {};
        byStage[stage] = ofStage;
        ofStage[operation] = (ofStage[operation] ?? 0) + 1;
      }
    };
    const mergeFinished = (message: Extract<WorkerMessage, { type: 'task-finished' }>): void => {
      largestPayloadBytes = Math.max(largestPayloadBytes, message.largestPayloadBytes);
      const counters = clips.get(message.clipKey);
      if (counters !== undefined) mergeCounters(counters, message.counters);
    };
    const onMessage = (worker: WorkerHandle, message: WorkerMessage): void => {
      options.onWorkerMessage?.(worker, message);
      if (message.type === 'requests') mergeRequests(message.entries, taskNameOf(worker.role));
      else if (message.type === 'task-finished') mergeFinished(message);
    };

    /**
     * External workers: waits (bounded) until the clip has a telemetry object per answered task, merges
     * them and deletes them, all with the uncounted client (measurement, not the design's cost).
     */
    const collectTelemetry = async (clipKey: string, expected: number): Promise<void> => {
      const prefix = telemetryPrefix(context.runId, clipKey);
      const timeoutMs = external?.telemetryTimeoutMs ?? TELEMETRY_TIMEOUT_MS;
      const deadline = performance.now() + timeoutMs;
      let waitMs = TELEMETRY_FIRST_WAIT_MS;
      let keys = await adminStore.list(prefix);
      while (keys.length < expected && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        waitMs = Math.min(TELEMETRY_MAX_WAIT_MS, waitMs * 2);
        keys = await adminStore.list(prefix);
      }
      if (keys.length < expected) {
        throw new Error(
          `external workers: ${keys.length} of ${expected} task telemetry objects under ${prefix} arrived within ${timeoutMs / 1000} s; the clip's counts would be incomplete`,
        );
      }
      for (const key of keys) {
        const telemetry = JSON.parse(new TextDecoder().decode(await adminStore.get(key))) as TaskTelemetry;
        mergeRequests(telemetry.entries, telemetry.taskName);
        mergeFinished(telemetry.finished);
      }
      await adminStore.deleteMany(keys);
    };
    const workerBase = {
      // Workers get static credentials over stdin: the runner's, resolved once (the default chain for AWS).
      stepFunctions:
        sfnEndpoint.credentials === undefined
          ? { ...sfnEndpoint, credentials: await staticCredentialsOf(sfn) }
          : sfnEndpoint,
      s3:
        context.s3.credentials === undefined
          ? { ...context.s3, credentials: await staticCredentialsOf(s3) }
          : context.s3,
      bucket: context.bucket,
      heartbeatIntervalMs: (settings.heartbeatSec * 1000) / 4,
      detectors: context.detectors.map((detector) => ({ name: detector.name, params: detector.params })),
      detectorModules,
      ...(detectorPortsModule === undefined ? {} : { detectorPortsModule }),
    } satisfies Partial<WorkerSettings>;
    const poolSpecs = workerPoolSpecs(settings, detectorNames, orchestrator.activityArns, workerBase);
    let pools: WorkerPools;
    if (external === undefined) {
      pools = await startWorkerPools(poolSpecs, {
        onMessage,
        onPoolFailed: (error) => {
          poolFailure = error;
          for (const clip of activeClips) clip.abort(error);
        },
      });
      cleanups.push(() => pools.stop());
    } else {
      // Workers started apart serve the fleet's activities; executions wait for them (TimeoutSeconds).
      pools = noPools;
      external.onWaiting?.({
        fleet: external.fleet,
        s3: workerBase.s3,
        stepFunctions: workerBase.stepFunctions,
        bucket: context.bucket,
      });
    }

    /** Runs `work` with its S3 requests counted into `counters` and attributed to `stage`. */
    const inStage = async <T>(counters: Counters, stage: string, work: () => Promise<T>): Promise<T> => {
      const stageCounters = createCounters();
      try {
        return await scope.run(stageCounters, work);
      } finally {
        mergeCounters(counters, stageCounters, stage);
      }
    };

    let clipSequence = 0;
    let disposed: Promise<void> | undefined;

    const runClip = async (info: MediaInfo): Promise<ClipRun> => {
      if (disposed !== undefined) throw new Error('the distributed runner was disposed');
      if (poolFailure !== undefined) throw poolFailure;
      clipSequence += 1;
      const clipKey = clipKeyFor(clipSequence, info.path);
      const counters = createCounters();
      clips.set(clipKey, counters);
      const abort = new AbortController();
      activeClips.add(abort);
      const wallStart = performance.now();
      const count = chunkCount(info, context.decode.chunkSeconds);
      /** Activity tasks the clip's executions had answered: telemetry objects to wait for. */
      let answeredTasks = 0;

      /** Execution start to stop per chunk, ms (a timing), in chunk order. */
      const chunkLatenciesMs: number[] = new Array(count).fill(0);
      const runChunk = async (index: number): Promise<ChunkResultDocument> => {
        const job: ChunkJob = {
          runId: context.runId,
          bucket: context.bucket,
          clipKey,
          clip: info,
          decode: context.decode,
          chunk: { index, count },
          framesPerObject: settings.framesPerObject,
          tmpPrefix: `${tmpRoot}${clipKey}/${String(index).padStart(6, '0')}/`,
          resultKey: `results/${context.runId}/distributed/chunks/${clipKey}/${String(index).padStart(6, '0')}.json`,
        };
        const input = encodeJson(counters, 'payloads', job);
        largestPayloadBytes = Math.max(largestPayloadBytes, input.byteLength);
        let outcome: ExecutionOutcome;
        try {
          outcome = await orchestrator.runExecution(
            `${clipKey}-${index}`,
            new TextDecoder().decode(input),
            counters,
            abort.signal,
          );
        } catch (error) {
          throw unreachable(
            error,
            `${displayPath(info.path)}: distributed runner`,
            'Step Functions',
            sfnEndpoint.endpoint ?? `AWS ${sfnEndpoint.region}`,
          );
        }
        counters.sfn.executionsStarted += 1;
        answeredTasks += outcome.activityTasksAnswered;
        countExecutionDuration(counters, outcome.durationMs);
        chunkLatenciesMs[index] = outcome.durationMs;
        for (const [state, transitions] of Object.entries(outcome.transitions.byState)) {
          counters.sfn.transitionsByState[state] =
            (counters.sfn.transitionsByState[state] ?? 0) + transitions;
        }
        if (outcome.status !== 'SUCCEEDED') throw executionFailure(outcome, index, info, abort.signal);
        const output = decodeJson<AggregateOutput>(
          counters,
          'payloads',
          new TextEncoder().encode(outcome.output ?? '{}'),
        );
        try {
          const body = await inStage(counters, RUNNER_STAGES.collect, () => store.get(output.resultKey));
          return decodeJson<ChunkResultDocument>(counters, 'chunk-results', body);
        } catch (error) {
          throw unreachable(
            error,
            `${displayPath(info.path)}: distributed runner`,
            'S3',
            context.s3.endpoint ?? `AWS ${context.s3.region}`,
          );
        }
      };

      try {
        const settled = await Promise.allSettled(
          Array.from({ length: count }, (_, index) =>
            runChunk(index).catch((error: unknown) => {
              // One chunk failing fails the clip: do not start or keep running the others.
              abort.abort(error);
              throw error;
            }),
          ),
        );
        const failures = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
        if (failures.length > 0) throw mostTelling(failures, abort.signal.reason);
        const documents = settled.map(
          (result) => (result as PromiseFulfilledResult<ChunkResultDocument>).value,
        );

        const aggregateStart = selfCpuMs();
        const analyses = documents.map((document) => document.analysis);
        const findings = aggregateFindings(analyses, context.detectors, toClipInfo(info));
        countCpu(counters, 'aggregate', selfCpuMs() - aggregateStart);
        const decode = decodeSummaryOf(info, documents);
        const detectorFailures: DetectorFailureRecord[] = analyses.flatMap((analysis) =>
          Object.entries(analysis.failures ?? {}).map(([detector, message]) => ({
            chunkIndex: analysis.index,
            detector,
            message,
          })),
        );
        const resultsKey = resultsKeyFor('distributed', context.runId, info);
        const body = encodeJson(counters, 'results', {
          schemaVersion: 1,
          runner: 'distributed',
          clip: info.path,
          findings,
          decode,
          ...(detectorFailures.length > 0 ? { detectorFailures } : {}),
        });
        try {
          await inStage(counters, RUNNER_STAGES.write, () => store.put(resultsKey, body, 'application/json'));
        } catch (error) {
          throw unreachable(
            error,
            `${displayPath(info.path)}: distributed runner`,
            'S3',
            context.s3.endpoint ?? `AWS ${context.s3.region}`,
          );
        }
        await pools.flush(clipKey);
        if (external !== undefined) await collectTelemetry(clipKey, answeredTasks);
        counters.compute.wallMs = performance.now() - wallStart;
        counters.compute.peakRssBytes = Math.max(counters.compute.peakRssBytes, peakRssBytes());
        return {
          findings,
          counters,
          decode,
          resultsKey,
          ...(detectorFailures.length > 0 ? { detectorFailures } : {}),
          chunkLatenciesMs,
        };
      } catch (error) {
        // Nothing of the clip may keep running or stay behind: wait for its tasks, then drop its objects.
        await pools.flush(clipKey);
        await sweep(adminStore, `${tmpRoot}${clipKey}/`);
        if (external !== undefined) await sweep(adminStore, telemetryPrefix(context.runId, clipKey));
        throw error;
      } finally {
        clips.delete(clipKey);
        activeClips.delete(abort);
      }
    };

    return {
      name: 'distributed',
      pools,
      definition: orchestrator.definition,
      get largestPayloadBytes() {
        return largestPayloadBytes;
      },
      runClip,
      [Symbol.asyncDispose]() {
        disposed ??= (async () => {
          for (const clip of activeClips) clip.abort(new Error('the distributed runner was disposed'));
          await cleanUp();
        })();
        return disposed;
      },
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** One pool per activity of the run's shape, like one Lambda function each. */
function workerPoolSpecs(
  settings: DistributedSettings,
  detectorNames: readonly string[],
  arns: ActivityArns,
  base: Omit<WorkerSettings, 'role' | 'activityArn' | 'memoryMb' | 'workerName'>,
): WorkerPoolSpec[] {
  const spec = (role: WorkerRole, size: number, activityArn: string | undefined, memoryMb: number) => {
    if (activityArn === undefined)
      throw new Error(`distributed runner: no activity for ${roleLabelOf(role)}`);
    return { role, size, settings: { ...base, activityArn, memoryMb } } satisfies WorkerPoolSpec;
  };
  if (settings.shape === 'function-per-chunk') {
    return [spec({ kind: 'analyze' }, settings.pools.analyze, arns.analyze, settings.memoryMb.analyze)];
  }
  return [
    spec({ kind: 'convert' }, settings.pools.convert, arns.convert, settings.memoryMb.convert),
    ...detectorNames.map((detector) =>
      spec(
        { kind: 'detect', detector },
        detectPoolSize(settings, detector),
        arns.detect[detector],
        settings.memoryMb.detect,
      ),
    ),
    spec({ kind: 'aggregate' }, settings.pools.aggregate, arns.aggregate, settings.memoryMb.aggregate),
  ];
}

/** The pools of a runner whose workers were started apart: none to flush or stop. */
const noPools: WorkerPools = Object.freeze({
  workers: [],
  replacements: 0,
  flush: async () => {},
  stop: async () => {},
  [Symbol.asyncDispose]: async () => {},
});

/** Every detector must be rebuildable in a worker: registered, or exported by a detector module. */
async function checkDetectorsAvailable(context: RunnerContext, modules: readonly string[]): Promise<void> {
  const unknown = context.detectors.filter((detector) => !isDetectorName(detector.name));
  if (unknown.length === 0) return;
  const extra = await loadDetectorModules(modules);
  const missing = unknown.filter((detector) => !extra.has(detector.name)).map((detector) => detector.name);
  if (missing.length > 0) {
    throw new Error(
      `distributed runner: detector(s) ${missing.join(', ')} not registered and in no detector module`,
    );
  }
}

/** `0001-<8 hex>`: unique per clip run of this runner, fixed length (so counted bytes repeat exactly). */
function clipKeyFor(sequence: number, path: string): string {
  let hash = 2166136261;
  for (const char of path) hash = Math.imul(hash ^ (char.codePointAt(0) ?? 0), 16777619) >>> 0;
  return `${String(sequence).padStart(4, '0')}-${hash.toString(16).padStart(8, '0')}`;
}

/** The error a failed execution stands for: bad input, an unreachable service, or a failure with its cause. */
function executionFailure(
  outcome: ExecutionOutcome,
  index: number,
  info: MediaInfo,
  signal: AbortSignal,
): Error {
  if (outcome.status === 'ABORTED' && signal.aborted) {
    return signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  }
  const cause = outcome.cause ?? '';
  if (outcome.error === TASK_ERRORS.badInput) return new BadInputError(cause);
  if (outcome.error === TASK_ERRORS.unavailable) {
    return new ServiceUnavailableError(
      `${displayPath(info.path)}: distributed runner: a worker could not reach S3 (${cause})`,
    );
  }
  const detail = [outcome.error, cause].filter((part) => part !== undefined && part !== '').join(': ');
  return new Error(
    `${displayPath(info.path)}: the workflow of chunk ${index} ended ${outcome.status}${detail === '' ? '' : ` (${detail})`}`,
  );
}

/**
 * The error to report for a clip whose chunks failed: an unreachable service explains everything after
 * it, bad input comes next; otherwise the first failure (the one that aborted the others).
 */
function mostTelling(failures: readonly unknown[], first: unknown): unknown {
  return (
    failures.find((error) => error instanceof ServiceUnavailableError) ??
    failures.find((error) => error instanceof BadInputError) ??
    first ??
    failures[0]
  );
}

/** The same for set-up (no clip yet); missing credentials are a set-up problem the user fixes. */
function unreachableAtStart(error: unknown, service: string, where: string): unknown {
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return new BadInputError(
      `distributed runner: no AWS credentials for the ${service} endpoint (${where}): set them in the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; LocalStack accepts any) or an AWS profile`,
    );
  }
  return unreachable(error, 'distributed runner', service, where);
}

/** What the chunks decoded to, summarised as the whole-clip decoder does. */
function decodeSummaryOf(info: MediaInfo, documents: readonly ChunkResultDocument[]): DecodeSummary {
  let videoFrames = 0;
  let audioSamples = 0;
  let lastPtsSec = Number.NEGATIVE_INFINITY;
  let audioEndSec = 0;
  for (const { media } of documents) {
    videoFrames += media.videoFrames;
    audioSamples += media.audioSamples;
    if (media.lastPtsSec !== null) lastPtsSec = Math.max(lastPtsSec, media.lastPtsSec);
    if (media.audioEndSec !== null) audioEndSec = Math.max(audioEndSec, media.audioEndSec);
  }
  const frameSec = info.video && info.video.fps > 0 ? 1 / info.video.fps : 0;
  const videoEndSec = videoFrames > 0 ? lastPtsSec + frameSec : 0;
  const decodedDurationSec = roundMicros(Math.max(videoEndSec, audioEndSec));
  return {
    decodedDurationSec,
    containerDurationSec: info.durationSec,
    truncated: decodedDurationSec < info.durationSec - Math.max(0.5, 2 * frameSec),
    videoFrames,
    audioSamples,
  };
}

/** Deletes every object under `prefix` (uncounted clean-up, bounded in time, never throws). */
async function sweep(store: ObjectStore, prefix: string): Promise<void> {
  const work = (async () => {
    const keys = await store.list(prefix);
    if (keys.length > 0) await store.deleteMany(keys);
  })().catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, SWEEP_TIMEOUT_MS)))]);
  clearTimeout(timer);
}
