import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fitMonolithSizing,
  type MonolithSizingFit,
  type MonolithStreamsSample,
} from '../core/cost/monolith-sizing.ts';
import { BadInputError, type ErrorDocument, ServiceUnavailableError } from '../core/errors.ts';
import { DETECTOR_PORTS_MODULE } from '../infra/detector-ports.ts';
import { startSettingsChild } from '../infra/settings-child.ts';
import { ffmpegPath } from '../media/ffmpeg-binaries.ts';
import { displayPath } from '../media/probe.ts';
import { runTool } from '../media/tool-process.ts';
import type {
  StreamsMeasurementMessage,
  StreamsMeasurementSettings,
} from '../runners/monolith/monolith-streams-protocol.ts';
import type { HarnessConfig } from './config.ts';
import { resolveDetectors } from './detectors.ts';

/**
 * Measures the multi-stream monolith: for each k, a fresh process (monolith-streams-main.ts) analyses k
 * streams at once with the run's detectors and decode settings, and reports its CPU (decoders included),
 * wall time and peak memory; the samples are fitted into the monolith's sizing (core/cost/monolith-sizing).
 * One process per k, one after another: peak RSS only rises within a process, and runs side by side would
 * share the cores they are measuring.
 */

export interface MeasureMonolithStreamsOptions {
  /** The run's configuration: its `decode` settings and `detectors` are used. */
  readonly config: Pick<HarnessConfig, 'decode' | 'detectors'>;
  /**
   * Clips the streams analyse; stream i takes clip i modulo their number. Short clips of one length keep
   * the measurement quick and every stream busy until the end.
   */
  readonly clipPaths: readonly string[];
  /**
   * Analyse only the first this many seconds of each clip (default: whole clips), to keep the measurement
   * short: the clips are cut (stream copy, at a keyframe) into a temporary directory first. Shorter streams
   * weigh each stream's fixed cost (starting its ffmpeg) more, so the CPU figure errs high.
   */
  readonly secondsPerStream?: number;
  /** The k to measure, in this order (default 1, 2, 4, 8). */
  readonly streamCounts?: readonly number[];
  /**
   * Skip a k whose memory, predicted from the samples so far, exceeds this share of the machine's free
   * memory (default 0.5): "8 where memory allows".
   */
  readonly maxMemoryShareOfFree?: number;
  /** Longest one k may take, ms (default 120,000); the process is killed after it. */
  readonly timeoutMs?: number;
  /** CPUs the throughput scaling is judged against (default: this machine's available parallelism). */
  readonly cores?: number;
  /** How often the decoders' memory is sampled, ms (default 50). */
  readonly memorySampleIntervalMs?: number;
  /** File URLs of modules exporting `detectors`, for detectors outside the registry (tests). */
  readonly detectorModules?: readonly string[];
  /** Aborts the measurement: the running process and its decoders are ended, and the call rejects. */
  readonly signal?: AbortSignal;
  /** Called after each k, for progress output. */
  readonly onSample?: (sample: MonolithStreamsSample) => void;
}

/** A k that was not measured, and why. */
export interface SkippedStreamCount {
  readonly streams: number;
  readonly reason: string;
}

export interface MonolithStreamsMeasurement {
  /** One per measured k, in measuring order. */
  readonly samples: readonly MonolithStreamsSample[];
  readonly fit: MonolithSizingFit;
  readonly skipped: readonly SkippedStreamCount[];
  readonly clipPaths: readonly string[];
  /** Wall time of the whole measurement, process starts included, ms. */
  readonly wallMs: number;
}

const ENTRY_PATH = fileURLToPath(new URL('../runners/monolith/monolith-streams-main.ts', import.meta.url));

/** Runs one measurement process per k, sequentially, and fits the samples. Rejects if a k fails. */
export async function measureMonolithStreams(
  options: MeasureMonolithStreamsOptions,
): Promise<MonolithStreamsMeasurement> {
  const started = performance.now();
  const streamCounts = options.streamCounts ?? [1, 2, 4, 8];
  if (options.clipPaths.length === 0) throw new BadInputError('monolith streams: no clip to measure with');
  for (const k of streamCounts) {
    if (!(Number.isInteger(k) && k >= 1)) {
      throw new BadInputError(`monolith streams: stream count ${k} is not a whole number of at least 1`);
    }
  }
  const cores = options.cores ?? os.availableParallelism();
  const maxShare = options.maxMemoryShareOfFree ?? 0.5;
  const detectors = resolveDetectors(options.config.detectors).map((detector) => ({
    name: detector.name,
    params: detector.params,
  }));
  await using cut = await cutClips(options.clipPaths, options.secondsPerStream);
  const samples: MonolithStreamsSample[] = [];
  const skipped: SkippedStreamCount[] = [];
  for (const streams of streamCounts) {
    const predictedBytes = predictPeakBytes(samples, streams, cores);
    const allowedBytes = os.freemem() * maxShare;
    if (predictedBytes !== undefined && predictedBytes > allowedBytes) {
      skipped.push({
        streams,
        reason: `predicted peak ${(predictedBytes / 1e6).toFixed(0)} MB is above ${maxShare} of free memory (${(allowedBytes / 1e6).toFixed(0)} MB)`,
      });
      continue;
    }
    const sample = await measureOnce(
      {
        streams,
        clipPaths: cut.clipPaths,
        decode: options.config.decode,
        detectors,
        detectorModules: options.detectorModules ?? [],
        detectorPortsModule: DETECTOR_PORTS_MODULE,
        memorySampleIntervalMs: options.memorySampleIntervalMs ?? 50,
      },
      options.timeoutMs ?? 120_000,
      options.signal,
    );
    samples.push(sample);
    options.onSample?.(sample);
  }
  return {
    samples,
    fit: fitMonolithSizing(samples, cores),
    skipped,
    clipPaths: options.clipPaths,
    wallMs: performance.now() - started,
  };
}

/** The clips to measure with, cut to `seconds` in a temporary directory removed on dispose. */
async function cutClips(
  clipPaths: readonly string[],
  seconds: number | undefined,
): Promise<AsyncDisposable & { readonly clipPaths: readonly string[] }> {
  if (seconds === undefined) return { clipPaths, [Symbol.asyncDispose]: async () => {} };
  if (!(seconds > 0))
    throw new BadInputError(`monolith streams: secondsPerStream ${seconds} must be above 0`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'archbench-streams-'));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    const cutPaths: string[] = [];
    for (const [index, clipPath] of clipPaths.entries()) {
      const target = path.join(dir, `${index}${path.extname(clipPath) || '.mp4'}`);
      // Stream copy: no re-encode, so the cut clip decodes to the original's first frames and samples.
      const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', `file:${clipPath}`];
      args.push('-t', String(seconds), '-map', '0', '-c', 'copy', `file:${target}`);
      const result = await runTool(ffmpegPath(), args);
      if (result.spawnError) throw new Error(`Could not run ffmpeg: ${result.spawnError.message}`);
      if (result.code !== 0) {
        throw new BadInputError(
          `${displayPath(clipPath)}: could not cut the first ${seconds} s (${result.stderr.lastLine() || `ffmpeg exit code ${result.code}`})`,
        );
      }
      cutPaths.push(target);
    }
    return { clipPaths: cutPaths, [Symbol.asyncDispose]: remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** Peak memory at k from the samples so far (undefined before the first). */
function predictPeakBytes(
  samples: readonly MonolithStreamsSample[],
  streams: number,
  cores: number,
): number | undefined {
  if (samples.length === 0) return undefined;
  const fit = fitMonolithSizing(samples, cores);
  return fit.memoryBaseBytes + streams * fit.memoryPerStreamBytes;
}

/** One fresh process analysing `settings.streams` streams; ended on answer, failure and timeout. */
async function measureOnce(
  settings: StreamsMeasurementSettings,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<MonolithStreamsSample> {
  signal?.throwIfAborted();
  const label = `monolith streams k=${settings.streams}`;
  let settle: { resolve(sample: MonolithStreamsSample): void; reject(error: Error): void } | undefined;
  const answer = new Promise<MonolithStreamsSample>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const child = startSettingsChild<StreamsMeasurementMessage>({
    entryPath: ENTRY_PATH,
    settings,
    label,
    // Its own process group, so whatever it left running (its ffmpeg) can be ended with it.
    detached: true,
    onMessage: (message) => {
      if (message.type === 'measured') settle?.resolve(message.sample);
      else settle?.reject(errorOf(message.error, label));
    },
    onExit: (code, signal) => {
      const how = signal === null ? `code ${code}` : `signal ${signal}`;
      settle?.reject(new Error(`${label} exited without a measurement (${how})${child.stderrNote()}`));
    },
  });
  const timer = setTimeout(() => {
    settle?.reject(new Error(`${label} took longer than ${timeoutMs} ms`));
  }, timeoutMs);
  const onAbort = (): void => settle?.reject(new Error(`${label}: aborted`));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await answer;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    child.kill('SIGKILL');
    await child.exited;
    endGroup(child.pid);
    child.child.stdin?.destroy();
  }
}

function errorOf(error: ErrorDocument, label: string): Error {
  if (error.kind === 'bad-input') return new BadInputError(error.message);
  if (error.kind === 'unavailable') return new ServiceUnavailableError(error.message);
  return new Error(`${label}: ${error.message}`);
}

/** Ends whatever is left in the measurement process's group (its decoders, if it died mid-run). */
function endGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already empty.
  }
}
