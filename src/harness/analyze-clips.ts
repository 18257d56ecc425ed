import { randomBytes } from 'node:crypto';
import { BadInputError, toErrorDocument } from '../core/errors.ts';
import { startEmbeddedS3 } from '../infra/fauxqs-server.ts';
import { createS3Client, createS3ObjectStore, type S3Endpoint } from '../infra/s3-object-store.ts';
import { probeMedia } from '../media/probe.ts';
import { type RunnerName, runnerRegistry } from '../runners/registry.ts';
import type { ClipRunner, RunnerContext } from '../runners/runner.ts';
import type { HarnessConfig } from './config.ts';
import { resolveDetectors } from './detectors.ts';
import type { AnalyzeDocument, ClipDocument, RunDocument } from './results.ts';

export interface AnalyzeOptions {
  readonly config: HarnessConfig;
  /** Runners to replay every clip through, in order. */
  readonly runners: readonly RunnerName[];
  /** Called after each clip and runner, for progress output. */
  readonly onRun?: (clipPath: string, run: RunDocument) => void;
}

/**
 * Replays clips through the chosen runners against one embedded S3 server. A clip that fails (bad input
 * or a bug) is recorded as a failed run and the other clips still run; the caller derives the exit code
 * from the document.
 */
export async function analyzeClips(
  paths: readonly string[],
  options: AnalyzeOptions,
): Promise<AnalyzeDocument> {
  const { config } = options;
  const detectors = resolveDetectors(config.detectors);
  await using s3 = await startEmbeddedS3();
  await createBucketOnce(s3.endpoint, config.s3.bucket);
  const context: RunnerContext = {
    runId: `run-${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(3).toString('hex')}`,
    decode: config.decode,
    detectors,
    ports: {},
    s3: s3.endpoint,
    bucket: config.s3.bucket,
  };
  const runners: ClipRunner[] = [];
  try {
    for (const name of options.runners) runners.push(await runnerRegistry[name](context));
    const clips: ClipDocument[] = [];
    for (const clipPath of paths) clips.push(await analyzeOne(clipPath, runners, options));
    return { schemaVersion: 1, clips };
  } finally {
    for (const runner of runners) await runner[Symbol.asyncDispose]();
  }
}

async function analyzeOne(
  clipPath: string,
  runners: readonly ClipRunner[],
  options: AnalyzeOptions,
): Promise<ClipDocument> {
  let info: Awaited<ReturnType<typeof probeMedia>>;
  try {
    info = await probeMedia(clipPath);
  } catch (error) {
    const failed = runners.map((runner): RunDocument => {
      const run: RunDocument = { runner: runner.name, status: 'failed', error: toErrorDocument(error) };
      options.onRun?.(clipPath, run);
      return run;
    });
    return { path: clipPath, durationSec: null, runs: failed };
  }
  const runs: RunDocument[] = [];
  for (const runner of runners) {
    let run: RunDocument;
    try {
      const result = await runner.runClip(info);
      if (result.decode.videoFrames === 0 && result.decode.audioSamples === 0) {
        throw new BadInputError(`${clipPath}: nothing could be decoded (damaged or truncated file)`);
      }
      run = { runner: runner.name, status: 'ok', ...result, decode: { ...result.decode } };
    } catch (error) {
      run = { runner: runner.name, status: 'failed', error: toErrorDocument(error) };
    }
    options.onRun?.(clipPath, run);
    runs.push(run);
  }
  return { path: clipPath, durationSec: info.durationSec, runs };
}

/** Creates the run's bucket with an uncounted client: setting up is not part of either design's cost. */
async function createBucketOnce(endpoint: S3Endpoint, bucket: string): Promise<void> {
  const client = createS3Client(endpoint);
  try {
    await createS3ObjectStore({ client, bucket, create: true });
  } finally {
    client.destroy();
  }
}
