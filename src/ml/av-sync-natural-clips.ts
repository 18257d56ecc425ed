import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ffmpegPath } from '../media/ffmpeg-binaries.ts';
import { runChecked } from '../media/fixtures/tool-runner.ts';

/**
 * Trailer-like clips for `av-sync` on natural content: shots of real pictures (evaluation packages, see
 * `real-footage-sets.ts`) cut together, with real recorded sounds (sound-theme-freedesktop: spoken words,
 * a camera shutter, a bell...) starting at the cuts, as sound hits and dialogue do in film trailers, a few
 * more words inside shots (not at a cut), over a quiet pink-noise bed. The whole soundtrack is shifted by
 * `offsetMs` (positive: audio late).
 */

const BG = '/usr/share/backgrounds';
const SOUNDS = '/usr/share/sounds/freedesktop/stereo';

export const AV_PICTURE_PACKAGES = ['ukui-wallpapers', 'lomiri-wallpapers-20.04', 'sound-theme-freedesktop'];

const PICTURES = [
  'Kleiber_by_Lukas_Baubkus.jpg',
  'the-mouse.jpg',
  'city.png',
  'desert.png',
  'Fossa_by_Jasper_Roks.jpg',
  'rhythm.jpg',
  'string.jpg',
  'calla.png',
].map((name) => `${BG}/${name}`);

const VOICES = [
  'audio-channel-front-left',
  'camera-shutter',
  'audio-channel-rear-right',
  'bell',
  'audio-channel-side-left',
  'dialog-warning',
  'audio-channel-front-center',
  'message-new-instant',
].map((name) => `${SOUNDS}/${name}.oga`);

export interface AvNaturalClipSpec {
  readonly id: string;
  /** Shot lengths, seconds (a cut between each). */
  readonly shots: readonly number[];
  readonly offsetMs: number;
  /** Sounds placed at cuts (false: sounds at times unrelated to the cuts, a control). */
  readonly soundsAtCuts: boolean;
  readonly fps: number;
}

export const AV_NATURAL_CLIPS: readonly AvNaturalClipSpec[] = [
  {
    id: 'trailer-in-sync',
    shots: [1.6, 1.2, 2.0, 1.4, 1.8, 1.0, 2.2],
    offsetMs: 0,
    soundsAtCuts: true,
    fps: 25,
  },
  {
    id: 'trailer-audio-late-300',
    shots: [1.6, 1.2, 2.0, 1.4, 1.8, 1.0, 2.2],
    offsetMs: 300,
    soundsAtCuts: true,
    fps: 25,
  },
  {
    id: 'trailer-audio-early-200',
    shots: [1.4, 2.0, 1.2, 1.8, 1.6, 1.2, 1.8],
    offsetMs: -200,
    soundsAtCuts: true,
    fps: 24,
  },
  {
    id: 'trailer-audio-late-200-30fps',
    shots: [2.0, 1.5, 1.3, 2.1, 1.7, 1.4],
    offsetMs: 200,
    soundsAtCuts: true,
    fps: 30,
  },
  {
    id: 'trailer-audio-late-80',
    shots: [1.6, 1.2, 2.0, 1.4, 1.8, 1.0, 2.2],
    offsetMs: 80,
    soundsAtCuts: true,
    fps: 25,
  },
  {
    id: 'trailer-audio-early-30',
    shots: [1.4, 2.0, 1.2, 1.8, 1.6, 1.2, 1.8],
    offsetMs: -30,
    soundsAtCuts: true,
    fps: 25,
  },
  {
    id: 'unrelated-sounds',
    shots: [1.6, 1.2, 2.0, 1.4, 1.8, 1.0, 2.2],
    offsetMs: 0,
    soundsAtCuts: false,
    fps: 25,
  },
];

export async function missingAvSource(): Promise<string | undefined> {
  for (const file of [...PICTURES, ...VOICES]) {
    try {
      await access(file);
    } catch {
      return file;
    }
  }
  return undefined;
}

/** Builds the clip into `dir` (reused when present) and returns its path. */
export async function buildAvNaturalClip(spec: AvNaturalClipSpec, dir: string): Promise<string> {
  const file = path.join(dir, `${spec.id}.mp4`);
  try {
    await access(file);
    return file;
  } catch {
    // build it
  }
  await mkdir(dir, { recursive: true });
  const { fps } = spec;
  const total = spec.shots.reduce((s, v) => s + v, 0);
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'];
  spec.shots.forEach((seconds, i) => {
    args.push(
      '-loop',
      '1',
      '-framerate',
      String(fps),
      '-t',
      String(seconds),
      '-i',
      PICTURES[i % PICTURES.length]!,
    );
  });
  const cuts: number[] = [];
  let t = 0;
  for (const seconds of spec.shots.slice(0, -1)) {
    t += seconds;
    cuts.push(t);
  }
  // Sounds: one at each cut (or, for the control, half-way between cuts), and a word inside every other shot.
  const events: number[] = spec.soundsAtCuts ? [...cuts] : cuts.map((cut, i) => cut - spec.shots[i]! / 2);
  const extra: number[] = [];
  t = 0;
  spec.shots.forEach((seconds, i) => {
    if (i % 2 === 1) extra.push(t + seconds * 0.55);
    t += seconds;
  });
  const sounds = [...events, ...extra].map((time, i) => ({
    time: time + spec.offsetMs / 1000,
    file: VOICES[i % VOICES.length]!,
  }));
  const audioBase = spec.shots.length;
  for (const sound of sounds) args.push('-i', sound.file);
  const video = spec.shots
    .map(
      (seconds, i) =>
        `[${i}:v]scale=960:540:force_original_aspect_ratio=increase,crop=960:540,` +
        `crop=640:360:x='(iw-640)*t/${seconds}':y='(ih-360)/2',setsar=1,fps=${fps},format=yuv420p,` +
        `trim=duration=${seconds},setpts=PTS-STARTPTS[v${i}]`,
    )
    .join(';');
  const vconcat = `${spec.shots.map((_, i) => `[v${i}]`).join('')}concat=n=${spec.shots.length}:v=1:a=0,noise=alls=4:allf=t[vout]`;
  const audio = sounds
    .map((sound, k) => {
      const delayMs = Math.max(0, Math.round(sound.time * 1000));
      return `[${audioBase + k}:a]aformat=sample_rates=48000:channel_layouts=stereo,silenceremove=start_periods=1:start_threshold=-45dB,adelay=${delayMs}|${delayMs}[a${k}]`;
    })
    .join(';');
  const bed = `anoisesrc=color=pink:amplitude=0.004:seed=77:d=${total}:r=48000,aformat=channel_layouts=stereo[bed]`;
  const mix = `[bed]${sounds.map((_, k) => `[a${k}]`).join('')}amix=inputs=${sounds.length + 1}:duration=first:dropout_transition=0,volume=${sounds.length + 1}[aout]`;
  args.push(
    '-filter_complex',
    `${video};${vconcat};${bed};${audio};${mix}`,
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    '-t',
    String(total),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '23',
    '-g',
    String(fps),
    '-keyint_min',
    String(fps),
    '-sc_threshold',
    '0',
    '-bf',
    '0',
    '-threads',
    '2',
    '-c:a',
    'aac',
    '-b:a',
    '128k',
    file,
  );
  await runChecked(ffmpegPath(), args);
  return file;
}
