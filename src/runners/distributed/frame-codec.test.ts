import { describe, expect, it } from 'vitest';
import type { GreyFrame } from '../../core/media.ts';
import { decodeAudio, decodeFrames, encodeAudio, encodeFrames, frameObjectRanges } from './frame-codec.ts';

function frame(ptsSec: number, width = 6, height = 4, seed = 1): GreyFrame {
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 11) % 256;
  return { ptsSec, width, height, data };
}

/** A frame as plain values, so `toEqual` compares bytes whatever buffer backs them. */
function plain(value: GreyFrame): { ptsSec: number; width: number; height: number; data: number[] } {
  return { ptsSec: value.ptsSec, width: value.width, height: value.height, data: [...value.data] };
}

describe('frames objects', () => {
  it('round-trip frames and the carry-over frame exactly (float timestamps included)', () => {
    const frames = [frame(0.1 + 0.2, 6, 4, 1), frame(1 / 3, 6, 4, 2), frame(12.345678901234, 6, 4, 3)];
    const nextFrame = frame(0.4, 6, 4, 9);
    const decoded = decodeFrames(encodeFrames({ frames, nextFrame }));
    expect(decoded.frames.map(plain)).toEqual(frames.map(plain));
    expect(decoded.frames[0]?.ptsSec).toBe(0.1 + 0.2);
    expect(decoded.nextFrame && plain(decoded.nextFrame)).toEqual(plain(nextFrame));
    const alone = decodeFrames(encodeFrames({ frames: [], nextFrame }));
    expect(alone.frames).toEqual([]);
    expect(alone.nextFrame && plain(alone.nextFrame)).toEqual(plain(nextFrame));
    expect(decodeFrames(encodeFrames({ frames })).nextFrame).toBeUndefined();
  });

  it("carries each frame's decodeDamage exactly, and only where it is set", () => {
    const damaged: GreyFrame = { ...frame(0.04), decodeDamage: 0.1 + 0.2 };
    const decoded = decodeFrames(encodeFrames({ frames: [frame(0), damaged], nextFrame: damaged }));
    expect(decoded.frames.map((f) => f.decodeDamage)).toEqual([undefined, 0.1 + 0.2]);
    expect(decoded.nextFrame?.decodeDamage).toBe(0.1 + 0.2);
    expect('decodeDamage' in decoded.frames[0]!).toBe(false);
  });

  it('decodes from a view at any offset of a larger buffer (as an SDK body may be)', () => {
    const body = encodeFrames({ frames: [frame(2, 3, 2)] });
    const larger = new Uint8Array(body.byteLength + 3);
    larger.set(body, 3);
    expect(decodeFrames(larger.subarray(3)).frames.map(plain)).toEqual([plain(frame(2, 3, 2))]);
  });

  it('rejects bodies that are not complete frames objects', () => {
    const body = encodeFrames({ frames: [frame(0), frame(0.04)] });
    expect(() => decodeFrames(body.subarray(0, body.byteLength - 1))).toThrow(/truncated/);
    expect(() => decodeFrames(new Uint8Array([...body, 0]))).toThrow(/trailing/);
    expect(() => decodeFrames(new TextEncoder().encode('{"json": true}'))).toThrow(/magic/);
    expect(() => encodeFrames({ frames: [{ ...frame(0), width: 7 }] })).toThrow(/width\*height/);
    const negative = encodeFrames({ frames: [{ ...frame(0), decodeDamage: -1 }] });
    expect(() => decodeFrames(negative)).toThrow(/damage -1/);
  });
});

describe('audio objects', () => {
  it('round-trip PCM exactly, extremes included', () => {
    const samples = Int16Array.from([0, 1, -1, 32767, -32768, 1234, -4321]);
    const audio = { sampleRate: 16_000, startSec: 2.00003125, samples };
    const decoded = decodeAudio(encodeAudio(audio));
    expect(decoded.sampleRate).toBe(16_000);
    expect(decoded.startSec).toBe(2.00003125);
    expect([...decoded.samples]).toEqual([...samples]);
    expect(decoded.samples).toBeInstanceOf(Int16Array);
    expect(() => decodeAudio(encodeAudio(audio).subarray(0, 30))).toThrow(/wrong length/);
  });
});

describe('frameObjectRanges', () => {
  it('splits a chunk into objects of up to framesPerObject frames, the carry-over frame with the last', () => {
    expect(frameObjectRanges(25, true, 1)).toHaveLength(25);
    expect(frameObjectRanges(25, true, 1).at(-1)).toEqual({ start: 24, end: 25, withNextFrame: true });
    expect(frameObjectRanges(25, false, 1).every((range) => !range.withNextFrame)).toBe(true);
    expect(frameObjectRanges(25, true, 10)).toEqual([
      { start: 0, end: 10, withNextFrame: false },
      { start: 10, end: 20, withNextFrame: false },
      { start: 20, end: 25, withNextFrame: true },
    ]);
    // The same object count with or without a carry-over frame: per-chunk requests do not depend on it.
    expect(frameObjectRanges(25, false, 4)).toHaveLength(frameObjectRanges(25, true, 4).length);
    expect(frameObjectRanges(0, true, 4)).toEqual([{ start: 0, end: 0, withNextFrame: true }]);
    expect(frameObjectRanges(0, false, 4)).toEqual([]);
    expect(() => frameObjectRanges(5, false, 0)).toThrow(/framesPerObject/);
  });
});
