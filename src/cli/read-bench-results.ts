import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { z } from 'zod';
import benchResultsSchema from '../core/bench-results.schema.json' with { type: 'json' };
import type { BenchResults } from '../core/bench-results.ts';
import { COST_DIMENSIONS, type CostOptionsInput, resolveCostOptions } from '../core/cost/cost-model.ts';
import { parsePriceBook } from '../core/cost/price-book.ts';
import { BadInputError } from '../core/errors.ts';
import { displayPath } from '../media/probe.ts';

/**
 * Reads a results document a user points a command at (`gate --baseline`, `--current`) and checks it
 * before anything trusts it: a missing, empty, non-JSON, foreign, newer or truncated file is one
 * BadInputError line naming the file and the field, never a stack trace deep in the gate. The checks run in
 * order: kind and schemaVersion, the fields the commands read (zod, messages kept stable), the versioned
 * JSON Schema (src/core/bench-results.schema.json, via Ajv), then the embedded price book and cost options.
 */

/** The `kind` every results document carries. */
export const BENCH_RESULTS_KIND = 'archbench.bench-results';
/** The schema version this archbench reads. */
export const BENCH_RESULTS_SCHEMA_VERSION = 2;

const num = z.number();
const counts = z.record(z.string(), num);

const countersSchema = z.looseObject({
  s3: z.looseObject({
    requestsByOperation: counts,
    requestsByTier: z.looseObject({ tier1: num, tier2: num, free: num }),
    requestsByStage: z.record(z.string(), counts),
    bytesUp: num,
    bytesDown: num,
  }),
  sfn: z.looseObject({
    executionsStarted: num,
    transitionsByState: counts,
    apiRequestsByOperation: counts,
    executionMs: num,
    expressBilledMs: num,
  }),
  serialization: z.record(
    z.string(),
    z.looseObject({ encodeOps: num, decodeOps: num, bytes: num, cpuMs: num }),
  ),
  network: z.record(z.string(), z.looseObject({ requests: num, bytesSent: num, bytesReceived: num })),
  compute: z.looseObject({
    cpuMsByComponent: counts,
    invocationsByTask: z.record(
      z.string(),
      z.looseObject({ invocations: num, billedMs: num, memoryMb: num }),
    ),
    wallMs: num,
    peakRssBytes: num,
  }),
});

/** The profile fields the cost model reads when the gate reprices a baseline with another price book. */
const profileSchema = z.looseObject({
  streamSeconds: num,
  count: z.looseObject({
    transitionsByState: counts,
    transitions: num,
    executions: num,
    invocationsByTask: counts,
    invocations: num,
    s3RequestsByOperation: counts,
    s3RequestsByStage: z.record(z.string(), counts),
    s3RequestsByTier: z.looseObject({ tier1: num, tier2: num, free: num }),
    s3BytesUp: num,
    s3BytesDown: num,
  }),
  compute: z.looseObject({
    billedMsByTask: counts,
    memoryMbByTask: counts,
    lambdaGbSeconds: num,
    expressBilledMs: num,
    executionMs: num,
    cpuMsByComponent: counts,
    cpuMs: num,
    peakRssBytes: num,
  }),
});

const costLineSchema = z.looseObject({
  dimension: z.enum(Object.keys(COST_DIMENSIONS) as [string, ...string[]]),
  label: z.string(),
  basis: z.enum(['count', 'compute']),
  cost: num,
});

const designCostSchema = z.looseObject({
  lines: z.array(costLineSchema),
  totalPerMonth: num,
  byBasis: z.looseObject({
    count: z.looseObject({ perMonth: num }),
    compute: z.looseObject({ perMonth: num }),
  }),
});

const findingSchema = z.looseObject({ detector: z.string(), startSec: num, endSec: num, confidence: num });

const runSchema = z.discriminatedUnion('status', [
  z.looseObject({ status: z.literal('ok'), findings: z.array(findingSchema), counters: countersSchema }),
  z.looseObject({
    status: z.literal('failed'),
    error: z.looseObject({ kind: z.string(), message: z.string() }),
  }),
]);

const runnerSchema = z.looseObject({
  streamSeconds: z.number().positive('must be a positive number'),
  counters: countersSchema,
  profile: profileSchema,
});

const documentSchema = z.looseObject({
  runId: z.string(),
  createdAt: z.string(),
  environment: z.looseObject({
    gitCommit: z.string().nullable(),
    cpuModel: z.string(),
    cpuCount: num,
    platform: z.string(),
    nodeVersion: z.string(),
    archbenchVersion: z.string(),
    ffmpegVersion: z.string(),
  }),
  scenario: z.looseObject({
    name: z.string(),
    configHash: z.string(),
    load: z.unknown(),
    costOptions: z.unknown(),
    chunkSeconds: num,
    framesPerObject: num,
    detectors: z.array(z.string()),
    priceBookId: z.string(),
  }),
  priceBook: z.unknown(),
  clips: z.array(
    z.looseObject({
      path: z.string(),
      sha256: z.string(),
      durationSec: num,
      runs: z.looseObject({ distributed: runSchema, monolith: runSchema }),
    }),
  ),
  equivalence: z.looseObject({ identical: z.boolean(), differences: z.array(z.string()) }),
  runners: z.looseObject({ distributed: runnerSchema, monolith: runnerSchema }),
  costs: z.looseObject({
    baseline: z.looseObject({
      distributed: designCostSchema,
      monolith: designCostSchema,
      comparison: z.looseObject({ savingsPercent: num.nullable() }),
    }),
  }),
});

/** `runners.distributed.counters.s3` from a zod issue path. */
function formatPath(segments: readonly PropertyKey[]): string {
  return segments
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** The schema validator, compiled on first use: most commands never read a results document. */
let schemaValidator: ValidateFunction | undefined;

/** A JSON pointer segment as the rest of the messages spell paths: `[0]`, `.name` or `["a.b"]`. */
function pathSegment(segment: string, first: boolean): string {
  if (/^\d+$/.test(segment)) return `[${segment}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(segment)) return `${first ? '' : '.'}${segment}`;
  return `[${JSON.stringify(segment)}]`;
}

/** `clips[0].sha256: missing` from Ajv's first error. */
function formatSchemaError(error: ErrorObject): string {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, unknown>;
  let message = error.message ?? 'invalid';
  if (error.keyword === 'required') {
    segments.push(String(params.missingProperty));
    message = 'missing';
  } else if (error.keyword === 'additionalProperties') {
    message = `unknown key ${JSON.stringify(params.additionalProperty)}`;
  } else if (error.keyword === 'enum') {
    message = `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}`;
  } else if (error.keyword === 'const') {
    message = `must be ${JSON.stringify(params.allowedValue)}`;
  }
  const where = segments.map((segment, index) => pathSegment(segment, index === 0)).join('');
  return `${where === '' ? '' : `${where}: `}${message}`;
}

/**
 * Checks a parsed JSON value against `src/core/bench-results.schema.json` (the versioned JSON Schema of the
 * document); undefined when it matches, else the first failing path and why, on one line.
 */
export function benchResultsSchemaProblem(json: unknown): string | undefined {
  schemaValidator ??= new Ajv2020({ strict: true }).compile(benchResultsSchema);
  if (schemaValidator(json)) return undefined;
  const first = schemaValidator.errors?.[0];
  const problem = first === undefined ? 'invalid' : formatSchemaError(first);
  return `${problem} (bench-results schema v${BENCH_RESULTS_SCHEMA_VERSION})`.replace(/\s+/g, ' ');
}

/**
 * Checks a parsed JSON value as a results document; the error is one line naming the field. The embedded
 * price book and cost options are validated as the harness validates them (defaults filled in).
 */
export function checkBenchResults(
  json: unknown,
): { ok: true; results: BenchResults } | { ok: false; error: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, error: 'not an archbench results document (not a JSON object)' };
  }
  const record = json as Record<string, unknown>;
  if (record.kind !== BENCH_RESULTS_KIND) {
    return {
      ok: false,
      error: `not an archbench results document (kind is ${JSON.stringify(record.kind) ?? 'missing'}, expected "${BENCH_RESULTS_KIND}")`,
    };
  }
  if (typeof record.schemaVersion === 'number' && record.schemaVersion < BENCH_RESULTS_SCHEMA_VERSION) {
    return {
      ok: false,
      error: `schemaVersion ${record.schemaVersion} is an older results document (this archbench reads ${BENCH_RESULTS_SCHEMA_VERSION}, with every design measured); run \`archbench bench\` again to write one`,
    };
  }
  if (record.schemaVersion !== BENCH_RESULTS_SCHEMA_VERSION) {
    return {
      ok: false,
      error: `schemaVersion ${JSON.stringify(record.schemaVersion) ?? 'missing'} is not supported (this archbench reads ${BENCH_RESULTS_SCHEMA_VERSION})`,
    };
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : `${formatPath(issue.path)}: `;
    const missing = issue?.code === 'invalid_type' && issue.message.endsWith('received undefined');
    return {
      ok: false,
      error: `${where}${missing ? 'missing' : (issue?.message ?? 'invalid')}`.replace(/\s+/g, ' '),
    };
  }
  const schemaProblem = benchResultsSchemaProblem(json);
  if (schemaProblem !== undefined) return { ok: false, error: schemaProblem };
  const book = parsePriceBook(record.priceBook);
  if (!book.ok) return { ok: false, error: `priceBook: ${book.error}` };
  const options = resolveCostOptions(parsed.data.scenario.costOptions as CostOptionsInput);
  if (!options.ok) return { ok: false, error: `scenario.costOptions: ${options.error}` };
  const results = {
    ...(json as BenchResults),
    priceBook: book.priceBook,
    scenario: { ...(json as BenchResults).scenario, costOptions: options.options },
  };
  return { ok: true, results };
}

/** A results document read from `file` (relative to `cwd`), with its text as read. */
export interface ReadBenchResults {
  readonly results: BenchResults;
  readonly text: string;
}

/**
 * Reads and checks a results document. `role` names it in messages (`baseline`, `current`): every problem
 * is a BadInputError `<role> <file>: <problem>` on one line.
 */
export async function readBenchResults(role: string, file: string, cwd: string): Promise<ReadBenchResults> {
  const shown = `${role} ${displayPath(file)}`;
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`;
    throw new BadInputError(`${shown}: ${reason}`);
  }
  if (text.trim() === '') throw new BadInputError(`${shown}: empty file`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BadInputError(`${shown}: not valid JSON (${reason})`);
  }
  const checked = checkBenchResults(json);
  if (!checked.ok) throw new BadInputError(`${shown}: ${checked.error}`);
  return { results: checked.results, text };
}
