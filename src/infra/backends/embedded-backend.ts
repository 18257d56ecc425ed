import { startEmbeddedS3 } from '../fauxqs-server.ts';
import {
  type EmbeddedStepFunctions,
  startEmbeddedStepFunctions,
} from '../local-step-functions/local-step-functions-server.ts';
import { createS3Client, createS3ObjectStore, type S3Endpoint } from '../s3-object-store.ts';
import type { SfnEndpointSettings } from '../sfn-endpoint.ts';
import { type Backend, type BackendStartOptions, EMULATOR_ROLE_ARN } from './backend.ts';

/**
 * The default backend: fauxqs and the embedded Step Functions endpoint, each a child process on
 * 127.0.0.1 (so their CPU is not charged to the process under measurement), gone when the run ends.
 */
export async function startEmbeddedBackend(options: BackendStartOptions): Promise<Backend> {
  const s3 = await startEmbeddedS3();
  let sfn: Promise<EmbeddedStepFunctions> | undefined;
  const stop = async (): Promise<void> => {
    const started = sfn;
    sfn = undefined;
    await Promise.all([
      s3.stop(),
      started?.then(
        (server) => server.stop(),
        () => {},
      ),
    ]);
  };
  try {
    await createBucket(s3.endpoint, options.bucket);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    name: 'embedded',
    description: `embedded: fauxqs at ${s3.endpoint.endpoint}, Step Functions on 127.0.0.1`,
    s3: s3.endpoint,
    bucket: options.bucket,
    roleArn: options.settings.roleArn ?? EMULATOR_ROLE_ARN,
    tags: { 'archbench:run': options.runId },
    ...(options.settings.maxExecutions === undefined
      ? {}
      : { maxExecutions: options.settings.maxExecutions }),
    async stepFunctions(): Promise<SfnEndpointSettings> {
      sfn ??= startEmbeddedStepFunctions();
      return (await sfn).endpoint;
    },
    [Symbol.asyncDispose]: stop,
  };
}

/** Creates the run's bucket with an uncounted client: setting up is not part of either design's cost. */
export async function createBucket(endpoint: S3Endpoint, bucket: string): Promise<void> {
  const client = createS3Client(endpoint);
  try {
    await createS3ObjectStore({ client, bucket, create: true });
  } finally {
    client.destroy();
  }
}
