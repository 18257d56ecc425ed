import { beforeAll, describe, expect, it } from 'vitest';
import type { DetectorPorts } from '../core/detector.ts';
import { createDetectorPorts } from '../infra/detector-ports.ts';
import {
  type ClipEvaluation,
  defaultBlockCorruptionDetector,
  pooledMetrics,
} from './block-corruption-evaluation.ts';
import { buildRealClip, missingPicture, type RealClipSpec } from './real-footage-clips.ts';
import { evaluateRealClip, REAL_FOOTAGE_CACHE_DIR } from './real-footage-evaluation.ts';
import { EVALUATION_CLEAN, EVALUATION_DAMAGED } from './real-footage-sets.ts';

/**
 * Slow (`*.slow.test.ts`, a `test:full` run): `block-corruption` on the real-footage evaluation set, as
 * `npm run eval:block-corruption` measures it. The clips need Debian packages (ukui-wallpapers,
 * lomiri-wallpapers-20.04, gnome-user-docs): without them the suite is skipped with the reason, except
 * under CI, which must install them.
 */

/** Damaged H.264 clips on which the targets (recall >= 0.9, precision >= 0.95) are met and kept. */
const MEETS_TARGETS = [
  'eval-h264-pan-720p',
  'eval-h264-zoom-640',
  'eval-h264-shake-854-grain',
  'eval-h264-cut-1080p',
  'eval-h264-screen-scroll',
  'eval-h264-transcoded-after-damage',
];
const specs: RealClipSpec[] = [...EVALUATION_DAMAGED, ...EVALUATION_CLEAN];
const missing = (await Promise.all(specs.map(missingPicture))).find((file) => file !== undefined);
const underCi = (process.env.CI ?? '') !== '';
if (missing !== undefined && !underCi) {
  console.log(
    `real-footage block-corruption tests skipped: ${missing} is missing (apt-get install ukui-wallpapers lomiri-wallpapers-20.04 gnome-user-docs)`,
  );
}

describe.skipIf(missing !== undefined && !underCi)('block-corruption on real footage', () => {
  let ports: DetectorPorts;
  const results = new Map<string, ClipEvaluation>();
  const detector = defaultBlockCorruptionDetector();

  beforeAll(async () => {
    if (missing !== undefined) throw new Error(`${missing} not found: CI must install the picture packages`);
    ports = await createDetectorPorts(['block-corruption']);
    for (const spec of specs) {
      results.set(
        spec.id,
        await evaluateRealClip(await buildRealClip(spec, REAL_FOOTAGE_CACHE_DIR), detector, ports),
      );
    }
  }, 1_200_000);

  it.each(MEETS_TARGETS)('finds the damage of %s (recall >= 0.9, precision >= 0.95)', (id) => {
    const r = results.get(id)!;
    expect(r.truthFrames).toBeGreaterThan(0);
    expect(r.truePositives / r.truthFrames).toBeGreaterThanOrEqual(0.9);
    expect(r.truePositives / (r.truePositives + r.falsePositives)).toBeGreaterThanOrEqual(0.95);
  });

  it.each(EVALUATION_DAMAGED.map((spec) => spec.id))(
    'finds at least 90 %% of the damaged frames of %s',
    (id) => {
      const r = results.get(id)!;
      expect(r.truePositives / r.truthFrames).toBeGreaterThanOrEqual(0.9);
    },
  );

  it('meets the targets pooled over the damaged clips (recall >= 0.9, precision >= 0.95; measured 99.1 / 95.2 %)', () => {
    const { precision, recall } = pooledMetrics(EVALUATION_DAMAGED.map((spec) => results.get(spec.id)!));
    expect(recall).toBeGreaterThanOrEqual(0.98);
    expect(precision).toBeGreaterThanOrEqual(0.95);
  });

  it.each(EVALUATION_CLEAN.map((spec) => spec.id))('reports nothing on clean %s', (id) => {
    expect(results.get(id)!.findings).toEqual([]);
  });

  it('gives the same findings for 0.7 and 2.3-s chunks', async () => {
    // The zoom's second finding is chained across a keyframe and extended over propagated damage.
    const zoom = EVALUATION_DAMAGED.find((spec) => spec.id === 'eval-h264-zoom-640')!;
    for (const spec of [specs[0]!, zoom]) {
      const clip = await buildRealClip(spec, REAL_FOOTAGE_CACHE_DIR);
      const oneSecond = results.get(spec.id) ?? (await evaluateRealClip(clip, detector, ports));
      expect(oneSecond.findings.length).toBeGreaterThan(0);
      for (const chunkSeconds of [0.7, 2.3]) {
        const other = await evaluateRealClip(clip, detector, ports, chunkSeconds);
        expect(other.findings).toEqual(oneSecond.findings);
      }
    }
  }, 300_000);
});
