import type { ResolvedDetector } from '../core/aggregate.ts';
import { detectorNames, resolveDetector } from '../core/detectors/registry.ts';
import { BadInputError } from '../core/errors.ts';

export type DetectorSelectionResult =
  | { ok: true; detectors: ResolvedDetector[] }
  | { ok: false; error: string };

/**
 * The one check of a detector selection (the config's `detectors`): the chosen detectors with their
 * overrides, or every registered detector with its defaults. The error names the config field
 * (`detectors.<name>: ...`), so the config loader and the runs report it the same way.
 */
export function checkDetectorSelection(
  selection: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
): DetectorSelectionResult {
  const chosen = selection ?? Object.fromEntries(detectorNames.map((name) => [name, {}]));
  const names = Object.keys(chosen);
  if (names.length === 0) return { ok: false, error: 'detectors: choose at least one detector' };
  const detectors: ResolvedDetector[] = [];
  for (const name of names) {
    const resolved = resolveDetector(name, chosen[name]);
    if (!resolved.ok) return { ok: false, error: `detectors.${name}: ${resolved.error}` };
    detectors.push(resolved.detector);
  }
  return { ok: true, detectors };
}

/**
 * The detectors a run uses (see checkDetectorSelection). An unknown name or a bad parameter is bad input
 * (one line, exit code 2).
 */
export function resolveDetectors(
  selection: Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
): ResolvedDetector[] {
  const checked = checkDetectorSelection(selection);
  if (!checked.ok) throw new BadInputError(`config ${checked.error}`);
  return checked.detectors;
}
