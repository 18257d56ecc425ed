import { type Counters, countNetwork } from '../core/counters.ts';
import { attachWireCounter, type MiddlewareClient, type WireRequestRecorder } from './s3-request-counter.ts';

/** Name of the counting middleware in a Step Functions client's stack (attaching again replaces it). */
export const SFN_REQUEST_COUNTER_NAME = 'archbenchSfnRequestCounter';

/** Records one Step Functions API request: by operation, and on the `sfn` network peer. */
export function countSfnRequest(
  counters: Counters,
  operation: string,
  bytesSent: number,
  bytesReceived: number,
): void {
  const byOperation = counters.sfn.apiRequestsByOperation;
  byOperation[operation] = (byOperation[operation] ?? 0) + 1;
  countNetwork(counters, 'sfn', bytesSent, bytesReceived);
}

export interface SfnRequestCounterOptions {
  /**
   * Receives requests sent while `counters` names no target (e.g. a worker's GetActivityTask before it
   * knows which clip the task belongs to), so the caller can attribute them once it does.
   */
  readonly onUnscoped?: WireRequestRecorder;
}

/**
 * Counts every HTTP request a `@aws-sdk/client-sfn` client sends (once per attempt, retries included)
 * into `counters.sfn.apiRequestsByOperation` and the `sfn` network peer, with the same wire rules as the S3
 * counter (request and response body bytes; no response, no count). `counters` is fixed or looked up per
 * request.
 */
export function attachSfnRequestCounter(
  client: MiddlewareClient,
  counters: Counters | (() => Counters | undefined),
  options: SfnRequestCounterOptions = {},
): void {
  const lookup = typeof counters === 'function' ? counters : () => counters;
  attachWireCounter(client, SFN_REQUEST_COUNTER_NAME, () => {
    const target = lookup();
    if (target === undefined) return options.onUnscoped;
    return (operation, bytesUp, bytesDown) => countSfnRequest(target, operation, bytesUp, bytesDown);
  });
}
