import type { CostBasis } from './cost-model.ts';
import { type PriceBook, type QuotaKey, type QuotaSetName, quotaSetOf } from './price-book.ts';
import type { WorkloadProfile } from './workload-profile.ts';

/**
 * Quota headroom: how many concurrent streams one account and Region sustains before a quota binds, per
 * quota, the binding one first. Steady state only: each quota's sustained rate (the token bucket's refill,
 * not its burst size) against each stream's steady demand, so streams = floor(rate / demand per stream).
 *
 * Assumptions, stated in every result:
 * - Lambda concurrency demand is Little's law: billed task seconds per stream-second (compute-derived);
 *   Lambda's burst scaling (1,000 environments per function every 10 s) is not modelled.
 * - GetActivityTask demand is one delivered task per invocation; empty long polls scale with the worker
 *   fleet, not the streams, and are left out. SendTask* demand is the busiest SendTask* operation counted
 *   (each API has its own bucket), or one per invocation when none was counted.
 * - S3 rates are per partitioned prefix. With `per-stream` prefixes (each stream writes under its own
 *   prefix) S3 binds only if one stream alone exceeds the rate; with `shared` one prefix takes every
 *   stream's requests. LIST counts against neither rate.
 */

export interface HeadroomOptions {
  /** Standard workflows are throttled on transitions and StartExecution; Express only on StartExecution. */
  readonly workflow: 'standard' | 'express';
  /**
   * `lambda`: tasks are Lambda functions (the priced shape; Lambda concurrency applies); `activity`: tasks
   * are activities served by your own workers (GetActivityTask and SendTask* apply instead).
   */
  readonly taskIntegration: 'lambda' | 'activity';
  /** S3 key layout of the intermediate objects. */
  readonly s3Prefixes: 'per-stream' | 'shared';
}

export const defaultHeadroomOptions: HeadroomOptions = {
  workflow: 'standard',
  taskIntegration: 'lambda',
  s3Prefixes: 'per-stream',
};

/** One quota against one stream's demand. */
export interface QuotaLimit {
  readonly quotaKey: QuotaKey;
  readonly label: string;
  /** The quota's sustained value (refill rate per second, or concurrent executions). */
  readonly limit: number;
  readonly unit: string;
  /** One stream's steady demand on the quota, in `unit`. */
  readonly demandPerStream: number;
  /** Whole streams sustained before this quota binds; null when it never binds (no demand). */
  readonly streams: number | null;
  /** `limit / demandPerStream` before rounding down; null when it never binds. */
  readonly streamsExact: number | null;
  /** Whether the demand comes from counts or from timings. */
  readonly basis: CostBasis;
  /** Source id in the price book. */
  readonly source: string;
}

export interface HeadroomResult {
  readonly quotaSet: QuotaSetName;
  /** Streams before the first quota binds; null when none binds. */
  readonly maxStreams: number | null;
  /** The quota that binds first; null when none binds. */
  readonly binding: QuotaLimit | null;
  /** Every applicable quota, ascending by streams (binding first), those that never bind last. */
  readonly limits: readonly QuotaLimit[];
  readonly assumptions: readonly string[];
}

interface Demand {
  readonly key: QuotaKey;
  readonly label: string;
  readonly perStream: number;
  readonly basis: CostBasis;
  /** Per-prefix S3 quota with per-stream prefixes: binds only when one stream exceeds it. */
  readonly perStreamScope?: boolean;
}

function demandsOf(profile: WorkloadProfile, options: HeadroomOptions): Demand[] {
  const { count, compute } = profile;
  const demands: Demand[] = [];
  if (options.workflow === 'standard') {
    demands.push(
      {
        key: 'sfn.stateTransition',
        label: 'Step Functions StateTransition refill',
        perStream: count.transitions,
        basis: 'count',
      },
      {
        key: 'sfn.startExecution.standard',
        label: 'Step Functions StartExecution refill (Standard)',
        perStream: count.executions,
        basis: 'count',
      },
    );
  } else {
    demands.push({
      key: 'sfn.startExecution.express',
      label: 'Step Functions StartExecution refill (Express)',
      perStream: count.executions,
      basis: 'count',
    });
  }
  if (options.taskIntegration === 'lambda') {
    const billedMs = Object.values(compute.billedMsByTask).reduce((sum, value) => sum + value, 0);
    demands.push({
      key: 'lambda.concurrency',
      label: 'Lambda concurrent executions',
      perStream: billedMs / 1000,
      basis: 'compute',
    });
  } else {
    const sendTaskRates = Object.entries(count.sfnApiRequestsByOperation)
      .filter(([operation]) => operation.startsWith('SendTask'))
      .map(([, rate]) => rate);
    demands.push(
      {
        key: 'sfn.getActivityTask',
        label: 'Step Functions GetActivityTask refill',
        perStream: count.invocations,
        basis: 'count',
      },
      {
        key: 'sfn.sendTask',
        label: 'Step Functions SendTask* refill',
        perStream: sendTaskRates.length > 0 ? Math.max(...sendTaskRates) : count.invocations,
        basis: 'count',
      },
    );
  }
  const perStreamScope = options.s3Prefixes === 'per-stream';
  demands.push(
    {
      key: 's3.prefix.writes',
      label: 'S3 PUT/COPY/POST/DELETE per prefix',
      perStream: count.s3PrefixWrites,
      basis: 'count',
      perStreamScope,
    },
    {
      key: 's3.prefix.reads',
      label: 'S3 GET/HEAD per prefix',
      perStream: count.s3PrefixReads,
      basis: 'count',
      perStreamScope,
    },
  );
  return demands;
}

/** Rounds down, ignoring float noise just below a whole number (1500 / 3 = 499.99999... is 500). */
function floorWhole(value: number): number {
  return Math.floor(value + 1e-9);
}

/** Headroom of one design (its profile) under one quota set. */
export function headroomFor(
  profile: WorkloadProfile,
  book: PriceBook,
  quotaSet: QuotaSetName,
  options: HeadroomOptions = defaultHeadroomOptions,
): HeadroomResult {
  const quotas = quotaSetOf(book, quotaSet);
  const limits: QuotaLimit[] = demandsOf(profile, options).map((demand) => {
    const quota = quotas[demand.key];
    let streamsExact: number | null = null;
    if (demand.perStream > 0) {
      if (demand.perStreamScope === true) streamsExact = demand.perStream > quota.value ? 0 : null;
      else streamsExact = quota.value / demand.perStream;
    }
    return {
      quotaKey: demand.key,
      label: demand.label,
      limit: quota.value,
      unit: quota.unit,
      demandPerStream: demand.perStream,
      streams: streamsExact === null ? null : floorWhole(streamsExact),
      streamsExact,
      basis: demand.basis,
      source: quota.source,
    };
  });
  // Stable sort: ties keep the declared order; quotas that never bind go last.
  limits.sort((a, b) => (a.streams ?? Number.POSITIVE_INFINITY) - (b.streams ?? Number.POSITIVE_INFINITY));
  const first = limits[0];
  const binding = first !== undefined && first.streams !== null ? first : null;
  return {
    quotaSet,
    maxStreams: binding?.streams ?? null,
    binding,
    limits,
    assumptions: [
      'Steady state: sustained refill rates against steady per-stream demand; bursts (bucket sizes) are not modelled.',
      options.taskIntegration === 'lambda'
        ? 'Tasks are Lambda functions: concurrency = billed task seconds per stream-second (measured, varies by machine).'
        : 'Tasks are activities: one GetActivityTask per delivered task; empty long polls are left out.',
      options.s3Prefixes === 'per-stream'
        ? 'Each stream writes under its own S3 prefix: S3 binds only if one stream alone exceeds a per-prefix rate.'
        : 'All streams share one S3 prefix.',
      ...(quotaSet === 'legacy2019to2022'
        ? ['2019 to mid-2022: only the StateTransition refill differs; other quotas as current.']
        : []),
    ],
  };
}

/** Headroom under the current and the older (2019 to mid-2022) Step Functions quotas. */
export function headroom(
  profile: WorkloadProfile,
  book: PriceBook,
  options: HeadroomOptions = defaultHeadroomOptions,
): Readonly<Record<QuotaSetName, HeadroomResult>> {
  return {
    current: headroomFor(profile, book, 'current', options),
    legacy2019to2022: headroomFor(profile, book, 'legacy2019to2022', options),
  };
}
