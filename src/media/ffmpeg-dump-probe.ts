/**
 * Fallback probe for when ffprobe itself crashes: the ffprobe shipped by `@ffprobe-installer/ffprobe`
 * (a 2023 static build) dies with SIGSEGV on every MPEG-TS file on these machines, while the ffmpeg binary
 * reads them fine. This parses the stream description ffmpeg prints for `-i` into the same shape as
 * ffprobe's JSON (`format` and `streams`), so one interpreter handles both. It is less exact than ffprobe:
 * the duration has centisecond precision and non-integer time bases are not recoverable (a microsecond
 * time base is used instead, which keeps timestamps to the microsecond).
 */

type Json = Record<string, unknown>;

/** Channel count from ffmpeg's layout name (`mono`, `stereo`, `5.1(side)`, `6 channels`, ...). */
function channelsOf(layout: string): number {
  const named: Record<string, number> = {
    mono: 1,
    stereo: 2,
    quad: 4,
    hexagonal: 6,
    octagonal: 8,
    downmix: 2,
  };
  const base = layout.replace(/\(.*\)$/, '').trim();
  const known = named[base];
  if (known !== undefined) return known;
  const count = /^(\d+) channels?$/.exec(base);
  if (count) return Number(count[1]);
  const dotted = /^(\d+)\.(\d+)$/.exec(base);
  if (dotted) return Number(dotted[1]) + Number(dotted[2]);
  return 0;
}

/** `90k` -> 90000, `12800` -> 12800, `29.97` -> 29.97. */
function rateValue(text: string): number {
  return text.endsWith('k') ? Number(text.slice(0, -1)) * 1000 : Number(text);
}

function parseClock(text: string): number | undefined {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3]);
}

function parseStreamLine(line: string, index: number, followingLines: readonly string[]): Json | undefined {
  const head = /Stream #\d+:\d+[^:]*: (Video|Audio|Subtitle|Data|Attachment): ([\w-]+)/.exec(line);
  if (!head) return undefined;
  const codecType = (head[1] ?? '').toLowerCase();
  const stream: Json = {
    index,
    codec_type: codecType,
    codec_name: head[2],
    disposition: { attached_pic: line.includes('(attached pic)') ? 1 : 0 },
  };
  if (codecType === 'video') {
    const size = /, (\d{1,5})x(\d{1,5})[ ,]/.exec(`${line} `);
    if (size) {
      stream.width = Number(size[1]);
      stream.height = Number(size[2]);
    }
    const sar = /\[SAR (\d+):(\d+) DAR/.exec(line);
    if (sar) stream.sample_aspect_ratio = `${sar[1]}:${sar[2]}`;
    const fps = /, ([\d.]+k?) fps/.exec(line);
    if (fps?.[1]) stream.avg_frame_rate = String(rateValue(fps[1]));
    const tbr = /, ([\d.]+k?) tbr/.exec(line);
    if (tbr?.[1]) stream.r_frame_rate = String(rateValue(tbr[1]));
    const tbn = /, ([\d.]+k?) tbn/.exec(line);
    const tbnValue = tbn?.[1] ? rateValue(tbn[1]) : 0;
    stream.time_base = Number.isInteger(tbnValue) && tbnValue > 0 ? `1/${tbnValue}` : '1/1000000';
    for (const following of followingLines) {
      if (/Stream #/.test(following)) break;
      const rotate = /^\s*rotate\s*:\s*(-?\d+)/.exec(following);
      if (rotate) stream.tags = { rotate: rotate[1] };
    }
  } else if (codecType === 'audio') {
    const audio = /, (\d+) Hz, ([^,]+),/.exec(line);
    if (audio) {
      stream.sample_rate = audio[1];
      stream.channels = channelsOf(audio[2] ?? '');
    }
  }
  return stream;
}

/**
 * Turns ffmpeg's `-i` description into `{ format, streams }` like ffprobe's JSON, or returns undefined when
 * ffmpeg did not recognise the input (then its last stderr line says why).
 */
export function parseFfmpegInputDump(dump: string): { format: Json; streams: Json[] } | undefined {
  const lines = dump.split(/\r?\n/);
  const inputLine = lines.findIndex((line) => /^Input #0, /.test(line));
  if (inputLine < 0) return undefined;
  const formatName = /^Input #0, (.+), from '/.exec(lines[inputLine] ?? '')?.[1] ?? 'unknown';
  const format: Json = { format_name: formatName };
  const streams: Json[] = [];
  for (let i = inputLine + 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^(Input|Output) #/.test(line)) break;
    const duration = /^\s+Duration: ([^,]+)(?:, start: (-?[\d.]+))?/.exec(line);
    if (duration) {
      const seconds = parseClock(duration[1] ?? '');
      if (seconds !== undefined) format.duration = String(seconds);
      if (duration[2] !== undefined) format.start_time = duration[2];
      continue;
    }
    const indexMatch = /Stream #0:(\d+)/.exec(line);
    if (!indexMatch) continue;
    const stream = parseStreamLine(line, Number(indexMatch[1]), lines.slice(i + 1));
    if (stream) streams.push(stream);
  }
  return { format, streams };
}
