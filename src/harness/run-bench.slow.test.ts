import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../core/bench-results.ts';
import { liveChildCount } from '../infra/child-processes.ts';
import { resolveConfig } from './config.ts';
import { serverlessDesignIds } from './designs.ts';
import { runBench } from './run-bench.ts';
import { resolveScenario } from './scenario.ts';
import { repoRoot } from './test-fixtures.ts';

/**
 * One bench over two short fixtures with every serverless design: each design is run (its own counts),
 * every design finds what the monolith finds, and the verdict compares the monolith with the first and
 * the cheapest design.
 */
describe('runBench with every design', () => {
  it('measures each design on the same clips and compares them', async () => {
    const configResult = resolveConfig({});
    if (!configResult.ok) throw new Error(configResult.error);
    const scenarioResult = resolveScenario('designs-test', {
      description: 'two fixtures through every design',
      clips: { fixtures: ['multi-defect', 'av-offset-audio-late'] },
      designs: [...serverlessDesignIds],
      cost: { load: { streams: 1000 }, monolith: { hosting: 'ec2' } },
      whatIfs: { dropDetectors: ['block-corruption'] },
    });
    if (!scenarioResult.ok) throw new Error(scenarioResult.error);
    const results: BenchResults = await runBench({
      config: configResult.config,
      scenario: scenarioResult.scenario,
      cwd: repoRoot,
    });

    expect(results.equivalence).toEqual({ identical: true, differences: [] });
    expect(results.designs.map((design) => design.id)).toEqual(['monolith', ...serverlessDesignIds]);
    for (const design of results.designs) {
      expect(design.clips.map((clip) => clip.run.status)).toEqual(['ok', 'ok']);
      expect(design.summary.streamSeconds).toBeGreaterThan(0);
    }
    const byId = new Map(results.designs.map((design) => [design.id, design]));
    // Each design counted what it did: the first design a Standard execution per second, the others one
    // per 10-s chunk; only the stage designs put frames through S3.
    const executions = (id: string) => byId.get(id)?.summary.counters.sfn.executionsStarted ?? 0;
    const seconds = byId.get('sfn-per-second')?.summary.streamSeconds ?? 0;
    expect(executions('sfn-per-second')).toBeGreaterThanOrEqual(Math.floor(seconds));
    expect(executions('sfn-express-batched')).toBe(executions('function-per-chunk'));
    expect(executions('function-per-chunk')).toBeLessThan(executions('sfn-per-second') / 4);
    expect(byId.get('function-per-chunk')?.summary.counters.s3.requestsByStage.ConvertMedia).toBeUndefined();
    // The legacy sections describe the first design.
    expect(results.runners.distributed.counters).toEqual(byId.get('sfn-per-second')?.summary.counters);

    const { headline } = results;
    expect(headline.firstDesignId).toBe('sfn-per-second');
    expect(serverlessDesignIds).toContain(headline.cheapestServerlessId);
    expect(headline.cheapestPerStreamHour).toBeLessThan(headline.firstPerStreamHour);
    expect(headline.verdict).toContain(headline.cheapestServerlessId);
    expect(results.sensitivity.rows.length).toBeGreaterThan(8);
    expect(liveChildCount()).toBe(0);
  }, 240_000);
});
