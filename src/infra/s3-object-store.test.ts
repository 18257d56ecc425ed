import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Counters, createCounters } from '../core/counters.ts';
import { liveChildCount } from './child-processes.ts';
import { type EmbeddedS3, startEmbeddedS3 } from './fauxqs-server.ts';
import { ObjectNotFoundError, type ObjectStore } from './object-store.ts';
import { createS3Client, createS3ObjectStore } from './s3-object-store.ts';

/** Contract of the S3 adapter, against the embedded fauxqs server the default runs use. */
let s3: EmbeddedS3;
const openClients: { destroy(): void }[] = [];

beforeAll(async () => {
  s3 = await startEmbeddedS3();
});

afterAll(async () => {
  for (const client of openClients.splice(0)) client.destroy();
  await s3?.stop();
  expect(liveChildCount()).toBe(0);
});

/** A store on `bucket` whose requests are counted into fresh counters; the bucket is created once. */
async function countedStore(
  bucket: string,
  create = false,
): Promise<{ store: ObjectStore; counters: Counters }> {
  const counters = createCounters();
  const client = createS3Client(s3.endpoint, counters);
  openClients.push(client);
  return { store: await createS3ObjectStore({ client, bucket, create }), counters };
}

describe('S3 object store on the embedded server', () => {
  it('round-trips binary bodies of 0 B, 1 B and 300 KB byte for byte, and counts each request and byte', async () => {
    const setup = await countedStore('roundtrip', true);
    expect(setup.counters.s3.requestsByOperation).toEqual({ CreateBucket: 1 });
    expect(setup.counters.s3.requestsByTier).toEqual({ tier1: 1, tier2: 0, free: 0 });
    expect(setup.counters.s3.bytesUp).toBe(0);

    const bodies = [new Uint8Array(0), Uint8Array.of(0xff), new Uint8Array(randomBytes(300 * 1024))];
    const totalBytes = bodies.reduce((sum, body) => sum + body.byteLength, 0);

    const writer = await countedStore('roundtrip');
    for (const [index, body] of bodies.entries()) {
      await writer.store.put(`blobs/${index}.bin`, body, 'application/octet-stream');
    }
    expect(writer.counters.s3.requestsByOperation).toEqual({ PutObject: 3 });
    expect(writer.counters.s3.requestsByTier).toEqual({ tier1: 3, tier2: 0, free: 0 });
    expect(writer.counters.s3.bytesUp).toBe(totalBytes);
    expect(writer.counters.s3.bytesDown).toBe(0);
    expect(writer.counters.network.s3).toEqual({ requests: 3, bytesSent: totalBytes, bytesReceived: 0 });

    const reader = await countedStore('roundtrip');
    for (const [index, body] of bodies.entries()) {
      const read = await reader.store.get(`blobs/${index}.bin`);
      expect(read.byteLength).toBe(body.byteLength);
      expect(Buffer.compare(read, body)).toBe(0);
    }
    expect(reader.counters.s3.requestsByOperation).toEqual({ GetObject: 3 });
    expect(reader.counters.s3.requestsByTier).toEqual({ tier1: 0, tier2: 3, free: 0 });
    expect(reader.counters.s3.bytesUp).toBe(0);
    expect(reader.counters.s3.bytesDown).toBe(totalBytes);
    expect(reader.counters.network.s3).toEqual({ requests: 3, bytesSent: 0, bytesReceived: totalBytes });
  });

  it('throws ObjectNotFoundError for a missing key, after exactly one (billed) GetObject', async () => {
    await countedStore('missing', true);
    const { store, counters } = await countedStore('missing');
    const error = await store.get('nothing/here.bin').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({ bucket: 'missing', key: 'nothing/here.bin' });
    expect(counters.s3.requestsByOperation).toEqual({ GetObject: 1 });
    expect(counters.s3.requestsByTier).toEqual({ tier1: 0, tier2: 1, free: 0 });
  });

  it('lists more than 1,000 keys across pages and deletes them in batches of 1,000', async () => {
    await countedStore('paging', true);
    const writer = await countedStore('paging');
    const keys = Array.from(
      { length: 1050 },
      (_, index) => `run-1/frames/${String(index).padStart(5, '0')}.raw`,
    );
    const body = Uint8Array.of(1, 2, 3);
    // A few puts in flight at once keeps the test quick; the keep-alive pool serves them.
    for (let start = 0; start < keys.length; start += 25) {
      await Promise.all(keys.slice(start, start + 25).map((key) => writer.store.put(key, body)));
    }
    await writer.store.put('run-1/frames-other/outside.raw', body);
    await writer.store.put('run-2/frames/00000.raw', body);
    expect(writer.counters.s3.requestsByOperation).toEqual({ PutObject: 1052 });
    expect(writer.counters.s3.bytesUp).toBe(1052 * 3);

    const lister = await countedStore('paging');
    expect(await lister.store.list('run-1/frames/')).toEqual(keys);
    expect(lister.counters.s3.requestsByOperation).toEqual({ ListObjectsV2: 2 });
    expect(lister.counters.s3.requestsByTier).toEqual({ tier1: 2, tier2: 0, free: 0 });
    expect(lister.counters.s3.bytesDown).toBeGreaterThan(0);

    const deleter = await countedStore('paging');
    await deleter.store.deleteMany(keys);
    expect(deleter.counters.s3.requestsByOperation).toEqual({ DeleteObjects: 2 });
    expect(deleter.counters.s3.requestsByTier).toEqual({ tier1: 0, tier2: 0, free: 2 });
    expect(deleter.counters.s3.bytesUp).toBeGreaterThan(0);
    await deleter.store.deleteMany([]);
    expect(deleter.counters.s3.requestsByOperation).toEqual({ DeleteObjects: 2 });

    const after = await countedStore('paging');
    expect(await after.store.list('run-1/frames/')).toEqual([]);
    expect(await after.store.list('run-')).toEqual([
      'run-1/frames-other/outside.raw',
      'run-2/frames/00000.raw',
    ]);
    expect(after.counters.s3.requestsByOperation).toEqual({ ListObjectsV2: 2 });
    // Bytes down of the two listings equal the XML bodies the server returns for the same queries.
    let listingBytes = 0;
    for (const prefix of ['run-1/frames/', 'run-']) {
      const url = new URL(`/paging?list-type=2&prefix=${encodeURIComponent(prefix)}`, s3.endpoint.endpoint);
      listingBytes += (await (await fetch(url, { headers: { connection: 'close' } })).arrayBuffer())
        .byteLength;
    }
    expect(after.counters.s3.bytesDown).toBe(listingBytes);
    // The network peer sees the same requests and bytes as the S3 counters.
    expect(after.counters.network.s3).toEqual({
      requests: 2,
      bytesSent: after.counters.s3.bytesUp,
      bytesReceived: after.counters.s3.bytesDown,
    });
  }, 30_000);

  it('creating an existing bucket again is fine', async () => {
    await countedStore('twice', true);
    const again = await countedStore('twice', true);
    await again.store.put('k', Uint8Array.of(9));
    expect(Array.from(await again.store.get('k'))).toEqual([9]);
    expect(again.counters.s3.requestsByOperation).toEqual({ CreateBucket: 1, PutObject: 1, GetObject: 1 });
  });

  it('counts a run of small PUT+GET pairs exactly (and reports their latency, not asserted)', async () => {
    await countedStore('timing', true);
    const { store, counters } = await countedStore('timing');
    const body = new Uint8Array(randomBytes(1024));
    const rounds = 200;
    const start = performance.now();
    for (let index = 0; index < rounds; index += 1) {
      await store.put(`timed/${index}`, body);
      await store.get(`timed/${index}`);
    }
    const perRoundMs = (performance.now() - start) / rounds;
    console.info(`embedded S3: ${perRoundMs.toFixed(2)} ms per 1 KiB PUT+GET (${rounds} rounds, keep-alive)`);
    expect(counters.s3.requestsByOperation).toEqual({ PutObject: rounds, GetObject: rounds });
    expect(counters.s3.requestsByTier).toEqual({ tier1: rounds, tier2: rounds, free: 0 });
    expect(counters.s3.bytesUp).toBe(rounds * 1024);
    expect(counters.s3.bytesDown).toBe(rounds * 1024);
  }, 30_000);
});
