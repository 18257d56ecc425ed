import type { DesignGeometrySettings, ExplorerSettings } from '../../core/cost/explorer.ts';

/**
 * The explorer's settings in a URL fragment (`#streams=40&duty=0.33&drop=av-sync&chunk.sfn-per-second=10`),
 * so a link reproduces a view. Only settings that differ from the run's are written; reading starts from
 * the run's values, so a fragment of another page (`#costs`) or a partial one changes only what it names.
 * Values are not checked here: `exploreBasis` keeps them within their bounds.
 */

/** Fragment key of each scalar setting. */
export const FRAGMENT_KEYS = {
  streams: 'streams',
  hoursPerMonth: 'hours',
  dutyCycle: 'duty',
  monolithSavingsPercent: 'sp-monolith',
  lambdaSavingsPercent: 'sp-lambda',
  targetUtilization: 'util',
  lambdaMemoryFactor: 'memory',
  detectorCpuFactor: 'cpu',
} as const satisfies Partial<Record<keyof ExplorerSettings, string>>;

type ScalarSetting = keyof typeof FRAGMENT_KEYS;

const DROP_KEY = 'drop';
const CHUNK_PREFIX = 'chunk.';
const FRAMES_PREFIX = 'frames.';

function scalarSettings(): ScalarSetting[] {
  return Object.keys(FRAGMENT_KEYS) as ScalarSetting[];
}

/** The fragment (without `#`) for `settings`: what differs from `defaults`, in a fixed order. */
export function settingsToFragment(settings: ExplorerSettings, defaults: ExplorerSettings): string {
  const params = new URLSearchParams();
  for (const setting of scalarSettings()) {
    if (settings[setting] !== defaults[setting])
      params.set(FRAGMENT_KEYS[setting], String(settings[setting]));
  }
  if (settings.droppedDetectors.length > 0) params.set(DROP_KEY, settings.droppedDetectors.join(','));
  for (const [id, measured] of Object.entries(defaults.designs)) {
    const geometry = settings.designs[id];
    if (geometry === undefined) continue;
    if (geometry.chunkSeconds !== measured.chunkSeconds) {
      params.set(`${CHUNK_PREFIX}${id}`, String(geometry.chunkSeconds));
    }
    if (geometry.framesPerObject !== measured.framesPerObject && geometry.framesPerObject !== null) {
      params.set(`${FRAMES_PREFIX}${id}`, String(geometry.framesPerObject));
    }
  }
  return params.toString();
}

/** Whether a fragment carries explorer settings (a navigation fragment such as `costs` does not). */
export function isSettingsFragment(fragment: string): boolean {
  return fragment.replace(/^#/, '').includes('=');
}

/** The settings a fragment names, over `defaults`; numbers that do not parse keep the default. */
export function settingsFromFragment(fragment: string, defaults: ExplorerSettings): ExplorerSettings {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const number = (key: string, fallback: number): number => {
    const text = params.get(key);
    const value = text === null || text.trim() === '' ? Number.NaN : Number(text);
    return Number.isFinite(value) ? value : fallback;
  };
  const scalars = Object.fromEntries(
    scalarSettings().map((setting) => [setting, number(FRAGMENT_KEYS[setting], defaults[setting])]),
  ) as Record<ScalarSetting, number>;
  const drop = params.get(DROP_KEY);
  const designs: Record<string, DesignGeometrySettings> = {};
  for (const [id, measured] of Object.entries(defaults.designs)) {
    designs[id] = {
      chunkSeconds: number(`${CHUNK_PREFIX}${id}`, measured.chunkSeconds),
      framesPerObject:
        measured.framesPerObject === null ? null : number(`${FRAMES_PREFIX}${id}`, measured.framesPerObject),
    };
  }
  return {
    ...defaults,
    ...scalars,
    droppedDetectors: drop === null || drop === '' ? [] : drop.split(','),
    designs,
  };
}
