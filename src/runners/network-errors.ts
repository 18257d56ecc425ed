import { ServiceUnavailableError } from '../core/errors.ts';

/** Error codes of a connection that failed or broke: the service is unreachable, not the request wrong. */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

/**
 * Whether `error` or one of its causes is a failed or broken connection (refused, reset, timed out):
 * the endpoint went away, so the failure says nothing about the work itself.
 */
export function isNetworkError(error: unknown): boolean {
  let at: unknown = error;
  for (let depth = 0; at instanceof Error && depth < 8; depth++) {
    const code = (at as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    if (at.name === 'TimeoutError') return true;
    at = at.cause;
  }
  return false;
}

/**
 * A network failure becomes one clear line naming the service and where it was (`unavailable`, exit 1);
 * anything else passes through unchanged. `subject` starts the line (the clip, or the runner at set-up).
 */
export function unreachable(error: unknown, subject: string, service: string, where: string): unknown {
  if (!isNetworkError(error)) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new ServiceUnavailableError(
    `${subject}: the ${service} endpoint (${where}) could not be reached: ${reason}`,
    { cause: error },
  );
}
