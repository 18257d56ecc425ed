import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../media/fixtures/seeded-random.ts';
import {
  type ClipDir,
  chunkableEncoding,
  createClipDir,
  writeFfmpegWrapper,
} from '../media/test-clip-factory.ts';
import {
  type CliResult,
  type CliRun,
  defaultCliTimeoutMs,
  processesLeft,
  processesOf,
  runCli,
  startCli,
} from './cli-test-support.ts';

/**
 * End-to-end tests of the `archbench` CLI: each test spawns `src/cli/main.ts` with the Node running vitest
 * (Node 24), from the repository root, and checks exit codes, output lines and that no process the CLI
 * started outlives it.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));
/**
 * Longest the processes the CLI started may take to disappear after it exited (signals are asynchronous).
 * Generous on purpose: waiting stops as soon as they are gone, and a loaded 2-core machine is slow.
 */
const reapGraceMs = 10_000;

async function expectNothingLeftBehind(token: string, dir: string): Promise<void> {
  expect(await processesLeft(token, { dir, graceMs: reapGraceMs, pollMs: 50 })).toEqual([]);
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Exit 2, exactly one stderr line containing every `expected` fragment, no stack, nothing left running. */
async function expectOneLineBadInput(result: CliResult, dir: string, ...expected: string[]): Promise<void> {
  expect(result.code, result.stderr).toBe(2);
  const errorLines = lines(result.stderr);
  expect(errorLines, result.stderr).toHaveLength(1);
  const [line] = errorLines;
  expect(line).toMatch(/^archbench: /);
  for (const fragment of expected) expect(line).toContain(fragment);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  await expectNothingLeftBehind(result.token, dir);
}

/** The subset of the results document these tests read; `expectValidDocument` checks the rest. */
interface ResultsDocument {
  schemaVersion: number;
  clips: {
    path: string;
    durationSec: number | null;
    runs: {
      runner: string;
      status: 'ok' | 'failed';
      findings?: { detector: string; startSec: number; endSec: number; confidence: number }[];
      counters?: {
        s3: {
          requestsByOperation: Record<string, number>;
          requestsByTier: { tier1: number; tier2: number; free: number };
          bytesUp: number;
          bytesDown: number;
        };
        serialization: Record<string, { encodeOps: number; decodeOps: number; bytes: number; cpuMs: number }>;
        compute: { cpuMsByComponent: Record<string, number>; wallMs: number; peakRssBytes: number };
      };
      decode?: {
        decodedDurationSec: number;
        containerDurationSec: number;
        truncated: boolean;
        videoFrames: number;
        audioSamples: number;
      };
      error?: { kind: string; message: string };
    }[];
  }[];
}

type RunEntry = ResultsDocument['clips'][number]['runs'][number];

/** Parses stdout as the one JSON document `--json` prints and checks it against the schemaVersion 1 contract. */
function parseDocument(stdout: string): ResultsDocument {
  const document = JSON.parse(stdout) as ResultsDocument;
  expect(document.schemaVersion).toBe(1);
  expect(Array.isArray(document.clips)).toBe(true);
  for (const clip of document.clips) {
    expect(typeof clip.path).toBe('string');
    expect(clip.durationSec === null || typeof clip.durationSec === 'number').toBe(true);
    expect(clip.runs.length).toBeGreaterThan(0);
    for (const run of clip.runs) {
      expect(['monolith', 'distributed']).toContain(run.runner);
      if (run.status === 'ok') expectValidOkRun(run, clip.durationSec);
      else {
        expect(run.status).toBe('failed');
        expect(['bad-input', 'unavailable', 'internal']).toContain(run.error?.kind);
        expect(typeof run.error?.message).toBe('string');
        expect(run.error?.message).not.toBe('');
      }
    }
  }
  return document;
}

function expectValidOkRun(run: RunEntry, durationSec: number | null): void {
  expect(typeof durationSec).toBe('number');
  expect(Array.isArray(run.findings)).toBe(true);
  for (const finding of run.findings ?? []) {
    expect(typeof finding.detector).toBe('string');
    expect(finding.endSec).toBeGreaterThan(finding.startSec);
    expect(finding.confidence).toBeGreaterThanOrEqual(0);
    expect(finding.confidence).toBeLessThanOrEqual(1);
  }
  const counters = run.counters;
  expect(counters).toBeDefined();
  if (!counters || run.runner !== 'monolith') return;
  // The monolith writes exactly one results object per clip, and S3 is asked for nothing else.
  expect(counters.s3.requestsByOperation).toEqual({ PutObject: 1 });
  expect(counters.s3.requestsByTier).toEqual({ tier1: 1, tier2: 0, free: 0 });
  expect(counters.s3.bytesUp).toBeGreaterThan(0);
  expect(counters.serialization.results?.encodeOps).toBe(1);
  expect(counters.serialization.results?.bytes).toBe(counters.s3.bytesUp);
  expect(counters.compute.wallMs).toBeGreaterThan(0);
  expect(counters.compute.peakRssBytes).toBeGreaterThan(0);
  const decode = run.decode;
  expect(decode).toBeDefined();
  expect(decode?.containerDurationSec).toBe(durationSec);
  expect(typeof decode?.truncated).toBe('boolean');
  expect((decode?.videoFrames ?? 0) + (decode?.audioSamples ?? 0)).toBeGreaterThan(0);
}

function onlyClip(document: ResultsDocument, clipPath: string): ResultsDocument['clips'][number] {
  const clip = document.clips.find((entry) => entry.path === clipPath);
  if (!clip) throw new Error(`no clip ${clipPath} in the document`);
  return clip;
}

function onlyRun(document: ResultsDocument, clipPath: string): RunEntry {
  const clip = document.clips.find((entry) => entry.path === clipPath);
  expect(clip, `no clip ${clipPath} in the document`).toBeDefined();
  const run = clip?.runs[0];
  if (!run) throw new Error(`no run for ${clipPath}`);
  return run;
}

/**
 * Why the CLI cannot run as `nobody` here, when we are root (undefined otherwise, or when it can): in a
 * checkout under a directory only its owner may enter (root's home, what `mktemp -d` makes), `nobody`
 * reaches neither the project's Node nor its sources.
 */
function unprivilegedRunProblem(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const probe = spawnSync(process.execPath, [mainPath, '--version'], {
    cwd: repoRoot,
    uid: 65534,
    gid: 65534,
    encoding: 'utf8',
  });
  if (probe.error !== undefined) return `user nobody cannot run the CLI here (${probe.error.message})`;
  if (probe.status !== 0) {
    const reason = probe.stderr.trim().split('\n')[0] ?? '';
    return `user nobody cannot run the CLI here (exit ${probe.status}: ${reason})`;
  }
  return undefined;
}
const unprivilegedProblem = unprivilegedRunProblem();
if (unprivilegedProblem !== undefined) {
  console.warn(`main.test: skipping the unreadable-file case: ${unprivilegedProblem}`);
}

let clips: ClipDir;
let dir: string;
const clip = {
  good: '',
  fourSec: '',
  halfCut: '',
  headerOnly: '',
  odd: '',
  audioOnly: '',
  videoOnly: '',
  uhd: '',
  short: '',
  long: '',
  subtitlesOnly: '',
  text: '',
  random: '',
  empty: '',
  directory: '',
  unreadable: '',
  notExecutable: '',
};

/** Writes the first `bytes` of `source` to `target`: a download or copy cut short. */
async function truncateCopy(source: string, target: string, bytes: number): Promise<string> {
  const data = await readFile(source);
  await writeFile(target, data.subarray(0, bytes));
  return target;
}

beforeAll(async () => {
  clips = await createClipDir('cli');
  dir = clips.dir;
  const tiny = (seconds: number) => [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=size=160x90:rate=25:duration=${seconds}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${seconds}`,
    ...chunkableEncoding,
    '-shortest',
  ];
  // Black, frozen and silent for 3 s: the freeze, black and silence detectors each report one finding.
  clip.good = await clips.make('good.mp4', [
    '-f',
    'lavfi',
    '-i',
    'color=c=black:size=160x90:rate=25:duration=3',
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=mono',
    '-t',
    '3',
    ...chunkableEncoding,
  ]);
  // faststart puts the index first, so a cut copy still probes and decodes as far as its data goes.
  clip.fourSec = await clips.make('four.mp4', [...tiny(4), '-movflags', '+faststart']);
  const four = await readFile(clip.fourSec);
  clip.halfCut = await truncateCopy(clip.fourSec, join(dir, 'half.mp4'), Math.floor(four.length / 2));
  const mdat = four.indexOf('mdat');
  expect(mdat).toBeGreaterThan(0);
  clip.headerOnly = await truncateCopy(clip.fourSec, join(dir, 'header-only.mp4'), mdat + 4 + 64);
  clip.odd = await clips.make(`it's a "clip" with spaces – ünïcødé 🎬.mp4`, tiny(1));
  clip.audioOnly = await clips.make('audio-only.m4a', [
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=1',
    '-c:a',
    'aac',
  ]);
  clip.videoOnly = await clips.make('video-only.mp4', [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=160x90:rate=25:duration=1',
    ...chunkableEncoding.slice(0, chunkableEncoding.indexOf('-c:a')),
  ]);
  clip.uhd = await clips.make('uhd.mp4', [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=3840x2160:rate=25:duration=0.2',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
  ]);
  clip.short = await clips.make('short.mp4', tiny(0.3));
  // Long enough to still be decoding when the signal arrives; a flat grey picture encodes in about a second.
  clip.long = await clips.make('long.mp4', [
    '-f',
    'lavfi',
    '-i',
    'color=c=gray:size=640x360:rate=25:duration=120',
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=mono',
    '-t',
    '120',
    ...chunkableEncoding,
  ]);
  const subtitles = join(dir, 'subtitles.srt');
  await writeFile(subtitles, '1\n00:00:00,000 --> 00:00:01,000\nhello\n');
  clip.subtitlesOnly = await clips.make('subtitles-only.mkv', ['-i', subtitles, '-c:s', 'srt']);
  clip.text = join(dir, 'notes.mp4');
  await writeFile(clip.text, 'These are meeting notes, not a video.\n');
  clip.random = join(dir, 'random.mp4');
  const random = createSeededRandom(7);
  await writeFile(
    clip.random,
    Uint8Array.from({ length: 64 * 1024 }, () => random.nextInt(256)),
  );
  clip.empty = join(dir, 'empty.mp4');
  await writeFile(clip.empty, '');
  clip.directory = join(dir, 'a-directory.mp4');
  await mkdir(clip.directory);
  clip.unreadable = join(dir, 'unreadable.mp4');
  await copyFile(clip.short, clip.unreadable);
  await chmod(clip.unreadable, 0o000);
  // An ffmpeg that was downloaded but never made executable.
  clip.notExecutable = join(dir, 'ffmpeg-not-executable');
  await writeFile(clip.notExecutable, '#!/bin/sh\nexit 0\n');
  await chmod(clip.notExecutable, 0o644);
  // The unreadable-file test runs the CLI as another user when we are root (root reads anything).
  await chmod(dir, 0o755);
}, 60_000);

afterAll(async () => {
  await clips?.remove();
});

describe('archbench analyze: bad input', () => {
  const cases: readonly [string, () => string, string][] = [
    ['a missing path', () => join(dir, 'missing.mp4'), 'no such file'],
    ['a directory', () => clip.directory, 'is a directory'],
    ['a zero-byte file', () => clip.empty, 'is empty (0 bytes)'],
    ['a text file renamed .mp4', () => clip.text, 'not a readable media file'],
    ['random bytes', () => clip.random, 'not a readable media file'],
    ['a file with neither video nor audio', () => clip.subtitlesOnly, 'neither a video nor an audio stream'],
    ['a file truncated before any media data', () => clip.headerOnly, 'nothing could be decoded'],
  ];
  it.each(cases)(
    '%s: exit 2 with one line naming the file and the problem',
    async (_name, file, problem) => {
      const result = await runCli(['analyze', file()]);
      await expectOneLineBadInput(result, dir, file(), problem);
      // The line on stderr says it all; a table of one failure would only repeat it.
      expect(result.stdout).toBe('');
    },
    30_000,
  );

  it.skipIf(unprivilegedProblem !== undefined)(
    `an unreadable file: exit 2 with one line${unprivilegedProblem === undefined ? '' : ` (skipped: ${unprivilegedProblem})`}`,
    async () => {
      const asRoot = process.getuid?.() === 0;
      // Root reads a mode-000 file anyway, so run the CLI as `nobody` to make the permission bite.
      const result = await runCli(['analyze', clip.unreadable], asRoot ? { uid: 65534 } : {});
      await expectOneLineBadInput(result, dir, clip.unreadable, 'not readable (permission denied)');
    },
    30_000,
  );

  it('--json still prints the document for a bad clip, with kind bad-input', async () => {
    const result = await runCli(['analyze', '--json', clip.empty]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    const run = onlyRun(parseDocument(result.stdout), clip.empty);
    expect(run.status).toBe('failed');
    expect(run.error?.kind).toBe('bad-input');
    expect(run.error?.message).toContain('is empty');
  }, 30_000);
});

describe('archbench analyze: invalid config and usage', () => {
  async function writeConfig(name: string, body: string): Promise<string> {
    const file = join(dir, name);
    const configModule = join(repoRoot, 'src/harness/config.ts');
    await writeFile(
      file,
      `import { defineConfig } from ${JSON.stringify(configModule)};\nexport default defineConfig(${body});\n`,
    );
    return file;
  }

  it('a negative chunk length: exit 2 naming the file and the field', async () => {
    const config = await writeConfig('negative.config.ts', '{ decode: { chunkSeconds: -1 } }');
    const result = await runCli(['analyze', '--config', config, clip.short]);
    await expectOneLineBadInput(result, dir, config, 'decode.chunkSeconds');
  }, 30_000);

  it('an unknown detector: exit 2 naming the file and the detector', async () => {
    const config = await writeConfig('detector.config.ts', '{ detectors: { sparkle: {} } }');
    const result = await runCli(['analyze', '--config', config, clip.short]);
    await expectOneLineBadInput(result, dir, config, 'detectors.sparkle', 'unknown detector');
  }, 30_000);

  it('a bad detector parameter: exit 2 naming the file and the parameter', async () => {
    const config = await writeConfig('param.config.ts', '{ detectors: { freeze: { sparkle: 1 } } }');
    const result = await runCli(['analyze', '--config', config, clip.short]);
    await expectOneLineBadInput(result, dir, config, 'detectors.freeze', 'unknown parameter "sparkle"');
  }, 30_000);

  it('an unknown key: exit 2 naming the file and the key', async () => {
    const config = await writeConfig('key.config.ts', '{ chunkSize: 3 }');
    const result = await runCli(['analyze', '--config', config, clip.short]);
    await expectOneLineBadInput(result, dir, config, 'chunkSize');
  }, 30_000);

  it('a config file that does not exist: exit 2', async () => {
    const config = join(dir, 'nowhere.config.ts');
    const result = await runCli(['analyze', '--config', config, clip.short]);
    await expectOneLineBadInput(result, dir, config, 'file not found');
  }, 30_000);

  it('a config file that does not load: exit 2', async () => {
    const config = join(dir, 'broken.config.ts');
    await writeFile(config, 'export default {{{;\n');
    const result = await runCli(['analyze', '--config', config, clip.short]);
    await expectOneLineBadInput(result, dir, config, 'cannot load');
  }, 30_000);

  it('a config file without a default export: exit 2 naming the file and what it must export', async () => {
    const config = join(dir, 'named.config.ts');
    const configModule = join(repoRoot, 'src/harness/config.ts');
    await writeFile(
      config,
      `import { defineConfig } from ${JSON.stringify(configModule)};\nexport const config = defineConfig({ decode: { chunkSeconds: 2 } });\n`,
    );
    const result = await runCli(['analyze', '--config', config, clip.short]);
    await expectOneLineBadInput(
      result,
      dir,
      config,
      'no default export (it exports config)',
      'export default defineConfig',
    );
  }, 30_000);

  it('a config file whose top-level await never settles: exit 2 with one line, no Node warning', async () => {
    const config = join(dir, 'hung.config.ts');
    await writeFile(config, 'await new Promise(() => {});\nexport default {};\n');
    const result = await runCli(['analyze', '--config', config, clip.short], { timeoutMs: 60_000 });
    await expectOneLineBadInput(result, dir, config, 'did not finish loading within 10 s');
  }, 70_000);

  it('a scenario file without a default export: exit 2 naming the file and what it must export', async () => {
    const scenario = join(dir, 'named-scenario.ts');
    await writeFile(scenario, 'export const scenario = { clips: [] };\n');
    const result = await runCli(['bench', '--quiet', '--scenario', scenario]);
    await expectOneLineBadInput(result, dir, scenario, 'no default export', 'export default defineScenario');
  }, 30_000);

  it('--runner nope: exit 2 naming the runner and the choices', async () => {
    const result = await runCli(['analyze', '--runner', 'nope', clip.short]);
    await expectOneLineBadInput(result, dir, '--runner nope', 'unknown runner', 'monolith');
  }, 30_000);

  it('an unknown option: exit 2', async () => {
    const result = await runCli(['analyze', '--colour', clip.short]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)[0]).toBe("archbench: error: unknown option '--colour'");
    expect(result.stdout).toBe('');
  }, 30_000);

  it('a missing clip argument: exit 2', async () => {
    const result = await runCli(['analyze']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual(["archbench: error: missing required argument 'clip'"]);
  }, 30_000);

  it('--help prints usage and exits 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: archbench/);
    expect(top.stdout).toContain('analyze [options] <clip...>');
    const sub = await runCli(['analyze', '--help']);
    expect(sub.code).toBe(0);
    for (const option of ['--runner <name>', '--json', '--config <file>'])
      expect(sub.stdout).toContain(option);
  }, 30_000);
});

describe('archbench analyze: results', () => {
  it('a good and a bad clip: exit 2, the good one still analysed with its findings', async () => {
    const missing = join(dir, 'missing.mp4');
    const result = await runCli(['analyze', '--json', clip.good, missing]);
    expect(result.code, result.stderr).toBe(2);
    expect(lines(result.stderr)).toEqual([`archbench: ${missing}: no such file`]);
    const document = parseDocument(result.stdout);
    expect(document.clips.map((entry) => entry.path)).toEqual([clip.good, missing]);
    const good = onlyRun(document, clip.good);
    expect(good.status).toBe('ok');
    expect(good.findings?.map((finding) => finding.detector).sort()).toEqual(['black', 'freeze', 'silence']);
    const bad = onlyRun(document, missing);
    expect(bad.status).toBe('failed');
    expect(bad.error).toEqual({ kind: 'bad-input', message: `${missing}: no such file` });
    await expectNothingLeftBehind(result.token, dir);
  }, 30_000);

  it('--runner both: one line per bad clip, and no file left in the temp directory', async () => {
    const missing = join(dir, 'missing.mp4');
    const tmp = await mkdtemp(join(dir, 'tmp-'));
    const result = await runCli(['analyze', '--json', '--runner', 'both', clip.good, missing], {
      env: { TMPDIR: tmp },
      timeoutMs: 90_000,
    });
    expect(result.code, result.stderr).toBe(2);
    expect(lines(result.stderr)).toEqual([`archbench: ${missing}: no such file`]);
    const document = parseDocument(result.stdout);
    expect(document.clips[0]?.runs.map((run) => [run.runner, run.status])).toEqual([
      ['monolith', 'ok'],
      ['distributed', 'ok'],
    ]);
    expect(document.clips[1]?.runs.map((run) => run.error?.kind)).toEqual(['bad-input', 'bad-input']);
    // The monolith and every worker opened an ONNX session (block-corruption): none left a log behind.
    expect(await readdir(tmp)).toEqual([]);
    await expectNothingLeftBehind(result.token, dir);
  }, 100_000);

  it('--json prints exactly the contract document and the process exits by itself', async () => {
    const result = await runCli(['analyze', '--json', clip.good]);
    expect(result.code, result.stderr).toBe(0);
    // Nothing but the document on stdout, nothing at all on stderr.
    expect(result.stderr).toBe('');
    const document = parseDocument(result.stdout);
    expect(document.clips).toHaveLength(1);
    const run = onlyRun(document, clip.good);
    expect(run.status).toBe('ok');
    expect(document.clips[0]?.durationSec).toBeCloseTo(3, 1);
    expect(run.decode?.truncated).toBe(false);
    // The embedded S3 server's dummy credentials are never printed.
    expect(result.stdout).not.toMatch(/archbench-embedded-s3|secretAccessKey|accessKeyId/);
    // No keep-alive socket or child keeps the process up: it exited by itself (the code checked above), not
    // at the kill timer of a hung run (no code, SIGKILL). No wall-clock bound: a loaded machine is slow.
    expect(result.signal).toBeNull();
    await expectNothingLeftBehind(result.token, dir);
  }, 30_000);

  it('a clip cut to half its size: analysed as far as it decodes and marked TRUNCATED', async () => {
    const json = await runCli(['analyze', '--json', clip.halfCut]);
    expect(json.code, json.stderr).toBe(0);
    const run = onlyRun(parseDocument(json.stdout), clip.halfCut);
    expect(run.status).toBe('ok');
    expect(run.decode?.truncated).toBe(true);
    expect(run.decode?.containerDurationSec).toBeCloseTo(4, 1);
    expect(run.decode?.decodedDurationSec).toBeGreaterThan(0.5);
    expect(run.decode?.decodedDurationSec).toBeLessThan(run.decode?.containerDurationSec ?? 0);

    const text = await runCli(['analyze', clip.halfCut]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('TRUNCATED');
    expect(text.stdout).toMatch(/decoded \d+\.\d\d s of 4\.\d\d s/);
    await expectNothingLeftBehind(text.token, dir);
  }, 30_000);

  it('odd but valid clips all analyse: quotes and unicode, audio or video only, 4K, under one chunk', async () => {
    const paths = [clip.odd, clip.audioOnly, clip.videoOnly, clip.uhd, clip.short];
    const result = await runCli(['analyze', '--json', ...paths]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const document = parseDocument(result.stdout);
    expect(document.clips.map((entry) => entry.path)).toEqual(paths);
    for (const path of paths) expect(onlyRun(document, path).status, path).toBe('ok');
    expect(onlyRun(document, clip.audioOnly).decode?.videoFrames).toBe(0);
    expect(onlyRun(document, clip.audioOnly).decode?.audioSamples).toBeGreaterThan(0);
    expect(onlyRun(document, clip.videoOnly).decode?.audioSamples).toBe(0);
    expect(onlyRun(document, clip.videoOnly).decode?.videoFrames).toBe(25);
    expect(onlyRun(document, clip.uhd).decode?.videoFrames).toBe(5);
    const short = onlyRun(document, clip.short);
    expect(short.decode?.containerDurationSec).toBeLessThan(1);
    expect(short.decode?.truncated).toBe(false);
    await expectNothingLeftBehind(result.token, dir);
  }, 30_000);

  it('the same clips in text mode print a table naming each path', async () => {
    const result = await runCli(['analyze', clip.odd, clip.audioOnly]);
    expect(result.code, result.stderr).toBe(0);
    expect(lines(result.stdout)).toContain(`${clip.odd}  (1.00 s)`);
    expect(result.stdout).toContain('monolith: 0 finding(s)');
    expect(result.stdout).toContain('s3 requests: PutObject 1 (tier1 1, tier2 0, free 0)');
    expect(lines(result.stderr)).toEqual([
      `analysed ${clip.odd} with monolith`,
      `analysed ${clip.audioOnly} with monolith`,
    ]);
  }, 30_000);
});

describe('archbench analyze: internal errors and signals', () => {
  it('an ffmpeg that cannot be run is an internal error: exit 70 with the stack; other clips still run', async () => {
    const missing = join(dir, 'missing.mp4');
    const result = await runCli(['analyze', '--json', clip.short, missing], {
      env: { FFMPEG_PATH: clip.notExecutable },
    });
    expect(result.code, result.stderr).toBe(70);
    expect(result.stderr).toContain(
      `archbench: internal error while analysing ${clip.short} with monolith\n`,
    );
    expect(result.stderr).toContain(`Could not run ffmpeg: spawn ${clip.notExecutable} EACCES`);
    expect(result.stderr).toMatch(/^ {4}at /m);
    // The bad clip is still reported on its own single line.
    expect(lines(result.stderr)).toContain(`archbench: ${missing}: no such file`);
    const document = parseDocument(result.stdout);
    expect(onlyRun(document, clip.short).error?.kind).toBe('internal');
    expect(onlyRun(document, missing).error?.kind).toBe('bad-input');
    await expectNothingLeftBehind(result.token, dir);
  }, 30_000);

  it('an ffmpeg that fails without a word is an internal error, not a bad clip: exit 70', async () => {
    // /bin/false as ffmpeg: it starts, decodes nothing and exits 1 silently; the clip itself is fine.
    const result = await runCli(['analyze', '--json', clip.short], { env: { FFMPEG_PATH: '/bin/false' } });
    expect(result.code, result.stderr).toBe(70);
    expect(result.stderr).toContain('ffmpeg ended (exit code 1) without decoding anything or saying why');
    expect(onlyRun(parseDocument(result.stdout), clip.short).error?.kind).toBe('internal');
    await expectNothingLeftBehind(result.token, dir);
  }, 30_000);

  it('a decoder killed part-way fails the clip in both runners (internal, exit 70), never ok', async () => {
    const dying = await writeFfmpegWrapper(dir, 'ffmpeg-dying', { killAfterMs: 300 });
    const result = await runCli(['analyze', '--json', '--runner', 'both', clip.fourSec], {
      env: { FFMPEG_PATH: dying },
      timeoutMs: 90_000,
    });
    expect(result.code, result.stderr).toBe(70);
    const runs = onlyClip(parseDocument(result.stdout), clip.fourSec).runs;
    expect(runs.map((run) => [run.runner, run.status, run.error?.kind])).toEqual([
      ['monolith', 'failed', 'internal'],
      ['distributed', 'failed', 'internal'],
    ]);
    for (const run of runs) expect(run.error?.message).toContain('ffmpeg ended (signal SIGKILL)');
    await expectNothingLeftBehind(result.token, dir);
  }, 100_000);

  it('S3 killed mid-clip: exit 1 with one line naming the endpoint (unavailable), no stack', async () => {
    // A real-time decode lasts the clip's 4 s: S3 is gone long before the results are written.
    const slow = await writeFfmpegWrapper(dir, 'ffmpeg-slow');
    const run = startCli(['analyze', '--json', clip.fourSec], { env: { FFMPEG_PATH: slow } });
    await decoderStarted(run, clip.fourSec);
    const servers = (await processesOf(run.token, dir)).filter((entry) =>
      entry.commandLine.includes('fauxqs-server-main'),
    );
    expect(servers).toHaveLength(1);
    process.kill(servers[0]?.pid ?? 0, 'SIGKILL');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^archbench: .*four\.mp4: monolith: the S3 endpoint \(http:\/\/127\.0\.0\.1:\d+\) could not be reached/,
    );
    expect(onlyRun(parseDocument(result.stdout), clip.fourSec).error?.kind).toBe('unavailable');
    await expectNothingLeftBehind(run.token, dir);
  }, 60_000);

  it.each([
    ['its shell (npm run, npx)', 1],
    ['the launcher above its shell, with the shell still there', 2],
  ] as const)(
    'SIGKILL to %s: the run stops, nothing left running',
    async (_name, shells) => {
      const run = startCli(['analyze', clip.long], { viaShells: shells });
      try {
        await decoderStarted(run, clip.long);
      } catch (error) {
        run.child.kill('SIGKILL');
        throw error;
      }
      run.kill('SIGKILL');
      const result = await run.done;
      // The CLI itself (it carries the token too), its S3 server and its ffmpeg are all gone.
      expect(await processesLeft(run.token, { dir, graceMs: 10_000, pollMs: 50 })).toEqual([]);
      expect(result.stderr).toMatch(
        /archbench: the process that started this run \(pid \d+\) has ended; stopping/,
      );
    },
    60_000,
  );

  /** Resolves once the run has an ffmpeg decoding `clipPath` (not the probe), so the signal lands mid-analysis. */
  async function decoderStarted(run: CliRun, clipPath: string): Promise<void> {
    const deadline = Date.now() + defaultCliTimeoutMs;
    let exited = false;
    run.done.then(
      () => {
        exited = true;
      },
      () => {
        exited = true;
      },
    );
    while (Date.now() < deadline && !exited) {
      const decoding = (await processesOf(run.token, dir)).some(
        (entry) =>
          entry.commandLine.includes(clipPath) &&
          entry.commandLine.includes('ffmpeg') &&
          !entry.commandLine.includes('ffprobe'),
      );
      if (decoding) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('the CLI never started decoding the clip');
  }

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)(
    '%s while analysing: exits promptly with %i, no ffmpeg or S3 server left',
    async (signal, code) => {
      const run = startCli(['analyze', clip.long]);
      try {
        await decoderStarted(run, clip.long);
      } catch (error) {
        run.child.kill('SIGKILL');
        throw error;
      }
      // The embedded S3 server runs alongside the decoder; it must go down with the CLI too.
      const before = await processesOf(run.token, dir);
      expect(before.some((entry) => entry.commandLine.includes('fauxqs-server-main'))).toBe(true);
      const signalled = performance.now();
      run.child.kill(signal);
      const result = await run.done;
      const exitMs = performance.now() - signalled;
      expect(result.code, result.stderr).toBe(code);
      // Promptly: far from the 120 s the clip would take (a loaded 2-core machine needs the margin).
      expect(exitMs).toBeLessThan(10_000);
      // It did not get to finish the clip, and an interruption is no bug: no stack.
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/^\s+at /m);
      await expectNothingLeftBehind(run.token, dir);
    },
    40_000,
  );
});
