import committedBook from '../../../scenarios/price-books/aws-us-east-1-2026-11.json' with { type: 'json' };
import decemberBook from '../../../scenarios/price-books/aws-us-east-1-2026-12.json' with { type: 'json' };
import { type Counters, countS3Request, createCounters, mergeCounters } from '../counters.ts';
import { type PriceBook, parsePriceBook } from './price-book.ts';
import { profileFromCounters, type WorkloadProfile } from './workload-profile.ts';

/**
 * Small hand-built counters for the cost tests, so every expected dollar can be worked out on paper.
 * Shared by the tests only.
 */

/**
 * A committed price book, validated: the 2026-11 edition (no Fargate task sizes: Fargate billed exactly) or
 * the 2026-12 edition (task sizes, Savings Plans ranges, Arm tiers).
 */
export function testPriceBook(edition: '2026-11' | '2026-12' = '2026-11'): PriceBook {
  const result = parsePriceBook(structuredClone(edition === '2026-11' ? committedBook : decemberBook));
  if (!result.ok) throw new Error(result.error);
  return result.priceBook;
}

/** Adds `count` S3 requests of `operation`, attributed to `stage`. */
function addS3(counters: Counters, stage: string, operation: string, count: number): void {
  const stageCounters = createCounters();
  for (let i = 0; i < count; i += 1) countS3Request(stageCounters, operation, 0, 0);
  mergeCounters(counters, stageCounters, stage);
}

/**
 * 10 one-second chunks (10 stream-seconds) through the distributed shape with two detectors, `freeze`
 * (reads 25 frames per chunk) and `silence` (reads the audio object):
 * - transitions 60 = ConvertMedia 20 (10 retries), DetectDefects 10, Detect freeze 10, Detect silence 10,
 *   Aggregate 10 -> 6 per stream-second;
 * - invocations 40 -> 4/s; GB-s: ConvertMedia 3000 ms x 1 GB, freeze and silence 1000 ms x 0.5 GB each,
 *   Aggregate 500 ms x 0.25 GB = 3 + 0.5 + 0.5 + 0.125 = 4.125 GB-s -> 0.4125 GB-s per stream-second;
 * - S3: ConvertMedia PUT 260 (25 frames + 1 audio per chunk); freeze GET 250, PUT 10; silence GET 10,
 *   PUT 10; Aggregate GET 20, PUT 10, DeleteObjects 10; WriteResults PUT 1 -> tier 1 291 (29.1/s),
 *   tier 2 280 (28/s), free 10 (1/s);
 * - bytes up 10 MiB per stream-second, down 20 MiB; executions 10, each 2,000 ms (Express billed the same).
 */
export function distributedCounters(): Counters {
  const counters = createCounters();
  counters.sfn.executionsStarted = 10;
  Object.assign(counters.sfn.transitionsByState, {
    ConvertMedia: 20,
    DetectDefects: 10,
    'Detect freeze': 10,
    'Detect silence': 10,
    Aggregate: 10,
  });
  counters.sfn.executionMs = 20_000;
  counters.sfn.expressBilledMs = 20_000;
  Object.assign(counters.compute.invocationsByTask, {
    ConvertMedia: { invocations: 10, billedMs: 3000, memoryMb: 1024 },
    'Detect freeze': { invocations: 10, billedMs: 1000, memoryMb: 512 },
    'Detect silence': { invocations: 10, billedMs: 1000, memoryMb: 512 },
    Aggregate: { invocations: 10, billedMs: 500, memoryMb: 256 },
  });
  addS3(counters, 'ConvertMedia', 'PutObject', 260);
  addS3(counters, 'Detect freeze', 'GetObject', 250);
  addS3(counters, 'Detect freeze', 'PutObject', 10);
  addS3(counters, 'Detect silence', 'GetObject', 10);
  addS3(counters, 'Detect silence', 'PutObject', 10);
  addS3(counters, 'Aggregate', 'GetObject', 20);
  addS3(counters, 'Aggregate', 'PutObject', 10);
  addS3(counters, 'Aggregate', 'DeleteObjects', 10);
  addS3(counters, 'WriteResults', 'PutObject', 1);
  counters.s3.bytesUp = 10 * 10 * 2 ** 20;
  counters.s3.bytesDown = 10 * 20 * 2 ** 20;
  return counters;
}

/**
 * The same 10 stream-seconds through the monolith: CPU 4,000 ms (decode 2,000, freeze 1,000, silence 500,
 * aggregate 100, io 400) -> 0.4 CPU seconds per stream-second; peak RSS 512 MiB; one results PUT
 * -> 0.1 tier 1 requests per stream-second.
 */
export function monolithCounters(): Counters {
  const counters = createCounters();
  Object.assign(counters.compute.cpuMsByComponent, {
    'decode:ffmpeg': 2000,
    'detect:freeze': 1000,
    'detect:silence': 500,
    aggregate: 100,
    io: 400,
  });
  counters.compute.peakRssBytes = 512 * 2 ** 20;
  addS3(counters, 'WriteResults', 'PutObject', 1);
  return counters;
}

export function distributedProfile(): WorkloadProfile {
  return profileFromCounters(distributedCounters(), 10);
}

export function monolithProfile(): WorkloadProfile {
  return profileFromCounters(monolithCounters(), 10);
}

/** A profile with only the given count and compute rates per stream-second (everything else zero). */
export function syntheticProfile(rates: {
  transitions?: number;
  executions?: number;
  invocations?: number;
  billedMs?: number;
  memoryMb?: number;
  cpuMs?: number;
  s3Puts?: number;
  s3Gets?: number;
}): WorkloadProfile {
  const seconds = 1000;
  const counters = createCounters();
  if (rates.transitions !== undefined) counters.sfn.transitionsByState.Task = rates.transitions * seconds;
  counters.sfn.executionsStarted = (rates.executions ?? 0) * seconds;
  if (rates.invocations !== undefined || rates.billedMs !== undefined) {
    counters.compute.invocationsByTask.Task = {
      invocations: (rates.invocations ?? 0) * seconds,
      billedMs: (rates.billedMs ?? 0) * seconds,
      memoryMb: rates.memoryMb ?? 1024,
    };
  }
  if (rates.cpuMs !== undefined) counters.compute.cpuMsByComponent.work = rates.cpuMs * seconds;
  counters.s3.requestsByOperation.PutObject = (rates.s3Puts ?? 0) * seconds;
  counters.s3.requestsByOperation.GetObject = (rates.s3Gets ?? 0) * seconds;
  return profileFromCounters(counters, seconds);
}
