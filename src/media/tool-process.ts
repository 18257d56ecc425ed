import type { ChildProcess } from 'node:child_process';
import { spawnTracked } from '../infra/child-processes.ts';

/**
 * Small helpers around ffmpeg/ffprobe child processes: a bounded stderr tail (kept for error messages,
 * never printed on success) and exit bookkeeping that tolerates an exit that happened before anyone asked.
 */

/** Keeps only the last `limitBytes` of a stream, so a chatty failing decode cannot grow memory. */
export class StderrTail {
  readonly #limitBytes: number;
  #pieces: Buffer[] = [];
  #bytes = 0;

  constructor(limitBytes = 8192) {
    this.#limitBytes = limitBytes;
  }

  push(piece: Buffer): void {
    this.#pieces.push(piece);
    this.#bytes += piece.length;
    while (this.#bytes - (this.#pieces[0]?.length ?? 0) >= this.#limitBytes && this.#pieces.length > 1) {
      this.#bytes -= this.#pieces.shift()?.length ?? 0;
    }
  }

  /** The captured tail as text. */
  text(): string {
    const all = Buffer.concat(this.#pieces).toString('utf8');
    return all.slice(Math.max(0, all.length - this.#limitBytes));
  }

  /**
   * The last non-empty line (without `[xyz @ 0x..]` prefixes and level tags such as `[error]`), or '' when
   * nothing was written.
   */
  lastLine(): string {
    const lines = this.text()
      .split(/\r?\n/)
      .map((line) =>
        line
          .replace(/^\[[^\]]*@ ?0x[0-9a-f]+\]\s*/i, '')
          .replace(/^\[(panic|fatal|error|warning)\]\s*/, '')
          .trim(),
      )
      .filter((line) => line !== '');
    return lines.at(-1) ?? '';
  }
}

/** How a child process ended. */
export interface ExitStatus {
  /** Exit code, or null when it was ended by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all (e.g. ENOENT for a wrong binary path). */
  readonly spawnError?: Error;
}

/** Resolves once `child` has exited (or failed to start). Must be called right after spawning. */
export function exitOf(child: ChildProcess): Promise<ExitStatus> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, spawnError: error }));
  });
}

/** Result of a tool run to completion. */
export interface ToolResult extends ExitStatus {
  readonly stdout: Buffer;
  readonly stderr: StderrTail;
}

/** Runs `command args` to completion, collecting stdout (whole) and the last `stderrLimitBytes` of stderr. */
export async function runTool(
  command: string,
  args: readonly string[],
  stderrLimitBytes = 8192,
): Promise<ToolResult> {
  const child = spawnTracked(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = exitOf(child);
  const stdoutPieces: Buffer[] = [];
  const stderr = new StderrTail(stderrLimitBytes);
  child.stdout?.on('data', (piece: Buffer) => stdoutPieces.push(piece));
  child.stderr?.on('data', (piece: Buffer) => stderr.push(piece));
  const streamsClosed = new Promise<void>((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
  const status = await exited;
  await streamsClosed;
  return { ...status, stdout: Buffer.concat(stdoutPieces), stderr };
}
