import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadInputError } from '../core/errors.ts';
import { type HarnessConfig, resolveConfig } from './config.ts';

/** The config file used when `--config` is not given (optional: defaults apply without it). */
export const defaultConfigFile = 'bench.config.ts';

/**
 * Loads and validates a config file once. An explicit path must exist; without one, `bench.config.ts` in
 * `cwd` is used when present. Any problem is a BadInputError naming the file.
 */
export async function loadConfig(
  configPath: string | undefined,
  cwd = process.cwd(),
): Promise<HarnessConfig> {
  const file = path.resolve(cwd, configPath ?? defaultConfigFile);
  const exists = await stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) {
    if (configPath !== undefined) throw new BadInputError(`config ${configPath}: file not found`);
    return unwrap(resolveConfig({}), file);
  }
  let exported: unknown;
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    exported = module.default;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BadInputError(`config ${configPath ?? defaultConfigFile}: cannot load: ${reason}`);
  }
  return unwrap(resolveConfig(exported), file);
}

function unwrap(result: ReturnType<typeof resolveConfig>, file: string): HarnessConfig {
  if (result.ok) return result.config;
  throw new BadInputError(`config ${path.relative(process.cwd(), file) || file}: ${result.error}`);
}
