import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from './ffmpeg-binaries.ts';
import { runTool } from './tool-process.ts';

/**
 * Tiny clips for the media tests, synthesised with ffmpeg's lavfi sources into a temporary directory.
 * Test support only; production code never imports it.
 */

/**
 * Encoder settings under which a chunk decodes identically alone or within the clip: a closed 1-second GOP
 * at 25 fps, no B-frames, and AAC without perceptual noise substitution (PNS bands are filled from a
 * random generator whose state runs across the whole stream, so they differ after a seek).
 */
export const chunkableEncoding: readonly string[] = [
  '-c:v',
  'libx264',
  '-preset',
  'ultrafast',
  '-g',
  '25',
  '-keyint_min',
  '25',
  '-sc_threshold',
  '0',
  '-flags',
  '+cgop',
  '-bf',
  '0',
  '-pix_fmt',
  'yuv420p',
  '-c:a',
  'aac',
  '-aac_pns',
  '0',
  '-b:a',
  '96k',
];

/** A temporary directory for one test file's clips. */
export interface ClipDir {
  readonly dir: string;
  /** Runs `ffmpeg -y <args> <dir/name>` and returns the output path; throws with ffmpeg's message on failure. */
  make(name: string, args: readonly string[]): Promise<string>;
  remove(): Promise<void>;
}

export async function createClipDir(prefix: string): Promise<ClipDir> {
  const dir = await mkdtemp(join(tmpdir(), `archbench-${prefix}-`));
  return {
    dir,
    async make(name, args) {
      const output = join(dir, name);
      const result = await runTool(ffmpegPath(), [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-y',
        ...args,
        output,
      ]);
      if (result.code !== 0) throw new Error(`ffmpeg could not make ${name}: ${result.stderr.text()}`);
      return output;
    },
    async remove() {
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Mean of the bytes of `data` in the rectangle `[x0, x1) x [y0, y1)` of a `width`-wide grey frame. */
export function meanLuma(
  data: Uint8Array,
  width: number,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) sum += data[y * width + x] ?? 0;
  }
  return sum / ((x1 - x0) * (y1 - y0));
}

/** Root mean square of PCM samples (0 for none). */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / samples.length);
}

/** How a stand-in ffmpeg (`writeFfmpegWrapper`) treats each decode it is asked for. */
export interface FfmpegWrapperOptions {
  /** SIGKILL the decode this long after it starts, ms; absent: never. */
  readonly killAfterMs?: number;
  /** Kill only the first decode (any process started through the wrapper), so a retry succeeds. */
  readonly once?: boolean;
}

/**
 * Writes an executable stand-in for ffmpeg into `dir` (use it through FFMPEG_PATH) and returns its path. Every
 * decode (a run with a filter graph) reads its input in real time (`-re`), so it lasts at least as long as
 * the media it decodes, a second per chunk or more, however fast the machine; with `killAfterMs` the decode
 * is SIGKILLed part-way, as the kernel's OOM killer or an operator would. Other calls (probes, `-version`)
 * run the real ffmpeg unchanged. The decode is the wrapper's own process (`exec`), so ending it ends ffmpeg;
 * the watcher that kills it holds none of its pipes and is gone `killAfterMs` after it started.
 */
export async function writeFfmpegWrapper(
  dir: string,
  name: string,
  options: FfmpegWrapperOptions = {},
): Promise<string> {
  const quote = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;
  const real = quote(ffmpegPath());
  const path = join(dir, name);
  const marker = quote(join(dir, `${name}.killed-once`));
  const watcher = `{ sleep ${(options.killAfterMs ?? 0) / 1000}; kill -KILL $$; }`;
  const kill =
    options.killAfterMs === undefined
      ? ''
      : `{ ${options.once ? `mkdir ${marker} && ` : ''}${watcher}; } </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- &\n`;
  await writeFile(
    path,
    `#!/bin/sh
case "$*" in *-filter_complex*) ;; *) exec ${real} "$@" ;; esac
${kill}exec ${real} -re "$@"
`,
  );
  await chmod(path, 0o755);
  return path;
}

/** Runs `action` with FFMPEG_PATH set to `ffmpeg` (children started meanwhile inherit it), then restores it. */
export async function withFfmpegPath<T>(ffmpeg: string, action: () => Promise<T>): Promise<T> {
  const saved = process.env.FFMPEG_PATH;
  process.env.FFMPEG_PATH = ffmpeg;
  try {
    return await action();
  } finally {
    if (saved === undefined) delete process.env.FFMPEG_PATH;
    else process.env.FFMPEG_PATH = saved;
  }
}
