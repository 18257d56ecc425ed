import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { spawnTracked } from './child-processes.ts';

/**
 * A server running in a child process on 127.0.0.1 (it plays AWS, so its CPU time must not be charged to
 * the process under measurement). The child is a TypeScript entry run by this process's Node binary;
 * it prints one line `{"url": "http://127.0.0.1:<port>"}` when listening and answers `GET /health`.
 */
export interface LoopbackChildServer {
  readonly url: string;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child exited. Idempotent. */
  stop(): Promise<void>;
}

export interface LoopbackChildServerOptions {
  /** Absolute path of the child's entry file. */
  readonly entryPath: string;
  readonly args?: readonly string[];
  /** Name used in error messages (`embedded Step Functions`). */
  readonly label: string;
  /** Longest wait for the server to accept requests, ms. */
  readonly startTimeoutMs: number;
  /** Wait after SIGTERM before SIGKILL, ms. */
  readonly stopGraceMs: number;
}

/** Bytes of the child's stderr kept for a start-up error message. */
const STDERR_TAIL_BYTES = 4096;
const READY_POLL_INTERVAL_MS = 50;

/**
 * Starts the child (through `spawnTracked`, so it ends with this process) and resolves once its health
 * endpoint answers. Throws, with the child's stderr, if it exits or does not answer within
 * `startTimeoutMs`; the child is stopped first.
 */
export async function startLoopbackChildServer(
  options: LoopbackChildServerOptions,
): Promise<LoopbackChildServer> {
  const deadline = Date.now() + options.startTimeoutMs;
  const child = spawnTracked(
    process.execPath,
    ['--disable-warning=ExperimentalWarning', options.entryPath, ...(options.args ?? [])],
    {
      // A clean environment: the server needs nothing from ours, least of all AWS credentials.
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_BYTES);
  });
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= endChild(child, options.stopGraceMs);
    return stopping;
  };

  try {
    const url = await readListeningUrl(child, deadline);
    await waitUntilHealthy(url, child, deadline);
    // Nothing more is read from stdout; keep draining it so the child can never block on a full pipe.
    child.stdout?.resume();
    return { url, stop };
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    const stderr = stderrTail.trim();
    throw new Error(
      `${options.label} failed to start: ${reason}${stderr === '' ? '' : `\n--- server stderr ---\n${stderr}`}`,
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
