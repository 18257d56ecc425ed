import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { spawnTracked } from '../../infra/child-processes.ts';
import {
  type RunnerMessage,
  roleLabelOf,
  type WorkerMessage,
  type WorkerRole,
  type WorkerSettings,
} from './worker-protocol.ts';

/**
 * Worker processes, one pool per activity (like one Lambda function each). A worker that dies is
 * replaced, as Lambda replaces a crashed environment, unless a pool keeps crashing (then the pool is
 * reported failed instead of being restarted forever). Disposing stops every worker: `stop` over IPC, then
 * SIGKILL after a grace period.
 */

/** One pool: `size` workers of `role`, all with the same settings. */
export interface WorkerPoolSpec {
  readonly role: WorkerRole;
  readonly size: number;
  readonly settings: Omit<WorkerSettings, 'role' | 'workerName'>;
}

/** A running worker, as tests and the runner see it. */
export interface WorkerHandle {
  /** Unique within the pools, e.g. `detect-freeze#2`; also the `workerName` it polls with. */
  readonly name: string;
  readonly role: WorkerRole;
  readonly pid: number | undefined;
  /** Sends a signal to the worker process (tests kill workers this way). */
  kill(signal: NodeJS.Signals): void;
}

export interface WorkerPoolsOptions {
  /** Every message a worker sends except `ready` and `flushed`. */
  readonly onMessage: (worker: WorkerHandle, message: WorkerMessage) => void;
  /** A pool kept crashing and is no longer restarted: work for it would wait forever. */
  readonly onPoolFailed?: (error: Error) => void;
  /** Longest wait for every worker to report ready, ms (default 60,000: a busy 2-core machine is slow). */
  readonly startTimeoutMs?: number;
  /** Wait after `stop` before SIGKILL, ms (default 3,000). */
  readonly stopGraceMs?: number;
  /**
   * Replace a worker that exited with code 0 (default true). A worker exits 0 only when told to, or when
   * its activity was deleted; `archbench worker` passes false so a finished run's workers are not
   * restarted against a deleted activity (it waits for the next run's activities instead).
   */
  readonly replaceCleanExits?: boolean;
}

export interface WorkerPools extends AsyncDisposable {
  /** Live workers (replacements included). */
  readonly workers: readonly WorkerHandle[];
  /** Workers started to replace ones that died. */
  readonly replacements: number;
  /**
   * Resolves once every live worker has no task of `clipKey` running and has sent all its counts for it
   * (IPC keeps order, so they have arrived when this resolves).
   */
  flush(clipKey: string): Promise<void>;
  /** Stops every worker; resolves once all have exited. Idempotent. */
  stop(): Promise<void>;
}

const ENTRY_PATH = fileURLToPath(new URL('./worker-main.ts', import.meta.url));
/** Crashes of one pool within CRASH_WINDOW_MS after which it is not restarted again. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 30_000;
const STDERR_TAIL_BYTES = 4096;

interface WorkerProcess extends WorkerHandle {
  readonly child: ChildProcess;
  readonly pool: WorkerPoolSpec;
  readonly exited: Promise<void>;
  ready: boolean;
  stderrTail: string;
}

/** Starts every pool and resolves once all workers are ready; on failure, stops what it started. */
export async function startWorkerPools(
  specs: readonly WorkerPoolSpec[],
  options: WorkerPoolsOptions,
): Promise<WorkerPools> {
  const live = new Set<WorkerProcess>();
  const crashes = new Map<WorkerPoolSpec, number[]>();
  const sequence = new Map<string, number>();
  const flushWaiters = new Map<number, { worker: WorkerProcess; resolve: () => void }>();
  let nextFlushId = 1;
  let replacements = 0;
  let stopping: Promise<void> | undefined;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const stopGraceMs = options.stopGraceMs ?? 3_000;

  function spawnWorker(pool: WorkerPoolSpec): { worker: WorkerProcess; ready: Promise<void> } {
    const label = roleLabelOf(pool.role);
    const number = (sequence.get(label) ?? 0) + 1;
    sequence.set(label, number);
    const name = `${label}#${number}`;
    const child = spawnTracked(process.execPath, ['--disable-warning=ExperimentalWarning', ENTRY_PATH], {
      // Nothing from our environment but what ffmpeg lookup needs: credentials travel on stdin.
      env: workerEnvironment(),
      stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let resolveReady: () => void = () => {};
    let rejectReady: (error: Error) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      resolveReady = resolve;
      rejectReady = reject;
    });
    // A worker that never becomes ready is handled by the start timeout, or by its exit.
    ready.catch(() => {});
    const exited = new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    const worker: WorkerProcess = {
      name,
      role: pool.role,
      pid: child.pid,
      child,
      pool,
      exited,
      ready: false,
      stderrTail: '',
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
    };
    live.add(worker);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => {
      worker.stderrTail = (worker.stderrTail + text).slice(-STDERR_TAIL_BYTES);
    });
    // The worker may die before reading its settings; that shows as its exit, not as a write error.
    child.stdin?.on('error', () => {});
    const workerSettings: WorkerSettings = { ...pool.settings, role: pool.role, workerName: name };
    child.stdin?.write(`${JSON.stringify(workerSettings)}\n`);
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') {
        worker.ready = true;
        resolveReady();
      } else if (message.type === 'flushed') {
        const waiter = flushWaiters.get(message.requestId);
        flushWaiters.delete(message.requestId);
        waiter?.resolve();
      } else {
        options.onMessage(worker, message);
      }
    });
    child.once('exit', (code, signal) => {
      live.delete(worker);
      rejectReady(
        new Error(
          `worker ${name} exited before it was ready (code ${code}, signal ${signal})${stderrNote(worker)}`,
        ),
      );
      for (const [id, waiter] of flushWaiters) {
        if (waiter.worker !== worker) continue;
        flushWaiters.delete(id);
        waiter.resolve();
      }
      const clean = code === 0 && options.replaceCleanExits === false;
      if (stopping === undefined && !clean) replace(pool, worker);
    });
    return { worker, ready };
  }

  function replace(pool: WorkerPoolSpec, dead: WorkerProcess): void {
    const now = Date.now();
    const recent = (crashes.get(pool) ?? []).filter((at) => now - at < CRASH_WINDOW_MS);
    recent.push(now);
    crashes.set(pool, recent);
    if (recent.length > MAX_CRASHES) {
      options.onPoolFailed?.(
        new Error(
          `the ${roleLabelOf(pool.role)} workers keep dying (${recent.length} within ${CRASH_WINDOW_MS / 1000} s); last: ${dead.name}${stderrNote(dead)}`,
        ),
      );
      return;
    }
    replacements += 1;
    spawnWorker(pool);
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      const workers = [...live];
      for (const worker of workers) sendTo(worker, { type: 'stop' });
      const timer = setTimeout(() => {
        for (const worker of workers) worker.kill('SIGKILL');
      }, stopGraceMs);
      try {
        await Promise.all(workers.map((worker) => worker.exited));
      } finally {
        clearTimeout(timer);
      }
      for (const worker of workers) worker.child.stdin?.destroy();
    })();
    return stopping;
  }

  const started = specs.flatMap((pool) => Array.from({ length: pool.size }, () => spawnWorker(pool).ready));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(started),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`workers did not become ready within ${startTimeoutMs} ms`)),
          startTimeoutMs,
        );
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }

  return {
    get workers() {
      return [...live];
    },
    get replacements() {
      return replacements;
    },
    async flush(clipKey) {
      const waits = [...live]
        .filter((worker) => worker.ready)
        .map(
          (worker) =>
            new Promise<void>((resolve) => {
              const requestId = nextFlushId++;
              flushWaiters.set(requestId, { worker, resolve });
              if (!sendTo(worker, { type: 'flush', requestId, clipKey })) {
                flushWaiters.delete(requestId);
                resolve();
              }
            }),
        );
      await Promise.all(waits);
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

function sendTo(worker: WorkerProcess, message: RunnerMessage): boolean {
  if (!worker.child.connected) return false;
  worker.child.send(message, (error) => {
    // The channel closed between the check and the write: the worker is exiting.
    if (error) worker.kill('SIGKILL');
  });
  return true;
}

function stderrNote(worker: WorkerProcess): string {
  const tail = worker.stderrTail.trim();
  return tail === '' ? '' : `\n--- worker stderr ---\n${tail}`;
}

/** PATH (ffmpeg lookup, and markers tests put there) and the ffmpeg overrides; nothing else. */
function workerEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
  for (const name of ['FFMPEG_PATH', 'FFPROBE_PATH', 'TMPDIR', 'HOME']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}
