import { describe, expect, it } from 'vitest';
import { fitLine, fitMonolithSizing, type MonolithStreamsSample } from './monolith-sizing.ts';

const MB = 1e6;

function sample(
  streams: number,
  fields: Partial<Omit<MonolithStreamsSample, 'streams'>> = {},
): MonolithStreamsSample {
  return {
    streams,
    streamSeconds: 12 * streams,
    cpuMs: 1000 * streams,
    nodeCpuMs: 500 * streams,
    wallMs: 6000,
    peakRssBytes: 200 * MB,
    nodePeakRssBytes: 150 * MB,
    ...fields,
  };
}

describe('fitLine', () => {
  it('is ordinary least squares', () => {
    // Points (1, 200), (2, 230), (4, 290): mean x = 7/3, mean y = 240.
    // dx = -4/3, -1/3, 5/3; dy = -40, -10, 50; sum dx*dy = 160/3 + 10/3 + 250/3 = 140; sum dx^2 = 42/9 = 14/3.
    // slope = 140 / (14/3) = 30; intercept = 240 - 30 * 7/3 = 170.
    const line = fitLine([
      { x: 1, y: 200 },
      { x: 2, y: 230 },
      { x: 4, y: 290 },
    ]);
    expect(line.slope).toBeCloseTo(30, 12);
    expect(line.intercept).toBeCloseTo(170, 12);
  });

  it('refuses a fit without two distinct x values', () => {
    expect(() => fitLine([{ x: 1, y: 2 }])).toThrow(RangeError);
    expect(() =>
      fitLine([
        { x: 1, y: 2 },
        { x: 1, y: 3 },
      ]),
    ).toThrow(RangeError);
  });
});

describe('fitMonolithSizing', () => {
  it('fits memory = base + k x per-stream by least squares of peak RSS on k', () => {
    const fit = fitMonolithSizing(
      [
        sample(4, { peakRssBytes: 290 * MB, nodePeakRssBytes: 180 * MB }),
        sample(1, { peakRssBytes: 200 * MB, nodePeakRssBytes: 150 * MB }),
        sample(2, { peakRssBytes: 230 * MB, nodePeakRssBytes: 160 * MB }),
      ],
      2,
    );
    // As in fitLine's test: slope 30 MB, intercept 170 MB.
    expect(fit.memoryPerStreamBytes).toBeCloseTo(30 * MB, 3);
    expect(fit.memoryBaseBytes).toBeCloseTo(170 * MB, 3);
    // Node alone: (1, 150), (2, 160), (4, 180): dy = -13.33, -3.33, 16.67 around 163.33;
    // sum dx*dy = 17.78 + 1.11 + 27.78 = 46.67 = 140/3; slope = (140/3) / (14/3) = 10; intercept = 163.33 - 23.33 = 140.
    expect(fit.nodeMemory.perStreamBytes).toBeCloseTo(10 * MB, 3);
    expect(fit.nodeMemory.baseBytes).toBeCloseTo(140 * MB, 3);
    expect(fit.samples.map((s) => s.streams)).toEqual([1, 2, 4]);
  });

  it('takes CPU per stream-second as the least-squares slope, the fixed cost going to the intercept', () => {
    // CPU = 2 s + 0.5 s per stream-second: 12 s -> 8 s, 24 s -> 14 s, 48 s -> 26 s. Slope 0.5.
    const fit = fitMonolithSizing(
      [
        sample(1, { cpuMs: 8000, nodeCpuMs: 2000 + 0.25 * 12_000 }),
        sample(2, { cpuMs: 14_000, nodeCpuMs: 2000 + 0.25 * 24_000 }),
        sample(4, { cpuMs: 26_000, nodeCpuMs: 2000 + 0.25 * 48_000 }),
      ],
      2,
    );
    expect(fit.cpuMethod).toBe('least-squares-slope');
    expect(fit.cpuSecondsPerStreamSecond).toBeCloseTo(0.5, 12);
    expect(fit.nodeCpuSecondsPerStreamSecond).toBeCloseTo(0.25, 12);
  });

  it('falls back to total CPU / total stream-seconds with one sample or a slope that is not positive', () => {
    // One sample: 3 s / 12 s = 0.25.
    const one = fitMonolithSizing([sample(1, { cpuMs: 3000 })], 2);
    expect(one.cpuMethod).toBe('ratio-of-totals');
    expect(one.cpuSecondsPerStreamSecond).toBeCloseTo(0.25, 12);
    // One k: base 0, per-stream = peak / k.
    expect(one.memoryBaseBytes).toBe(0);
    expect(one.memoryPerStreamBytes).toBe(200 * MB);
    // Noise giving a falling line: (12 s, 6 s), (24 s, 5 s) -> (6 + 5) / (12 + 24) = 0.30556.
    const noisy = fitMonolithSizing([sample(1, { cpuMs: 6000 }), sample(2, { cpuMs: 5000 })], 2);
    expect(noisy.cpuMethod).toBe('ratio-of-totals');
    expect(noisy.cpuSecondsPerStreamSecond).toBeCloseTo(11 / 36, 12);
  });

  it('gives throughput scaling at the largest k within the cores against k = 1', () => {
    // k = 1: 12 s of media in 6 s = 2 stream-s/s; k = 2: 24 s in 6.5 s = 3.6923; k = 4 is beyond 2 cores.
    const fit = fitMonolithSizing([sample(1), sample(2, { wallMs: 6500 }), sample(4, { wallMs: 20_000 })], 2);
    expect(fit.throughputScalingStreams).toBe(2);
    expect(fit.throughputScaling).toBeCloseTo(24 / 6.5 / 2, 12);
    expect(fit.cores).toBe(2);
    // Without a k = 1 sample there is no scaling.
    expect(fitMonolithSizing([sample(2), sample(4)], 2).throughputScaling).toBeNull();
  });

  it('refuses no samples and empty samples', () => {
    expect(() => fitMonolithSizing([], 2)).toThrow(RangeError);
    expect(() => fitMonolithSizing([sample(1, { streamSeconds: 0 })], 2)).toThrow(RangeError);
  });
});
