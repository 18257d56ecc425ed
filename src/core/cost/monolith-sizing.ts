/**
 * Sizing the monolith from measurement: one monolith process analysing k streams at once, measured at
 * several k (src/harness/measure-monolith-streams.ts), gives CPU per stream-second and memory as
 * base + k x per-stream. The cost model (priceMonolith) packs streams into Fargate task sizes (from the
 * price book) or EC2 instances from these figures. Pure.
 */

/** One measured run of a monolith process analysing `streams` streams at once (a fresh process per run). */
export interface MonolithStreamsSample {
  /** Streams analysed concurrently in the one process, k. */
  readonly streams: number;
  /** Media seconds analysed, summed over the streams, s. */
  readonly streamSeconds: number;
  /** CPU of the process and of its reaped children (the ffmpeg decoders), ms, during the streams' run. */
  readonly cpuMs: number;
  /** Of `cpuMs`, the Node process's own (detectors on the main thread, ONNX and GC threads, pipes), ms. */
  readonly nodeCpuMs: number;
  /** Wall time from the first stream's start to the last stream's end, ms. */
  readonly wallMs: number;
  /**
   * Peak memory of the process together with its decoders, bytes: what its container must hold. The
   * Node process's peak resident set (VmHWM) plus the largest sum of its ffmpeg children's peaks seen
   * at once (sampled, so an upper bound).
   */
  readonly peakRssBytes: number;
  /** Peak resident set of the Node process alone (VmHWM), bytes. */
  readonly nodePeakRssBytes: number;
}

/** A straight line fitted by ordinary least squares. */
export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
}

/** What the monolith's capacity is sized from, fitted over the samples. */
export interface MonolithSizingFit {
  /**
   * CPU seconds per stream-second, decode included: the least-squares slope of CPU seconds on
   * stream-seconds over the samples (the marginal cost of one more stream-second; the fixed cost of a
   * process, start-up and warm-up, goes to the intercept). With fewer than two distinct stream-second
   * values, or a slope that is not positive (noise), total CPU / total stream-seconds instead; see
   * `cpuMethod`.
   */
  readonly cpuSecondsPerStreamSecond: number;
  readonly cpuMethod: 'least-squares-slope' | 'ratio-of-totals';
  /**
   * Of `cpuSecondsPerStreamSecond`, the Node process's own CPU (same method). A process runs every
   * stream's detectors on its one main thread, so one process serves at most about 1 / this streams
   * before that thread saturates, whatever the vCPUs of its host.
   */
  readonly nodeCpuSecondsPerStreamSecond: number;
  /** Intercept of peak memory (process and decoders) on k: the memory of a process with no stream, bytes. */
  readonly memoryBaseBytes: number;
  /** Slope of peak memory (process and decoders) on k: the marginal memory of one more stream, bytes. */
  readonly memoryPerStreamBytes: number;
  /** The same fit over the Node process's own peak (decoders excluded), bytes. */
  readonly nodeMemory: { readonly baseBytes: number; readonly perStreamBytes: number };
  /**
   * Throughput (stream-seconds per wall-second) at the largest k not above `cores`, divided by k = 1's;
   * null without a k = 1 sample. `cores` is the measuring machine's.
   */
  readonly throughputScaling: number | null;
  /** The k `throughputScaling` was taken at (null with it). */
  readonly throughputScalingStreams: number | null;
  /** CPUs of the machine the samples were taken on. */
  readonly cores: number;
  /** The samples, ordered by k. */
  readonly samples: readonly MonolithStreamsSample[];
}

/** Ordinary least squares of `y` on `x`; throws with fewer than two distinct x values. */
export function fitLine(points: readonly { readonly x: number; readonly y: number }[]): LineFit {
  const n = points.length;
  const meanX = points.reduce((sum, point) => sum + point.x, 0) / n;
  const meanY = points.reduce((sum, point) => sum + point.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const { x, y } of points) {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  }
  if (!(n >= 2 && sxx > 0)) throw new RangeError('a line fit needs at least two distinct x values');
  const slope = sxy / sxx;
  return { slope, intercept: meanY - slope * meanX };
}

function distinctCount(values: readonly number[]): number {
  return new Set(values).size;
}

/** CPU seconds per stream-second from `cpuMsOf` each sample: the slope, or the ratio of totals. */
function cpuPerStreamSecond(
  samples: readonly MonolithStreamsSample[],
  cpuMsOf: (sample: MonolithStreamsSample) => number,
): { value: number; method: MonolithSizingFit['cpuMethod'] } {
  if (distinctCount(samples.map((sample) => sample.streamSeconds)) >= 2) {
    const { slope } = fitLine(
      samples.map((sample) => ({ x: sample.streamSeconds, y: cpuMsOf(sample) / 1000 })),
    );
    if (slope > 0) return { value: slope, method: 'least-squares-slope' };
  }
  const cpuSec = samples.reduce((sum, sample) => sum + cpuMsOf(sample), 0) / 1000;
  const streamSec = samples.reduce((sum, sample) => sum + sample.streamSeconds, 0);
  return { value: cpuSec / streamSec, method: 'ratio-of-totals' };
}

/** Memory = base + k x per-stream by least squares; one sample (or one k) gives base 0 and its peak / k. */
function memoryFit(
  samples: readonly MonolithStreamsSample[],
  bytesOf: (sample: MonolithStreamsSample) => number,
): {
  baseBytes: number;
  perStreamBytes: number;
} {
  if (distinctCount(samples.map((sample) => sample.streams)) < 2) {
    const perStream =
      samples.reduce((sum, sample) => sum + bytesOf(sample) / sample.streams, 0) / samples.length;
    return { baseBytes: 0, perStreamBytes: perStream };
  }
  const line = fitLine(samples.map((sample) => ({ x: sample.streams, y: bytesOf(sample) })));
  return { baseBytes: line.intercept, perStreamBytes: line.slope };
}

function throughput(sample: MonolithStreamsSample): number {
  return sample.streamSeconds / (sample.wallMs / 1000);
}

/**
 * Fits the monolith's sizing figures to multi-stream samples (see `MonolithSizingFit` for each method).
 * `cores` is the number of CPUs of the machine that took the samples. Throws on no samples or a sample
 * with no streams, stream-seconds or wall time.
 */
export function fitMonolithSizing(
  samples: readonly MonolithStreamsSample[],
  cores: number,
): MonolithSizingFit {
  if (samples.length === 0) throw new RangeError('fitMonolithSizing needs at least one sample');
  for (const sample of samples) {
    if (!(sample.streams >= 1 && sample.streamSeconds > 0 && sample.wallMs > 0)) {
      throw new RangeError(
        `monolith streams sample needs streams >= 1, stream-seconds > 0 and wall time > 0 (k = ${sample.streams})`,
      );
    }
  }
  const ordered = [...samples].sort((a, b) => a.streams - b.streams);
  const cpu = cpuPerStreamSecond(ordered, (sample) => sample.cpuMs);
  const nodeCpu = cpuPerStreamSecond(ordered, (sample) => sample.nodeCpuMs);
  const memory = memoryFit(ordered, (sample) => sample.peakRssBytes);
  const nodeMemory = memoryFit(ordered, (sample) => sample.nodePeakRssBytes);
  const single = ordered.find((sample) => sample.streams === 1);
  const parallel = ordered.filter((sample) => sample.streams <= cores).at(-1);
  const scaled = single !== undefined && parallel !== undefined;
  return {
    cpuSecondsPerStreamSecond: cpu.value,
    cpuMethod: cpu.method,
    nodeCpuSecondsPerStreamSecond: nodeCpu.value,
    memoryBaseBytes: memory.baseBytes,
    memoryPerStreamBytes: memory.perStreamBytes,
    nodeMemory,
    throughputScaling: scaled ? throughput(parallel) / throughput(single) : null,
    throughputScalingStreams: scaled ? parallel.streams : null,
    cores,
    samples: ordered,
  };
}
