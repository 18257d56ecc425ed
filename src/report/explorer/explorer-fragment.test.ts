import { describe, expect, it } from 'vitest';
import { defaultExplorerSettings, type ExplorerSettings } from '../../core/cost/explorer.ts';
import { buildSampleResults } from '../sample-results.ts';
import { isSettingsFragment, settingsFromFragment, settingsToFragment } from './explorer-fragment.ts';

describe('explorer settings in the URL fragment', () => {
  const defaults = defaultExplorerSettings(buildSampleResults());

  it("writes only what differs from the run's values, and reads it back", () => {
    const settings: ExplorerSettings = {
      ...defaults,
      streams: 40,
      dutyCycle: 0.33,
      lambdaMemoryFactor: 2,
      droppedDetectors: ['black', 'av-sync'],
      designs: { ...defaults.designs, 'sfn-per-second': { chunkSeconds: 10, framesPerObject: 25 } },
    };
    const fragment = settingsToFragment(settings, defaults);
    expect(fragment).toBe(
      'streams=40&duty=0.33&memory=2&drop=black%2Cav-sync&chunk.sfn-per-second=10&frames.sfn-per-second=25',
    );
    expect(settingsFromFragment(`#${fragment}`, defaults)).toEqual(settings);
    expect(settingsToFragment(defaults, defaults)).toBe('');
  });

  it("keeps the run's value for what a fragment does not name or cannot parse", () => {
    expect(settingsFromFragment('#streams=abc&hours=&cpu=2', defaults)).toEqual({
      ...defaults,
      detectorCpuFactor: 2,
    });
    expect(isSettingsFragment('#costs')).toBe(false);
    expect(isSettingsFragment('#streams=40')).toBe(true);
  });
});
