import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../core/errors.ts';
import { liveChildCount } from '../infra/child-processes.ts';
import { probeMedia, toClipInfo } from './probe.ts';
import { type ClipDir, createClipDir } from './test-clip-factory.ts';

let clips: ClipDir;
const paths: Record<string, string> = {};

/** Deterministic pseudo-random bytes (xorshift32), so the "random bytes" case is the same every run. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

beforeAll(async () => {
  clips = await createClipDir('probe');
  const dir = clips.dir;
  const sine = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000:duration=1'];
  const video = ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=25:duration=1'];
  const made = await Promise.all([
    clips.make('ok.mp4', [...video, ...sine, '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac']),
    clips.make('cover.m4a', [
      ...sine,
      ...['-f', 'lavfi', '-i', 'color=red:size=64x64:duration=1'],
      ...['-map', '0:a', '-map', '1:v', '-c:a', 'aac', '-c:v', 'png', '-frames:v', '1'],
      ...['-disposition:v', 'attached_pic'],
    ]),
    clips.make('anamorphic.mkv', [...video, '-vf', 'setsar=2', '-c:v', 'libx264', '-preset', 'ultrafast']),
    clips.make('offset.ts', [
      ...video,
      ...sine,
      '-c:v',
      'mpeg2video',
      '-c:a',
      'mp2',
      '-output_ts_offset',
      '1.4',
    ]),
    clips.make('raw.h264', [...video, '-c:v', 'libx264', '-preset', 'ultrafast', '-f', 'h264']),
  ]);
  [paths.ok, paths.cover, paths.anamorphic, paths.offsetTs, paths.rawH264] = made;
  paths.srt = join(dir, 'subtitles.srt');
  await writeFile(paths.srt, '1\n00:00:00,000 --> 00:00:01,000\nHello\n');
  paths.subtitleMkv = await clips.make('subtitles-only.mkv', ['-i', paths.srt]);
  paths.text = join(dir, 'notes.mp4');
  await writeFile(paths.text, 'These are meeting notes, not a video.\n'.repeat(40));
  paths.random = join(dir, 'noise.bin');
  await writeFile(paths.random, pseudoRandomBytes(65_536, 12_345));
  paths.empty = join(dir, 'empty.mp4');
  await writeFile(paths.empty, '');
  paths.dir = join(dir, 'a-directory.mp4');
  await mkdir(paths.dir);
  paths.locked = join(dir, 'locked.mp4');
  await writeFile(paths.locked, 'x');
  await chmod(paths.locked, 0o000);
}, 60_000);

afterAll(async () => {
  await clips?.remove();
});

afterEach(() => {
  expect(liveChildCount()).toBe(0);
});

describe('probeMedia', () => {
  it('describes a normal MP4 clip', async () => {
    const info = await probeMedia(paths.ok!);
    expect(info.path).toBe(paths.ok);
    expect(info.formatName).toContain('mp4');
    expect(info.durationSec).toBeCloseTo(1, 1);
    expect(info.startTimeSec).toBe(0);
    expect(info.video).toMatchObject({
      codec: 'h264',
      width: 160,
      height: 120,
      fps: 25,
      variableFrameRate: false,
    });
    expect(info.video?.timeBase).toMatch(/^1\/\d+$/);
    expect(info.audio).toMatchObject({ codec: 'aac', channels: 1, sampleRate: 48_000 });
    expect(toClipInfo(info)).toEqual({
      durationSec: info.durationSec,
      fps: 25,
      hasVideo: true,
      hasAudio: true,
      videoWidth: info.video?.width,
      videoHeight: info.video?.height,
    });
  });

  it('does not count cover art as video', async () => {
    const info = await probeMedia(paths.cover!);
    expect(info.video).toBeUndefined();
    expect(info.audio?.codec).toBe('aac');
    expect(toClipInfo(info)).toMatchObject({ hasVideo: false, hasAudio: true, fps: 0 });
  });

  it('reports the sample aspect ratio of anamorphic video', async () => {
    const info = await probeMedia(paths.anamorphic!);
    expect(info.video?.sampleAspectRatio).toBe(2);
  });

  it('reads MPEG-TS (through the ffmpeg fallback if ffprobe crashes) with its non-zero start time', async () => {
    const info = await probeMedia(paths.offsetTs!);
    expect(info.formatName).toBe('mpegts');
    expect(info.startTimeSec).toBeGreaterThan(1.3);
    expect(info.durationSec).toBeGreaterThan(0.9);
    expect(info.durationSec).toBeLessThan(1.2);
    expect(info.video).toMatchObject({
      codec: 'mpeg2video',
      width: 160,
      height: 120,
      fps: 25,
      timeBase: '1/90000',
    });
    expect(info.audio).toMatchObject({ codec: 'mp2', channels: 1, sampleRate: 48_000 });
  });
});

describe('probeMedia on bad input', () => {
  const cases: [string, () => string, RegExp][] = [
    ['a missing path', () => join(clips.dir, 'no such clip.mp4'), /no such file/],
    ['a directory', () => paths.dir!, /directory/],
    ['a zero-byte file', () => paths.empty!, /empty/],
    ['a text file named .mp4', () => paths.text!, /not a readable media file/],
    ['random bytes', () => paths.random!, /not a readable media file/],
    ['a subtitle file', () => paths.srt!, /neither a video nor an audio stream \(only subtitle\)/],
    [
      'a subtitle-only MKV',
      () => paths.subtitleMkv!,
      /neither a video nor an audio stream \(only subtitle\)/,
    ],
    ['a raw stream without duration', () => paths.rawH264!, /no usable duration/],
  ];
  for (const [name, pathOf, problem] of cases) {
    it(`rejects ${name} with one line naming the file`, async () => {
      const path = pathOf();
      const error = await probeMedia(path).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BadInputError);
      const message = (error as Error).message;
      expect(message.startsWith(`${path}: `)).toBe(true);
      expect(message).toMatch(problem);
      expect(message).not.toContain('\n');
    });
  }

  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    console.info('probe.test: skipping the unreadable-file case: root can read a chmod 000 file');
  }
  it.skipIf(isRoot)('rejects an unreadable file (skipped as root, who can read it anyway)', async () => {
    const error = await probeMedia(paths.locked!).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toBe(`${paths.locked}: not readable (permission denied)`);
  });

  it('escapes control characters so the message stays on one line', async () => {
    const path = join(clips.dir, 'line\nbreak.mp4');
    const error = await probeMedia(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toContain('line\\x0abreak.mp4: no such file');
    expect((error as Error).message).not.toContain('\n');
  });
});
