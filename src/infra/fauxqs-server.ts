import { fileURLToPath } from 'node:url';
import { startLoopbackChildServer } from './loopback-child-server.ts';
import type { S3Endpoint } from './s3-object-store.ts';

/**
 * An S3-compatible server (fauxqs, in memory) on 127.0.0.1, for runs without AWS. It runs as a child
 * process: it plays AWS, so its CPU time must not be charged to the process under measurement.
 */
export interface EmbeddedS3 extends AsyncDisposable {
  /** Path-style endpoint on 127.0.0.1 with dummy static credentials (the server checks none). */
  readonly endpoint: S3Endpoint;
  /** Ends the server (SIGTERM, then SIGKILL after a grace period); safe to call more than once. */
  stop(): Promise<void>;
}

export interface EmbeddedS3Options {
  /** Longest wait for the server to accept requests, ms (default 15,000: a busy 2-core machine is slow). */
  readonly startTimeoutMs?: number;
  /** Wait after SIGTERM before SIGKILL, ms (default 2,000). */
  readonly stopGraceMs?: number;
}

const ENTRY_PATH = fileURLToPath(new URL('./fauxqs-server-main.ts', import.meta.url));
const REGION = 'us-east-1';
/** Dummy credentials: fauxqs accepts any, and these can open nothing anywhere else. */
const CREDENTIALS = { accessKeyId: 'archbench', secretAccessKey: 'archbench-embedded-s3' } as const;

/**
 * Starts fauxqs with the Node binary running this process, listening on 127.0.0.1 at a port the OS
 * picks, and resolves once its health endpoint answers. Throws, with the server's stderr, if it exits or
 * does not answer within `startTimeoutMs`. Use with `await using` or call `stop()`.
 */
export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const server = await startLoopbackChildServer({
    entryPath: ENTRY_PATH,
    label: 'embedded S3 (fauxqs)',
    startTimeoutMs: options.startTimeoutMs ?? 15_000,
    stopGraceMs: options.stopGraceMs ?? 2_000,
  });
  return {
    endpoint: { endpoint: server.url, region: REGION, forcePathStyle: true, credentials: { ...CREDENTIALS } },
    stop: server.stop,
    [Symbol.asyncDispose]: server.stop,
  };
}
