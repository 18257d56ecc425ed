import { BadInputError } from '../core/errors.ts';
import type { HarnessConfig } from '../harness/config.ts';
import type { Scenario } from '../harness/scenario.ts';
import {
  type ClonePartition,
  clonePartitions,
  type MonolithSettings,
} from '../runners/monolith/monolith-settings.ts';

/** Most clones `--clones` accepts (the config allows the same). */
export const MAX_CLONES = 16;

/** `--clones <n>` and `--partition <how>` as commander hands them over (strings, absent when not given). */
export interface MonolithFlags {
  readonly clones?: string;
  readonly partition?: string;
}

/** The monolith settings the flags set; bad values are bad input (one line, exit code 2). */
export function parseMonolithFlags(flags: MonolithFlags): Partial<MonolithSettings> {
  const parsed: { clones?: number; partition?: ClonePartition } = {};
  if (flags.clones !== undefined) {
    const clones = /^\d+$/.test(flags.clones) ? Number(flags.clones) : Number.NaN;
    if (!(clones >= 1 && clones <= MAX_CLONES)) {
      throw new BadInputError(
        `--clones ${JSON.stringify(flags.clones)}: must be a whole number from 1 to ${MAX_CLONES}`,
      );
    }
    parsed.clones = clones;
  }
  if (flags.partition !== undefined) {
    const partition = clonePartitions.find((name) => name === flags.partition);
    if (partition === undefined) {
      throw new BadInputError(
        `--partition ${JSON.stringify(flags.partition)}: must be one of: ${clonePartitions.join(', ')}`,
      );
    }
    parsed.partition = partition;
  }
  return parsed;
}

/** The config with the flags' monolith settings over its own (`archbench analyze`). */
export function configWithMonolithFlags(config: HarnessConfig, flags: MonolithFlags): HarnessConfig {
  const overrides = parseMonolithFlags(flags);
  if (Object.keys(overrides).length === 0) return config;
  return Object.freeze({ ...config, monolith: { ...config.monolith, ...overrides } });
}

/**
 * The scenario with the flags' monolith settings over its own overrides (`archbench bench`): the command
 * line wins over the scenario, which wins over bench.config.ts.
 */
export function scenarioWithMonolithFlags(scenario: Scenario, flags: MonolithFlags): Scenario {
  const overrides = parseMonolithFlags(flags);
  if (Object.keys(overrides).length === 0) return scenario;
  return Object.freeze({
    ...scenario,
    overrides: { ...scenario.overrides, monolith: { ...scenario.overrides.monolith, ...overrides } },
  });
}
