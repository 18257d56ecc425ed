import { accessSync, constants } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from './ffmpeg-binaries.ts';

const saved = { ffmpeg: process.env.FFMPEG_PATH, ffprobe: process.env.FFPROBE_PATH };

afterEach(() => {
  for (const [name, value] of [
    ['FFMPEG_PATH', saved.ffmpeg],
    ['FFPROBE_PATH', saved.ffprobe],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('ffmpeg binaries', () => {
  it('finds executable binaries from the installer packages', () => {
    delete process.env.FFMPEG_PATH;
    delete process.env.FFPROBE_PATH;
    for (const path of [ffmpegPath(), ffprobePath()]) {
      expect(path).toMatch(/node_modules/);
      expect(() => accessSync(path, constants.X_OK)).not.toThrow();
    }
    expect(ffmpegPath()).toMatch(/ffmpeg$/);
    expect(ffprobePath()).toMatch(/ffprobe$/);
  });

  it('lets FFMPEG_PATH and FFPROBE_PATH override them', () => {
    process.env.FFMPEG_PATH = '/opt/ffmpeg-7/bin/ffmpeg';
    process.env.FFPROBE_PATH = '/opt/ffmpeg-7/bin/ffprobe';
    expect(ffmpegPath()).toBe('/opt/ffmpeg-7/bin/ffmpeg');
    expect(ffprobePath()).toBe('/opt/ffmpeg-7/bin/ffprobe');
  });

  it('ignores an empty override', () => {
    process.env.FFMPEG_PATH = '  ';
    expect(ffmpegPath()).toMatch(/node_modules/);
  });
});
