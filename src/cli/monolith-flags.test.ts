import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../harness/config.ts';
import { resolveScenario } from '../harness/scenario.ts';
import { fixturePath, fixturesForTests } from '../harness/test-fixtures.ts';
import { analyze } from './analyze-command.ts';
import { main } from './main.ts';
import { configWithMonolithFlags, parseMonolithFlags, scenarioWithMonolithFlags } from './monolith-flags.ts';

/** `--clones` and `--partition`: parsed strictly, override the config, and reach the monolith runner. */

afterEach(() => {
  vi.restoreAllMocks();
});

describe('parseMonolithFlags', () => {
  it('takes whole clone counts and the two partitions, and names a bad value in one line', () => {
    expect(parseMonolithFlags({})).toEqual({});
    expect(parseMonolithFlags({ clones: '3', partition: 'streams' })).toEqual({
      clones: 3,
      partition: 'streams',
    });
    expect(() => parseMonolithFlags({ clones: '0' })).toThrow(
      '--clones "0": must be a whole number from 1 to 16',
    );
    expect(() => parseMonolithFlags({ clones: '2.5' })).toThrow('--clones "2.5"');
    expect(() => parseMonolithFlags({ clones: '17' })).toThrow('--clones "17"');
    expect(() => parseMonolithFlags({ partition: 'frames' })).toThrow(
      '--partition "frames": must be one of: detectors, streams',
    );
  });

  it('overrides the config, which defaults to one monolith partitioned by detectors', () => {
    const resolved = resolveConfig({ monolith: { clones: 2 } });
    if (!resolved.ok) throw new Error(resolved.error);
    expect(resolved.config.monolith).toEqual({ clones: 2, partition: 'detectors' });
    expect(configWithMonolithFlags(resolved.config, { partition: 'streams' }).monolith).toEqual({
      clones: 2,
      partition: 'streams',
    });
    expect(resolveConfig({ monolith: { clones: 0 } })).toEqual({
      ok: false,
      error: 'monolith.clones: Too small: expected number to be >=1',
    });
  });
});

describe('scenarioWithMonolithFlags', () => {
  it("puts the flags over the scenario's own monolith overrides", () => {
    const resolved = resolveScenario('test', {
      description: 'clones',
      clips: { fixtures: ['clean'] },
      overrides: { monolith: { clones: 3, partition: 'streams' } },
    });
    if (!resolved.ok) throw new Error(resolved.error);
    expect(scenarioWithMonolithFlags(resolved.scenario, {}).overrides.monolith).toEqual({
      clones: 3,
      partition: 'streams',
    });
    expect(scenarioWithMonolithFlags(resolved.scenario, { clones: '2' }).overrides.monolith).toEqual({
      clones: 2,
      partition: 'streams',
    });
  });
});

describe('archbench analyze --clones', () => {
  it('exits 2 with one line for a bad value, before anything starts', async () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((text) => {
      written.push(String(text));
      return true;
    });
    expect(await main(['analyze', '--clones', 'many', 'missing.mp4'])).toBe(2);
    expect(await main(['bench', '--partition', 'frames'])).toBe(2);
    expect(written).toEqual([
      'archbench: --clones "many": must be a whole number from 1 to 16\n',
      'archbench: --partition "frames": must be one of: detectors, streams\n',
    ]);
  });

  it('runs the clip through the clones and finds what the single monolith finds', async () => {
    const clip = fixturePath(await fixturesForTests(), 'av-offset-audio-late');
    const findingsOf = async (flags: { clones?: string; partition?: string }): Promise<unknown> => {
      let json = '';
      const code = await analyze(
        [clip],
        { json: true, ...flags },
        { out: (text) => (json += text), err: () => {} },
      );
      expect(code).toBe(0);
      const document = JSON.parse(json) as {
        clips: { runs: { findings: unknown; clones?: { detectors: string[] }[] }[] }[];
      };
      return document.clips[0]?.runs[0];
    };
    const single = (await findingsOf({})) as { findings: unknown; clones?: unknown };
    const cloned = (await findingsOf({ clones: '2' })) as {
      findings: unknown;
      clones?: { detectors: string[] }[];
    };
    expect(single.clones).toBeUndefined();
    expect(cloned.clones).toHaveLength(2);
    expect(cloned.findings).toEqual(single.findings);
  }, 60_000);
});
