import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Bench } from 'tinybench';
import type {
  BenchClip,
  BenchClipRun,
  BenchResults,
  EnvironmentInfo,
  LatencyStats,
  MeasuredDesign,
  MonolithStreamsMeasurement,
  RunnerSummary,
} from '../core/bench-results.ts';
import { breakEvenOverDutyCycle, breakEvenOverStreams } from '../core/cost/break-even.ts';
import { type CostOptions, type Design, resolveCostOptions, whatIfs } from '../core/cost/cost-model.ts';
import { priceVerdict, type VerdictAssumptions } from '../core/cost/design-verdict.ts';
import { headroom } from '../core/cost/headroom.ts';
import { profileFromCounters } from '../core/cost/workload-profile.ts';
import { type Counters, createCounters, mergeCounters } from '../core/counters.ts';
import { detectorNames } from '../core/detectors/registry.ts';
import { BadInputError, ExitError } from '../core/errors.ts';
import { ffmpegPath } from '../media/ffmpeg-binaries.ts';
import { ensureFixtures } from '../media/fixtures/fixture-generator.ts';
import type { ExternalWorkersSettings } from '../runners/distributed/distributed-settings.ts';
import type { RunnerName } from '../runners/registry.ts';
import { analyzeClips } from './analyze-clips.ts';
import { type HarnessConfig, resolveConfig } from './config.ts';
import { serverlessDesigns } from './designs.ts';
import { measureMonolithStreams } from './measure-monolith-streams.ts';
import { loadPriceBook } from './price-book-loader.ts';
import type { AnalyzeDocument } from './results.ts';
import { compareRunnerFindings } from './runner-comparison.ts';
import type { Scenario } from './scenario.ts';

const run = promisify(execFile);

export interface RunBenchOptions {
  /** The validated `bench.config.ts`. */
  readonly config: HarnessConfig;
  readonly scenario: Scenario;
  /** Progress lines (plain text). */
  readonly onProgress?: (line: string) => void;
  /** Project root for fixtures, scenarios and price books; default the current directory. */
  readonly cwd?: string;
  /** The distributed runner's workers are started apart (`--workers external`). */
  readonly externalWorkers?: ExternalWorkersSettings;
  /** The user confirmed the run may create billable resources (`--yes`; the aws backend needs it). */
  readonly backendConfirmed?: boolean;
  /**
   * Called once the clips are known, before any backend starts (the CLI prints the aws estimate and may
   * refuse by throwing). `config` is the scenario's, `replays` how often the clips go through the monolith
   * and through serverless designs (all of them together).
   */
  readonly beforeReplay?: (plan: {
    readonly config: HarnessConfig;
    readonly clipPaths: readonly string[];
    readonly replays: { readonly monolith: number; readonly distributed: number };
    readonly priceBook: string;
  }) => Promise<void>;
}

/**
 * Replays a scenario's clips through both runners, checks that they find the same defects, times each
 * runner with tinybench, and prices the counts: the whole results document of one bench run.
 */
export async function runBench(options: RunBenchOptions): Promise<BenchResults> {
  const { scenario } = options;
  const cwd = options.cwd ?? process.cwd();
  const progress = options.onProgress ?? (() => {});
  const config = scenarioConfig(options.config, scenario);
  // The clones priced are the clones measured: the run's setting, whatever the scenario's cost section says.
  const scenarioCost = unwrapCost(resolveCostOptions(scenario.cost as never), scenario);
  const { clones: _scenarioClones, ...monolithCost } = scenarioCost.monolith;
  const measuredCost: CostOptions = {
    ...scenarioCost,
    monolith: config.monolith.clones > 1 ? { ...monolithCost, clones: config.monolith.clones } : monolithCost,
  };
  const priceBook = await loadPriceBook(scenario.priceBook, cwd);
  const clipPaths = await scenarioClips(scenario, config, cwd, progress);
  const plans = designPlans(config, scenario, measuredCost);
  await options.beforeReplay?.({
    config,
    clipPaths,
    // Every serverless design is estimated with the first one's chunking (the default's finest: an upper
    // bound for the others, which start fewer executions).
    replays: { monolith: scenario.iterations, distributed: scenario.iterations * (plans.length - 1) },
    priceBook: scenario.priceBook,
  });
  const createdAt = new Date().toISOString();

  const documents = new Map<string, AnalyzeDocument>();
  const wallMs = new Map<string, number>();
  const bench = new Bench({
    name: `archbench ${scenario.name}`,
    iterations: scenario.iterations,
    time: 0,
    warmup: false,
  });
  for (const plan of plans) {
    bench.add(plan.id, async () => {
      progress(`replaying ${clipPaths.length} clip(s) through ${plan.id}`);
      const started = performance.now();
      const document = await analyzeClips(clipPaths, {
        config: plan.config,
        runners: [plan.runner],
        ...(options.backendConfirmed === true ? { backendConfirmed: true } : {}),
        ...(plan.runner === 'distributed' && options.externalWorkers !== undefined
          ? { externalWorkers: options.externalWorkers }
          : {}),
        onRun: (clipPath, result) =>
          progress(
            `  ${result.status === 'ok' ? 'ok    ' : 'FAILED'} ${plan.id} ${clipPath}${result.status === 'failed' ? `: ${result.error.message}` : ''}`,
          ),
      });
      wallMs.set(plan.id, performance.now() - started);
      documents.set(plan.id, document);
    });
  }
  await bench.run();
  for (const task of bench.tasks) {
    if (task.result.state === 'errored') throw task.result.error;
  }
  const documentOf = (id: string): AnalyzeDocument => {
    const document = documents.get(id);
    if (document === undefined) throw new Error(`bench: design ${id} produced no results document`);
    return document;
  };
  const [monolithPlan, firstPlan] = plans as [DesignPlan, DesignPlan, ...DesignPlan[]];
  const monolithDocument = documentOf(monolithPlan.id);
  const distributedDocument = documentOf(firstPlan.id);

  const monolithStreams =
    scenario.monolithStreams.length === 0
      ? null
      : await measureMonolithStreamsFor(config, clipPaths, scenario.monolithStreams, progress);
  // Resolved again, so the fitted figures sit where every reader of the options expects them.
  const costOptions: CostOptions =
    monolithStreams === null
      ? measuredCost
      : unwrapCost(
          resolveCostOptions({
            ...measuredCost,
            monolith: {
              ...measuredCost.monolith,
              cpuSecondsPerStreamSecond:
                measuredCost.monolith.cpuSecondsPerStreamSecond ??
                monolithStreams.fit.cpuSecondsPerStreamSecond,
              memoryBaseBytes:
                measuredCost.monolith.memoryBaseBytes > 0
                  ? measuredCost.monolith.memoryBaseBytes
                  : Math.max(0, monolithStreams.fit.memoryBaseBytes),
              memoryPerStreamBytes:
                measuredCost.monolith.memoryPerStreamBytes ??
                Math.max(0, monolithStreams.fit.memoryPerStreamBytes),
              processCpuSecondsPerStreamSecond:
                measuredCost.monolith.processCpuSecondsPerStreamSecond ??
                monolithStreams.fit.nodeCpuSecondsPerStreamSecond,
            },
          }),
          scenario,
        );

  const clips = await benchClips(clipPaths, monolithDocument, distributedDocument);
  const combined: AnalyzeDocument = {
    schemaVersion: 1,
    clips: monolithDocument.clips.map((clip, index) => ({
      ...clip,
      runs: plans.flatMap((plan) =>
        (documentOf(plan.id).clips[index]?.runs ?? []).map((run) => ({ ...run, runner: plan.id })),
      ),
    })),
  };
  const differences = compareRunnerFindings(combined).map(
    (difference) => `${difference.clipPath}: ${difference.summary}`,
  );
  const failures = combined.clips.flatMap((clip) =>
    clip.runs.flatMap((run) =>
      run.status === 'failed' ? [`${clip.path}: ${run.runner} failed: ${run.error.message}`] : [],
    ),
  );

  const runners = {
    monolith: summarize(monolithDocument, wallMs.get(monolithPlan.id) ?? 0),
    distributed: summarize(distributedDocument, wallMs.get(firstPlan.id) ?? 0),
  };
  const whatIfInput = {
    distributed: runners.distributed.profile,
    monolith: runners.monolith.profile,
    priceBook,
    options: { ...costOptions, workflow: firstPlan.workflow },
    framesPerObject: scenario.whatIfs.framesPerObject,
    dropDetectors: scenario.whatIfs.dropDetectors.filter((name) => selectedDetectors(config).includes(name)),
  };
  const costs = whatIfs(whatIfInput);
  const headroomOptions = { ...scenario.headroom };

  const verdictInputs: VerdictAssumptions = {
    headroom: { ...scenario.headroom },
    breakEven: scenario.breakEven,
    dropDetectors: whatIfInput.dropDetectors,
    fps: measuredFps(monolithDocument),
  };
  const verdict = priceVerdict({
    designs: plans.map((plan) => measuredDesign(plan, documentOf(plan.id), wallMs.get(plan.id) ?? 0)),
    firstDesignId: firstPlan.id,
    priceBook,
    options: costOptions,
    ...verdictInputs,
  });
  const breakEvenInput = {
    distributed: whatIfInput.distributed,
    monolith: whatIfInput.monolith,
    priceBook,
    options: whatIfInput.options,
  };

  return {
    schemaVersion: 2,
    kind: 'archbench.bench-results',
    runId: `${scenario.name}-${createdAt.replace(/[-:]/g, '').replace(/\..*/, '')}`,
    createdAt,
    environment: { ...(await environmentInfo(cwd)), backend: config.backend.name },
    scenario: {
      name: scenario.name,
      description: scenario.description,
      configHash: configHashOf(config, scenario),
      load: costOptions.load,
      costOptions,
      chunkSeconds: firstPlan.config.decode.chunkSeconds,
      framesPerObject: firstPlan.config.distributed.framesPerObject,
      detectors: selectedDetectors(config),
      priceBookId: priceBook.id,
    },
    priceBook,
    clips,
    equivalence: {
      identical: differences.length === 0 && failures.length === 0,
      differences: [...differences, ...failures],
    },
    runners,
    costs,
    headroom: {
      distributed: headroom(runners.distributed.profile, priceBook, {
        ...headroomOptions,
        workflow: firstPlan.workflow,
      }),
      monolith: headroom(runners.monolith.profile, priceBook, {
        ...headroomOptions,
        workflow: firstPlan.workflow,
      }),
    },
    breakEven: {
      overStreams: breakEvenOverStreams(breakEvenInput, scenario.breakEven.streams),
      overDutyCycle: breakEvenOverDutyCycle(breakEvenInput, scenario.breakEven.dutyCycle),
    },
    ...verdict,
    verdictInputs,
    monolithStreams,
  };
}

/** A design to run: which runner, with which config, priced how. */
interface DesignPlan {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly kind: Design;
  readonly runner: RunnerName;
  /** The run's config with the design's settings in it. */
  readonly config: HarnessConfig;
  /** How the design's executions are billed (the monolith's plan carries the scenario's, unused). */
  readonly workflow: 'standard' | 'express';
}

/**
 * The monolith, then the scenario's serverless designs (each the run's config with the design's chunk
 * length, batching and shape), or, for a scenario that names none, the distributed runner as configured.
 */
function designPlans(config: HarnessConfig, scenario: Scenario, cost: CostOptions): DesignPlan[] {
  const monolith: DesignPlan = {
    id: 'monolith',
    label:
      config.monolith.clones > 1
        ? `Monolith, ${config.monolith.clones} clones (${config.monolith.partition})`
        : 'Monolith: one process, frames in memory',
    description:
      'The shape Prime Video moved to: one process decodes the stream once and runs every detector on the frames in memory; results written to S3.',
    kind: 'monolith',
    runner: 'monolith',
    config,
    workflow: cost.workflow,
  };
  if (scenario.designs === undefined) {
    return [
      monolith,
      {
        id: 'distributed',
        label: `Distributed (${cost.workflow}, ${config.decode.chunkSeconds}-s chunks, ${config.distributed.framesPerObject} frame(s) per object)`,
        description: scenario.description,
        kind: 'distributed',
        runner: 'distributed',
        config,
        workflow: cost.workflow,
      },
    ];
  }
  return [
    monolith,
    ...scenario.designs.map((id): DesignPlan => {
      const design = serverlessDesigns[id];
      const designConfig = scenarioConfig(config, {
        ...scenario,
        overrides: {
          decode: { chunkSeconds: design.chunkSeconds },
          distributed: { shape: design.shape, framesPerObject: design.framesPerObject },
        },
      });
      return {
        id,
        label: design.label,
        description: design.description,
        kind: 'distributed',
        runner: 'distributed',
        config: designConfig,
        workflow: design.workflow,
      };
    }),
  ];
}

/** One design as measured: how it was built, its runs and their summary. */
function measuredDesign(plan: DesignPlan, document: AnalyzeDocument, wallMs: number): MeasuredDesign {
  const ran = document.clips.some((clip) => clip.runs.some((run) => run.status === 'ok'));
  if (!ran) {
    // Nothing measured, nothing to price: a failure is never reported as a result.
    const first = document.clips.flatMap((clip) => clip.runs).find((run) => run.status === 'failed');
    throw new ExitError(
      1,
      `bench: design ${plan.id} ran no clip${first?.status === 'failed' ? ` (first failure: ${first.error.message})` : ''}`,
    );
  }
  const serverless = plan.kind === 'distributed';
  return {
    id: plan.id,
    label: plan.label,
    description: plan.description,
    kind: plan.kind,
    settings: {
      shape: serverless ? plan.config.distributed.shape : 'monolith',
      workflow: serverless ? plan.workflow : null,
      chunkSeconds: plan.config.decode.chunkSeconds,
      framesPerObject:
        serverless && plan.config.distributed.shape === 'stages'
          ? plan.config.distributed.framesPerObject
          : null,
    },
    clips: document.clips.map((clip) => ({ path: clip.path, run: clipRunOf(clip.runs[0]) })),
    summary: summarize(document, wallMs),
  };
}

/** Frames per second the monolith decoded over the clips (the frame rate the sensitivity varies). */
function measuredFps(document: AnalyzeDocument): number {
  let frames = 0;
  let seconds = 0;
  for (const clip of document.clips) {
    for (const run of clip.runs) {
      if (run.status !== 'ok' || run.decode.videoFrames === 0) continue;
      frames += run.decode.videoFrames;
      seconds += run.decode.decodedDurationSec;
    }
  }
  return seconds > 0 ? Math.round((frames / seconds) * 100) / 100 : 25;
}

/**
 * bench.config.ts with the scenario's sections merged over it, validated again as a whole (`archbench
 * worker --scenario` resolves its detectors the same way).
 */
export function scenarioConfig(base: HarnessConfig, scenario: Scenario): HarnessConfig {
  const merged = {
    ...base,
    decode: { ...base.decode, ...scenario.overrides.decode },
    detectors: scenario.overrides.detectors ?? base.detectors,
    distributed: { ...base.distributed, ...scenario.overrides.distributed },
    monolith: { ...base.monolith, ...scenario.overrides.monolith },
  };
  const resolved = resolveConfig(merged);
  if (!resolved.ok) throw new BadInputError(`scenario ${scenario.name}: overrides: ${resolved.error}`);
  return resolved.config;
}

function unwrapCost(result: ReturnType<typeof resolveCostOptions>, scenario: Scenario): CostOptions {
  if (result.ok) return result.options;
  throw new BadInputError(`scenario ${scenario.name}: cost: ${result.error}`);
}

/** Names of the detectors a run uses: the config's selection, or every registered detector. */
function selectedDetectors(config: HarnessConfig): string[] {
  return config.detectors === undefined ? [...detectorNames] : Object.keys(config.detectors);
}

async function scenarioClips(
  scenario: Scenario,
  config: HarnessConfig,
  cwd: string,
  progress: (line: string) => void,
): Promise<string[]> {
  const paths: string[] = [];
  if (scenario.clips.fixtures.length > 0) {
    const manifest = await ensureFixtures({
      dir: path.resolve(cwd, config.fixturesDir),
      only: scenario.clips.fixtures,
      onProgress: (id) => progress(`generating fixture ${id} (first run only)`),
    });
    for (const id of scenario.clips.fixtures) {
      const clip = manifest.clips.find((entry) => entry.id === id);
      if (clip === undefined) throw new BadInputError(`scenario ${scenario.name}: unknown fixture ${id}`);
      paths.push(path.join(config.fixturesDir, clip.file));
    }
  }
  paths.push(...scenario.clips.paths);
  return paths;
}

async function benchClips(
  clipPaths: readonly string[],
  monolith: AnalyzeDocument,
  distributed: AnalyzeDocument,
): Promise<BenchClip[]> {
  const clips: BenchClip[] = [];
  for (const [index, clipPath] of clipPaths.entries()) {
    const monolithClip = monolith.clips[index];
    const distributedClip = distributed.clips[index];
    clips.push({
      path: clipPath,
      sha256: await fileSha256(clipPath),
      durationSec: monolithClip?.durationSec ?? 0,
      runs: { monolith: clipRunOf(monolithClip?.runs[0]), distributed: clipRunOf(distributedClip?.runs[0]) },
    });
  }
  return clips;
}

function clipRunOf(runDocument: AnalyzeDocument['clips'][number]['runs'][number] | undefined): BenchClipRun {
  if (runDocument === undefined)
    return { status: 'failed', error: { kind: 'internal', message: 'no run recorded' } };
  if (runDocument.status === 'failed') return { status: 'failed', error: runDocument.error };
  return { status: 'ok', findings: runDocument.findings, counters: runDocument.counters };
}

function summarize(document: AnalyzeDocument, wallMs: number): RunnerSummary {
  const counters: Counters = createCounters();
  let streamSeconds = 0;
  const latencies: number[] = [];
  for (const clip of document.clips) {
    for (const clipRun of clip.runs) {
      if (clipRun.status !== 'ok') continue;
      mergeCounters(counters, clipRun.counters);
      streamSeconds += clip.durationSec ?? 0;
      latencies.push(...(clipRun.chunkLatenciesMs ?? []));
    }
  }
  return {
    streamSeconds,
    counters,
    profile: profileFromCounters(counters, streamSeconds),
    timing: {
      wallMs,
      throughputStreamSecPerSec: wallMs > 0 ? streamSeconds / (wallMs / 1000) : 0,
      chunkLatency: latencyStats(latencies),
    },
  };
}

/** Nearest-rank percentiles of per-chunk latencies. */
export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const rank = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
  const mean = sorted.length === 0 ? 0 : sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  return { samples: sorted.length, meanMs: mean, p50Ms: rank(50), p90Ms: rank(90), p99Ms: rank(99) };
}

async function environmentInfo(cwd: string): Promise<EnvironmentInfo> {
  const gitCommit = await run('git', ['rev-parse', 'HEAD'], { cwd }).then(
    (output) => output.stdout.trim(),
    () => null,
  );
  const ffmpegVersion = await run(ffmpegPath(), ['-version']).then(
    (output) => output.stdout.split('\n')[0] ?? '',
    () => 'unknown',
  );
  const packageJson = (await import('../../package.json', { with: { type: 'json' } })).default as {
    version: string;
  };
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cpuCount: os.cpus().length,
    memoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    nodeVersion: process.version,
    archbenchVersion: packageJson.version,
    gitCommit,
    ffmpegVersion,
  };
}

/**
 * Identifies what the counts depend on: the config and the scenario, less what cannot change a result
 * (where reports go, the gate's own bounds, how many times the replay is timed).
 */
function configHashOf(config: HarnessConfig, scenario: Scenario): string {
  const { gate: _gate, reportsDir: _reportsDir, monolith, ...rest } = config;
  // One monolith is what every run measured before clones existed: leave it out so those hashes still match.
  const measured = monolith.clones > 1 ? { ...rest, monolith } : rest;
  return sha256(JSON.stringify({ config: measured, scenario: { ...scenario, iterations: undefined } }));
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The multi-stream monolith on the scenario's clips: one fresh process per stream count, the fit the
 * monolith's capacity is sized from.
 */
async function measureMonolithStreamsFor(
  config: HarnessConfig,
  clipPaths: readonly string[],
  streamCounts: readonly number[],
  progress: (line: string) => void,
): Promise<MonolithStreamsMeasurement> {
  progress(`measuring the monolith with ${streamCounts.join(', ')} streams in one process`);
  const measured = await measureMonolithStreams({
    config,
    clipPaths,
    streamCounts,
    onSample: (sample) =>
      progress(
        `  ${sample.streams} stream(s): ${(sample.cpuMs / 1000 / sample.streamSeconds).toFixed(3)} CPU-s per stream-second, peak ${(sample.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
      ),
  });
  return { samples: measured.samples, fit: measured.fit, skipped: measured.skipped, clips: [...clipPaths] };
}
