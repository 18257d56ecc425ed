import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Counters } from '../core/counters.ts';
import { fixturePath, fixturesForTests } from '../harness/test-fixtures.ts';
import { spawnTracked } from '../infra/child-processes.ts';
import { main } from './main.ts';
import { parseActivity, workerCommandLine } from './worker-command.ts';

/**
 * `archbench worker` and `--workers external`: argument errors are one line and exit 2; a run started
 * with `--workers external` is served by an `archbench worker` started apart (as a user would, from the
 * command the run prints), finds what the monolith finds and counts exactly what the in-process pools
 * count; SIGTERM ends the worker with 143 and nothing of it left running.
 */

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const mainPath = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Runs `main` in-process and returns its exit code and what it wrote on stderr. */
async function runMain(args: readonly string[]): Promise<{ code: number; stderr: string }> {
  const written: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
    written.push(String(text));
    return true;
  });
  try {
    const code = await main(args);
    return { code, stderr: written.join('') };
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('archbench worker: argument errors', () => {
  const endpoints = ['--s3-endpoint', 'http://127.0.0.1:1', '--sfn-endpoint', 'http://127.0.0.1:2'];
  it.each([
    ['no --activity', ['worker', ...endpoints], /--activity/],
    [
      'unknown activity',
      ['worker', '--activity', 'detect-nope', ...endpoints],
      /--activity detect-nope: unknown/,
    ],
    ['bad fleet', ['worker', '--activity', 'all', '--fleet', 'a b', ...endpoints], /--fleet a b/],
    ['embedded without endpoints', ['worker', '--activity', 'all', '--backend', 'embedded'], /--s3-endpoint/],
    [
      'unknown backend',
      ['worker', '--activity', 'all', '--backend', 'nimbus', ...endpoints],
      /--backend nimbus/,
    ],
    [
      'endpoint not a URL',
      ['worker', '--activity', 'all', '--s3-endpoint', 'localhost', '--sfn-endpoint', 'http://127.0.0.1:2'],
      /--s3-endpoint localhost: not a URL/,
    ],
    [
      'analyze --workers bogus',
      ['analyze', '--runner', 'distributed', '--workers', 'bogus', 'x.mp4'],
      /--workers bogus/,
    ],
    [
      'analyze --workers external --runner monolith',
      ['analyze', '--workers', 'external', 'x.mp4'],
      /--runner distributed/,
    ],
    [
      'analyze --fleet without external',
      ['analyze', '--runner', 'distributed', '--fleet', 'f', 'x.mp4'],
      /--fleet/,
    ],
  ])('%s: one line, exit 2', async (_name, args, message) => {
    const { code, stderr } = await runMain(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('--activity takes all, a role, detect-<name> or a detector name', () => {
    const detectors = ['freeze', 'black'];
    expect(parseActivity('all', detectors).map((role) => role.kind)).toEqual([
      'convert',
      'detect',
      'detect',
      'aggregate',
    ]);
    expect(parseActivity('detect-black', detectors)).toEqual([{ kind: 'detect', detector: 'black' }]);
    expect(parseActivity('freeze', detectors)).toEqual([{ kind: 'detect', detector: 'freeze' }]);
    expect(parseActivity('aggregate', detectors)).toEqual([{ kind: 'aggregate' }]);
  });

  it('the printed command names the endpoints, and the bucket and region only when not the defaults', () => {
    const where = {
      fleet: 'blue',
      s3: { endpoint: 'http://127.0.0.1:9000', region: 'eu-west-1', forcePathStyle: true },
      stepFunctions: { endpoint: 'http://127.0.0.1:9001', region: 'eu-west-1' },
      bucket: 'run bucket',
    };
    expect(
      workerCommandLine(
        where,
        { backend: 'embedded', config: 'my config.ts' },
        { region: 'us-east-1', bucket: 'archbench' },
      ),
    ).toBe(
      "archbench worker --backend embedded --activity all --fleet blue --config 'my config.ts' --s3-endpoint http://127.0.0.1:9000 --sfn-endpoint http://127.0.0.1:9001 --region eu-west-1 --bucket 'run bucket'",
    );
  });
});

interface Child {
  readonly kill: (signal: NodeJS.Signals) => void;
  readonly stderrSoFar: () => string;
  readonly done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function startCli(args: readonly string[], token: string): Child {
  const child = spawnTracked(process.execPath, [mainPath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/nonexistent/${token}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on('data', (piece: Buffer) => stdout.push(piece));
  child.stderr?.on('data', (piece: Buffer) => stderr.push(piece));
  const done = new Promise<Awaited<Child['done']>>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
  });
  return {
    kill: (signal) => child.kill(signal),
    stderrSoFar: () => Buffer.concat(stderr).toString('utf8'),
    done,
  };
}

/** Processes whose environment carries `token` (every process a child started inherits its PATH). */
async function processesOf(token: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const [commandLine, environment] = await Promise.all([
        readFile(`/proc/${name}/cmdline`, 'utf8'),
        readFile(`/proc/${name}/environ`, 'utf8'),
      ]);
      if (environment.includes(token)) found.push(`${name} ${commandLine.replaceAll('\0', ' ').trim()}`);
    } catch {
      // Ended while we looked, or not ours to read.
    }
  }
  return found;
}

async function waitFor<T>(
  probe: () => T | Promise<T>,
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

interface RunEntry {
  readonly runner: string;
  readonly status: string;
  readonly findings: unknown[];
  readonly counters: Counters;
}

function runsOf(stdout: string): RunEntry[] {
  return (JSON.parse(stdout) as { clips: { runs: RunEntry[] }[] }).clips[0]?.runs ?? [];
}

/** The deterministic counts of a run (timings, and DescribeExecution polls, vary run to run). */
function countsOf(counters: Counters): unknown {
  return {
    s3: {
      requestsByOperation: counters.s3.requestsByOperation,
      requestsByTier: counters.s3.requestsByTier,
      requestsByStage: counters.s3.requestsByStage,
      bytesUp: counters.s3.bytesUp,
      bytesDown: counters.s3.bytesDown,
    },
    executionsStarted: counters.sfn.executionsStarted,
    transitionsByState: counters.sfn.transitionsByState,
    serialization: Object.fromEntries(
      Object.entries(counters.serialization).map(([hop, entry]) => [
        hop,
        { encodeOps: entry.encodeOps, decodeOps: entry.decodeOps, bytes: entry.bytes },
      ]),
    ),
    invocations: Object.fromEntries(
      Object.entries(counters.compute.invocationsByTask).map(([task, entry]) => [
        task,
        { invocations: entry.invocations, memoryMb: entry.memoryMb },
      ]),
    ),
  };
}

describe('archbench analyze --workers external + archbench worker', () => {
  let clip: string;
  beforeAll(async () => {
    clip = fixturePath(await fixturesForTests(), 'black');
  }, 120_000);

  it('serves the run: exit 0, the monolith findings, the pool counts, nothing left after SIGTERM', async () => {
    // Reference: the monolith and the in-process pools on the same clip.
    const reference = startCli(
      ['analyze', '--runner', 'both', '--json', clip],
      `archbench-ref-${randomUUID()}`,
    );
    const referenceResult = await reference.done;
    expect(referenceResult.code, referenceResult.stderr).toBe(0);
    const [monolith, pool] = runsOf(referenceResult.stdout);
    expect(monolith?.findings.length).toBeGreaterThan(0);

    const runToken = `archbench-run-${randomUUID()}`;
    const run = startCli(
      ['analyze', '--runner', 'distributed', '--workers', 'external', '--json', clip],
      runToken,
    );
    const stderr = await waitFor(run.stderrSoFar, (text) => text.includes('start them with: '), 60_000);
    const lines = stderr.split('\n').filter((line) => line.includes('start them with: '));
    expect(lines).toHaveLength(1);
    const command = (lines[0] ?? '').split('start them with: ')[1]?.trim().split(' ') ?? [];
    expect(command.slice(0, 2)).toEqual(['archbench', 'worker']);
    expect(command).toContain('--sfn-endpoint');

    const workerToken = `archbench-worker-${randomUUID()}`;
    const worker = startCli(command.slice(1), workerToken);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(0);
    const [external] = runsOf(result.stdout);
    expect(external?.status).toBe('ok');
    expect(external?.findings).toEqual(monolith?.findings);
    expect(countsOf(external?.counters as Counters)).toEqual(countsOf(pool?.counters as Counters));

    // The run is over: the worker goes back to waiting, and SIGTERM ends it and its worker processes.
    await waitFor(
      () => worker.stderrSoFar().split('waiting for activities').length,
      (count) => count >= 3,
      10_000,
    );
    expect((await processesOf(workerToken)).some((line) => line.includes('worker-main.ts'))).toBe(false);
    worker.kill('SIGTERM');
    const workerResult = await worker.done;
    expect(workerResult.code).toBe(143);
    expect(
      await waitFor(
        () => processesOf(workerToken),
        (left) => left.length === 0,
        5_000,
      ),
    ).toEqual([]);
    expect(
      await waitFor(
        () => processesOf(runToken),
        (left) => left.length === 0,
        5_000,
      ),
    ).toEqual([]);
  }, 150_000);
});
