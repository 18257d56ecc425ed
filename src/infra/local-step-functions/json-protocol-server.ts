import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnServiceError } from './sfn-service-error.ts';
import { isRecord } from './state-machine-definition.ts';
import {
  StepFunctionsService,
  type StepFunctionsServiceOptions,
  SUPPORTED_OPERATIONS,
  type SupportedOperation,
} from './step-functions-service.ts';

/** An HTTP server speaking the Step Functions JSON 1.0 protocol, with the service behind it. */
export interface StepFunctionsHttpServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly service: StepFunctionsService;
  /**
   * Stops: pending long polls are answered empty (`{}`) with `Connection: close`, running executions are
   * aborted, connections are closed once their responses are out (forcibly after `graceMs`, default
   * 1,000). Safe to call more than once.
   */
  close(graceMs?: number): Promise<void>;
}

export interface StepFunctionsHttpServerOptions extends StepFunctionsServiceOptions {
  /** Port to listen on, 127.0.0.1 only (default 0: the OS picks a free one). */
  readonly port?: number;
}

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** Largest request body accepted, bytes: a 256 KiB payload, JSON-escaped inside the request, fits. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * Idle keep-alive connections live this long, ms. Longer than the SDK's reuse of an idle socket takes,
 * so a client rarely picks a socket the server is closing (that costs it an ECONNRESET retry).
 */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const OPERATIONS: ReadonlySet<string> = new Set(SUPPORTED_OPERATIONS);

/**
 * Starts the service and an HTTP server for it on 127.0.0.1. Keep-alive is on; a GetActivityTask long
 * poll holds only its own request, so any number can wait while other requests are served.
 */
export async function listenStepFunctions(
  options: StepFunctionsHttpServerOptions = {},
): Promise<StepFunctionsHttpServer> {
  const service = await StepFunctionsService.create(options);
  let closing: Promise<void> | undefined;
  const server = createServer((req, res) => {
    handle(req, res, service, () => closing !== undefined).catch((error: unknown) => {
      // Only a bug gets here (service errors are answered in `handle`).
      if (!res.headersSent) send(res, 500, errorBody('InternalFailure', String(error)), true);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node wants the header deadline above the keep-alive time, so a reused socket is not cut short.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;
  await listen(server, options.port ?? 0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    service,
    close: (graceMs = 1_000) => {
      closing ??= shutDown(server, service, graceMs);
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function shutDown(server: Server, service: StepFunctionsService, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Answers waiting polls (their handlers write `{}` on the next microtask) and ends executions.
  service.close();
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(force);
  }
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  service: StepFunctionsService,
  isClosing: () => boolean,
): Promise<void> {
  const closing = isClosing();
  if (req.method === 'GET' && req.url === '/health') {
    send(res, 200, { status: 'ok' }, closing);
    return;
  }
  if (req.method !== 'POST') {
    send(res, 404, errorBody('UnknownOperationException', `${req.method} ${req.url} is not served`), closing);
    return;
  }
  let operation: SupportedOperation;
  let input: Record<string, unknown>;
  try {
    operation = operationOf(req);
    input = await readJsonBody(req);
  } catch (error) {
    sendError(res, error, closing);
    return;
  }
  if (operation === 'GetActivityTask') {
    await answerPoll(res, service, input, isClosing);
    return;
  }
  try {
    send(res, 200, service.invoke(operation, input), closing);
  } catch (error) {
    sendError(res, error, closing);
  }
}

/**
 * GetActivityTask: waits for a task, writes it, and tells the queue whether the response left. A client
 * that goes away before the task is written gets none; one that goes away while it is being written
 * gives it back, so the task goes to the next poll instead of waiting for its timeout.
 */
async function answerPoll(
  res: ServerResponse,
  service: StepFunctionsService,
  input: Record<string, unknown>,
  isClosing: () => boolean,
): Promise<void> {
  const gone = new AbortController();
  const onClose = (): void => {
    if (!res.writableFinished) gone.abort();
  };
  res.once('close', onClose);
  let lease: Awaited<ReturnType<StepFunctionsService['pollActivityTask']>>;
  try {
    lease = await service.pollActivityTask(input, gone.signal);
  } catch (error) {
    res.off('close', onClose);
    sendError(res, error, isClosing());
    return;
  }
  res.off('close', onClose);
  if (lease === undefined) {
    // No task within the wait: AWS answers 200 with no taskToken. Also the answer when stopping.
    if (!res.destroyed) send(res, 200, {}, isClosing());
    return;
  }
  if (res.destroyed || res.socket === null || res.socket.destroyed) {
    lease.undelivered();
    return;
  }
  const taken = lease;
  res.once('finish', () => taken.delivered());
  res.once('close', () => {
    if (!res.writableFinished) taken.undelivered();
  });
  send(res, 200, { taskToken: lease.taskToken, input: lease.input }, isClosing());
}

function operationOf(req: IncomingMessage): SupportedOperation {
  const target = req.headers['x-amz-target'];
  const operation =
    typeof target === 'string' && target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
  if (!OPERATIONS.has(operation)) {
    throw new SfnServiceError(
      'UnknownOperationException',
      `Unknown operation ${JSON.stringify(target ?? null)}`,
    );
  }
  return operation as SupportedOperation;
}

async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBody(req);
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new SfnServiceError('SerializationException', 'The request body is not valid JSON');
  }
  if (!isRecord(parsed))
    throw new SfnServiceError('SerializationException', 'The request body must be a JSON object');
  return parsed;
}

/** The body as text, read with events: async iteration would destroy the request stream when done. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.once('end', () => {
      if (bytes > MAX_BODY_BYTES) {
        reject(new SfnServiceError('ValidationException', `Request body exceeds ${MAX_BODY_BYTES} bytes`));
      } else {
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
    });
    req.once('error', reject);
  });
}

function sendError(res: ServerResponse, error: unknown, closing: boolean): void {
  if (res.destroyed) return;
  if (error instanceof SfnServiceError) {
    send(res, error.httpStatus, errorBody(error.type, error.message), closing);
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  send(res, 500, errorBody('InternalFailure', message), closing);
}

function errorBody(type: string, message: string): { __type: string; message: string } {
  return { __type: type, message };
}

function send(res: ServerResponse, status: number, body: unknown, closeConnection: boolean): void {
  const payload = Buffer.from(JSON.stringify(body ?? {}), 'utf8');
  res.writeHead(status, {
    'content-type': CONTENT_TYPE,
    'content-length': payload.length,
    'x-amzn-requestid': randomUUID(),
    ...(closeConnection ? { connection: 'close' } : {}),
  });
  res.end(payload);
}
