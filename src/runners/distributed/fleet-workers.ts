import { setTimeout as sleep } from 'node:timers/promises';
import { type ActivityListItem, ListActivitiesCommand, type SFNClient } from '@aws-sdk/client-sfn';
import {
  type DistributedSettings,
  detectPoolSize,
  type ExternalWorkersEndpoints,
  fleetActivityPrefix,
} from './distributed-settings.ts';
import { resourceName } from './orchestrator.ts';
import { startWorkerPools, type WorkerPoolSpec, type WorkerPools } from './worker-pool.ts';
import { roleLabelOf, type WorkerDetectorSpec, type WorkerRole } from './worker-protocol.ts';

/**
 * Worker pools started apart from any run (`archbench worker`, on this host or another) that serve the
 * activities of a fleet (`archbench-<fleet>-convert`, `-detect-<detector>`, `-aggregate`), which a run
 * started with `--workers external --fleet <fleet>` creates. They wait until the activities exist, serve
 * them until the run deletes them (or its endpoint goes away), then wait for the next run. Each worker
 * writes its task counts to the run's bucket as telemetry objects, since the run has no IPC to them.
 */

export interface FleetWorkersOptions {
  /** Client of the run's Step Functions endpoint (ListActivities). */
  readonly sfn: SFNClient;
  readonly fleet: string;
  /** Activities to serve. */
  readonly roles: readonly WorkerRole[];
  /** Where the workers reach S3, Step Functions and the run's bucket. */
  readonly where: ExternalWorkersEndpoints;
  /** Pool sizes, memory sizes and heartbeat of the workers. */
  readonly distributed: DistributedSettings;
  /** Every detector of the run, in order (as the run resolves them). */
  readonly detectors: readonly WorkerDetectorSpec[];
  /** File URL of the module that builds detector ports in each worker. */
  readonly detectorPortsModule: string;
  /** Ends serving: the pools are stopped and the promise resolves. */
  readonly signal: AbortSignal;
  /** Progress lines. */
  readonly log: (line: string) => void;
}

/** Wait between two ListActivities while the fleet's activities do not exist, ms. */
const WAIT_FOR_ACTIVITIES_MS = 1_000;
/** Wait between two ListActivities while serving (to notice the run deleted them), ms. */
const WATCH_ACTIVITIES_MS = 2_000;
/** Longest wait after a failed ListActivities (endpoint not up or gone), ms. */
const LIST_RETRY_MAX_MS = 5_000;

/** Serves the fleet's activities run after run until `signal` aborts. */
export async function serveFleet(options: FleetWorkersOptions): Promise<void> {
  const { sfn, fleet, roles, signal } = options;
  const names = roles.map((role) => activityNameOf(fleet, role));
  const where = `${names.join(', ')} at ${options.where.stepFunctions.endpoint ?? `AWS ${options.where.stepFunctions.region}`}`;
  let pools: WorkerPools | undefined;
  try {
    while (!signal.aborted) {
      options.log(`waiting for activities ${where}`);
      const arns = await waitForActivities(sfn, names, signal);
      if (arns === undefined) break;
      let poolFailed: Error | undefined;
      const specs = roles.map(
        (role): WorkerPoolSpec => ({
          role,
          size: poolSizeOf(options.distributed, role),
          settings: workerSettings(options, role, arns.get(activityNameOf(fleet, role)) ?? ''),
        }),
      );
      pools = await startWorkerPools(specs, {
        onMessage: () => {},
        onPoolFailed: (error) => {
          poolFailed = error;
        },
        replaceCleanExits: false,
      });
      options.log(`serving fleet ${fleet} with ${pools.workers.length} worker process(es)`);
      // Serve until the run deletes the activities (or a pool keeps crashing), then wait for the next run.
      let failedLists = 0;
      while (!signal.aborted && poolFailed === undefined) {
        await pause(WATCH_ACTIVITIES_MS, signal);
        if (signal.aborted) break;
        const current = await listActivities(sfn).catch(() => undefined);
        // Unreachable twice in a row: the run's endpoint is gone (an embedded run ended).
        failedLists = current === undefined ? failedLists + 1 : 0;
        if (failedLists >= 2) break;
        if (current !== undefined && names.some((name) => !current.has(name))) break;
      }
      if (poolFailed !== undefined) options.log(poolFailed.message);
      await pools.stop();
      pools = undefined;
    }
  } finally {
    await pools?.stop();
  }
}

/** `archbench-<fleet>-convert`, `-detect-<detector>`, `-aggregate`: as the runner names them. */
export function activityNameOf(fleet: string, role: WorkerRole): string {
  return resourceName(fleetActivityPrefix(fleet), roleLabelOf(role));
}

function poolSizeOf(settings: DistributedSettings, role: WorkerRole): number {
  if (role.kind === 'detect') return detectPoolSize(settings, role.detector);
  return settings.pools[role.kind];
}

function workerSettings(
  options: FleetWorkersOptions,
  role: WorkerRole,
  activityArn: string,
): WorkerPoolSpec['settings'] {
  const { distributed, where } = options;
  return {
    activityArn,
    stepFunctions: where.stepFunctions,
    s3: where.s3,
    bucket: where.bucket,
    memoryMb: role.kind === 'detect' ? distributed.memoryMb.detect : distributed.memoryMb[role.kind],
    heartbeatIntervalMs: (distributed.heartbeatSec * 1000) / 4,
    detectors: options.detectors,
    detectorModules: [],
    detectorPortsModule: options.detectorPortsModule,
    telemetry: true,
  };
}

/** Activity ARNs by name (every page of ListActivities). */
async function listActivities(sfn: SFNClient): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(
      new ListActivitiesCommand({ maxResults: 1000, ...(nextToken === undefined ? {} : { nextToken }) }),
    );
    for (const activity of page.activities ?? ([] as ActivityListItem[])) {
      if (activity.name !== undefined && activity.activityArn !== undefined) {
        found.set(activity.name, activity.activityArn);
      }
    }
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return found;
}

/** Polls ListActivities (bounded interval) until every name exists; undefined when stopped first. */
async function waitForActivities(
  sfn: SFNClient,
  names: readonly string[],
  signal: AbortSignal,
): Promise<Map<string, string> | undefined> {
  let retryMs = WAIT_FOR_ACTIVITIES_MS;
  while (!signal.aborted) {
    try {
      const found = await listActivities(sfn);
      if (names.every((name) => found.has(name))) return found;
      retryMs = WAIT_FOR_ACTIVITIES_MS;
    } catch {
      // Endpoint not up yet, or gone with the last run: keep waiting, a little longer each time.
      retryMs = Math.min(LIST_RETRY_MAX_MS, retryMs * 2);
    }
    await pause(retryMs, signal);
  }
  return undefined;
}

/** Waits `ms`, or less when `signal` aborts first (never throws). */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return sleep(ms, undefined, { signal }).catch(() => {});
}
