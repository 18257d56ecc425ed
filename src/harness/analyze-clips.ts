import { randomBytes } from 'node:crypto';
import { BadInputError, toErrorDocument } from '../core/errors.ts';
import { createDetectorPorts, DETECTOR_PORTS_MODULE } from '../infra/detector-ports.ts';
import { displayPath, type MediaInfo, probeMedia } from '../media/probe.ts';
import type { ExternalWorkersSettings } from '../runners/distributed/distributed-settings.ts';
import { type RunnerName, runnerRegistry } from '../runners/registry.ts';
import type { ClipRunner, RunnerContext } from '../runners/runner.ts';
import type { HarnessConfig } from './config.ts';
import { resolveDetectors } from './detectors.ts';
import type { AnalyzeDocument, ClipDocument, RunDocument } from './results.ts';
import { startBackend } from './start-backend.ts';

export interface AnalyzeOptions {
  readonly config: HarnessConfig;
  /** Runners to replay every clip through, in order. */
  readonly runners: readonly RunnerName[];
  /**
   * Called after each clip and runner, for progress output. For a failed run `error` is what was thrown,
   * so the caller can print the stack of an internal error (the document keeps only its message).
   */
  readonly onRun?: (clipPath: string, run: RunDocument, error?: unknown) => void;
  /** The distributed runner's workers are started apart (`--workers external`); its own pools otherwise. */
  readonly externalWorkers?: ExternalWorkersSettings;
  /** The user confirmed the run may create billable resources (`--yes`; the aws backend needs it). */
  readonly backendConfirmed?: boolean;
}

/** A clip after probing: its media description, or the failed runs recorded for it. */
type ProbedClip =
  | { readonly path: string; readonly info: MediaInfo }
  | { readonly path: string; readonly failed: readonly RunDocument[] };

/**
 * Replays clips through the chosen runners against the configured backend (one per call). Every clip is probed first, so
 * bad input is reported before any long analysis, and no server starts when no clip is usable. A clip that
 * fails (bad input or a bug) is recorded as a failed run and the other clips still run; the caller derives
 * the exit code from the document.
 */
export async function analyzeClips(
  paths: readonly string[],
  options: AnalyzeOptions,
): Promise<AnalyzeDocument> {
  const { config } = options;
  const detectors = resolveDetectors(config.detectors);
  const probed: ProbedClip[] = [];
  for (const clipPath of paths) probed.push(await probeClip(clipPath, options));
  if (!probed.some((clip) => 'info' in clip)) {
    return { schemaVersion: 1, clips: probed.map(failedClip) };
  }

  const runId = `run-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
  await using backend = await startBackend(config, runId, { confirmed: options.backendConfirmed === true });
  const context: RunnerContext = {
    runId,
    decode: config.decode,
    detectors,
    // Built once per run (the ONNX session opens lazily, once per process); workers build their own.
    ports: await createDetectorPorts(detectors.map((detector) => detector.name)),
    detectorPortsModule: DETECTOR_PORTS_MODULE,
    s3: backend.s3,
    bucket: backend.bucket,
    backend,
    distributed: config.distributed,
    monolith: config.monolith,
    ...(options.externalWorkers === undefined ? {} : { externalWorkers: options.externalWorkers }),
  };
  const runners: ClipRunner[] = [];
  try {
    for (const name of options.runners) runners.push(await runnerRegistry[name](context));
    const clips: ClipDocument[] = [];
    for (const clip of probed) {
      clips.push('info' in clip ? await analyzeOne(clip.info, runners, options) : failedClip(clip));
    }
    return { schemaVersion: 1, clips };
  } finally {
    for (const runner of runners) await runner[Symbol.asyncDispose]();
  }
}

async function probeClip(clipPath: string, options: AnalyzeOptions): Promise<ProbedClip> {
  try {
    return { path: clipPath, info: await probeMedia(clipPath) };
  } catch (error) {
    const failed = options.runners.map((runner): RunDocument => {
      const run: RunDocument = { runner, status: 'failed', error: toErrorDocument(error) };
      options.onRun?.(clipPath, run, error);
      return run;
    });
    return { path: clipPath, failed };
  }
}

function failedClip(clip: ProbedClip): ClipDocument {
  return { path: clip.path, durationSec: null, runs: 'failed' in clip ? clip.failed : [] };
}

async function analyzeOne(
  info: MediaInfo,
  runners: readonly ClipRunner[],
  options: AnalyzeOptions,
): Promise<ClipDocument> {
  const clipPath = info.path;
  const runs: RunDocument[] = [];
  for (const runner of runners) {
    let run: RunDocument;
    let thrown: unknown;
    try {
      const result = await runner.runClip(info);
      if (result.decode.videoFrames === 0 && result.decode.audioSamples === 0) {
        throw new BadInputError(
          `${displayPath(clipPath)}: nothing could be decoded (damaged or truncated file)`,
        );
      }
      run = { runner: runner.name, status: 'ok', ...result, decode: { ...result.decode } };
    } catch (error) {
      thrown = error;
      run = { runner: runner.name, status: 'failed', error: toErrorDocument(error) };
    }
    options.onRun?.(clipPath, run, thrown);
    runs.push(run);
  }
  return { path: clipPath, durationSec: info.durationSec, runs };
}
