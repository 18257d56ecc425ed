import { fileURLToPath } from 'node:url';
import { type SettingsChild, startSettingsChild } from '../../infra/settings-child.ts';
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

interface WorkerProcess extends WorkerHandle {
  readonly pool: WorkerPoolSpec;
  readonly process: SettingsChild;
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
    const workerSettings: WorkerSettings = { ...pool.settings, role: pool.role, workerName: name };
    const child = startSettingsChild<WorkerMessage>({
      entryPath: ENTRY_PATH,
      // Credentials travel in the settings (resolved by the runner), never in the environment.
      settings: workerSettings,
      label: `worker ${name}`,
      onMessage: (message) => {
        if (message.type === 'flushed') {
          const waiter = flushWaiters.get(message.requestId);
          flushWaiters.delete(message.requestId);
          waiter?.resolve();
        } else {
          options.onMessage(worker, message);
        }
      },
      onExit: (code) => {
        live.delete(worker);
        for (const [id, waiter] of flushWaiters) {
          if (waiter.worker !== worker) continue;
          flushWaiters.delete(id);
          waiter.resolve();
        }
        const clean = code === 0 && options.replaceCleanExits === false;
        if (stopping === undefined && !clean) replace(pool, worker);
      },
    });
    const worker: WorkerProcess = {
      name,
      role: pool.role,
      pid: child.pid,
      pool,
      process: child,
      kill: child.kill,
    };
    live.add(worker);
    return { worker, ready: child.ready };
  }

  function replace(pool: WorkerPoolSpec, dead: WorkerProcess): void {
    const now = Date.now();
    const recent = (crashes.get(pool) ?? []).filter((at) => now - at < CRASH_WINDOW_MS);
    recent.push(now);
    crashes.set(pool, recent);
    if (recent.length > MAX_CRASHES) {
      options.onPoolFailed?.(
        new Error(
          `the ${roleLabelOf(pool.role)} workers keep dying (${recent.length} within ${CRASH_WINDOW_MS / 1000} s); last: ${dead.name}${dead.process.stderrNote()}`,
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
        await Promise.all(workers.map((worker) => worker.process.exited));
      } finally {
        clearTimeout(timer);
      }
      for (const worker of workers) worker.process.child.stdin?.destroy();
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
        .filter((worker) => worker.process.isReady)
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
  if (!worker.process.child.connected) return false;
  worker.process.child.send(message, (error) => {
    // The channel closed between the check and the write: the worker is exiting.
    if (error) worker.kill('SIGKILL');
  });
  return true;
}
