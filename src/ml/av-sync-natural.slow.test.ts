import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateFindings, analyzeChunk } from '../core/aggregate.ts';
import { resolveDetector } from '../core/detectors/registry.ts';
import type { Finding } from '../core/finding.ts';
import { defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import { probeMedia, toClipInfo } from '../media/probe.ts';
import { AV_NATURAL_CLIPS, buildAvNaturalClip, missingAvSource } from './av-sync-natural-clips.ts';

/**
 * Slow (`*.slow.test.ts`, a `test:full` run): `av-sync` without markers on trailer-like clips of real
 * pictures and recorded sounds, as `npm run eval:av-sync` measures it. Needs ukui-wallpapers,
 * lomiri-wallpapers-20.04 and sound-theme-freedesktop: skipped with the reason without them, except under
 * CI, which must install them.
 */
const missing = await missingAvSource();
const underCi = (process.env.CI ?? '') !== '';
if (missing !== undefined && !underCi) {
  console.log(
    `natural av-sync tests skipped: ${missing} is missing (apt-get install ukui-wallpapers lomiri-wallpapers-20.04 sound-theme-freedesktop)`,
  );
}

async function findingsOf(id: string, chunkSeconds = 1): Promise<Finding[]> {
  if (missing !== undefined) throw new Error(`${missing} not found: CI must install the packages`);
  const resolved = resolveDetector('av-sync');
  if (!resolved.ok) throw new Error(resolved.error);
  const file = await buildAvNaturalClip(
    AV_NATURAL_CLIPS.find((spec) => spec.id === id)!,
    path.resolve('.tmp/av-sync-natural'),
  );
  const info = await probeMedia(file);
  const analyses = [];
  await using decoder = openClipDecoder(info, { ...defaultDecodeOptions, chunkSeconds });
  for await (const chunk of decoder.chunks())
    analyses.push(await analyzeChunk(chunk, [resolved.detector], {}));
  return aggregateFindings(analyses, [resolved.detector], toClipInfo(info));
}

describe.skipIf(missing !== undefined && !underCi)('av-sync on trailer-like natural content', () => {
  it.each([
    ['trailer-audio-late-300', 300],
    ['trailer-audio-early-200', -200],
    ['trailer-audio-late-200-30fps', 200],
  ])(
    'measures %s within 40 ms',
    async (id, offsetMs) => {
      const [finding, ...rest] = await findingsOf(id);
      expect(rest).toEqual([]);
      expect(finding!.details!.method).toBe('natural');
      expect(Math.abs(Number(finding!.details!.offsetMs) - offsetMs)).toBeLessThanOrEqual(40);
      expect(await findingsOf(id, 0.7)).toEqual([finding]);
    },
    300_000,
  );

  it.each(['trailer-in-sync', 'trailer-audio-late-80', 'trailer-audio-early-30', 'unrelated-sounds'])(
    'reports nothing on %s',
    async (id) => {
      expect(await findingsOf(id)).toEqual([]);
    },
    300_000,
  );
});
