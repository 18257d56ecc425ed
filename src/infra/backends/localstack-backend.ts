import type { S3Endpoint } from '../s3-object-store.ts';
import type { SfnEndpointSettings } from '../sfn-endpoint.ts';
import { type Backend, type BackendStartOptions, EMULATOR_ROLE_ARN } from './backend.ts';
import { containerStartError, createBucketAt, requireContainerRuntime } from './container-runtime.ts';

/**
 * The one place the LocalStack image is pinned. 4.14.0 (2026-02-26) is the last release of the free
 * Community image: from 2026.03 on, `localstack/localstack` is one image that refuses to start without an
 * auth token. A newer tag works too when LOCALSTACK_AUTH_TOKEN is set (it is passed on when present).
 */
export const LOCALSTACK_IMAGE = 'localstack/localstack:4.14.0';

/** LocalStack checks no credentials; these are the ones its documentation uses. */
const LOCALSTACK_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/**
 * LocalStack for S3 and Step Functions, from one container started with testcontainers (or, with
 * `backend.endpoint`, one already running elsewhere: then nothing is started or stopped here). The
 * container goes away when the run ends.
 */
export async function startLocalStackBackend(options: BackendStartOptions): Promise<Backend> {
  const { settings } = options;
  let endpointUrl = settings.endpoint;
  let stop = async (): Promise<void> => {};
  if (endpointUrl === undefined) {
    await requireContainerRuntime('localstack', 'set backend.endpoint to a running LocalStack');
    const { LocalstackContainer } = await import('@testcontainers/localstack');
    const token = process.env.LOCALSTACK_AUTH_TOKEN;
    const container = new LocalstackContainer(LOCALSTACK_IMAGE).withEnvironment({
      SERVICES: 's3,stepfunctions',
      ...(token === undefined || token === '' ? {} : { LOCALSTACK_AUTH_TOKEN: token }),
    });
    const started = await container.start().catch((error: unknown) => {
      throw containerStartError('localstack', LOCALSTACK_IMAGE, error);
    });
    endpointUrl = started.getConnectionUri();
    stop = async () => {
      await started.stop();
    };
  }
  const s3: S3Endpoint = {
    endpoint: endpointUrl,
    region: settings.region,
    forcePathStyle: true,
    credentials: { ...LOCALSTACK_CREDENTIALS },
  };
  const stepFunctions: SfnEndpointSettings = {
    endpoint: endpointUrl,
    region: settings.region,
    credentials: { ...LOCALSTACK_CREDENTIALS },
  };
  try {
    await createBucketAt('localstack', s3, options.bucket);
  } catch (error) {
    await stop();
    throw error;
  }
  let stopped: Promise<void> | undefined;
  return {
    name: 'localstack',
    description: `localstack: S3 and Step Functions at ${endpointUrl}${settings.endpoint === undefined ? ` (${LOCALSTACK_IMAGE})` : ''}`,
    s3,
    bucket: options.bucket,
    roleArn: settings.roleArn ?? EMULATOR_ROLE_ARN,
    tags: { 'archbench:run': options.runId },
    ...(settings.maxExecutions === undefined ? {} : { maxExecutions: settings.maxExecutions }),
    async stepFunctions() {
      return stepFunctions;
    },
    [Symbol.asyncDispose]() {
      stopped ??= stop();
      return stopped;
    },
  };
}
