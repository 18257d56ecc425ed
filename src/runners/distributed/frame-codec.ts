import type { GreyFrame, PcmAudio } from '../../core/media.ts';

/**
 * Binary encodings of the converter's S3 objects: grey frames (several per object with framesPerObject,
 * the chunk's carry-over frame appended to its last object) and mono PCM. Little-endian, self-describing,
 * exact: timestamps travel as float64, so a decoded frame equals the decoded-in-memory one bit for bit.
 *
 * Frames object: magic `ABFR`, version u8, flags u8 (bit 0: the last frame is the carry-over `nextFrame`),
 * u16 reserved, frame count u32; then per frame ptsSec f64, width u32, height u32, `decodeDamage` f64 (0
 * when the decoder reported no errors in the picture) and width*height bytes.
 *
 * Audio object: magic `ABPC`, version u8, 3 bytes reserved, sampleRate u32, sample count u32, startSec
 * f64, then the samples as int16.
 */

const FRAMES_MAGIC = 0x41424652; // 'ABFR'
const AUDIO_MAGIC = 0x41425043; // 'ABPC'
const FRAMES_VERSION = 3;
const AUDIO_VERSION = 1;
const FRAMES_HEADER_BYTES = 12;
const FRAME_HEADER_BYTES = 24;
const AUDIO_HEADER_BYTES = 24;
const HAS_NEXT_FRAME = 1;

/** What one frames object holds: consecutive frames of a chunk, and the chunk's carry-over frame if last. */
export interface FrameBatch {
  readonly frames: readonly GreyFrame[];
  readonly nextFrame?: GreyFrame;
}

/** Encodes `batch` into one object body. */
export function encodeFrames(batch: FrameBatch): Uint8Array {
  const all = batch.nextFrame === undefined ? batch.frames : [...batch.frames, batch.nextFrame];
  let bytes = FRAMES_HEADER_BYTES;
  for (const frame of all) {
    if (frame.data.byteLength !== frame.width * frame.height) {
      throw new RangeError(`frame at ${frame.ptsSec} s has ${frame.data.byteLength} bytes, not width*height`);
    }
    bytes += FRAME_HEADER_BYTES + frame.data.byteLength;
  }
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, FRAMES_MAGIC, false);
  view.setUint8(4, FRAMES_VERSION);
  view.setUint8(5, batch.nextFrame === undefined ? 0 : HAS_NEXT_FRAME);
  view.setUint32(8, all.length, true);
  let offset = FRAMES_HEADER_BYTES;
  for (const frame of all) {
    view.setFloat64(offset, frame.ptsSec, true);
    view.setUint32(offset + 8, frame.width, true);
    view.setUint32(offset + 12, frame.height, true);
    view.setFloat64(offset + 16, frame.decodeDamage ?? 0, true);
    out.set(frame.data, offset + FRAME_HEADER_BYTES);
    offset += FRAME_HEADER_BYTES + frame.data.byteLength;
  }
  return out;
}

/**
 * Decodes a frames object. Frame data are views into `bytes` (no copy): keep `bytes` unchanged while the
 * frames are in use. Throws on anything that is not a complete frames object of this version.
 */
export function decodeFrames(bytes: Uint8Array): FrameBatch {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < FRAMES_HEADER_BYTES || view.getUint32(0, false) !== FRAMES_MAGIC) {
    throw new Error('not a frames object (bad magic)');
  }
  if (view.getUint8(4) !== FRAMES_VERSION)
    throw new Error(`frames object version ${view.getUint8(4)} is not supported`);
  const hasNext = (view.getUint8(5) & HAS_NEXT_FRAME) !== 0;
  const count = view.getUint32(8, true);
  const frames: GreyFrame[] = [];
  let offset = FRAMES_HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    if (offset + FRAME_HEADER_BYTES > bytes.byteLength) throw new Error('frames object is truncated');
    const ptsSec = view.getFloat64(offset, true);
    const width = view.getUint32(offset + 8, true);
    const height = view.getUint32(offset + 12, true);
    const decodeDamage = view.getFloat64(offset + 16, true);
    if (!(decodeDamage >= 0)) throw new Error(`frames object has a frame with damage ${decodeDamage}`);
    const start = offset + FRAME_HEADER_BYTES;
    const end = start + width * height;
    if (end > bytes.byteLength) throw new Error('frames object is truncated');
    const data = bytes.subarray(start, end);
    frames.push(
      decodeDamage > 0 ? { ptsSec, width, height, data, decodeDamage } : { ptsSec, width, height, data },
    );
    offset = end;
  }
  if (offset !== bytes.byteLength) throw new Error('frames object has trailing bytes');
  if (!hasNext) return { frames };
  const nextFrame = frames.pop();
  if (nextFrame === undefined) throw new Error('frames object flags a carry-over frame but holds none');
  return { frames, nextFrame };
}

/** Encodes mono PCM into one object body. */
export function encodeAudio(audio: PcmAudio): Uint8Array {
  const out = new Uint8Array(AUDIO_HEADER_BYTES + audio.samples.length * 2);
  const view = new DataView(out.buffer);
  view.setUint32(0, AUDIO_MAGIC, false);
  view.setUint8(4, AUDIO_VERSION);
  view.setUint32(8, audio.sampleRate, true);
  view.setUint32(12, audio.samples.length, true);
  view.setFloat64(16, audio.startSec, true);
  for (let i = 0; i < audio.samples.length; i++) {
    view.setInt16(AUDIO_HEADER_BYTES + i * 2, audio.samples[i] ?? 0, true);
  }
  return out;
}

/** Decodes an audio object into PCM with its own sample buffer. */
export function decodeAudio(bytes: Uint8Array): PcmAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < AUDIO_HEADER_BYTES || view.getUint32(0, false) !== AUDIO_MAGIC) {
    throw new Error('not an audio object (bad magic)');
  }
  if (view.getUint8(4) !== AUDIO_VERSION)
    throw new Error(`audio object version ${view.getUint8(4)} is not supported`);
  const sampleRate = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  const startSec = view.getFloat64(16, true);
  if (bytes.byteLength !== AUDIO_HEADER_BYTES + count * 2)
    throw new Error('audio object has the wrong length');
  const samples = new Int16Array(count);
  for (let i = 0; i < count; i++) samples[i] = view.getInt16(AUDIO_HEADER_BYTES + i * 2, true);
  return { sampleRate, startSec, samples };
}

/**
 * How a chunk's frames split into objects of up to `framesPerObject` frames: the frame index ranges, one
 * per object, the carry-over frame going with the last. A chunk with no frames but a carry-over frame
 * still gets one object; one with neither gets none.
 */
export function frameObjectRanges(
  frameCount: number,
  hasNextFrame: boolean,
  framesPerObject: number,
): { readonly start: number; readonly end: number; readonly withNextFrame: boolean }[] {
  if (!Number.isInteger(framesPerObject) || framesPerObject < 1) {
    throw new RangeError(`framesPerObject must be a whole number >= 1, got ${framesPerObject}`);
  }
  const objects = frameCount > 0 ? Math.ceil(frameCount / framesPerObject) : hasNextFrame ? 1 : 0;
  const ranges = [];
  for (let i = 0; i < objects; i++) {
    const start = i * framesPerObject;
    const end = Math.min(frameCount, start + framesPerObject);
    ranges.push({ start, end, withNextFrame: hasNextFrame && i === objects - 1 });
  }
  return ranges;
}
