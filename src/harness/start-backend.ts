import type { Backend } from '../infra/backends/backend.ts';
import { backendRegistry, isBackendName } from '../infra/backends/registry.ts';
import type { HarnessConfig } from './config.ts';

/**
 * Starts the config's backend for one run (the config validated its name). `confirmed`: the user allowed
 * billable resources (`--yes`); the aws backend refuses to start without it.
 */
export async function startBackend(
  config: HarnessConfig,
  runId: string,
  options: { readonly confirmed?: boolean } = {},
): Promise<Backend> {
  const { name } = config.backend;
  if (!isBackendName(name)) throw new Error(`unknown backend ${name}`);
  return backendRegistry[name]({
    runId,
    bucket: config.s3.bucket,
    settings: { ...config.backend, confirmed: options.confirmed === true },
  });
}
