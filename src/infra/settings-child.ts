import type { ChildProcess } from 'node:child_process';
import { spawnTracked } from './child-processes.ts';

/**
 * A Node child process that gets its settings as one JSON line on stdin (`readSettingsLine`), says
 * `{ type: 'ready' }` over IPC once it can work, and then talks over IPC. The distributed runner's workers
 * and the monolith's clones are started this way.
 */

export interface SettingsChildOptions<TMessage> {
  /** The child's entry file. */
  readonly entryPath: string;
  /** Sent as one JSON line on stdin: never argv or the environment, since it may hold credentials. */
  readonly settings: unknown;
  /** Names the child in errors (`worker detect-freeze#1`, `monolith clone 2`). */
  readonly label: string;
  /** Pass the `AWS_*` variables on, for a child that uses the SDK's default credential chain itself. */
  readonly awsEnvironment?: boolean;
  /** Start the child in its own process group (so its own children can be ended with it). */
  readonly detached?: boolean;
  /** Every message but `ready`. */
  readonly onMessage: (message: Exclude<TMessage, { readonly type: 'ready' }>) => void;
  /** After the child exited; `ready` is rejected first if it never became ready. */
  readonly onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface SettingsChild {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  /** Resolves at the child's `ready` message; rejects, naming its exit and stderr, if it exits first. */
  readonly ready: Promise<void>;
  /** Whether `ready` has resolved. */
  readonly isReady: boolean;
  /** Resolves once the process has exited (or could not start). */
  readonly exited: Promise<void>;
  /** The end of the child's stderr as a note to append to an error message; '' when it wrote nothing. */
  stderrNote(): string;
  /** Sends `signal` unless the process has already exited. */
  kill(signal: NodeJS.Signals): void;
}

const STDERR_TAIL_BYTES = 4096;

export function startSettingsChild<TMessage extends { readonly type: string }>(
  options: SettingsChildOptions<TMessage>,
): SettingsChild {
  const child = spawnTracked(process.execPath, ['--disable-warning=ExperimentalWarning', options.entryPath], {
    env: childEnvironment(options.awsEnvironment ?? false),
    stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
    serialization: 'json',
    ...(options.detached ? { detached: true } : {}),
  });
  let isReady = false;
  let stderrTail = '';
  let resolveReady: () => void = () => {};
  let rejectReady: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    resolveReady = resolve;
    rejectReady = reject;
  });
  // A child that never becomes ready is the caller's start timeout's business, or shows as its exit.
  ready.catch(() => {});
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const stderrNote = (): string => {
    const tail = stderrTail.trim();
    return tail === '' ? '' : `\n--- ${options.label} stderr ---\n${tail}`;
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderrTail = (stderrTail + text).slice(-STDERR_TAIL_BYTES);
  });
  // The child may die before reading its settings; that shows as its exit, not as a write error.
  child.stdin?.on('error', () => {});
  child.stdin?.write(`${JSON.stringify(options.settings)}\n`);
  child.on('message', (message: TMessage) => {
    if (message.type === 'ready') {
      isReady = true;
      resolveReady();
    } else {
      options.onMessage(message as Exclude<TMessage, { readonly type: 'ready' }>);
    }
  });
  child.once('exit', (code, signal) => {
    const how = signal === null ? `code ${code}` : `signal ${signal}`;
    rejectReady(new Error(`${options.label} exited before it was ready (${how})${stderrNote()}`));
    options.onExit?.(code, signal);
  });
  return {
    child,
    pid: child.pid,
    ready,
    get isReady() {
      return isReady;
    },
    exited,
    stderrNote,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/** PATH (ffmpeg lookup, and markers tests put there), the ffmpeg overrides and, if asked, `AWS_*`. */
function childEnvironment(withAws: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '' };
  for (const [name, value] of Object.entries(process.env)) {
    const wanted =
      ['FFMPEG_PATH', 'FFPROBE_PATH', 'TMPDIR', 'HOME'].includes(name) ||
      (withAws && name.startsWith('AWS_'));
    if (wanted && value !== undefined) env[name] = value;
  }
  return env;
}
