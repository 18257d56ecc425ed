import { ServiceUnavailableError } from '../../core/errors.ts';
import type { S3Endpoint } from '../s3-object-store.ts';
import { createBucket } from './embedded-backend.ts';

/**
 * Whether testcontainers finds a container runtime (Docker, Podman, Colima, ...). Container backends ask
 * before starting anything, so a machine without one gets one clear line at once instead of a pull that
 * hangs; tests ask to skip with the reason.
 */

/** Longest wait for testcontainers' runtime discovery, ms (it answers in about 1 ms without a runtime). */
const DISCOVERY_TIMEOUT_MS = 15_000;

/** Undefined when a container runtime answers, else why not (testcontainers' first message line). */
export async function containerRuntimeProblem(): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${DISCOVERY_TIMEOUT_MS / 1000} s`)),
        DISCOVERY_TIMEOUT_MS,
      );
    });
    await Promise.race([getContainerRuntimeClient(), timeout]);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.split('\n')[0] ?? message;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Throws ServiceUnavailableError (exit 1, one line) naming `backend` and what to do when no container
 * runtime is found; `alternative` says how to run without one (e.g. `set backend.endpoint`).
 */
export async function requireContainerRuntime(backend: string, alternative: string): Promise<void> {
  const problem = await containerRuntimeProblem();
  if (problem === undefined) return;
  throw new ServiceUnavailableError(
    `${backend} backend: no container runtime found (${problem}); start Docker or Podman, ${alternative}, or use --backend embedded`,
  );
}

/** A container that would not start, as one line naming the backend and the image. */
export function containerStartError(backend: string, image: string, error: unknown): ServiceUnavailableError {
  const message = error instanceof Error ? error.message : String(error);
  return new ServiceUnavailableError(
    `${backend} backend: container ${image} did not start: ${message.split('\n')[0] ?? message}`,
    { cause: error },
  );
}

/** Creates the run's bucket; an endpoint that does not answer is one ServiceUnavailableError line. */
export async function createBucketAt(backend: string, endpoint: S3Endpoint, bucket: string): Promise<void> {
  try {
    await createBucket(endpoint, bucket);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ServiceUnavailableError(
      `${backend} backend: cannot create bucket ${bucket} at ${endpoint.endpoint ?? `AWS ${endpoint.region}`}: ${message.split('\n')[0] ?? message}`,
      { cause: error },
    );
  }
}
