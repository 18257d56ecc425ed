import { BadInputError } from '../core/errors.ts';
import type { HarnessConfig } from '../harness/config.ts';
import { backendNames, isBackendName } from '../infra/backends/registry.ts';

/** `--backend`, `--yes` and `--max-executions` of `archbench analyze` and `archbench bench`. */
export interface BackendCliOptions {
  /** Backend name; overrides the config's `backend.name`. */
  readonly backend?: string;
  /** Allow the run to create billable resources (the aws backend refuses without it). */
  readonly yes?: boolean;
  /** Most Step Functions executions per replay, as typed (a positive integer). */
  readonly maxExecutions?: string;
}

/** The config with the command line's backend choices applied; a bad value is one BadInputError line. */
export function withBackendOptions(config: HarnessConfig, options: BackendCliOptions): HarnessConfig {
  const name = options.backend ?? config.backend.name;
  if (!isBackendName(name)) {
    throw new BadInputError(`--backend ${name}: unknown backend (choose from: ${backendNames.join(', ')})`);
  }
  let maxExecutions = config.backend.maxExecutions;
  if (options.maxExecutions !== undefined) {
    const value = options.maxExecutions.trim();
    if (!/^[1-9]\d{0,8}$/.test(value)) {
      throw new BadInputError(`--max-executions ${options.maxExecutions}: must be a positive whole number`);
    }
    maxExecutions = Number(value);
  }
  return Object.freeze({
    ...config,
    backend: { ...config.backend, name, ...(maxExecutions === undefined ? {} : { maxExecutions }) },
  });
}
