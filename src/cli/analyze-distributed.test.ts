import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTracked } from '../infra/child-processes.ts';
import { type ClipDir, chunkableEncoding, createClipDir } from '../media/test-clip-factory.ts';

/**
 * End-to-end runs of `archbench analyze` with the distributed runner: `--runner both` prints one document
 * with both runners' identical findings, and SIGINT or SIGTERM mid-run leaves no worker, ffmpeg or server
 * behind. Every process a run starts carries a marker in PATH, so leftovers are found through /proc.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));

interface CliRun {
  readonly token: string;
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly done: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
}

function startCli(args: readonly string[]): CliRun {
  const token = `archbench-distributed-cli-${randomUUID()}`;
  const child = spawnTracked(process.execPath, [mainPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/nonexistent/${token}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (piece: Buffer) => stdout.push(piece));
  child.stderr?.on('data', (piece: Buffer) => stderr.push(piece));
  const done = new Promise<Awaited<CliRun['done']>>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
  return { token, kill: (signal) => child.kill(signal), done };
}

/** Command lines of the processes started by the run marked `token` (or naming a clip in `dir`). */
async function processesOf(token: string, dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const [commandLine, environment] = await Promise.all([
        readFile(`/proc/${name}/cmdline`, 'utf8'),
        readFile(`/proc/${name}/environ`, 'utf8'),
      ]);
      const line = commandLine.replaceAll('\0', ' ').trim();
      if (line !== '' && (environment.includes(token) || line.includes(dir))) found.push(`${name} ${line}`);
    } catch {
      // Ended while we looked, or not ours to read.
    }
  }
  return found;
}

async function waitFor<T>(
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await probe();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}

let clips: ClipDir;
let shortClip: string;
let longClip: string;

beforeAll(async () => {
  clips = await createClipDir('cli-distributed');
  // Black and silent: freeze, black and silence each report one finding.
  shortClip = await clips.make('black-3s.mp4', [
    ...['-f', 'lavfi', '-i', 'color=c=black:size=160x90:rate=25:duration=3'],
    ...['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono'],
    '-t',
    '3',
    ...chunkableEncoding,
  ]);
  longClip = await clips.make('grey-60s.mp4', [
    ...['-f', 'lavfi', '-i', 'color=c=gray:size=160x90:rate=25:duration=60'],
    ...['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=mono'],
    '-t',
    '60',
    ...chunkableEncoding,
  ]);
}, 60_000);

afterAll(async () => {
  await clips?.remove();
});

describe('archbench analyze --runner distributed|both', () => {
  it('--runner both: one document, both runners, identical findings, exit 0, nothing left running', async () => {
    const run = startCli(['analyze', '--runner', 'both', '--json', shortClip]);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const document = JSON.parse(result.stdout) as {
      clips: {
        runs: {
          runner: string;
          status: string;
          findings: unknown[];
          counters: { sfn: { executionsStarted: number } };
        }[];
      }[];
    };
    const runs = document.clips[0]?.runs ?? [];
    expect(runs.map((entry) => [entry.runner, entry.status])).toEqual([
      ['monolith', 'ok'],
      ['distributed', 'ok'],
    ]);
    expect(runs[1]?.findings).toEqual(runs[0]?.findings);
    expect(runs[0]?.findings.length).toBe(3);
    expect(runs[1]?.counters.sfn.executionsStarted).toBe(3);
    expect(
      await waitFor(
        () => processesOf(run.token, clips.dir),
        (left) => left.length === 0,
        3_000,
      ),
    ).toEqual([]);
  }, 90_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s mid-run: exit %i, and no worker, ffmpeg or server is left',
    async (signal, exitCode) => {
      const run = startCli(['analyze', '--runner', 'distributed', longClip]);
      // Wait until the workers are at it: an ffmpeg of a converter is decoding the clip.
      const busy = await waitFor(
        () => processesOf(run.token, clips.dir),
        (found) => found.some((line) => line.includes('ffmpeg')),
        60_000,
      );
      expect(busy.some((line) => line.includes('worker-main.ts'))).toBe(true);
      run.kill(signal);
      const result = await run.done;
      expect(result.code).toBe(exitCode);
      expect(
        await waitFor(
          () => processesOf(run.token, clips.dir),
          (left) => left.length === 0,
          5_000,
        ),
      ).toEqual([]);
    },
    90_000,
  );
});
