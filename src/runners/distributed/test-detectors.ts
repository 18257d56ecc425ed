/**
 * Detectors for the distributed runner's fault tests (test support; the product never imports this). The
 * runner's workers load this module by URL (`detectorModules`) to rebuild them by name.
 */
import type { Detector } from '../../core/detector.ts';

/** Chunk the failing detectors fail on. */
export const FAILING_CHUNK = 1;
/** Chunk the slow detector takes SLOW_MS on, and how long (heart-beating meanwhile, like a busy worker). */
export const SLOW_CHUNK = 2;
export const SLOW_MS = 1500;

type ChunkIndexPartial = { readonly index: number };

function oneFindingPerChunk(name: string): Detector<Record<string, never>, ChunkIndexPartial>['finalize'] {
  return (partials) =>
    partials
      .filter((partial) => typeof partial.index === 'number' && partial.index >= 0)
      .map((partial) => ({
        detector: name,
        startSec: partial.index,
        endSec: partial.index + 0.5,
        confidence: 1,
      }));
}

/** Throws on chunk FAILING_CHUNK (the core records it as the detector's failure there); a finding elsewhere. */
const throwingDetector: Detector<Record<string, never>, ChunkIndexPartial> = {
  name: 'throws-on-chunk',
  needs: 'video',
  defaults: {},
  emptyPartial: { index: -1 },
  validate: () => undefined,
  analyzeChunk: (chunk) => {
    if (chunk.index === FAILING_CHUNK) throw new Error(`test detector gives up on chunk ${chunk.index}`);
    return Promise.resolve({ index: chunk.index });
  },
  finalize: oneFindingPerChunk('throws-on-chunk'),
};

/**
 * On chunk FAILING_CHUNK returns a partial that is not JSON (a BigInt): in a worker the whole task then
 * fails, so Step Functions retries it and finally catches it (the `Detector failed` state).
 */
const unserializableDetector: Detector<Record<string, never>, ChunkIndexPartial> = {
  name: 'unserializable-on-chunk',
  needs: 'video',
  defaults: {},
  emptyPartial: { index: -1 },
  validate: () => undefined,
  analyzeChunk: (chunk) =>
    Promise.resolve(
      chunk.index === FAILING_CHUNK
        ? ({ index: BigInt(chunk.index) } as unknown as ChunkIndexPartial)
        : { index: chunk.index },
    ),
  finalize: oneFindingPerChunk('unserializable-on-chunk'),
};

/** Takes SLOW_MS on chunk SLOW_CHUNK: a window in which a test can kill its worker mid-task. */
const slowDetector: Detector<Record<string, never>, ChunkIndexPartial> = {
  name: 'slow-on-chunk',
  needs: 'video',
  defaults: {},
  emptyPartial: { index: -1 },
  validate: () => undefined,
  analyzeChunk: async (chunk) => {
    if (chunk.index === SLOW_CHUNK) await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    return { index: chunk.index };
  },
  finalize: oneFindingPerChunk('slow-on-chunk'),
};

export const detectors = {
  'slow-on-chunk': slowDetector,
  'throws-on-chunk': throwingDetector,
  'unserializable-on-chunk': unserializableDetector,
};
