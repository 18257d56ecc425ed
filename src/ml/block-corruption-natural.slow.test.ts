import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateFindings, analyzeChunk } from '../core/aggregate.ts';
import type { DetectorPorts } from '../core/detector.ts';
import { createDetectorPorts } from '../infra/detector-ports.ts';
import {
  type ClipEvaluation,
  chunksOf,
  defaultBlockCorruptionDetector,
  evaluateSyntheticClip,
} from './block-corruption-evaluation.ts';
import { COMPRESSED_CLEAN_CLIPS, NATURAL_CLIPS } from './natural-evaluation-clips.ts';
import { makeSyntheticClip, type SyntheticClip } from './synthetic-clips.ts';

/**
 * The temporal test of the detector on natural-looking content the single-frame model misses: a slow pan
 * whose damaged slices the decoder conceals by copying the reference (the lower picture stops under rows
 * that move), and a clean clip under heavy legitimate compression (mjpeg, no deblocking) that must stay
 * clean. Both are evaluation clips, never training clips.
 */
const detector = defaultBlockCorruptionDetector();
let ports: DetectorPorts;
let pan: SyntheticClip;
let panResult: ClipEvaluation;
let mjpegResult: ClipEvaluation;

beforeAll(async () => {
  ports = await createDetectorPorts(['block-corruption']);
  pan = await makeSyntheticClip(NATURAL_CLIPS.find((spec) => spec.id === 'pan-24fps')!);
  panResult = await evaluateSyntheticClip(pan, detector, ports);
  const mjpeg = await makeSyntheticClip(COMPRESSED_CLEAN_CLIPS.find((spec) => spec.id.includes('mjpeg'))!);
  mjpegResult = await evaluateSyntheticClip(mjpeg, detector, ports);
}, 120_000);

describe('block-corruption detector on natural-looking content', () => {
  it('finds the concealed damage of the pan within 0.2 s, without false positives', () => {
    expect(panResult.truthFrames).toBeGreaterThan(0);
    expect(panResult.truePositives).toBeGreaterThanOrEqual(0.9 * panResult.truthFrames);
    expect(panResult.falsePositives).toBe(0);
    for (const error of panResult.intervalErrorsSec) expect(error).toBeLessThanOrEqual(0.2);
  });

  it('reports nothing on clean mjpeg clouds', () => {
    expect(mjpegResult.findings).toEqual([]);
  });

  it('gives the same findings on real frames whatever the chunk length', async () => {
    const findingsWith = async (chunkSeconds: number) => {
      const analyses = [];
      for (const chunk of chunksOf(pan.frames, pan.spec.durationSec, chunkSeconds)) {
        analyses.push(await analyzeChunk(chunk, [detector], ports));
      }
      const clip = { durationSec: pan.spec.durationSec, fps: pan.spec.fps, hasVideo: true, hasAudio: false };
      return aggregateFindings(analyses, [detector], clip);
    };
    const reference = await findingsWith(1);
    expect(reference.length).toBeGreaterThan(0);
    for (const chunkSeconds of [0.7, 2.3]) expect(await findingsWith(chunkSeconds)).toEqual(reference);
  });
});
