import { createRequire } from 'node:module';

/**
 * Where the ffmpeg and ffprobe executables are. The installer packages are loaded lazily through
 * `require` because they throw at load time on platforms they do not ship a binary for, and an explicit
 * `FFMPEG_PATH` / `FFPROBE_PATH` must work there too.
 */
const require = createRequire(import.meta.url);

interface InstallerModule {
  readonly path: string;
}

function fromEnvOrInstaller(envName: string, packageName: string): string {
  const fromEnv = process.env[envName];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  try {
    return (require(packageName) as InstallerModule).path;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`No ${packageName} binary for this platform (${reason}); set ${envName}`);
  }
}

/** Path of the ffmpeg executable: `FFMPEG_PATH` if set, else the binary of `@ffmpeg-installer/ffmpeg`. */
export function ffmpegPath(): string {
  return fromEnvOrInstaller('FFMPEG_PATH', '@ffmpeg-installer/ffmpeg');
}

/** Path of the ffprobe executable: `FFPROBE_PATH` if set, else the binary of `@ffprobe-installer/ffprobe`. */
export function ffprobePath(): string {
  return fromEnvOrInstaller('FFPROBE_PATH', '@ffprobe-installer/ffprobe');
}
