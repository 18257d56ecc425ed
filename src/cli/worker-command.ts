import { SFNClient } from '@aws-sdk/client-sfn';
import { BadInputError } from '../core/errors.ts';
import type { HarnessConfig } from '../harness/config.ts';
import { resolveDetectors } from '../harness/detectors.ts';
import { loadConfig } from '../harness/load-config.ts';
import { loadScenario } from '../harness/load-scenario.ts';
import { scenarioConfig } from '../harness/run-bench.ts';
import { backendNames, isBackendName } from '../infra/backends/registry.ts';
import { DETECTOR_PORTS_MODULE } from '../infra/detector-ports.ts';
import { createS3Client, type S3Endpoint } from '../infra/s3-object-store.ts';
import {
  type SfnEndpointSettings,
  type StaticCredentials,
  sfnClientConfig,
  staticCredentialsOf,
} from '../infra/sfn-endpoint.ts';
import {
  DEFAULT_FLEET,
  type ExternalWorkersEndpoints,
  type ExternalWorkersSettings,
  isFleetName,
  type WorkflowShape,
} from '../runners/distributed/distributed-settings.ts';
import { serveFleet } from '../runners/distributed/fleet-workers.ts';
import type { WorkerRole } from '../runners/distributed/worker-protocol.ts';
import { type CommandIo, processIo } from './io.ts';

/**
 * `archbench worker`: worker pools started apart from the run (on this host or another) that serve the
 * activities of a fleet (`archbench-<fleet>-convert`, `-detect-<detector>`, `-aggregate`), which a run
 * started with `--workers external --fleet <fleet>` creates. The workers are the runner's own worker
 * processes (worker-main.ts); since the runner has no IPC to them, each writes its task's counts to the
 * run's bucket as a telemetry object. Between runs the command waits for the activities to exist again.
 */

export interface WorkerCommandOptions {
  /** Backend the run uses; default the config's. Every backend but `aws` needs both endpoint URLs. */
  readonly backend?: string;
  /** `all`, `convert`, `aggregate`, `detect-<detector>` or a detector name. */
  readonly activity: string;
  readonly fleet?: string;
  readonly config?: string;
  /** Scenario whose overrides (detectors, pool sizes) apply, as in `archbench bench --scenario`. */
  readonly scenario?: string;
  readonly s3Endpoint?: string;
  readonly sfnEndpoint?: string;
  /** Region of the endpoints (default the config's `backend.region`). */
  readonly region?: string;
  /** The run's bucket (default the config's `s3.bucket`). */
  readonly bucket?: string;
}

/**
 * Runs until SIGINT or SIGTERM (exit 130 or 143; the worker processes are stopped first). Bad arguments
 * throw a BadInputError before anything starts (one line, exit 2).
 */
export async function worker(options: WorkerCommandOptions, io: CommandIo = processIo): Promise<number> {
  const fleet = options.fleet ?? DEFAULT_FLEET;
  if (!isFleetName(fleet)) {
    throw new BadInputError(`--fleet ${fleet}: use 1 to 32 letters, digits, '-' or '_'`);
  }
  const base = await loadConfig(options.config);
  const config =
    options.scenario === undefined ? base : scenarioConfig(base, await loadScenario(options.scenario));
  const backend = options.backend ?? config.backend.name;
  if (!isBackendName(backend)) {
    throw new BadInputError(
      `--backend ${backend}: unknown backend (choose from: ${backendNames.join(', ')})`,
    );
  }
  const s3Url = endpointUrl('--s3-endpoint', options.s3Endpoint);
  const sfnUrl = endpointUrl('--sfn-endpoint', options.sfnEndpoint);
  if (backend !== 'aws' && (s3Url === undefined || sfnUrl === undefined)) {
    throw new BadInputError(
      `--backend ${backend}: give --s3-endpoint and --sfn-endpoint (the run prints the worker command with them)`,
    );
  }
  const detectors = resolveDetectors(config.detectors);
  const roles = parseActivity(
    options.activity,
    detectors.map((detector) => detector.name),
    config.distributed.shape,
  );
  const region = options.region ?? config.backend.region;
  const bucket = options.bucket ?? config.s3.bucket;

  const s3 = await withCredentials<S3Endpoint>({
    region,
    forcePathStyle: s3Url !== undefined,
    ...(s3Url === undefined ? {} : { endpoint: s3Url }),
  });
  const stepFunctions = await withCredentials<SfnEndpointSettings>({
    region,
    ...(sfnUrl === undefined ? {} : { endpoint: sfnUrl }),
  });
  const sfn = new SFNClient(sfnClientConfig(stepFunctions));

  const stop = new AbortController();
  let exitCode = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    exitCode = signal === 'SIGINT' ? 130 : 143;
    stop.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await serveFleet({
      sfn,
      fleet,
      roles,
      where: { s3, stepFunctions, bucket, fleet },
      distributed: config.distributed,
      detectors: detectors.map((detector) => ({ name: detector.name, params: detector.params })),
      detectorPortsModule: DETECTOR_PORTS_MODULE,
      signal: stop.signal,
      log: (line) => io.err(`archbench worker: ${line}\n`),
    });
  } finally {
    sfn.destroy();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

/** The `archbench worker` command that serves a run with `--workers external`, quoted for a POSIX shell. */
export function workerCommandLine(
  where: ExternalWorkersEndpoints,
  invocation: { readonly backend: string; readonly config?: string; readonly scenario?: string },
  defaults: { readonly region: string; readonly bucket: string },
): string {
  const args = [
    'archbench',
    'worker',
    '--backend',
    invocation.backend,
    '--activity',
    'all',
    '--fleet',
    where.fleet,
  ];
  if (invocation.config !== undefined) args.push('--config', invocation.config);
  if (invocation.scenario !== undefined) args.push('--scenario', invocation.scenario);
  if (where.s3.endpoint !== undefined) args.push('--s3-endpoint', where.s3.endpoint);
  if (where.stepFunctions.endpoint !== undefined) args.push('--sfn-endpoint', where.stepFunctions.endpoint);
  if (where.stepFunctions.region !== defaults.region) args.push('--region', where.stepFunctions.region);
  if (where.bucket !== defaults.bucket) args.push('--bucket', where.bucket);
  return args
    .map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

/**
 * `--activity`: `all`, `convert`, `aggregate`, `detect-<detector>` or a detector name of the run; with the
 * function-per-chunk shape, `all` or `analyze`.
 */
export function parseActivity(
  value: string,
  detectorNames: readonly string[],
  shape: WorkflowShape = 'stages',
): WorkerRole[] {
  if (shape === 'function-per-chunk') {
    if (value === 'all' || value === 'analyze') return [{ kind: 'analyze' }];
    throw new BadInputError(
      `--activity ${value}: the function-per-chunk workflow has one activity (choose from: all, analyze)`,
    );
  }
  const detect = (detector: string): WorkerRole => ({ kind: 'detect', detector });
  if (value === 'all') return [{ kind: 'convert' }, ...detectorNames.map(detect), { kind: 'aggregate' }];
  if (value === 'convert' || value === 'aggregate') return [{ kind: value }];
  const detector = value.startsWith('detect-') ? value.slice('detect-'.length) : value;
  if (detectorNames.includes(detector)) return [detect(detector)];
  throw new BadInputError(
    `--activity ${value}: unknown activity (choose from: all, convert, aggregate, ${detectorNames.map((name) => `detect-${name}`).join(', ')})`,
  );
}

function endpointUrl(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new BadInputError(`${flag} ${value}: not a URL (e.g. http://127.0.0.1:4566)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new BadInputError(`${flag} ${value}: use an http or https URL`);
  }
  return value;
}

/**
 * Static credentials for the workers (they get none from the environment): the SDK's default chain, or
 * for an emulator endpoint without AWS credentials in the environment, dummy ones (emulators check none).
 */
async function withCredentials<T extends { readonly endpoint?: string; readonly region: string }>(
  endpoint: T,
): Promise<T & { credentials: StaticCredentials }> {
  if (endpoint.endpoint !== undefined && process.env.AWS_ACCESS_KEY_ID === undefined) {
    return { ...endpoint, credentials: { accessKeyId: 'archbench', secretAccessKey: 'archbench-worker' } };
  }
  const client = createS3Client({ region: endpoint.region, forcePathStyle: false });
  try {
    return { ...endpoint, credentials: await staticCredentialsOf(client) };
  } catch (error) {
    throw new BadInputError(
      `no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or a profile (${error instanceof Error ? error.message : String(error)})`,
    );
  } finally {
    client.destroy();
  }
}

/**
 * `--workers pool|external` and `--fleet` of `analyze` and `bench`: the runner's settings for external
 * workers (undefined for its own pools). Once the run's activities exist it prints ONE line on stderr with
 * the `archbench worker` command to start; executions wait for workers up to the tasks' TimeoutSeconds.
 */
export function externalWorkersFrom(
  options: { readonly workers?: string; readonly fleet?: string },
  config: HarnessConfig,
  invocation: { readonly config?: string; readonly scenario?: string },
  io: CommandIo,
): ExternalWorkersSettings | undefined {
  const mode = options.workers ?? 'pool';
  if (mode !== 'pool' && mode !== 'external') {
    throw new BadInputError(`--workers ${mode}: choose pool or external`);
  }
  if (mode === 'pool') {
    if (options.fleet !== undefined) throw new BadInputError('--fleet: only with --workers external');
    return undefined;
  }
  const fleet = options.fleet ?? DEFAULT_FLEET;
  if (!isFleetName(fleet)) {
    throw new BadInputError(`--fleet ${fleet}: use 1 to 32 letters, digits, '-' or '_'`);
  }
  return {
    fleet,
    onWaiting: (where) => {
      const command = workerCommandLine(
        where,
        { backend: config.backend.name, ...invocation },
        { region: config.backend.region, bucket: config.s3.bucket },
      );
      io.err(
        `archbench: waiting for external workers (each task times out after ${config.distributed.taskTimeoutSec} s); start them with: ${command}\n`,
      );
    },
  };
}
