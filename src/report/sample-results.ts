import { createHash } from 'node:crypto';
import committedBook from '../../scenarios/price-books/aws-us-east-1-2026-12.json' with { type: 'json' };
import type {
  BenchClip,
  BenchClipRun,
  BenchResults,
  LatencyStats,
  MonolithStreamsMeasurement,
  RunnerSummary,
} from '../core/bench-results.ts';
import { breakEvenOverDutyCycle, breakEvenOverStreams } from '../core/cost/break-even.ts';
import { type CostOptionsInput, type Design, resolveCostOptions, whatIfs } from '../core/cost/cost-model.ts';
import { priceVerdict, type VerdictAssumptions } from '../core/cost/design-verdict.ts';
import { headroom } from '../core/cost/headroom.ts';
import { fitMonolithSizing, type MonolithStreamsSample } from '../core/cost/monolith-sizing.ts';
import { type PriceBook, parsePriceBook } from '../core/cost/price-book.ts';
import { ANALYZE_TASK, profileFromCounters } from '../core/cost/workload-profile.ts';
import {
  type Counters,
  countCpu,
  countExecutionDuration,
  countInvocation,
  countNetwork,
  countS3Request,
  countSerialization,
  createCounters,
  mergeCounters,
} from '../core/counters.ts';
import type { Finding } from '../core/finding.ts';

/**
 * A realistic results document for the report's tests and for looking at the report without a bench run.
 * The counters are made by hand, chunk by chunk, with the same counting functions the runners use, and
 * every cost, headroom and break-even figure comes from the real cost model and the committed price book:
 * nothing in the document is a typed-in result.
 *
 * The workload: 1 s chunks at 25 frames per second, four detectors (freeze, black, silence, av-sync).
 * Distributed, per chunk: one Standard execution of ConvertMedia -> DetectDefects (Parallel) ->
 * Aggregate, 7 billed transitions; ConvertMedia PUTs 25 frames and 1 audio object; the video detectors GET
 * the 25 frames, silence GETs the audio, av-sync both; each detector PUTs its findings; Aggregate GETs them,
 * PUTs the chunk result and deletes the temporary objects. Monolith: one process decoding once, one
 * results PUT per clip.
 *
 * Strings are hostile on purpose (a clip path with markup and quotes, a scenario description that tries to
 * close a script element, pipes for Markdown tables) so tests can prove every renderer escapes them.
 */

export interface SampleResultsOptions {
  /** Cost options as a scenario writes them. Default: 10 streams, monolith on EC2 (c6i.xlarge), always on. */
  readonly costOptions?: CostOptionsInput;
  /** Upper end of the break-even curve over streams. Default 1,000. */
  readonly maxStreams?: number;
}

/** The hostile clip path and scenario strings the sample carries, exported for the escaping tests. */
export const hostileStrings = {
  clipPath: `fixtures/clips/<img src=x onerror=alert(1)>"'&.mp4`,
  pipeClipPath: 'fixtures/clips/news | sports *live*.mp4',
  failedClipPath: 'fixtures/clips/truncated <b>bold</b>.mp4',
  scenarioName: 'sample | prime-video-case',
  scenarioDescription:
    'Sample replay of the Prime Video monitoring case </script><script>alert(2)</script> & <!-- friends',
  designLabel: 'First design <img src=y onerror=alert(3)> & "per-second"',
} as const;

const DETECTORS = ['freeze', 'black', 'silence', 'av-sync'] as const;
const FRAMES_PER_CHUNK = 25;
const CHUNK_SECONDS = 1;
/** One 320x180 8-bit luma frame as the converter stores it. */
const FRAME_BYTES = 320 * 180;
/** One second of 16 kHz 16-bit mono PCM. */
const AUDIO_BYTES = 16_000 * 2;
const FINDINGS_BYTES = 310;
const CHUNK_RESULT_BYTES = 540;
const TASK_MEMORY_MB = { convert: 1024, detect: 512, aggregate: 256 } as const;

/** Deterministic spread in [0, 1) so durations vary chunk to chunk like measurements, yet reproducibly. */
function spread(index: number, salt: number): number {
  return (((index + 1) * 2_654_435_761 + salt * 40_503) % 1_000_003) / 1_000_003;
}

function reads(detector: string): { frames: number; audio: number } {
  if (detector === 'silence') return { frames: 0, audio: 1 };
  if (detector === 'av-sync') return { frames: FRAMES_PER_CHUNK, audio: 1 };
  return { frames: FRAMES_PER_CHUNK, audio: 0 };
}

function stageCounters(counters: Counters, stage: string, fill: (stageOnly: Counters) => void): void {
  const stageOnly = createCounters();
  fill(stageOnly);
  mergeCounters(counters, stageOnly, stage);
}

function sfnRequest(counters: Counters, operation: string, times = 1): void {
  for (let i = 0; i < times; i += 1) {
    counters.sfn.apiRequestsByOperation[operation] =
      (counters.sfn.apiRequestsByOperation[operation] ?? 0) + 1;
    countNetwork(counters, 'sfn', 420, 380);
  }
}

interface ClipCounts {
  readonly counters: Counters;
  /** Per-chunk latency samples, ms. */
  readonly chunkMs: readonly number[];
}

/** How a sample serverless design splits the work (the sample's stand-in for a design's settings). */
interface SampleShape {
  readonly shape: 'stages' | 'function-per-chunk';
  readonly chunkSeconds: number;
  /** Frames per S3 object (stages only). */
  readonly framesPerObject: number;
}

/** Prime Video's first design: a Standard execution per second, an object per frame. */
const FIRST_SHAPE: SampleShape = { shape: 'stages', chunkSeconds: CHUNK_SECONDS, framesPerObject: 1 };

/** The harness polls each execution once and reads its history; both are Step Functions requests. */
function countExecutionPolling(counters: Counters): void {
  counters.sfn.executionsStarted += 1;
  sfnRequest(counters, 'StartExecution');
  sfnRequest(counters, 'DescribeExecution');
  sfnRequest(counters, 'GetExecutionHistory');
}

function countTransitions(counters: Counters, states: readonly string[]): void {
  for (const state of states) {
    counters.sfn.transitionsByState[state] = (counters.sfn.transitionsByState[state] ?? 0) + 1;
  }
}

/** One chunk of the stages shape: ConvertMedia -> DetectDefects (Parallel) -> Aggregate. Returns its ms. */
function stagesChunk(counters: Counters, shape: SampleShape, s: (k: number) => number): number {
  const frames = FRAMES_PER_CHUNK * shape.chunkSeconds;
  const frameObjects = Math.ceil(frames / shape.framesPerObject);
  const objectBytes = FRAME_BYTES * Math.min(frames, shape.framesPerObject);
  const audioBytes = AUDIO_BYTES * shape.chunkSeconds;
  countExecutionPolling(counters);
  countTransitions(counters, [
    'ConvertMedia',
    'DetectDefects',
    ...DETECTORS.map((d) => `Detect ${d}`),
    'Aggregate',
  ]);

  const convertMs = (118 + 40 * s(1)) * shape.chunkSeconds;
  countInvocation(counters, 'ConvertMedia', convertMs, TASK_MEMORY_MB.convert);
  countCpu(counters, 'decode:ffmpeg', (31 + 6 * s(2)) * shape.chunkSeconds);
  stageCounters(counters, 'ConvertMedia', (c) => {
    for (let object = 0; object < frameObjects; object += 1) {
      countS3Request(c, 'PutObject', objectBytes, 0);
      countSerialization(c, 'frames', 'encode', objectBytes, 0.06);
    }
    countS3Request(c, 'PutObject', audioBytes, 0);
    countSerialization(c, 'audio', 'encode', audioBytes, 0.02);
  });

  let slowestDetectMs = 0;
  for (const [index, detector] of DETECTORS.entries()) {
    const need = reads(detector);
    const objects = need.frames === 0 ? 0 : frameObjects;
    const detectMs = (24 + 14 * (need.frames / FRAMES_PER_CHUNK) + 30 * s(3 + index)) * shape.chunkSeconds;
    slowestDetectMs = Math.max(slowestDetectMs, detectMs);
    countInvocation(counters, `Detect ${detector}`, detectMs, TASK_MEMORY_MB.detect);
    countCpu(
      counters,
      `detect:${detector}`,
      (2 + 4 * (need.frames / FRAMES_PER_CHUNK) + s(7 + index)) * shape.chunkSeconds,
    );
    stageCounters(counters, `Detect ${detector}`, (c) => {
      for (let object = 0; object < objects; object += 1) {
        countS3Request(c, 'GetObject', 0, objectBytes);
        countSerialization(c, 'frames', 'decode', objectBytes, 0.05);
      }
      if (need.audio > 0) {
        countS3Request(c, 'GetObject', 0, audioBytes);
        countSerialization(c, 'audio', 'decode', audioBytes, 0.02);
      }
      countS3Request(c, 'PutObject', FINDINGS_BYTES, 0);
      countSerialization(c, 'findings', 'encode', FINDINGS_BYTES, 0.01);
    });
  }

  const aggregateMs = 9 + 6 * s(12);
  countInvocation(counters, 'Aggregate', aggregateMs, TASK_MEMORY_MB.aggregate);
  countCpu(counters, 'aggregate', 0.4 + 0.2 * s(13));
  stageCounters(counters, 'Aggregate', (c) => {
    for (const _ of DETECTORS) {
      countS3Request(c, 'GetObject', 0, FINDINGS_BYTES);
      countSerialization(c, 'findings', 'decode', FINDINGS_BYTES, 0.01);
    }
    countS3Request(c, 'PutObject', CHUNK_RESULT_BYTES, 0);
    countS3Request(c, 'DeleteObjects', 2_400, 310);
  });

  // Six tasks each fetched with GetActivityTask and closed with SendTaskSuccess.
  sfnRequest(counters, 'GetActivityTask', 6);
  sfnRequest(counters, 'SendTaskSuccess', 6);
  // Handing a task between states costs queueing and polling time on top of the work.
  return convertMs + slowestDetectMs + aggregateMs + 3 * (60 + 90 * s(14));
}

/** One chunk of the function-per-chunk shape: one task decodes and runs every detector. Returns its ms. */
function functionPerChunk(counters: Counters, shape: SampleShape, s: (k: number) => number): number {
  countExecutionPolling(counters);
  countTransitions(counters, [ANALYZE_TASK]);
  let cpuMs = (31 + 6 * s(1)) * shape.chunkSeconds;
  countCpu(counters, 'decode:ffmpeg', cpuMs);
  for (const [index, detector] of DETECTORS.entries()) {
    const ms = (2 + 4 * (reads(detector).frames / FRAMES_PER_CHUNK) + s(2 + index)) * shape.chunkSeconds;
    countCpu(counters, `detect:${detector}`, ms);
    cpuMs += ms;
  }
  const analyzeMs = cpuMs * 1.3 + 40 * s(9);
  countInvocation(counters, ANALYZE_TASK, analyzeMs, TASK_MEMORY_MB.convert);
  stageCounters(counters, ANALYZE_TASK, (c) => {
    countS3Request(c, 'PutObject', CHUNK_RESULT_BYTES, 0);
    countSerialization(c, 'findings', 'encode', CHUNK_RESULT_BYTES, 0.01);
  });
  sfnRequest(counters, 'GetActivityTask');
  sfnRequest(counters, 'SendTaskSuccess');
  return analyzeMs + 60 + 90 * s(14);
}

function serverlessClip(durationSec: number, salt: number, shape: SampleShape): ClipCounts {
  const counters = createCounters();
  const chunkMs: number[] = [];
  const chunks = Math.ceil(durationSec / shape.chunkSeconds);
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const s = (k: number): number => spread(chunk, salt * 31 + k);
    const executionMs =
      shape.shape === 'stages' ? stagesChunk(counters, shape, s) : functionPerChunk(counters, shape, s);
    countExecutionDuration(counters, executionMs);
    chunkMs.push(executionMs);
  }
  stageCounters(counters, 'WriteResults', (c) => {
    countS3Request(c, 'PutObject', 1_900, 0);
    countSerialization(c, 'results', 'encode', 1_900, 0.08);
  });
  counters.compute.wallMs = chunkMs.reduce((sum, ms) => sum + ms, 0) / 4;
  counters.compute.peakRssBytes = 212 * 2 ** 20;
  return { counters, chunkMs };
}

function monolithClip(durationSec: number, salt: number): ClipCounts {
  const counters = createCounters();
  const chunkMs: number[] = [];
  const chunks = Math.ceil(durationSec / CHUNK_SECONDS);
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const s = (k: number): number => spread(chunk, salt * 17 + k);
    const decodeMs = 31 + 6 * s(1);
    countCpu(counters, 'decode:ffmpeg', decodeMs);
    let detectMs = 0;
    for (const [index, detector] of DETECTORS.entries()) {
      const ms = 2 + 4 * (reads(detector).frames / FRAMES_PER_CHUNK) + s(2 + index);
      countCpu(counters, `detect:${detector}`, ms);
      detectMs += ms;
    }
    const aggregateMs = 0.2 + 0.1 * s(9);
    countCpu(counters, 'aggregate', aggregateMs);
    chunkMs.push(decodeMs + detectMs + aggregateMs + 2 * s(10));
  }
  stageCounters(counters, 'WriteResults', (c) => {
    countS3Request(c, 'PutObject', 1_900, 0);
    countSerialization(c, 'results', 'encode', 1_900, 0.08);
  });
  counters.compute.wallMs = chunkMs.reduce((sum, ms) => sum + ms, 0) + 180;
  counters.compute.peakRssBytes = 164 * 2 ** 20;
  return { counters, chunkMs };
}

/** Nearest-rank percentile of sorted samples. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

function latencyStats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.length === 0 ? 0 : sorted.reduce((sum, ms) => sum + ms, 0) / sorted.length;
  return {
    samples: sorted.length,
    meanMs: mean,
    p50Ms: percentile(sorted, 50),
    p90Ms: percentile(sorted, 90),
    p99Ms: percentile(sorted, 99),
  };
}

/** The committed price book, validated as the harness validates it. */
export function samplePriceBook(): PriceBook {
  const result = parsePriceBook(structuredClone(committedBook));
  if (!result.ok) throw new Error(`committed price book: ${result.error}`);
  return result.priceBook;
}

interface ClipPlan {
  readonly path: string;
  readonly durationSec: number;
  readonly findings: readonly Finding[];
}

const okClips: readonly ClipPlan[] = [
  {
    path: hostileStrings.clipPath,
    durationSec: 20,
    findings: [
      { detector: 'freeze', startSec: 2, endSec: 5, confidence: 1, details: { maxDiff: 0.0004 } },
      { detector: 'black', startSec: 8, endSec: 10.52, confidence: 1, details: { blackRatio: 0.996 } },
      { detector: 'freeze', startSec: 8, endSec: 10.52, confidence: 1 },
    ],
  },
  {
    path: hostileStrings.pipeClipPath,
    durationSec: 30,
    findings: [
      {
        detector: 'silence',
        startSec: 12.001,
        endSec: 15,
        confidence: 0.08,
        details: { meanVolumeDb: -58.4, note: 'quiet <but> "not" | silent' },
      },
      { detector: 'av-sync', startSec: 20, endSec: 24, confidence: 0.71, details: { offsetMs: 160 } },
    ],
  },
];

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A serverless design of the sample: its id, how it is built, and the shape its counters are made with. */
interface SampleDesign {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly workflow: 'standard' | 'express';
  readonly shape: SampleShape;
}

/** Prime Video's first design (the legacy `distributed` runner) and two better-built variants. */
const SAMPLE_DESIGNS: readonly SampleDesign[] = [
  {
    id: 'sfn-per-second',
    label: hostileStrings.designLabel,
    description: 'Standard per stream-second, an S3 object per frame.',
    workflow: 'standard',
    shape: FIRST_SHAPE,
  },
  {
    id: 'sfn-express-batched',
    label: 'Express per 10-s chunk, frames batched 125 | object',
    description: 'The same stages on Express, 10-s chunks, frames batched 125 to an S3 object.',
    workflow: 'express',
    shape: { shape: 'stages', chunkSeconds: 10, framesPerObject: 125 },
  },
  {
    id: 'function-per-chunk',
    label: 'One function per 10-s chunk',
    description: 'One task decodes its chunk and runs every detector in memory; no frame crosses S3.',
    workflow: 'express',
    shape: { shape: 'function-per-chunk', chunkSeconds: 10, framesPerObject: 250 },
  },
];

const MIB = 2 ** 20;

/**
 * Multi-stream monolith runs at 1, 2 and 4 streams (memory about 150 MiB + 22 MiB per stream, CPU per
 * stream-second flat, throughput saturating two cores), fitted by the cost model's own fit; 8 streams
 * skipped, as the harness records a count the machine's memory cannot hold.
 */
function sampleMonolithStreams(clipPaths: readonly string[]): MonolithStreamsMeasurement {
  const samples: MonolithStreamsSample[] = [1, 2, 4].map((streams) => ({
    streams,
    streamSeconds: 50 * streams,
    cpuMs: 200 + 50 * streams * 52,
    nodeCpuMs: 120 + 50 * streams * 21,
    wallMs: streams <= 2 ? 2_900 : 5_400,
    peakRssBytes: (150 + 22 * streams) * MIB + streams * 1_000,
    nodePeakRssBytes: (130 + 14 * streams) * MIB,
  }));
  return {
    samples,
    fit: fitMonolithSizing(samples, 2),
    skipped: [{ streams: 8, reason: 'not enough free memory for 8 streams <estimate>' }],
    clips: clipPaths,
  };
}

/** Builds the sample results document (deterministic: the same document on every call). */
export function buildSampleResults(options: SampleResultsOptions = {}): BenchResults {
  const priceBook = samplePriceBook();
  const costInput: CostOptionsInput = options.costOptions ?? {
    load: { streams: 10 },
    monolith: { hosting: 'ec2' },
  };
  const monolithStreams = sampleMonolithStreams(okClips.map((plan) => plan.path));
  // The bench sizes the monolith from the multi-stream fit unless the scenario says otherwise; resolved
  // through the schema, so the options read back from a file are the same object, key for key.
  const { fit } = monolithStreams;
  const resolved = resolveCostOptions({
    ...costInput,
    monolith: {
      ...costInput.monolith,
      cpuSecondsPerStreamSecond:
        costInput.monolith?.cpuSecondsPerStreamSecond ?? fit.cpuSecondsPerStreamSecond,
      memoryBaseBytes: costInput.monolith?.memoryBaseBytes ?? fit.memoryBaseBytes,
      memoryPerStreamBytes: costInput.monolith?.memoryPerStreamBytes ?? fit.memoryPerStreamBytes,
      processCpuSecondsPerStreamSecond:
        costInput.monolith?.processCpuSecondsPerStreamSecond ?? fit.nodeCpuSecondsPerStreamSecond,
    },
  });
  if (!resolved.ok) throw new Error(`sample cost options: ${resolved.error}`);
  const costOptions = resolved.options;

  const streamSeconds = okClips.reduce((sum, plan) => sum + plan.durationSec, 0);
  const failure: BenchClipRun = {
    status: 'failed',
    error: {
      kind: 'bad-input',
      message: `${hostileStrings.failedClipPath}: not a media file (moov atom not found) <script>`,
    },
  };
  /** Every clip's run and the summary of one design, from a counter maker. */
  const measure = (
    count: (durationSec: number, salt: number) => ClipCounts,
  ): { runs: BenchClipRun[]; summary: RunnerSummary } => {
    const total = createCounters();
    const latencies: number[] = [];
    let wallMs = 0;
    const runs: BenchClipRun[] = okClips.map((plan, index) => {
      const clipCounts = count(plan.durationSec, index + 1);
      mergeCounters(total, clipCounts.counters);
      latencies.push(...clipCounts.chunkMs);
      wallMs += clipCounts.counters.compute.wallMs;
      return { status: 'ok', findings: plan.findings, counters: clipCounts.counters };
    });
    runs.push(failure);
    return {
      runs,
      summary: {
        streamSeconds,
        counters: total,
        profile: profileFromCounters(total, streamSeconds),
        timing: {
          wallMs,
          throughputStreamSecPerSec: streamSeconds / (wallMs / 1000),
          chunkLatency: latencyStats(latencies),
        },
      },
    };
  };
  const monolith = measure(monolithClip);
  const serverless = SAMPLE_DESIGNS.map((design) => ({
    design,
    ...measure((durationSec, salt) => serverlessClip(durationSec, salt, design.shape)),
  }));
  const [first] = serverless as [(typeof serverless)[number]];
  const clipPlans = [...okClips.map((plan) => ({ path: plan.path, durationSec: plan.durationSec }))];
  clipPlans.push({ path: hostileStrings.failedClipPath, durationSec: 0 });
  const clips: BenchClip[] = clipPlans.map((plan, index) => ({
    path: plan.path,
    sha256: sha256(plan.path),
    durationSec: plan.durationSec,
    runs: { distributed: first.runs[index] ?? failure, monolith: monolith.runs[index] ?? failure },
  }));
  const designClips = (runs: readonly BenchClipRun[]) =>
    clipPlans.map((plan, index) => ({ path: plan.path, run: runs[index] ?? failure }));

  const runners: Record<Design, RunnerSummary> = { distributed: first.summary, monolith: monolith.summary };
  const curveInput = {
    distributed: runners.distributed.profile,
    monolith: runners.monolith.profile,
    priceBook,
    options: costOptions,
  };
  const scenarioHashInput = JSON.stringify({ costInput, DETECTORS, CHUNK_SECONDS, priceBook: priceBook.id });
  const verdictInputs: VerdictAssumptions = {
    headroom: { taskIntegration: 'lambda', s3Prefixes: 'per-stream' },
    breakEven: { streams: { min: 1, max: options.maxStreams ?? 1000 }, dutyCycle: {} },
    dropDetectors: ['av-sync'],
    fps: FRAMES_PER_CHUNK / CHUNK_SECONDS,
  };
  const verdict = priceVerdict({
    designs: [
      {
        id: 'monolith',
        label: 'Monolith: one process, frames in memory',
        description: 'One process decodes once and runs every detector in memory.',
        kind: 'monolith',
        settings: { shape: 'monolith', workflow: null, chunkSeconds: CHUNK_SECONDS, framesPerObject: null },
        clips: designClips(monolith.runs),
        summary: monolith.summary,
      },
      ...serverless.map(({ design, runs, summary }) => ({
        id: design.id,
        label: design.label,
        description: design.description,
        kind: 'distributed' as const,
        settings: {
          shape: design.shape.shape,
          workflow: design.workflow,
          chunkSeconds: design.shape.chunkSeconds,
          framesPerObject: design.shape.shape === 'stages' ? design.shape.framesPerObject : null,
        },
        clips: designClips(runs),
        summary,
      })),
    ],
    firstDesignId: first.design.id,
    priceBook,
    options: costOptions,
    ...verdictInputs,
  });

  return {
    schemaVersion: 2,
    kind: 'archbench.bench-results',
    runId: '2026-11-26T12-00-00Z-sample',
    createdAt: '2026-11-26T12:00:00.000Z',
    environment: {
      cpuModel: 'Sample CPU @ 2.40GHz "quoted" <model>',
      cpuCount: 2,
      memoryBytes: 8 * 2 ** 30,
      platform: 'linux x64',
      nodeVersion: 'v24.9.0',
      archbenchVersion: '0.1.0',
      gitCommit: 'b7e54c4d0a5e6f7a8b9c0d1e2f3a4b5c6d7e8f90',
      ffmpegVersion: 'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/',
      backend: 'localstack',
    },
    scenario: {
      name: hostileStrings.scenarioName,
      description: hostileStrings.scenarioDescription,
      configHash: sha256(scenarioHashInput),
      load: costOptions.load,
      costOptions,
      chunkSeconds: CHUNK_SECONDS,
      framesPerObject: 1,
      detectors: [...DETECTORS],
      priceBookId: priceBook.id,
    },
    priceBook,
    clips,
    equivalence: { identical: true, differences: [] },
    runners,
    costs: whatIfs({ ...curveInput, options: costOptions, dropDetectors: ['av-sync'] }),
    headroom: {
      distributed: headroom(runners.distributed.profile, priceBook),
      monolith: headroom(runners.monolith.profile, priceBook),
    },
    breakEven: {
      overStreams: breakEvenOverStreams(curveInput, { min: 1, max: options.maxStreams ?? 1000 }),
      overDutyCycle: breakEvenOverDutyCycle(curveInput),
    },
    ...verdict,
    verdictInputs,
    monolithStreams,
  };
}
