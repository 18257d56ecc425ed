import type { Counters } from '../../core/counters.ts';
import type { Json } from '../../core/detector.ts';
import type { S3Endpoint } from '../../infra/s3-object-store.ts';
import type { SfnEndpointSettings } from '../../infra/sfn-endpoint.ts';
import { detectStateName, STATE_NAMES } from './state-machine-definition.ts';

export type { SfnEndpointSettings };

/**
 * What the runner and its workers say to each other. Settings go to a worker once, as one JSON line on its
 * stdin (never argv or the environment: they may hold credentials); afterwards both sides talk over the
 * Node IPC channel.
 */

/** Which activity a worker serves: like which Lambda function it is. */
export type WorkerRole =
  | { readonly kind: 'convert' }
  | { readonly kind: 'detect'; readonly detector: string }
  | { readonly kind: 'aggregate' }
  /** The function-per-chunk shape's one function: decode a chunk and run every detector in memory. */
  | { readonly kind: 'analyze' };

/** A detector as the worker rebuilds it: by name, from the registry or from `detectorModules`. */
export interface WorkerDetectorSpec {
  readonly name: string;
  readonly params: Json;
}

export interface WorkerSettings {
  readonly role: WorkerRole;
  readonly activityArn: string;
  /** Sent with GetActivityTask; shows in the execution history (ActivityStarted). */
  readonly workerName: string;
  readonly stepFunctions: SfnEndpointSettings;
  readonly s3: S3Endpoint;
  readonly bucket: string;
  /** Configured memory of this task's function, MB (Lambda-style billing). */
  readonly memoryMb: number;
  /** How often a worker sends SendTaskHeartbeat while it works on a task, ms. */
  readonly heartbeatIntervalMs: number;
  /** Every detector of the run, in order (the aggregator merges in this order). */
  readonly detectors: readonly WorkerDetectorSpec[];
  /**
   * File URLs of modules exporting `detectors: Record<string, AnyDetector>`, for detectors that are not in
   * the registry (tests inject failing detectors this way).
   */
  readonly detectorModules: readonly string[];
  /**
   * File URL of a module exporting `createDetectorPorts(detectorNames): Promise<DetectorPorts>`, for
   * detectors that need ports (e.g. an ONNX frame classifier): each worker builds its own, as each Lambda
   * function instance would load its model.
   */
  readonly detectorPortsModule?: string;
  /**
   * External workers (`archbench worker`): besides IPC, write each task's {@link TaskTelemetry} to the
   * job's bucket under {@link telemetryPrefix} with an uncounted client, since the runner has no IPC to
   * them. Absent in the runner's own pools (their counts travel over IPC only).
   */
  readonly telemetry?: boolean;
}

/**
 * Name of a role's task in counters: the state name of its Task (`ConvertMedia`, `Detect freeze`,
 * `Aggregate`), the key of `compute.invocationsByTask` and of its stage in `s3.requestsByStage`, as the
 * cost model reads them.
 */
export function taskNameOf(role: WorkerRole): string {
  if (role.kind === 'detect') return detectStateName(role.detector);
  return STATE_NAMES[role.kind];
}

/** Short label of a role for worker names (`convert`, `detect-freeze`, `aggregate`). */
export function roleLabelOf(role: WorkerRole): string {
  return role.kind === 'detect' ? `detect-${role.detector}` : role.kind;
}

/**
 * One counted request, attributed to a clip: `[clipKey, service, operation, bytesSent, bytesReceived]`.
 * Requests are streamed as they complete, so a worker killed mid-task has reported what it did.
 */
export type RequestEntry = readonly [string, 's3' | 'sfn', string, number, number];

/** Messages from the runner to a worker. */
export type RunnerMessage =
  /** Answer `flushed` once no task of `clipKey` is running and every count of it has been sent. */
  | { readonly type: 'flush'; readonly requestId: number; readonly clipKey: string }
  /** Stop polling, finish the task in progress, exit. */
  | { readonly type: 'stop' };

/** Messages from a worker to the runner. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'requests'; readonly entries: readonly RequestEntry[] }
  | {
      readonly type: 'task-started';
      readonly clipKey: string;
      readonly chunkIndex: number;
    }
  | {
      readonly type: 'task-finished';
      readonly clipKey: string;
      readonly chunkIndex: number;
      readonly outcome: 'succeeded' | 'failed';
      /** CPU, serialization, invocation and memory counts of the task (requests came as `requests`). */
      readonly counters: Counters;
      /** Largest task input or output payload of this task, bytes. */
      readonly largestPayloadBytes: number;
    }
  | { readonly type: 'flushed'; readonly requestId: number };

/**
 * What one task of an external worker reports, as one S3 object: exactly what a pool worker sends over IPC
 * for the task (its `requests` entries and its `task-finished` message), so the runner merges both alike.
 */
export interface TaskTelemetry {
  readonly schemaVersion: 1;
  /** State name of the task (`ConvertMedia`, `Detect <name>`, `Aggregate`): the stage of its S3 requests. */
  readonly taskName: string;
  readonly workerName: string;
  readonly entries: readonly RequestEntry[];
  readonly finished: Extract<WorkerMessage, { type: 'task-finished' }>;
}

/** Prefix of the telemetry objects of one clip of a run (`telemetry/<runId>/<clipKey>/`). */
export function telemetryPrefix(runId: string, clipKey?: string): string {
  return clipKey === undefined ? `telemetry/${runId}/` : `telemetry/${runId}/${clipKey}/`;
}
