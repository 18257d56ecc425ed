import { describe, expect, it } from 'vitest';
import {
  withDetectorCpuScaled,
  withFrameGeometry,
  withFunctionMemoryScaled,
  withTaskDurationsScaled,
} from './profile-transforms.ts';
import { distributedProfile, monolithProfile } from './test-profiles.ts';

// distributedProfile: 10 one-second chunks, 25 frames + 1 audio object per chunk (test-profiles.ts).
describe('withFrameGeometry', () => {
  it('moves to 10-s chunks with 125 frames per object, by hand', () => {
    const moved = withFrameGeometry(
      distributedProfile(),
      { fps: 25, chunkSeconds: 1, framesPerObject: 1 },
      { fps: 25, chunkSeconds: 10, framesPerObject: 125 },
    );
    const { count } = moved;
    // A tenth of the executions, transitions and invocations.
    expect(count.executions).toBeCloseTo(0.1, 12);
    expect(count.transitions).toBeCloseTo(0.6, 12);
    expect(count.invocations).toBeCloseTo(0.4, 12);
    // ConvertMedia: 26 objects per chunk -> 250 frames / 125 = 2 frame objects + audio = 3 per 10-s chunk.
    expect(count.s3RequestsByStage.ConvertMedia?.PutObject).toBeCloseTo(0.3, 12);
    // freeze read 25 frame objects per chunk -> 2; silence reads the audio object, 1 per chunk.
    expect(count.s3RequestsByStage['Detect freeze']?.GetObject).toBeCloseTo(0.2, 12);
    expect(count.s3RequestsByStage['Detect silence']?.GetObject).toBeCloseTo(0.1, 12);
    // The results write is per clip: unchanged.
    expect(count.s3RequestsByStage.WriteResults?.PutObject).toBeCloseTo(0.1, 12);
    // Compute is per frame: unchanged at the same frame rate.
    expect(moved.compute.lambdaGbSeconds).toBeCloseTo(distributedProfile().compute.lambdaGbSeconds, 12);
  });

  it('scales per-frame work and frame objects with the frame rate', () => {
    const doubled = withFrameGeometry(
      distributedProfile(),
      { fps: 25, chunkSeconds: 1, framesPerObject: 1 },
      { fps: 50, chunkSeconds: 1, framesPerObject: 1 },
    );
    // 50 frame objects + audio per chunk, 10 chunks per 10 s.
    expect(doubled.count.s3RequestsByStage.ConvertMedia?.PutObject).toBeCloseTo(51, 12);
    expect(doubled.count.transitions).toBeCloseTo(6, 12);
    expect(doubled.compute.lambdaGbSeconds).toBeCloseTo(2 * distributedProfile().compute.lambdaGbSeconds, 12);
  });
});

describe('withDetectorCpuScaled', () => {
  it('multiplies detector CPU and bills the extra time to the tasks that run detectors', () => {
    const monolith = withDetectorCpuScaled(monolithProfile(), 10);
    // freeze 100 + silence 50 ms/s become 1,000 + 500; decode 200, aggregate 10 and io 40 stay: 1,750.
    expect(monolith.compute.cpuMs).toBeCloseTo(1750, 9);
    const distributed = withDetectorCpuScaled(distributedProfile(), 2);
    // The distributed test counters record no detector CPU: nothing to add.
    expect(distributed.compute.lambdaGbSeconds).toBeCloseTo(distributedProfile().compute.lambdaGbSeconds, 12);
  });
});

describe('withFunctionMemoryScaled', () => {
  it('scales GB-seconds with the configured memory', () => {
    const scaled = withFunctionMemoryScaled(distributedProfile(), 2);
    expect(scaled.compute.lambdaGbSeconds).toBeCloseTo(0.825, 12);
  });
});

describe('withTaskDurationsScaled', () => {
  it('halves billed task and execution durations, counts untouched', () => {
    const halved = withTaskDurationsScaled(distributedProfile(), 0.5);
    // 0.4125 GB-s per stream-second (test-profiles.ts) -> 0.20625; executions 2,000 ms each -> 1,000.
    expect(halved.compute.lambdaGbSeconds).toBeCloseTo(0.20625, 12);
    expect(halved.compute.expressBilledMs).toBeCloseTo(1000, 9);
    expect(halved.count).toEqual(distributedProfile().count);
  });
});
