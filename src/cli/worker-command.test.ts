import { beforeAll, describe, expect, it } from 'vitest';
import type { Counters } from '../core/counters.ts';
import { fixturePath, fixturesForTests } from '../harness/test-fixtures.ts';
import { processesLeft, processLinesOf, runMainInProcess, startCli, waitFor } from './cli-test-support.ts';
import { parseActivity, workerCommandLine } from './worker-command.ts';

/**
 * `archbench worker` and `--workers external`: argument errors are one line and exit 2; a run started
 * with `--workers external` is served by an `archbench worker` started apart (as a user would, from the
 * command the run prints), finds what the monolith finds and counts exactly what the in-process pools
 * count; SIGTERM ends the worker with 143 and nothing of it left running.
 */

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
    const { code, stderr } = await runMainInProcess(args);
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

/** A run (or worker) is killed as hung after 120 s. */
const cliTimeoutMs = 120_000;

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
  }, 300_000);

  it('serves the run: exit 0, the monolith findings, the pool counts, nothing left after SIGTERM', async () => {
    // Reference: the monolith and the in-process pools on the same clip.
    const reference = startCli(['analyze', '--runner', 'both', '--json', clip], {
      timeoutMs: cliTimeoutMs,
      tokenPrefix: 'archbench-ref',
    });
    const referenceResult = await reference.done;
    expect(referenceResult.code, referenceResult.stderr).toBe(0);
    const [monolith, pool] = runsOf(referenceResult.stdout);
    expect(monolith?.findings.length).toBeGreaterThan(0);

    const run = startCli(['analyze', '--runner', 'distributed', '--workers', 'external', '--json', clip], {
      timeoutMs: cliTimeoutMs,
      tokenPrefix: 'archbench-run',
    });
    const stderr = await waitFor(run.stderrSoFar, (text) => text.includes('start them with: '), 60_000);
    const lines = stderr.split('\n').filter((line) => line.includes('start them with: '));
    expect(lines).toHaveLength(1);
    const command = (lines[0] ?? '').split('start them with: ')[1]?.trim().split(' ') ?? [];
    expect(command.slice(0, 2)).toEqual(['archbench', 'worker']);
    expect(command).toContain('--sfn-endpoint');

    const worker = startCli(command.slice(1), { timeoutMs: cliTimeoutMs, tokenPrefix: 'archbench-worker' });
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
    expect((await processLinesOf(worker.token)).some((line) => line.includes('worker-main.ts'))).toBe(false);
    worker.kill('SIGTERM');
    const workerResult = await worker.done;
    expect(workerResult.code).toBe(143);
    expect(await processesLeft(worker.token, { graceMs: 5_000 })).toEqual([]);
    expect(await processesLeft(run.token, { graceMs: 5_000 })).toEqual([]);
  }, 150_000);
});
