import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { CreateActivityCommand, GetActivityTaskCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../core/errors.ts';
import { spawnTracked } from '../child-processes.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../fauxqs-server.ts';
import {
  type EmbeddedStepFunctions,
  startEmbeddedStepFunctions,
} from '../local-step-functions/local-step-functions-server.ts';
import { createS3Client, createS3ObjectStore } from '../s3-object-store.ts';
import {
  type AwsEndpoints,
  awsBucketName,
  checkAwsRunAllowed,
  createAwsBackend,
  RUN_TAG_KEY,
  runResourcePrefix,
} from './aws-backend.ts';
import type { BackendSettings } from './backend.ts';

/** The aws backend's naming, refusals and clean-up, with its SDK clients pointed at the embedded servers. */

const ROLE = 'arn:aws:iam::123456789012:role/archbench-test';
const settings: BackendSettings = { name: 'aws', region: 'us-east-1', roleArn: ROLE, confirmed: true };
const VALID_BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

describe('awsBucketName', () => {
  it('derives a valid S3 bucket name from the run id', () => {
    expect(awsBucketName('run-20261126T131849-a1b2c3')).toBe('archbench-run-20261126t131849-a1b2c3');
    const odd = awsBucketName('Run__With..Odd  Chars--');
    expect(odd).toMatch(VALID_BUCKET);
    expect(odd).toBe('archbench-run-with-odd-chars');
    const long = awsBucketName(`run-${'x'.repeat(100)}-`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(VALID_BUCKET);
  });
});

describe('checkAwsRunAllowed', () => {
  it('needs backend.roleArn and --yes, each refused with one line', () => {
    const { roleArn: _, ...withoutRole } = settings;
    expect(() => checkAwsRunAllowed(withoutRole)).toThrow(BadInputError);
    expect(() => checkAwsRunAllowed(withoutRole)).toThrow(/backend\.roleArn/);
    expect(() => checkAwsRunAllowed({ ...settings, confirmed: false })).toThrow(/without --yes/);
    expect(checkAwsRunAllowed(settings)).toBe(ROLE);
  });
});

describe('aws backend against the embedded servers', () => {
  let s3Server: EmbeddedS3;
  let sfnServer: EmbeddedStepFunctions;
  let endpoints: AwsEndpoints;

  beforeAll(async () => {
    [s3Server, sfnServer] = await Promise.all([startEmbeddedS3(), startEmbeddedStepFunctions()]);
    endpoints = { s3: s3Server.endpoint, stepFunctions: sfnServer.endpoint };
  }, 60_000);
  afterAll(async () => {
    await Promise.all([s3Server?.stop(), sfnServer?.stop()]);
  });

  async function bucketExists(bucket: string): Promise<boolean> {
    const client = createS3Client(endpoints.s3);
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
      return true;
    } catch {
      return false;
    } finally {
      client.destroy();
    }
  }

  function sfnClient(): SFNClient {
    const { endpoint, region, credentials } = endpoints.stepFunctions;
    return new SFNClient({
      region,
      ...(endpoint ? { endpoint } : {}),
      ...(credentials ? { credentials } : {}),
    });
  }

  it('refuses without --yes before creating anything', async () => {
    const runId = `refused-${randomBytes(3).toString('hex')}`;
    await expect(
      createAwsBackend({ runId, bucket: 'x', settings: { ...settings, confirmed: false } }, endpoints),
    ).rejects.toThrow(/without --yes/);
    expect(await bucketExists(awsBucketName(runId))).toBe(false);
  });

  it('creates its own bucket, then deletes its objects, the bucket and its leftover activities when disposed', async () => {
    const runId = `run-${randomBytes(3).toString('hex')}`;
    const sfn = sfnClient();
    const backend = await createAwsBackend({ runId, bucket: 'archbench', settings }, endpoints);
    expect(backend.bucket).toBe(awsBucketName(runId));
    expect(backend.tags).toEqual({ [RUN_TAG_KEY]: runId });
    expect(backend.roleArn).toBe(ROLE);

    // (fauxqs accepts PutBucketTagging but does not keep tags, so the tag itself is not read back here.)
    const client = createS3Client(backend.s3);
    const store = await createS3ObjectStore({ client, bucket: backend.bucket });
    for (let index = 0; index < 5; index++) await store.put(`tmp/${runId}/${index}`, new Uint8Array([index]));
    client.destroy();

    // What a runner that never cleaned up would leave, and a resource of another run.
    const ours = await sfn.send(new CreateActivityCommand({ name: `${runResourcePrefix(runId)}-convert` }));
    const theirs = await sfn.send(
      new CreateActivityCommand({ name: `${runResourcePrefix(`${runId}0`)}-convert` }),
    );

    await backend[Symbol.asyncDispose]();
    expect(await bucketExists(backend.bucket)).toBe(false);
    await expect(
      sfn.send(new GetActivityTaskCommand({ activityArn: ours.activityArn })),
    ).rejects.toMatchObject({ name: 'ActivityDoesNotExist' });
    // The other run's activity is still there: a poll of it returns (empty) instead of failing.
    const poll = sfn.send(new GetActivityTaskCommand({ activityArn: theirs.activityArn }), {
      abortSignal: AbortSignal.timeout(300),
    });
    await expect(poll).rejects.toMatchObject({ name: expect.stringMatching(/Abort/) });
    sfn.destroy();
  }, 30_000);

  it('deletes the bucket when SIGTERM ends the process (exit 143)', async () => {
    const runId = `signal-${randomBytes(3).toString('hex')}`;
    const child = spawnTracked(
      process.execPath,
      [fileURLToPath(new URL('./aws-backend-signal-fixture.ts', import.meta.url))],
      {
        env: {
          ...process.env,
          ARCHBENCH_FIXTURE_ENDPOINTS: JSON.stringify(endpoints),
          ARCHBENCH_FIXTURE_RUN_ID: runId,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.on('data', (piece: Buffer) => {
      stderr += piece.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ready = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (piece: Buffer) => {
        out += piece.toString();
        const match = /ready (\S+)\n/.exec(out);
        if (match?.[1] !== undefined) resolve(match[1]);
      });
      child.once('exit', () => reject(new Error(`fixture exited early: ${stderr}`)));
    });
    expect(ready).toBe(awsBucketName(runId));
    expect(await bucketExists(ready)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(await bucketExists(ready)).toBe(false);
  }, 30_000);
});
