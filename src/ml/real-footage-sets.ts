import type { ClipCodec, RealClipSpec, Shot } from './real-footage-clips.ts';

/**
 * The real-footage clip sets of `block-corruption`. Calibration (training) and evaluation are kept apart by
 * their pictures: calibration clips use only mate-backgrounds' nature photographs, evaluation clips only
 * ukui-wallpapers, lomiri-wallpapers-20.04 and gnome-user-docs screenshots (different packages, different
 * pictures); damage seeds differ too (calibration 5xxx, evaluation 9xxx).
 */

const BG = '/usr/share/backgrounds';
const HELP = '/usr/share/help/C/gnome-help/figures';
const MATE = `${BG}/mate/nature`;

const x264 = (
  preset: string,
  profile: 'baseline' | 'main' | 'high',
  crf: number,
  bFrames: number,
): ClipCodec => ({
  name: 'h264',
  preset,
  profile,
  crf,
  bFrames,
});

const shot = (picture: string, seconds: number, motion: Shot['motion'], pixelBlock?: number): Shot =>
  pixelBlock === undefined ? { picture, seconds, motion } : { picture, seconds, motion, pixelBlock };

/** Damaged evaluation clips (H.264, MPEG-2, MPEG-4 Part 2), one damaged range each. */
export const EVALUATION_DAMAGED: readonly RealClipSpec[] = [
  {
    id: 'eval-h264-pan-720p',
    shots: [shot(`${BG}/Kleiber_by_Lukas_Baubkus.jpg`, 5, 'pan')],
    width: 1280,
    height: 720,
    fps: 25,
    codec: x264('medium', 'high', 23, 2),
    grain: 6,
    damage: [{ startSec: 2, endSec: 3, seed: 9001, bytesPerPacket: 16 }],
  },
  {
    id: 'eval-h264-zoom-640',
    shots: [shot(`${BG}/Kleiber_by_Lukas_Baubkus.jpg`, 4, 'zoom')],
    width: 640,
    height: 360,
    fps: 30,
    codec: x264('veryfast', 'main', 26, 0),
    grain: 0,
    damage: [{ startSec: 1.5, endSec: 2.5, seed: 9002, bytesPerPacket: 20 }],
  },
  {
    id: 'eval-h264-shake-854-grain',
    shots: [shot(`${BG}/the-mouse.jpg`, 5, 'shake')],
    width: 854,
    height: 480,
    fps: 25,
    codec: x264('fast', 'high', 20, 1),
    grain: 10,
    damage: [{ startSec: 3, endSec: 4, seed: 9003, bytesPerPacket: 24 }],
  },
  {
    id: 'eval-h264-cut-1080p',
    shots: [shot(`${BG}/2004default.jpg`, 2, 'pan'), shot(`${BG}/city.png`, 2, 'zoom')],
    width: 1920,
    height: 1080,
    fps: 25,
    codec: x264('veryfast', 'high', 24, 2),
    grain: 4,
    damage: [{ startSec: 1, endSec: 2, seed: 9004, bytesPerPacket: 32 }],
  },
  {
    id: 'eval-h264-baseline-50fps',
    shots: [shot(`${BG}/desert.png`, 4, 'pan')],
    width: 426,
    height: 240,
    fps: 50,
    codec: x264('veryfast', 'baseline', 28, 0),
    grain: 3,
    damage: [{ startSec: 2, endSec: 3, seed: 9005, bytesPerPacket: 6 }],
  },
  {
    id: 'eval-h264-screen-scroll',
    shots: [shot(`${HELP}/shell-appts.png`, 4, 'scroll')],
    width: 960,
    height: 540,
    fps: 30,
    codec: x264('fast', 'high', 22, 2),
    grain: 0,
    damage: [{ startSec: 1, endSec: 2, seed: 9006, bytesPerPacket: 12 }],
  },
  {
    id: 'eval-h264-transcoded-after-damage',
    shots: [shot(`${BG}/Painting-Colors_by__herobrine7gamer.jpg`, 4, 'pan')],
    width: 1280,
    height: 720,
    fps: 25,
    codec: x264('fast', 'high', 21, 0),
    grain: 5,
    damage: [{ startSec: 2, endSec: 3, seed: 9007, bytesPerPacket: 16 }],
    transcodeAfterDamage: true,
  },
  {
    id: 'eval-mpeg2-pan-576',
    shots: [shot(`${BG}/Infinite-Sea_by_Aury88.jpg`, 4, 'pan')],
    width: 720,
    height: 576,
    fps: 25,
    codec: { name: 'mpeg2video', quantizer: 4, bFrames: 2 },
    grain: 4,
    damage: [{ startSec: 2, endSec: 3, seed: 9008, bytesPerPacket: 16 }],
  },
  {
    id: 'eval-mpeg4-shake-640',
    shots: [shot(`${BG}/rhythm.jpg`, 4, 'shake')],
    width: 640,
    height: 480,
    fps: 25,
    codec: { name: 'mpeg4', quantizer: 5, bFrames: 0 },
    grain: 4,
    damage: [{ startSec: 1, endSec: 2, seed: 9009, bytesPerPacket: 12 }],
  },
];

/** Clean evaluation clips: the detector must report nothing. */
export const EVALUATION_CLEAN: readonly RealClipSpec[] = [
  {
    id: 'clean-h264-heavy-compression',
    shots: [shot(`${BG}/Painting-Colors_by__herobrine7gamer.jpg`, 4, 'pan')],
    width: 640,
    height: 360,
    fps: 25,
    codec: x264('veryfast', 'main', 42, 0),
    grain: 0,
    damage: [],
  },
  {
    id: 'clean-h264-heavy-grain',
    shots: [shot(`${BG}/firstgeneration.jpg`, 4, 'shake')],
    width: 1280,
    height: 720,
    fps: 25,
    codec: x264('fast', 'high', 26, 2),
    grain: 30,
    damage: [],
  },
  {
    id: 'clean-h264-pixel-art',
    shots: [shot(`${BG}/goldfish.png`, 4, 'pan', 8)],
    width: 640,
    height: 360,
    fps: 25,
    codec: x264('veryfast', 'high', 20, 0),
    grain: 0,
    damage: [],
  },
  {
    id: 'clean-h264-screen-scroll',
    shots: [shot(`${HELP}/screenshot-tool.png`, 4, 'scroll')],
    width: 1280,
    height: 720,
    fps: 30,
    codec: x264('fast', 'high', 23, 2),
    grain: 0,
    damage: [],
  },
  {
    id: 'clean-h264-fades-cuts',
    shots: [
      shot(`${BG}/string.jpg`, 2, 'zoom'),
      shot(`${BG}/calla.png`, 2, 'pan'),
      shot(`${BG}/rollpaper.png`, 2, 'shake'),
    ],
    width: 854,
    height: 480,
    fps: 25,
    codec: x264('veryfast', 'high', 27, 2),
    grain: 3,
    fades: true,
    damage: [],
  },
  {
    id: 'clean-h264-tiny-17x9',
    shots: [shot(`${BG}/focal-ubuntukylin.png`, 3, 'pan')],
    width: 17,
    height: 9,
    fps: 25,
    pixelFormat: 'yuv444p',
    codec: x264('veryfast', 'high', 23, 0),
    grain: 0,
    damage: [],
  },
  {
    id: 'clean-h264-small-64x36',
    shots: [shot(`${BG}/fluent-color.png`, 3, 'shake')],
    width: 64,
    height: 36,
    fps: 25,
    codec: x264('veryfast', 'high', 30, 0),
    grain: 2,
    damage: [],
  },
  {
    id: 'clean-mpeg2-heavy',
    shots: [shot(`${BG}/Kleiber_by_Lukas_Baubkus.jpg`, 4, 'pan')],
    width: 720,
    height: 576,
    fps: 25,
    codec: { name: 'mpeg2video', quantizer: 24, bFrames: 2 },
    grain: 6,
    damage: [],
  },
  {
    id: 'clean-mpeg4-heavy',
    shots: [shot(`${BG}/the-mouse.jpg`, 4, 'zoom')],
    width: 640,
    height: 480,
    fps: 25,
    codec: { name: 'mpeg4', quantizer: 20, bFrames: 0 },
    grain: 0,
    damage: [],
  },
  {
    id: 'clean-h264-still-grain',
    shots: [shot(`${BG}/Fossa_by_Jasper_Roks.jpg`, 3, 'still')],
    width: 1280,
    height: 720,
    fps: 25,
    codec: x264('veryfast', 'high', 30, 0),
    grain: 12,
    damage: [],
  },
];

const MATE_PHOTOS = [
  'Aqua',
  'Blinds',
  'Dune',
  'FreshFlower',
  'Garden',
  'GreenMeadow',
  'LadyBird',
  'RainDrops',
  'Storm',
  'TwoWings',
  'Wood',
  'YellowFlower',
].map((name) => `${MATE}/${name}.jpg`);

const TRAINING_SIZES = [
  [640, 360],
  [1280, 720],
  [854, 480],
  [720, 576],
  [960, 540],
  [480, 272],
] as const;
const TRAINING_CODECS: readonly ClipCodec[] = [
  x264('veryfast', 'high', 23, 2),
  x264('medium', 'main', 28, 0),
  x264('fast', 'baseline', 20, 0),
  x264('veryfast', 'high', 33, 1),
  { name: 'mpeg2video', quantizer: 5, bFrames: 2 },
  { name: 'mpeg4', quantizer: 6, bFrames: 0 },
];
const MOTIONS: readonly Shot['motion'][] = ['pan', 'zoom', 'shake', 'pan', 'still', 'zoom'];

/**
 * Calibration clips (the "training" side of the split): each mate photograph once damaged and once clean
 * (heavy compression, grain or pixel art), sizes, codecs and camera motions rotated. The concealment-freeze
 * thresholds were checked on these (`npm run eval:block-corruption -- --set calibration`), never on the
 * evaluation clips' pictures.
 */
const MATE_CLIPS: readonly RealClipSpec[] = MATE_PHOTOS.flatMap((picture, i): RealClipSpec[] => {
  const [width, height] = TRAINING_SIZES[i % TRAINING_SIZES.length]!;
  const codec = TRAINING_CODECS[i % TRAINING_CODECS.length]!;
  const motion = MOTIONS[i % MOTIONS.length]!;
  const other = MATE_PHOTOS[(i + 5) % MATE_PHOTOS.length]!;
  return [
    {
      id: `calib-${i}-damaged`,
      shots: [shot(picture, 2, motion), shot(other, 2, MOTIONS[(i + 1) % MOTIONS.length]!)],
      width,
      height,
      fps: i % 3 === 0 ? 30 : 25,
      codec,
      grain: (i * 3) % 10,
      damage: [
        {
          startSec: 1 + (i % 2) * 0.5,
          endSec: 2.5 + (i % 2) * 0.5,
          seed: 5000 + i,
          bytesPerPacket: 4 + ((i * 7) % 28),
        },
      ],
    },
    {
      id: `calib-${i}-clean`,
      shots: [shot(other, 3, motion, i % 4 === 3 ? 8 : undefined)],
      width: TRAINING_SIZES[(i + 2) % TRAINING_SIZES.length]![0],
      height: TRAINING_SIZES[(i + 2) % TRAINING_SIZES.length]![1],
      fps: 25,
      codec: codec.name === 'h264' ? { ...codec, crf: 38 + (i % 4) } : { ...codec, quantizer: 18 + (i % 8) },
      grain: i % 2 === 0 ? 20 : 0,
      damage: [],
    },
  ];
});

/** Screen content for calibration: documentation screenshots of valgrind and nodejs (not gnome-user-docs). */
const VALGRIND_DOC = '/usr/share/doc/valgrind/html/images';
const NODE_DOC = '/usr/share/doc/nodejs/contributing/doc_img';

const SCREEN_CLIPS: readonly RealClipSpec[] = [
  {
    id: 'calib-screen-scroll-damaged',
    shots: [shot(`${VALGRIND_DOC}/dh-tree.png`, 4, 'scroll')],
    width: 1280,
    height: 720,
    fps: 25,
    codec: x264('fast', 'high', 24, 1),
    grain: 0,
    damage: [{ startSec: 1, endSec: 2, seed: 5100, bytesPerPacket: 12 }],
  },
  {
    id: 'calib-screen-scroll-main-damaged',
    shots: [shot(`${NODE_DOC}/youtube-stream-analytics.png`, 4, 'scroll')],
    width: 854,
    height: 480,
    fps: 30,
    codec: x264('veryfast', 'main', 26, 0),
    grain: 0,
    damage: [{ startSec: 1.5, endSec: 2.5, seed: 5101, bytesPerPacket: 8 }],
  },
  {
    id: 'calib-screen-scroll-clean',
    shots: [shot(`${NODE_DOC}/youtube-stream-analytics.png`, 4, 'scroll')],
    width: 1280,
    height: 720,
    fps: 30,
    codec: x264('fast', 'high', 23, 2),
    grain: 0,
    damage: [],
  },
  {
    id: 'calib-screen-scroll-heavy-clean',
    shots: [shot(`${VALGRIND_DOC}/dh-tree.png`, 4, 'scroll')],
    width: 960,
    height: 540,
    fps: 25,
    codec: x264('veryfast', 'main', 36, 0),
    grain: 0,
    damage: [],
  },
];

/**
 * Calibration clips (the "training" side of the split): each mate photograph once damaged and once clean,
 * and screen content scrolled over valgrind's and nodejs's documentation screenshots.
 */
export const CALIBRATION_CLIPS: readonly RealClipSpec[] = [...MATE_CLIPS, ...SCREEN_CLIPS];
