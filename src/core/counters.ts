/**
 * The one counters type, filled the same way by both runners. Counts (requests, transitions,
 * serialization operations, bytes) are deterministic for a clip and are what the cost model prices;
 * timings (CPU ms, wall ms, RSS) are measurements that vary run to run.
 */

/** S3 billing tier of a request: 1 = PUT/COPY/POST/LIST, 2 = GET/HEAD/other, free = DELETE. */
export type S3Tier = 'tier1' | 'tier2' | 'free';

export interface S3Counters {
  /** HTTP requests actually sent, retries included, by SDK operation name (e.g. `PutObject`). */
  readonly requestsByOperation: Record<string, number>;
  readonly requestsByTier: Record<S3Tier, number>;
  /**
   * The same requests split by the stage that sent them (`ConvertMedia`, `Detect freeze`, `Aggregate`,
   * `WriteResults`, ...), filled when a stage's counters are merged with `mergeCounters(into, from, stage)`.
   * Lets the gate name the stage whose requests changed and the cost model drop a stage in a what-if.
   */
  readonly requestsByStage: Record<string, Record<string, number>>;
  /** Request body bytes sent. */
  bytesUp: number;
  /** Response body bytes received. */
  bytesDown: number;
}

export interface SfnCounters {
  executionsStarted: number;
  /** Billed state transitions per state name (StateEntered events plus retries). */
  readonly transitionsByState: Record<string, number>;
  /** Step Functions API requests by operation (GetActivityTask, SendTaskSuccess, ...). */
  readonly apiRequestsByOperation: Record<string, number>;
  /** Sum of execution durations (start to stop, from the history), ms: a timing, not a count. */
  executionMs: number;
  /** Sum of execution durations each rounded up to 100 ms, as Express workflows bill them, ms. */
  expressBilledMs: number;
}

export interface SerializationHopCounters {
  encodeOps: number;
  decodeOps: number;
  /** Bytes produced by encoding plus bytes consumed by decoding. */
  bytes: number;
  /** CPU time spent encoding and decoding, ms (a timing, not a count). */
  cpuMs: number;
}

export interface NetworkPeerCounters {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface TaskInvocationCounters {
  invocations: number;
  /** Sum of per-invocation durations rounded up to whole ms, as Lambda bills them. */
  billedMs: number;
  /** Configured memory of the function that ran the task, MB. */
  memoryMb: number;
}

export interface ComputeCounters {
  /** CPU time by component (`decode`, `detector:freeze`, `aggregate`, ...), ms. */
  readonly cpuMsByComponent: Record<string, number>;
  /** Per activity (distributed) task invocations as Lambda would bill them. */
  readonly invocationsByTask: Record<string, TaskInvocationCounters>;
  /** Wall-clock time of the run, ms. */
  wallMs: number;
  /** Peak resident set size seen during the run, bytes (max over processes for distributed). */
  peakRssBytes: number;
}

export interface Counters {
  readonly s3: S3Counters;
  readonly sfn: SfnCounters;
  /** Per hop (e.g. `results`, `frames`, `findings`). */
  readonly serialization: Record<string, SerializationHopCounters>;
  /** Per peer (`s3`, `sfn`). */
  readonly network: Record<string, NetworkPeerCounters>;
  readonly compute: ComputeCounters;
}

export function createCounters(): Counters {
  return {
    s3: {
      requestsByOperation: {},
      requestsByTier: { tier1: 0, tier2: 0, free: 0 },
      requestsByStage: {},
      bytesUp: 0,
      bytesDown: 0,
    },
    sfn: {
      executionsStarted: 0,
      transitionsByState: {},
      apiRequestsByOperation: {},
      executionMs: 0,
      expressBilledMs: 0,
    },
    serialization: {},
    network: {},
    compute: { cpuMsByComponent: {}, invocationsByTask: {}, wallMs: 0, peakRssBytes: 0 },
  };
}

const TIER1_PREFIXES = ['Put', 'Copy', 'Post', 'List', 'Create', 'UploadPart', 'Complete', 'Restore'];

/**
 * Billing tier of an S3 operation (S3 pricing: PUT, COPY, POST, LIST requests are tier 1; GET, SELECT,
 * HEAD and all others tier 2; DELETE and CANCEL are free). `CreateMultipartUpload`, `UploadPart` and
 * `CompleteMultipartUpload` are POST/PUT requests, so tier 1.
 */
export function s3TierOf(operation: string): S3Tier {
  if (operation.startsWith('Delete') || operation.startsWith('AbortMultipartUpload')) return 'free';
  if (TIER1_PREFIXES.some((prefix) => operation.startsWith(prefix))) return 'tier1';
  return 'tier2';
}

/** The entry for `key`, created with `create()` on first use. */
function entryOf<T>(record: Record<string, T>, key: string, create: () => T): T {
  const existing = record[key];
  if (existing !== undefined) return existing;
  const created = create();
  record[key] = created;
  return created;
}

const newSerializationEntry = (): SerializationHopCounters => ({
  encodeOps: 0,
  decodeOps: 0,
  bytes: 0,
  cpuMs: 0,
});
const newNetworkEntry = (): NetworkPeerCounters => ({ requests: 0, bytesSent: 0, bytesReceived: 0 });

function bump(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}

/** Records one S3 HTTP request as sent on the wire. */
export function countS3Request(
  counters: Counters,
  operation: string,
  bytesUp: number,
  bytesDown: number,
): void {
  bump(counters.s3.requestsByOperation, operation);
  counters.s3.requestsByTier[s3TierOf(operation)] += 1;
  counters.s3.bytesUp += bytesUp;
  counters.s3.bytesDown += bytesDown;
  countNetwork(counters, 's3', bytesUp, bytesDown);
}

/** Records one request to a network peer. */
export function countNetwork(
  counters: Counters,
  peer: string,
  bytesSent: number,
  bytesReceived: number,
): void {
  const entry = entryOf(counters.network, peer, newNetworkEntry);
  entry.requests += 1;
  entry.bytesSent += bytesSent;
  entry.bytesReceived += bytesReceived;
}

/** Records one serialization (`encode`) or deserialization (`decode`) on a hop. */
export function countSerialization(
  counters: Counters,
  hop: string,
  direction: 'encode' | 'decode',
  bytes: number,
  cpuMs: number,
): void {
  const entry = entryOf(counters.serialization, hop, newSerializationEntry);
  if (direction === 'encode') entry.encodeOps += 1;
  else entry.decodeOps += 1;
  entry.bytes += bytes;
  entry.cpuMs += cpuMs;
}

/** Adds CPU time to a component. */
export function countCpu(counters: Counters, component: string, cpuMs: number): void {
  bump(counters.compute.cpuMsByComponent, component, cpuMs);
}

/** Records one task invocation with its measured duration, billed as Lambda does (ms, rounded up). */
export function countInvocation(
  counters: Counters,
  task: string,
  durationMs: number,
  memoryMb: number,
): void {
  const entry = entryOf(counters.compute.invocationsByTask, task, () => ({
    invocations: 0,
    billedMs: 0,
    memoryMb,
  }));
  entry.invocations += 1;
  entry.billedMs += Math.max(1, Math.ceil(durationMs));
  entry.memoryMb = memoryMb;
}

function addRecord(into: Record<string, number>, from: Readonly<Record<string, number>>): void {
  for (const [key, value] of Object.entries(from)) bump(into, key, value);
}

/** Records one finished execution's duration, also as Express would bill it (rounded up to 100 ms). */
export function countExecutionDuration(counters: Counters, durationMs: number): void {
  counters.sfn.executionMs += durationMs;
  counters.sfn.expressBilledMs += Math.max(100, Math.ceil(durationMs / 100) * 100);
}

/**
 * Adds `from` into `into` (e.g. a worker's counters into the run's). Counts and CPU add up; wall time
 * and peak RSS take the maximum, since processes run concurrently. With `stage`, the S3 requests of
 * `from` are also attributed to that stage in `requestsByStage`.
 */
export function mergeCounters(into: Counters, from: Counters, stage?: string): Counters {
  addRecord(into.s3.requestsByOperation, from.s3.requestsByOperation);
  if (stage !== undefined) {
    addRecord(
      entryOf(into.s3.requestsByStage, stage, () => ({})),
      from.s3.requestsByOperation,
    );
  } else {
    for (const [fromStage, byOperation] of Object.entries(from.s3.requestsByStage)) {
      addRecord(
        entryOf(into.s3.requestsByStage, fromStage, () => ({})),
        byOperation,
      );
    }
  }
  addRecord(into.s3.requestsByTier, from.s3.requestsByTier);
  into.s3.bytesUp += from.s3.bytesUp;
  into.s3.bytesDown += from.s3.bytesDown;
  into.sfn.executionsStarted += from.sfn.executionsStarted;
  into.sfn.executionMs += from.sfn.executionMs;
  into.sfn.expressBilledMs += from.sfn.expressBilledMs;
  addRecord(into.sfn.transitionsByState, from.sfn.transitionsByState);
  addRecord(into.sfn.apiRequestsByOperation, from.sfn.apiRequestsByOperation);
  for (const [hop, entry] of Object.entries(from.serialization)) {
    const target = entryOf(into.serialization, hop, newSerializationEntry);
    target.encodeOps += entry.encodeOps;
    target.decodeOps += entry.decodeOps;
    target.bytes += entry.bytes;
    target.cpuMs += entry.cpuMs;
  }
  for (const [peer, entry] of Object.entries(from.network)) {
    const target = entryOf(into.network, peer, newNetworkEntry);
    target.requests += entry.requests;
    target.bytesSent += entry.bytesSent;
    target.bytesReceived += entry.bytesReceived;
  }
  addRecord(into.compute.cpuMsByComponent, from.compute.cpuMsByComponent);
  for (const [task, entry] of Object.entries(from.compute.invocationsByTask)) {
    const target = entryOf(into.compute.invocationsByTask, task, () => ({
      invocations: 0,
      billedMs: 0,
      memoryMb: entry.memoryMb,
    }));
    target.invocations += entry.invocations;
    target.billedMs += entry.billedMs;
  }
  into.compute.wallMs = Math.max(into.compute.wallMs, from.compute.wallMs);
  into.compute.peakRssBytes = Math.max(into.compute.peakRssBytes, from.compute.peakRssBytes);
  return into;
}
