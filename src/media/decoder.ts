import { BadInputError } from '../core/errors.ts';
import type { GreyFrame, MediaChunk } from '../core/media.ts';
import {
  audioSeekSec,
  chunkBounds,
  chunkCount,
  type DecodeOptions,
  type DecodeStart,
  roundMicros,
  videoPrerollSec,
} from './decode-plan.ts';
import { DecodeSession } from './decode-session.ts';
import { displayPath, type MediaInfo } from './probe.ts';

export { analysisSize, chunkCount, type DecodeOptions, defaultDecodeOptions } from './decode-plan.ts';

/** What a whole-clip decode delivered, compared with what the container promised. */
export interface DecodeSummary {
  /** End of the decoded media in seconds (last frame's end or last PCM sample, whichever is later). */
  readonly decodedDurationSec: number;
  /** Duration the container declares, in seconds. */
  readonly containerDurationSec: number;
  /** True when decoding stopped clearly before the declared end (a cut or damaged file). */
  readonly truncated: boolean;
  /** Frames delivered in chunks. */
  readonly videoFrames: number;
  /** PCM samples delivered in chunks. */
  readonly audioSamples: number;
}

/** A whole-clip decode by one ffmpeg process; dispose it (or finish iterating) to end the process. */
export interface ClipDecoder extends AsyncDisposable {
  /** Yields exactly `chunkCount(info, options.chunkSeconds)` chunks in order; may be iterated once. */
  chunks(): AsyncGenerator<MediaChunk>;
  /** Valid once `chunks()` has finished; throws before. */
  readonly summary: DecodeSummary;
  /** Bytes of decoded frames and PCM currently held (bounded to about two chunks). */
  readonly bufferedBytes: number;
}

/** Decoded end of the stream that is still considered complete: half a second or two frames early. */
function truncationToleranceSec(info: MediaInfo): number {
  const frameSec = info.video && info.video.fps > 0 ? 1 / info.video.fps : 0;
  return Math.max(0.5, 2 * frameSec);
}

/** Chunk `index`'s exclusive end used for cutting: the last chunk takes everything that remains. */
function cutEndSec(info: MediaInfo, options: DecodeOptions, index: number, count: number): number {
  return index === count - 1
    ? Number.POSITIVE_INFINITY
    : chunkBounds(info, options.chunkSeconds, index).endSec;
}

function isReady(session: DecodeSession, endSec: number): boolean {
  return session.videoReachedSec(endSec) && session.audioReachedSec(endSec);
}

/**
 * Cuts chunk `index` out of the session's buffers. Frames before the chunk start are dropped (seek pre-roll),
 * except in chunk 0, which also owns frames stamped before the container start. The first frame of the
 * next chunk stays in the session as `nextFrame`.
 */
function cutChunk(session: DecodeSession, options: DecodeOptions, index: number, count: number): MediaChunk {
  const { info } = session;
  const isLast = index === count - 1;
  const nominal = chunkBounds(info, options.chunkSeconds, index);
  const startSec = nominal.startSec;
  const cutEnd = cutEndSec(info, options, index, count);
  let endSec = nominal.endSec;

  let video: MediaChunk['video'];
  if (info.video) {
    const frames: GreyFrame[] = [];
    for (let frame = session.peekFrame(); frame && frame.ptsSec < cutEnd; frame = session.peekFrame()) {
      session.takeFrame();
      if (index === 0 || frame.ptsSec >= startSec) frames.push(frame);
    }
    const last = frames.at(-1);
    if (isLast && last && last.ptsSec >= endSec) {
      // Frames stamped at or past the declared duration still belong to the clip: stretch the last chunk.
      const frameSec = info.video.fps > 0 ? 1 / info.video.fps : 0.001;
      endSec = roundMicros(last.ptsSec + frameSec);
    }
    let nextFrame: GreyFrame | undefined;
    if (!isLast) {
      const candidate = session.peekFrame();
      const nextEnd = cutEndSec(info, options, index + 1, count);
      if (candidate && candidate.ptsSec < nextEnd) nextFrame = candidate;
    }
    video = nextFrame ? { frames, nextFrame } : { frames };
  }

  let audio: MediaChunk['audio'];
  if (info.audio) {
    const rate = options.sampleRate;
    const fromSample = index === 0 ? 0 : Math.round(startSec * rate);
    const { startSample, samples } = session.takeSamples(fromSample, Math.round(endSec * rate));
    audio = { sampleRate: rate, startSec: startSample / rate, samples };
  }

  return {
    index,
    startSec,
    endSec,
    ...(video ? { video } : {}),
    ...(audio ? { audio } : {}),
  };
}

/**
 * Checks how a decode that reached the end of its output went. Only a clean exit (code 0) means the data ran
 * out: a file that decodes only so far (truncated or damaged) ends that way, and a later chunk with nothing
 * left is the empty tail of such a file. ffmpeg killed by a signal or exiting non-zero after it decoded
 * something stopped before the end of its range: what is missing was lost, not absent, so it is an error
 * (internal, never bad input: the clip decoded fine as far as it went). Nothing decoded at all when the clip
 * was asked for from the start (`mustHaveData`, chunk 0) is bad input when ffmpeg says why; a process that
 * could not start, or failed without a word, is a setup problem.
 */
async function checkEndedDecode(session: DecodeSession, mustHaveData: boolean): Promise<void> {
  if (!session.ended) return;
  const status = await session.finished();
  if (status.spawnError) throw new Error(`Could not run ffmpeg: ${status.spawnError.message}`);
  const decoded = session.framesDecoded > 0 || session.audioEndSample > session.audioBaseSample;
  if (status.code === 0 && (decoded || !mustHaveData)) return;
  const how = status.code === null ? `signal ${status.signal}` : `exit code ${status.code}`;
  const reason = session.stderr.lastLine();
  const path = displayPath(session.info.path);
  if (decoded || status.code === null) {
    throw new Error(
      `${path}: ffmpeg ended (${how}) before the end of its range${reason === '' ? '' : ` (${reason})`}: the decode is incomplete, so the clip is not analysed`,
    );
  }
  if (reason === '' && status.code !== 0) {
    // ffmpeg explains at the error level why it cannot read an input; failing silently is a broken binary
    // (FFMPEG_PATH=/bin/false), not a problem of the clip.
    throw new Error(
      `${path}: ffmpeg ended (${how}) without decoding anything or saying why: check the ffmpeg binary (FFMPEG_PATH)`,
    );
  }
  throw new BadInputError(`${path}: nothing could be decoded (${reason || `ffmpeg ${how}`})`);
}

class WholeClipDecoder implements ClipDecoder {
  readonly #info: MediaInfo;
  readonly #options: DecodeOptions;
  #session: DecodeSession | undefined;
  #started = false;
  #disposed = false;
  #summary: DecodeSummary | undefined;

  constructor(info: MediaInfo, options: DecodeOptions) {
    this.#info = info;
    this.#options = options;
  }

  get summary(): DecodeSummary {
    if (!this.#summary) throw new Error('DecodeSummary is only available after chunks() has finished');
    return this.#summary;
  }

  get bufferedBytes(): number {
    return this.#session?.bufferedBytes ?? 0;
  }

  async *chunks(): AsyncGenerator<MediaChunk> {
    if (this.#started) throw new Error('ClipDecoder.chunks() can be iterated only once');
    this.#started = true;
    if (this.#disposed) return;
    const info = this.#info;
    const options = this.#options;
    const count = chunkCount(info, options.chunkSeconds);
    const session = new DecodeSession(info, options, { videoSec: 0, audioSec: 0 });
    this.#session = session;
    let videoFrames = 0;
    let audioSamples = 0;
    try {
      for (let index = 0; index < count; index++) {
        const endSec = cutEndSec(info, options, index, count);
        // Keep ffmpeg one chunk ahead of the consumer, no further.
        session.holdAfter(
          index + 1 < count ? cutEndSec(info, options, index + 1, count) : Number.POSITIVE_INFINITY,
        );
        while (!isReady(session, endSec)) await session.changed();
        if (this.#disposed) return;
        await checkEndedDecode(session, index === 0);
        const chunk = cutChunk(session, options, index, count);
        videoFrames += chunk.video?.frames.length ?? 0;
        audioSamples += chunk.audio?.samples.length ?? 0;
        yield chunk;
        // Disposed while the consumer held the chunk: the process is gone, so the rest would be empty.
        if (this.#disposed) return;
      }
      session.holdAfter(Number.POSITIVE_INFINITY);
      while (!session.ended) await session.changed();
      await checkEndedDecode(session, false);
      const frameSec = info.video && info.video.fps > 0 ? 1 / info.video.fps : 0;
      const videoEnd = session.framesDecoded > 0 ? session.lastPtsSec + frameSec : 0;
      const audioEnd = session.audioEndSample / options.sampleRate;
      const decodedDurationSec = roundMicros(Math.max(videoEnd, audioEnd));
      this.#summary = {
        decodedDurationSec,
        containerDurationSec: info.durationSec,
        truncated: decodedDurationSec < info.durationSec - truncationToleranceSec(info),
        videoFrames,
        audioSamples,
      };
    } finally {
      await session.stop();
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#disposed = true;
    await this.#session?.stop();
  }
}

/**
 * Opens a whole-clip decode: one ffmpeg process turns the clip into grey frames at the analysis size and
 * mono PCM, streamed chunk by chunk (memory stays around two chunks). Nothing starts until `chunks()` is
 * iterated.
 */
export function openClipDecoder(info: MediaInfo, options: DecodeOptions): ClipDecoder {
  return new WholeClipDecoder(info, options);
}

/** Where the single-chunk decode of chunk `index` starts reading each stream. */
function chunkDecodeStart(info: MediaInfo, options: DecodeOptions, index: number): DecodeStart {
  if (index === 0) return { videoSec: 0, audioSec: 0 };
  const { startSec } = chunkBounds(info, options.chunkSeconds, index);
  return {
    videoSec: roundMicros(Math.max(0, startSec - videoPrerollSec(info))),
    audioSec: audioSeekSec(info, options, startSec),
  };
}

/**
 * Decodes only chunk `index` (with an input seek, so cost does not grow with the index), plus the first frame
 * of the next chunk. Frames and samples equal the whole-clip decoder's chunk `index` on clips whose chunks
 * start on closed-GOP keyframes.
 */
export async function decodeChunk(
  info: MediaInfo,
  index: number,
  options: DecodeOptions,
): Promise<MediaChunk> {
  const count = chunkCount(info, options.chunkSeconds);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new RangeError(`chunk index ${index} is outside 0..${count - 1} for ${displayPath(info.path)}`);
  }
  const session = new DecodeSession(info, options, chunkDecodeStart(info, options, index));
  try {
    const endSec = cutEndSec(info, options, index, count);
    while (!isReady(session, endSec)) await session.changed();
    await checkEndedDecode(session, index === 0);
    return cutChunk(session, options, index, count);
  } finally {
    await session.stop();
  }
}
