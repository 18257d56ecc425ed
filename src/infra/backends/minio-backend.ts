import {
  type EmbeddedStepFunctions,
  startEmbeddedStepFunctions,
} from '../local-step-functions/local-step-functions-server.ts';
import type { S3Endpoint } from '../s3-object-store.ts';
import type { SfnEndpointSettings } from '../sfn-endpoint.ts';
import { type Backend, type BackendStartOptions, EMULATOR_ROLE_ARN } from './backend.ts';
import { containerStartError, createBucketAt, requireContainerRuntime } from './container-runtime.ts';

/**
 * The one place the MinIO image is pinned: the last community release MinIO published as an image
 * (source-only since October 2025), from Quay, which still serves it after the Docker Hub repository
 * was removed in September 2026.
 */
export const MINIO_IMAGE = 'quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z';

/** Root user of a container started here (the testcontainers module's fixed default). */
const MINIO_CONTAINER_CREDENTIALS = { accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' } as const;

/**
 * MinIO for S3 (a container started with testcontainers, or with `backend.endpoint` one already
 * running, reached with MINIO_ACCESS_KEY / MINIO_SECRET_KEY from the environment) and the embedded Step
 * Functions endpoint for orchestration, started on first use.
 */
export async function startMinioBackend(options: BackendStartOptions): Promise<Backend> {
  const { settings } = options;
  let s3: S3Endpoint;
  let stopS3 = async (): Promise<void> => {};
  if (settings.endpoint !== undefined) {
    s3 = {
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: true,
      credentials: {
        accessKeyId: process.env.MINIO_ACCESS_KEY ?? MINIO_CONTAINER_CREDENTIALS.accessKeyId,
        secretAccessKey: process.env.MINIO_SECRET_KEY ?? MINIO_CONTAINER_CREDENTIALS.secretAccessKey,
      },
    };
  } else {
    await requireContainerRuntime('minio', 'set backend.endpoint to a running MinIO');
    const { MinioContainer } = await import('@testcontainers/minio');
    const started = await new MinioContainer(MINIO_IMAGE)
      .withUsername(MINIO_CONTAINER_CREDENTIALS.accessKeyId)
      .withPassword(MINIO_CONTAINER_CREDENTIALS.secretAccessKey)
      .start()
      .catch((error: unknown) => {
        throw containerStartError('minio', MINIO_IMAGE, error);
      });
    s3 = {
      endpoint: started.getConnectionUrl(),
      region: settings.region,
      forcePathStyle: true,
      credentials: { accessKeyId: started.getUsername(), secretAccessKey: started.getPassword() },
    };
    stopS3 = async () => {
      await started.stop();
    };
  }
  let sfn: Promise<EmbeddedStepFunctions> | undefined;
  let stopped: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    const startedSfn = sfn;
    sfn = undefined;
    await Promise.all([
      stopS3(),
      startedSfn?.then(
        (server) => server.stop(),
        () => {},
      ),
    ]);
  };
  try {
    await createBucketAt('minio', s3, options.bucket);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: 'minio',
    description: `minio: S3 at ${s3.endpoint}, Step Functions embedded on 127.0.0.1`,
    s3,
    bucket: options.bucket,
    roleArn: settings.roleArn ?? EMULATOR_ROLE_ARN,
    tags: { 'archbench:run': options.runId },
    ...(settings.maxExecutions === undefined ? {} : { maxExecutions: settings.maxExecutions }),
    async stepFunctions(): Promise<SfnEndpointSettings> {
      sfn ??= startEmbeddedStepFunctions();
      return (await sfn).endpoint;
    },
    [Symbol.asyncDispose]() {
      stopped ??= stop();
      return stopped;
    },
  };
}
