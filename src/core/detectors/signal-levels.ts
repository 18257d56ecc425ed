/**
 * Level conventions shared by the detectors, as ffmpeg defines them, so its filters stay usable as
 * reference oracles.
 */

/** Full scale of signed 16-bit PCM as ffmpeg scales amplitude thresholds (`INT16_MAX`). */
export const S16_FULL_SCALE = 32767;

/** Converts a level in dB to an amplitude ratio (`-60` dB -> `0.001`), as ffmpeg's `noise` options do. */
export function decibelsToRatio(levelDb: number): number {
  return 10 ** (levelDb / 20);
}

/** Message for a parameter that must be a finite number in `[min, max]`, or undefined when it is. */
export function checkRange(name: string, value: number, min: number, max: number): string | undefined {
  if (!Number.isFinite(value) || value < min || value > max) {
    return `${name} must be a number from ${min} to ${max}, got ${value}`;
  }
  return undefined;
}
