import { type CostOptions, priceDistributed, priceMonolith } from './cost-model.ts';
import type { PriceBook } from './price-book.ts';
import {
  type FrameGeometry,
  withDetectorCpuScaled,
  withFrameGeometry,
  withFunctionMemoryScaled,
  withTaskDurationsScaled,
} from './profile-transforms.ts';
import { type WorkloadProfile, withoutDetectors } from './workload-profile.ts';

/**
 * Sensitivity of the verdict: the monolith's saving against the cheapest serverless design and against
 * the first (Prime Video's) design, as each assumption moves across a stated range with the others at the
 * run's values (a tornado), plus the two bounding cases (every assumption at its serverless-friendly end,
 * then every one at its monolith-friendly end). Every point is priced by the same cost model from the
 * measured profiles; a point whose profile had to be transformed (another frame rate, chunk length,
 * batching, heavier detectors, other function memory, fewer detectors) is marked `modelled`. Pure.
 */

/** A serverless design as the sensitivity analysis varies it. */
export interface SensitivityDesign {
  readonly id: string;
  /** Its measured profile. */
  readonly profile: WorkloadProfile;
  /** How it was measured (frames per object Infinity: no frame goes through S3). */
  readonly geometry: FrameGeometry;
  /** Standard or Express, as the design is priced. */
  readonly workflow: 'standard' | 'express';
}

export interface SensitivityInput {
  readonly monolith: WorkloadProfile;
  readonly serverless: readonly SensitivityDesign[];
  /** Prime Video's first design among `serverless`. */
  readonly firstDesignId: string;
  readonly priceBook: PriceBook;
  /** The run's cost options (the monolith's memory and CPU from the multi-stream fit, if measured). */
  readonly options: CostOptions;
  /** Stream counts the streams row spans. */
  readonly streams: { readonly min: number; readonly max: number };
  /** Detectors the detector-set row drops (empty: the row is left out). */
  readonly dropDetectors: readonly string[];
}

/** The state one point of the analysis prices. */
interface Variant {
  readonly options: CostOptions;
  readonly monolith: WorkloadProfile;
  readonly designs: readonly SensitivityDesign[];
  readonly modelled: boolean;
}

/** Savings at one point, percent of the serverless cost (negative: the serverless design is cheaper). */
export interface SavingsPoint {
  /** The parameter's value at this end, as shown (`1`, `5,000`, `x10`, `without block-corruption`). */
  readonly label: string;
  /** The parameter's value; null for the baseline and the bounding cases (many values at once). */
  readonly value: number | null;
  readonly monolithPerStreamHour: number;
  readonly cheapestId: string;
  readonly cheapestPerStreamHour: number;
  readonly firstPerStreamHour: number;
  readonly savingsVsCheapestPercent: number;
  readonly savingsVsFirstPercent: number;
  /** Whether a measured profile had to be transformed for this point. */
  readonly modelled: boolean;
}

export interface TornadoRow {
  readonly parameter: SensitivityParameterId;
  readonly label: string;
  /** The run's value, as shown. */
  readonly baseLabel: string;
  readonly low: SavingsPoint;
  readonly high: SavingsPoint;
  /** |high - low| of the saving against the cheapest serverless design, percentage points. */
  readonly swingPoints: number;
  /** Why the range is what it is (its source, or that it is a stated assumption). */
  readonly rangeNote: string;
}

export interface BoundingCase {
  /** Each parameter's end taken, by parameter. */
  readonly ends: Readonly<Record<string, string>>;
  readonly point: SavingsPoint;
}

export interface SensitivityReport {
  readonly baseline: SavingsPoint;
  /** Largest swing first. */
  readonly rows: readonly TornadoRow[];
  readonly serverlessFriendly: BoundingCase;
  readonly monolithFriendly: BoundingCase;
}

export type SensitivityParameterId =
  | 'streams'
  | 'duty-cycle'
  | 'utilization'
  | 'memory-per-stream'
  | 'detector-cpu'
  | 'fps'
  | 'chunk-seconds'
  | 'frames-per-object'
  | 'detector-set'
  | 'monolith-savings-plan'
  | 'lambda-savings-plan'
  | 'lambda-memory'
  | 'task-durations';

interface End {
  readonly value: number;
  readonly label: string;
}

interface Parameter {
  readonly id: SensitivityParameterId;
  readonly label: string;
  readonly baseLabel: string;
  readonly ends: readonly [End, End];
  readonly rangeNote: string;
  apply(variant: Variant, value: number): Variant;
}

const MIB = 2 ** 20;
const percent = (value: number): string => `${Number(value.toFixed(1))}%`;
const count = (value: number): string => value.toLocaleString('en-US');
const fpsLabel = (value: number): string => String(Number(value.toFixed(1)));

/** The same variant with some options replaced. */
function withOptions(variant: Variant, change: (options: CostOptions) => CostOptions): Variant {
  return { ...variant, options: change(variant.options) };
}

/** The same variant with every serverless design's profile transformed (and the point modelled). */
function withDesigns(
  variant: Variant,
  change: (design: SensitivityDesign) => SensitivityDesign,
  modelled = true,
): Variant {
  return { ...variant, designs: variant.designs.map(change), modelled: variant.modelled || modelled };
}

function parametersOf(input: SensitivityInput): Parameter[] {
  const { options, priceBook: book } = input;
  const measuredFps = input.serverless[0]?.geometry.fps ?? 25;
  const perStreamBytes = options.monolith.memoryPerStreamBytes ?? input.monolith.compute.peakRssBytes;
  const monolithPlanMax =
    options.monolith.hosting === 'ec2'
      ? (book.savingsPlans?.ec2InstanceMaxPercent.value ?? 0)
      : (book.savingsPlans?.fargateMaxPercent.value ?? 0);
  const lambdaPlanMax = book.savingsPlans?.lambdaDurationMaxPercent.value ?? 0;
  const parameters: Parameter[] = [
    {
      id: 'streams',
      label: 'Concurrent streams',
      baseLabel: count(options.load.streams),
      ends: [
        { value: input.streams.min, label: count(input.streams.min) },
        { value: input.streams.max, label: count(input.streams.max) },
      ],
      rangeNote: "the scenario's break-even range",
      apply: (variant, streams) => withOptions(variant, (o) => ({ ...o, load: { ...o.load, streams } })),
    },
    {
      id: 'duty-cycle',
      label: 'Duty cycle (share of the month streams are live)',
      baseLabel: percent(options.load.dutyCycle * 100),
      ends: [
        { value: 0.05, label: '5%' },
        { value: 1, label: '100%' },
      ],
      rangeNote: 'a stated assumption: from an event-driven workload to live channels around the clock',
      apply: (variant, dutyCycle) => withOptions(variant, (o) => ({ ...o, load: { ...o.load, dutyCycle } })),
    },
    {
      id: 'utilization',
      label: 'Monolith target utilisation',
      baseLabel: percent(options.monolith.targetUtilization * 100),
      ends: [
        { value: 0.4, label: '40%' },
        { value: 0.9, label: '90%' },
      ],
      rangeNote: 'a stated assumption: conservative to tightly packed autoscaling targets',
      apply: (variant, targetUtilization) =>
        withOptions(variant, (o) => ({ ...o, monolith: { ...o.monolith, targetUtilization } })),
    },
    {
      id: 'memory-per-stream',
      label: 'Monolith memory per stream',
      baseLabel: `${(perStreamBytes / MIB).toFixed(1)} MiB`,
      ends: [
        { value: 0.5, label: `${((perStreamBytes * 0.5) / MIB).toFixed(1)} MiB (x0.5)` },
        { value: 4, label: `${((perStreamBytes * 4) / MIB).toFixed(1)} MiB (x4)` },
      ],
      rangeNote: 'the fitted marginal memory halved to quadrupled (longer buffers, bigger frames)',
      apply: (variant, factor) =>
        withOptions(variant, (o) => ({
          ...o,
          monolith: { ...o.monolith, memoryPerStreamBytes: perStreamBytes * factor },
        })),
    },
    {
      id: 'detector-cpu',
      label: 'Detector CPU cost (heavier models)',
      baseLabel: 'x1 (measured)',
      ends: [
        { value: 1, label: 'x1' },
        { value: 10, label: 'x10' },
      ],
      rangeNote: 'x1 as measured to x10, for detectors with larger models',
      apply: (variant, factor) =>
        factor === 1
          ? variant
          : {
              ...withDesigns(variant, (design) => ({
                ...design,
                profile: withDetectorCpuScaled(design.profile, factor),
              })),
              monolith: withDetectorCpuScaled(variant.monolith, factor),
              options: {
                ...variant.options,
                monolith: {
                  ...variant.options.monolith,
                  ...(variant.options.monolith.cpuSecondsPerStreamSecond === undefined
                    ? {}
                    : {
                        cpuSecondsPerStreamSecond: scaledCpuSeconds(
                          variant.monolith,
                          variant.options.monolith.cpuSecondsPerStreamSecond,
                          factor,
                        ),
                      }),
                },
              },
            },
    },
    {
      id: 'fps',
      label: 'Frame rate analysed',
      baseLabel: `${fpsLabel(measuredFps)} fps`,
      ends: [
        { value: measuredFps / 2, label: `${fpsLabel(measuredFps / 2)} fps` },
        { value: measuredFps * 2, label: `${fpsLabel(measuredFps * 2)} fps` },
      ],
      rangeNote: 'half to double the fixtures\u2019 frame rate (sampled detection to high-frame-rate sport)',
      apply: (variant, fps) =>
        fps === measuredFps
          ? variant
          : {
              ...withDesigns(variant, (design) => regeometry(design, { ...design.geometry, fps })),
              monolith: withFrameGeometry(
                variant.monolith,
                { fps: measuredFps, chunkSeconds: 1, framesPerObject: Infinity },
                { fps, chunkSeconds: 1, framesPerObject: Infinity },
              ),
              options: {
                ...variant.options,
                monolith: {
                  ...variant.options.monolith,
                  ...(variant.options.monolith.cpuSecondsPerStreamSecond === undefined
                    ? {}
                    : {
                        cpuSecondsPerStreamSecond:
                          (variant.options.monolith.cpuSecondsPerStreamSecond * fps) / measuredFps,
                      }),
                },
              },
            },
    },
    {
      id: 'chunk-seconds',
      label: 'Chunk length of every serverless design',
      baseLabel: 'as measured per design',
      ends: [
        { value: 1, label: '1 s' },
        { value: 60, label: '60 s' },
      ],
      rangeNote: 'one workflow per stream-second to one per minute (Express runs up to 5 minutes)',
      apply: (variant, chunkSeconds) =>
        withDesigns(variant, (design) =>
          design.geometry.chunkSeconds === chunkSeconds
            ? design
            : regeometry(design, { ...design.geometry, chunkSeconds }),
        ),
    },
    {
      id: 'frames-per-object',
      label: 'Frames per S3 object (stage designs)',
      baseLabel: 'as measured per design',
      ends: [
        { value: 1, label: '1 (an object per frame)' },
        { value: Infinity, label: 'a chunk per object' },
      ],
      rangeNote: "Prime Video's object per frame to one object per chunk",
      apply: (variant, framesPerObject) =>
        withDesigns(variant, (design) =>
          Number.isFinite(design.geometry.framesPerObject) &&
          design.geometry.framesPerObject !== framesPerObject
            ? regeometry(design, { ...design.geometry, framesPerObject })
            : design,
        ),
    },
    {
      id: 'monolith-savings-plan',
      label: `Savings Plan on the monolith (${options.monolith.hosting === 'ec2' ? 'EC2' : 'Fargate'})`,
      baseLabel: percent(options.discounts.monolithComputePercent),
      ends: [
        { value: 0, label: '0%' },
        { value: monolithPlanMax, label: percent(monolithPlanMax) },
      ],
      rangeNote: `on-demand to the price book's ceiling (${options.monolith.hosting === 'ec2' ? 'EC2 Instance' : 'Compute, Fargate'} Savings Plans)`,
      apply: (variant, monolithComputePercent) =>
        withOptions(variant, (o) => ({ ...o, discounts: { ...o.discounts, monolithComputePercent } })),
    },
    {
      id: 'lambda-savings-plan',
      label: 'Compute Savings Plan on Lambda duration',
      baseLabel: percent(options.discounts.lambdaDurationPercent),
      ends: [
        { value: 0, label: '0%' },
        { value: lambdaPlanMax, label: percent(lambdaPlanMax) },
      ],
      rangeNote: "on-demand to the price book's ceiling for Lambda duration",
      apply: (variant, lambdaDurationPercent) =>
        withOptions(variant, (o) => ({ ...o, discounts: { ...o.discounts, lambdaDurationPercent } })),
    },
    {
      id: 'lambda-memory',
      label: 'Memory configured for every task function',
      baseLabel: 'as configured (x1)',
      ends: [
        { value: 0.5, label: 'x0.5' },
        { value: 2, label: 'x2' },
      ],
      rangeNote: 'half to double the configured memory; durations kept as measured',
      apply: (variant, factor) =>
        withDesigns(variant, (design) => ({
          ...design,
          profile: withFunctionMemoryScaled(design.profile, factor),
        })),
    },
    {
      id: 'task-durations',
      label: 'Task and execution durations (billed GB-s)',
      baseLabel: 'as measured (x1)',
      ends: [
        { value: 0.5, label: 'x0.5' },
        { value: 1, label: 'x1 (measured)' },
      ],
      rangeNote:
        'measured as wall time on the bench machine, where many tasks share its cores; on Lambda each has its own CPU share, so they may be shorter',
      apply: (variant, factor) =>
        factor === 1
          ? variant
          : withDesigns(variant, (design) => ({
              ...design,
              profile: withTaskDurationsScaled(design.profile, factor),
            })),
    },
  ];
  if (input.dropDetectors.length > 0) {
    const dropped = input.dropDetectors;
    parameters.push({
      id: 'detector-set',
      label: 'Detector set',
      baseLabel: 'every detector',
      ends: [
        { value: 0, label: 'every detector' },
        { value: 1, label: `without ${dropped.join(', ')}` },
      ],
      rangeNote: 'the scenario\u2019s what-if: the detectors it names dropped',
      apply: (variant, drop) =>
        drop === 0
          ? variant
          : {
              ...withDesigns(variant, (design) => ({
                ...design,
                profile: withoutDetectors(design.profile, dropped),
              })),
              monolith: withoutDetectors(variant.monolith, dropped),
            },
    });
  }
  if (lambdaPlanMax === 0) return parameters.filter((parameter) => parameter.id !== 'lambda-savings-plan');
  return parameters;
}

/** A design's profile moved to another geometry (the profile is always transformed from the measured one). */
function regeometry(design: SensitivityDesign, to: FrameGeometry): SensitivityDesign {
  return { ...design, profile: withFrameGeometry(design.profile, design.geometry, to), geometry: to };
}

/** The fitted CPU per stream-second with the detectors' measured share scaled by `factor`. */
function scaledCpuSeconds(monolith: WorkloadProfile, fitted: number, factor: number): number {
  const total = monolith.compute.cpuMs;
  if (total <= 0) return fitted;
  const detect = Object.entries(monolith.compute.cpuMsByComponent)
    .filter(([component]) => component.startsWith('detect:'))
    .reduce((sum, [, ms]) => sum + ms, 0);
  return fitted * (1 + ((factor - 1) * detect) / total);
}

/** Prices a variant: the monolith, every serverless design, the cheapest of them and the savings. */
function evaluate(
  input: SensitivityInput,
  variant: Variant,
  end: { readonly value: number | null; readonly label: string },
): SavingsPoint {
  const { priceBook: book } = input;
  const monolith = priceMonolith(variant.monolith, book, variant.options);
  const priced = variant.designs.map((design) => ({
    id: design.id,
    cost: priceDistributed(design.profile, book, { ...variant.options, workflow: design.workflow }),
  }));
  const cheapest = priced.reduce((best, entry) =>
    entry.cost.totalPerMonth < best.cost.totalPerMonth ? entry : best,
  );
  const first = priced.find((entry) => entry.id === input.firstDesignId) ?? cheapest;
  const savings = (serverless: number): number =>
    serverless === 0 ? 0 : ((serverless - monolith.totalPerMonth) / serverless) * 100;
  return {
    label: end.label,
    // A point at "a chunk per object" has no finite value; JSON has no Infinity.
    value: end.value !== null && Number.isFinite(end.value) ? end.value : null,
    monolithPerStreamHour: monolith.totalPerStreamHour,
    cheapestId: cheapest.id,
    cheapestPerStreamHour: cheapest.cost.totalPerStreamHour,
    firstPerStreamHour: first.cost.totalPerStreamHour,
    savingsVsCheapestPercent: savings(cheapest.cost.totalPerMonth),
    savingsVsFirstPercent: savings(first.cost.totalPerMonth),
    modelled: variant.modelled,
  };
}

/** The tornado and the bounding cases for the run's measured designs. */
export function sensitivity(input: SensitivityInput): SensitivityReport {
  if (input.serverless.length === 0) throw new RangeError('sensitivity needs at least one serverless design');
  const base: Variant = {
    options: input.options,
    monolith: input.monolith,
    designs: input.serverless,
    modelled: false,
  };
  const parameters = parametersOf(input);
  const rows: TornadoRow[] = parameters.map((parameter) => {
    const [lowEnd, highEnd] = parameter.ends;
    const low = evaluate(input, parameter.apply(base, lowEnd.value), lowEnd);
    const high = evaluate(input, parameter.apply(base, highEnd.value), highEnd);
    return {
      parameter: parameter.id,
      label: parameter.label,
      baseLabel: parameter.baseLabel,
      low,
      high,
      swingPoints: Math.abs(high.savingsVsCheapestPercent - low.savingsVsCheapestPercent),
      rangeNote: parameter.rangeNote,
    };
  });
  const bounding = (favour: 'serverless' | 'monolith'): BoundingCase => {
    let variant = base;
    const ends: Record<string, string> = {};
    for (const [index, parameter] of parameters.entries()) {
      const row = rows[index];
      if (row === undefined) continue;
      const lowFavoursServerless = row.low.savingsVsCheapestPercent <= row.high.savingsVsCheapestPercent;
      const pickLow = favour === 'serverless' ? lowFavoursServerless : !lowFavoursServerless;
      const end = pickLow ? parameter.ends[0] : parameter.ends[1];
      ends[parameter.id] = end.label;
      variant = parameter.apply(variant, end.value);
    }
    return {
      ends,
      point: evaluate(input, variant, { value: null, label: `${favour}-friendly end of every range` }),
    };
  };
  return {
    baseline: evaluate(input, base, { value: null, label: "the run's values" }),
    rows: [...rows].sort((a, b) => b.swingPoints - a.swingPoints),
    serverlessFriendly: bounding('serverless'),
    monolithFriendly: bounding('monolith'),
  };
}
