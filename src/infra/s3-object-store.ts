import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  type CreateBucketCommandInput,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { Counters } from '../core/counters.ts';
import { ObjectNotFoundError, type ObjectStore, ObjectStoreError } from './object-store.ts';
import { attachRequestCounter } from './s3-request-counter.ts';

/**
 * Where and how to reach S3. The embedded server, a LocalStack or MinIO container and real AWS differ only
 * in these fields; the client code is the same.
 */
export interface S3Endpoint {
  /** Base URL (`http://127.0.0.1:4566`); omit for real AWS. */
  endpoint?: string;
  region: string;
  /** Bucket in the path (`/bucket/key`) instead of the host name; needed for IP-address endpoints. */
  forcePathStyle: boolean;
  /** Static credentials (emulators); omit to use the SDK's default provider chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** Most connections kept open per host: the SDK's own default, made explicit. */
const MAX_SOCKETS_PER_HOST = 50;

/** DeleteObjects accepts at most this many keys per request. */
const DELETE_BATCH_KEYS = 1000;

/**
 * An S3 client with keep-alive connections (a competent deployment reuses them) and, when `counters` is
 * given, every HTTP request it sends counted into them. Call `client.destroy()` when done: it closes the
 * kept-alive sockets.
 */
export function createS3Client(endpoint: S3Endpoint, counters?: Counters): S3Client {
  const client = new S3Client({
    region: endpoint.region,
    forcePathStyle: endpoint.forcePathStyle,
    ...(endpoint.endpoint === undefined ? {} : { endpoint: endpoint.endpoint }),
    ...(endpoint.credentials === undefined ? {} : { credentials: { ...endpoint.credentials } }),
    // Own agents (rather than the handler's defaults) also keep large PUTs sent with
    // `Expect: 100-continue` on pooled connections; the SDK opens a throwaway agent for those otherwise.
    requestHandler: {
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST }),
    },
  });
  if (counters !== undefined) attachRequestCounter(client, counters);
  return client;
}

export interface S3ObjectStoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Create the bucket first (one CreateBucket request; a bucket this account already owns is fine). */
  readonly create?: boolean;
}

/** An {@link ObjectStore} over one bucket, through `client` (whose requests its middleware counts). */
export async function createS3ObjectStore(options: S3ObjectStoreOptions): Promise<ObjectStore> {
  const { client, bucket } = options;
  if (options.create === true) await createBucket(client, bucket);

  return {
    bucket,

    async put(key, body, contentType) {
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: body,
            ContentLength: body.byteLength,
            ...(contentType === undefined ? {} : { ContentType: contentType }),
          }),
        );
      } catch (error) {
        throw storeError('PutObject', bucket, key, error);
      }
    },

    async get(key) {
      try {
        const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        if (output.Body === undefined) return new Uint8Array(0);
        return await output.Body.transformToByteArray();
      } catch (error) {
        if (errorName(error) === 'NoSuchKey') throw new ObjectNotFoundError(bucket, key, { cause: error });
        throw storeError('GetObject', bucket, key, error);
      }
    },

    async deleteMany(keys) {
      for (let start = 0; start < keys.length; start += DELETE_BATCH_KEYS) {
        const batch = keys.slice(start, start + DELETE_BATCH_KEYS);
        let failed: { Key?: string; Code?: string; Message?: string }[];
        try {
          const output = await client.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              // Quiet: S3 then lists only the failures, so the reply stays small.
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          );
          failed = output.Errors ?? [];
        } catch (error) {
          throw storeError('DeleteObjects', bucket, batch[0] ?? '', error);
        }
        const first = failed[0];
        if (first !== undefined) {
          throw new ObjectStoreError(
            `S3 DeleteObjects failed for ${failed.length} key(s) in ${bucket}, first ${first.Key}: ${first.Code} ${first.Message}`,
            bucket,
            first.Key ?? '',
          );
        }
      }
    },

    async list(prefix) {
      const keys: string[] = [];
      let continuationToken: string | undefined;
      try {
        do {
          const output = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: prefix,
              ...(continuationToken === undefined ? {} : { ContinuationToken: continuationToken }),
            }),
          );
          for (const object of output.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
          continuationToken = output.IsTruncated === true ? output.NextContinuationToken : undefined;
        } while (continuationToken !== undefined);
      } catch (error) {
        throw storeError('ListObjectsV2', bucket, prefix, error);
      }
      return keys;
    },
  };
}

async function createBucket(client: S3Client, bucket: string): Promise<void> {
  const region = await client.config.region();
  const input: CreateBucketCommandInput = { Bucket: bucket };
  // us-east-1 is the default location; every other region must be named or S3 rejects the request.
  if (region !== 'us-east-1')
    input.CreateBucketConfiguration = { LocationConstraint: region as BucketLocationConstraint };
  try {
    await client.send(new CreateBucketCommand(input));
  } catch (error) {
    // Ours already: fine. `BucketAlreadyExists` (another account owns the name) stays an error, since
    // every later request to that bucket would be denied.
    if (errorName(error) === 'BucketAlreadyOwnedByYou') return;
    throw storeError('CreateBucket', bucket, '', error);
  }
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Turns an SDK error into the port's error, keeping the original as `cause`. */
function storeError(operation: string, bucket: string, key: string, error: unknown): ObjectStoreError {
  if (error instanceof ObjectStoreError) return error;
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const where = key === '' ? bucket : `${bucket}/${key}`;
  return new ObjectStoreError(`S3 ${operation} failed for ${where}: ${detail}`, bucket, key, {
    cause: error,
  });
}
