import type { ResolvedDetector } from '../aggregate.ts';
import type { AnyDetector, Json } from '../detector.ts';
import { avSyncDetector } from './av-sync-detector.ts';
import { blackDetector } from './black-detector.ts';
import { blockCorruptionDetector } from './block-corruption-detector.ts';
import { freezeDetector } from './freeze-detector.ts';
import { silenceDetector } from './silence-detector.ts';

/**
 * Every detector, by name. A new detector is one file plus one line here: the runners, the state
 * machine and the report read names and defaults from this map.
 */
export const detectorRegistry = {
  freeze: freezeDetector,
  black: blackDetector,
  silence: silenceDetector,
  'av-sync': avSyncDetector,
  'block-corruption': blockCorruptionDetector,
} as const satisfies Record<string, AnyDetector>;

export type DetectorName = keyof typeof detectorRegistry;

/** Resolved parameter type of a registered detector. */
export type DetectorParams<N extends DetectorName> = (typeof detectorRegistry)[N]['defaults'];

/** Registered names, in registry order. */
export const detectorNames: readonly DetectorName[] = Object.freeze(
  Object.keys(detectorRegistry) as DetectorName[],
);

export function isDetectorName(name: string): name is DetectorName {
  return Object.hasOwn(detectorRegistry, name);
}

export type ParamsResult<P> =
  | { readonly ok: true; readonly params: P }
  | { readonly ok: false; readonly error: string };

export type ResolveDetectorResult =
  | { readonly ok: true; readonly detector: ResolvedDetector }
  | { readonly ok: false; readonly error: string };

/**
 * Merges overrides onto a detector's defaults and validates them: every override must name a known
 * parameter and have the default's type (numbers finite); then the detector's own checks run.
 */
export function resolveDetectorParams<N extends DetectorName>(
  name: N,
  overrides: Readonly<Record<string, unknown>> = {},
): ParamsResult<DetectorParams<N>> {
  const detector: AnyDetector = detectorRegistry[name];
  const error = checkOverrides(name, detector.defaults, overrides);
  if (error !== undefined) return { ok: false, error };
  const params = { ...(detector.defaults as Record<string, Json>), ...(overrides as Record<string, Json>) };
  const invalid = detector.validate(params);
  if (invalid !== undefined) return { ok: false, error: `detector ${name}: ${invalid}` };
  return { ok: true, params: Object.freeze(params) as DetectorParams<N> };
}

/** Resolves a detector chosen by name (e.g. from a config file) into what the runners take. */
export function resolveDetector(
  name: string,
  overrides: Readonly<Record<string, unknown>> = {},
): ResolveDetectorResult {
  if (!isDetectorName(name)) {
    return { ok: false, error: `unknown detector "${name}" (known: ${detectorNames.join(', ')})` };
  }
  const resolved = resolveDetectorParams(name, overrides);
  if (!resolved.ok) return resolved;
  return { ok: true, detector: { name, detector: detectorRegistry[name], params: resolved.params } };
}

function checkOverrides(
  name: string,
  defaults: Json,
  overrides: Readonly<Record<string, unknown>>,
): string | undefined {
  const known = defaults !== null && typeof defaults === 'object' ? (defaults as Record<string, Json>) : {};
  for (const [key, value] of Object.entries(overrides)) {
    if (!Object.hasOwn(known, key)) {
      return `detector ${name}: unknown parameter "${key}" (known: ${Object.keys(known).join(', ')})`;
    }
    const expected = typeof known[key];
    if (typeof value !== expected || (typeof value === 'number' && !Number.isFinite(value))) {
      const wanted = expected === 'number' ? 'a finite number' : `a ${expected}`;
      return `detector ${name}: parameter "${key}" must be ${wanted}, got ${String(value)}`;
    }
  }
  return undefined;
}
