import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type CostDimension,
  type CostLine,
  priceDistributed,
  priceMonolith,
  resolveCostOptions,
} from '../core/cost/cost-model.ts';
import type { PriceBook } from '../core/cost/price-book.ts';
import type { WorkloadProfile } from '../core/cost/workload-profile.ts';
import { chunkCount } from '../media/decode-plan.ts';
import type { MediaInfo } from '../media/probe.ts';
import type { AslDefinition } from '../runners/distributed/state-machine-definition.ts';

/**
 * What a run on the aws backend will itself cost in AWS, before anything is created. The runners' tasks
 * run as local processes, so only what AWS bills is estimated: Standard state transitions, S3 requests and
 * the temporary objects' storage (no Lambda, no Fargate). Quantities, then the cost model prices them with
 * the scenario's price book at a "month" that is exactly the run's stream-seconds (one stream), free tiers
 * off:
 *
 * - executions: one per chunk, `ceil(duration / chunkSeconds)` per clip, per replay of the distributed
 *   design, at most `maxExecutions` per replay (the cap is per runner instance);
 * - transitions: per execution, the states entered on the workflow definition's success path (exact when
 *   nothing fails; each retry adds one);
 * - S3 requests: the committed gate baseline's measured rates per stream-second for each design
 *   (reports/baseline/results.json), times the stream-seconds replayed. Without a baseline they are left
 *   out and a note says so. The baseline's frame rate and `framesPerObject` set these rates.
 */

/** The committed gate baseline, relative to the project root. */
export const BASELINE_RESULTS_PATH = path.join('reports', 'baseline', 'results.json');

/** Measured workload profiles per design (the rates per stream-second the S3 lines are scaled from). */
export interface BaselineProfiles {
  readonly source: string;
  readonly distributed: WorkloadProfile;
  readonly monolith: WorkloadProfile;
}

export interface AwsRunEstimateInput {
  /** The clips the run replays (their durations decide the chunks). */
  readonly clips: readonly Pick<MediaInfo, 'durationSec'>[];
  /** Seconds of stream per chunk (= per execution). */
  readonly chunkSeconds: number;
  /** The per-chunk workflow the distributed runner creates. */
  readonly definition: AslDefinition;
  /** How many times the clips go through each design (bench: the scenario's iterations; analyze: 0 or 1). */
  readonly replays: { readonly distributed: number; readonly monolith: number };
  readonly priceBook: PriceBook;
  readonly baseline?: BaselineProfiles;
  /** `--max-executions`: most executions per replay. */
  readonly maxExecutions?: number;
}

/** One priced line of the estimate. */
export interface AwsEstimateLine {
  readonly design: 'distributed' | 'monolith';
  readonly label: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface AwsRunEstimate {
  /** Executions the run starts, over every replay. */
  readonly executions: number;
  /** Billed transitions of one execution that succeeds without retries. */
  readonly transitionsPerExecution: number;
  readonly transitions: number;
  /** Stream-seconds replayed through each design (distributed: only the chunks under the cap). */
  readonly streamSeconds: { readonly distributed: number; readonly monolith: number };
  readonly lines: readonly AwsEstimateLine[];
  readonly totalUsd: number;
  readonly notes: readonly string[];
}

/** Lines AWS bills for a run whose tasks run locally. */
const BILLED_DIMENSIONS: ReadonlySet<CostDimension> = new Set<CostDimension>([
  'sfn-transitions',
  's3-tier1',
  's3-tier2',
  's3-free',
  's3-results-writes',
  's3-temporary-storage',
]);

/**
 * Billed transitions of one execution that succeeds without retries: one per state entered on the success
 * path (`Next` until `End`), and a Parallel state's branches each walked the same way.
 */
export function successPathTransitions(definition: AslDefinition): number {
  const walk = (machine: unknown, depth: number): number => {
    if (depth > 16) throw new Error('workflow definition nests too deeply');
    const { StartAt, States } = asRecord(machine);
    const states = asRecord(States);
    let name = typeof StartAt === 'string' ? StartAt : undefined;
    let entered = 0;
    const seen = new Set<string>();
    while (name !== undefined) {
      if (seen.has(name)) throw new Error(`workflow loops at state ${name}`);
      seen.add(name);
      const state = asRecord(states[name]);
      if (Object.keys(state).length === 0) throw new Error(`workflow has no state ${name}`);
      entered += 1;
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        for (const branch of state.Branches) entered += walk(branch, depth + 1);
      }
      if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') break;
      name = typeof state.Next === 'string' ? state.Next : undefined;
    }
    return entered;
  };
  return walk(definition, 0);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The estimate (pure: the same input gives the same figures). */
export function estimateAwsRun(input: AwsRunEstimateInput): AwsRunEstimate {
  const notes: string[] = [];
  const chunksPerReplay = input.clips.reduce(
    (sum, clip) => sum + chunkCount(clip as MediaInfo, input.chunkSeconds),
    0,
  );
  const streamSecondsPerReplay = input.clips.reduce((sum, clip) => sum + clip.durationSec, 0);
  const secondsPerClip = input.clips.length > 0 ? streamSecondsPerReplay / input.clips.length : 1;
  const executionsPerReplay =
    input.maxExecutions === undefined ? chunksPerReplay : Math.min(chunksPerReplay, input.maxExecutions);
  if (executionsPerReplay < chunksPerReplay) {
    notes.push(
      `--max-executions ${input.maxExecutions} stops each distributed replay after ${executionsPerReplay} of ${chunksPerReplay} chunks.`,
    );
  }
  const executions = executionsPerReplay * input.replays.distributed;
  const transitionsPerExecution = successPathTransitions(input.definition);
  const transitions = executions * transitionsPerExecution;
  const streamSeconds = {
    distributed:
      chunksPerReplay === 0
        ? 0
        : streamSecondsPerReplay * (executionsPerReplay / chunksPerReplay) * input.replays.distributed,
    monolith: streamSecondsPerReplay * input.replays.monolith,
  };
  notes.push('Transitions assume no task fails or is retried (each retry adds one).');
  if (input.baseline === undefined) {
    notes.push(`S3 requests are not included: no gate baseline at ${BASELINE_RESULTS_PATH}.`);
  } else {
    notes.push(`S3 requests per stream-second from ${input.baseline.source}.`);
  }
  notes.push(
    'Not included: data transfer out of AWS to this machine (GetObject bytes), not in the price book.',
  );

  const lines: AwsEstimateLine[] = [];
  if (streamSeconds.distributed > 0) {
    const measured = input.baseline?.distributed ?? zeroProfile();
    const seconds = streamSeconds.distributed;
    const profile: WorkloadProfile = {
      ...measured,
      count: { ...measured.count, transitions: transitions / seconds, executions: executions / seconds },
    };
    lines.push(
      ...billed(
        'distributed',
        priceDistributed(profile, input.priceBook, costOptionsFor(seconds, secondsPerClip)).lines.filter(
          // Without a baseline nothing of S3 is known (the note says so): transitions only.
          (line) => input.baseline !== undefined || line.dimension === 'sfn-transitions',
        ),
      ),
    );
  }
  if (streamSeconds.monolith > 0 && input.baseline !== undefined) {
    const seconds = streamSeconds.monolith;
    lines.push(
      ...billed(
        'monolith',
        priceMonolith(input.baseline.monolith, input.priceBook, costOptionsFor(seconds, secondsPerClip))
          .lines,
      ),
    );
  }
  const totalUsd = lines.reduce((sum, line) => sum + line.usd, 0);
  return { executions, transitionsPerExecution, transitions, streamSeconds, lines, totalUsd, notes };
}

/**
 * A month of exactly `streamSeconds` of one stream, no free tier: the bill is the run's own cost. The run
 * writes one results object per clip, so results are priced at one write per `secondsPerClip`.
 */
function costOptionsFor(streamSeconds: number, secondsPerClip: number) {
  const resolved = resolveCostOptions({
    load: { streams: 1, hoursPerMonth: streamSeconds / 3600, dutyCycle: 1 },
    resultsWriteIntervalSec: secondsPerClip,
  });
  if (!resolved.ok) throw new Error(`estimate cost options: ${resolved.error}`);
  return resolved.options;
}

function billed(design: AwsEstimateLine['design'], lines: readonly CostLine[]): AwsEstimateLine[] {
  return lines
    .filter((line) => BILLED_DIMENSIONS.has(line.dimension) && line.quantity > 0)
    .map((line) => ({ design, label: line.label, quantity: line.quantity, unit: line.unit, usd: line.cost }));
}

function zeroProfile(): WorkloadProfile {
  return {
    streamSeconds: 1,
    count: {
      transitionsByState: {},
      transitions: 0,
      executions: 0,
      invocationsByTask: {},
      invocations: 0,
      s3RequestsByOperation: {},
      s3RequestsByStage: {},
      s3RequestsByTier: { tier1: 0, tier2: 0, free: 0 },
      s3PrefixWrites: 0,
      s3PrefixReads: 0,
      s3BytesUp: 0,
      s3BytesDown: 0,
      sfnApiRequestsByOperation: {},
    },
    compute: {
      billedMsByTask: {},
      memoryMbByTask: {},
      lambdaGbSeconds: 0,
      expressBilledMs: 0,
      executionMs: 0,
      cpuMsByComponent: {},
      cpuMs: 0,
      peakRssBytes: 0,
    },
  };
}

/** The estimate as lines for stderr, ending with the total. */
export function renderAwsRunEstimate(estimate: AwsRunEstimate, priceBookId: string): string {
  const usd = (value: number): string =>
    `$${value < 0.01 && value > 0 ? value.toFixed(6) : value.toFixed(4)}`;
  const count = (value: number): string =>
    Number.isInteger(value) ? String(value) : value < 0.1 ? value.toPrecision(2) : value.toFixed(1);
  const rows = [
    `Estimated AWS cost of this run (price book ${priceBookId}): ${usd(estimate.totalUsd)}`,
    `  ${estimate.executions} Step Functions execution(s) x ${estimate.transitionsPerExecution} billed transitions = ${estimate.transitions} transitions`,
    ...estimate.lines.map(
      (line) => `  ${line.design}: ${line.label}: ${count(line.quantity)} ${line.unit}(s) = ${usd(line.usd)}`,
    ),
    ...estimate.notes.map((note) => `  note: ${note}`),
  ];
  return `${rows.join('\n')}\n`;
}

/** The baseline's measured profiles, or undefined when there is no readable baseline under `cwd`. */
export async function loadBaselineProfiles(cwd: string): Promise<BaselineProfiles | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path.resolve(cwd, BASELINE_RESULTS_PATH), 'utf8'));
  } catch {
    return undefined;
  }
  const runners = asRecord(asRecord(json).runners);
  const distributed = asRecord(asRecord(runners.distributed).profile);
  const monolith = asRecord(asRecord(runners.monolith).profile);
  if (!isProfile(distributed) || !isProfile(monolith)) return undefined;
  return { source: BASELINE_RESULTS_PATH, distributed, monolith };
}

function isProfile(value: Record<string, unknown>): value is Record<string, unknown> & WorkloadProfile {
  const count = asRecord(value.count);
  const tiers = asRecord(count.s3RequestsByTier);
  return (
    typeof value.streamSeconds === 'number' &&
    ['tier1', 'tier2', 'free'].every((tier) => typeof tiers[tier] === 'number') &&
    typeof count.s3BytesUp === 'number' &&
    typeof asRecord(value.compute).executionMs === 'number'
  );
}
