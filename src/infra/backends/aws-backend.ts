import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutBucketTaggingCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  DeleteActivityCommand,
  DeleteStateMachineCommand,
  ListActivitiesCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { BadInputError, ServiceUnavailableError } from '../../core/errors.ts';
import { onSignalExit } from '../child-processes.ts';
import { createS3Client, type S3Endpoint } from '../s3-object-store.ts';
import type { SfnEndpointSettings } from '../sfn-endpoint.ts';
import type { Backend, BackendStartOptions } from './backend.ts';
import { createBucket } from './embedded-backend.ts';

/**
 * Real AWS: the SDK's default credential chain and `backend.region`. The run creates its own bucket, and
 * the distributed runner its activities and state machine, all named after the run id and tagged
 * `archbench:run=<runId>`; at the end (also after a failure, SIGINT or SIGTERM) every object, the bucket
 * and any activity or state machine left under the run's prefix are deleted. Billable, so it starts only
 * when the run was confirmed (`--yes`) and needs `backend.roleArn`.
 */

/** Tag key on everything a run creates; its value is the run id. */
export const RUN_TAG_KEY = 'archbench:run';

/** Longest a clean-up request may take before it is given up, ms. */
const CLEANUP_TIMEOUT_MS = 15_000;
/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH_KEYS = 1000;

/** Prefix of the Step Functions resources a run creates (the distributed runner's `namePrefix`). */
export function runResourcePrefix(runId: string): string {
  return `archbench-${runId}`;
}

/**
 * The run's own bucket: `archbench-<runId>` lower-cased, characters S3 rejects turned into `-`, at most
 * 63 characters, starting and ending with a letter or digit (a valid S3 bucket name).
 */
export function awsBucketName(runId: string): string {
  const name = `archbench-${runId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
  return name.length >= 3 ? name : `archbench-${name}`.slice(0, 63);
}

/** Where the aws backend sends its requests (real AWS leaves out the endpoints; tests point them elsewhere). */
export interface AwsEndpoints {
  readonly s3: S3Endpoint;
  readonly stepFunctions: SfnEndpointSettings;
}

/** Starts the aws backend against real AWS in `backend.region`. */
export function startAwsBackend(options: BackendStartOptions): Promise<Backend> {
  const region = options.settings.region;
  return createAwsBackend(options, { s3: { region, forcePathStyle: false }, stepFunctions: { region } });
}

/**
 * The aws backend against `endpoints`: checks the run is allowed to create resources, creates and tags the
 * bucket, and deletes everything under the run's names when disposed or when a signal ends the process.
 */
export async function createAwsBackend(
  options: BackendStartOptions,
  endpoints: AwsEndpoints,
): Promise<Backend> {
  const { settings, runId } = options;
  const roleArn = checkAwsRunAllowed(settings);
  const bucket = awsBucketName(runId);
  const tags = { [RUN_TAG_KEY]: runId };
  const cleanUp = (): Promise<void> => cleanUpAwsRun(endpoints, runId, bucket);
  // Registered before anything exists, so a signal during creation still deletes what was made.
  const signalCleanup = onSignalExit(cleanUp);
  try {
    await createBucket(endpoints.s3, bucket);
    const s3 = createS3Client(endpoints.s3);
    try {
      await s3.send(
        new PutBucketTaggingCommand({
          Bucket: bucket,
          Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
        }),
      );
    } finally {
      s3.destroy();
    }
  } catch (error) {
    signalCleanup[Symbol.dispose]();
    await cleanUp();
    throw startError(error, bucket, endpoints.s3.region);
  }
  let disposed: Promise<void> | undefined;
  return {
    name: 'aws',
    description: `aws: bucket ${bucket} and Step Functions in ${endpoints.s3.region} (tagged ${RUN_TAG_KEY}=${runId}, deleted at the end)`,
    s3: endpoints.s3,
    bucket,
    roleArn,
    tags,
    ...(settings.maxExecutions === undefined ? {} : { maxExecutions: settings.maxExecutions }),
    async stepFunctions() {
      return endpoints.stepFunctions;
    },
    [Symbol.asyncDispose]() {
      disposed ??= cleanUp().finally(() => signalCleanup[Symbol.dispose]());
      return disposed;
    },
  };
}

/** The role ARN, or one BadInputError line when the run may not create AWS resources. */
export function checkAwsRunAllowed(settings: BackendStartOptions['settings']): string {
  if (settings.roleArn === undefined) {
    throw new BadInputError(
      'aws backend: set backend.roleArn in bench.config.ts (the IAM role the state machine runs as)',
    );
  }
  if (!settings.confirmed) {
    throw new BadInputError('aws backend: refusing to create billable AWS resources without --yes');
  }
  return settings.roleArn;
}

function startError(error: unknown, bucket: string, region: string): Error {
  if (error instanceof BadInputError || error instanceof ServiceUnavailableError) return error;
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return new BadInputError(
      `aws backend: no AWS credentials found (${message}); configure the default chain (AWS_PROFILE, environment, SSO)`,
    );
  }
  return new ServiceUnavailableError(`aws backend: cannot create bucket ${bucket} in ${region}: ${message}`, {
    cause: error,
  });
}

/**
 * Deletes what run `runId` created: running executions of its state machines are stopped, its state
 * machines and activities deleted (found by name prefix, so leftovers of a runner that never cleaned up
 * go too), then every object in its bucket and the bucket. Best effort and never throws: a request that
 * fails leaves a tagged resource behind, named on stderr.
 */
export async function cleanUpAwsRun(endpoints: AwsEndpoints, runId: string, bucket: string): Promise<void> {
  const problems: string[] = [];
  const sfn = new SFNClient({
    region: endpoints.stepFunctions.region,
    ...(endpoints.stepFunctions.endpoint === undefined ? {} : { endpoint: endpoints.stepFunctions.endpoint }),
    ...(endpoints.stepFunctions.credentials === undefined
      ? {}
      : { credentials: { ...endpoints.stepFunctions.credentials } }),
  });
  const s3 = createS3Client(endpoints.s3);
  try {
    await Promise.all([
      sweepStepFunctions(sfn, runResourcePrefix(runId), problems),
      deleteBucket(s3, bucket, problems),
    ]);
  } finally {
    sfn.destroy();
    s3.destroy();
  }
  if (problems.length > 0) {
    process.stderr.write(
      `archbench: aws backend: clean-up incomplete, delete resources tagged ${RUN_TAG_KEY}=${runId} by hand: ${problems.join('; ')}\n`,
    );
  }
}

const timeout = (): { abortSignal: AbortSignal } => ({
  abortSignal: AbortSignal.timeout(CLEANUP_TIMEOUT_MS),
});

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('\n')[0]}` : String(error);
}

/** An endpoint without the List operation (the embedded one lacks some): nothing to sweep through it. */
function unsupported(error: unknown): boolean {
  return error instanceof Error && /UnknownOperation|UnrecognizedClient|NotImplemented/i.test(error.name);
}

async function sweepStepFunctions(sfn: SFNClient, prefix: string, problems: string[]): Promise<void> {
  const ours = (name: string | undefined): boolean =>
    name !== undefined && (name === prefix || name.startsWith(`${prefix}-`));
  const machines: string[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListStateMachinesCommand({ maxResults: 1000, nextToken }), timeout());
      for (const machine of page.stateMachines ?? [])
        if (ours(machine.name)) machines.push(machine.stateMachineArn ?? '');
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  } catch (error) {
    if (!unsupported(error)) problems.push(`ListStateMachines: ${describe(error)}`);
  }
  await Promise.all(
    machines
      .filter((arn) => arn !== '')
      .map(async (stateMachineArn) => {
        await stopRunningExecutions(sfn, stateMachineArn, problems);
        await sfn
          .send(new DeleteStateMachineCommand({ stateMachineArn }), timeout())
          .catch((error: unknown) =>
            problems.push(`DeleteStateMachine ${stateMachineArn}: ${describe(error)}`),
          );
      }),
  );
  const activities: string[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(new ListActivitiesCommand({ maxResults: 1000, nextToken }), timeout());
      for (const activity of page.activities ?? [])
        if (ours(activity.name)) activities.push(activity.activityArn ?? '');
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  } catch (error) {
    if (!unsupported(error)) problems.push(`ListActivities: ${describe(error)}`);
  }
  await Promise.all(
    activities
      .filter((arn) => arn !== '')
      .map((activityArn) =>
        sfn
          .send(new DeleteActivityCommand({ activityArn }), timeout())
          .catch((error: unknown) => problems.push(`DeleteActivity ${activityArn}: ${describe(error)}`)),
      ),
  );
}

/** Running executions keep billing transitions until they end: stop them before deleting the machine. */
async function stopRunningExecutions(
  sfn: SFNClient,
  stateMachineArn: string,
  problems: string[],
): Promise<void> {
  try {
    let nextToken: string | undefined;
    do {
      const page = await sfn.send(
        new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1000, nextToken }),
        timeout(),
      );
      await Promise.all(
        (page.executions ?? []).map((execution) =>
          sfn
            .send(
              new StopExecutionCommand({ executionArn: execution.executionArn, error: 'archbench.CleanUp' }),
              timeout(),
            )
            .catch(() => {}),
        ),
      );
      nextToken = page.nextToken;
    } while (nextToken !== undefined);
  } catch (error) {
    if (!unsupported(error)) problems.push(`ListExecutions ${stateMachineArn}: ${describe(error)}`);
  }
}

async function deleteBucket(s3: S3Client, bucket: string, problems: string[]): Promise<void> {
  try {
    let continuationToken: string | undefined;
    do {
      // Always the first page: deleting what it listed makes the next listing start at the rest.
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: bucket, MaxKeys: DELETE_BATCH_KEYS }),
        timeout(),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
      if (keys.length > 0) {
        await s3.send(
          new DeleteObjectsCommand({
            Bucket: bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
          timeout(),
        );
      }
      continuationToken = page.IsTruncated === true && keys.length > 0 ? 'more' : undefined;
    } while (continuationToken !== undefined);
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }), timeout());
  } catch (error) {
    // Never created (e.g. CreateBucket failed): nothing to delete.
    if (error instanceof Error && error.name === 'NoSuchBucket') return;
    problems.push(`bucket ${bucket}: ${describe(error)}`);
  }
}
