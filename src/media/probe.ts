import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { BadInputError } from '../core/errors.ts';
import type { ClipInfo } from '../core/media.ts';
import { ffmpegPath, ffprobePath } from './ffmpeg-binaries.ts';
import { parseFfmpegInputDump } from './ffmpeg-dump-probe.ts';
import { runTool } from './tool-process.ts';

/** The video stream archbench decodes (the first real video stream; cover art is not video). */
export interface VideoStreamInfo {
  /** Index of the stream in the container (what ffmpeg's `[0:N]` refers to). */
  readonly index: number;
  readonly codec: string;
  /** Coded frame width in pixels, before sample aspect ratio and rotation. */
  readonly width: number;
  /** Coded frame height in pixels. */
  readonly height: number;
  /** Average frame rate in frames per second. */
  readonly fps: number;
  /** True when frame intervals vary (from the first packets' timestamps and ffprobe's rate guesses). */
  readonly variableFrameRate: boolean;
  /** Pixel width / pixel height (1 for square pixels). */
  readonly sampleAspectRatio: number;
  /** Display rotation in degrees (0, 90, 180, 270) that ffmpeg applies when decoding. */
  readonly rotationDeg: number;
  /** Stream time base as `num/den`; decoded frame timestamps are exact multiples of it. */
  readonly timeBase: string;
}

/** The audio stream archbench decodes (the first audio stream). */
export interface AudioStreamInfo {
  /** Index of the stream in the container. */
  readonly index: number;
  readonly codec: string;
  readonly channels: number;
  /** Native sample rate in Hz. */
  readonly sampleRate: number;
}

/** What the probe learned about a media file. Times are seconds. */
export interface MediaInfo {
  readonly path: string;
  /** ffprobe's demuxer name, e.g. `mov,mp4,m4a,3gp,3g2,mj2`. */
  readonly formatName: string;
  /** Container duration in seconds (> 0). Chunk geometry is derived from it. */
  readonly durationSec: number;
  /** Container start time in seconds; the clip timeline's 0 is this instant. */
  readonly startTimeSec: number;
  /** Absent when the file has no video stream (cover art does not count). */
  readonly video?: VideoStreamInfo;
  /** Absent when the file has no audio stream. */
  readonly audio?: AudioStreamInfo;
}

/** Packets read (from the start) to judge whether the frame rate is variable. */
const vfrSamplePackets = 240;

/** Formats a path for a one-line message: control characters (newlines in names) are escaped. */
export function displayPath(path: string): string {
  return path.replace(/\p{Cc}/gu, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function badInput(path: string, problem: string): BadInputError {
  return new BadInputError(`${displayPath(path)}: ${problem.replace(/\s+/g, ' ').trim()}`);
}

/**
 * Probes `path` with ffprobe. Throws `BadInputError` (one line naming the file and the problem) when the
 * file is missing, a directory, empty, unreadable, not media, has neither video nor audio, or has no
 * usable duration.
 */
export async function probeMedia(path: string): Promise<MediaInfo> {
  await checkReadableFile(path);
  const result = await runTool(ffprobePath(), [
    '-v',
    'error',
    '-hide_banner',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    '-show_entries',
    'packet=stream_index,pts',
    '-read_intervals',
    `%+#${vfrSamplePackets}`,
    // `file:` stops ffprobe from reading a name like `a:b.mp4` as a protocol.
    `file:${path}`,
  ]);
  if (result.spawnError) throw new Error(`Could not run ffprobe: ${result.spawnError.message}`);
  if (result.signal !== null) return probeWithFfmpeg(path);
  if (result.code !== 0) throw notMedia(path, result.stderr.lastLine(), `ffprobe exit code ${result.code}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout.toString('utf8'));
  } catch {
    throw badInput(path, 'not a readable media file (ffprobe gave no usable description)');
  }
  return interpretProbe(path, asRecord(parsed));
}

function notMedia(path: string, toolMessage: string, fallback: string): BadInputError {
  // The tools prefix their message with the input name, which the message already starts with.
  const prefix = `file:${path}: `;
  const reason = toolMessage.startsWith(prefix) ? toolMessage.slice(prefix.length) : toolMessage;
  return badInput(path, `not a readable media file (${reason || fallback})`);
}

/** Probe through ffmpeg's `-i` description, for inputs that crash ffprobe (see ffmpeg-dump-probe.ts). */
async function probeWithFfmpeg(path: string): Promise<MediaInfo> {
  const result = await runTool(ffmpegPath(), ['-hide_banner', '-nostdin', '-i', `file:${path}`], 1 << 20);
  if (result.spawnError) throw new Error(`Could not run ffmpeg: ${result.spawnError.message}`);
  const parsed = parseFfmpegInputDump(result.stderr.text());
  if (!parsed)
    throw notMedia(path, result.stderr.lastLine(), `ffmpeg exit code ${result.code ?? result.signal}`);
  return interpretProbe(path, parsed);
}

async function checkReadableFile(path: string): Promise<void> {
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw badInput(path, 'no such file');
    if (code === 'EACCES') throw badInput(path, 'not readable (permission denied)');
    throw badInput(path, `cannot be opened (${code ?? String(error)})`);
  }
  if (stats.isDirectory()) throw badInput(path, 'is a directory, not a media file');
  if (!stats.isFile()) throw badInput(path, 'is not a regular file');
  if (stats.size === 0) throw badInput(path, 'is empty (0 bytes)');
  try {
    await access(path, constants.R_OK);
  } catch {
    throw badInput(path, 'not readable (permission denied)');
  }
}

type JsonRecord = Readonly<Record<string, unknown>>;

function asRecord(value: unknown): JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonRecord) : {};
}

function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** ffprobe prints most numbers as strings (`"5.000000"`, `"N/A"`); both forms are accepted. */
function asNumber(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** Parses `num/den` or `num:den`; 0 for `0/0` or garbage. */
function parseRatio(value: unknown): number {
  const text = asString(value);
  if (text === undefined) return 0;
  const match = /^(-?\d+)[/:](\d+)$/.exec(text);
  if (!match) return asNumber(text) ?? 0;
  const den = Number(match[2]);
  return den === 0 ? 0 : Number(match[1]) / den;
}

function isCoverArt(stream: JsonRecord): boolean {
  const disposition = asRecord(stream.disposition);
  return disposition.attached_pic === 1 || disposition.timed_thumbnails === 1;
}

function rotationOf(stream: JsonRecord): number {
  let degrees = 0;
  for (const sideData of asArray(stream.side_data_list)) {
    const rotation = asNumber(asRecord(sideData).rotation);
    if (rotation !== undefined) degrees = rotation;
  }
  const tag = asNumber(asRecord(stream.tags).rotate);
  if (degrees === 0 && tag !== undefined) degrees = tag;
  return (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
}

/** Variable if the first packets' intervals differ by more than 10 %, or ffprobe's two rate guesses differ. */
function looksVariable(stream: JsonRecord, index: number, packets: readonly unknown[]): boolean {
  const rRate = parseRatio(stream.r_frame_rate);
  const avgRate = parseRatio(stream.avg_frame_rate);
  if (rRate > 0 && avgRate > 0 && Math.abs(rRate - avgRate) / rRate > 0.01) return true;
  const pts = packets
    .map(asRecord)
    .filter((packet) => packet.stream_index === index)
    .map((packet) => asNumber(packet.pts))
    .filter((value): value is number => value !== undefined)
    .sort((a, b) => a - b);
  let minStep = Number.POSITIVE_INFINITY;
  let maxStep = 0;
  for (let i = 1; i < pts.length; i++) {
    const step = (pts[i] ?? 0) - (pts[i - 1] ?? 0);
    if (step <= 0) continue;
    minStep = Math.min(minStep, step);
    maxStep = Math.max(maxStep, step);
  }
  return maxStep > 0 && maxStep > minStep * 1.1;
}

function interpretProbe(path: string, probe: JsonRecord): MediaInfo {
  const format = asRecord(probe.format);
  const streams = asArray(probe.streams).map(asRecord);
  const packets = asArray(probe.packets);

  const videoStream = streams.find((stream) => stream.codec_type === 'video' && !isCoverArt(stream));
  const audioStream = streams.find((stream) => stream.codec_type === 'audio');
  if (!videoStream && !audioStream) {
    const kinds = [...new Set(streams.map((stream) => asString(stream.codec_type) ?? 'unknown'))];
    const found = kinds.length > 0 ? `only ${kinds.join(', ')}` : 'no streams at all';
    throw badInput(path, `has neither a video nor an audio stream (${found})`);
  }

  let video: VideoStreamInfo | undefined;
  if (videoStream) {
    const index = asNumber(videoStream.index) ?? 0;
    const codec = asString(videoStream.codec_name) ?? 'unknown';
    const width = asNumber(videoStream.width) ?? 0;
    const height = asNumber(videoStream.height) ?? 0;
    if (width <= 0 || height <= 0) {
      throw badInput(path, `video stream ${index} (${codec}) has no frame size (unsupported or damaged)`);
    }
    const fps = parseRatio(videoStream.avg_frame_rate) || parseRatio(videoStream.r_frame_rate);
    const sar = parseRatio(videoStream.sample_aspect_ratio);
    video = {
      index,
      codec,
      width,
      height,
      fps,
      variableFrameRate: looksVariable(videoStream, index, packets),
      sampleAspectRatio: sar > 0 ? sar : 1,
      rotationDeg: rotationOf(videoStream),
      timeBase: asString(videoStream.time_base) ?? '1/90000',
    };
  }

  let audio: AudioStreamInfo | undefined;
  if (audioStream) {
    const index = asNumber(audioStream.index) ?? 0;
    const codec = asString(audioStream.codec_name) ?? 'unknown';
    const sampleRate = asNumber(audioStream.sample_rate) ?? 0;
    const channels = asNumber(audioStream.channels) ?? 0;
    if (sampleRate <= 0 || channels <= 0) {
      throw badInput(
        path,
        `audio stream ${index} (${codec}) has no sample rate or channels (unsupported or damaged)`,
      );
    }
    audio = { index, codec, channels, sampleRate };
  }

  let durationSec = asNumber(format.duration);
  if (durationSec === undefined || durationSec <= 0) {
    const streamDurations = [videoStream, audioStream]
      .map((stream) => (stream ? asNumber(stream.duration) : undefined))
      .filter((value): value is number => value !== undefined && value > 0);
    durationSec = streamDurations.length > 0 ? Math.max(...streamDurations) : undefined;
  }
  if (durationSec === undefined) {
    throw badInput(path, 'has no usable duration (the container does not say how long it is)');
  }

  return {
    path,
    formatName: asString(format.format_name) ?? 'unknown',
    durationSec,
    startTimeSec: asNumber(format.start_time) ?? 0,
    ...(video ? { video } : {}),
    ...(audio ? { audio } : {}),
  };
}

/** The clip-level facts detectors may use. */
export function toClipInfo(info: MediaInfo): ClipInfo {
  return {
    durationSec: info.durationSec,
    fps: info.video?.fps ?? 0,
    hasVideo: info.video !== undefined,
    hasAudio: info.audio !== undefined,
    ...(info.video !== undefined ? { videoWidth: info.video.width, videoHeight: info.video.height } : {}),
  };
}
