import { z } from 'zod';
import { defaultGateBounds } from '../core/gate/gate-verdict.ts';
import { backendNames, isBackendName } from '../infra/backends/registry.ts';
import {
  defaultDistributedSettings as defaults,
  workflowShapes,
} from '../runners/distributed/distributed-settings.ts';

/**
 * Harness configuration: `bench.config.ts` exports `defineConfig({...})`; it is validated once, here, into
 * a readonly `HarnessConfig`. Validation returns a result instead of throwing so callers decide how to
 * report (the CLI turns an error into one line and exit code 2).
 */

const positiveSeconds = z.number().positive().max(3600);
/** Step Functions takes whole seconds for TimeoutSeconds, HeartbeatSeconds and IntervalSeconds. */
const wholeSeconds = z.number().int().min(1).max(86_400);
const workers = z.number().int().min(1).max(64);
/** Lambda's configurable memory range, MB. */
const lambdaMemoryMb = z.number().int().min(128).max(10_240);

/**
 * The distributed runner (see src/runners/distributed/distributed-settings.ts for the meaning of each
 * field). Every field has a default, taken from `defaultDistributedSettings` there; memory sizes are
 * configuration (what Lambda would bill against), not measurements.
 */
const distributedSchema = z
  .object({
    /** `stages` (convert, a task per detector, aggregate) or `function-per-chunk` (one task per chunk). */
    shape: z.enum(workflowShapes).default(defaults.shape),
    /** Worker processes per activity; `detect` is per detector, `perDetector` overrides it by name. */
    pools: z
      .object({
        convert: workers.default(defaults.pools.convert),
        detect: workers.default(defaults.pools.detect),
        aggregate: workers.default(defaults.pools.aggregate),
        analyze: workers.default(defaults.pools.analyze),
        perDetector: z.record(z.string(), workers).default({}),
      })
      .strict()
      .prefault({}),
    /** Frames per S3 object written by the converter (1: one object per frame). */
    framesPerObject: z.number().int().min(1).max(1000).default(defaults.framesPerObject),
    /** Executions (chunks) in flight at once, across the clips of a run. */
    maxInFlightExecutions: z.number().int().min(1).max(1000).default(defaults.maxInFlightExecutions),
    /** `TimeoutSeconds` of every Task state, s. */
    taskTimeoutSec: wholeSeconds.default(defaults.taskTimeoutSec),
    /** `HeartbeatSeconds` of every Task state, s; below taskTimeoutSec. */
    heartbeatSec: wholeSeconds.default(defaults.heartbeatSec),
    /** Retry of every Task state on failure and timeout: `MaxAttempts`, `IntervalSeconds`, `BackoffRate`. */
    retry: z
      .object({
        maxAttempts: z.number().int().min(0).max(10).default(defaults.retry.maxAttempts),
        intervalSec: wholeSeconds.default(defaults.retry.intervalSec),
        backoffRate: z.number().min(1).max(10).default(defaults.retry.backoffRate),
      })
      .strict()
      .prefault({}),
    /** Configured memory per task function, MB (Lambda-style GB-s billing). */
    memoryMb: z
      .object({
        convert: lambdaMemoryMb.default(defaults.memoryMb.convert),
        detect: lambdaMemoryMb.default(defaults.memoryMb.detect),
        aggregate: lambdaMemoryMb.default(defaults.memoryMb.aggregate),
        analyze: lambdaMemoryMb.default(defaults.memoryMb.analyze),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .refine((settings) => settings.heartbeatSec < settings.taskTimeoutSec, {
    message: 'must be below taskTimeoutSec',
    path: ['heartbeatSec'],
  });

/**
 * Where S3 and Step Functions are (`--backend` on the command line overrides `name`). Credentials never
 * come from this file: the emulators take fixed ones, AWS the SDK's default chain (environment, profile).
 */
const backendSchema = z
  .object({
    /** `embedded` (default): fauxqs and the embedded Step Functions endpoint on 127.0.0.1. */
    name: z
      .string()
      .refine(isBackendName, { message: `must be one of: ${backendNames.join(', ')}` })
      .default('embedded'),
    /** AWS region of the aws backend (the emulators answer for any). */
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as us-east-1')
      .default('us-east-1'),
    /** IAM role the state machine runs as on AWS (the emulators accept any). */
    roleArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/, 'must be an IAM role ARN')
      .optional(),
    /** Most Step Functions executions a run may start (a cost cap for the aws backend). */
    maxExecutions: z.number().int().min(1).optional(),
    /** URL of a running LocalStack (localstack) or MinIO (minio): no container is started. */
    endpoint: z
      .string()
      .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL such as http://10.0.0.5:4566')
      .optional(),
  })
  .strict();

/**
 * The monolith runner's clones (src/runners/monolith/monolith-clones.ts): as Prime Video did when one
 * instance was not enough, N copies of the monolith behind a small dispatcher. `--clones` and
 * `--partition` on the command line override these.
 */
const monolithSchema = z
  .object({
    /** Monolith processes (1: the single in-process monolith). */
    clones: z.number().int().min(1).max(16).default(1),
    /**
     * `detectors`: every clone decodes every clip and runs a fixed subset of the detectors (Prime Video's
     * choice); `streams`: clips are spread over the clones, each running every detector.
     */
    partition: z.enum(['detectors', 'streams']).default('detectors'),
  })
  .strict();

/**
 * Bounds of `archbench gate`. Counts are always compared exactly; these bound what varies run to run
 * (compute-derived dollars), the savings, and whether a price change fails. Every field has a default.
 */
const gateSchema = z
  .object({
    /**
     * How far compute-derived dollars (Lambda GB-s, Fargate/EC2 sized from CPU seconds) of a design may rise
     * above the baseline's, percent. A rise fails only beyond both this and `computeCostToleranceUsd`.
     */
    computeCostTolerancePercent: z
      .number()
      .min(0, 'must be a non-negative number')
      .default(defaultGateBounds.computeCostTolerancePercent),
    /** How far compute-derived dollars may rise, USD per month at the scenario's load. */
    computeCostToleranceUsd: z
      .number()
      .min(0, 'must be a non-negative number')
      .default(defaultGateBounds.computeCostToleranceUsd),
    /** Least savings of the monolith against the distributed design, percent of the distributed cost. */
    savingsFloorPercent: z
      .number()
      .max(100, 'must be at most 100')
      .default(defaultGateBounds.savingsFloorPercent),
    /** Fail the gate when the price book changed (default: report the change apart and pass). */
    failOnPriceChange: z.boolean().default(defaultGateBounds.failOnPriceChange),
  })
  .strict();

const configSchema = z
  .object({
    /** Where generated fixture clips and their manifest live, relative to the project root. */
    fixturesDir: z.string().min(1).default('fixtures/clips'),
    /** Where reports are written, relative to the project root. */
    reportsDir: z.string().min(1).default('reports'),
    decode: z
      .object({
        /** Seconds of stream per chunk (the distributed runner starts one workflow per chunk). */
        chunkSeconds: positiveSeconds.default(1),
        /** Width of the grey analysis frames in pixels; height keeps the aspect, both even. */
        analysisWidth: z.number().int().min(16).max(3840).default(320),
        /** Sample rate of the mono analysis audio, Hz. */
        sampleRate: z.number().int().min(8000).max(96000).default(16000),
      })
      .strict()
      .default({ chunkSeconds: 1, analysisWidth: 320, sampleRate: 16000 }),
    /**
     * Detectors to run, by registered name, each with optional parameter overrides
     * (e.g. `{ freeze: { durationSec: 3 } }`). Omitted: every registered detector with its defaults.
     */
    detectors: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    s3: z
      .object({
        /** Bucket the runners write results (and the distributed runner its frames) to. */
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
          .default('archbench'),
      })
      .strict()
      .default({ bucket: 'archbench' }),
    backend: backendSchema.prefault({}),
    distributed: distributedSchema.prefault({}),
    monolith: monolithSchema.prefault({}),
    gate: gateSchema.prefault({}),
  })
  .strict();

/** What a user writes in `bench.config.ts` (every field optional). */
export type UserConfig = z.input<typeof configSchema>;

/** The validated, defaulted configuration every command receives. */
export type HarnessConfig = Readonly<z.output<typeof configSchema>>;

/** Identity function that types a config file's export. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

export type ConfigResult = { ok: true; config: HarnessConfig } | { ok: false; error: string };

/** Validates a user config; the error is one line naming the offending field. */
export function resolveConfig(input: unknown): ConfigResult {
  const parsed = configSchema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, config: Object.freeze(parsed.data) };
  const issue = parsed.error.issues[0];
  if (issue === undefined) return { ok: false, error: 'invalid config' };
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    return { ok: false, error: `${where}unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}` };
  }
  return { ok: false, error: `${where}${issue.message}` };
}
