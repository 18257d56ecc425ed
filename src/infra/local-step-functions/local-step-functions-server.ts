import { fileURLToPath } from 'node:url';
import { startLoopbackChildServer } from '../loopback-child-server.ts';

export { type SfnClientConnectionOptions, sfnClientConfig } from '../sfn-endpoint.ts';

/** Where and how to reach a Step Functions endpoint with `@aws-sdk/client-sfn`. */
export interface StepFunctionsEndpoint {
  /** Base URL (`http://127.0.0.1:<port>`). */
  readonly endpoint: string;
  readonly region: string;
  /** Dummy static credentials: the embedded endpoint checks no signature. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/**
 * The embedded Step Functions endpoint (the default backend): a child process on 127.0.0.1 speaking the
 * Step Functions JSON 1.0 protocol, running definitions with aws-local-stepfunctions and handing
 * activity Tasks to long-polling workers. It runs apart from the harness, so its CPU time is not charged
 * to the architecture under measurement.
 */
export interface EmbeddedStepFunctions extends AsyncDisposable {
  readonly endpoint: StepFunctionsEndpoint;
  /**
   * Ends the server: pending GetActivityTask polls are answered empty, running executions are aborted,
   * then the process exits (SIGTERM, SIGKILL after the grace period). Idempotent.
   */
  stop(): Promise<void>;
}

export interface EmbeddedStepFunctionsOptions {
  /** Longest GetActivityTask long poll before an empty answer, ms (default 60,000, as AWS). */
  readonly maxPollWaitMs?: number;
  /** Longest wait for the server to accept requests, ms (default 15,000: a busy 2-core machine is slow). */
  readonly startTimeoutMs?: number;
  /** Wait after SIGTERM before SIGKILL, ms (default 3,000). */
  readonly stopGraceMs?: number;
}

const ENTRY_PATH = fileURLToPath(new URL('./local-step-functions-server-main.ts', import.meta.url));
const REGION = 'us-east-1';
/** Dummy credentials: the endpoint accepts any, and these open nothing anywhere else. */
const CREDENTIALS = { accessKeyId: 'archbench', secretAccessKey: 'archbench-embedded-sfn' } as const;

/** Starts the embedded endpoint; use with `await using` or call `stop()`. */
export async function startEmbeddedStepFunctions(
  options: EmbeddedStepFunctionsOptions = {},
): Promise<EmbeddedStepFunctions> {
  const server = await startLoopbackChildServer({
    entryPath: ENTRY_PATH,
    args: options.maxPollWaitMs === undefined ? [] : ['--max-poll-wait-ms', String(options.maxPollWaitMs)],
    label: 'embedded Step Functions',
    startTimeoutMs: options.startTimeoutMs ?? 15_000,
    stopGraceMs: options.stopGraceMs ?? 3_000,
  });
  return {
    endpoint: { endpoint: server.url, region: REGION, credentials: { ...CREDENTIALS } },
    stop: server.stop,
    [Symbol.asyncDispose]: server.stop,
  };
}
