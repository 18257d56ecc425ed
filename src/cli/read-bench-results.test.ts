import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../core/bench-results.ts';
import { BadInputError } from '../core/errors.ts';
import { buildSampleResults } from '../report/sample-results.ts';
import { benchResultsSchemaProblem, readBenchResults } from './read-bench-results.ts';

/** The reader checks the document against the versioned JSON Schema and reports one line per problem. */

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'archbench-read-results-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const sample = buildSampleResults();
/** A plain JSON copy to break one field of. */
const copy = (): Record<string, unknown> & BenchResults => JSON.parse(JSON.stringify(sample));

/** The BadInputError message of reading `document` as the `baseline`. */
async function problemReading(name: string, document: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(document));
  const error = await readBenchResults('baseline', file, dir).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BadInputError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  expect(message.startsWith(`baseline ${file}: `)).toBe(true);
  return message.slice(`baseline ${file}: `.length);
}

describe('readBenchResults against the JSON Schema', () => {
  it('reads a real v2 document written by `npm run bench` (reports/baseline/results.json)', async () => {
    const file = path.join(import.meta.dirname, '..', '..', 'reports', 'baseline', 'results.json');
    const { results } = await readBenchResults('baseline', file, dir);
    expect(results.schemaVersion).toBe(2);
    expect(results.designs.length).toBeGreaterThan(2);
  });

  it('rejects a v1 document in one line that says what to do', async () => {
    const v1 = { ...copy(), schemaVersion: 1 };
    expect(await problemReading('v1.json', v1)).toBe(
      'schemaVersion 1 is an older results document (this archbench reads 2, with every design measured); run `archbench bench` again to write one',
    );
  });

  it('reads a document that matches the schema', async () => {
    const file = path.join(dir, 'good.json');
    await writeFile(file, JSON.stringify(sample));
    const { results } = await readBenchResults('baseline', file, dir);
    expect(results.runId).toBe(sample.runId);
    expect(benchResultsSchemaProblem(JSON.parse(JSON.stringify(sample)))).toBeUndefined();
  });

  it('names the first failing path of what only the schema checks', async () => {
    const badHash = copy();
    (badHash.clips[0] as { sha256: string }).sha256 = 'not-a-hash';
    expect(await problemReading('bad-hash.json', badHash)).toBe(
      'clips[0].sha256: must match pattern "^[0-9a-f]{64}$" (bench-results schema v2)',
    );

    const noHeadroom = copy();
    delete (noHeadroom as Partial<Record<string, unknown>>).headroom;
    expect(await problemReading('no-headroom.json', noHeadroom)).toBe(
      'headroom: missing (bench-results schema v2)',
    );

    const negative = copy();
    const run = negative.clips[0]?.runs.distributed;
    if (run?.status !== 'ok') throw new Error('sample clip 0 did not run on distributed');
    (run.counters.s3.requestsByStage as Record<string, Record<string, number>>)['Detect freeze'] = {
      GetObject: -3,
    };
    expect(await problemReading('negative.json', negative)).toBe(
      'clips[0].runs.distributed.counters.s3.requestsByStage["Detect freeze"].GetObject: must be >= 0 (bench-results schema v2)',
    );

    const badAxis = copy();
    (badAxis.breakEven.overDutyCycle as { axis: string }).axis = 'streams';
    expect(await problemReading('bad-axis.json', badAxis)).toBe(
      'breakEven.overDutyCycle.axis: must be "dutyCycle" (bench-results schema v2)',
    );
  });
});
