import type { MonolithStreamsSample } from '../../core/cost/monolith-sizing.ts';
import type { ErrorDocument } from '../../core/errors.ts';
import type { DecodeOptions } from '../../media/decoder.ts';
import type { WorkerDetectorSpec } from '../distributed/worker-protocol.ts';

/**
 * What a multi-stream measurement process (monolith-streams-main.ts) is told and answers. Settings go as
 * one JSON line on its stdin, like every settings child's; the answer is one IPC message, after which the
 * process exits. One process per measurement, because peak RSS only ever rises within a process.
 */

export interface StreamsMeasurementSettings {
  /** Streams to analyse at once, k. */
  readonly streams: number;
  /** Clips to analyse; stream i analyses clip i modulo their number (clips are reused round-robin). */
  readonly clipPaths: readonly string[];
  readonly decode: DecodeOptions;
  /** The run's detectors, in its order, rebuilt from the registry by name. */
  readonly detectors: readonly WorkerDetectorSpec[];
  /** File URLs of modules exporting `detectors`, for detectors outside the registry (tests). */
  readonly detectorModules: readonly string[];
  /** File URL of a module exporting `createDetectorPorts(detectorNames)`. */
  readonly detectorPortsModule?: string;
  /** How often the decoders' memory is sampled, ms. */
  readonly memorySampleIntervalMs: number;
}

/** Messages from the measurement process. */
export type StreamsMeasurementMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'measured'; readonly sample: MonolithStreamsSample }
  | { readonly type: 'failed'; readonly error: ErrorDocument };
