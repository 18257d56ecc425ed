import { describe, expect, it } from 'vitest';
import { aggregateFindings } from '../aggregate.ts';
import type { DetectorPorts } from '../detector.ts';
import type { GreyFrame } from '../media.ts';
import {
  clipInfoOf,
  createTestClip,
  detectorFor,
  runTestClip,
  setFrames,
  TEST_CHUNKINGS,
  type TestClip,
} from './test-clip-builder.ts';

const FPS = 25;
const lowScores: DetectorPorts = {
  frameClassifier: {
    scoreFrames: (frames: readonly GreyFrame[]) => Promise.resolve(new Float32Array(frames.length).fill(0.1)),
  },
};

const W = 64;
const H = 36;

/** A camera pan: the same texture moved by one pixel per frame. */
function panFrame(index: number): Uint8Array {
  const data = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) data[y * W + x] = 40 + (((x + index) * 7 + y * 13) % 140);
  }
  return data;
}

function clip(): TestClip {
  const c = createTestClip({ durationSec: 6, fps: FPS, width: W, height: H, audio: false });
  c.frames!.forEach((_, i) => {
    c.frames![i] = panFrame(i);
  });
  return c;
}

/** Frames `from..to-1` repeat frame `from - 1`: the picture stops where it was (decoder concealment). */
function freezeAt(c: TestClip, from: number, to: number): TestClip {
  setFrames(c, from, to, c.frames![from - 1]!);
  return c;
}

async function intervals(c: TestClip, chunkSeconds = 1): Promise<[number, number][]> {
  const run = await runTestClip(c, [detectorFor('block-corruption')], chunkSeconds, {
    ports: lowScores,
    viaJson: true,
  });
  return run.findings.map((f) => [Number(f.startSec.toFixed(6)), Number(f.endSec.toFixed(6))]);
}

describe('block-corruption: whole-picture concealment freeze', () => {
  it('finds a moving picture that stops dead for several frames, from its second frozen frame, whatever the chunking', async () => {
    // Frame 52 repeats frame 51, one frame late; 53 is two frames late.
    for (const chunkSeconds of TEST_CHUNKINGS) {
      expect(await intervals(freezeAt(clip(), 52, 70), chunkSeconds)).toEqual([[2.12, 2.8]]);
    }
  });

  it('follows damage past the frozen frames up to the keyframe jump, and no further without one', async () => {
    // Frames 52-59 frozen, 60-74 move again but 9 pixels behind (decoded from the damaged reference), and
    // the keyframe at 75 jumps to the right picture.
    const lagging = (keyframe: number | undefined): TestClip => {
      const c = freezeAt(clip(), 52, 60);
      for (let i = 60; i < c.frames!.length; i++)
        c.frames![i] = panFrame(keyframe !== undefined && i >= keyframe ? i : i - 9);
      return c;
    };
    for (const chunkSeconds of TEST_CHUNKINGS) {
      expect(await intervals(lagging(75), chunkSeconds)).toEqual([[2.12, 3]]);
    }
    // No keyframe: the run ends with its frozen frames (frame 60, 9 behind, still shows frame 51's picture).
    expect(await intervals(lagging(undefined))).toEqual([[2.12, 2.44]]);
    // A jump later than KEYFRAME_SEARCH_SEC after the run is not taken for its keyframe.
    expect(await intervals(lagging(100))).toEqual([[2.12, 2.44]]);
  });

  it('ignores single repeated frames and stop-and-go motion', async () => {
    const c = clip();
    for (let i = 10; i < 140; i += 4) freezeAt(c, i, i + 2);
    expect(await intervals(c)).toEqual([]);
  });

  it('leaves long freezes to the freeze detector', async () => {
    expect(await intervals(freezeAt(clip(), 25, 100))).toEqual([]);
  });

  it('ignores a cut to a still picture and a cut to black', async () => {
    const still = clip();
    const title = new Uint8Array(W * H).map((_, i) => 40 + (((i % W) * 3 + Math.floor(i / W) * 29) % 140));
    setFrames(still, 50, 70, title);
    expect(await intervals(still)).toEqual([]);
    const black = clip();
    setFrames(black, 50, 70, new Uint8Array(W * H).fill(16));
    expect(await intervals(black)).toEqual([]);
  });
});

describe('block-corruption: concealment freeze past a keyframe', () => {
  it('follows damage into the next GOP: the keyframe jumps, the picture freezes again, then moves on', async () => {
    const c = freezeAt(clip(), 52, 75);
    c.frames![75] = panFrame(75); // the keyframe: the picture jumps to where the camera is
    freezeAt(c, 76, 93);
    expect(await intervals(c)).toEqual([
      [2.12, 3.0],
      [3.08, 3.72],
    ]);
  });

  it('does not follow into a still shot cut in after the damage (it never moves on)', async () => {
    const c = freezeAt(clip(), 52, 75);
    const title = new Uint8Array(W * H).map((_, i) => 40 + (((i % W) * 3 + Math.floor(i / W) * 29) % 140));
    for (let i = 75; i < c.frames!.length; i++) c.frames![i] = title;
    expect(await intervals(c)).toEqual([[2.12, 3.0]]);
  });
});

describe('block-corruption on tiny pictures', () => {
  it('judges nothing in pictures below minPictureSidePx (as coded)', async () => {
    const c = freezeAt(clip(), 52, 70);
    const run = await runTestClip(c, [detectorFor('block-corruption')], 1, { ports: lowScores });
    expect(run.findings).toHaveLength(1);
    const tiny = aggregateFindings(run.analyses, [detectorFor('block-corruption')], {
      ...clipInfoOf(c),
      videoWidth: 16,
      videoHeight: 16,
    });
    expect(tiny).toEqual([]);
  });
});
