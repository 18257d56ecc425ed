import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BadInputError } from '../core/errors.ts';
import { displayPath } from '../media/probe.ts';
import { type HarnessConfig, resolveConfig } from './config.ts';
import { checkDetectorSelection } from './detectors.ts';

/** The config file used when `--config` is not given (optional: defaults apply without it). */
export const defaultConfigFile = 'bench.config.ts';

/**
 * Loads and validates a config file once, detector selection included. An explicit path must exist;
 * without one, `bench.config.ts` in `cwd` is used when present. Any problem is a BadInputError naming the
 * file as the user wrote it.
 */
export async function loadConfig(
  configPath: string | undefined,
  cwd = process.cwd(),
): Promise<HarnessConfig> {
  const file = path.resolve(cwd, configPath ?? defaultConfigFile);
  // Messages name the file as the user wrote it, on one line even if the name holds a newline.
  const shownName = displayPath(configPath ?? defaultConfigFile);
  const exists = await stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) {
    if (configPath !== undefined) throw new BadInputError(`config ${shownName}: file not found`);
    return unwrap(resolveConfig({}), shownName);
  }
  let exported: unknown;
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown };
    exported = module.default;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BadInputError(`config ${shownName}: cannot load: ${reason}`);
  }
  return unwrap(resolveConfig(exported), shownName);
}

/**
 * The validated config, or a BadInputError naming the file. Detector names and parameters are checked
 * here too, so an unknown detector is reported against the config file before anything starts.
 */
function unwrap(result: ReturnType<typeof resolveConfig>, shownName: string): HarnessConfig {
  if (!result.ok) throw new BadInputError(`config ${shownName}: ${result.error}`);
  const checked = checkDetectorSelection(result.config.detectors);
  if (!checked.ok) throw new BadInputError(`config ${shownName}: ${checked.error}`);
  return result.config;
}
