import { pipeline, Readable, Transform } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Counters, countS3Request } from '../core/counters.ts';

/** Name of the counting middleware in the client's stack (attaching again replaces it). */
export const S3_REQUEST_COUNTER_NAME = 'archbenchS3RequestCounter';

/** Where counts go: fixed counters, or a lookup per request (e.g. the clip of the task in progress). */
export type CountersTarget = Counters | (() => Counters | undefined);

/**
 * Counts every HTTP request `client` sends into `counters` (S3 requests by operation and tier, bytes up
 * and down, and the `s3` network peer), once per attempt: retries, redirects and throttled requests each
 * count, because S3 bills each one. With a lookup function, each request is counted into the counters it
 * returns when the request starts (nothing is counted when it returns undefined), so one client with its
 * kept-alive connections can serve work that is counted apart (one worker, many clips).
 *
 * The middleware sits in the `deserialize` step at low priority, the innermost position of the stack:
 * retries (`finalizeRequest`) run it once per attempt, and it sees the raw response before the
 * deserializer, the checksum validator or a throttling error touch it. Bytes up are the request body
 * bytes (`content-length`, or the body counted as it is written when the length is unknown); bytes down
 * are the response body bytes (`content-length`, or the body counted as it is read when the server
 * streams it chunked, as S3 does for listings). A request that gets no HTTP response at all (connection
 * refused, reset or timed out) is not counted: nothing shows that the server received it.
 */
export function attachRequestCounter(client: S3Client, counters: CountersTarget): void {
  const lookup = typeof counters === 'function' ? counters : () => counters;
  attachWireCounter(client, S3_REQUEST_COUNTER_NAME, () => {
    const target = lookup();
    return target === undefined
      ? undefined
      : (operation, bytesUp, bytesDown) => countS3Request(target, operation, bytesUp, bytesDown);
  });
}

/** Records one request that got an HTTP response: operation (`PutObject`), body bytes sent and received. */
export type WireRequestRecorder = (operation: string, bytesUp: number, bytesDown: number) => void;

/**
 * The minimal shape of an AWS SDK v3 client this needs: its middleware stack. Clients of different
 * services differ only in their input and output types, which the counter never reads.
 */
export interface MiddlewareClient {
  readonly middlewareStack: {
    // biome-ignore lint/suspicious/noExplicitAny: every SDK client's stack accepts this middleware.
    add(middleware: any, options: any): void;
  };
}

/**
 * Adds a wire-level request counter named `name` to any AWS SDK v3 client (S3, Step Functions, ...), with
 * the measurement rules of {@link attachRequestCounter}. `recorderFor` is asked once per attempt, when the
 * request starts, where to record it; undefined skips counting that request.
 */
export function attachWireCounter(
  client: MiddlewareClient,
  name: string,
  recorderFor: () => WireRequestRecorder | undefined,
): void {
  client.middlewareStack.add(
    (
      next: (args: { request?: unknown }) => Promise<{ response?: unknown }>,
      context: { commandName?: string },
    ) =>
      async (args: { request?: unknown }) => {
        const record = recorderFor();
        if (record === undefined) return next(args);
        const operation = operationName(context.commandName);
        const request = args.request as WireMessage | undefined;
        const upload = request === undefined ? { bytes: () => 0 } : measureRequestBody(request);
        const result = await next(args);
        const response = result.response as WireResponse | undefined;
        if (response === undefined) {
          record(operation, upload.bytes(), 0);
          return result;
        }
        const method = request?.method?.toUpperCase();
        // HEAD replies carry the object's length in content-length but no body; 204 and 304 have no body.
        if (method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304) {
          record(operation, upload.bytes(), 0);
          return result;
        }
        const declared = contentLength(response.headers);
        if (declared !== undefined || !(response.body instanceof Readable)) {
          record(operation, upload.bytes(), declared ?? knownLength(response.body) ?? 0);
          return result;
        }
        // Chunked response: count the bytes as they are read, and record the request when the body ends.
        const bytesUp = upload.bytes();
        response.body = countingStream(response.body, (bytesDown) => record(operation, bytesUp, bytesDown));
        return result;
      },
    { step: 'deserialize', priority: 'low', name, override: true },
  );
}

/** The parts of the SDK's HTTP request and response this middleware reads (no SDK type import needed). */
interface WireMessage {
  method?: string;
  headers: Record<string, string | undefined>;
  body?: unknown;
}

interface WireResponse extends WireMessage {
  statusCode: number;
}

/** `PutObjectCommand` -> `PutObject`. */
function operationName(commandName: string | undefined): string {
  if (commandName === undefined || commandName === '') return 'Unknown';
  return commandName.endsWith('Command') ? commandName.slice(0, -'Command'.length) : commandName;
}

function contentLength(headers: Record<string, string | undefined>): number | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== 'content-length' || value === undefined) continue;
    const bytes = Number(value);
    return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : undefined;
  }
  return undefined;
}

function knownLength(body: unknown): number | undefined {
  if (body === undefined || body === null) return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (ArrayBuffer.isView(body)) return body.byteLength;
  if (body instanceof ArrayBuffer) return body.byteLength;
  return undefined;
}

/**
 * Bytes of the request body: the declared length when there is one (what goes on the wire, including
 * aws-chunked framing), else the static body's length, else the stream counted while the SDK writes it.
 */
function measureRequestBody(request: WireMessage): { bytes(): number } {
  const declared = contentLength(request.headers);
  if (declared !== undefined) return { bytes: () => declared };
  const known = knownLength(request.body);
  if (known !== undefined) return { bytes: () => known };
  if (!(request.body instanceof Readable)) return { bytes: () => 0 };
  let written = 0;
  request.body = countingStream(request.body, (bytes) => {
    written = bytes;
  });
  return { bytes: () => written };
}

/** Passes `source` through unchanged and reports the byte count once, when it ends or is closed early. */
function countingStream(source: Readable, onDone: (bytes: number) => void): Readable {
  let bytes = 0;
  let reported = false;
  const report = (): void => {
    if (reported) return;
    reported = true;
    onDone(bytes);
  };
  const counter = new Transform({
    transform(chunk: Buffer | string, _encoding, callback) {
      bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
      callback(null, chunk);
    },
  });
  counter.once('end', report);
  counter.once('close', report);
  // pipeline forwards a source error to the consumer and releases the socket if the consumer gives up.
  pipeline(source, counter, () => {});
  return counter;
}
