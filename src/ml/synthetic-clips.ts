import { mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GreyFrame } from '../core/media.ts';
import { type DecodeOptions, defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import { ffmpegPath } from '../media/ffmpeg-binaries.ts';
import { corruptH264Range } from '../media/fixtures/bitstream-noise.ts';
import { computeFramePsnr } from '../media/fixtures/psnr.ts';
import { runChecked } from '../media/fixtures/tool-runner.ts';
import { probeMedia } from '../media/probe.ts';

/**
 * Damaged clips made on the fly for the block-corruption model: an ffmpeg lavfi source encoded with
 * libx264, a copy with slice data damaged by `corruptH264Range` (the fixtures' own damage), the per-frame
 * luma PSNR of the copy against the undamaged encode (the fixtures' truth), and both decoded to grey
 * analysis frames by the runners' decoder. Used for training data and for the evaluation on content unlike
 * the training sources.
 */

/** One damaged range of a clip. */
export interface DamageSpec {
  readonly startSec: number;
  readonly endSec: number;
  readonly seed: number;
  /** Bytes overwritten per damaged frame. */
  readonly bytesPerFrame: number;
}

/** A synthetic clip: source, encoding and damage. Everything that decides its bytes is in here. */
export interface SyntheticClipSpec {
  readonly id: string;
  /** lavfi filter graph with one video output, already at `width x height`. */
  readonly source: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly durationSec: number;
  /** x264 constant quantizer. */
  readonly qp: number;
  readonly preset: 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | 'slow';
  /** H.264 profile: `baseline` codes with CAVLC, `main`/`high` with CABAC. */
  readonly profile: 'baseline' | 'main' | 'high';
  /** Consecutive B-frames (0 = none, as in the fixtures). */
  readonly bFrames: number;
  readonly damage: readonly DamageSpec[];
  /**
   * Another encoder instead of libx264 (clean clips only: the damage tool reads H.264), with its fixed
   * quantizer (`-q:v`; higher = coarser). Profile, preset, qp and B-frames then do not apply.
   */
  readonly otherEncoder?: { readonly codec: 'mpeg4' | 'mpeg2video' | 'mjpeg'; readonly quantizer: number };
}

/** A generated clip, decoded. `undamaged` is absent when the spec has no damage. */
export interface SyntheticClip {
  readonly spec: SyntheticClipSpec;
  /** Frames of the damaged encode (or the clean one without damage), display order. */
  readonly frames: readonly GreyFrame[];
  /** Frames of the undamaged encode, same order. */
  readonly undamaged: readonly GreyFrame[];
  /** Luma PSNR of each damaged frame against the undamaged one, dB (`Infinity` when identical). */
  readonly psnrDb: readonly number[];
}

/** PSNR below which a frame counts as corrupted: the fixtures' truth threshold. */
export const CORRUPTED_BELOW_PSNR_DB = 30;

/** ffmpeg arguments that encode `spec.source` into an MP4 at `output` (closed 1-second GOPs, bit-exact). */
export function syntheticEncodeArgs(spec: SyntheticClipSpec, output: string): string[] {
  const gop = String(spec.fps);
  if (spec.otherEncoder !== undefined) {
    if (spec.damage.length > 0) throw new Error(`${spec.id}: only H.264 clips can be damaged`);
    const { codec, quantizer } = spec.otherEncoder;
    return [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      `${spec.source},format=${codec === 'mjpeg' ? 'yuvj420p' : 'yuv420p'},fps=${spec.fps}`,
      '-t',
      String(spec.durationSec),
      '-c:v',
      codec,
      '-q:v',
      String(quantizer),
      ...(codec === 'mjpeg' ? [] : ['-g', gop]),
      '-flags:v',
      '+bitexact',
      '-fflags',
      '+bitexact',
      '-an',
      '-f',
      codec === 'mpeg2video' ? 'mpegts' : 'matroska',
      '-y',
      output,
    ];
  }
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `${spec.source},format=yuv420p,fps=${spec.fps}`,
    '-t',
    String(spec.durationSec),
    '-c:v',
    'libx264',
    '-preset',
    spec.preset,
    '-profile:v',
    spec.profile,
    '-qp',
    String(spec.qp),
    '-g',
    gop,
    '-keyint_min',
    gop,
    '-sc_threshold',
    '0',
    '-bf',
    String(spec.bFrames),
    '-x264-params',
    'open-gop=0',
    // x264 output depends on its thread count: fixed, like the fixtures.
    '-threads',
    '2',
    '-flags:v',
    '+cgop+bitexact',
    '-fflags',
    '+bitexact',
    '-map_metadata',
    '-1',
    '-an',
    '-f',
    'mp4',
    '-y',
    output,
  ];
}

/**
 * Encodes, damages, measures and decodes one clip in a temporary directory (removed afterwards). Frames
 * are decoded at `decode.analysisWidth`, exactly as the runners decode.
 */
export async function makeSyntheticClip(
  spec: SyntheticClipSpec,
  decode: DecodeOptions = defaultDecodeOptions,
): Promise<SyntheticClip> {
  const dir = await mkdtemp(path.join(tmpdir(), 'archbench-bc-'));
  try {
    const clean = path.join(
      dir,
      spec.otherEncoder?.codec === 'mpeg2video' ? 'clean.ts' : spec.otherEncoder ? 'clean.mkv' : 'clean.mp4',
    );
    await runChecked(ffmpegPath(), syntheticEncodeArgs(spec, clean));
    const undamaged = await decodeFrames(clean, decode);
    if (spec.damage.length === 0) {
      return { spec, frames: undamaged, undamaged, psnrDb: undamaged.map(() => Number.POSITIVE_INFINITY) };
    }
    let current = clean;
    for (const [index, damage] of spec.damage.entries()) {
      const next = path.join(dir, `damaged-${index}.mp4`);
      await corruptH264Range(current, next, damage);
      current = next;
    }
    const damaged = path.join(dir, 'damaged.mp4');
    await rename(current, damaged);
    const psnr = await computeFramePsnr(clean, damaged);
    const frames = await decodeFrames(damaged, decode);
    if (psnr.length !== frames.length || undamaged.length !== frames.length) {
      throw new Error(
        `${spec.id}: decoded ${frames.length} damaged and ${undamaged.length} clean frames, PSNR for ${psnr.length}`,
      );
    }
    return { spec, frames, undamaged, psnrDb: psnr.map((frame) => frame.psnrYDb) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function decodeFrames(file: string, decode: DecodeOptions): Promise<GreyFrame[]> {
  const info = await probeMedia(file);
  const frames: GreyFrame[] = [];
  await using decoder = openClipDecoder(info, decode);
  for await (const chunk of decoder.chunks()) frames.push(...(chunk.video?.frames ?? []));
  return frames;
}
