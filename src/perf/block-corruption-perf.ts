/**
 * `npm exec -- node src/perf/block-corruption-perf.ts`: cost of the block-corruption model per frame, on
 * real 320x180 analysis frames (the `clean` fixture), split into its two parts:
 * - features: the fixed 4x4-cell filters in TypeScript (src/ml/block-features.ts);
 * - inference: one onnxruntime run over a chunk's batch of feature maps;
 * - scoreFrames: the port as the detector calls it (features + inference), per 25-frame chunk;
 * - temporal test: the detector's frozen-seam test over the same chunk and its `nextFrame`
 *   (src/core/detectors/frozen-seam.ts), which runs next to the model;
 * - concealment freeze: the whole-picture freeze statistics of every transition of the chunk
 *   (src/core/detectors/concealment-freeze.ts);
 * - av-sync natural: the natural-content partial of `av-sync` (frame differences and 10-ms audio energy,
 *   src/core/detectors/av-sync-natural.ts) over the chunk's frames and one second of audio.
 * The effect on the monolith's throughput against the physical limit is measured by `npm run bench:perf`
 * (the detector is part of every default run). Numbers are printed, never asserted.
 */
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { Bench } from 'tinybench';
import { naturalSyncPartial } from '../core/detectors/av-sync-natural.ts';
import { chunkTransitions, seamFrames } from '../core/detectors/block-corruption-detector.ts';
import { MODEL_INPUT } from '../core/detectors/block-corruption-model-contract.ts';
import {
  BLOCK_FEATURE_CHANNELS,
  cellGrid,
  computeModelInput,
  featureLength,
} from '../core/detectors/block-features.ts';
import type { GreyFrame } from '../core/media.ts';
import { createOnnxFrameClassifier, DEFAULT_MODEL_PATH } from '../infra/onnx-frame-classifier.ts';
import { defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import { ensureFixtures } from '../media/fixtures/fixture-generator.ts';
import { probeMedia } from '../media/probe.ts';

const BATCH = 25;
const dir = path.resolve('fixtures/clips');
const manifest = await ensureFixtures({ dir, only: ['clean'] });
const clip = manifest.clips.find((entry) => entry.id === 'clean');
if (!clip) throw new Error('fixture manifest has no "clean" clip');
const frames: GreyFrame[] = [];
{
  await using decoder = openClipDecoder(await probeMedia(path.join(dir, clip.file)), defaultDecodeOptions);
  for await (const chunk of decoder.chunks()) frames.push(...(chunk.video?.frames ?? []));
}
const batch = frames.slice(100, 100 + BATCH);
const audio = Int16Array.from({ length: 16_000 }, (_, i) =>
  Math.round(3000 * Math.sin(i / 7) + ((i * 7919) % 401) - 200),
);
const { width, height } = batch[0]!;
const grid = cellGrid(width, height);
const perFrame = featureLength(grid);
const features = new Float32Array(BATCH * perFrame);
batch.forEach((frame, i) => {
  computeModelInput(frame, features, i * perFrame);
});
const session = await ort.InferenceSession.create(DEFAULT_MODEL_PATH, {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  graphOptimizationLevel: 'all',
});
const input = {
  [MODEL_INPUT]: new ort.Tensor('float32', features, [BATCH, BLOCK_FEATURE_CHANNELS, grid.rows, grid.cols]),
};
const classifier = createOnnxFrameClassifier();
await classifier.scoreFrames(batch);

const bench = new Bench({ name: 'block-corruption model', time: 2000, warmupTime: 300 });
bench
  .add(`features (${BATCH} frames)`, () => {
    for (let i = 0; i < BATCH; i++) computeModelInput(batch[i]!, features, i * perFrame);
  })
  .add(`inference (${BATCH} frames)`, async () => {
    await session.run(input);
  })
  .add(`scoreFrames (${BATCH} frames)`, async () => {
    await classifier.scoreFrames(batch);
  })
  .add(`temporal test (${BATCH} frames)`, () => {
    seamFrames({
      index: 4,
      startSec: 4,
      endSec: 5,
      video: { frames: batch, nextFrame: frames[100 + BATCH]! },
    });
  })
  .add(`concealment freeze (${BATCH} frames)`, () => {
    chunkTransitions({
      index: 4,
      startSec: 4,
      endSec: 5,
      video: { frames: batch, nextFrame: frames[100 + BATCH]! },
    });
  })
  .add(`av-sync natural (${BATCH} frames + 1 s audio)`, () => {
    naturalSyncPartial({
      index: 4,
      startSec: 4,
      endSec: 5,
      video: { frames: batch, nextFrame: frames[100 + BATCH]! },
      audio: { sampleRate: 16_000, startSec: 4, samples: audio },
    });
  });
await bench.run();
console.table(bench.table());
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg()[0]!.toFixed(2)}, Node ${process.version}`,
);
console.log(`frames ${width}x${height} -> ${grid.rows}x${grid.cols} cells, batch ${BATCH}`);
for (const task of bench.tasks) {
  const result = task.result;
  if (!result || !('latency' in result)) throw new Error(`task ${task.name} did not complete`);
  const perFrameUs = (result.latency.mean * 1000) / BATCH;
  const p99Us = ((result.latency.p99 ?? result.latency.mean) * 1000) / BATCH;
  console.log(`${task.name.padEnd(26)} ${perFrameUs.toFixed(1)} us/frame (p99 ${p99Us.toFixed(1)} us/frame)`);
}
