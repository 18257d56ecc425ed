import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDetectorPorts } from '../infra/detector-ports.ts';
import { ensureFixtures } from '../media/fixtures/fixture-generator.ts';
import {
  CLEAN_FIXTURES,
  type ClipEvaluation,
  CORRUPTED_FIXTURES,
  defaultBlockCorruptionDetector,
  evaluateFixtureClip,
  pooledMetrics,
} from './block-corruption-evaluation.ts';

/**
 * The accuracy targets on the evaluation fixtures (testsrc2 with real H.264 slice damage; truth =
 * frames below 30 dB luma PSNR), with the committed model, the registered defaults and the monolith's
 * decode and chunking.
 */
const dir = path.resolve('fixtures/clips');
const results = new Map<string, ClipEvaluation>();

beforeAll(async () => {
  const manifest = await ensureFixtures({ dir, only: [...CORRUPTED_FIXTURES, ...CLEAN_FIXTURES] });
  const detector = defaultBlockCorruptionDetector();
  const ports = await createDetectorPorts(['block-corruption']);
  for (const clip of manifest.clips) {
    if ([...CORRUPTED_FIXTURES, ...CLEAN_FIXTURES].includes(clip.id)) {
      results.set(clip.id, await evaluateFixtureClip(dir, clip, detector, ports));
    }
  }
}, 600_000);

describe('block-corruption detector on the evaluation fixtures', () => {
  it('reaches frame-level precision and recall of at least 0.9 on the corrupted fixtures', () => {
    const corrupted = CORRUPTED_FIXTURES.map((id) => results.get(id)!);
    for (const clip of corrupted) expect(clip.truthFrames).toBeGreaterThan(0);
    const { precision, recall } = pooledMetrics(corrupted);
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  it('reports each corrupted interval within 0.2 s at both ends', () => {
    for (const id of CORRUPTED_FIXTURES) {
      const clip = results.get(id)!;
      expect(clip.intervalErrorsSec.length).toBeGreaterThan(0);
      for (const error of clip.intervalErrorsSec) expect(error).toBeLessThanOrEqual(0.2);
    }
  });

  it('reports nothing on the clean fixtures', () => {
    for (const id of CLEAN_FIXTURES)
      expect({ id, findings: results.get(id)!.findings }).toEqual({ id, findings: [] });
  });
});
