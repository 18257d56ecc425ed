import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { GreyFrame } from '../core/media.ts';
import { spawnTracked } from '../infra/child-processes.ts';
import { DecodeLog, DecodeReport } from './decode-log.ts';
import {
  buildDecodeArgs,
  type DecodeOptions,
  type DecodeStart,
  pipeFd,
  roundMicros,
  videoAnalysisSize,
} from './decode-plan.ts';
import { ffmpegPath } from './ffmpeg-binaries.ts';
import type { MediaInfo } from './probe.ts';
import { type ExitStatus, exitOf, StderrTail } from './tool-process.ts';

/** Pictures the log may be ahead of the frames before a frame without a log line is taken unflagged. */
const LOG_LEAD_LIMIT = 64;

/**
 * One running ffmpeg decode and the data it has delivered so far. The three output pipes are read
 * concurrently (ffmpeg writes them from one thread, so stalling any of them stalls all); frames and PCM
 * are buffered until the consumer takes them. Flow control: the consumer sets `holdAfterSec`, and the
 * pipes are paused only once every stream has delivered data past it, which bounds memory without the
 * deadlock of pausing a stream that another stream is waiting behind.
 */
export class DecodeSession {
  readonly info: MediaInfo;
  /** Error-level messages of ffmpeg, for failure reports. */
  readonly stderr = new StderrTail();
  /** ffmpeg's report log (video only) and what it says of each picture. */
  readonly #report: DecodeReport | undefined;
  readonly #log: DecodeLog;
  readonly frameWidth: number;
  readonly frameHeight: number;
  /** Clip-timeline sample index of the first PCM sample ffmpeg delivers. */
  readonly audioBaseSample: number;
  readonly sampleRate: number;

  readonly #child: ChildProcess;
  readonly #exited: Promise<ExitStatus>;
  readonly #streams: Readable[] = [];
  #exitStatus: ExitStatus | undefined;
  #waiter: (() => void) | undefined;
  #paused = false;
  #holdAfterSec = Number.POSITIVE_INFINITY;

  // Video: raw frames and pts lines arrive on separate pipes and are paired in order.
  readonly #frameBytes: number;
  #partial: Uint8Array | undefined;
  #partialFill = 0;
  readonly #unpairedFrames: Uint8Array[] = [];
  /** Timestamps from the framecrc pipe not yet paired: seconds, and the integer pts as ffmpeg logs it. */
  readonly #unpairedPts: { readonly sec: number; readonly key: string }[] = [];
  #ptsLineRest = '';
  #timeBaseNum = 0;
  #timeBaseDen = 0;
  #framePipeOpen = false;
  #ptsPipeOpen = false;
  /** Paired frames not yet taken, oldest first (`#frameHead` is the first live entry). */
  #frames: (GreyFrame | undefined)[] = [];
  #frameHead = 0;
  #lastPtsSec = Number.NEGATIVE_INFINITY;
  #framesDecoded = 0;

  // Audio: s16le bytes kept as received; sample `audioBaseSample + i` is at byte 2i of the stream.
  #audioPieces: Buffer[] = [];
  /** Stream byte offset of `#audioPieces[0]`. */
  #audioPiecesOffset = 0;
  #audioBytes = 0;
  #audioPipeOpen = false;

  constructor(info: MediaInfo, options: DecodeOptions, start: DecodeStart) {
    this.info = info;
    this.sampleRate = options.sampleRate;
    this.audioBaseSample = Math.round(start.audioSec * options.sampleRate);
    const size = info.video ? videoAnalysisSize(info.video, options.analysisWidth) : { width: 0, height: 0 };
    this.frameWidth = size.width;
    this.frameHeight = size.height;
    this.#frameBytes = size.width * size.height;

    const stdio: (number | 'ignore' | 'pipe')[] = ['ignore', 'ignore', 'pipe', 'ignore', 'ignore', 'ignore'];
    if (info.video) {
      stdio[pipeFd.video] = 'pipe';
      stdio[pipeFd.pts] = 'pipe';
    }
    if (info.audio) stdio[pipeFd.audio] = 'pipe';
    this.#log = new DecodeLog(info.video?.codec ?? '', info.video?.width ?? 0, info.video?.height ?? 0);
    this.#report = info.video ? new DecodeReport() : undefined;
    let env = process.env;
    if (this.#report) {
      stdio[pipeFd.report] = this.#report.fd;
      env = { ...process.env, FFREPORT: this.#report.ffreport };
    }
    try {
      this.#child = spawnTracked(ffmpegPath(), buildDecodeArgs(info, options, start), { stdio, env });
    } catch (error) {
      this.#report?.close();
      throw error;
    }
    this.#exited = exitOf(this.#child).then((status) => {
      this.#exitStatus = status;
      this.#notify();
      return status;
    });
    this.#child.stderr?.on('data', (piece: Buffer) => this.stderr.push(piece));
    this.#exited.then(() => {
      // Everything ffmpeg logged is in the report now.
      this.#pullReport();
      this.#log.end();
      this.#pair();
      this.#notify();
    });

    if (info.video) {
      this.#framePipeOpen = true;
      this.#ptsPipeOpen = true;
      this.#attach(
        this.#pipe(pipeFd.video),
        (piece) => this.#onFrameBytes(piece),
        () => {
          this.#framePipeOpen = false;
        },
      );
      this.#attach(
        this.#pipe(pipeFd.pts),
        (piece) => this.#onPtsText(piece),
        () => {
          this.#ptsPipeOpen = false;
        },
      );
    }
    if (info.audio) {
      this.#audioPipeOpen = true;
      this.#attach(
        this.#pipe(pipeFd.audio),
        (piece) => this.#onAudioBytes(piece),
        () => {
          this.#audioPipeOpen = false;
        },
      );
    }
  }

  #pipe(fd: number): Readable {
    const stream = this.#child.stdio[fd];
    if (!stream || !('read' in stream)) throw new Error(`ffmpeg pipe ${fd} is missing`);
    return stream as Readable;
  }

  #attach(stream: Readable, onData: (piece: Buffer) => void, onClose: () => void): void {
    this.#streams.push(stream);
    let closed = false;
    const close = (): void => {
      if (closed) return;
      closed = true;
      onClose();
      this.#notify();
    };
    stream.on('data', (piece: Buffer) => {
      onData(piece);
      this.#applyFlowControl();
      this.#notify();
    });
    stream.once('end', close);
    stream.once('close', close);
    // A read error (the process died) ends the stream like EOF; the exit status tells what happened.
    stream.once('error', close);
  }

  #onFrameBytes(piece: Buffer): void {
    let offset = 0;
    while (offset < piece.length) {
      if (!this.#partial) {
        // Unzeroed allocation (every byte is overwritten) with its own ArrayBuffer, so a frame can be
        // transferred or kept without pinning neighbours.
        this.#partial = new Uint8Array(Buffer.allocUnsafeSlow(this.#frameBytes).buffer, 0, this.#frameBytes);
        this.#partialFill = 0;
      }
      const take = Math.min(this.#frameBytes - this.#partialFill, piece.length - offset);
      this.#partial.set(piece.subarray(offset, offset + take), this.#partialFill);
      this.#partialFill += take;
      offset += take;
      if (this.#partialFill === this.#frameBytes) {
        this.#unpairedFrames.push(this.#partial);
        this.#partial = undefined;
      }
    }
    this.#pair();
  }

  #onPtsText(piece: Buffer): void {
    const lines = (this.#ptsLineRest + piece.toString('latin1')).split('\n');
    this.#ptsLineRest = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('#')) {
        const match = /^#tb 0: (\d+)\/(\d+)/.exec(line);
        if (match) {
          this.#timeBaseNum = Number(match[1]);
          this.#timeBaseDen = Number(match[2]);
        }
        continue;
      }
      // framecrc: stream, dts, pts, duration, size, checksum.
      const fields = line.split(',');
      if (fields.length < 3 || this.#timeBaseDen === 0) continue;
      const key = (fields[2] ?? '').trim();
      this.#unpairedPts.push({
        sec: roundMicros((Number(key) * this.#timeBaseNum) / this.#timeBaseDen - this.info.startTimeSec),
        key,
      });
    }
    this.#pair();
  }

  #pullReport(): void {
    this.#report?.pull((piece) => this.#log.push(piece));
  }

  /**
   * Pairs frame bytes with their timestamps, in order, and each frame with what the log says of its
   * picture. ffmpeg logs a picture (flushed to the report file) before the frame reaches the pipes, so the
   * line is there when the frame is; a frame whose line is missing although the log has gone
   * {@link LOG_LEAD_LIMIT} pictures further (its timestamp not as logged) or has ended is taken unflagged
   * rather than held.
   */
  #pair(): void {
    const count = Math.min(this.#unpairedFrames.length, this.#unpairedPts.length);
    if (count > 0) this.#pullReport();
    let paired = 0;
    while (paired < count) {
      const pts = this.#unpairedPts[paired]!;
      const damage = this.#log.take(pts.key);
      const given =
        damage !== undefined ||
        this.#log.ended ||
        this.#log.picturesReported > this.#framesDecoded + paired + LOG_LEAD_LIMIT;
      if (!given) break;
      const frame: GreyFrame = {
        ptsSec: pts.sec,
        width: this.frameWidth,
        height: this.frameHeight,
        data: this.#unpairedFrames[paired]!,
        ...(damage !== undefined && damage > 0 ? { decodeDamage: damage } : {}),
      };
      this.#frames.push(frame);
      if (pts.sec > this.#lastPtsSec) this.#lastPtsSec = pts.sec;
      paired++;
    }
    if (paired === 0) return;
    this.#unpairedFrames.splice(0, paired);
    this.#unpairedPts.splice(0, paired);
    this.#framesDecoded += paired;
  }

  #onAudioBytes(piece: Buffer): void {
    this.#audioPieces.push(piece);
    this.#audioBytes += piece.length;
  }

  #notify(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Resolves at the next delivery, end of a pipe or process exit. Check state first, then await. */
  changed(): Promise<void> {
    return new Promise((resolve) => {
      const previous = this.#waiter;
      this.#waiter = () => {
        previous?.();
        resolve();
      };
    });
  }

  get videoEnded(): boolean {
    return !this.#framePipeOpen && !this.#ptsPipeOpen;
  }

  get audioEnded(): boolean {
    return !this.#audioPipeOpen;
  }

  /** True once every pipe has ended (EOF, error or death). */
  get ended(): boolean {
    return this.videoEnded && this.audioEnded;
  }

  /** Frames delivered so far (taken or not). */
  get framesDecoded(): number {
    return this.#framesDecoded;
  }

  /** Largest frame time seen so far, -Infinity before the first frame. */
  get lastPtsSec(): number {
    return this.#lastPtsSec;
  }

  /** Clip-timeline index one past the last complete PCM sample delivered. */
  get audioEndSample(): number {
    return this.audioBaseSample + Math.floor(this.#audioBytes / 2);
  }

  /** Bytes of frames and PCM held in memory (delivered and not yet dropped). */
  get bufferedBytes(): number {
    const frames = this.#frames.length - this.#frameHead + this.#unpairedFrames.length;
    return frames * this.#frameBytes + this.#partialFill + (this.#audioBytes - this.#audioPiecesOffset);
  }

  /** Whether video is complete up to `sec`: a frame at or after it arrived, or the video ended. */
  videoReachedSec(sec: number): boolean {
    return !this.info.video || this.videoEnded || this.#lastPtsSec >= sec;
  }

  /** Whether audio is complete up to `sec` (clip time), or ended. */
  audioReachedSec(sec: number): boolean {
    if (!this.info.audio || this.audioEnded) return true;
    return sec !== Number.POSITIVE_INFINITY && this.audioEndSample >= Math.round(sec * this.sampleRate);
  }

  /** Earliest frame not yet taken. */
  peekFrame(): GreyFrame | undefined {
    return this.#frames[this.#frameHead];
  }

  /** Removes and returns the earliest frame not yet taken. */
  takeFrame(): GreyFrame | undefined {
    const frame = this.#frames[this.#frameHead];
    if (!frame) return undefined;
    this.#frames[this.#frameHead] = undefined;
    this.#frameHead++;
    if (this.#frameHead > 64 && this.#frameHead * 2 > this.#frames.length) {
      this.#frames = this.#frames.slice(this.#frameHead);
      this.#frameHead = 0;
    }
    return frame;
  }

  /**
   * Copies PCM samples `[fromSample, toSample)` (clip-timeline indices, clamped to what was delivered) and
   * forgets everything before `toSample`.
   */
  takeSamples(fromSample: number, toSample: number): { startSample: number; samples: Int16Array } {
    const first = Math.max(fromSample, this.audioBaseSample);
    const last = Math.max(first, Math.min(toSample, this.audioEndSample));
    const samples = new Int16Array(last - first);
    const target = new Uint8Array(samples.buffer);
    let byteStart = (first - this.audioBaseSample) * 2;
    const byteEnd = (last - this.audioBaseSample) * 2;
    let pieceOffset = this.#audioPiecesOffset;
    let written = 0;
    for (const piece of this.#audioPieces) {
      const pieceEnd = pieceOffset + piece.length;
      if (pieceEnd > byteStart && pieceOffset < byteEnd) {
        const from = byteStart - pieceOffset;
        const to = Math.min(piece.length, byteEnd - pieceOffset);
        target.set(piece.subarray(from, to), written);
        written += to - from;
        byteStart += to - from;
      }
      pieceOffset = pieceEnd;
      if (pieceOffset >= byteEnd) break;
    }
    this.#dropAudioBefore(byteEnd);
    return { startSample: first, samples };
  }

  #dropAudioBefore(byteOffset: number): void {
    let dropped = 0;
    for (const piece of this.#audioPieces) {
      if (this.#audioPiecesOffset + piece.length > byteOffset) break;
      this.#audioPiecesOffset += piece.length;
      dropped++;
    }
    if (dropped > 0) this.#audioPieces = this.#audioPieces.slice(dropped);
  }

  /**
   * Pauses all pipes once every stream has delivered data at or past `sec` (the consumer has what it needs
   * up to there), and resumes them when `sec` moves on. Infinity disables pausing.
   */
  holdAfter(sec: number): void {
    this.#holdAfterSec = sec;
    this.#applyFlowControl();
  }

  #applyFlowControl(): void {
    const hold =
      this.#holdAfterSec !== Number.POSITIVE_INFINITY &&
      this.videoReachedSec(this.#holdAfterSec) &&
      this.audioReachedSec(this.#holdAfterSec);
    if (hold === this.#paused) return;
    this.#paused = hold;
    for (const stream of this.#streams) {
      if (hold) stream.pause();
      else stream.resume();
    }
  }

  /** Waits for ffmpeg to exit by itself (after the pipes ended). */
  async finished(): Promise<ExitStatus> {
    return this.#exited;
  }

  /** The exit status once known. */
  get exitStatus(): ExitStatus | undefined {
    return this.#exitStatus;
  }

  /** Ends ffmpeg now (if still running) and waits until it has exited. Safe to call more than once. */
  async stop(): Promise<void> {
    if (this.#exitStatus === undefined) this.#child.kill('SIGKILL');
    for (const stream of this.#streams) stream.destroy();
    await this.#exited;
    this.#report?.close();
  }
}
