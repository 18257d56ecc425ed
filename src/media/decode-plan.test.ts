import { describe, expect, it } from 'vitest';
import {
  analysisSize,
  audioSeekSec,
  buildDecodeArgs,
  chunkBounds,
  chunkCount,
  defaultDecodeOptions,
  videoAnalysisSize,
} from './decode-plan.ts';
import type { MediaInfo, VideoStreamInfo } from './probe.ts';

const video: VideoStreamInfo = {
  index: 0,
  codec: 'h264',
  width: 1920,
  height: 1080,
  fps: 25,
  variableFrameRate: false,
  sampleAspectRatio: 1,
  rotationDeg: 0,
  timeBase: '1/12800',
};
const info = (durationSec: number, extra: Partial<MediaInfo> = {}): MediaInfo => ({
  path: '/clips/a.mp4',
  formatName: 'mov,mp4,m4a,3gp,3g2,mj2',
  durationSec,
  startTimeSec: 0,
  video,
  audio: { index: 1, codec: 'aac', channels: 2, sampleRate: 48_000 },
  ...extra,
});

describe('analysisSize', () => {
  it('keeps the aspect ratio with even sides', () => {
    expect(analysisSize(1920, 1080, 320)).toEqual({ width: 320, height: 180 });
    expect(analysisSize(3840, 2160, 320)).toEqual({ width: 320, height: 180 });
    expect(analysisSize(321, 241, 320)).toEqual({ width: 320, height: 240 });
    expect(analysisSize(720, 576, 320)).toEqual({ width: 320, height: 256 });
    expect(analysisSize(1080, 1920, 320)).toEqual({ width: 320, height: 568 });
    expect(analysisSize(160, 120, 321)).toEqual({ width: 322, height: 242 });
  });

  it('rejects empty sizes', () => {
    expect(() => analysisSize(0, 100, 320)).toThrow(RangeError);
  });

  it('uses the display shape: sample aspect ratio and quarter-turn rotation', () => {
    // DVD PAL 16:9: 720x576 pixels with SAR 64:45 display as 1024x576.
    expect(videoAnalysisSize({ ...video, width: 720, height: 576, sampleAspectRatio: 64 / 45 }, 320)).toEqual(
      {
        width: 320,
        height: 180,
      },
    );
    expect(videoAnalysisSize({ ...video, rotationDeg: 90 }, 320)).toEqual({ width: 320, height: 568 });
  });
});

describe('chunk geometry', () => {
  it('counts ceil(duration / chunk), at least one', () => {
    expect(chunkCount(info(5), 1)).toBe(5);
    expect(chunkCount(info(5.013), 1)).toBe(6);
    expect(chunkCount(info(5), 2)).toBe(3);
    expect(chunkCount(info(0.3), 0.1)).toBe(3);
    expect(chunkCount(info(0.001), 1)).toBe(1);
    expect(() => chunkCount(info(5), 0)).toThrow(RangeError);
  });

  it('ends the last chunk at the duration', () => {
    expect(chunkBounds(info(5.5), 2, 0)).toEqual({ startSec: 0, endSec: 2 });
    expect(chunkBounds(info(5.5), 2, 2)).toEqual({ startSec: 4, endSec: 5.5 });
    expect(chunkBounds(info(1), 0.1, 3)).toEqual({ startSec: 0.3, endSec: 0.4 });
  });
});

describe('audioSeekSec', () => {
  it('starts half a second early on the common grid of both sample rates', () => {
    expect(audioSeekSec(info(10), defaultDecodeOptions, 3)).toBe(2.5);
    expect(audioSeekSec(info(10), defaultDecodeOptions, 0.3)).toBe(0);
    const at = (sampleRate: number, chunkStartSec: number): number =>
      audioSeekSec(
        info(10, { audio: { index: 1, codec: 'aac', channels: 2, sampleRate } }),
        defaultDecodeOptions,
        chunkStartSec,
      );
    // 44.1 kHz -> 16 kHz: the resampler phase repeats every 10 ms (441 in, 160 out).
    expect(at(44_100, 1.2345)).toBeCloseTo(0.73, 9);
    // 22.05 kHz: every 20 ms.
    expect(at(22_050, 1.2345)).toBeCloseTo(0.72, 9);
  });
});

describe('buildDecodeArgs', () => {
  it('decodes a whole clip from one input into three pipes', () => {
    const args = buildDecodeArgs(info(5), defaultDecodeOptions, { videoSec: 0, audioSec: 0 });
    expect(args.filter((arg) => arg === '-i')).toHaveLength(1);
    expect(args).not.toContain('-ss');
    expect(args).toEqual(expect.arrayContaining(['-copyts', '-vsync', '0', 'pipe:3', 'pipe:4', 'pipe:5']));
    const graph = args[args.indexOf('-filter_complex') + 1];
    expect(graph).toContain('[0:0]scale=320:180');
    expect(graph).toContain('format=gray,split=2');
    expect(graph).toContain('[0:1]asetpts=');
    expect(graph).toContain('aresample=16000:async=1:first_pts=0');
  });

  it('seeks video to the chunk and audio earlier, through two inputs of the same file', () => {
    const args = buildDecodeArgs(info(5), defaultDecodeOptions, { videoSec: 3, audioSec: 2.5 });
    expect(args.filter((arg) => arg === '-i')).toHaveLength(2);
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 3)).toEqual([
      '-ss',
      '3.000000',
      '-noaccurate_seek',
    ]);
    expect(args.lastIndexOf('-ss')).toBeGreaterThan(args.indexOf('-ss'));
    expect(args[args.lastIndexOf('-ss') + 1]).toBe('2.500000');
    expect(args[args.indexOf('-filter_complex') + 1]).toContain('[1:1]asetpts=floor(PTS-(2.500000)/TB+0.5)');
  });

  it('passes paths that look like options or protocols as plain files', () => {
    const args = buildDecodeArgs(info(5, { path: '-weird:name.mp4' }), defaultDecodeOptions, {
      videoSec: 0,
      audioSec: 0,
    });
    expect(args[args.indexOf('-i') + 1]).toBe('file:-weird:name.mp4');
  });
});
