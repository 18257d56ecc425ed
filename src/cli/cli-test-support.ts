import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';
import { spawnTracked } from '../infra/child-processes.ts';

/**
 * Shared by the CLI tests: runs the real `archbench` CLI (`src/cli/main.ts`) as a child process with the
 * Node running vitest (Node 24), from the repository root, or `main` in-process; and finds, through /proc,
 * the processes a run left behind.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Longest a CLI run may take, by default, before it is killed as hung (a busy 2-core machine is slow). */
export const defaultCliTimeoutMs = 30_000;

/** How a CLI child process ended, and what it wrote. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** From spawn to exit, ms. */
  readonly wallMs: number;
  /** Marker in the environment of every process this run started (see `startCli`). */
  readonly token: string;
}

/** A CLI child process that is running, or has ended once `done` resolves. */
export interface CliRun {
  readonly child: ChildProcess;
  /** Marker in the environment of every process this run started (see `startCli`). */
  readonly token: string;
  /** Sends `signal` to the CLI process (not to what it started: the CLI must end those itself). */
  readonly kill: (signal: NodeJS.Signals) => void;
  /** Everything the CLI wrote on stderr until now. */
  readonly stderrSoFar: () => string;
  /** Resolves when the CLI has exited and its output is closed; rejects if it could not be spawned. */
  readonly done: Promise<CliResult>;
}

export interface CliOptions {
  /** Variables set over the test's own environment (PATH is always the test's, plus the marker). */
  readonly env?: Readonly<Record<string, string>>;
  /** Run as this user (and group of the same id); only possible when the tests run as root. */
  readonly uid?: number;
  /** After this long, ms, the CLI is killed with SIGKILL; default `defaultCliTimeoutMs`. */
  readonly timeoutMs?: number;
  /** Start of the marker token, to tell runs apart in a failure message; default `archbench-cli-test`. */
  readonly tokenPrefix?: string;
  /**
   * Start the CLI through this many nested `sh -c` shells, as `npm run` does (one): `child` and `kill` then
   * address the outermost shell, the launcher, and `done` waits for the CLI's output to close too.
   */
  readonly viaShells?: number;
}

/** `command args` run by `shells` nested `sh -c` shells that wait for it (`"$0" "$@"; exit $?`, no exec). */
function throughShells(
  command: string,
  args: readonly string[],
  shells: number,
): { command: string; args: readonly string[] } {
  let wrapped = { command, args };
  for (let level = 0; level < shells; level++) {
    wrapped = { command: '/bin/sh', args: ['-c', '"$0" "$@"; exit $?', wrapped.command, ...wrapped.args] };
  }
  return wrapped;
}

/**
 * Starts the CLI with `args`. Every process it starts inherits a marker token in PATH (`/nonexistent/<token>`;
 * the embedded S3 server gets a clean environment but keeps PATH), so processes left behind are found through
 * /proc even after they were re-parented, and processes of other test files running in parallel are never
 * mistaken for this run's.
 */
export function startCli(args: readonly string[], options: CliOptions = {}): CliRun {
  const token = `${options.tokenPrefix ?? 'archbench-cli-test'}-${randomUUID()}`;
  const env = {
    ...process.env,
    ...options.env,
    PATH: `${process.env.PATH ?? ''}:/nonexistent/${token}`,
  };
  const started = performance.now();
  const launch = throughShells(process.execPath, [mainPath, ...args], options.viaShells ?? 0);
  const child = spawnTracked(launch.command, launch.args, {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (piece: Buffer) => stdout.push(piece));
  child.stderr?.on('data', (piece: Buffer) => stderr.push(piece));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? defaultCliTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        wallMs: performance.now() - started,
        token,
      });
    });
  });
  return {
    child,
    token,
    kill: (signal) => child.kill(signal),
    stderrSoFar: () => Buffer.concat(stderr).toString('utf8'),
    done,
  };
}

/** Runs the CLI with `args` to its end (see `startCli`). */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** What `runMainInProcess` returns: the exit code `main` returned and what it wrote. */
export interface InProcessResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `main` of the CLI in this process with `args`, capturing (and silencing) what it writes on stdout
 * and stderr. `env` variables are set for the call and restored after it. Much faster than `runCli`, for
 * tests of argument handling that start no process.
 */
export async function runMainInProcess(
  args: readonly string[],
  options: { readonly env?: Readonly<Record<string, string>> } = {},
): Promise<InProcessResult> {
  // Imported here, so tests that only spawn the CLI do not load every command into the test process.
  const { main } = await import('./main.ts');
  let stdout = '';
  let stderr = '';
  const stdoutSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const stderrSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const saved = Object.keys(options.env ?? {}).map((name) => [name, process.env[name]] as const);
  Object.assign(process.env, options.env);
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    stdoutSpy.mockRestore();
    stderrSpy.mockRestore();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** A process as /proc shows it. */
export interface ProcessEntry {
  readonly pid: number;
  /** Arguments joined by spaces. */
  readonly commandLine: string;
  /** Raw `/proc/<pid>/environ` (NUL-separated `NAME=value`). */
  readonly environment: string;
}

/**
 * Processes (other than this one, and with a command line) started by the CLI run marked `token`, or, when
 * `dir` is given, whose command line names something in `dir` (a test clip).
 */
export async function processesOf(token: string, dir?: string): Promise<ProcessEntry[]> {
  const entries: ProcessEntry[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      const [rawCommandLine, environment] = await Promise.all([
        readFile(`/proc/${pid}/cmdline`, 'utf8'),
        readFile(`/proc/${pid}/environ`, 'utf8'),
      ]);
      const commandLine = rawCommandLine.replaceAll('\0', ' ').trim();
      const named = dir !== undefined && commandLine.includes(dir);
      if (commandLine !== '' && (environment.includes(token) || named)) {
        entries.push({ pid, commandLine, environment });
      }
    } catch {
      // The process ended while we looked, or is not ours to read.
    }
  }
  return entries;
}

/** `processesOf(token, dir)` as `<pid> <command line>` lines, for readable failure messages. */
export async function processLinesOf(token: string, dir?: string): Promise<string[]> {
  return (await processesOf(token, dir)).map((entry) => `${entry.pid} ${entry.commandLine}`);
}

/**
 * Calls `probe` every `pollMs` until `done` accepts its value or `timeoutMs` has passed, and returns the
 * last value (the caller asserts on it, so a timeout fails with what was last seen).
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  pollMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollMs));
    value = await probe();
  }
  return value;
}

/**
 * The processes of the run marked `token` (or naming something in `dir`) still there after waiting up to
 * `graceMs` for them to go (signals are asynchronous), as `processLinesOf` lines: `[]` when none is left.
 */
export function processesLeft(
  token: string,
  options: { readonly dir?: string; readonly graceMs: number; readonly pollMs?: number },
): Promise<string[]> {
  return waitFor(
    () => processLinesOf(token, options.dir),
    (left) => left.length === 0,
    options.graceMs,
    options.pollMs,
  );
}
