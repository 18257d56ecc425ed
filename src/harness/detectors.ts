import type { ResolvedDetector } from '../core/aggregate.ts';
import { detectorNames, resolveDetector } from '../core/detectors/registry.ts';
import { BadInputError } from '../core/errors.ts';

/**
 * The detectors a run uses: the config's selection with its overrides, or every registered detector with
 * its defaults. An unknown name or a bad parameter is bad input (one line, exit code 2).
 */
export function resolveDetectors(
  selection: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
): ResolvedDetector[] {
  const chosen = selection ?? Object.fromEntries(detectorNames.map((name) => [name, {}]));
  const names = Object.keys(chosen);
  if (names.length === 0) throw new BadInputError('config detectors: choose at least one detector');
  return names.map((name) => {
    const resolved = resolveDetector(name, chosen[name]);
    if (!resolved.ok) throw new BadInputError(`config detectors.${name}: ${resolved.error}`);
    return resolved.detector;
  });
}
