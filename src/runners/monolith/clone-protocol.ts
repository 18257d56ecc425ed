import type { ErrorDocument } from '../../core/errors.ts';
import type { S3Endpoint } from '../../infra/s3-object-store.ts';
import type { DecodeOptions } from '../../media/decoder.ts';
import type { MediaInfo } from '../../media/probe.ts';
import type { WorkerDetectorSpec } from '../distributed/worker-protocol.ts';
import type { ClonePartition } from './monolith-settings.ts';

/**
 * What the dispatcher and its monolith clones say to each other. Settings go to a clone once, as one JSON
 * line on its stdin (they may hold S3 credentials, so never argv or the environment); afterwards both sides
 * talk over the Node IPC channel, one clip request at a time per clone.
 */

export interface CloneSettings {
  /** 1-based number of this clone among `clones`. */
  readonly cloneIndex: number;
  readonly clones: number;
  readonly partition: ClonePartition;
  readonly runId: string;
  readonly decode: DecodeOptions;
  /** The detectors this clone runs, in the run's order (its subset with `detectors`, all with `streams`). */
  readonly detectors: readonly WorkerDetectorSpec[];
  /** File URLs of modules exporting `detectors`, for detectors outside the registry (tests). */
  readonly detectorModules: readonly string[];
  /** File URL of a module exporting `createDetectorPorts(detectorNames)`: the clone builds its own ports. */
  readonly detectorPortsModule?: string;
  readonly s3: S3Endpoint;
  readonly bucket: string;
}

/** Messages from the dispatcher to a clone. */
export type DispatcherMessage =
  | { readonly type: 'clip'; readonly requestId: number; readonly clip: MediaInfo }
  /** Finish the clip in progress, exit. */
  | { readonly type: 'stop' };

/** Messages from a clone to the dispatcher. */
export type CloneMessage =
  | { readonly type: 'ready' }
  | {
      readonly type: 'done';
      readonly requestId: number;
      /** The clone's `ClipRun` as JSON text, so both ends can count the hop's serialization. */
      readonly run: string;
      /** CPU the clone spent encoding `run`, ms. */
      readonly encodeCpuMs: number;
    }
  | { readonly type: 'failed'; readonly requestId: number; readonly error: ErrorDocument };
