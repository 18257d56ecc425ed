import type { SyntheticClipSpec } from './synthetic-clips.ts';

/**
 * Evaluation clips unlike the training sources: natural-looking pictures (soft cloud texture, blurred colour
 * fields turning, a soft light over a gradient, a slow pan over a smooth colour field), other sizes and frame
 * rates (24, 30, 50 fps), other H.264 codings (baseline/CAVLC, B-frames, presets) and, clean only, other
 * codecs at coarse quantizers (heavy legitimate compression). Numbers go into the model card.
 */
export const NATURAL_CLIPS: readonly SyntheticClipSpec[] = [
  {
    id: 'clouds-baseline-30fps',
    source:
      'color=c=gray:size=1200x450:rate=30,noise=all_seed=7001:alls=100,gblur=sigma=10,eq=contrast=4,crop=800:450:x=t*40:y=0',
    width: 800,
    height: 450,
    fps: 30,
    durationSec: 5,
    qp: 26,
    preset: 'veryfast',
    profile: 'baseline',
    bFrames: 0,
    damage: [{ startSec: 2, endSec: 3, seed: 7101, bytesPerFrame: 4 }],
  },
  {
    id: 'colour-field-bframes',
    source: 'haldclutsrc=level=8:rate=25,scale=1024:1024,gblur=sigma=20,rotate=a=0.3*t,crop=1024:576',
    width: 1024,
    height: 576,
    fps: 25,
    durationSec: 5,
    qp: 24,
    preset: 'medium',
    profile: 'high',
    bFrames: 2,
    damage: [
      { startSec: 1, endSec: 2, seed: 7102, bytesPerFrame: 4 },
      { startSec: 3, endSec: 4, seed: 7103, bytesPerFrame: 2 },
    ],
  },
  {
    id: 'soft-light-50fps',
    source:
      "nullsrc=size=426x240:rate=50,geq=lum='60+50*Y/H+120*exp(-((X-W/2-120*sin(T))^2+(Y-H/2-40*cos(2*T))^2)/900)':cb=140:cr=120",
    width: 426,
    height: 240,
    fps: 50,
    durationSec: 4,
    qp: 22,
    preset: 'veryfast',
    profile: 'main',
    bFrames: 0,
    damage: [{ startSec: 1, endSec: 2, seed: 7104, bytesPerFrame: 6 }],
  },
  {
    id: 'pan-24fps',
    source: 'allrgb,scale=2048:2048,gblur=sigma=3,crop=1280:720:x=200+60*t:y=600+40*t',
    width: 1280,
    height: 720,
    fps: 24,
    durationSec: 4,
    qp: 28,
    preset: 'fast',
    profile: 'high',
    bFrames: 1,
    damage: [{ startSec: 2, endSec: 3, seed: 7105, bytesPerFrame: 8 }],
  },
];

/** Clean clips in other codecs at coarse quantizers: false positives only. */
export const COMPRESSED_CLEAN_CLIPS: readonly SyntheticClipSpec[] = [
  { codec: 'mpeg4', quantizer: 20 },
  { codec: 'mpeg2video', quantizer: 24 },
  { codec: 'mjpeg', quantizer: 20 },
].map((otherEncoder) => ({
  id: `clouds-${otherEncoder.codec}-q${otherEncoder.quantizer}`,
  source:
    'color=c=gray:size=960x540:rate=25,noise=all_seed=7002:alls=100,gblur=sigma=8,eq=contrast=3,crop=640:540:x=t*30:y=0',
  width: 640,
  height: 540,
  fps: 25,
  durationSec: 4,
  qp: 0,
  preset: 'veryfast',
  profile: 'high',
  bFrames: 0,
  damage: [],
  otherEncoder: otherEncoder as NonNullable<SyntheticClipSpec['otherEncoder']>,
}));
