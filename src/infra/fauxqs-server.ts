import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { spawnTracked } from './child-processes.ts';
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
/** Bytes of the server's stderr kept for a start-up error message. */
const STDERR_TAIL_BYTES = 4096;
const READY_POLL_INTERVAL_MS = 50;

/**
 * Starts fauxqs with the Node binary running this process, listening on 127.0.0.1 at a port the OS
 * picks, and resolves once its health endpoint answers. Throws, with the server's stderr, if it exits or
 * does not answer within `startTimeoutMs`. Use with `await using` or call `stop()`.
 */
export async function startEmbeddedS3(options: EmbeddedS3Options = {}): Promise<EmbeddedS3> {
  const startTimeoutMs = options.startTimeoutMs ?? 15_000;
  const stopGraceMs = options.stopGraceMs ?? 2_000;
  const deadline = Date.now() + startTimeoutMs;

  const child = spawnTracked(process.execPath, ['--disable-warning=ExperimentalWarning', ENTRY_PATH], {
    // A clean environment: the server needs nothing from ours, least of all AWS credentials.
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_BYTES);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= endChild(child, stopGraceMs);
    return stopping;
  };

  try {
    const url = await readListeningUrl(child, deadline);
    await waitUntilHealthy(url, child, deadline);
    // Nothing more is read from stdout; keep draining it so the child can never block on a full pipe.
    child.stdout?.resume();
    return {
      endpoint: { endpoint: url, region: REGION, forcePathStyle: true, credentials: { ...CREDENTIALS } },
      stop,
      [Symbol.asyncDispose]: stop,
    };
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    const stderr = stderrTail.trim();
    throw new Error(
      `embedded S3 (fauxqs) failed to start: ${reason}${stderr === '' ? '' : `\n--- server stderr ---\n${stderr}`}`,
      { cause: error },
    );
  }
}

/** Reads the child's one-line `{"url": ...}` announcement, failing on exit or at `deadline`. */
async function readListeningUrl(child: ChildProcess, deadline: number): Promise<string> {
  const stdout = child.stdout;
  if (stdout === null) throw new Error('no stdout pipe to the server process');
  stdout.setEncoding('utf8');
  return new Promise<string>((resolve, reject) => {
    let buffered = '';
    const timer = setTimeout(
      () => finish(new Error('it did not report a listening address in time')),
      remaining(deadline),
    );
    const onData = (text: string): void => {
      buffered += text;
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      try {
        const announced: unknown = JSON.parse(buffered.slice(0, newline));
        const url = (announced as { url?: unknown }).url;
        if (typeof url !== 'string' || !url.startsWith('http://127.0.0.1:')) {
          throw new Error(`unexpected listening address ${JSON.stringify(url)}`);
        }
        finish(undefined, url);
      } catch (error) {
        finish(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      finish(new Error(`the server process exited early (code ${code}, signal ${signal})`));
    const onError = (error: Error): void => finish(error);
    function finish(error: Error | undefined, url?: string): void {
      clearTimeout(timer);
      stdout?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error !== undefined || url === undefined) reject(error ?? new Error('no listening address'));
      else resolve(url);
    }
    stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** Polls `GET /health` until it answers 200, the child exits, or `deadline` passes. */
async function waitUntilHealthy(url: string, child: ChildProcess, deadline: number): Promise<void> {
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the server process exited early (code ${child.exitCode}, signal ${child.signalCode})`);
    }
    try {
      const status = await getStatus(new URL('/health', url), Math.min(1_000, remaining(deadline)));
      if (status === 200) return;
      lastProblem = `GET /health answered ${status}`;
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, READY_POLL_INTERVAL_MS));
  }
  throw new Error(`it did not become ready in time (${lastProblem})`);
}

/** Status code of a GET on a fresh connection (no agent: nothing stays open after readiness). */
function getStatus(url: URL, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode ?? 0));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error(`GET ${url.pathname} timed out after ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end();
  });
}

/** SIGTERM, then SIGKILL if the child is still alive after `graceMs`; resolves once it has exited. */
async function endChild(child: ChildProcess, graceMs: number): Promise<void> {
  // No pid: the spawn itself failed, so there is no process to end.
  const exited = child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
  if (!exited) {
    const exit = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    try {
      await exit;
    } finally {
      clearTimeout(timer);
    }
  }
  child.stdin?.destroy();
  child.stdout?.destroy();
  child.stderr?.destroy();
}

function remaining(deadline: number): number {
  return Math.max(1, deadline - Date.now());
}
