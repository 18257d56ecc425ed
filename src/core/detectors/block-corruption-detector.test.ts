import { describe, expect, it } from 'vitest';
import type { DetectorPorts, FrameClassifier } from '../detector.ts';
import type { GreyFrame } from '../media.ts';
import { blockCorruptionDetector } from './block-corruption-detector.ts';
import {
  createTestClip,
  detectorFor,
  movingFrame,
  runTestClip,
  TEST_CHUNKINGS,
  type TestClip,
} from './test-clip-builder.ts';

const FPS = 25;

/** A classifier that returns a scripted score per frame index (frame i is at i / 25 s) and logs its calls. */
function scriptedClassifier(scores: (index: number) => number): FrameClassifier & { calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    scoreFrames(frames: readonly GreyFrame[]) {
      calls.push(frames.length);
      return Promise.resolve(Float32Array.from(frames, (frame) => scores(Math.round(frame.ptsSec * FPS))));
    },
  };
}

/** Scores from a map of index ranges `[from, to)` to a score; 0.1 elsewhere. */
function ranges(...spans: [number, number, number][]): (index: number) => number {
  return (index) => spans.find(([from, to]) => index >= from && index < to)?.[2] ?? 0.1;
}

async function findingsWith(
  scores: (index: number) => number,
  options: { chunkSeconds?: number; overrides?: Record<string, unknown>; viaJson?: boolean } = {},
) {
  const classifier = scriptedClassifier(scores);
  const ports: DetectorPorts = { frameClassifier: classifier };
  // One-frame findings, to test the hysteresis frame by frame (the default minDurationSec is 3 frames).
  const detector = detectorFor('block-corruption', {
    enterScore: 0.9,
    leaveScore: 0.5,
    minDurationSec: 0.04,
    ...options.overrides,
  });
  const run = await runTestClip(
    createTestClip({ durationSec: 6, fps: FPS }),
    [detector],
    options.chunkSeconds ?? 1,
    {
      ports,
      viaJson: options.viaJson ?? false,
    },
  );
  return { run, classifier };
}

function intervals(findings: readonly { startSec: number; endSec: number }[]): [number, number][] {
  return findings.map((finding) => [Number(finding.startSec.toFixed(6)), Number(finding.endSec.toFixed(6))]);
}

/**
 * Runs the detector (enterScore 0.9, leaveScore 0.5) over `clip` with the scripted `scores`, in every test
 * chunking, with partials kept in memory and through JSON, and expects the same `expected` intervals each time.
 */
async function expectOnEveryChunking(
  clip: TestClip,
  scores: (index: number) => number,
  expected: [number, number][],
): Promise<void> {
  const detector = detectorFor('block-corruption', { enterScore: 0.9, leaveScore: 0.5 });
  const ports: DetectorPorts = { frameClassifier: scriptedClassifier(scores) };
  for (const chunkSeconds of TEST_CHUNKINGS) {
    for (const viaJson of [false, true]) {
      const run = await runTestClip(clip, [detector], chunkSeconds, { ports, viaJson });
      expect(intervals(run.findings), `${chunkSeconds} s chunks${viaJson ? ', JSON' : ''}`).toEqual(expected);
    }
  }
}

describe('block-corruption detector', () => {
  it('reports nothing while every frame scores below enterScore', async () => {
    const { run } = await findingsWith(ranges([10, 40, 0.8]));
    expect(run.findings).toEqual([]);
  });

  it('extends a finding over the neighbours above leaveScore, forwards and backwards (hysteresis)', async () => {
    // 0.6 from frame 20, one frame at 0.95 at frame 30, 0.6 until frame 44, then clean.
    const { run } = await findingsWith(ranges([30, 31, 0.95], [20, 44, 0.6]));
    expect(intervals(run.findings)).toEqual([[0.8, 1.76]]);
    expect(run.findings[0]!.detector).toBe('block-corruption');
    expect(run.findings[0]!.details).toEqual({ peakScore: expect.closeTo(0.95, 6) });
    expect(run.findings[0]!.confidence).toBeCloseTo((0.95 - 0.9) / (1 - 0.9), 5);
  });

  it('ends a finding at the first frame below leaveScore, even for one frame', async () => {
    const { run } = await findingsWith(ranges([30, 31, 0.95], [40, 41, 0.2], [25, 50, 0.6]));
    expect(intervals(run.findings)).toEqual([[1, 1.6]]);
  });

  it('keeps separate defects apart and drops runs that never reach enterScore', async () => {
    const { run } = await findingsWith(ranges([10, 12, 0.99], [60, 90, 0.7], [120, 130, 0.92]));
    expect(intervals(run.findings)).toEqual([
      [0.4, 0.48],
      [4.8, 5.2],
    ]);
  });

  it('ends a finding that reaches the end of the clip at the clip end', async () => {
    const { run } = await findingsWith(ranges([140, 150, 0.97]));
    expect(intervals(run.findings)).toEqual([[5.6, 6]]);
  });

  it('applies minDurationSec to the joined run: by default, findings of 2 frames drop, of 3 stay', async () => {
    const twoFrames = ranges([50, 52, 0.95]);
    expect(intervals((await findingsWith(twoFrames)).run.findings)).toEqual([[2, 2.08]]);
    const byDefault = { minDurationSec: blockCorruptionDetector.defaults.minDurationSec };
    expect((await findingsWith(twoFrames, { overrides: byDefault })).run.findings).toEqual([]);
    const threeFrames = ranges([50, 51, 0.95], [51, 53, 0.6]);
    expect(intervals((await findingsWith(threeFrames, { overrides: byDefault })).run.findings)).toEqual([
      [2, 2.12],
    ]);
  });

  it('gives the same findings for every chunking and through JSON partials', async () => {
    // Runs crossing chunk boundaries, one whose only high frame is in another chunk than most of it.
    const scores = ranges([24, 25, 0.99], [10, 70, 0.6], [99, 101, 0.95], [90, 110, 0.55], [140, 150, 0.7]);
    const reference = (await findingsWith(scores)).run.findings;
    expect(intervals(reference)).toEqual([
      [0.4, 2.8],
      [3.6, 4.4],
    ]);
    for (const chunkSeconds of TEST_CHUNKINGS) {
      for (const viaJson of [false, true]) {
        const { run } = await findingsWith(scores, { chunkSeconds, viaJson });
        expect(run.findings).toEqual(reference);
      }
    }
  });

  it('opens a finding where the lower picture stops under moving rows (concealment), for every chunking', async () => {
    // 64x48 moving picture; frames 50-59 keep the lower half of frame 49 (a slice concealed from the
    // reference). Frame 50 is the first frame of a chunk for 0.5, 1 and 2 s chunks: the previous chunk
    // judges it against its last frame. The model scores 0.6 (>= leaveScore) on frames 60-64. Frame 75 (a
    // chunk's first frame for 0.5, 1 and 3 s chunks) alone repeats frame 74's lower half and the model
    // scores 0.6 on frames 76-80: that run starts at the chunk's second frame and must still join it.
    const clip = createTestClip({ durationSec: 4, fps: FPS, width: 64, height: 48 });
    const frozen = movingFrame(49, 64, 48).subarray(24 * 64);
    for (let i = 50; i < 60; i++) clip.frames![i]!.set(frozen, 24 * 64);
    // Frame 55 repeats frame 54 whole (no seam there): a single frame without a seam does not end the run.
    clip.frames![55] = clip.frames![54]!.slice();
    clip.frames![75]!.set(movingFrame(74, 64, 48).subarray(24 * 64), 24 * 64);
    const detector = detectorFor('block-corruption', { enterScore: 0.9, leaveScore: 0.5 });
    const scores = ranges([60, 65, 0.6], [76, 81, 0.6]);
    const ports: DetectorPorts = { frameClassifier: scriptedClassifier(scores) };
    for (const chunkSeconds of TEST_CHUNKINGS) {
      for (const viaJson of [false, true]) {
        const run = await runTestClip(clip, [detector], chunkSeconds, { ports, viaJson });
        expect(intervals(run.findings)).toEqual([
          [2, 2.6],
          [3, 3.24],
        ]);
        expect(run.findings.map((finding) => finding.confidence)).toEqual([1, 1]);
      }
    }
  });

  it('opens nothing for a lower picture that is static from the start under moving rows', async () => {
    // A static graphic or a locked-off lower scene shows the same seam in every frame, but it never stopped.
    const clip = createTestClip({ durationSec: 3, fps: FPS, width: 64, height: 48 });
    const still = movingFrame(0, 64, 48).subarray(24 * 64);
    for (const data of clip.frames!) data.set(still, 24 * 64);
    const detector = detectorFor('block-corruption', { enterScore: 0.9, leaveScore: 0.5 });
    const ports: DetectorPorts = { frameClassifier: scriptedClassifier(ranges([30, 40, 0.6])) };
    for (const chunkSeconds of TEST_CHUNKINGS) {
      expect((await runTestClip(clip, [detector], chunkSeconds, { ports })).findings).toEqual([]);
    }
  });

  it("counts the decoder's damaged frames from the damage threshold on, for every chunking", async () => {
    // Damage reported on frames 30-59 (a damaged GOP: 0.25 more per frame) and 80-84 (0.5 in all: below
    // the threshold); the model sees nothing. Frames count from the first with damage >= 0.75 (frame 32).
    const damage = Array.from({ length: 150 }, (_, i) =>
      i >= 30 && i < 60 ? 0.25 * (i - 29) : i >= 80 && i < 85 ? 0.5 : undefined,
    );
    const clip = {
      ...createTestClip({ durationSec: 6, fps: FPS, width: 64, height: 48 }),
      decodeDamage: damage,
    };
    await expectOnEveryChunking(clip, ranges(), [[1.28, 2.4]]);
    const ports: DetectorPorts = { frameClassifier: scriptedClassifier(ranges()) };
    const all = detectorFor('block-corruption', { enterScore: 0.9, leaveScore: 0.5, minDecodeDamage: 0 });
    expect(intervals((await runTestClip(clip, [all], 1, { ports })).findings)).toEqual([
      [1.2, 2.4],
      [3.2, 3.4],
    ]);
    const none = detectorFor('block-corruption', { enterScore: 0.9, leaveScore: 0.5, decoderErrors: false });
    expect((await runTestClip(clip, [none], 1, { ports })).findings).toEqual([]);
  });

  it('counts no decoder damage on a picture that stands still, and from the first change on', async () => {
    // Frames 0-69 are one still picture (concealment copies it); the picture moves from frame 70 on.
    // Damage reported on 30-49 (all still: nothing) and 60-89 (counts from 70, the first change).
    const clip = {
      ...createTestClip({ durationSec: 4, fps: FPS, width: 64, height: 48 }),
      decodeDamage: Array.from({ length: 100 }, (_, i) =>
        (i >= 30 && i < 50) || (i >= 60 && i < 90) ? 2 : undefined,
      ),
    };
    for (let i = 1; i < 70; i++) clip.frames![i] = clip.frames![0]!.slice();
    await expectOnEveryChunking(clip, ranges(), [[2.8, 3.6]]);
  });

  it('counts decoder damage on a moving picture that concealment freezes', async () => {
    // The picture moves until frame 29; the decoder conceals frames 30-32 by repeating frame 29 (too short
    // for the freeze test) and reports damage there. No change since the run started, but the picture moved
    // just before it: a frozen picture, not a still one.
    const clip = {
      ...createTestClip({ durationSec: 2, fps: FPS, width: 64, height: 48 }),
      decodeDamage: Array.from({ length: 50 }, (_, i) => (i >= 30 && i < 33 ? 2 : undefined)),
    };
    for (let i = 30; i < 33; i++) clip.frames![i] = clip.frames![29]!.slice();
    await expectOnEveryChunking(clip, ranges(), [[1.2, 1.32]]);
    const ports: DetectorPorts = { frameClassifier: scriptedClassifier(ranges()) };
    const pixelsOnly = detectorFor('block-corruption', {
      enterScore: 0.9,
      leaveScore: 0.5,
      decoderErrors: false,
    });
    expect((await runTestClip(clip, [pixelsOnly], 1, { ports })).findings).toEqual([]);
  });

  it('does not extend a finding across the keyframe that clears decoder-reported damage', async () => {
    // The picture moves; frames 30-49 repeat frame 29 (concealment) with damage 2 reported. Frame 50 is the
    // keyframe: no damage, and the picture jumps to where it should be. The model scores 0.6 (>= leaveScore)
    // on the intact frames 50-54: they do not extend the finding. Frame 80 alone carries a little damage (a
    // B-frame nothing references) and frame 81, reported intact, shows no jump: the model's run 78-83
    // (0.95 on 78) stays whole.
    const clip = {
      ...createTestClip({ durationSec: 4, fps: FPS, width: 64, height: 48 }),
      decodeDamage: Array.from({ length: 100 }, (_, i) =>
        i >= 30 && i < 50 ? 2 : i === 80 ? 0.5 : undefined,
      ),
    };
    for (let i = 30; i < 50; i++) clip.frames![i] = clip.frames![29]!.slice();
    const scores = ranges([50, 55, 0.6], [78, 79, 0.95], [79, 84, 0.6]);
    await expectOnEveryChunking(clip, scores, [
      [1.2, 2],
      [3.12, 3.36],
    ]);
    const ports: DetectorPorts = { frameClassifier: scriptedClassifier(scores) };
    // Without the decoder's reports the freeze test finds the repeated frames (from the second) and the
    // hysteresis goes on.
    const pixelsOnly = detectorFor('block-corruption', {
      enterScore: 0.9,
      leaveScore: 0.5,
      decoderErrors: false,
    });
    expect(intervals((await runTestClip(clip, [pixelsOnly], 1, { ports })).findings)).toEqual([
      [1.24, 2.2],
      [3.12, 3.36],
    ]);
  });

  it('scores each chunk in one classifier call', async () => {
    const { classifier } = await findingsWith(ranges(), { chunkSeconds: 2 });
    expect(classifier.calls).toEqual([50, 50, 50]);
  });

  it('fails the chunk with a clear message when the runner provides no classifier', async () => {
    const detector = detectorFor('block-corruption');
    const run = await runTestClip(createTestClip({ durationSec: 2 }), [detector], 1);
    expect(run.findings).toEqual([]);
    expect(run.analyses[0]!.failures?.['block-corruption']).toMatch(/needs the frameClassifier port/);
  });

  it('rejects a classifier that returns the wrong number of scores', async () => {
    const broken: FrameClassifier = { scoreFrames: () => Promise.resolve(new Float32Array(3)) };
    const run = await runTestClip(createTestClip({ durationSec: 1 }), [detectorFor('block-corruption')], 1, {
      ports: { frameClassifier: broken },
    });
    expect(run.analyses[0]!.failures?.['block-corruption']).toMatch(/returned 3 scores for 25 frames/);
  });

  it('validates its thresholds', () => {
    expect(() => detectorFor('block-corruption', { leaveScore: 0.95, enterScore: 0.9 })).toThrow(
      /leaveScore must not exceed enterScore/,
    );
    expect(() => detectorFor('block-corruption', { enterScore: 1.5 })).toThrow(/enterScore must be/);
    expect(() => detectorFor('block-corruption', { minDecodeDamage: -1 })).toThrow(/minDecodeDamage must be/);
  });
});
