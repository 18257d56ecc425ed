import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

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

/**
 * Ends every child, runs the signal clean-ups and exits with `code`: how SIGINT and SIGTERM end the process,
 * and how it ends when its launcher goes (`exitWhenLauncherEnds`).
 */
function terminate(code: number): void {
  killAll('SIGTERM');
  const cleanups = [...signalExitCleanups].reverse();
  signalExitCleanups.clear();
  if (cleanups.length === 0) process.exit(code);
  void Promise.allSettled(cleanups.map((cleanup) => cleanup())).then(() => process.exit(code));
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => killAll('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Conventional exit status for death by signal: 128 + signal number. The listener is gone after the
    // first signal, so a second one ends the process at once (Node's default).
    process.once(signal, () => terminate(signal === 'SIGINT' ? 130 : 143));
  }
}

/** A process as /proc shows it: enough to tell it is still the same one, alive. */
interface ProcessStamp {
  readonly pid: number;
  readonly ppid: number;
  /** Start time in clock ticks since boot (a reused pid has another). */
  readonly startTicks: string;
  /** Arguments, split at NUL. */
  readonly argv: readonly string[];
}

function stampOf(pid: number): ProcessStamp | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After "pid (comm) ": state, ppid, ... starttime is field 22 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return { pid, ppid: Number(fields[1]), startTicks: fields[19] ?? '', argv };
  } catch {
    return undefined;
  }
}

/** Whether no process `pid` exists any more (`process.ppid` is fixed at start-up, so it cannot tell). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** `sh -c '<command line>'`: a shell that only runs a command line for whoever started it. */
function isCommandShell(stamp: ProcessStamp): boolean {
  const shell = stamp.argv[0]?.split('/').pop() ?? '';
  return ['sh', 'dash', 'bash', 'zsh'].includes(shell) && stamp.argv[1] === '-c';
}

/**
 * Ends this process as SIGTERM does (children ended, clean-ups run, exit 143) within about `pollMs` of its
 * launcher ending, however it ended (SIGKILL included), so that a run never outlives whoever started it.
 * The launcher is the parent, and, while that is a shell running a command line (`sh -c`, as npm, npx and
 * make run scripts), the shell's parent too: SIGTERM or SIGKILL to `npm run bench` ends npm, not always
 * its shell. Where /proc is missing, only the parent is watched.
 */
export function exitWhenLauncherEnds(pollMs = 250): void {
  // No installHooks() here: a command that starts no child keeps its own SIGINT handling (serve closes its
  // server and exits 0).
  const parentPid = process.ppid;
  const launchers: ProcessStamp[] = [];
  for (let stamp = stampOf(parentPid); stamp !== undefined; stamp = stampOf(stamp.ppid)) {
    launchers.push(stamp);
    if (!isCommandShell(stamp) || stamp.ppid <= 1) break;
  }
  const timer = setInterval(() => {
    const gone =
      launchers.length === 0
        ? isGone(parentPid)
          ? parentPid
          : undefined
        : launchers.find((launcher) => stampOf(launcher.pid)?.startTicks !== launcher.startTicks)?.pid;
    if (gone === undefined) return;
    clearInterval(timer);
    // stderr may be a pipe nobody reads any more: a failed write must not stop the clean-up.
    process.stderr.on('error', () => {});
    process.stderr.write(`archbench: the process that started this run (pid ${gone}) has ended; stopping\n`);
    terminate(143);
  }, pollMs);
  timer.unref();
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
