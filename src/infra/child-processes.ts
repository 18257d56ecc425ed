import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

/**
 * Every child process archbench starts (ffmpeg, ffprobe, workers, servers) is spawned through here, so
 * that one place can end them all on exit, SIGINT and SIGTERM. Arguments are always an array: no shell.
 */
const live = new Set<ChildProcess>();
let hooksInstalled = false;

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
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
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

/** Number of tracked children still running (tests assert nothing is left behind). */
export function liveChildCount(): number {
  return [...live].filter((child) => child.exitCode === null && child.signalCode === null).length;
}
