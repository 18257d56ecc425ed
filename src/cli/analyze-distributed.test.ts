import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClipDir, chunkableEncoding, createClipDir } from '../media/test-clip-factory.ts';
import { type CliOptions, processesLeft, processLinesOf, startCli, waitFor } from './cli-test-support.ts';

/**
 * End-to-end runs of `archbench analyze` with the distributed runner: `--runner both` prints one document
 * with both runners' identical findings, and SIGINT or SIGTERM mid-run leaves no worker, ffmpeg or server
 * behind. Every process a run starts carries a marker in PATH, so leftovers are found through /proc.
 */

/** A run is killed as hung after 90 s. */
const cliOptions: CliOptions = { timeoutMs: 90_000, tokenPrefix: 'archbench-distributed-cli' };

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
    const run = startCli(['analyze', '--runner', 'both', '--json', shortClip], cliOptions);
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
    expect(await processesLeft(run.token, { dir: clips.dir, graceMs: 3_000 })).toEqual([]);
  }, 90_000);

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s mid-run: exit %i, and no worker, ffmpeg or server is left',
    async (signal, exitCode) => {
      const run = startCli(['analyze', '--runner', 'distributed', longClip], cliOptions);
      // Wait until the workers are at it: an ffmpeg of a converter is decoding the clip.
      const busy = await waitFor(
        () => processLinesOf(run.token, clips.dir),
        (found) => found.some((line) => line.includes('ffmpeg')),
        60_000,
      );
      expect(busy.some((line) => line.includes('worker-main.ts'))).toBe(true);
      run.kill(signal);
      const result = await run.done;
      expect(result.code).toBe(exitCode);
      expect(await processesLeft(run.token, { dir: clips.dir, graceMs: 5_000 })).toEqual([]);
    },
    90_000,
  );
});
