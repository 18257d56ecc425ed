import { pipeline, Readable, Transform } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Counters, countS3Request } from '../core/counters.ts';

/** Name of the counting middleware in the client's stack (attaching again replaces it). */
export const S3_REQUEST_COUNTER_NAME = 'archbenchS3RequestCounter';

/**
 * Counts every HTTP request `client` sends into `counters` (S3 requests by operation and tier, bytes up
 * and down, and the `s3` network peer), once per attempt: retries, redirects and throttled requests each
 * count, because S3 bills each one.
 *
 * The middleware sits in the `deserialize` step at low priority, the innermost position of the stack:
 * retries (`finalizeRequest`) run it once per attempt, and it sees the raw response before the
 * deserializer, the checksum validator or a throttling error touch it. Bytes up are the request body
 * bytes (`content-length`, or the body counted as it is written when the length is unknown); bytes down
 * are the response body bytes (`content-length`, or the body counted as it is read when the server
 * streams it chunked, as S3 does for listings). A request that gets no HTTP response at all (connection
 * refused, reset or timed out) is not counted: nothing shows that the server received it.
 */
export function attachRequestCounter(client: S3Client, counters: Counters): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationName(context.commandName);
      const request = args.request as WireMessage | undefined;
      const upload = request === undefined ? { bytes: () => 0 } : measureRequestBody(request);
      const result = await next(args);
      const response = result.response as WireResponse | undefined;
      if (response === undefined) {
        countS3Request(counters, operation, upload.bytes(), 0);
        return result;
      }
      const method = request?.method?.toUpperCase();
      // HEAD replies carry the object's length in content-length but no body; 204 and 304 have no body.
      if (method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304) {
        countS3Request(counters, operation, upload.bytes(), 0);
        return result;
      }
      const declared = contentLength(response.headers);
      if (declared !== undefined || !(response.body instanceof Readable)) {
        countS3Request(counters, operation, upload.bytes(), declared ?? knownLength(response.body) ?? 0);
        return result;
      }
      // Chunked response: count the bytes as they are read, and record the request when the body ends.
      const bytesUp = upload.bytes();
      response.body = countingStream(response.body, (bytesDown) =>
        countS3Request(counters, operation, bytesUp, bytesDown),
      );
      return result;
    },
    { step: 'deserialize', priority: 'low', name: S3_REQUEST_COUNTER_NAME, override: true },
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
