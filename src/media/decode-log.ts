import { closeSync, mkdtempSync, openSync, readSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeFd } from './decode-plan.ts';

/**
 * What ffmpeg's log says about each decoded picture: how much of it the video decoder could not decode and
 * concealed, counting the pictures it is predicted from since the last keyframe (damage propagates through
 * prediction until the next keyframe replaces the picture).
 *
 * The decode runs with `-debug_ts`, level tags and one decoder thread (`buildDecodeArgs`), and writes its
 * info-level log to a report file ({@link DecodeReport}), which makes the log a faithful sequence per video
 * packet: a `demuxer+ffmpeg -> ... type:video ... pkt_pts:P`
 * line, then the messages the decoder prints while decoding that packet (`[h264 @ 0x..] [error] error while
 * decoding MB 17 9`, `[h264 @ 0x..] [info] concealing 194 DC, ... errors in P frame`), then, once the
 * picture leaves the decoder (reordered: B-frames come out in display order), `decoder -> ... type:video
 * frame_pts:T ... keyframe:K frame_type:T`. Errors and concealment are attributed to the packet being
 * decoded. A keyframe is damaged when its own packet had errors; any other picture when its own packet had
 * errors, or a reference packet decoded after the last keyframe and before its own (decode order: a packet
 * the decoder could not turn into a picture at all still damages the pictures predicted after it, and a
 * B-frame shown before a damaged P-frame is decoded from it). A packet shown as a B-picture is not a
 * reference (true of MPEG-2 and MPEG-4 Part 2, and of H.264 without B-pyramids); one not shown yet when a
 * later-decoded picture is shown is.
 *
 * How much: a damaged picture's {@link DecodeLog.take | damage} is the sum, over its own packet and those
 * errored reference packets, of the share of the picture's macroblocks the decoder concealed (its error
 * concealment's `concealing N DC, N AC, N MV errors` count over the macroblocks of a coded picture); an
 * errored packet without a concealment report (a picture the decoder dropped, or a decoder without
 * ffmpeg's error concealment) counts as a whole picture. The concealed macroblocks are guessed from their
 * neighbours and the previous picture, so a small share on a slowly changing picture can stay close to
 * the intact one, while several pictures' worth of concealment since the keyframe cannot.
 *
 * Before the first keyframe of a decode nothing is judged: a decode that starts after a seek on a
 * container without an exact index may start on a picture whose references it never saw, and every runner
 * must see the same damage whatever its seek.
 *
 * Nothing else of the log is kept (error messages for failure reports come from ffmpeg's stderr).
 */
export class DecodeLog {
  readonly #videoCodec: string;
  #rest = '';
  #ended = false;
  /** Video packets demuxed so far (the next packet's decode index). */
  #decoded = 0;
  /** The packet being decoded, undefined outside a video packet. */
  #current: Packet | undefined;
  /** Packets whose picture has not been shown yet, by pts (stream time base). */
  readonly #pending = new Map<string, Packet>();
  /** Packets with errors decoded after the last shown keyframe's packet, in decode order. */
  #errored: Packet[] = [];
  /** Decode index of the last shown keyframe's packet; -1 before the first keyframe. */
  #keyframeIndex = -1;
  /** Output pictures reported so far and not yet taken: pts -> damage (pictures' worth, 0 = intact). */
  readonly #pictures = new Map<string, number>();
  #picturesReported = 0;

  readonly #macroblocks: number;

  /**
   * `videoCodec`: the decoder's name as ffmpeg logs it (`h264`, `mpeg2video`, ...); `width` x `height`:
   * the coded picture size, whose 16x16 macroblocks the concealment counts refer to.
   */
  constructor(videoCodec: string, width: number, height: number) {
    this.#videoCodec = videoCodec;
    this.#macroblocks = Math.max(1, Math.ceil(width / 16) * Math.ceil(height / 16));
  }

  push(piece: Buffer): void {
    const lines = (this.#rest + piece.toString('latin1')).split('\n');
    this.#rest = lines.pop() ?? '';
    for (const line of lines) this.#line(line);
  }

  /** The log ended (ffmpeg exited): every picture is as reported. */
  end(): void {
    if (this.#rest !== '') this.#line(this.#rest);
    this.#rest = '';
    this.#ended = true;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Pictures whose `decoder ->` line has been read. */
  get picturesReported(): number {
    return this.#picturesReported;
  }

  /**
   * The damage of the picture with integer pts `pts` (stream time base), in pictures' worth of concealed
   * macroblocks (0: intact; more than 0 exactly when the decoder reported errors in it or in a reference it
   * is predicted from), and forgets it; undefined while its line has not arrived (and always after
   * {@link ended}, for pictures never reported).
   */
  take(pts: string): number | undefined {
    const damaged = this.#pictures.get(pts);
    if (damaged !== undefined) this.#pictures.delete(pts);
    return damaged;
  }

  #line(raw: string): void {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.startsWith(INFO)) line = line.slice(INFO.length);
    if (line.startsWith('demuxer+ffmpeg -> ')) {
      const pts = line.includes(' type:video ') ? field(line, 'pkt_pts') : undefined;
      this.#current = undefined;
      if (pts !== undefined) {
        this.#current = { index: this.#decoded++, errored: false, concealed: 0, shownAsB: false };
        this.#pending.set(pts, this.#current);
      }
      return;
    }
    if (line.startsWith('decoder -> ')) {
      if (line.includes(' type:video ')) this.#picture(line);
      return;
    }
    // `[ctx @ 0x..] [level] message` or `[level] message`.
    const packet = this.#current;
    if (packet === undefined || !line.startsWith(`[${this.#videoCodec} @`)) return;
    const message = line.slice(line.indexOf('] ') + 2);
    if (/^\[(panic|fatal|error)\] /.test(message)) {
      if (!packet.errored) this.#errored.push(packet);
      packet.errored = true;
    } else {
      const concealing = /^\[info\] concealing (\d+) DC/.exec(message);
      if (concealing !== null) packet.concealed += Number(concealing[1]);
    }
  }

  /** A packet's own damage: its concealed share of a picture, a whole picture when it had errors but none. */
  #damageOf(packet: Packet): number {
    if (!packet.errored) return 0;
    return packet.concealed > 0 ? Math.min(1, packet.concealed / this.#macroblocks) : 1;
  }

  #picture(line: string): void {
    const pts = field(line, 'frame_pts');
    if (pts === undefined) return;
    const packet = this.#pending.get(pts);
    this.#pending.delete(pts);
    let damage = packet === undefined ? 0 : this.#damageOf(packet);
    if (field(line, 'keyframe') === '1') {
      this.#keyframeIndex = packet?.index ?? this.#decoded - 1;
      this.#errored = this.#errored.filter((e) => e.index > this.#keyframeIndex);
      for (const [key, p] of this.#pending) if (p.index < this.#keyframeIndex) this.#pending.delete(key);
    } else if (this.#keyframeIndex < 0) {
      damage = 0;
    } else {
      const type = field(line, 'frame_type');
      if (packet !== undefined) packet.shownAsB = type === '3' || type === '7';
      const limit = packet?.index ?? Number.POSITIVE_INFINITY;
      for (const e of this.#errored)
        if (e !== packet && e.index < limit && !e.shownAsB) damage += this.#damageOf(e);
    }
    this.#pictures.set(pts, damage);
    this.#picturesReported++;
  }
}

/** A video packet as the log follows it. */
interface Packet {
  /** Position in decode order. */
  readonly index: number;
  /** The video decoder reported an error while decoding it. */
  errored: boolean;
  /** Macroblocks the decoder's error concealment reported concealing in it. */
  concealed: number;
  /**
   * Its picture was shown as a B-picture: nothing is predicted from it (a packet decoded before a picture
   * shown earlier is a reference, so an unshown one counts as one).
   */
  shownAsB: boolean;
}

/** The tag `-loglevel level+info` puts before info lines (debug_ts lines among them). */
const INFO = '[info] ';

/** Value of ` name:value` in a debug_ts line. */
function field(line: string, name: string): string | undefined {
  const at = line.indexOf(` ${name}:`);
  if (at < 0) return undefined;
  const start = at + name.length + 2;
  const end = line.indexOf(' ', start);
  return line.slice(start, end < 0 ? undefined : end);
}

/**
 * The file ffmpeg writes its report log to (`FFREPORT`), read back as it grows. A regular file, not a pipe:
 * the debug lines are a few kilobytes per frame in many small writes, which through a pipe or socket would
 * block the decoder whenever the reader is busy (the monolith's detectors), and ffmpeg offers no queue for
 * its log as the `fifo` muxer is for its outputs.
 *
 * The file has no name: it is created in a private temporary directory and both are removed at once, before
 * ffmpeg starts; ffmpeg gets the open file as descriptor `pipeFd.report` and opens it again through
 * `/dev/fd`. So nothing is left behind, even when this process or ffmpeg is killed.
 */
export class DecodeReport {
  /** The open file, for the child's stdio at `pipeFd.report` and for reading back. */
  readonly fd: number;
  readonly #buffer = Buffer.allocUnsafe(1 << 16);
  #position = 0;
  #closed = false;

  constructor() {
    const dir = mkdtempSync(path.join(tmpdir(), 'archbench-decode-'));
    try {
      const file = path.join(dir, 'report.log');
      this.fd = openSync(file, 'w+');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** The `FFREPORT` value that makes ffmpeg write its info-level log to this file. */
  get ffreport(): string {
    return `file=/dev/fd/${pipeFd.report}:level=32`;
  }

  /** Hands every byte written since the last call to `onData`. */
  pull(onData: (piece: Buffer) => void): void {
    if (this.#closed) return;
    for (;;) {
      const read = readSync(this.fd, this.#buffer, 0, this.#buffer.length, this.#position);
      if (read === 0) break;
      this.#position += read;
      onData(this.#buffer.subarray(0, read));
    }
  }

  /** Closes the file (its space is freed once ffmpeg has exited too). Safe to call more than once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.fd);
  }
}
