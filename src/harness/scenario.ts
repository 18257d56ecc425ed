import { z } from 'zod';
import { serverlessDesignIds } from './designs.ts';
import { defaultPriceBookId } from './price-book-loader.ts';

/**
 * A named scenario (`scenarios/<name>.ts` exporting `defineScenario({...})`): which clips to replay, the
 * settings that differ from `bench.config.ts`, the price book, the load to price at, and the knobs of the
 * cost model, headroom, break-even and what-ifs. Validated once into a readonly `Scenario`.
 */

const rangeSchema = z.object({ min: z.number().positive(), max: z.number().positive() }).strict();

const scenarioSchema = z
  .object({
    description: z.string().min(1),
    /** Fixture ids (generated on first use) and/or paths to any media files. */
    clips: z
      .object({
        fixtures: z.array(z.string().min(1)).default([]),
        paths: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .refine((clips) => clips.fixtures.length + clips.paths.length > 0, 'name at least one clip'),
    /** Sections of the config this scenario changes (merged over bench.config.ts, section by section). */
    overrides: z
      .object({
        decode: z.record(z.string(), z.unknown()).optional(),
        detectors: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
        distributed: z.record(z.string(), z.unknown()).optional(),
        /** Monolith clones (`{ clones: 3, partition: 'detectors' }`); `--clones` overrides it. */
        monolith: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .default({}),
    /**
     * Serverless designs measured beside the monolith (src/harness/designs.ts), the first being the one the
     * legacy sections (`runners.distributed`, what-ifs, break-even) describe. Absent: one design, the
     * distributed runner as the config and `overrides` set it, priced with `cost.workflow`.
     */
    designs: z.array(z.enum(serverlessDesignIds)).min(1).optional(),
    /**
     * Streams run at once in one monolith process to fit its CPU and memory per stream (one process per
     * count; empty: size the monolith from the one-stream runs).
     */
    monolithStreams: z.array(z.number().int().min(1).max(32)).default([]),
    /** Price book id in scenarios/price-books (or a path to one). */
    priceBook: z.string().min(1).default(defaultPriceBookId),
    /** Cost model options (`resolveCostOptions`): load, free tier, hosting, architecture, workflow. */
    cost: z.record(z.string(), z.unknown()).default({}),
    headroom: z
      .object({
        taskIntegration: z.enum(['lambda', 'activity']).default('lambda'),
        s3Prefixes: z.enum(['per-stream', 'shared']).default('per-stream'),
      })
      .strict()
      .prefault({}),
    breakEven: z
      .object({
        streams: rangeSchema.default({ min: 1, max: 10_000 }),
        dutyCycle: rangeSchema.default({ min: 0.01, max: 1 }),
      })
      .strict()
      .prefault({}),
    whatIfs: z
      .object({
        /** Detectors the fewer-detectors what-if drops. */
        dropDetectors: z.array(z.string()).default([]),
        /** Frames per object for the derived frames-batched what-if (default: one object per chunk). */
        framesPerObject: z.number().int().positive().optional(),
      })
      .strict()
      .prefault({}),
    /** Replays of the clip set timed per runner (tinybench iterations). */
    iterations: z.number().int().min(1).max(20).default(1),
  })
  .strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = Readonly<z.output<typeof scenarioSchema>> & { readonly name: string };

/** Identity function that types a scenario file's export. */
export function defineScenario(scenario: ScenarioInput): ScenarioInput {
  return scenario;
}

export type ScenarioResult = { ok: true; scenario: Scenario } | { ok: false; error: string };

export function resolveScenario(name: string, input: unknown): ScenarioResult {
  const parsed = scenarioSchema.safeParse(input);
  if (parsed.success) return { ok: true, scenario: Object.freeze({ ...parsed.data, name }) };
  const issue = parsed.error.issues[0];
  if (issue === undefined) return { ok: false, error: 'invalid scenario' };
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  if (issue.code === 'unrecognized_keys') {
    return { ok: false, error: `${where}unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}` };
  }
  return { ok: false, error: `${where}${issue.message}` };
}
