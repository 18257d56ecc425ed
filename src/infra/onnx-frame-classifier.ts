import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import type { FrameClassifier } from '../core/detector.ts';
import { acceptsGrid, MODEL_INPUT, MODEL_OUTPUT } from '../core/detectors/block-corruption-model-contract.ts';
import {
  BLOCK_FEATURE_CHANNELS,
  cellGrid,
  computeModelInput,
  featureLength,
} from '../core/detectors/block-features.ts';
import type { GreyFrame } from '../core/media.ts';

/**
 * The `frameClassifier` port of `block-corruption`, backed by the ONNX model in
 * fixtures/models/block-corruption.onnx and onnxruntime-node (CPU).
 *
 * One `InferenceSession` per model file and process, created on first use and kept for the process's
 * life: creating one costs tens of milliseconds, running it a few microseconds per frame. Each call scores
 * its frames in one inference run (a batch of `frames x 5 x rows x cols` features, computed here by the
 * model's fixed feature filters).
 */

/** The committed model, resolved from this file so that any working directory works. */
export const DEFAULT_MODEL_PATH = fileURLToPath(
  new URL('../../fixtures/models/block-corruption.onnx', import.meta.url),
);

const sessions = new Map<string, Promise<ort.InferenceSession>>();

async function sessionFor(modelPath: string): Promise<ort.InferenceSession> {
  let session = sessions.get(modelPath);
  if (session === undefined) {
    session = openSession(modelPath);
    sessions.set(modelPath, session);
    // A failed load is not cached: the next call reports the problem again instead of a stale rejection.
    session.catch(() => sessions.delete(modelPath));
  }
  return session;
}

async function openSession(modelPath: string): Promise<ort.InferenceSession> {
  try {
    await access(modelPath);
  } catch {
    throw new Error(`block-corruption model not found at ${modelPath} (run npm run train:block-corruption)`);
  }
  // onnxruntime 1.29+ starts Microsoft's telemetry client (1DS) with the first session on Linux and macOS:
  // it writes an empty `mat-debug-<pid>.log` and a `.ses` file into the temp directory, which nothing
  // removes, and may upload usage events. Its documented switch is this variable, read when the runtime's
  // environment is created (at the first session), so it is set here, before that.
  process.env.ORT_DISABLE_TELEMETRY = '1';
  return ort.InferenceSession.create(modelPath, {
    // One thread: in the monolith ffmpeg decodes on the other core, and a distributed worker is one process
    // per task; more threads would only contend. The model is small enough that one thread is far ahead.
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
}

/** Number of sessions this process holds (tests check that one is reused). */
export function openSessionCount(): number {
  return sessions.size;
}

/**
 * A classifier scoring frames with the model at `modelPath`. Frames too small for the model (fewer than
 * 8 x 16 cells of 4 pixels) score 0: there is too little picture to judge. Frames of different sizes in one
 * call are run as separate batches.
 */
export function createOnnxFrameClassifier(modelPath: string = DEFAULT_MODEL_PATH): FrameClassifier {
  // The feature buffer of the last call, reused: allocating and zeroing ~2 MB per chunk cost more main-thread
  // time than the inference. A call that finds it taken (calls overlapping) allocates its own.
  let spare: Float32Array | undefined;
  const scoreBatch = async (
    session: ort.InferenceSession,
    frames: readonly GreyFrame[],
    grid: { rows: number; cols: number },
  ): Promise<Float32Array> => {
    const perFrame = featureLength(grid);
    const length = frames.length * perFrame;
    const buffer = spare !== undefined && spare.length >= length ? spare : new Float32Array(length);
    spare = undefined;
    try {
      const features = buffer.subarray(0, length);
      for (let i = 0; i < frames.length; i++) computeModelInput(frames[i]!, features, i * perFrame);
      const input = new ort.Tensor('float32', features, [
        frames.length,
        BLOCK_FEATURE_CHANNELS,
        grid.rows,
        grid.cols,
      ]);
      const output = await session.run({ [MODEL_INPUT]: input });
      const scores = output[MODEL_OUTPUT];
      if (scores === undefined || scores.data.length !== frames.length) {
        throw new Error(
          `block-corruption model returned no score per frame (${scores?.data.length ?? 0} values)`,
        );
      }
      return scores.data as Float32Array;
    } finally {
      spare = buffer;
    }
  };
  return {
    async scoreFrames(frames: readonly GreyFrame[]): Promise<Float32Array> {
      const scores = new Float32Array(frames.length);
      if (frames.length === 0) return scores;
      const session = await sessionFor(modelPath);
      for (let start = 0; start < frames.length; ) {
        const { width, height } = frames[start]!;
        let end = start + 1;
        while (end < frames.length && frames[end]!.width === width && frames[end]!.height === height) end++;
        const grid = cellGrid(width, height);
        if (acceptsGrid(grid.rows, grid.cols)) {
          scores.set(await scoreBatch(session, frames.slice(start, end), grid), start);
        }
        start = end;
      }
      return scores;
    },
  };
}
