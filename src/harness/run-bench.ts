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
  RunnerSummary,
} from '../core/bench-results.ts';
import { breakEvenOverDutyCycle, breakEvenOverStreams } from '../core/cost/break-even.ts';
import { type CostOptions, resolveCostOptions, whatIfs } from '../core/cost/cost-model.ts';
import { headroom } from '../core/cost/headroom.ts';
import { profileFromCounters } from '../core/cost/workload-profile.ts';
import { type Counters, createCounters, mergeCounters } from '../core/counters.ts';
import { detectorNames } from '../core/detectors/registry.ts';
import { BadInputError } from '../core/errors.ts';
import { ffmpegPath } from '../media/ffmpeg-binaries.ts';
import { ensureFixtures } from '../media/fixtures/fixture-generator.ts';
import type { ExternalWorkersSettings } from '../runners/distributed/distributed-settings.ts';
import { analyzeClips } from './analyze-clips.ts';
import { type HarnessConfig, resolveConfig } from './config.ts';
import { loadPriceBook } from './price-book-loader.ts';
import type { AnalyzeDocument } from './results.ts';
import { compareRunnerFindings } from './runner-comparison.ts';
import type { Scenario } from './scenario.ts';

const run = promisify(execFile);
const designs = ['monolith', 'distributed'] as const;
type DesignName = (typeof designs)[number];

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
   * refuse by throwing). `config` is the scenario's, `replays` how often each design replays the clips.
   */
  readonly beforeReplay?: (plan: {
    readonly config: HarnessConfig;
    readonly clipPaths: readonly string[];
    readonly replays: number;
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
  const costOptions: CostOptions = {
    ...scenarioCost,
    monolith: config.monolith.clones > 1 ? { ...monolithCost, clones: config.monolith.clones } : monolithCost,
  };
  const priceBook = await loadPriceBook(scenario.priceBook, cwd);
  const clipPaths = await scenarioClips(scenario, config, cwd, progress);
  await options.beforeReplay?.({
    config,
    clipPaths,
    replays: scenario.iterations,
    priceBook: scenario.priceBook,
  });
  const createdAt = new Date().toISOString();

  const documents = new Map<DesignName, AnalyzeDocument>();
  const wallMs = new Map<DesignName, number>();
  const bench = new Bench({
    name: `archbench ${scenario.name}`,
    iterations: scenario.iterations,
    time: 0,
    warmup: false,
  });
  for (const design of designs) {
    bench.add(design, async () => {
      progress(`replaying ${clipPaths.length} clip(s) through the ${design} runner`);
      const started = performance.now();
      const document = await analyzeClips(clipPaths, {
        config,
        runners: [design],
        ...(options.backendConfirmed === true ? { backendConfirmed: true } : {}),
        ...(design === 'distributed' && options.externalWorkers !== undefined
          ? { externalWorkers: options.externalWorkers }
          : {}),
        onRun: (clipPath, result) =>
          progress(
            `  ${result.status === 'ok' ? 'ok    ' : 'FAILED'} ${design} ${clipPath}${result.status === 'failed' ? `: ${result.error.message}` : ''}`,
          ),
      });
      wallMs.set(design, performance.now() - started);
      documents.set(design, document);
    });
  }
  await bench.run();
  for (const task of bench.tasks) {
    if (task.result.state === 'errored') throw task.result.error;
  }
  const monolithDocument = documents.get('monolith');
  const distributedDocument = documents.get('distributed');
  if (monolithDocument === undefined || distributedDocument === undefined) {
    throw new Error('bench: a runner produced no results document');
  }

  const clips = await benchClips(clipPaths, monolithDocument, distributedDocument);
  const combined: AnalyzeDocument = {
    schemaVersion: 1,
    clips: monolithDocument.clips.map((clip, index) => ({
      ...clip,
      runs: [...clip.runs, ...(distributedDocument.clips[index]?.runs ?? [])],
    })),
  };
  const differences = compareRunnerFindings(combined).map(
    (difference) => `${difference.clipPath}: ${difference.summary}`,
  );
  const failures = clips.flatMap((clip) =>
    designs.flatMap((design) => {
      const clipRun = clip.runs[design];
      return clipRun.status === 'failed' ? [`${clip.path}: ${design} failed: ${clipRun.error.message}`] : [];
    }),
  );

  const runners = {
    monolith: summarize(monolithDocument, wallMs.get('monolith') ?? 0),
    distributed: summarize(distributedDocument, wallMs.get('distributed') ?? 0),
  };
  const whatIfInput = {
    distributed: runners.distributed.profile,
    monolith: runners.monolith.profile,
    priceBook,
    options: costOptions,
    framesPerObject: scenario.whatIfs.framesPerObject,
    dropDetectors: scenario.whatIfs.dropDetectors.filter((name) => selectedDetectors(config).includes(name)),
  };
  const costs = whatIfs(whatIfInput);
  const headroomOptions = { workflow: costOptions.workflow, ...scenario.headroom };
  const breakEvenInput = {
    distributed: whatIfInput.distributed,
    monolith: whatIfInput.monolith,
    priceBook,
    options: costOptions,
  };

  return {
    schemaVersion: 1,
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
      chunkSeconds: config.decode.chunkSeconds,
      framesPerObject: config.distributed.framesPerObject,
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
      distributed: headroom(runners.distributed.profile, priceBook, headroomOptions),
      monolith: headroom(runners.monolith.profile, priceBook, headroomOptions),
    },
    breakEven: {
      overStreams: breakEvenOverStreams(breakEvenInput, scenario.breakEven.streams),
      overDutyCycle: breakEvenOverDutyCycle(breakEvenInput, scenario.breakEven.dutyCycle),
    },
  };
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
