import { createHash } from 'node:crypto';
import committedBook from '../../scenarios/price-books/aws-us-east-1-2026-11.json' with { type: 'json' };
import type {
  BenchClip,
  BenchClipRun,
  BenchResults,
  LatencyStats,
  RunnerSummary,
} from '../core/bench-results.ts';
import { breakEvenOverDutyCycle, breakEvenOverStreams } from '../core/cost/break-even.ts';
import { type CostOptionsInput, type Design, resolveCostOptions, whatIfs } from '../core/cost/cost-model.ts';
import { priceVerdict } from '../core/cost/design-verdict.ts';
import { headroom } from '../core/cost/headroom.ts';
import { type PriceBook, parsePriceBook } from '../core/cost/price-book.ts';
import { profileFromCounters } from '../core/cost/workload-profile.ts';
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

function distributedClip(durationSec: number, salt: number): ClipCounts {
  const counters = createCounters();
  const chunkMs: number[] = [];
  const chunks = Math.ceil(durationSec / CHUNK_SECONDS);
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const s = (k: number): number => spread(chunk, salt * 31 + k);
    counters.sfn.executionsStarted += 1;
    sfnRequest(counters, 'StartExecution');
    const states = ['ConvertMedia', 'DetectDefects', ...DETECTORS.map((d) => `Detect ${d}`), 'Aggregate'];
    for (const state of states) {
      counters.sfn.transitionsByState[state] = (counters.sfn.transitionsByState[state] ?? 0) + 1;
    }

    const convertMs = 118 + 40 * s(1);
    countInvocation(counters, 'ConvertMedia', convertMs, TASK_MEMORY_MB.convert);
    countCpu(counters, 'decode:ffmpeg', 31 + 6 * s(2));
    stageCounters(counters, 'ConvertMedia', (c) => {
      for (let frame = 0; frame < FRAMES_PER_CHUNK; frame += 1) {
        countS3Request(c, 'PutObject', FRAME_BYTES, 0);
        countSerialization(c, 'frames', 'encode', FRAME_BYTES, 0.06);
      }
      countS3Request(c, 'PutObject', AUDIO_BYTES, 0);
      countSerialization(c, 'audio', 'encode', AUDIO_BYTES, 0.02);
    });

    let slowestDetectMs = 0;
    for (const [index, detector] of DETECTORS.entries()) {
      const need = reads(detector);
      const detectMs = 24 + 14 * need.frames * (1 / FRAMES_PER_CHUNK) + 30 * s(3 + index);
      slowestDetectMs = Math.max(slowestDetectMs, detectMs);
      countInvocation(counters, `Detect ${detector}`, detectMs, TASK_MEMORY_MB.detect);
      countCpu(counters, `detect:${detector}`, 2 + 4 * (need.frames / FRAMES_PER_CHUNK) + s(7 + index));
      stageCounters(counters, `Detect ${detector}`, (c) => {
        for (let frame = 0; frame < need.frames; frame += 1) {
          countS3Request(c, 'GetObject', 0, FRAME_BYTES);
          countSerialization(c, 'frames', 'decode', FRAME_BYTES, 0.05);
        }
        if (need.audio > 0) {
          countS3Request(c, 'GetObject', 0, AUDIO_BYTES);
          countSerialization(c, 'audio', 'decode', AUDIO_BYTES, 0.02);
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

    // Six tasks each fetched with GetActivityTask and closed with SendTaskSuccess; the harness polls the
    // execution once a chunk and reads its history for the billed transitions.
    sfnRequest(counters, 'GetActivityTask', 6);
    sfnRequest(counters, 'SendTaskSuccess', 6);
    sfnRequest(counters, 'DescribeExecution');
    sfnRequest(counters, 'GetExecutionHistory');
    // Handing a task between states costs queueing and polling time on top of the work.
    const executionMs = convertMs + slowestDetectMs + aggregateMs + 3 * (60 + 90 * s(14));
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

/** Builds the sample results document (deterministic: the same document on every call). */
export function buildSampleResults(options: SampleResultsOptions = {}): BenchResults {
  const priceBook = samplePriceBook();
  const costInput: CostOptionsInput = options.costOptions ?? {
    load: { streams: 10 },
    monolith: { hosting: 'ec2' },
  };
  const resolved = resolveCostOptions(costInput);
  if (!resolved.ok) throw new Error(`sample cost options: ${resolved.error}`);
  const costOptions = resolved.options;

  const totals: Record<Design, Counters> = { distributed: createCounters(), monolith: createCounters() };
  const latencies: Record<Design, number[]> = { distributed: [], monolith: [] };
  const wallMs: Record<Design, number> = { distributed: 0, monolith: 0 };
  let streamSeconds = 0;
  const clips: BenchClip[] = okClips.map((plan, index) => {
    const counts: Record<Design, ClipCounts> = {
      distributed: distributedClip(plan.durationSec, index + 1),
      monolith: monolithClip(plan.durationSec, index + 1),
    };
    streamSeconds += plan.durationSec;
    const runs = {} as Record<Design, BenchClipRun>;
    for (const design of ['distributed', 'monolith'] as const) {
      const clipCounts = counts[design];
      mergeCounters(totals[design], clipCounts.counters);
      latencies[design].push(...clipCounts.chunkMs);
      wallMs[design] += clipCounts.counters.compute.wallMs;
      runs[design] = { status: 'ok', findings: plan.findings, counters: clipCounts.counters };
    }
    return { path: plan.path, sha256: sha256(plan.path), durationSec: plan.durationSec, runs };
  });
  const failure: BenchClipRun = {
    status: 'failed',
    error: {
      kind: 'bad-input',
      message: `${hostileStrings.failedClipPath}: not a media file (moov atom not found) <script>`,
    },
  };
  clips.push({
    path: hostileStrings.failedClipPath,
    sha256: sha256(hostileStrings.failedClipPath),
    durationSec: 0,
    runs: { distributed: failure, monolith: failure },
  });

  const profiles = {
    distributed: profileFromCounters(totals.distributed, streamSeconds),
    monolith: profileFromCounters(totals.monolith, streamSeconds),
  };
  const runner = (design: Design): RunnerSummary => ({
    streamSeconds,
    counters: totals[design],
    profile: profiles[design],
    timing: {
      wallMs: wallMs[design],
      throughputStreamSecPerSec: streamSeconds / (wallMs[design] / 1000),
      chunkLatency: latencyStats(latencies[design]),
    },
  });
  const curveInput = {
    distributed: profiles.distributed,
    monolith: profiles.monolith,
    priceBook,
    options: costOptions,
  };
  const scenarioHashInput = JSON.stringify({ costInput, DETECTORS, CHUNK_SECONDS, priceBook: priceBook.id });
  const designClips = (design: Design) => clips.map((clip) => ({ path: clip.path, run: clip.runs[design] }));
  const verdict = priceVerdict({
    designs: [
      {
        id: 'monolith',
        label: 'Monolith: one process, frames in memory',
        description: 'One process decodes once and runs every detector in memory.',
        kind: 'monolith',
        settings: { shape: 'monolith', workflow: null, chunkSeconds: CHUNK_SECONDS, framesPerObject: null },
        clips: designClips('monolith'),
        summary: runner('monolith'),
      },
      {
        id: 'sfn-per-second',
        label: hostileStrings.designLabel,
        description: 'Standard per stream-second, an S3 object per frame.',
        kind: 'distributed',
        settings: { shape: 'stages', workflow: 'standard', chunkSeconds: CHUNK_SECONDS, framesPerObject: 1 },
        clips: designClips('distributed'),
        summary: runner('distributed'),
      },
    ],
    firstDesignId: 'sfn-per-second',
    priceBook,
    options: costOptions,
    headroom: { taskIntegration: 'lambda', s3Prefixes: 'per-stream' },
    breakEven: { streams: { min: 1, max: options.maxStreams ?? 1000 }, dutyCycle: {} },
    dropDetectors: ['av-sync'],
    fps: 25,
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
    runners: { distributed: runner('distributed'), monolith: runner('monolith') },
    costs: whatIfs({ ...curveInput, options: costOptions, dropDetectors: ['av-sync'] }),
    headroom: {
      distributed: headroom(profiles.distributed, priceBook),
      monolith: headroom(profiles.monolith, priceBook),
    },
    breakEven: {
      overStreams: breakEvenOverStreams(curveInput, { min: 1, max: options.maxStreams ?? 1000 }),
      overDutyCycle: breakEvenOverDutyCycle(curveInput),
    },
    ...verdict,
    monolithStreams: null,
  };
}
