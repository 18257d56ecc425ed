import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createCounters } from '../core/counters.ts';
import { createS3Client, createS3ObjectStore } from './s3-object-store.ts';

/**
 * A scripted S3 stand-in on 127.0.0.1: each request gets the next scripted answer. It records what
 * arrived (method, path, body bytes) and how many TCP connections were opened.
 */
interface ScriptedServer {
  readonly url: string;
  readonly received: { method: string; path: string; bodyBytes: number }[];
  connections: number;
  close(): Promise<void>;
}

type Answer = (request: IncomingMessage, response: ServerResponse) => void;

async function startScriptedServer(answers: Answer[]): Promise<ScriptedServer> {
  const received: ScriptedServer['received'] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: new URL(request.url ?? '/', 'http://scripted').pathname,
        bodyBytes: Buffer.concat(chunks).byteLength,
      });
      const answer = answers.shift();
      if (answer === undefined) {
        response.writeHead(500, { 'content-length': '0' }).end();
        return;
      }
      answer(request, response);
    });
  });
  const state: ScriptedServer = {
    url: '',
    received,
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(state, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

const SLOW_DOWN_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>r1</RequestId></Error>';

function slowDown(_request: IncomingMessage, response: ServerResponse): void {
  response
    .writeHead(503, {
      'content-type': 'application/xml',
      'content-length': String(Buffer.byteLength(SLOW_DOWN_XML)),
    })
    .end(SLOW_DOWN_XML);
}

function putOk(_request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(200, { etag: '"0123456789abcdef0123456789abcdef"', 'content-length': '0' }).end();
}

const servers: ScriptedServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function scripted(answers: Answer[]): Promise<ScriptedServer> {
  const server = await startScriptedServer(answers);
  servers.push(server);
  return server;
}

const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('attachRequestCounter', () => {
  it('counts every attempt: a put answered 503 SlowDown once and then 200 is two PutObject requests', async () => {
    const server = await scripted([slowDown, putOk]);
    const counters = createCounters();
    const client = createS3Client(
      { endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS },
      counters,
    );
    try {
      const store = await createS3ObjectStore({ client, bucket: 'bench' });
      const body = new Uint8Array(1234).fill(7);
      await store.put('frames/0001.raw', body, 'application/octet-stream');

      expect(server.received.map((r) => [r.method, r.path, r.bodyBytes])).toEqual([
        ['PUT', '/bench/frames/0001.raw', 1234],
        ['PUT', '/bench/frames/0001.raw', 1234],
      ]);
      expect(counters.s3.requestsByOperation).toEqual({ PutObject: 2 });
      expect(counters.s3.requestsByTier).toEqual({ tier1: 2, tier2: 0, free: 0 });
      expect(counters.s3.bytesUp).toBe(2 * 1234);
      expect(counters.s3.bytesDown).toBe(Buffer.byteLength(SLOW_DOWN_XML));
      expect(counters.network.s3).toEqual({
        requests: 2,
        bytesSent: 2 * 1234,
        bytesReceived: Buffer.byteLength(SLOW_DOWN_XML),
      });
      // Keep-alive: the retry went over the connection the first attempt opened.
      expect(server.connections).toBe(1);
    } finally {
      client.destroy();
    }
  });

  it('counts a chunked response body (no content-length) as it is read', async () => {
    const payload = Buffer.from('x'.repeat(70_000));
    const server = await scripted([
      (_request, response) => {
        response.writeHead(200, {
          'content-type': 'application/octet-stream',
          'transfer-encoding': 'chunked',
        });
        response.write(payload.subarray(0, 30_000));
        setTimeout(() => response.end(payload.subarray(30_000)), 5);
      },
    ]);
    const counters = createCounters();
    const client = createS3Client(
      { endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS },
      counters,
    );
    try {
      const store = await createS3ObjectStore({ client, bucket: 'bench' });
      const bytes = await store.get('results/clip.json');
      expect(bytes.byteLength).toBe(payload.byteLength);
      expect(counters.s3.requestsByOperation).toEqual({ GetObject: 1 });
      expect(counters.s3.requestsByTier).toEqual({ tier1: 0, tier2: 1, free: 0 });
      expect(counters.s3.bytesDown).toBe(payload.byteLength);
      expect(counters.s3.bytesUp).toBe(0);
    } finally {
      client.destroy();
    }
  });

  it('counts nothing for a client created without counters', async () => {
    const server = await scripted([putOk]);
    const counters = createCounters();
    const client = createS3Client({
      endpoint: server.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    try {
      const store = await createS3ObjectStore({ client, bucket: 'bench' });
      await store.put('a', new Uint8Array(3));
      expect(server.received).toHaveLength(1);
      expect(counters.s3.requestsByOperation).toEqual({});
    } finally {
      client.destroy();
    }
  });
});

describe('createS3ObjectStore against scripted answers', () => {
  function conflict(code: string): Answer {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>m</Message></Error>`;
    return (_request, response) =>
      response
        .writeHead(409, {
          'content-type': 'application/xml',
          'content-length': String(Buffer.byteLength(xml)),
        })
        .end(xml);
  }

  it('tolerates a bucket this account already owns', async () => {
    const server = await scripted([conflict('BucketAlreadyOwnedByYou')]);
    const counters = createCounters();
    const client = createS3Client(
      { endpoint: server.url, region: 'us-east-1', forcePathStyle: true, credentials: CREDENTIALS },
      counters,
    );
    try {
      const store = await createS3ObjectStore({ client, bucket: 'bench', create: true });
      expect(store.bucket).toBe('bench');
      expect(server.received.map((r) => [r.method, r.path])).toEqual([['PUT', '/bench/']]);
      expect(counters.s3.requestsByOperation).toEqual({ CreateBucket: 1 });
    } finally {
      client.destroy();
    }
  });

  it('rejects a bucket name another account owns', async () => {
    const server = await scripted([conflict('BucketAlreadyExists')]);
    const client = createS3Client({
      endpoint: server.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    try {
      await expect(createS3ObjectStore({ client, bucket: 'bench', create: true })).rejects.toThrow(
        /CreateBucket failed for bench: BucketAlreadyExists/,
      );
    } finally {
      client.destroy();
    }
  });

  it('names the region in CreateBucket outside us-east-1', async () => {
    const server = await scripted([putOk]);
    const client = createS3Client({
      endpoint: server.url,
      region: 'eu-west-1',
      forcePathStyle: true,
      credentials: CREDENTIALS,
    });
    try {
      await createS3ObjectStore({ client, bucket: 'bench', create: true });
      expect(server.received[0]?.bodyBytes).toBeGreaterThan(0);
    } finally {
      client.destroy();
    }
  });
});
