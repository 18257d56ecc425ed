import { z } from 'zod';

/**
 * Harness configuration: `bench.config.ts` exports `defineConfig({...})`; it is validated once, here, into
 * a readonly `HarnessConfig`. Validation returns a result instead of throwing so callers decide how to
 * report (the CLI turns an error into one line and exit code 2).
 */

const positiveSeconds = z.number().positive().max(3600);

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
        /** `embedded` starts fauxqs on 127.0.0.1 for the run; other backends arrive with their issue. */
        backend: z.literal('embedded').default('embedded'),
        /** Bucket the runners write results (and the distributed runner its frames) to. */
        bucket: z
          .string()
          .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
          .default('archbench'),
      })
      .strict()
      .default({ backend: 'embedded', bucket: 'archbench' }),
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
