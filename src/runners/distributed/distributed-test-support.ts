/**
 * Shared set-up of the distributed runner's integration tests (test support, not product code): an
 * embedded S3 with the bucket, runner contexts, small clips, and the checks for leftover processes and
 * objects.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, Agent as HttpAgent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ResolvedDetector } from '../../core/aggregate.ts';
import type { Counters } from '../../core/counters.ts';
import { resolveDetectors } from '../../harness/detectors.ts';
import { DETECTOR_PORTS_MODULE, detectorPortsFor } from '../../infra/detector-ports.ts';
import { type EmbeddedS3, startEmbeddedS3 } from '../../infra/fauxqs-server.ts';
import type { ObjectStore } from '../../infra/object-store.ts';
import { createS3Client, createS3ObjectStore } from '../../infra/s3-object-store.ts';
import { defaultDecodeOptions } from '../../media/decoder.ts';
import type { RunnerContext } from '../runner.ts';
import { type DistributedSettings, defaultDistributedSettings } from './distributed-settings.ts';

export const TEST_BUCKET = 'archbench-test';

/** An embedded S3 with the test bucket, and an uncounted store to inspect it. */
export interface TestS3 extends AsyncDisposable {
  readonly server: EmbeddedS3;
  readonly store: ObjectStore;
}

export async function startTestS3(): Promise<TestS3> {
  const server = await startEmbeddedS3();
  const client = createS3Client(server.endpoint);
  const store = await createS3ObjectStore({ client, bucket: TEST_BUCKET, create: true });
  return {
    server,
    store,
    async [Symbol.asyncDispose]() {
      client.destroy();
      await server.stop();
    },
  };
}

export function testContext(
  s3: TestS3,
  options: {
    detectors?: readonly ResolvedDetector[];
    distributed?: Partial<DistributedSettings>;
    chunkSeconds?: number;
  } = {},
): RunnerContext {
  const detectors = options.detectors ?? resolveDetectors(undefined);
  return {
    runId: `test-${randomBytes(4).toString('hex')}`,
    decode: {
      ...defaultDecodeOptions,
      chunkSeconds: options.chunkSeconds ?? defaultDecodeOptions.chunkSeconds,
    },
    detectors,
    // As the harness does: the block-corruption model's port here, and the module workers build it from.
    ports: detectorPortsFor(detectors.map((detector) => detector.name)),
    detectorPortsModule: DETECTOR_PORTS_MODULE,
    s3: s3.server.endpoint,
    bucket: TEST_BUCKET,
    distributed: { ...defaultDistributedSettings, ...options.distributed },
  };
}

/** ffmpeg input arguments of a lavfi source. */
export function lavfi(graph: string): string[] {
  return ['-f', 'lavfi', '-i', graph];
}

/**
 * The counts that must repeat exactly run to run: S3 requests by operation, billed transitions by state,
 * serialization operations per hop, executions, and task invocations. (Timings, DescribeExecution polls and
 * heartbeats depend on speed and are not among them.)
 */
export function deterministicCounts(counters: Counters): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [operation, count] of Object.entries(counters.s3.requestsByOperation))
    counts[`s3 ${operation}`] = count;
  for (const [stage, byOperation] of Object.entries(counters.s3.requestsByStage)) {
    for (const [operation, count] of Object.entries(byOperation)) counts[`s3 ${stage} ${operation}`] = count;
  }
  counts['s3 bytes up'] = counters.s3.bytesUp;
  for (const [state, count] of Object.entries(counters.sfn.transitionsByState))
    counts[`transitions ${state}`] = count;
  counts.executions = counters.sfn.executionsStarted;
  for (const operation of ['StartExecution', 'GetExecutionHistory', 'GetActivityTask', 'SendTaskSuccess']) {
    counts[`sfn ${operation}`] = counters.sfn.apiRequestsByOperation[operation] ?? 0;
  }
  for (const [hop, entry] of Object.entries(counters.serialization)) {
    counts[`serialization ${hop} encode`] = entry.encodeOps;
    counts[`serialization ${hop} decode`] = entry.decodeOps;
  }
  for (const [task, entry] of Object.entries(counters.compute.invocationsByTask)) {
    counts[`invocations ${task}`] = entry.invocations;
  }
  return counts;
}

/** Processes whose command line mentions `fragment` (e.g. a clip directory: ffmpeg names its input). */
export async function processesMentioning(fragment: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const commandLine = (await readFile(`/proc/${name}/cmdline`, 'utf8')).replaceAll('\0', ' ').trim();
      if (commandLine.includes(fragment)) found.push(`${name} ${commandLine}`);
    } catch {
      // Ended while we looked.
    }
  }
  return found;
}

/** Waits until `check` holds or `timeoutMs` passes (signals and exits are asynchronous); returns the last value. */
export async function eventually<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await probe();
  }
  return value;
}

/** A pass-through HTTP proxy in front of an S3 endpoint that counts what arrives, by S3 operation. */
export interface CountingProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Requests received so far, by operation (`PutObject`, `GetObject`, `DeleteObjects`, `ListObjectsV2`, ...). */
  readonly received: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

/** Names the S3 operation of a path-style request (the few the runners use; others by method). */
function s3OperationOf(method: string, url: URL): string {
  const hasKey = url.pathname.split('/').filter((part) => part !== '').length > 1;
  if (method === 'PUT') return hasKey ? 'PutObject' : 'CreateBucket';
  if (method === 'POST' && url.searchParams.has('delete')) return 'DeleteObjects';
  if (method === 'GET' && !hasKey)
    return url.searchParams.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return hasKey ? 'HeadObject' : 'HeadBucket';
  if (method === 'DELETE') return hasKey ? 'DeleteObject' : 'DeleteBucket';
  return method;
}

/**
 * Starts the proxy on 127.0.0.1: an independent tally of the requests the S3 server really received, to
 * check that per-clip counters add up to it exactly.
 */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const received: Record<string, number> = {};
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 256 });
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', target);
    const operation = s3OperationOf(request.method ?? 'GET', url);
    received[operation] = (received[operation] ?? 0) + 1;
    const upstream = httpRequest(
      url,
      { method: request.method, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
