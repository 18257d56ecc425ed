import { describe, expect, it } from 'vitest';
import type { GreyFrame } from '../core/media.ts';
import { createOnnxFrameClassifier, openSessionCount } from './onnx-frame-classifier.ts';

function frame(width: number, height: number, fill: (x: number, y: number) => number): GreyFrame {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = fill(x, y);
  return { ptsSec: 0, width, height, data };
}

const smooth = frame(320, 180, (x, y) => 60 + Math.round(x / 4 + y / 6));
// Blocks of unrelated content with hard edges on an 8-pixel grid, over the same gradient: what damaged
// macroblocks look like.
const blocky = frame(320, 180, (x, y) =>
  (x >> 3) % 3 === 1 && (y >> 3) % 2 === 0 ? ((x * 37 + y * 91) % 200) + 20 : 60 + Math.round(x / 4 + y / 6),
);

describe('ONNX frame classifier', () => {
  it('scores a batch in one call, one score in 0..1 per frame, in order', async () => {
    const classifier = createOnnxFrameClassifier();
    const scores = await classifier.scoreFrames([smooth, blocky, smooth]);
    expect(scores).toHaveLength(3);
    for (const score of scores) expect(score).toBeGreaterThanOrEqual(0);
    for (const score of scores) expect(score).toBeLessThanOrEqual(1);
    expect(scores[0]).toBeCloseTo(scores[2]!, 6);
    expect(scores[1]).toBeGreaterThan(scores[0]!);
  });

  it('reuses one session per process across classifiers', async () => {
    await createOnnxFrameClassifier().scoreFrames([smooth]);
    await createOnnxFrameClassifier().scoreFrames([blocky]);
    expect(openSessionCount()).toBe(1);
  });

  it('handles frames of different sizes in one call and scores frames too small to judge as 0', async () => {
    const classifier = createOnnxFrameClassifier();
    const small = frame(160, 90, (x) => x);
    const tiny = frame(8, 8, () => 0);
    const scores = await classifier.scoreFrames([smooth, small, tiny, blocky]);
    const alone = await classifier.scoreFrames([small]);
    expect(scores[1]).toBeCloseTo(alone[0]!, 6);
    expect(scores[2]).toBe(0);
    expect(await classifier.scoreFrames([])).toHaveLength(0);
  });

  it('reports a missing model file clearly', async () => {
    const classifier = createOnnxFrameClassifier('/nonexistent/model.onnx');
    await expect(classifier.scoreFrames([smooth])).rejects.toThrow(/model not found at \/nonexistent/);
  });
});
