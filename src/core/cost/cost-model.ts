import { z } from 'zod';
import { s3TierOf } from '../counters.ts';
import { BadInputError } from '../errors.ts';
import {
  ec2InstanceOf,
  ec2PriceKey,
  type FreeTierKey,
  monthlyCostOf,
  type PriceBook,
  type PriceKey,
  unitPriceOf,
} from './price-book.ts';
import {
  RESULTS_STAGE,
  type WorkloadProfile,
  withFramesBatched,
  withoutDetectors,
} from './workload-profile.ts';

/**
 * The cost model: a workload profile (rates per stream-second) x a price book -> a monthly bill with one
 * line per billing dimension, for each deployment model. Pure: no I/O, no clock, no SDK.
 *
 * Units: money in the book's currency (USD); GB = 2^30 bytes and MB = 2^20 bytes (Lambda and Step
 * Functions size memory in MB and bill GB-s as MB / 1024). Monthly quantities are at the load:
 * `streams x hoursPerMonth x 3600 x dutyCycle` active stream-seconds. "Per stream-hour" divides the
 * monthly cost by the active stream-hours, so both designs share the denominator.
 */

export type Design = 'distributed' | 'monolith';
/** Whether a line's quantity comes from counts (exact across runs) or from timings and memory. */
export type CostBasis = 'count' | 'compute';
export type CostCategory = 'orchestration' | 'compute' | 's3-requests' | 'storage' | 'transfer';

/** Every billing dimension, with its label, category and basis: the one place a dimension is declared. */
export const COST_DIMENSIONS = {
  'sfn-transitions': {
    label: 'Step Functions Standard state transitions',
    category: 'orchestration',
    basis: 'count',
  },
  'sfn-express-requests': {
    label: 'Step Functions Express requests',
    category: 'orchestration',
    basis: 'count',
  },
  'sfn-express-duration': {
    label: 'Step Functions Express duration',
    category: 'orchestration',
    basis: 'compute',
  },
  'lambda-requests': { label: 'Lambda requests (task invocations)', category: 'compute', basis: 'count' },
  'lambda-duration': { label: 'Lambda duration (billed ms x memory)', category: 'compute', basis: 'compute' },
  'fargate-vcpu': { label: 'Fargate vCPU', category: 'compute', basis: 'compute' },
  'fargate-memory': { label: 'Fargate memory', category: 'compute', basis: 'compute' },
  'ec2-instances': { label: 'EC2 instances', category: 'compute', basis: 'compute' },
  's3-tier1': {
    label: 'S3 tier 1 requests (PUT, COPY, POST, LIST)',
    category: 's3-requests',
    basis: 'count',
  },
  's3-tier2': { label: 'S3 tier 2 requests (GET, HEAD, other)', category: 's3-requests', basis: 'count' },
  's3-free': { label: 'S3 DELETE requests (free)', category: 's3-requests', basis: 'count' },
  's3-results-writes': {
    label: 'S3 results writes (one PUT per stream per interval)',
    category: 's3-requests',
    basis: 'count',
  },
  's3-temporary-storage': {
    label: 'S3 storage of temporary objects',
    category: 'storage',
    basis: 'compute',
  },
  's3-transfer': { label: 'S3 data transfer, same Region (free)', category: 'transfer', basis: 'count' },
} as const satisfies Record<string, { label: string; category: CostCategory; basis: CostBasis }>;

export type CostDimension = keyof typeof COST_DIMENSIONS;

/** One billing dimension of one design's monthly bill. */
export interface CostLine {
  readonly dimension: CostDimension;
  readonly label: string;
  readonly category: CostCategory;
  readonly basis: CostBasis;
  /** Price book key the unit price comes from (`s3.requests.tier1`, `ec2:c6i.xlarge`); traces to a source. */
  readonly priceKey: string;
  /** Unit of `quantity` and `unitPrice` (`request`, `GB-second`, `vCPU-hour`, ...). */
  readonly unit: string;
  /** Quantity per month at the load, before the free tier. */
  readonly quantity: number;
  /** Part of `quantity` covered by the free tier (0 when free tiers are off or none applies). */
  readonly freeQuantity: number;
  /** Listed price of one unit, base tier, USD. */
  readonly unitPrice: number;
  /** Cost per month at the load, USD (free tier and volume tiers applied). */
  readonly cost: number;
  /** `cost` per active stream-hour, USD. */
  readonly costPerStreamHour: number;
}

/** The load a bill is computed at. */
export interface Load {
  /** Concurrent streams analysed (the monolith is sized for all of them at once). */
  readonly streams: number;
  /** Hours in a billing month; default 730 (= 2,628,000 s, as in FACTS.md's illustration). */
  readonly hoursPerMonth: number;
  /** Fraction of the month the streams are live, in (0, 1]; default 1. */
  readonly dutyCycle: number;
}

export interface MonolithOptions {
  /** Where the monolith runs: Fargate (billed per vCPU and GB) or whole EC2 instances. Default fargate. */
  readonly hosting: 'fargate' | 'ec2';
  /** EC2 instance type used with architecture x86; must be in the price book. Default c6i.xlarge. */
  readonly ec2InstanceType: string;
  /** EC2 instance type used with architecture arm. Default c7g.xlarge. */
  readonly ec2ArmInstanceType: string;
  /**
   * Fraction of provisioned vCPU and memory the streams may use, in (0, 1]: capacity = need /
   * targetUtilization. A scenario parameter (default 0.7, a common autoscaling target), not a fact.
   */
  readonly targetUtilization: number;
  /**
   * `always-on`: capacity runs the whole month whatever the duty cycle (the usual service, and what makes
   * bursty work favour serverless); `active-hours`: capacity runs only while streams are live.
   */
  readonly provisioning: 'always-on' | 'active-hours';
  /**
   * Memory one monolith process needs regardless of its streams, bytes (runtime, model, buffers): paid
   * once per Fargate task or EC2 instance. Default 0; the harness sets it from the multi-stream fit.
   */
  readonly memoryBaseBytes: number;
  /**
   * Memory each further stream adds to a process, bytes. Default: the profile's measured peak RSS (an
   * upper bound: one stream per process); the harness sets it from the multi-stream fit.
   */
  readonly memoryPerStreamBytes?: number | undefined;
  /**
   * CPU seconds per stream-second of one monolith process serving many streams. Default: the profile's
   * CPU (one stream at a time); the harness sets it from the multi-stream fit.
   */
  readonly cpuSecondsPerStreamSecond?: number | undefined;
  /**
   * Of `cpuSecondsPerStreamSecond`, the CPU of the monolith process itself (its detectors run on one main
   * thread; the decoders are separate processes): one process serves at most `targetUtilization / this`
   * streams, so a large task or instance runs several processes, each paying `memoryBaseBytes`. Absent:
   * one process per task or instance, however many streams.
   */
  readonly processCpuSecondsPerStreamSecond?: number | undefined;
  /**
   * Monolith clones the runner measured (`--clones`): each clone is its own Fargate task or its own EC2
   * instance(s), sized for an equal share of the measured CPU and memory (which already hold the decode
   * every clone repeats). The harness sets it from the run, so it always matches the counts. Absent: 1
   * (the harness leaves it out for one monolith, so such documents match those written before clones).
   */
  readonly clones?: number;
}

/** Everything the cost model needs besides the profile and the book; build with `resolveCostOptions`. */
export interface CostOptions {
  readonly load: Load;
  /** Apply the book's monthly free tiers (one account). Default false. */
  readonly freeTier: boolean;
  /** Lambda, Fargate and EC2 architecture; measured durations and CPU time are reused unchanged. */
  readonly architecture: 'x86' | 'arm';
  /** Distributed workflow type. Default standard. */
  readonly workflow: 'standard' | 'express';
  /** Express workflow memory, MB, billed in 64 MB steps. Default 64. */
  readonly expressMemoryMb: number;
  /**
   * Commitment discounts (Savings Plans), percent off on-demand: `monolithCompute` on EC2 or Fargate,
   * `lambdaDuration` on Lambda GB-s (Compute Savings Plans never cover requests). Default 0: list prices.
   * The price book gives the ceilings the sensitivity analysis ranges over.
   */
  readonly discounts: { readonly monolithComputePercent: number; readonly lambdaDurationPercent: number };
  /**
   * Seconds between two results writes per stream (one S3 PUT each), the same for every design: what a
   * service would write, not what the bench writes per fixture clip. Default 60.
   */
  readonly resultsWriteIntervalSec: number;
  /**
   * How long temporary objects stay in S3, seconds. Default: the mean measured execution duration (the
   * Aggregate step deletes a chunk's objects at the end of its execution).
   */
  readonly temporaryStorageResidenceSec?: number | undefined;
  readonly monolith: MonolithOptions;
}

/** FACTS.md: 2,628,000 seconds per month in the illustration, i.e. 730 hours. */
export const DEFAULT_HOURS_PER_MONTH = 730;
/** FACTS.md: Express workflows are billed in 64 MB memory steps. */
const EXPRESS_MEMORY_STEP_MB = 64;
const BYTES_PER_GB = 2 ** 30;

const monolithDefaults: MonolithOptions = {
  hosting: 'fargate',
  ec2InstanceType: 'c6i.xlarge',
  ec2ArmInstanceType: 'c7g.xlarge',
  targetUtilization: 0.7,
  provisioning: 'always-on',
  memoryBaseBytes: 0,
};

const costOptionsSchema = z
  .object({
    load: z
      .object({
        streams: z.number().positive('must be a positive number'),
        hoursPerMonth: z.number().positive('must be a positive number').default(DEFAULT_HOURS_PER_MONTH),
        dutyCycle: z.number().gt(0, 'must be above 0').max(1, 'must be at most 1').default(1),
      })
      .strict()
      .default({ streams: 1, hoursPerMonth: DEFAULT_HOURS_PER_MONTH, dutyCycle: 1 }),
    freeTier: z.boolean().default(false),
    architecture: z.enum(['x86', 'arm']).default('x86'),
    workflow: z.enum(['standard', 'express']).default('standard'),
    expressMemoryMb: z.number().positive('must be a positive number').default(64),
    discounts: z
      .object({
        monolithComputePercent: z.number().min(0).max(100).default(0),
        lambdaDurationPercent: z.number().min(0).max(100).default(0),
      })
      .strict()
      .default({ monolithComputePercent: 0, lambdaDurationPercent: 0 }),
    resultsWriteIntervalSec: z.number().positive('must be a positive number').default(60),
    temporaryStorageResidenceSec: z.number().min(0, 'must be a non-negative number').optional(),
    monolith: z
      .object({
        hosting: z.enum(['fargate', 'ec2']).default(monolithDefaults.hosting),
        ec2InstanceType: z.string().min(1).default(monolithDefaults.ec2InstanceType),
        ec2ArmInstanceType: z.string().min(1).default(monolithDefaults.ec2ArmInstanceType),
        targetUtilization: z
          .number()
          .gt(0, 'must be above 0')
          .max(1, 'must be at most 1')
          .default(monolithDefaults.targetUtilization),
        provisioning: z.enum(['always-on', 'active-hours']).default(monolithDefaults.provisioning),
        memoryBaseBytes: z.number().min(0, 'must be a non-negative number').default(0),
        memoryPerStreamBytes: z.number().min(0, 'must be a non-negative number').optional(),
        cpuSecondsPerStreamSecond: z.number().positive('must be a positive number').optional(),
        processCpuSecondsPerStreamSecond: z.number().positive('must be a positive number').optional(),
        // No default: absent means 1, so results documents of single-monolith runs stay as they were.
        clones: z.number().int('must be a whole number').min(1, 'must be at least 1').optional(),
      })
      .strict()
      .default(monolithDefaults),
  })
  .strict();

/** Cost options as a scenario writes them: every field optional. */
export type CostOptionsInput = z.input<typeof costOptionsSchema>;

export type CostOptionsResult = { ok: true; options: CostOptions } | { ok: false; error: string };

/** Validates cost options and fills defaults; the error is one line naming the field. */
export function resolveCostOptions(input: CostOptionsInput | undefined): CostOptionsResult {
  const parsed = costOptionsSchema.safeParse(input ?? {});
  if (parsed.success) {
    const options: CostOptions = parsed.data;
    return { ok: true, options };
  }
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : `${issue.path.map(String).join('.')}: `;
  if (issue?.code === 'unrecognized_keys') {
    return { ok: false, error: `${where}unknown key ${issue.keys.map((key) => `"${key}"`).join(', ')}` };
  }
  return { ok: false, error: `${where}${issue?.message ?? 'invalid cost options'}` };
}

/** Sizing of the monolith's capacity behind its compute lines. */
export interface MonolithSizing {
  readonly hosting: 'fargate' | 'ec2';
  readonly architecture: 'x86' | 'arm';
  /** Measured CPU seconds per stream-second (1 = one vCPU busy per stream). */
  readonly cpuSecondsPerStreamSecond: number;
  /** vCPUs provisioned: streams x cpuSecondsPerStreamSecond / targetUtilization. */
  readonly vcpus: number;
  /** Memory provisioned, GiB: (base + streams x per-stream bytes) / targetUtilization / 2^30. */
  readonly memoryGiB: number;
  /** Hours the capacity is billed per month. */
  readonly hoursBilledPerMonth: number;
  /** Monolith clones, each its own Fargate task or EC2 instance(s); absent for one monolith. */
  readonly clones?: number;
  /** EC2 only: the instance type, how many, and whether vCPU or memory decided the count. */
  readonly ec2?: {
    readonly instanceType: string;
    readonly instances: number;
    readonly limitedBy: 'cpu' | 'memory';
    /** Streams one instance's process serves (absent in documents written before 2026-12). */
    readonly streamsPerInstance?: number;
  };
  /** Fargate with task sizes: the task size chosen, how many tasks, streams per task. */
  readonly fargateTask?: {
    readonly vcpus: number;
    readonly memoryGiB: number;
    readonly tasks: number;
    readonly streamsPerTask: number;
    readonly limitedBy: 'cpu' | 'memory';
  };
}

/** One design's monthly bill at a load. */
export interface DesignCost {
  readonly design: Design;
  readonly load: Load;
  /** Active stream-hours per month: streams x hoursPerMonth x dutyCycle. */
  readonly streamHoursPerMonth: number;
  readonly lines: readonly CostLine[];
  readonly totalPerMonth: number;
  readonly totalPerStreamHour: number;
  /** Totals split by basis: count-derived dollars are exact across runs, compute-derived are not. */
  readonly byBasis: Readonly<
    Record<CostBasis, { readonly perMonth: number; readonly perStreamHour: number }>
  >;
  /** Monolith only. */
  readonly sizing?: MonolithSizing;
  /** Modelling assumptions behind the lines, one sentence each, for the report. */
  readonly assumptions: readonly string[];
}

/** Values shared by every line of one bill. */
interface BillContext {
  readonly book: PriceBook;
  readonly options: CostOptions;
  readonly activeStreamSeconds: number;
  readonly streamHours: number;
}

function billContext(book: PriceBook, options: CostOptions): BillContext {
  const { streams, hoursPerMonth, dutyCycle } = options.load;
  if (!(streams > 0 && hoursPerMonth > 0 && dutyCycle > 0 && dutyCycle <= 1)) {
    throw new RangeError('load needs streams > 0, hoursPerMonth > 0 and 0 < dutyCycle <= 1');
  }
  const streamHours = streams * hoursPerMonth * dutyCycle;
  return { book, options, activeStreamSeconds: streamHours * 3600, streamHours };
}

function makeLine(
  context: BillContext,
  dimension: CostDimension,
  priceKey: string,
  unit: string,
  unitPrice: number,
  quantity: number,
  freeQuantity: number,
  cost: number,
): CostLine {
  const { label, category, basis } = COST_DIMENSIONS[dimension];
  return {
    dimension,
    label,
    category,
    basis,
    priceKey,
    unit,
    quantity,
    freeQuantity,
    unitPrice,
    cost,
    costPerStreamHour: cost / context.streamHours,
  };
}

/** A line priced from a book line at a monthly quantity, free tier and volume tiers applied. */
function bookLine(
  context: BillContext,
  dimension: CostDimension,
  key: PriceKey,
  quantity: number,
  freeTier?: FreeTierKey,
): CostLine {
  const line = context.book.lines[key];
  const allowance =
    freeTier !== undefined && context.options.freeTier ? context.book.freeTiers[freeTier] : undefined;
  const freeQuantity = allowance !== undefined ? Math.min(quantity, allowance.quantity) : 0;
  const cost = monthlyCostOf(line, quantity - freeQuantity);
  return makeLine(context, dimension, key, line.unit, unitPriceOf(line), quantity, freeQuantity, cost);
}

/**
 * The S3 request and transfer lines, the same for every design. The runs write one results object per
 * clip (stage `WriteResults`); a service writes on a cadence, so those requests are replaced by one PUT per
 * stream every `resultsWriteIntervalSec`, the same for every design.
 */
function s3Lines(context: BillContext, profile: WorkloadProfile): CostLine[] {
  const seconds = context.activeStreamSeconds;
  const tiers = { ...profile.count.s3RequestsByTier };
  for (const [operation, rate] of Object.entries(profile.count.s3RequestsByStage[RESULTS_STAGE] ?? {})) {
    const tier = s3TierOf(operation);
    tiers[tier] = Math.max(0, tiers[tier] - rate);
  }
  const bytes = profile.count.s3BytesUp + profile.count.s3BytesDown;
  return [
    bookLine(context, 's3-tier1', 's3.requests.tier1', tiers.tier1 * seconds),
    bookLine(context, 's3-tier2', 's3.requests.tier2', tiers.tier2 * seconds),
    bookLine(context, 's3-free', 's3.requests.delete', tiers.free * seconds),
    bookLine(
      context,
      's3-results-writes',
      's3.requests.tier1',
      seconds / context.options.resultsWriteIntervalSec,
    ),
    bookLine(context, 's3-transfer', 'transfer.s3.sameRegion', (bytes * seconds) / BYTES_PER_GB),
  ];
}

function finishBill(
  context: BillContext,
  design: Design,
  lines: CostLine[],
  assumptions: string[],
  sizing?: MonolithSizing,
): DesignCost {
  const total = (basis?: CostBasis): number =>
    lines
      .filter((line) => basis === undefined || line.basis === basis)
      .reduce((sum, line) => sum + line.cost, 0);
  const perMonth = total();
  const count = total('count');
  const compute = total('compute');
  return {
    design,
    load: context.options.load,
    streamHoursPerMonth: context.streamHours,
    lines,
    totalPerMonth: perMonth,
    totalPerStreamHour: perMonth / context.streamHours,
    byBasis: {
      count: { perMonth: count, perStreamHour: count / context.streamHours },
      compute: { perMonth: compute, perStreamHour: compute / context.streamHours },
    },
    ...(sizing === undefined ? {} : { sizing }),
    assumptions,
  };
}

/** Mean measured execution duration, seconds (0 without executions). */
function meanExecutionSec(profile: WorkloadProfile): number {
  return profile.count.executions > 0 ? profile.compute.executionMs / profile.count.executions / 1000 : 0;
}

/**
 * The distributed design's bill: orchestration (Standard transitions, or Express requests and GB-s),
 * task invocations as Lambda requests and GB-s (billed ms x configured memory, x86 or Arm), S3 requests
 * by tier, temporary object storage and same-Region transfer (free).
 */
export function priceDistributed(
  profile: WorkloadProfile,
  book: PriceBook,
  options: CostOptions,
): DesignCost {
  const context = billContext(book, options);
  const seconds = context.activeStreamSeconds;
  const lines: CostLine[] = [];
  const assumptions: string[] = [
    'Each task invocation is priced as one Lambda request plus its billed GB-seconds.',
  ];

  if (options.workflow === 'standard') {
    lines.push(
      bookLine(
        context,
        'sfn-transitions',
        'sfn.standard.transitions',
        profile.count.transitions * seconds,
        'sfn.standard.transitions',
      ),
    );
  } else {
    const memoryMb = Math.ceil(options.expressMemoryMb / EXPRESS_MEMORY_STEP_MB) * EXPRESS_MEMORY_STEP_MB;
    const gbSeconds = (profile.compute.expressBilledMs / 1000) * (memoryMb / 1024) * seconds;
    lines.push(
      bookLine(context, 'sfn-express-requests', 'sfn.express.requests', profile.count.executions * seconds),
      bookLine(context, 'sfn-express-duration', 'sfn.express.duration', gbSeconds),
    );
    assumptions.push(
      `Express duration: measured executions rounded up to 100 ms, at ${memoryMb} MB (64 MB steps).`,
    );
  }

  const durationKey: PriceKey =
    options.architecture === 'arm' ? 'lambda.duration.arm' : 'lambda.duration.x86';
  lines.push(
    bookLine(
      context,
      'lambda-requests',
      'lambda.requests',
      profile.count.invocations * seconds,
      'lambda.requests',
    ),
    withDiscount(
      bookLine(
        context,
        'lambda-duration',
        durationKey,
        profile.compute.lambdaGbSeconds * seconds,
        'lambda.duration',
      ),
      options.discounts.lambdaDurationPercent,
    ),
  );
  if (options.discounts.lambdaDurationPercent > 0) {
    assumptions.push(
      `Compute Savings Plan: ${options.discounts.lambdaDurationPercent}% off Lambda duration (requests are not covered).`,
    );
  }
  if (options.architecture === 'arm') {
    assumptions.push('Arm: the durations measured on this machine are reused unchanged.');
  }

  lines.push(...s3Lines(context, profile));

  const residenceSec = options.temporaryStorageResidenceSec ?? meanExecutionSec(profile);
  // Average bytes resident = write rate x residence time; a GB-month is one GB stored for the whole month.
  const residentGb =
    (profile.count.s3BytesUp * options.load.streams * options.load.dutyCycle * residenceSec) / BYTES_PER_GB;
  lines.push(bookLine(context, 's3-temporary-storage', 's3.storage.standard', residentGb));
  assumptions.push(
    `Temporary objects: every uploaded byte stays in S3 for ${residenceSec.toFixed(3)} s (${
      options.temporaryStorageResidenceSec === undefined ? 'the mean measured execution' : 'configured'
    }).`,
  );
  return finishBill(context, 'distributed', lines, assumptions);
}

/** Rounds up, ignoring float noise just above a whole number (4.0000000001 vCPUs fit 4). */
function ceilWhole(value: number): number {
  return Math.ceil(value - 1e-9);
}

/** A line with a commitment discount (percent off its cost) applied. */
function withDiscount(line: CostLine, percent: number): CostLine {
  if (percent === 0) return line;
  const factor = 1 - percent / 100;
  return { ...line, cost: line.cost * factor, costPerStreamHour: line.costPerStreamHour * factor };
}

/** Rounds down, ignoring float noise just below a whole number. */
function floorWhole(value: number): number {
  return Math.floor(value + 1e-9);
}

/** What monolith processes need: per stream CPU and memory, plus memory once per process. */
interface ProcessNeed {
  readonly cpuPerStream: number;
  readonly bytesPerStream: number;
  readonly baseBytes: number;
  readonly utilization: number;
  /** Most streams one process serves (its main thread saturates); Infinity when not measured. */
  readonly streamsPerProcess: number;
}

/**
 * Streams that fit into `vcpus` and `memoryGiB` at the target utilization: within the CPU, and within the
 * memory of as many processes as they need (each process pays the base once), and which bound decided.
 */
function streamsPerUnit(
  need: ProcessNeed,
  vcpus: number,
  memoryGiB: number,
): { streams: number; limitedBy: 'cpu' | 'memory' } {
  const byCpu =
    need.cpuPerStream > 0 ? floorWhole((vcpus * need.utilization) / need.cpuPerStream) : 1_000_000;
  const memory = memoryGiB * BYTES_PER_GB * need.utilization;
  const processes = (streams: number): number =>
    streams === 0 ? 0 : Math.max(1, Math.ceil(streams / need.streamsPerProcess));
  const fits = (streams: number): boolean =>
    processes(streams) * need.baseBytes + streams * need.bytesPerStream <= memory + 1e-6;
  if (fits(byCpu)) return { streams: byCpu, limitedBy: 'cpu' };
  // Memory use grows with the streams: the largest count that fits, by bisection.
  let low = 0;
  let high = byCpu;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return { streams: low, limitedBy: 'memory' };
}

/**
 * The monolith's bill: capacity sized from CPU seconds per stream-second and memory (a base per process
 * plus a share per stream; from the multi-stream fit when the harness ran it) at the target utilization,
 * on Fargate (tasks of a valid size, billed for their size; the cheapest size that fits) or EC2 (whole
 * instances), plus its S3 requests. Each task or instance runs one monolith process serving many streams.
 */
export function priceMonolith(profile: WorkloadProfile, book: PriceBook, options: CostOptions): DesignCost {
  const context = billContext(book, options);
  const { streams, hoursPerMonth, dutyCycle } = options.load;
  const monolith = options.monolith;
  const utilization = monolith.targetUtilization;
  const clones = monolith.clones ?? 1;
  const cpuSecondsPerStreamSecond = monolith.cpuSecondsPerStreamSecond ?? profile.compute.cpuMs / 1000;
  const perStreamBytes = monolith.memoryPerStreamBytes ?? profile.compute.peakRssBytes;
  // The measured CPU and memory already hold every clone's work (each decodes the stream itself); each
  // clone's process needs an equal share of them per stream, and its own base.
  const processCpu = monolith.processCpuSecondsPerStreamSecond;
  const need: ProcessNeed = {
    cpuPerStream: cpuSecondsPerStreamSecond / clones,
    bytesPerStream: perStreamBytes / clones,
    baseBytes: monolith.memoryBaseBytes,
    utilization,
    streamsPerProcess:
      processCpu === undefined
        ? Number.POSITIVE_INFINITY
        : Math.max(1, floorWhole(utilization / (processCpu / clones))),
  };
  const vcpus = (streams * cpuSecondsPerStreamSecond) / utilization;
  const memoryGiB =
    (clones * monolith.memoryBaseBytes + streams * perStreamBytes) / utilization / BYTES_PER_GB;
  const hoursBilled = monolith.provisioning === 'always-on' ? hoursPerMonth : hoursPerMonth * dutyCycle;
  const arch = options.architecture;
  const discount = options.discounts.monolithComputePercent;
  const lines: CostLine[] = [];
  const assumptions: string[] = [
    `Capacity = need / target utilization ${utilization}; one monolith process per ${monolith.hosting === 'ec2' ? 'instance' : 'task'} serves as many streams as fit.`,
    monolith.cpuSecondsPerStreamSecond === undefined
      ? 'CPU per stream-second: measured with one stream at a time.'
      : 'CPU per stream-second: fitted from runs of several streams in one process.',
    monolith.memoryPerStreamBytes === undefined
      ? 'Memory need = streams x measured peak RSS (one stream per process: an upper bound).'
      : `Memory need = ${(monolith.memoryBaseBytes / 2 ** 20).toFixed(0)} MiB per process + ${(perStreamBytes / 2 ** 20).toFixed(1)} MiB per stream.`,
    monolith.provisioning === 'always-on'
      ? 'Capacity runs the whole month, whatever the duty cycle.'
      : 'Capacity runs only while streams are live.',
  ];
  if (discount > 0) assumptions.push(`Savings Plan: ${discount}% off the on-demand compute price.`);
  if (Number.isFinite(need.streamsPerProcess)) {
    assumptions.push(
      `One process serves at most ${need.streamsPerProcess} stream(s) (its own CPU, ${((processCpu ?? 0) * 1000).toFixed(0)} ms per stream-second on one main thread, at the target utilization); a larger task or instance runs several, each with its base memory.`,
    );
  }
  if (clones > 1) {
    assumptions.push(
      `${clones} monolith clones, each its own ${monolith.hosting === 'ec2' ? 'EC2 instance(s)' : 'Fargate task(s)'}, each sized for an equal share of the measured CPU and memory per stream (which include the decode each clone repeats) plus its own base.`,
    );
  }
  const discounted = (line: CostLine): CostLine => withDiscount(line, discount);
  let sizing: MonolithSizing;

  if (monolith.hosting === 'fargate') {
    const vcpuKey: PriceKey = arch === 'arm' ? 'fargate.arm.vcpu' : 'fargate.x86.vcpu';
    const memoryKey: PriceKey = arch === 'arm' ? 'fargate.arm.memory' : 'fargate.x86.memory';
    const taskSizes = book.fargateTaskSizes;
    let billedVcpus = vcpus;
    let billedMemoryGiB = memoryGiB;
    let task: MonolithSizing['fargateTask'];
    if (taskSizes === undefined) {
      assumptions.push(
        'Fargate billed for exactly the vCPUs and GB needed (this price book lists no task sizes).',
      );
    } else {
      const hourly = (vcpu: number, gib: number): number =>
        vcpu * unitPriceOf(book.lines[vcpuKey]) + gib * unitPriceOf(book.lines[memoryKey]);
      let best:
        | {
            vcpus: number;
            memoryGiB: number;
            tasks: number;
            streamsPerTask: number;
            limitedBy: 'cpu' | 'memory';
          }
        | undefined;
      for (const size of taskSizes.sizes) {
        for (const gib of size.memoryGiB) {
          const fit = streamsPerUnit(need, size.vcpus, gib);
          if (fit.streams < 1) continue;
          const tasks = clones * ceilWhole(streams / fit.streams);
          if (
            best === undefined ||
            tasks * hourly(size.vcpus, gib) < best.tasks * hourly(best.vcpus, best.memoryGiB)
          ) {
            best = {
              vcpus: size.vcpus,
              memoryGiB: gib,
              tasks,
              streamsPerTask: fit.streams,
              limitedBy: fit.limitedBy,
            };
          }
        }
      }
      if (best === undefined) {
        throw new BadInputError(
          'no Fargate task size fits one monolith stream at the target utilization (memory or CPU per stream too large)',
        );
      }
      billedVcpus = best.tasks * best.vcpus;
      billedMemoryGiB = best.tasks * best.memoryGiB;
      task = best;
      assumptions.push(
        `Fargate: ${best.tasks} task(s) of ${best.vcpus} vCPU and ${best.memoryGiB} GB (the cheapest valid task size for the load), ${best.streamsPerTask} stream(s) each; billed for the task size.`,
      );
    }
    lines.push(
      discounted(bookLine(context, 'fargate-vcpu', vcpuKey, billedVcpus * hoursBilled)),
      discounted(bookLine(context, 'fargate-memory', memoryKey, billedMemoryGiB * hoursBilled)),
    );
    sizing = {
      hosting: 'fargate',
      architecture: arch,
      cpuSecondsPerStreamSecond,
      vcpus,
      memoryGiB,
      hoursBilledPerMonth: hoursBilled,
      ...(clones > 1 ? { clones } : {}),
      ...(task === undefined ? {} : { fargateTask: task }),
    };
  } else {
    const instanceType = arch === 'arm' ? monolith.ec2ArmInstanceType : monolith.ec2InstanceType;
    const instance = ec2InstanceOf(book, instanceType);
    if (instance === undefined) {
      throw new BadInputError(`EC2 instance type "${instanceType}" is not in price book ${book.id}`);
    }
    if (instance.architecture !== arch) {
      throw new BadInputError(`EC2 instance type "${instanceType}" is ${instance.architecture}, not ${arch}`);
    }
    const fit = streamsPerUnit(need, instance.vcpus, instance.memoryGiB);
    if (fit.streams < 1) {
      throw new BadInputError(
        `EC2 ${instanceType} does not fit one monolith stream at the target utilization (memory or CPU per stream too large)`,
      );
    }
    // Each clone runs on instances of its own: whole instances per clone, at least one each.
    const instances = clones * ceilWhole(streams / fit.streams);
    const unitPrice = unitPriceOf(instance);
    const quantity = instances * hoursBilled;
    lines.push(
      discounted(
        makeLine(
          context,
          'ec2-instances',
          ec2PriceKey(instanceType),
          instance.unit,
          unitPrice,
          quantity,
          0,
          quantity * unitPrice,
        ),
      ),
    );
    assumptions.push(
      `EC2 ${instanceType}: whole instances, ${fit.streams} stream(s) each (${fit.limitedBy} decides), at least one${clones > 1 ? ' per clone' : ''}.`,
    );
    sizing = {
      hosting: 'ec2',
      architecture: arch,
      cpuSecondsPerStreamSecond,
      vcpus,
      memoryGiB,
      hoursBilledPerMonth: hoursBilled,
      ...(clones > 1 ? { clones } : {}),
      ec2: { instanceType, instances, limitedBy: fit.limitedBy, streamsPerInstance: fit.streams },
    };
  }
  lines.push(...s3Lines(context, profile));
  return finishBill(context, 'monolith', lines, assumptions, sizing);
}

/** One dimension's (or category's) share of the gap between the designs. */
export interface GapEntry<Key extends string> {
  readonly key: Key;
  readonly label: string;
  readonly distributedPerMonth: number;
  readonly monolithPerMonth: number;
  /** distributed - monolith, USD per month (negative where the monolith pays more). */
  readonly gapPerMonth: number;
  readonly gapPerStreamHour: number;
  /** gapPerMonth / total gap (signed; shares sum to 1); null when the total gap is 0. */
  readonly shareOfGap: number | null;
}

export interface DesignComparison {
  readonly cheaper: Design | 'equal';
  /** (distributed - monolith) / distributed x 100: what moving to the monolith saves; null if distributed is 0. */
  readonly savingsPercent: number | null;
  readonly gapPerMonth: number;
  readonly gapPerStreamHour: number;
  /** "Where the money goes": the gap per billing dimension, largest first. */
  readonly gapByDimension: readonly (GapEntry<CostDimension> & { readonly basis: CostBasis })[];
  /** The gap per category (orchestration, compute, s3-requests, storage, transfer), largest first. */
  readonly gapByCategory: readonly GapEntry<CostCategory>[];
  /** The gap split into its count-derived and compute-derived parts. */
  readonly gapByBasis: Readonly<Record<CostBasis, number>>;
}

function gapEntries<Key extends string>(
  keys: readonly Key[],
  labelOf: (key: Key) => string,
  costOf: (cost: DesignCost, key: Key) => number,
  distributed: DesignCost,
  monolith: DesignCost,
): GapEntry<Key>[] {
  const totalGap = distributed.totalPerMonth - monolith.totalPerMonth;
  return keys
    .map((key) => {
      const distributedPerMonth = costOf(distributed, key);
      const monolithPerMonth = costOf(monolith, key);
      const gapPerMonth = distributedPerMonth - monolithPerMonth;
      return {
        key,
        label: labelOf(key),
        distributedPerMonth,
        monolithPerMonth,
        gapPerMonth,
        gapPerStreamHour: gapPerMonth / distributed.streamHoursPerMonth,
        shareOfGap: totalGap === 0 ? null : gapPerMonth / totalGap,
      };
    })
    .sort((a, b) => b.gapPerMonth - a.gapPerMonth);
}

function sameLoad(a: Load, b: Load): boolean {
  return a.streams === b.streams && a.hoursPerMonth === b.hoursPerMonth && a.dutyCycle === b.dutyCycle;
}

/** Savings and the gap by dimension, category and basis between two bills at the same load. */
export function compareDesigns(distributed: DesignCost, monolith: DesignCost): DesignComparison {
  if (!sameLoad(distributed.load, monolith.load))
    throw new RangeError('compareDesigns needs both bills at the same load');
  const sumWhere = (cost: DesignCost, keep: (line: CostLine) => boolean): number =>
    cost.lines.filter(keep).reduce((sum, line) => sum + line.cost, 0);
  const dimensions = [...new Set([...distributed.lines, ...monolith.lines].map((line) => line.dimension))];
  const categories = [...new Set(dimensions.map((dimension) => COST_DIMENSIONS[dimension].category))];
  const gapPerMonth = distributed.totalPerMonth - monolith.totalPerMonth;
  return {
    cheaper: gapPerMonth > 0 ? 'monolith' : gapPerMonth < 0 ? 'distributed' : 'equal',
    savingsPercent: distributed.totalPerMonth === 0 ? null : (gapPerMonth / distributed.totalPerMonth) * 100,
    gapPerMonth,
    gapPerStreamHour: gapPerMonth / distributed.streamHoursPerMonth,
    gapByDimension: gapEntries(
      dimensions,
      (dimension) => COST_DIMENSIONS[dimension].label,
      (cost, dimension) => sumWhere(cost, (line) => line.dimension === dimension),
      distributed,
      monolith,
    ).map((entry) => ({ ...entry, basis: COST_DIMENSIONS[entry.key].basis })),
    gapByCategory: gapEntries(
      categories,
      (category) => category,
      (cost, category) => sumWhere(cost, (line) => line.category === category),
      distributed,
      monolith,
    ),
    gapByBasis: {
      count: distributed.byBasis.count.perMonth - monolith.byBasis.count.perMonth,
      compute: distributed.byBasis.compute.perMonth - monolith.byBasis.compute.perMonth,
    },
  };
}

export type WhatIfId = 'express' | 'frames-batched' | 'arm' | 'fewer-detectors';

export interface WhatIfInput {
  readonly distributed: WorkloadProfile;
  readonly monolith: WorkloadProfile;
  readonly priceBook: PriceBook;
  readonly options: CostOptions;
  /** A distributed profile measured with frames batched; without it the batching is derived. */
  readonly batchedDistributed?: WorkloadProfile | undefined;
  /** Frames per S3 object for the derived batching; default Infinity (one object per chunk and stage). */
  readonly framesPerObject?: number | undefined;
  /** Detectors the fewer-detectors what-if drops; absent or empty: that what-if is left out. */
  readonly dropDetectors?: readonly string[] | undefined;
}

export interface WhatIfResult {
  readonly id: WhatIfId;
  readonly label: string;
  /** How the what-if was computed from the measured counts, one sentence. */
  readonly derivation: string;
  readonly distributed: DesignCost;
  readonly monolith: DesignCost;
  readonly comparison: DesignComparison;
  /** What-if minus baseline, USD per month (negative: cheaper). */
  readonly distributedChangePerMonth: number;
  readonly monolithChangePerMonth: number;
}

export interface WhatIfReport {
  readonly baseline: {
    readonly distributed: DesignCost;
    readonly monolith: DesignCost;
    readonly comparison: DesignComparison;
  };
  /** In the order express, frames-batched, arm, fewer-detectors; those that do not apply are left out. */
  readonly whatIfs: readonly WhatIfResult[];
}

/**
 * What-ifs, each a single change from the baseline computed from the same measured profiles:
 * Express instead of Standard (left out when the baseline is Express), frames batched (a measured
 * batched profile if given, else `withFramesBatched`), Arm (left out when the baseline is Arm), fewer
 * detectors (with `dropDetectors`).
 */
export function whatIfs(input: WhatIfInput): WhatIfReport {
  const { priceBook: book, options } = input;
  const baseDistributed = priceDistributed(input.distributed, book, options);
  const baseMonolith = priceMonolith(input.monolith, book, options);
  const results: WhatIfResult[] = [];
  const add = (
    id: WhatIfId,
    label: string,
    derivation: string,
    distributed: DesignCost,
    monolith: DesignCost,
  ): void => {
    results.push({
      id,
      label,
      derivation,
      distributed,
      monolith,
      comparison: compareDesigns(distributed, monolith),
      distributedChangePerMonth: distributed.totalPerMonth - baseDistributed.totalPerMonth,
      monolithChangePerMonth: monolith.totalPerMonth - baseMonolith.totalPerMonth,
    });
  };

  if (options.workflow === 'standard') {
    add(
      'express',
      'Express workflows instead of Standard',
      'The same executions priced as Express requests, with the measured durations rounded up to 100 ms as GB-seconds; tasks stay Lambda (Express runs no activities).',
      priceDistributed(input.distributed, book, { ...options, workflow: 'express' }),
      baseMonolith,
    );
  }

  const framesPerObject = input.framesPerObject ?? Number.POSITIVE_INFINITY;
  const batched = input.batchedDistributed ?? withFramesBatched(input.distributed, framesPerObject);
  add(
    'frames-batched',
    Number.isFinite(framesPerObject)
      ? `Frames batched ${framesPerObject} to an S3 object`
      : 'Frames batched into one S3 object per chunk',
    input.batchedDistributed !== undefined
      ? 'Priced from a run measured with frames batched.'
      : 'Derived from the per-stage counts: per chunk, ConvertMedia PUTs and each Detect stage GETs become ceil(objects / framesPerObject); everything else as measured.',
    priceDistributed(batched, book, options),
    baseMonolith,
  );

  if (options.architecture === 'x86') {
    const arm: CostOptions = { ...options, architecture: 'arm' };
    add(
      'arm',
      'Arm (Graviton) instead of x86',
      `Lambda GB-s and ${options.monolith.hosting === 'ec2' ? `EC2 (${options.monolith.ec2ArmInstanceType})` : 'Fargate'} at Arm prices with the durations and CPU seconds measured here.`,
      priceDistributed(input.distributed, book, arm),
      priceMonolith(input.monolith, book, arm),
    );
  }

  const drop = input.dropDetectors ?? [];
  if (drop.length > 0) {
    add(
      'fewer-detectors',
      `Without ${drop.join(', ')}`,
      'The Detect stages of the dropped detectors removed: their transitions, invocations, billed durations and S3 requests, and their CPU time in the monolith.',
      priceDistributed(withoutDetectors(input.distributed, drop), book, options),
      priceMonolith(withoutDetectors(input.monolith, drop), book, options),
    );
  }

  return {
    baseline: {
      distributed: baseDistributed,
      monolith: baseMonolith,
      comparison: compareDesigns(baseDistributed, baseMonolith),
    },
    whatIfs: results,
  };
}
