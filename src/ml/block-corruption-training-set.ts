import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  BLOCK_FEATURE_CHANNELS,
  cellGrid,
  computeBlockFeatures,
  featureLength,
} from '../core/detectors/block-features.ts';
import type { GreyFrame } from '../core/media.ts';
import { ffmpegPath } from '../media/ffmpeg-binaries.ts';
import { runChecked } from '../media/fixtures/tool-runner.ts';
import { CORRUPTED_BELOW_PSNR_DB, makeSyntheticClip, type SyntheticClipSpec } from './synthetic-clips.ts';

/**
 * The training data of the block-corruption model: synthetic clips that are not the evaluation fixtures
 * (other lavfi sources, other sizes and frame rates, other damage seeds and amounts; the fixtures are
 * testsrc2 at 640x360, 25 fps, seed 20240601, 4 bytes per frame), reduced to the model's input features
 * and a label per frame, and cached on disk because generating them takes about a minute.
 */

/** Bumped when the features or the way frames are picked change: the cache key includes it. */
export const TRAINING_SET_VERSION = 5;

const SHORT = { preset: 'veryfast', profile: 'high', bFrames: 0 } as const;

/**
 * The training clips. Sources cover smooth gradients (mandelbrot, plasma), pixel art and dense binary
 * texture (life, cellauto), sharp synthetic edges (bars, test patterns, rotated patterns), noise-filled
 * patches moving over flat areas, dark pictures and heavy legitimate compression (qp 40+), so that the model
 * sees both the damage and the clean look-alikes of damage.
 */
export const TRAINING_CLIPS: readonly SyntheticClipSpec[] = [
  {
    id: 'mandelbrot-zoom',
    source: 'mandelbrot=size=480x270:rate=25',
    width: 480,
    height: 270,
    fps: 25,
    durationSec: 6,
    qp: 24,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1101, bytesPerFrame: 2 },
      { startSec: 4, endSec: 5, seed: 1102, bytesPerFrame: 8 },
    ],
  },
  {
    id: 'mandelbrot-deep',
    source: 'mandelbrot=size=960x540:rate=30:start_scale=2:end_scale=0.05:inner=period',
    width: 960,
    height: 540,
    fps: 30,
    durationSec: 5,
    qp: 30,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1103, bytesPerFrame: 3 },
      { startSec: 3, endSec: 4, seed: 1104, bytesPerFrame: 10 },
    ],
  },
  {
    id: 'mandelbrot-spiral',
    source:
      'mandelbrot=size=320x240:rate=25:start_x=-0.743643887:start_y=0.131825904:start_scale=0.01:end_scale=0.0001',
    width: 320,
    height: 240,
    fps: 25,
    durationSec: 5,
    qp: 20,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1105, bytesPerFrame: 6 },
      { startSec: 3, endSec: 4, seed: 1106, bytesPerFrame: 2 },
    ],
  },
  {
    id: 'life-mold',
    source:
      'life=size=320x240:rate=25:seed=501:mold=10:ratio=0.2:death_color=#202020:life_color=#e0e0e0,scale=640:480:flags=neighbor',
    width: 640,
    height: 480,
    fps: 25,
    durationSec: 5,
    qp: 22,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1107, bytesPerFrame: 4 }],
  },
  {
    id: 'life-soft',
    source: 'life=size=240x135:rate=25:seed=502:mold=25:ratio=0.15,scale=960:540:flags=bicubic',
    width: 960,
    height: 540,
    fps: 25,
    durationSec: 5,
    qp: 27,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1108, bytesPerFrame: 8 },
      { startSec: 3, endSec: 4, seed: 1109, bytesPerFrame: 3 },
    ],
  },
  {
    id: 'life-coarse',
    source: 'life=size=160x90:rate=25:seed=503:mold=5:ratio=0.3,scale=320:180:flags=neighbor',
    width: 320,
    height: 180,
    fps: 25,
    durationSec: 6,
    qp: 26,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1110, bytesPerFrame: 1 },
      { startSec: 3, endSec: 4, seed: 1111, bytesPerFrame: 4 },
    ],
  },
  {
    id: 'life-colour',
    source:
      'life=size=213x120:rate=25:seed=504:mold=40:ratio=0.1:life_color=#ffcc00:death_color=#004060:mold_color=#a02020,scale=1280:720:flags=neighbor',
    width: 1280,
    height: 720,
    fps: 25,
    durationSec: 4,
    qp: 30,
    ...SHORT,
    damage: [{ startSec: 1, endSec: 2, seed: 1112, bytesPerFrame: 5 }],
  },
  {
    id: 'cellauto-110',
    source: 'cellauto=size=320x240:rate=25:seed=505:rule=110:scroll=1,scale=640:480:flags=neighbor',
    width: 640,
    height: 480,
    fps: 25,
    durationSec: 5,
    qp: 26,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1113, bytesPerFrame: 2 },
      { startSec: 3, endSec: 4, seed: 1114, bytesPerFrame: 6 },
    ],
  },
  {
    id: 'cellauto-30',
    source: 'cellauto=size=400x224:rate=25:seed=506:rule=30:scroll=1,scale=800:448:flags=neighbor',
    width: 800,
    height: 448,
    fps: 25,
    durationSec: 4,
    qp: 32,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1115, bytesPerFrame: 5 }],
  },
  {
    id: 'hdbars-grain',
    source: 'smptehdbars=size=854x480:rate=30,noise=all_seed=901:alls=12:allf=t',
    width: 854,
    height: 480,
    fps: 30,
    durationSec: 4,
    qp: 28,
    ...SHORT,
    damage: [{ startSec: 1, endSec: 2, seed: 1116, bytesPerFrame: 4 }],
  },
  {
    id: 'bars-noise-box',
    source:
      'smptebars=size=720x404:rate=25[b];color=c=gray:size=96x96:rate=25,noise=all_seed=902:alls=60:allf=t+u[n];[b][n]overlay=x=40+200*t:y=100+40*sin(2*t)',
    width: 720,
    height: 404,
    fps: 25,
    durationSec: 5,
    qp: 24,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1117, bytesPerFrame: 4 },
      { startSec: 3, endSec: 4, seed: 1118, bytesPerFrame: 2 },
    ],
  },
  {
    id: 'dark-bars-noise',
    source:
      'smptehdbars=size=854x480:rate=25,lutyuv=y=16+(val-16)*0.35[b];color=c=gray:size=64x64:rate=25,noise=all_seed=903:alls=40:allf=t[n];[b][n]overlay=x=600-90*t:y=300',
    width: 854,
    height: 480,
    fps: 25,
    durationSec: 5,
    qp: 20,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1119, bytesPerFrame: 4 },
      { startSec: 3, endSec: 4, seed: 1120, bytesPerFrame: 2 },
    ],
  },
  {
    id: 'pal-cells',
    source:
      'pal75bars=size=640x480:rate=25[b];cellauto=size=160x120:rate=25:seed=507:rule=90:scroll=1,scale=320:240:flags=neighbor[c];[b][c]overlay=x=100+30*t:y=120',
    width: 640,
    height: 480,
    fps: 25,
    durationSec: 4,
    qp: 18,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1121, bytesPerFrame: 2 }],
  },
  {
    id: 'rgb-rotate-grain',
    source: 'rgbtestsrc=size=480x360:rate=30,rotate=a=0.2*t:c=gray,noise=all_seed=904:alls=6:allf=t',
    width: 480,
    height: 360,
    fps: 30,
    durationSec: 4,
    qp: 22,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1122, bytesPerFrame: 3 }],
  },
  {
    id: 'rgb-cell-patch',
    source:
      'rgbtestsrc=size=768x432:rate=25[b];cellauto=size=64x48:rate=25:seed=508:rule=150:scroll=1,scale=128:96:flags=neighbor[c];[b][c]overlay=x=50+60*t:y=200-20*t',
    width: 768,
    height: 432,
    fps: 25,
    durationSec: 4,
    qp: 22,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1123, bytesPerFrame: 3 }],
  },
  {
    id: 'yuv-zoom',
    source: 'yuvtestsrc=size=512x288:rate=25,zoompan=z=1+0.002*on:d=1:s=512x288',
    width: 512,
    height: 288,
    fps: 25,
    durationSec: 5,
    qp: 30,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1124, bytesPerFrame: 1 },
      { startSec: 3, endSec: 4, seed: 1125, bytesPerFrame: 12 },
    ],
  },
  {
    id: 'plasma',
    source:
      'nullsrc=size=352x288:rate=25,geq=lum=128+60*sin(X/23+T*2)*cos(Y/17-T):cb=128+40*sin(X/31-T):cr=128+40*cos(Y/29+T)',
    width: 352,
    height: 288,
    fps: 25,
    durationSec: 4,
    qp: 20,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1126, bytesPerFrame: 4 }],
  },
  {
    id: 'testsrc-counter',
    source: 'testsrc=size=800x450:rate=25:decimals=2',
    width: 800,
    height: 450,
    fps: 25,
    durationSec: 5,
    qp: 22,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1127, bytesPerFrame: 3 },
      { startSec: 3, endSec: 4, seed: 1128, bytesPerFrame: 6 },
    ],
  },
  {
    id: 'bars-aliased-rotation',
    source: 'smptebars=size=720x480:rate=25,rotate=a=0.25*sin(0.7*t):bilinear=0:c=0x404040',
    width: 720,
    height: 480,
    fps: 25,
    durationSec: 5,
    qp: 22,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1130, bytesPerFrame: 2 },
      { startSec: 3, endSec: 4, seed: 1131, bytesPerFrame: 5 },
    ],
  },
  {
    id: 'noise-checker',
    source:
      'smptehdbars=size=768x432:rate=25[b];color=c=gray:size=768x432:rate=25,noise=all_seed=905:alls=50:allf=t[n];' +
      "nullsrc=size=768x432:rate=25,geq=lum='255*mod(floor((X+30*T)/16)+floor(Y/16),2)*lt(Y,200)'[m];" +
      '[b][n][m]maskedmerge',
    width: 768,
    height: 432,
    fps: 25,
    durationSec: 4,
    qp: 24,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1132, bytesPerFrame: 3 }],
  },
  {
    id: 'boxes-over-bars',
    source:
      'rgbtestsrc=size=704x396:rate=25[b];color=c=white:size=20x20:rate=25[w];color=c=0x303030:size=36x12:rate=25[d];' +
      'color=c=0x808080:size=8x8:rate=25[s];[b][w]overlay=x=40+80*t:y=60+30*t[b1];[b1][d]overlay=x=600-70*t:y=250[b2];' +
      '[b2][s]overlay=x=300+50*sin(3*t):y=150+50*cos(3*t)',
    width: 704,
    height: 396,
    fps: 25,
    durationSec: 4,
    qp: 20,
    ...SHORT,
    damage: [{ startSec: 1, endSec: 2, seed: 1133, bytesPerFrame: 4 }],
  },
  {
    id: 'noise-squares-wide',
    source:
      'pal100bars=size=960x540:rate=25[b];color=c=0x707070:size=960x540:rate=25,noise=all_seed=906:alls=70:allf=t[n];' +
      "nullsrc=size=960x540:rate=25,geq=lum='255*mod(floor(X/24)+floor((Y+20*T)/24),2)*between(X,480,720)*between(Y,240,420)'[m];" +
      '[b][n][m]maskedmerge',
    width: 960,
    height: 540,
    fps: 25,
    durationSec: 4,
    qp: 26,
    ...SHORT,
    damage: [{ startSec: 1, endSec: 2, seed: 1137, bytesPerFrame: 3 }],
  },
  {
    id: 'noise-squares-small',
    source:
      'smptebars=size=480x270:rate=25[b];color=c=0x909090:size=480x270:rate=25,noise=all_seed=907:alls=50:allf=t[n];' +
      "nullsrc=size=480x270:rate=25,geq=lum='255*mod(floor((X+8*T)/12)+floor(Y/12),2)*between(X,60,200)*between(Y,130,230)'[m];" +
      '[b][n][m]maskedmerge',
    width: 480,
    height: 270,
    fps: 25,
    durationSec: 5,
    qp: 22,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1138, bytesPerFrame: 5 },
      { startSec: 3, endSec: 4, seed: 1139, bytesPerFrame: 2 },
    ],
  },
  {
    id: 'aliased-band',
    source:
      "smptehdbars=size=800x450:rate=25,geq=lum='if(lt(abs((X-400)*sin(0.4*T+0.3)-(Y-225)*cos(0.4*T+0.3)),14),40+180*X/W,p(X,Y))'," +
      "geq=lum='if(lt(abs((X-200)*sin(2.1-0.3*T)-(Y-100)*cos(2.1-0.3*T)),6),230,p(X,Y))'",
    width: 800,
    height: 450,
    fps: 25,
    durationSec: 5,
    qp: 20,
    ...SHORT,
    damage: [
      { startSec: 1, endSec: 2, seed: 1140, bytesPerFrame: 4 },
      { startSec: 3, endSec: 4, seed: 1141, bytesPerFrame: 2 },
    ],
  },
  {
    id: 'small-squares-orbit',
    source:
      'smptebars=size=512x384:rate=25[b];color=c=0xc0c0c0:size=8x8:rate=25[s1];color=c=0x404040:size=8x8:rate=25[s2];' +
      'color=c=white:size=12x12:rate=25[s3];[b][s1]overlay=x=256+120*cos(2*t):y=192+90*sin(2*t)[b1];' +
      '[b1][s2]overlay=x=256+120*cos(2*t+0.4):y=192+90*sin(2*t+0.4)[b2];[b2][s3]overlay=x=100+40*t:y=300-30*t',
    width: 512,
    height: 384,
    fps: 25,
    durationSec: 4,
    qp: 22,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1142, bytesPerFrame: 3 }],
  },
  {
    id: 'hard-cuts',
    source:
      'mandelbrot=size=640x352:rate=25,trim=duration=1.32,setpts=PTS-STARTPTS[a];' +
      'cellauto=size=320x176:rate=25:seed=509:rule=60:scroll=1,scale=640:352:flags=neighbor,trim=duration=1.48,setpts=PTS-STARTPTS[b];' +
      'smptehdbars=size=640x352:rate=25,trim=duration=1.2,setpts=PTS-STARTPTS[c];' +
      'life=size=640x352:rate=25:seed=510:mold=8,trim=duration=2,setpts=PTS-STARTPTS[d];[a][b][c][d]concat=n=4',
    width: 640,
    height: 352,
    fps: 25,
    durationSec: 6,
    qp: 24,
    ...SHORT,
    damage: [
      { startSec: 2, endSec: 3, seed: 1134, bytesPerFrame: 3 },
      { startSec: 4, endSec: 5, seed: 1135, bytesPerFrame: 6 },
    ],
  },
  {
    id: 'flashes-and-blacks',
    source:
      "rgbtestsrc=size=576x324:rate=30,rotate=a=0.1*t:c=0x202020,drawbox=color=white:t=fill:enable='between(n,20,21)+between(n,100,101)'," +
      "drawbox=color=black:t=fill:enable='between(n,45,52)+between(n,118,119)'",
    width: 576,
    height: 324,
    fps: 30,
    durationSec: 5,
    qp: 24,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1136, bytesPerFrame: 4 }],
  },
  {
    id: 'mandelbrot-heavy-qp',
    source: 'mandelbrot=size=640x480:rate=25:start_scale=1:end_scale=0.2,noise=all_seed=908:alls=10:allf=t',
    width: 640,
    height: 480,
    fps: 25,
    durationSec: 4,
    qp: 42,
    ...SHORT,
    damage: [{ startSec: 2, endSec: 3, seed: 1129, bytesPerFrame: 4 }],
  },
];

/** One training frame: its features (raw cell sums) and what the truth says about it. */
export interface TrainingFrame {
  /** Index into {@link TRAINING_CLIPS}. */
  readonly clip: number;
  /** Display index of the frame in its clip. */
  readonly index: number;
  /** True for a frame of the undamaged encode (a negative paired with a damaged frame). */
  readonly undamaged: boolean;
  /** Luma PSNR against the undamaged encode, dB (`Infinity` for undamaged frames). */
  readonly psnrDb: number;
  readonly rows: number;
  readonly cols: number;
  /** `channels x rows x cols` raw sums (integers up to 4080, stored exactly). */
  readonly features: Uint16Array;
}

/** The whole training set. */
export interface TrainingSet {
  /** Content hash of everything that decides the data (specs, feature version, ffmpeg build). */
  readonly key: string;
  readonly frames: readonly TrainingFrame[];
  /** Wall time it took to generate the data, seconds (0 when it was read from the cache). */
  readonly generationSec: number;
}

/** True when the frame is a positive example: damaged enough to fall below the truth's PSNR threshold. */
export function isCorrupted(frame: TrainingFrame): boolean {
  return frame.psnrDb < CORRUPTED_BELOW_PSNR_DB;
}

/**
 * Loads the training set from `cacheDir`, generating (and caching) it when missing or stale. Every frame
 * of every damaged clip is kept, plus the undamaged twin of every frame the damage changed: pairs of
 * frames with the same content, one damaged and one not, are the most informative negatives.
 */
export async function loadTrainingSet(
  cacheDir: string,
  onProgress?: (message: string) => void,
): Promise<TrainingSet> {
  const key = await trainingSetKey();
  const file = path.join(cacheDir, `block-corruption-${key.slice(0, 16)}.bin`);
  const cached = await readTrainingSet(file).catch(() => undefined);
  if (cached?.key === key) return cached;
  const started = performance.now();
  const frames: TrainingFrame[] = [];
  for (const [clipIndex, spec] of TRAINING_CLIPS.entries()) {
    onProgress?.(`training clip ${clipIndex + 1}/${TRAINING_CLIPS.length}: ${spec.id}`);
    const clip = await makeSyntheticClip(spec);
    clip.frames.forEach((frame, index) => {
      const psnrDb = clip.psnrDb[index] ?? Number.POSITIVE_INFINITY;
      frames.push({ clip: clipIndex, index, undamaged: false, psnrDb, ...extract(frame) });
      if (Number.isFinite(psnrDb)) {
        const twin = clip.undamaged[index]!;
        frames.push({
          clip: clipIndex,
          index,
          undamaged: true,
          psnrDb: Number.POSITIVE_INFINITY,
          ...extract(twin),
        });
      }
    });
  }
  const set: TrainingSet = { key, frames, generationSec: (performance.now() - started) / 1000 };
  await mkdir(cacheDir, { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  try {
    await writeFile(partial, encodeTrainingSet(set));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
  // Caches of older specs are of no further use (each is ~170 MB).
  for (const name of await readdir(cacheDir)) {
    if (/^block-corruption-[0-9a-f]{16}\.bin$/.test(name) && name !== path.basename(file)) {
      await rm(path.join(cacheDir, name), { force: true });
    }
  }
  return set;
}

function extract(frame: GreyFrame): { rows: number; cols: number; features: Uint16Array } {
  const buffer = new Float32Array(featureLength(cellGrid(frame.width, frame.height)));
  const { rows, cols } = computeBlockFeatures(frame, buffer);
  return { rows, cols, features: Uint16Array.from(buffer) };
}

/** Hash of the training clip specs, the feature version and the ffmpeg build (which decides the bytes). */
export async function trainingSetKey(): Promise<string> {
  const { stdout } = await runChecked(ffmpegPath(), ['-hide_banner', '-version']);
  const ffmpegVersion = stdout.split('\n')[0]?.trim() ?? '';
  const material = JSON.stringify({ TRAINING_SET_VERSION, TRAINING_CLIPS, ffmpegVersion });
  return createHash('sha256').update(material).digest('hex');
}

interface FrameHeader {
  readonly clip: number;
  readonly index: number;
  readonly undamaged: boolean;
  readonly psnrDb: number | null;
  readonly rows: number;
  readonly cols: number;
}

/** Cache file: 4-byte header length, JSON header, then every frame's features as little-endian uint16. */
function encodeTrainingSet(set: TrainingSet): Uint8Array {
  const header = JSON.stringify({
    key: set.key,
    generationSec: set.generationSec,
    frames: set.frames.map(
      (frame): FrameHeader => ({
        clip: frame.clip,
        index: frame.index,
        undamaged: frame.undamaged,
        psnrDb: Number.isFinite(frame.psnrDb) ? frame.psnrDb : null,
        rows: frame.rows,
        cols: frame.cols,
      }),
    ),
  });
  const headerBytes = new TextEncoder().encode(header);
  const headerSize = 4 + headerBytes.length + ((2 - ((4 + headerBytes.length) % 2)) % 2);
  const total = headerSize + set.frames.reduce((sum, frame) => sum + frame.features.byteLength, 0);
  const out = new Uint8Array(total);
  new DataView(out.buffer).setUint32(0, headerBytes.length, true);
  out.set(headerBytes, 4);
  let offset = headerSize;
  for (const frame of set.frames) {
    out.set(
      new Uint8Array(frame.features.buffer, frame.features.byteOffset, frame.features.byteLength),
      offset,
    );
    offset += frame.features.byteLength;
  }
  return out;
}

async function readTrainingSet(file: string): Promise<TrainingSet> {
  const bytes = await readFile(file);
  const headerLength = bytes.readUInt32LE(0);
  const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as {
    key: string;
    generationSec: number;
    frames: FrameHeader[];
  };
  let offset = 4 + headerLength + ((2 - ((4 + headerLength) % 2)) % 2);
  const frames = header.frames.map((frame): TrainingFrame => {
    const length = BLOCK_FEATURE_CHANNELS * frame.rows * frame.cols;
    const features = new Uint16Array(length);
    new Uint8Array(features.buffer).set(bytes.subarray(offset, offset + 2 * length));
    offset += 2 * length;
    return { ...frame, psnrDb: frame.psnrDb ?? Number.POSITIVE_INFINITY, features };
  });
  if (offset !== bytes.length) throw new Error(`${file}: ${bytes.length - offset} unexpected trailing bytes`);
  return { key: header.key, frames, generationSec: 0 };
}
