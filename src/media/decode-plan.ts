import type { MediaInfo, VideoStreamInfo } from './probe.ts';

/**
 * Chunk geometry and the ffmpeg command line shared by the whole-clip decoder and the single-chunk
 * decoder. Both must agree to the sample on timestamps, which is why they are built from one place.
 */

/** Options of a decode. */
export interface DecodeOptions {
  /** Length of a chunk in seconds (default 1). */
  readonly chunkSeconds: number;
  /** Width in pixels of the grey analysis frames (default 320); the height keeps the display aspect. */
  readonly analysisWidth: number;
  /** Sample rate in Hz of the mono PCM handed to detectors (default 16,000). */
  readonly sampleRate: number;
}

export const defaultDecodeOptions: DecodeOptions = Object.freeze({
  chunkSeconds: 1,
  analysisWidth: 320,
  sampleRate: 16_000,
});

/** Rounds seconds to whole microseconds, so float noise never moves a frame across a chunk boundary. */
export function roundMicros(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/** Analysis frame size: `analysisWidth` wide (made even), height from the aspect of `width x height`, even. */
export function analysisSize(
  width: number,
  height: number,
  analysisWidth: number,
): { width: number; height: number } {
  if (!(width > 0 && height > 0 && analysisWidth >= 2)) {
    throw new RangeError(`analysisSize needs positive sizes, got ${width}x${height} -> ${analysisWidth}`);
  }
  const outWidth = Math.max(2, Math.round(analysisWidth / 2) * 2);
  const outHeight = Math.max(2, Math.round((outWidth * height) / width / 2) * 2);
  return { width: outWidth, height: outHeight };
}

/** Analysis size of a video stream, from its display shape (sample aspect ratio and rotation applied). */
export function videoAnalysisSize(
  video: VideoStreamInfo,
  analysisWidth: number,
): { width: number; height: number } {
  const displayWidth = video.width * video.sampleAspectRatio;
  const quarterTurn = video.rotationDeg === 90 || video.rotationDeg === 270;
  return quarterTurn
    ? analysisSize(video.height, displayWidth, analysisWidth)
    : analysisSize(displayWidth, video.height, analysisWidth);
}

/** Number of chunks of a clip: `ceil(durationSec / chunkSeconds)`, at least 1. */
export function chunkCount(info: MediaInfo, chunkSeconds: number): number {
  if (!(chunkSeconds > 0)) throw new RangeError(`chunkSeconds must be > 0, got ${chunkSeconds}`);
  // The epsilon absorbs float noise such as 0.30000000000000004 / 0.1.
  return Math.max(1, Math.ceil(info.durationSec / chunkSeconds - 1e-9));
}

/** Nominal bounds of chunk `index` in seconds on the clip timeline: `[k*C, min((k+1)*C, durationSec))`. */
export function chunkBounds(
  info: MediaInfo,
  chunkSeconds: number,
  index: number,
): { startSec: number; endSec: number } {
  const startSec = roundMicros(index * chunkSeconds);
  const endSec = roundMicros(Math.min((index + 1) * chunkSeconds, info.durationSec));
  return { startSec, endSec: Math.max(startSec, endSec) };
}

/** Audio before a chunk that the single-chunk decoder decodes and drops (AAC and resampler warm-up). */
export const audioPrerollSec = 0.5;

/**
 * Video decoded before a chunk by the single-chunk decoder. Containers with a sample index (MP4/MOV,
 * Matroska) seek exactly to the keyframe at or before the target, so no margin is needed; others (MPEG-TS/PS,
 * AVI, ...) seek approximately and get one second to reach a clean keyframe before the chunk.
 */
export function videoPrerollSec(info: MediaInfo): number {
  return /mov|mp4|matroska|webm/.test(info.formatName) ? 0 : 1;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(Math.round(a));
  let y = Math.abs(Math.round(b));
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/**
 * Start of the audio decode for a chunk starting at `chunkStartSec`: earlier by the pre-roll and on the
 * common grid of the native and output sample rates, so the resampler sees the same input phase as in a
 * whole-clip decode (44.1 kHz -> 16 kHz repeats every 10 ms, 48 kHz -> 16 kHz every sample).
 */
export function audioSeekSec(info: MediaInfo, options: DecodeOptions, chunkStartSec: number): number {
  const target = chunkStartSec - audioPrerollSec;
  if (target <= 0 || !info.audio) return 0;
  const gridHz = gcd(info.audio.sampleRate, options.sampleRate) || 1;
  return Math.floor(target * gridHz + 1e-9) / gridHz;
}

/** Where ffmpeg starts reading: clip-timeline seconds for each stream, 0 meaning "from the start". */
export interface DecodeStart {
  readonly videoSec: number;
  readonly audioSec: number;
}

/**
 * The child's file descriptors beyond stdin, stdout and stderr: the output pipes, and the report file
 * ffmpeg writes its log to (`DecodeReport`).
 */
export const pipeFd = { video: 3, pts: 4, audio: 5, report: 6 } as const;

/**
 * Output options writing `format` to pipe `fd` through ffmpeg's `fifo` muxer: a writer thread with a queue
 * of `OUTPUT_QUEUE_PACKETS` packets, so decoding goes on while the reader is busy (in the monolith, between
 * two reads of the pipe the detectors run for a few milliseconds; a pipe holds about one frame, and a
 * decoder writing into it directly waited for every such pause). Nothing is dropped: a full queue blocks the
 * decoder (`drop_pkts_on_overflow` is off by default). Each packet is flushed to the pipe as it is written.
 */
function queuedOutput(format: string, fd: number): string[] {
  return [
    '-f',
    'fifo',
    '-fifo_format',
    format,
    '-queue_size',
    String(OUTPUT_QUEUE_PACKETS),
    '-format_opts',
    'flush_packets=1',
    `pipe:${fd}`,
  ];
}

/**
 * Packets queued per output: 16 grey frames at the 320-px analysis size are about 0.9 MB and take ffmpeg
 * about 20 ms to decode, several times the longest pause of a reader between two reads (a chunk's
 * detectors run in slices of a few milliseconds). 50 measured the same on the 10-minute clip and cost
 * 3 MiB more per stream in the multi-stream monolith.
 */
export const OUTPUT_QUEUE_PACKETS = 16;

function secondsArg(seconds: number): string {
  return seconds.toFixed(6);
}

/**
 * The ffmpeg arguments of one decode: video to grey frames at the analysis size on fd 3 with their exact
 * timestamps as `framecrc` lines on fd 4 (a `split` of the same frames), audio to mono s16le on fd 5.
 *
 * Timestamps: `-copyts` keeps source timestamps and `-enc_time_base` the stream's own time base, so a frame
 * has the same integer pts whatever the seek; `-vsync 0` passes frames through (variable rates stay
 * variable). For resampling, audio is re-stamped so `audioSec` is 0 and `aresample=async=1:first_pts=0`
 * pads a late start with silence, so sample i of the output is at `audioSec + i / sampleRate` on the clip
 * timeline; `audioSec` is on the resampler's phase grid (see `audioSeekSec`), which keeps the samples of a
 * single-chunk decode equal to the whole-clip decode's.
 */
export function buildDecodeArgs(info: MediaInfo, options: DecodeOptions, start: DecodeStart): string[] {
  const { video, audio } = info;
  // Errors on stderr, tagged with their level. With video, `-debug_ts` adds per-packet and per-picture lines
  // at info level, which go to the report file only (`DecodeReport`, via FFREPORT): from them `DecodeLog`
  // tells which pictures the decoder reported bitstream errors in.
  const args = ['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'level+error', '-copyts'];
  if (video) args.push('-debug_ts');
  const input = `file:${info.path}`;
  // Two inputs of the same file when seeking with both streams: video starts at the chunk (trimmed by the
  // decoder, not ffmpeg), audio earlier and trimmed exactly by ffmpeg; each input is demuxed independently
  // inside the one process.
  const separateInputs =
    video !== undefined && audio !== undefined && (start.videoSec > 0 || start.audioSec > 0);
  const addInput = (seekSec: number, accurate: boolean): void => {
    // One decoder thread: H.264 frame threading conceals damaged macroblocks differently from run to run,
    // and damaged clips must decode the same everywhere. It costs little: the scale, audio and pipe work
    // already keep a second core busy.
    args.push('-threads', '1');
    // Temporal concealment with zero motion, from the reference picture of the same GOP: ffmpeg's default
    // (guess_mvs) predicts motion from buffers that intra macroblocks never write, whose stale content
    // depends on what was decoded before, so a damaged chunk would decode differently after a seek.
    args.push('-ec', 'favor_inter');
    if (seekSec > 0) {
      args.push('-ss', secondsArg(seekSec));
      // The decoder drops frames before the chunk itself; ffmpeg's own trim would round the cut point.
      if (!accurate) args.push('-noaccurate_seek');
    }
    args.push('-i', input);
  };
  const videoInput = 0;
  let audioInput = 0;
  if (separateInputs) {
    addInput(start.videoSec, false);
    addInput(start.audioSec, true);
    audioInput = 1;
  } else if (video) {
    addInput(start.videoSec, false);
  } else {
    addInput(start.audioSec, true);
  }

  const graph: string[] = [];
  if (video) {
    const size = videoAnalysisSize(video, options.analysisWidth);
    // in_range=out_range=pc: keep the decoded luma code values (no TV-to-PC range expansion).
    graph.push(
      `[${videoInput}:${video.index}]scale=${size.width}:${size.height}:flags=area:in_range=pc:out_range=pc,` +
        'format=gray,split=2[vraw][vpts]',
    );
  }
  if (audio) {
    const origin = (info.startTimeSec + start.audioSec).toFixed(6);
    // The last asetpts moves the PCM back onto the source timeline. Only ffmpeg's scheduling sees it (s16le
    // carries no timestamps), but it picks the output that is furthest behind: audio stamped from 0 next to
    // video stamped from the seek point would be decoded all the way up to the seek point first.
    graph.push(
      `[${audioInput}:${audio.index}]asetpts=floor(PTS-(${origin})/TB+0.5),` +
        `aresample=${options.sampleRate}:async=1:first_pts=0,aformat=sample_fmts=s16:channel_layouts=mono,` +
        `asetpts=PTS+(${origin})/TB[aout]`,
    );
  }
  args.push('-filter_complex', graph.join(';'), '-vsync', '0');
  if (video) {
    for (const [label, format, fd] of [
      ['vraw', 'rawvideo', pipeFd.video],
      ['vpts', 'framecrc', pipeFd.pts],
    ] as const) {
      args.push('-map', `[${label}]`, '-c:v', 'rawvideo', '-enc_time_base:v', video.timeBase);
      args.push(...queuedOutput(format, fd));
    }
  }
  if (audio) {
    args.push('-map', '[aout]', '-c:a', 'pcm_s16le', ...queuedOutput('s16le', pipeFd.audio));
  }
  return args;
}
