/**
 * Test fixture of aws-backend.test.ts (not part of the CLI): starts the aws backend against the endpoints
 * in ARCHBENCH_FIXTURE_ENDPOINTS (JSON), puts one object, prints `ready <bucket>` and waits for a signal.
 */

import { createS3Client, createS3ObjectStore } from '../s3-object-store.ts';
import { createAwsBackend } from './aws-backend.ts';

const endpoints = JSON.parse(process.env.ARCHBENCH_FIXTURE_ENDPOINTS ?? '{}');
const runId = process.env.ARCHBENCH_FIXTURE_RUN_ID ?? 'fixture';
const backend = await createAwsBackend(
  {
    runId,
    bucket: 'unused',
    settings: {
      name: 'aws',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::123456789012:role/fixture',
      confirmed: true,
    },
  },
  endpoints,
);
const client = createS3Client(backend.s3);
const store = await createS3ObjectStore({ client, bucket: backend.bucket });
await store.put('tmp/object', new Uint8Array([1, 2, 3]));
client.destroy();
process.stdout.write(`ready ${backend.bucket}\n`);
// Keeps the process alive until a signal ends it (the backend's clean-up must then run).
setInterval(() => {}, 60_000);
