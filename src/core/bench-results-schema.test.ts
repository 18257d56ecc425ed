import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildSampleResults } from '../report/sample-results.ts';
import schema from './bench-results.schema.json' with { type: 'json' };
import type { BenchResults } from './bench-results.ts';
import { COST_DIMENSIONS } from './cost/cost-model.ts';

/**
 * The versioned JSON Schema of the results document: it compiles strictly, accepts what the harness and the
 * sample builder write, and names the path of what it rejects.
 */

const validate = new Ajv2020({ strict: true }).compile(schema);

/** A deep copy as a file holds it (structuredClone would keep shared arrays shared), to break one field. */
type Mutable<T> = T extends readonly (infer U)[]
  ? Mutable<U>[]
  : T extends object
    ? { -readonly [K in keyof T]: Mutable<T[K]> }
    : T;
const sample = buildSampleResults();
const copyOfSample = (): Mutable<BenchResults> => JSON.parse(JSON.stringify(sample)) as Mutable<BenchResults>;

async function readBaseline(): Promise<unknown> {
  const file = path.join(import.meta.dirname, '..', '..', 'reports', 'baseline', 'results.json');
  return JSON.parse(await readFile(file, 'utf8'));
}

/** The first error of a document the schema must reject. */
function firstError(document: unknown): ErrorObject {
  expect(validate(document)).toBe(false);
  const error = validate.errors?.[0];
  if (error === undefined) throw new Error('rejected without an error');
  return error;
}

describe('bench results JSON Schema', () => {
  it('compiles with Ajv in strict mode and is identified by its version', () => {
    expect(() => new Ajv2020({ strict: true }).compile(schema)).not.toThrow();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(
      `https://archbench.dev/schemas/bench-results/${schema.properties.schemaVersion.const}.json`,
    );
  });

  it('accepts the sample document the report is developed against, as a file holds it', () => {
    const asWritten = JSON.parse(JSON.stringify(sample));
    expect(validate(asWritten), JSON.stringify(validate.errors?.[0])).toBe(true);
  });

  it('accepts a real document written by `npm run bench` (reports/baseline/results.json)', async () => {
    const baseline = await readBaseline();
    expect(validate(baseline), JSON.stringify(validate.errors?.[0])).toBe(true);
  });

  it('declares the schemaVersion the harness writes and the type promises', async () => {
    expectTypeOf<BenchResults['schemaVersion']>().toEqualTypeOf<2>();
    const baseline = (await readBaseline()) as { schemaVersion: unknown };
    expect(schema.properties.schemaVersion.const).toBe(baseline.schemaVersion);
    expect(schema.properties.schemaVersion.const).toBe(sample.schemaVersion);
  });

  it('lists every cost dimension the cost model prices, and no other', () => {
    expect([...schema.$defs.CostLine.properties.dimension.enum].sort()).toEqual(
      Object.keys(COST_DIMENSIONS).sort(),
    );
  });

  it('rejects a newer schemaVersion at /schemaVersion', () => {
    const error = firstError({ ...sample, schemaVersion: 3 });
    expect(error).toMatchObject({
      instancePath: '/schemaVersion',
      keyword: 'const',
      params: { allowedValue: 2 },
    });
  });

  it('rejects a clip without sha256, naming the clip', () => {
    const document = copyOfSample();
    const clip = document.clips[0] as Partial<(typeof document.clips)[number]>;
    delete clip.sha256;
    const error = firstError(document);
    expect(error).toMatchObject({
      instancePath: '/clips/0',
      keyword: 'required',
      params: { missingProperty: 'sha256' },
    });
  });

  it('rejects a cost line whose basis is neither count nor compute', () => {
    const document = copyOfSample();
    const line = document.costs.baseline.distributed.lines[0];
    if (line === undefined) throw new Error('sample has no distributed cost line');
    (line as { basis: string }).basis = 'guess';
    const error = firstError(document);
    expect(error).toMatchObject({
      instancePath: '/costs/baseline/distributed/lines/0/basis',
      keyword: 'enum',
      params: { allowedValues: ['count', 'compute'] },
    });
  });

  it('rejects a negative S3 request count inside a clip run', () => {
    const document = copyOfSample();
    const run = document.clips[0]?.runs.distributed;
    if (run?.status !== 'ok') throw new Error('sample clip 0 did not run on distributed');
    const operation = Object.keys(run.counters.s3.requestsByOperation)[0];
    if (operation === undefined) throw new Error('sample clip 0 sent no S3 request');
    run.counters.s3.requestsByOperation[operation] = -1;
    const error = firstError(document);
    expect(error).toMatchObject({
      instancePath: `/clips/0/runs/distributed/counters/s3/requestsByOperation/${operation}`,
      keyword: 'minimum',
    });
  });

  it('rejects a finding without endSec, naming the finding', () => {
    const document = copyOfSample();
    const clipIndex = document.clips.findIndex(
      (clip) => clip.runs.monolith.status === 'ok' && clip.runs.monolith.findings.length > 0,
    );
    const run = document.clips[clipIndex]?.runs.monolith;
    if (run?.status !== 'ok') throw new Error('sample has no clip with findings');
    const finding = run.findings[0] as Partial<(typeof run.findings)[number]>;
    delete finding.endSec;
    const error = firstError(document);
    expect(error).toMatchObject({
      instancePath: `/clips/${clipIndex}/runs/monolith/findings/0`,
      keyword: 'required',
      params: { missingProperty: 'endSec' },
    });
  });

  it('rejects an unknown key in a closed structure and a failed run without its error', () => {
    const document = copyOfSample();
    (document.runners.monolith.timing.chunkLatency as Record<string, unknown>).p95Ms = 1;
    expect(firstError(document)).toMatchObject({
      instancePath: '/runners/monolith/timing/chunkLatency',
      keyword: 'additionalProperties',
      params: { additionalProperty: 'p95Ms' },
    });
    const failed = copyOfSample();
    const last = failed.clips.length - 1;
    failed.clips[last] = {
      ...sample.clips[last],
      runs: { ...sample.clips[last]?.runs, distributed: { status: 'failed' } },
    } as never;
    expect(firstError(failed)).toMatchObject({
      instancePath: `/clips/${last}/runs/distributed`,
      keyword: 'required',
      params: { missingProperty: 'error' },
    });
  });
});
