import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Every child process archbench starts (ffmpeg, ffprobe, workers, servers) is spawned through here, so
 * that one place can end them all on exit, SIGINT and SIGTERM. Arguments are always an array: no shell.
 */
const live = new Set<ChildProcess>();
let hooksInstalled = false;
/** Awaited on SIGINT/SIGTERM before the process exits (see `onSignalExit`). */
const signalExitCleanups = new Set<() => Promise<void>>();

function killAll(signal: NodeJS.Signals): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll('SIGTERM');
      // Conventional exit status for death by signal: 128 + signal number.
      const code = signal === 'SIGINT' ? 130 : 143;
      const cleanups = [...signalExitCleanups].reverse();
      signalExitCleanups.clear();
      if (cleanups.length === 0) process.exit(code);
      // This listener is gone now, so a second signal ends the process at once (Node's default).
      void Promise.allSettled(cleanups.map((cleanup) => cleanup())).then(() => process.exit(code));
    });
  }
}

/**
 * Runs `cleanup` (e.g. deleting what a run created in AWS) when SIGINT or SIGTERM ends the process, before
 * it exits; the signal exit otherwise skips every `finally` and `await using`. Dispose to unregister.
 */
export function onSignalExit(cleanup: () => Promise<void>): Disposable {
  installHooks();
  signalExitCleanups.add(cleanup);
  return { [Symbol.dispose]: () => void signalExitCleanups.delete(cleanup) };
}

/** Spawns `command` with `args` (never through a shell) and tracks it until it exits. */
export function spawnTracked(
  command: string,
  args: readonly string[],
  options: SpawnOptions = {},
): ChildProcess {
  installHooks();
  const child = spawn(command, args, { ...options, shell: false });
  live.add(child);
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  return child;
}

/** Process ids of the tracked children still running (a process measures its decoders' memory with them). */
export function liveChildPids(): number[] {
  return [...live]
    .filter((child) => child.exitCode === null && child.signalCode === null && child.pid !== undefined)
    .map((child) => child.pid as number);
}

/** Number of tracked children still running (tests assert nothing is left behind). */
export function liveChildCount(): number {
  return [...live].filter((child) => child.exitCode === null && child.signalCode === null).length;
}
