import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceUnavailableError } from '../../core/errors.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../fauxqs-server.ts';
import { createS3Client, createS3ObjectStore } from '../s3-object-store.ts';
import { startLocalStackBackend } from './localstack-backend.ts';
import { startMinioBackend } from './minio-backend.ts';

/**
 * `backend.endpoint` of the container backends: no container is started, the given endpoint is used (here
 * the embedded S3 server stands in for a running MinIO), and an endpoint that does not answer is one
 * ServiceUnavailableError line naming the backend.
 */

let s3Server: EmbeddedS3;
beforeAll(async () => {
  s3Server = await startEmbeddedS3();
}, 30_000);
afterAll(async () => {
  await s3Server?.stop();
});

describe('minio with backend.endpoint', () => {
  it('uses that S3 endpoint with path-style requests and starts an embedded Step Functions endpoint', async () => {
    const url = s3Server.endpoint.endpoint ?? '';
    await using backend = await startMinioBackend({
      runId: 'endpoint-test',
      bucket: 'archbench-endpoint-test',
      settings: { name: 'minio', region: 'us-east-1', confirmed: false, endpoint: url, maxExecutions: 3 },
    });
    expect(backend.s3).toMatchObject({ endpoint: url, forcePathStyle: true });
    expect(backend.maxExecutions).toBe(3);
    const client = createS3Client(backend.s3);
    const store = await createS3ObjectStore({ client, bucket: backend.bucket });
    await store.put('k', new Uint8Array([4, 2]));
    expect(await store.get('k')).toEqual(new Uint8Array([4, 2]));
    client.destroy();
    const sfn = await backend.stepFunctions();
    expect(sfn.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(sfn.endpoint).not.toBe(url);
  }, 30_000);
});

describe('localstack with backend.endpoint that does not answer', () => {
  it('fails with one ServiceUnavailableError line naming the backend and the endpoint', async () => {
    const started = performance.now();
    const error = await startLocalStackBackend({
      runId: 'unreachable',
      bucket: 'archbench-unreachable',
      settings: { name: 'localstack', region: 'us-east-1', confirmed: false, endpoint: 'http://127.0.0.1:9' },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toMatch(
      /^localstack backend: cannot create bucket archbench-unreachable at http:\/\/127\.0\.0\.1:9: /,
    );
    expect((error as Error).message).not.toContain('\n');
    expect(performance.now() - started).toBeLessThan(20_000);
  }, 30_000);
});
