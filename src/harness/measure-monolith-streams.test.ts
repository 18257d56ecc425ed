import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadInputError } from '../core/errors.ts';
import { liveChildCount } from '../infra/child-processes.ts';
import { defaultDecodeOptions } from '../media/decoder.ts';
import { eventually, processesMentioning } from '../runners/distributed/distributed-test-support.ts';
import { measureMonolithStreams } from './measure-monolith-streams.ts';
import { fixturePath, fixturesForTests } from './test-fixtures.ts';

/**
 * The multi-stream measurement end to end: one fresh process per k, a sample each, the fit over them,
 * and nothing left running afterwards, also when the process fails. Timings are not asserted.
 */

const config = { decode: defaultDecodeOptions, detectors: undefined };

describe('measureMonolithStreams', () => {
  it('measures k = 1 and 2 in fresh processes on clips cut to 4 s, and fits them', async () => {
    const fixtures = await fixturesForTests();
    const before = liveChildCount();
    const clip = fixturePath(fixtures, 'av-sync-ok');
    const seen: number[] = [];
    const result = await measureMonolithStreams({
      config,
      clipPaths: [clip],
      streamCounts: [1, 2],
      secondsPerStream: 4,
      onSample: (sample) => seen.push(sample.streams),
    });
    expect(seen).toEqual([1, 2]);
    expect(result.samples.map((sample) => sample.streams)).toEqual([1, 2]);
    const [one, two] = result.samples;
    // The 12-s clip cut to its first 4 s, reused round-robin: 4 and 8 stream-seconds.
    expect(one?.streamSeconds).toBeCloseTo(4, 1);
    expect(two?.streamSeconds).toBeCloseTo(8, 1);
    expect(result.clipPaths).toEqual([clip]);
    for (const sample of result.samples) {
      expect(sample.cpuMs).toBeGreaterThan(sample.nodeCpuMs);
      expect(sample.peakRssBytes).toBeGreaterThan(sample.nodePeakRssBytes);
      expect(sample.wallMs).toBeGreaterThan(0);
    }
    expect(result.fit.samples).toHaveLength(2);
    expect(result.fit.cpuSecondsPerStreamSecond).toBeGreaterThan(0);
    expect(result.fit.throughputScalingStreams).toBe(Math.min(2, result.fit.cores));
    expect(liveChildCount()).toBe(before);
  }, 120_000);

  it('rejects with the clip problem when a clip cannot be read, leaving no process behind', async () => {
    const before = liveChildCount();
    await expect(
      measureMonolithStreams({ config, clipPaths: ['/nonexistent/clip.mp4'], streamCounts: [1] }),
    ).rejects.toBeInstanceOf(BadInputError);
    expect(liveChildCount()).toBe(before);
  }, 60_000);

  it('ends the measurement process and its decoders when aborted mid-run', async () => {
    const fixtures = await fixturesForTests();
    // A directory of its own, so the decoders of this test (ffmpeg names its input) can be told apart.
    const dir = await mkdtemp(path.join(os.tmpdir(), 'archbench-streams-'));
    try {
      const clip = path.join(dir, 'clip.mp4');
      await symlink(fixturePath(fixtures, 'multi-defect'), clip);
      const controller = new AbortController();
      const measuring = measureMonolithStreams({
        config,
        clipPaths: [clip],
        streamCounts: [4],
        signal: controller.signal,
      });
      measuring.catch(() => {});
      const decoders = await eventually(
        () => processesMentioning(dir),
        (found) => found.some((line) => line.includes('ffmpeg')),
        60_000,
      );
      expect(decoders.some((line) => line.includes('ffmpeg'))).toBe(true);
      controller.abort();
      await expect(measuring).rejects.toThrow(/aborted/);
      const left = await eventually(
        () => processesMentioning(dir),
        (found) => found.length === 0,
        5_000,
      );
      expect(left).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('refuses a stream count that is not a whole number of at least 1', async () => {
    await expect(measureMonolithStreams({ config, clipPaths: ['x.mp4'], streamCounts: [0] })).rejects.toThrow(
      /stream count 0/,
    );
  });
});
