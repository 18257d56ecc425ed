import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../core/bench-results.ts';
import { BadInputError } from '../core/errors.ts';
import { defaultGateBounds } from '../core/gate/gate-verdict.ts';
import { addStageRequests, rebuildResults, writableCopy } from '../core/gate/test-results.ts';
import { resolveConfig } from '../harness/config.ts';
import { buildSampleResults } from '../report/sample-results.ts';
import { runMainInProcess } from './cli-test-support.ts';
import { gate } from './gate-command.ts';
import type { CommandIo } from './io.ts';

/** Output captured from one command run. */
function captureIo(): CommandIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
    stdout: () => out,
    stderr: () => err,
  };
}

const noSummary = {};
const baselineDoc = buildSampleResults({ costOptions: { load: { streams: 10 } } });
/** Prime Video's first design: the legacy `distributed` runner. */
const FIRST = 'sfn-per-second';
const regressedDoc = rebuildResults(baselineDoc, {
  counters: (design, _clip, counters) => {
    if (design === FIRST) addStageRequests(counters, 'ConvertMedia', 'PutObject', 250);
  },
});

let dir: string;
let baselineFile: string;
let sameFile: string;
let regressedFile: string;

async function writeJson(name: string, value: unknown): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'archbench-gate-'));
  baselineFile = await writeJson('reports/baseline.json', baselineDoc);
  sameFile = await writeJson('same.json', rebuildResults(baselineDoc, { runId: 'run-again' }));
  regressedFile = await writeJson('regressed.json', regressedDoc);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('gate command', () => {
  it('returns 0 and prints the Markdown verdict when nothing changed', async () => {
    const io = captureIo();
    const code = await gate({ baseline: baselineFile, current: sameFile, cwd: dir }, io, noSummary);
    expect(code).toBe(0);
    expect(io.stdout()).toMatch(/^## archbench gate: pass\n/);
    expect(io.stderr()).toBe('');
  });

  it('returns 1 for a regression and names the stage and operation', async () => {
    const io = captureIo();
    const code = await gate({ baseline: baselineFile, current: regressedFile, cwd: dir }, io, noSummary);
    expect(code).toBe(1);
    expect(io.stdout()).toContain('## archbench gate: REGRESSION');
    expect(io.stdout()).toContain('S3 **PutObject** requests in stage **ConvertMedia** (tier 1)');
  });

  it('reads <reportsDir>/latest/results.json when --current is absent', async () => {
    const cwd = await mkdtemp(path.join(dir, 'project-'));
    await mkdir(path.join(cwd, 'reports', 'latest'), { recursive: true });
    await writeFile(path.join(cwd, 'reports', 'latest', 'results.json'), JSON.stringify(regressedDoc));
    const code = await gate({ baseline: baselineFile, cwd }, captureIo(), noSummary);
    expect(code).toBe(1);
    await expect(gate({ baseline: baselineFile, cwd: dir }, captureIo(), noSummary)).rejects.toThrow(
      'current reports/latest/results.json: file not found',
    );
  });

  it('appends the Markdown to $GITHUB_STEP_SUMMARY, keeping what is there', async () => {
    const summary = path.join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const io = captureIo();
    const code = await gate({ baseline: baselineFile, current: regressedFile, cwd: dir }, io, {
      GITHUB_STEP_SUMMARY: summary,
    });
    expect(code).toBe(1);
    expect(await readFile(summary, 'utf8')).toBe(`# earlier step\n${io.stdout()}\n`);
  });

  it('keeps its exit code when the step summary cannot be written, and says so', async () => {
    const io = captureIo();
    const code = await gate({ baseline: baselineFile, current: sameFile, cwd: dir }, io, {
      GITHUB_STEP_SUMMARY: path.join(dir, 'no-such-dir', 'summary.md'),
    });
    expect(code).toBe(0);
    expect(io.stderr()).toMatch(/^archbench: cannot append to GITHUB_STEP_SUMMARY \(.*ENOENT.*\)\n$/);
  });

  it('--update-baseline writes the current document to the baseline path, creating directories', async () => {
    const target = path.join(dir, 'new', 'nested', 'baseline.json');
    const io = captureIo();
    const code = await gate(
      { baseline: target, current: regressedFile, updateBaseline: true, cwd: dir },
      io,
      noSummary,
    );
    expect(code).toBe(0);
    expect(await readFile(target, 'utf8')).toBe(await readFile(regressedFile, 'utf8'));
    expect(io.stdout()).toContain(`updated from ${regressedFile}`);
    // The new baseline is what the next run compares with.
    expect(await gate({ baseline: target, current: regressedFile, cwd: dir }, captureIo(), noSummary)).toBe(
      0,
    );
  });

  it('--update-baseline refuses an invalid current document and writes nothing', async () => {
    const target = path.join(dir, 'refused', 'baseline.json');
    const bad = await writeJson('not-results.json', { kind: 'something-else' });
    await expect(
      gate({ baseline: target, current: bad, updateBaseline: true, cwd: dir }, captureIo(), noSummary),
    ).rejects.toBeInstanceOf(BadInputError);
    await expect(stat(target)).rejects.toThrow(/ENOENT/);
  });

  it('defaults every gate bound, so configs without a gate section keep working', () => {
    const resolved = resolveConfig({ reportsDir: 'reports' });
    expect(resolved.ok && resolved.config.gate).toEqual(defaultGateBounds);
    const partial = resolveConfig({ gate: { failOnPriceChange: true } });
    expect(partial.ok && partial.config.gate).toEqual({ ...defaultGateBounds, failOnPriceChange: true });
    expect(resolveConfig({ gate: { savingsFloor: 10 } })).toEqual({
      ok: false,
      error: 'gate: unknown key "savingsFloor"',
    });
  });

  it('takes its bounds from the config file', async () => {
    const config = path.join(dir, 'strict.config.ts');
    await writeFile(config, 'export default { gate: { savingsFloorPercent: 99.9 } };\n');
    const io = captureIo();
    const code = await gate({ baseline: baselineFile, current: sameFile, config, cwd: dir }, io, noSummary);
    expect(code).toBe(1);
    expect(io.stdout()).toContain('#### Savings below the floor');
    const invalid = path.join(dir, 'invalid.config.ts');
    await writeFile(invalid, 'export default { gate: { computeCostTolerancePercent: -5 } };\n');
    await expect(
      gate({ baseline: baselineFile, current: sameFile, config: invalid, cwd: dir }, captureIo(), noSummary),
    ).rejects.toThrow(/gate\.computeCostTolerancePercent: must be a non-negative number/);
  });
});

describe('gate command on bad input', () => {
  async function problemWith(content: string | BenchResults | object): Promise<string> {
    const file = path.join(dir, 'bad', `${Math.random().toString(36).slice(2)}.json`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    const error = await gate({ baseline: file, current: sameFile, cwd: dir }, captureIo(), noSummary).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(BadInputError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message.slice(message.indexOf(': ') + 2);
  }

  it('names a missing, empty, non-JSON, foreign, newer or truncated document in one line', async () => {
    await expect(
      gate({ baseline: 'missing.json', current: sameFile, cwd: dir }, captureIo(), noSummary),
    ).rejects.toThrow('baseline missing.json: file not found');
    expect(await problemWith('')).toBe('empty file');
    expect(await problemWith('{"kind": "archbench.bench-results", ')).toMatch(/^not valid JSON \(/);
    expect(await problemWith({ kind: 'archbench.analyze' })).toBe(
      'not an archbench results document (kind is "archbench.analyze", expected "archbench.bench-results")',
    );
    expect(await problemWith({ ...baselineDoc, schemaVersion: 3 })).toBe(
      'schemaVersion 3 is not supported (this archbench reads 2)',
    );
    expect(await problemWith({ ...baselineDoc, schemaVersion: 1 })).toBe(
      'schemaVersion 1 is an older results document (this archbench reads 2, with every design measured); run `archbench bench` again to write one',
    );
    const truncated = writableCopy(baselineDoc) as Partial<Record<string, unknown>>;
    delete truncated.runners;
    expect(await problemWith(truncated)).toBe('runners: missing');
    const badCounters = writableCopy(baselineDoc);
    (badCounters.runners.distributed.counters.s3 as { bytesUp: unknown }).bytesUp = 'many';
    expect(await problemWith(badCounters)).toMatch(/^runners\.distributed\.counters\.s3\.bytesUp: /);
    const badBook = writableCopy(baselineDoc);
    (badBook.priceBook.lines['s3.requests.tier1'] as { price: number }).price = -1;
    expect(await problemWith(badBook)).toBe(
      'priceBook: lines["s3.requests.tier1"].price: must be a non-negative number',
    );
  });
});

describe('archbench gate through the CLI', () => {
  // A CI runner's own step summary must not receive the test's output.
  const run = (argv: string[]) => runMainInProcess(argv, { env: { GITHUB_STEP_SUMMARY: '' } });

  it('exits 0 on pass, 1 on regression, 2 on bad input', async () => {
    const pass = await run(['gate', '--baseline', baselineFile, '--current', sameFile]);
    expect(pass.code).toBe(0);
    expect(pass.stdout).toContain('## archbench gate: pass');
    const regression = await run(['gate', '--baseline', baselineFile, '--current', regressedFile]);
    expect(regression.code).toBe(1);
    const missing = await run(['gate', '--baseline', path.join(dir, 'nope.json'), '--current', sameFile]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`archbench: baseline ${path.join(dir, 'nope.json')}: file not found\n`);
    const noBaseline = await run(['gate', '--current', sameFile]);
    expect(noBaseline.code).toBe(2);
    expect(noBaseline.stderr).toContain("required option '--baseline <file>' not specified");
  });
});
