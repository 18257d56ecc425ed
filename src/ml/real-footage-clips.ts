import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ffmpegPath } from '../media/ffmpeg-binaries.ts';
import { damagePackets } from '../media/fixtures/packet-damage.ts';
import { computeFramePsnr } from '../media/fixtures/psnr.ts';
import { runChecked } from '../media/fixtures/tool-runner.ts';

/**
 * Clips made from real pictures that Debian packages ship (photographs and wallpapers, documentation
 * screenshots), moved like a camera (pans, zooms, hand-held shake), with film grain, cuts and fades, and
 * encoded by real encoders (libx264, MPEG-2, MPEG-4 Part 2). Damaged copies get transmission-like damage:
 * random bytes in the non-key packets of a time range ({@link damagePackets}); truth = frames whose luma
 * PSNR against the undamaged encode is below 30 dB.
 *
 * The pictures come from installed packages (see {@link PICTURE_PACKAGES}); a missing package means the
 * clip cannot be built and callers skip it with the reason.
 */

/** Debian packages whose pictures are used, and what for. */
export const PICTURE_PACKAGES = {
  /**
   * Calibration (training) only: photographs of mate-backgrounds' `nature` folder; documentation
   * screenshots of valgrind and nodejs (screen content).
   */
  calibration: ['mate-backgrounds', 'valgrind', 'nodejs'],
  /** Evaluation only: wallpapers of ukui-wallpapers and lomiri-wallpapers-20.04, screenshots of gnome-user-docs. */
  evaluation: ['ukui-wallpapers', 'lomiri-wallpapers-20.04', 'gnome-user-docs'],
} as const;

export type CameraMotion = 'pan' | 'zoom' | 'shake' | 'still' | 'scroll';

/** One shot: a picture and how the camera moves over it. */
export interface Shot {
  readonly picture: string;
  readonly seconds: number;
  readonly motion: CameraMotion;
  /** Pixel art: the picture reduced to blocks of this many pixels (nearest neighbour), aligned at 0. */
  readonly pixelBlock?: number;
}

export type ClipCodec =
  | {
      readonly name: 'h264';
      readonly preset: string;
      readonly profile: 'baseline' | 'main' | 'high';
      readonly crf: number;
      readonly bFrames: number;
    }
  | { readonly name: 'mpeg2video' | 'mpeg4'; readonly quantizer: number; readonly bFrames: number };

export interface RealClipSpec {
  readonly id: string;
  readonly shots: readonly Shot[];
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly codec: ClipCodec;
  /** Pixel format (default yuv420p; yuv444p allows odd sizes such as 17x9). */
  readonly pixelFormat?: 'yuv420p' | 'yuv444p';
  /** Temporal film grain strength (ffmpeg `noise` alls), 0 = none. */
  readonly grain: number;
  /** Fade in from black over the first second and out over the last. */
  readonly fades?: boolean;
  /** Damaged ranges (empty: a clean clip). */
  readonly damage: readonly {
    readonly startSec: number;
    readonly endSec: number;
    readonly seed: number;
    readonly bytesPerPacket: number;
  }[];
  /** The damaged decode re-encoded cleanly (H.264 crf 18): damage baked into a clean bitstream. */
  readonly transcodeAfterDamage?: boolean;
}

/** A built clip on disk with its truth. */
export interface RealClip {
  readonly spec: RealClipSpec;
  /** The file the detector analyses (damaged, or clean for clean clips). */
  readonly file: string;
  /** Luma PSNR of each frame against the undamaged encode, dB (Infinity when identical or clean). */
  readonly psnrDb: readonly number[];
}

export function durationOf(spec: RealClipSpec): number {
  return spec.shots.reduce((sum, shot) => sum + shot.seconds, 0);
}

/** The filter chain of one shot, from a looped still picture to `width x height` frames. */
function shotFilter(spec: RealClipSpec, shot: Shot, input: number): string {
  const { width: w, height: h, fps } = spec;
  const margin = shot.motion === 'still' ? 1 : shot.motion === 'scroll' ? 1 : 1.3;
  const cw = Math.ceil(w * margin);
  const ch = Math.ceil((shot.motion === 'scroll' ? 2.5 : margin) * h);
  const d = shot.seconds;
  const parts = [`[${input}:v]scale=${cw}:${ch}:force_original_aspect_ratio=increase,crop=${cw}:${ch}`];
  if (shot.pixelBlock !== undefined) {
    const b = shot.pixelBlock;
    parts.push(
      `scale=${Math.ceil(cw / b)}:${Math.ceil(ch / b)}:flags=area`,
      `scale=iw*${b}:ih*${b}:flags=neighbor`,
    );
  }
  switch (shot.motion) {
    case 'pan':
      parts.push(`crop=${w}:${h}:x='(iw-${w})*t/${d}':y='(ih-${h})*(0.2+0.5*t/${d})'`);
      break;
    case 'scroll':
      parts.push(`crop=${w}:${h}:x=0:y='(ih-${h})*t/${d}'`);
      break;
    case 'shake':
      parts.push(
        `crop=${w}:${h}:x='(iw-${w})/2+9*sin(2*PI*t*1.3)+4*sin(2*PI*t*3.7)':y='(ih-${h})/2+6*sin(2*PI*t*0.9)+3*sin(2*PI*t*4.3)'`,
      );
      break;
    case 'zoom':
      parts.push(
        `zoompan=z='1+0.6*on/${Math.round(d * fps)}':x='iw/2-iw/zoom/2':y='ih/2-ih/zoom/2':d=${Math.round(d * fps)}:s=${w}x${h}:fps=${fps}`,
      );
      break;
    case 'still':
      parts.push(`crop=${w}:${h}`);
      break;
  }
  parts.push(
    `setsar=1,fps=${fps},format=${spec.pixelFormat ?? 'yuv420p'},trim=duration=${d},setpts=PTS-STARTPTS[s${input}]`,
  );
  return parts.join(',');
}

function encodeArgs(spec: RealClipSpec): string[] {
  const gop = String(spec.fps);
  const c = spec.codec;
  if (c.name === 'h264') {
    return [
      '-c:v',
      'libx264',
      '-preset',
      c.preset,
      ...(spec.pixelFormat === 'yuv444p' ? [] : ['-profile:v', c.profile]),
      '-crf',
      String(c.crf),
      '-bf',
      String(c.bFrames),
      '-g',
      gop,
      '-keyint_min',
      gop,
      '-sc_threshold',
      '0',
      '-x264-params',
      'open-gop=0',
      '-threads',
      '2',
      '-flags:v',
      '+cgop+bitexact',
    ];
  }
  return [
    '-c:v',
    c.name,
    '-q:v',
    String(c.quantizer),
    '-bf',
    String(c.bFrames),
    '-g',
    gop,
    '-sc_threshold',
    '1000000000',
    '-flags:v',
    '+cgop+bitexact',
  ];
}

function sourceArgs(spec: RealClipSpec): string[] {
  const args: string[] = [];
  spec.shots.forEach((shot) => {
    // zoompan restarts on every input frame: a zoom reads the picture once and makes all its frames.
    if (shot.motion === 'zoom') args.push('-i', shot.picture);
    else
      args.push('-loop', '1', '-framerate', String(spec.fps), '-t', String(shot.seconds), '-i', shot.picture);
  });
  const chains = spec.shots.map((shot, i) => shotFilter(spec, shot, i));
  const labels = spec.shots.map((_, i) => `[s${i}]`).join('');
  let tail = `${labels}concat=n=${spec.shots.length}:v=1:a=0`;
  if (spec.grain > 0) tail += `,noise=alls=${spec.grain}:allf=t`;
  if (spec.fades) {
    const total = durationOf(spec);
    tail += `,fade=t=in:st=0:d=1,fade=t=out:st=${total - 1}:d=1`;
  }
  args.push('-filter_complex', `${chains.join(';')};${tail}[out]`, '-map', '[out]');
  return args;
}

/** Every input picture exists (the packages are installed); otherwise the first missing one. */
export async function missingPicture(spec: RealClipSpec): Promise<string | undefined> {
  for (const shot of spec.shots) {
    try {
      await access(shot.picture);
    } catch {
      return shot.picture;
    }
  }
  return undefined;
}

/** Bumped whenever the way clips are made changes (the cache key covers it and the spec). */
const BUILDER_VERSION = 2;

function specHash(spec: RealClipSpec): string {
  return createHash('sha256')
    .update(JSON.stringify([BUILDER_VERSION, spec]))
    .digest('hex')
    .slice(0, 16);
}

/**
 * Builds (or reuses from `cacheDir`) the clip's files and truth. Deterministic: fixed encoder settings,
 * one x264 thread count, bit-exact flags, seeded damage.
 */
export async function buildRealClip(spec: RealClipSpec, cacheDir: string): Promise<RealClip> {
  const dir = path.join(cacheDir, `${spec.id}-${specHash(spec)}`);
  const truthFile = path.join(dir, 'truth.json');
  const ext = spec.codec.name === 'h264' ? 'mp4' : 'mkv';
  const finalFile = path.join(dir, `clip.${spec.transcodeAfterDamage ? 'mp4' : ext}`);
  try {
    const psnrDb = JSON.parse(await readFile(truthFile, 'utf8')) as (number | null)[];
    return { spec, file: finalFile, psnrDb: psnrDb.map((v) => v ?? Number.POSITIVE_INFINITY) };
  } catch {
    // not built yet
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const common = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  const clean = path.join(dir, `clean.${ext}`);
  await runChecked(ffmpegPath(), [
    ...common,
    ...sourceArgs(spec),
    '-t',
    String(durationOf(spec)),
    ...encodeArgs(spec),
    '-fflags',
    '+bitexact',
    '-map_metadata',
    '-1',
    '-an',
    clean,
  ]);
  let psnrDb: number[];
  if (spec.damage.length === 0) {
    await rename(clean, finalFile);
    psnrDb = [];
  } else {
    let current = clean;
    for (const [i, damage] of spec.damage.entries()) {
      const next = path.join(dir, `damaged-${i}.${ext}`);
      await damagePackets(current, next, damage);
      current = next;
    }
    if (spec.transcodeAfterDamage) {
      await runChecked(ffmpegPath(), [
        ...common,
        '-threads',
        '1',
        '-ec',
        'favor_inter',
        '-i',
        current,
        ...encodeArgs({
          ...spec,
          codec: { name: 'h264', preset: 'veryfast', profile: 'high', crf: 18, bFrames: 0 },
        }),
        '-fflags',
        '+bitexact',
        '-map_metadata',
        '-1',
        '-an',
        finalFile,
      ]);
    } else {
      await rename(current, finalFile);
    }
    psnrDb = (await computeFramePsnr(clean, finalFile)).map((frame) => frame.psnrYDb);
  }
  await writeFile(truthFile, JSON.stringify(psnrDb.map((v) => (Number.isFinite(v) ? v : null))));
  return { spec, file: finalFile, psnrDb };
}
