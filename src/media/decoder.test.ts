import { createHash } from 'node:crypto';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path, { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../core/errors.ts';
import type { MediaChunk } from '../core/media.ts';
import { liveChildCount } from '../infra/child-processes.ts';
import {
  chunkCount,
  type DecodeOptions,
  decodeChunk,
  defaultDecodeOptions,
  openClipDecoder,
} from './decoder.ts';
import { ensureFixtures } from './fixtures/fixture-generator.ts';
import { type MediaInfo, probeMedia } from './probe.ts';
import {
  type ClipDir,
  chunkableEncoding,
  createClipDir,
  meanLuma,
  rms,
  withFfmpegPath,
  writeFfmpegWrapper,
} from './test-clip-factory.ts';

let clips: ClipDir;
const clip: Record<string, string> = {};

const lavfi = (graph: string): string[] => ['-f', 'lavfi', '-i', graph];
/** Left half black, right half white: orientation and range survive decoding if this comes out right. */
const splitFrame = (size: string, rate: number, seconds: number, pixelFormat = 'yuv420p'): string[] =>
  lavfi(
    `color=c=black:size=${size}:rate=${rate}:duration=${seconds},` +
      `drawbox=x=iw/2:y=0:w=iw/2:h=ih:color=white:t=fill,format=${pixelFormat}`,
  );
const noise = (rate: number, seconds: number): string[] =>
  lavfi(`anoisesrc=color=pink:sample_rate=${rate}:duration=${seconds}:seed=7:amplitude=0.5`);
const sine = (rate: number, seconds: number): string[] =>
  lavfi(`sine=frequency=440:sample_rate=${rate}:duration=${seconds}`);

/** The clips, made two at a time (the machine has two cores). */
const recipes: Record<string, [string, () => string[]]> = {
  equal48: [
    'equal48.mp4',
    () => [
      ...lavfi('testsrc2=size=320x240:rate=25:duration=5'),
      ...noise(48_000, 5),
      '-ac',
      '2',
      ...chunkableEncoding,
      '-shortest',
    ],
  ],
  equal44: [
    'equal44.mp4',
    () => [
      ...lavfi('testsrc2=size=160x120:rate=25:duration=3'),
      ...noise(44_100, 3),
      ...chunkableEncoding,
      '-shortest',
    ],
  ],
  blackThenWhite: [
    'black-then-white.mp4',
    () => [
      ...lavfi(
        'color=c=black:size=160x120:rate=25:duration=2,drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable=gte(t\\,1),drawbox=x=iw/2:y=0:w=iw/2:h=ih:color=white:t=fill,format=yuv420p',
      ),
      ...lavfi("aevalsrc=exprs='if(gte(t,1),0.5*sin(2*PI*440*t),0)':sample_rate=48000:duration=2"),
      ...chunkableEncoding,
    ],
  ],
  lateAudio: [
    'late-audio.mp4',
    () => [
      ...lavfi('testsrc2=size=160x120:rate=25:duration=3'),
      '-itsoffset',
      '1',
      ...sine(48_000, 2),
      ...chunkableEncoding,
    ],
  ],
  offsetTs: [
    'offset.ts',
    () => [
      ...splitFrame('160x120', 25, 2),
      ...sine(48_000, 2),
      '-c:v',
      'mpeg2video',
      '-c:a',
      'mp2',
      '-output_ts_offset',
      '1.4',
    ],
  ],
  offsetMp4: [
    'offset.mp4',
    () => [
      ...lavfi('testsrc2=size=160x120:rate=25:duration=3'),
      ...noise(48_000, 3),
      ...chunkableEncoding,
      '-shortest',
      '-output_ts_offset',
      '1.5',
    ],
  ],
  offsetMkv: [
    'offset.mkv',
    () => [
      ...lavfi('testsrc2=size=160x120:rate=25:duration=3'),
      ...chunkableEncoding,
      '-output_ts_offset',
      '1.5',
    ],
  ],
  vfr: [
    'vfr.mkv',
    () => [
      ...lavfi('testsrc2=size=160x120:rate=20:duration=1.5'),
      '-vf',
      "settb=1/1000,setpts='(N*0.05+mod(N\\,3)*0.02)/TB'",
      '-vsync',
      'vfr',
      '-enc_time_base:v',
      '1/1000',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-bf',
      '0',
      '-g',
      '10',
    ],
  ],
  surround: [
    'surround.mp4',
    () => [
      ...lavfi('testsrc2=size=160x120:rate=25:duration=1'),
      ...sine(48_000, 1),
      '-af',
      'pan=5.1|c0=c0|c1=c0|c2=c0|c3=0*c0|c4=c0|c5=c0',
      ...chunkableEncoding,
    ],
  ],
  // 4:4:4 because 4:2:0 cannot have odd dimensions; FFV1 codes any size.
  odd: ['odd.mkv', () => [...splitFrame('321x241', 10, 1, 'yuv444p'), '-c:v', 'ffv1']],
  mpeg4Avi: ['mpeg4.avi', () => [...splitFrame('160x120', 10, 1), '-c:v', 'mpeg4', '-vtag', 'XVID']],
  mpeg2Mpg: [
    'mpeg2.mpg',
    () => [...splitFrame('160x120', 25, 1), ...sine(48_000, 1), '-c:v', 'mpeg2video', '-c:a', 'mp2'],
  ],
  mpeg2Ts: ['mpeg2.ts', () => [...splitFrame('160x120', 25, 1), '-c:v', 'mpeg2video']],
  cinepakAvi: ['cinepak.avi', () => [...splitFrame('160x120', 10, 1), '-c:v', 'cinepak']],
  msmpeg4v2Avi: ['msmpeg4v2.avi', () => [...splitFrame('160x120', 10, 1), '-c:v', 'msmpeg4v2']],
  msmpeg4v3Avi: ['msmpeg4v3.avi', () => [...splitFrame('160x120', 10, 1), '-c:v', 'msmpeg4']],
  audioOnly: ['audio-only.m4a', () => [...noise(48_000, 2), '-c:a', 'aac', '-aac_pns', '0']],
  coverArt: [
    'cover-art.m4a',
    () => [
      ...sine(48_000, 1),
      ...lavfi('color=c=red:size=64x64:duration=1'),
      ...['-map', '0:a', '-map', '1:v', '-c:a', 'aac', '-c:v', 'png', '-frames:v', '1'],
      ...['-disposition:v', 'attached_pic'],
    ],
  ],
  videoOnly: [
    'video-only.mp4',
    () => [...lavfi('testsrc2=size=160x120:rate=25:duration=2'), ...chunkableEncoding],
  ],
  landscape: ['landscape.mp4', () => [...splitFrame('320x180', 25, 1), ...chunkableEncoding]],
  huge: [
    'huge.mp4',
    () => [
      ...lavfi('testsrc2=size=3840x2160:rate=25:duration=0.2'),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
    ],
  ],
  short: ['short.mp4', () => [...splitFrame('160x120', 25, 0.4), ...sine(48_000, 0.4), ...chunkableEncoding]],
  halfable: [
    'halfable.mp4',
    () => [
      ...lavfi('testsrc2=size=160x120:rate=25:duration=4'),
      ...noise(48_000, 4),
      ...chunkableEncoding,
      '-shortest',
      '-movflags',
      '+faststart',
    ],
  ],
  flow: [
    'flow.mp4',
    () => [
      ...lavfi('testsrc2=size=320x180:rate=25:duration=12'),
      ...sine(48_000, 12),
      ...chunkableEncoding,
      '-shortest',
    ],
  ],
};

beforeAll(async () => {
  clips = await createClipDir('decoder');
  const queue = Object.entries(recipes);
  const lane = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [key, [name, args]] = next;
      clip[key] = await clips.make(name, args());
    }
  };
  await Promise.all([lane(), lane()]);

  // Derived inputs: a phone-style rotated clip, an awkward path, a file cut in half, and one cut right
  // after its index.
  clip.rotated = await clips.make('rotated.mp4', [
    '-i',
    clip.landscape!,
    '-c',
    'copy',
    '-metadata:s:v:0',
    'rotate=90',
  ]);
  clip.awkwardPath = join(clips.dir, `it's a "clip" – ünïcødé 🎬 .mp4`);
  await copyFile(clip.short!, clip.awkwardPath);
  const whole = await readFile(clip.halfable!);
  clip.half = join(clips.dir, 'half.mp4');
  await writeFile(clip.half, whole.subarray(0, Math.floor(whole.length / 2)));
  clip.hollow = join(clips.dir, 'hollow.mp4');
  await writeFile(clip.hollow, whole.subarray(0, mdatPayloadOffset(whole) + 16));
}, 120_000);

afterAll(async () => {
  await clips?.remove();
});

afterEach(() => {
  expect(liveChildCount()).toBe(0);
});

/** Byte offset of the first `mdat` payload of an MP4 (top-level boxes walked by their 32-bit sizes). */
function mdatPayloadOffset(file: Uint8Array): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  for (let offset = 0; offset + 8 <= file.length; ) {
    const size = view.getUint32(offset);
    const type = String.fromCharCode(...file.subarray(offset + 4, offset + 8));
    if (type === 'mdat') return offset + 8;
    if (size < 8) break;
    offset += size;
  }
  throw new Error('no mdat box');
}

async function decodeAll(
  info: MediaInfo,
  options: DecodeOptions = defaultDecodeOptions,
): Promise<MediaChunk[]> {
  const chunks: MediaChunk[] = [];
  for await (const chunk of openClipDecoder(info, options).chunks()) chunks.push(chunk);
  return chunks;
}

/** Hash of everything a detector could see in a chunk: geometry, frame times and bytes, PCM. */
function chunkDigest(chunk: MediaChunk): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([chunk.index, chunk.startSec, chunk.endSec, chunk.audio?.startSec]));
  for (const frame of chunk.video?.frames ?? []) {
    hash.update(`${frame.ptsSec}:${frame.width}x${frame.height}:${frame.decodeDamage ?? 0}`);
    hash.update(frame.data);
  }
  const next = chunk.video?.nextFrame;
  if (next) hash.update(`next ${next.ptsSec}:${next.decodeDamage ?? 0}`).update(next.data);
  const samples = chunk.audio?.samples;
  if (samples) hash.update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength));
  return hash.digest('hex');
}

function allFrames(chunks: readonly MediaChunk[]) {
  return chunks.flatMap((chunk) => chunk.video?.frames ?? []);
}

describe('whole-clip decode', () => {
  it('yields every chunk with frames, PCM and the next chunk first frame', async () => {
    const info = await probeMedia(clip.equal48!);
    const chunks = await decodeAll(info);
    expect(chunks).toHaveLength(5);
    chunks.forEach((chunk, index) => {
      expect(chunk.index).toBe(index);
      expect([chunk.startSec, chunk.endSec]).toEqual([index, index + 1]);
      const frames = chunk.video?.frames ?? [];
      expect(frames).toHaveLength(25);
      for (const frame of frames) {
        expect(frame.ptsSec).toBeGreaterThanOrEqual(chunk.startSec);
        expect(frame.ptsSec).toBeLessThan(chunk.endSec);
        expect([frame.width, frame.height, frame.data.length]).toEqual([320, 240, 320 * 240]);
      }
      expect(frames.map((frame) => frame.ptsSec)).toEqual(frames.map((_, i) => index + i * 0.04).map(round6));
      expect(chunk.video?.nextFrame).toBe(chunks[index + 1]?.video?.frames[0]);
      expect(chunk.audio).toMatchObject({ sampleRate: 16_000, startSec: index });
      expect(chunk.audio?.samples.length).toBe(16_000);
      expect(rms(chunk.audio!.samples)).toBeGreaterThan(500);
    });
    expect(chunks[4]?.video?.nextFrame).toBeUndefined();
  });

  it('keeps luma code values and places picture and sound changes in the right chunk', async () => {
    const info = await probeMedia(clip.blackThenWhite!);
    const [first, second] = await decodeAll(info);
    const frame0 = first!.video!.frames[0]!;
    const { width, height } = frame0;
    // TV-range source: black stays at 16 and white at 235 (no range expansion).
    expect(Math.abs(meanLuma(frame0.data, width, 0, 0, width / 2 - 4, height) - 16)).toBeLessThan(3);
    expect(Math.abs(meanLuma(frame0.data, width, width / 2 + 4, 0, width, height) - 235)).toBeLessThan(3);
    const frame1 = second!.video!.frames[0]!;
    expect(Math.abs(meanLuma(frame1.data, width, 0, 0, width / 2 - 4, height) - 235)).toBeLessThan(3);
    expect(rms(first!.audio!.samples.subarray(0, 15_000))).toBeLessThan(20);
    expect(rms(second!.audio!.samples.subarray(800))).toBeGreaterThan(5_000);
  });

  it('reports a summary after the last chunk, and not before', async () => {
    const info = await probeMedia(clip.equal44!);
    const decoder = openClipDecoder(info, defaultDecodeOptions);
    expect(() => decoder.summary).toThrow(/after chunks\(\) has finished/);
    let frames = 0;
    let samples = 0;
    for await (const chunk of decoder.chunks()) {
      frames += chunk.video?.frames.length ?? 0;
      samples += chunk.audio?.samples.length ?? 0;
    }
    expect(decoder.summary).toMatchObject({ containerDurationSec: 3, truncated: false, videoFrames: 75 });
    expect(decoder.summary.videoFrames).toBe(frames);
    expect(decoder.summary.audioSamples).toBe(samples);
    expect(samples).toBe(48_000);
    expect(decoder.summary.decodedDurationSec).toBeGreaterThanOrEqual(3);
  });
});

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

describe('single-chunk decode equals the whole-clip decode', () => {
  const cases: [string, string, number][] = [
    ['AAC 48 kHz stereo, 1 s chunks', 'equal48', 1],
    ['AAC 48 kHz stereo, 0.5 s chunks (seek inside a GOP)', 'equal48', 0.5],
    ['AAC 48 kHz stereo, 2 s chunks', 'equal48', 2],
    ['AAC 44.1 kHz mono (10 ms resampling grid)', 'equal44', 1],
    ['audio starting 1 s after the video', 'lateAudio', 1],
    ['MP4 with a 1.478 s start time', 'offsetMp4', 1],
    ['Matroska (video) with a 1.5 s start time', 'offsetMkv', 0.5],
    ['variable frame rate', 'vfr', 0.5],
    ['audio only', 'audioOnly', 0.5],
  ];
  for (const [name, key, chunkSeconds] of cases) {
    it(name, async () => {
      const info = await probeMedia(clip[key]!);
      const options = { ...defaultDecodeOptions, chunkSeconds };
      const whole = await decodeAll(info, options);
      expect(whole).toHaveLength(chunkCount(info, chunkSeconds));
      for (const chunk of whole) {
        const alone = await decodeChunk(info, chunk.index, options);
        expect(chunkDigest(alone), `chunk ${chunk.index}`).toBe(chunkDigest(chunk));
      }
    });
  }

  it('rejects a chunk index outside the clip', async () => {
    const info = await probeMedia(clip.short!);
    await expect(decodeChunk(info, 1, defaultDecodeOptions)).rejects.toThrow(RangeError);
    await expect(decodeChunk(info, -1, defaultDecodeOptions)).rejects.toThrow(RangeError);
  });
});

describe("the decoder's error reports", () => {
  // The evaluation fixture with real H.264 slice damage in 4-5 s (its closed GOPs are 1 s).
  const fixtures = path.resolve('fixtures/clips');

  it('flag exactly the damaged GOP, with damage that accumulates, the same in whole-clip and single-chunk decodes', async () => {
    const manifest = await ensureFixtures({ dir: fixtures, only: ['block-corruption', 'clean'] });
    const fileOf = (id: string): string => path.join(fixtures, manifest.clips.find((c) => c.id === id)!.file);
    const damaged = await probeMedia(fileOf('block-corruption'));
    for (const chunkSeconds of [1, 0.7]) {
      const options = { ...defaultDecodeOptions, chunkSeconds };
      const whole = await decodeAll(damaged, options);
      const damagedFrames = allFrames(whole).filter((frame) => frame.decodeDamage !== undefined);
      const flagged = damagedFrames.map((frame) => frame.ptsSec);
      // The damaged packets lie in 4-5 s; the keyframe at 5 s ends the damage.
      expect(flagged.length).toBeGreaterThanOrEqual(20);
      expect(Math.min(...flagged)).toBeGreaterThanOrEqual(4);
      expect(Math.max(...flagged)).toBeLessThan(5);
      // Each damaged packet adds its concealed share: the damage grows over the GOP, by at most 1 a frame.
      const damage = damagedFrames.map((frame) => frame.decodeDamage!);
      expect(damage[0]).toBeGreaterThan(0);
      expect(damage[0]).toBeLessThanOrEqual(1);
      expect(damage.at(-1)).toBeGreaterThan(damage[0]! + 1);
      for (let i = 1; i < damage.length; i++) {
        expect(damage[i]! - damage[i - 1]!).toBeGreaterThanOrEqual(0);
        expect(damage[i]! - damage[i - 1]!).toBeLessThanOrEqual(1);
      }
      for (const chunk of whole) {
        const alone = await decodeChunk(damaged, chunk.index, options);
        expect(chunkDigest(alone), `chunk ${chunk.index} of ${chunkSeconds} s`).toBe(chunkDigest(chunk));
      }
    }
    const clean = await decodeAll(await probeMedia(fileOf('clean')), defaultDecodeOptions);
    expect(allFrames(clean).some((frame) => frame.decodeDamage !== undefined)).toBe(false);
  }, 120_000);
});

describe('timeline', () => {
  it('puts the container start (MPEG-TS offset) at 0', async () => {
    const info = await probeMedia(clip.offsetTs!);
    expect(info.startTimeSec).toBeGreaterThan(1.3);
    const chunks = await decodeAll(info);
    const frames = allFrames(chunks);
    expect(frames).toHaveLength(50);
    expect(frames[0]?.ptsSec).toBeGreaterThanOrEqual(0);
    expect(frames[0]?.ptsSec).toBeLessThan(0.05);
    expect(chunks[0]?.video?.frames).toHaveLength(25);
    expect(rms(chunks[0]!.audio!.samples.subarray(0, 8_000))).toBeGreaterThan(1_000);
  });

  it('puts an MP4 start time at 0 (audio priming starts it 21 ms before the video)', async () => {
    const info = await probeMedia(clip.offsetMp4!);
    expect(info.startTimeSec).toBeCloseTo(1.478, 3);
    const chunks = await decodeAll(info);
    expect(allFrames(chunks)[0]?.ptsSec).toBeCloseTo(0.022, 3);
    expect(chunks[0]?.audio?.samples).toHaveLength(16_000);
  });

  it('puts a Matroska start time at 0', async () => {
    const info = await probeMedia(clip.offsetMkv!);
    expect(info.startTimeSec).toBeCloseTo(1.5, 3);
    const frames = allFrames(await decodeAll(info));
    expect(frames).toHaveLength(75);
    expect(frames[0]?.ptsSec).toBe(0);
  });

  it('pads audio that starts late with silence on the clip timeline', async () => {
    const info = await probeMedia(clip.lateAudio!);
    const [first, second, third] = await decodeAll(info);
    expect(first!.audio!.samples).toHaveLength(16_000);
    expect(rms(first!.audio!.samples.subarray(0, 15_000))).toBeLessThan(50);
    const loud = second!.audio!.samples.findIndex((sample) => Math.abs(sample) > 3_000);
    expect(loud).toBeGreaterThanOrEqual(0);
    expect(loud).toBeLessThan(16_000 * 0.03);
    expect(rms(third!.audio!.samples)).toBeGreaterThan(2_000);
  });

  it('keeps variable frame timestamps as decoded', async () => {
    const info = await probeMedia(clip.vfr!);
    expect(info.video?.variableFrameRate).toBe(true);
    const expected = Array.from({ length: 30 }, (_, n) => round6(n * 0.05 + (n % 3) * 0.02));
    expect(allFrames(await decodeAll(info)).map((frame) => frame.ptsSec)).toEqual(expected);
  });
});

describe('robustness', () => {
  it('downmixes 5.1 audio to mono', async () => {
    const info = await probeMedia(clip.surround!);
    expect(info.audio?.channels).toBe(6);
    const [chunk] = await decodeAll(info);
    expect(chunk?.audio?.samples).toHaveLength(16_000);
    expect(rms(chunk!.audio!.samples)).toBeGreaterThan(2_000);
  });

  it('scales an odd frame size to an even analysis size', async () => {
    const info = await probeMedia(clip.odd!);
    expect([info.video?.width, info.video?.height]).toEqual([321, 241]);
    const frames = allFrames(await decodeAll(info));
    expect(frames).toHaveLength(10);
    expect([frames[0]?.width, frames[0]?.height]).toEqual([320, 240]);
  });

  const legacy: [string, string, number][] = [
    ['MPEG-4 ASP in AVI', 'mpeg4Avi', 10],
    ['MPEG-2 in MPEG-PS', 'mpeg2Mpg', 25],
    ['MPEG-2 in MPEG-TS', 'mpeg2Ts', 25],
    ['Cinepak in AVI', 'cinepakAvi', 10],
    ['MS-MPEG4 v2 in AVI', 'msmpeg4v2Avi', 10],
    ['MS-MPEG4 v3 in AVI', 'msmpeg4v3Avi', 10],
  ];
  for (const [name, key, frameCount] of legacy) {
    it(`decodes ${name}`, async () => {
      const info = await probeMedia(clip[key]!);
      const frames = allFrames(await decodeAll(info));
      expect(frames).toHaveLength(frameCount);
      for (const frame of frames) {
        const { width, height } = frame;
        expect([width, height]).toEqual([320, 240]);
        expect(meanLuma(frame.data, width, 8, 8, width / 2 - 16, height - 8)).toBeLessThan(50);
        expect(meanLuma(frame.data, width, width / 2 + 16, 8, width - 8, height - 8)).toBeGreaterThan(200);
      }
    });
  }

  it('decodes audio-only files without a video part', async () => {
    const info = await probeMedia(clip.audioOnly!);
    const chunks = await decodeAll(info);
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) {
      expect(chunk.video).toBeUndefined();
      expect(chunk.audio?.samples).toHaveLength(16_000);
    }
  });

  it('decodes the audio of a file with cover art and ignores the picture', async () => {
    const info = await probeMedia(clip.coverArt!);
    const chunks = await decodeAll(info);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.video).toBeUndefined();
    expect(chunks[0]?.audio?.samples).toHaveLength(16_000);
    expect(rms(chunks[0]!.audio!.samples.subarray(1_000, 15_000))).toBeGreaterThan(2_000);
  });

  it('decodes video-only files without an audio part', async () => {
    const info = await probeMedia(clip.videoOnly!);
    const chunks = await decodeAll(info);
    expect(chunks).toHaveLength(2);
    for (const chunk of chunks) {
      expect(chunk.audio).toBeUndefined();
      expect(chunk.video?.frames).toHaveLength(25);
    }
    expect((await decodeChunk(info, 1, defaultDecodeOptions)).audio).toBeUndefined();
  });

  it('scales a 3840x2160 frame down to 320 wide', async () => {
    const info = await probeMedia(clip.huge!);
    const frames = allFrames(await decodeAll(info));
    expect(frames).toHaveLength(5);
    expect([frames[0]?.width, frames[0]?.height, frames[0]?.data.length]).toEqual([320, 180, 320 * 180]);
  });

  it('turns a rotated (portrait) clip upright at a portrait analysis size', async () => {
    const info = await probeMedia(clip.rotated!);
    expect(info.video?.rotationDeg).toBe(90);
    const frames = allFrames(await decodeAll(info));
    expect(frames).toHaveLength(25);
    const { width, height, data } = frames[0]!;
    expect([width, height]).toEqual([320, 568]);
    // The landscape frame's left/right halves become the top/bottom halves.
    const top = meanLuma(data, width, 8, 8, width - 8, height / 2 - 16);
    const bottom = meanLuma(data, width, 8, height / 2 + 16, width - 8, height - 8);
    expect(Math.min(top, bottom)).toBeLessThan(50);
    expect(Math.max(top, bottom)).toBeGreaterThan(200);
  });

  it('gives a clip shorter than one chunk a single chunk', async () => {
    const info = await probeMedia(clip.short!);
    const chunks = await decodeAll(info);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ index: 0, startSec: 0, endSec: 0.4 });
    expect(chunks[0]?.video?.frames).toHaveLength(10);
    expect(chunks[0]?.video?.nextFrame).toBeUndefined();
    expect(chunks[0]?.audio?.samples).toHaveLength(6_400);
  });

  it('handles paths with spaces, quotes and unicode', async () => {
    const info = await probeMedia(clip.awkwardPath!);
    const [chunk] = await decodeAll(info);
    expect(chunk?.video?.frames).toHaveLength(10);
    expect(chunkDigest(await decodeChunk(info, 0, defaultDecodeOptions))).toBe(chunkDigest(chunk!));
  });

  it('decodes a file cut in half as far as it goes and says it was truncated', async () => {
    const info = await probeMedia(clip.half!);
    expect(info.durationSec).toBe(4);
    const decoder = openClipDecoder(info, defaultDecodeOptions);
    const chunks: MediaChunk[] = [];
    for await (const chunk of decoder.chunks()) chunks.push(chunk);
    expect(chunks).toHaveLength(4);
    expect(chunks[0]?.video?.frames).toHaveLength(25);
    expect(chunks[3]?.video?.frames).toEqual([]);
    expect(chunks[3]?.audio?.samples).toHaveLength(0);
    const { summary } = decoder;
    expect(summary.truncated).toBe(true);
    expect(summary.containerDurationSec).toBe(4);
    expect(summary.decodedDurationSec).toBeGreaterThan(1);
    expect(summary.decodedDurationSec).toBeLessThan(3);
    // The single-chunk path sees the same geometry: an empty chunk, not an error.
    expect(chunkDigest(await decodeChunk(info, 3, defaultDecodeOptions))).toBe(chunkDigest(chunks[3]!));
  });

  it('rejects a file where nothing decodes, naming the file', async () => {
    const info = await probeMedia(clip.hollow!);
    const consume = async (): Promise<void> => {
      for await (const _chunk of openClipDecoder(info, defaultDecodeOptions).chunks()) {
        // draining
      }
    };
    const wholeError = await consume().catch((caught: unknown) => caught);
    expect(wholeError).toBeInstanceOf(BadInputError);
    expect((wholeError as Error).message).toMatch(/hollow\.mp4: nothing could be decoded/);
    const chunkError = await decodeChunk(info, 0, defaultDecodeOptions).catch((caught: unknown) => caught);
    expect(chunkError).toBeInstanceOf(BadInputError);
    expect((chunkError as Error).message).toContain(clip.hollow!);
  });
});

describe('a decoder that dies part-way', () => {
  it('is an error of the whole-clip decoder and of a single chunk, never a truncated success', async () => {
    const info = await probeMedia(clip.halfable!);
    const dying = await writeFfmpegWrapper(clips.dir, 'ffmpeg-dying', { killAfterMs: 300 });
    const chunks: MediaChunk[] = [];
    const wholeError = await withFfmpegPath(dying, async () => {
      for await (const chunk of openClipDecoder(info, defaultDecodeOptions).chunks()) chunks.push(chunk);
    }).catch((caught: unknown) => caught);
    expect(wholeError).toBeInstanceOf(Error);
    expect(wholeError).not.toBeInstanceOf(BadInputError);
    expect((wholeError as Error).message).toMatch(/halfable\.mp4: ffmpeg ended \(signal SIGKILL\)/);
    // The 4-second clip decodes in real time: killed well before its last chunk.
    expect(chunks.length).toBeLessThan(4);
    for (const index of [0, 2]) {
      const chunkError = await withFfmpegPath(dying, () =>
        decodeChunk(info, index, defaultDecodeOptions),
      ).catch((caught: unknown) => caught);
      expect(chunkError).toBeInstanceOf(Error);
      expect(chunkError).not.toBeInstanceOf(BadInputError);
      expect((chunkError as Error).message).toContain('ffmpeg ended (signal SIGKILL)');
    }
  }, 30_000);

  it('a decoder that lives (the same stand-in without the kill) decodes the clip as the real one does', async () => {
    // The control: the stand-in's real-time reading changes nothing but the pace.
    const info = await probeMedia(clip.halfable!);
    const slow = await writeFfmpegWrapper(clips.dir, 'ffmpeg-slow');
    const chunk = await withFfmpegPath(slow, () => decodeChunk(info, 1, defaultDecodeOptions));
    expect(chunkDigest(chunk)).toBe(chunkDigest(await decodeChunk(info, 1, defaultDecodeOptions)));
  }, 30_000);
});

describe('process lifetime and memory', () => {
  it('reports a missing ffmpeg binary as a setup error, not as bad input', async () => {
    const info = await probeMedia(clip.short!);
    const saved = process.env.FFMPEG_PATH;
    process.env.FFMPEG_PATH = join(clips.dir, 'no-ffmpeg-here');
    try {
      const error = await decodeChunk(info, 0, defaultDecodeOptions).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(BadInputError);
      expect((error as Error).message).toMatch(/Could not run ffmpeg.*ENOENT/);
    } finally {
      if (saved === undefined) delete process.env.FFMPEG_PATH;
      else process.env.FFMPEG_PATH = saved;
    }
  });

  it('ends ffmpeg when the consumer stops iterating early', async () => {
    const info = await probeMedia(clip.flow!);
    for await (const chunk of openClipDecoder(info, defaultDecodeOptions).chunks()) {
      expect(liveChildCount()).toBe(1);
      if (chunk.index === 1) break;
    }
    expect(liveChildCount()).toBe(0);
  });

  it('ends ffmpeg when the decoder is disposed mid-iteration', async () => {
    const info = await probeMedia(clip.flow!);
    const iterator = (async () => {
      await using decoder = openClipDecoder(info, defaultDecodeOptions);
      const chunks = decoder.chunks();
      const first = await chunks.next();
      expect(first.value?.index).toBe(0);
      expect(liveChildCount()).toBe(1);
      return chunks;
    })();
    const chunks = await iterator;
    expect(liveChildCount()).toBe(0);
    expect((await chunks.next()).done).toBe(true);
  });

  it('holds about two chunks when the consumer is slow', async () => {
    const info = await probeMedia(clip.flow!);
    const decoder = openClipDecoder(info, defaultDecodeOptions);
    const chunkBytes = 25 * 320 * 180 + 16_000 * 2;
    let count = 0;
    for await (const chunk of decoder.chunks()) {
      count++;
      if (chunk.index === 0) {
        await sleep(500);
        // The clip is 12 chunks; ffmpeg must be waiting for us, alive, with little buffered.
        expect(liveChildCount()).toBe(1);
        expect(decoder.bufferedBytes).toBeGreaterThan(0);
        expect(decoder.bufferedBytes).toBeLessThan(3 * chunkBytes);
      }
    }
    expect(count).toBe(12);
    expect(decoder.summary.videoFrames).toBe(300);
  });
});
