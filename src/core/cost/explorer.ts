import type { BenchResults, DesignSettings, MeasuredDesign } from '../bench-results.ts';
import type { CostOptions } from './cost-model.ts';
import { priceVerdict, type Verdict, type VerdictInput } from './design-verdict.ts';
import {
  type FrameGeometry,
  withDetectorCpuScaled,
  withFrameGeometry,
  withFunctionMemoryScaled,
} from './profile-transforms.ts';
import { type WorkloadProfile, withoutDetectors } from './workload-profile.ts';

/**
 * The report's explorer: a reader's settings (load, discounts, utilisation, function memory, detectors,
 * chunk length and batching) applied to a results document's measured profiles, then the whole verdict
 * priced again by `priceVerdict`, the function the bench used. Settings that change a measured profile
 * (anything but the load, the discounts and the utilisation target) make the figures that depend on it
 * modelled, and the result says which and why. Pure: the report's page runs this very module.
 */

/** What a reader can change. Every field has the run's value in `defaultExplorerSettings`. */
export interface ExplorerSettings {
  /** Concurrent streams, a whole number >= 1. */
  readonly streams: number;
  /** Hours in the billing month, (0, 744]. */
  readonly hoursPerMonth: number;
  /** Share of the month the streams are live, [0.01, 1]. */
  readonly dutyCycle: number;
  /** Savings Plan discount on the monolith's EC2 or Fargate compute, percent, 0 to the book's ceiling. */
  readonly monolithSavingsPercent: number;
  /** Compute Savings Plan discount on Lambda duration, percent, 0 to the book's ceiling. */
  readonly lambdaSavingsPercent: number;
  /** Monolith target utilisation, [0.1, 1]. */
  readonly targetUtilization: number;
  /** Every task function's configured memory x this factor, [0.25, 4] (modelled when not 1). */
  readonly lambdaMemoryFactor: number;
  /** Detectors removed from every design (modelled when any). */
  readonly droppedDetectors: readonly string[];
  /** Detector CPU time x this factor, [0.1, 20] (modelled when not 1). */
  readonly detectorCpuFactor: number;
  /** Per serverless design id: its chunk length and frames per S3 object (modelled when not as measured). */
  readonly designs: Readonly<Record<string, DesignGeometrySettings>>;
}

export interface DesignGeometrySettings {
  /** Seconds of stream per chunk (per workflow execution), a whole number in [1, 300]. */
  readonly chunkSeconds: number;
  /** Frames per S3 object, a whole number >= 1; null for a design that puts no frame in S3. */
  readonly framesPerObject: number | null;
}

/** The bounds a control offers, derived from the document (the Savings Plans ceilings from its book). */
export interface ExplorerBounds {
  readonly monolithSavingsMaxPercent: number;
  readonly lambdaSavingsMaxPercent: number;
  /** The detectors the run used (the ones a reader may drop). */
  readonly detectors: readonly string[];
  /** The frame rate the run decoded at, frames per second. */
  readonly fps: number;
}

/**
 * What `priceVerdict` needs, taken from a results document (its designs, price book, cost options and the
 * `verdictInputs` it recorded), plus the detectors the run used. Its designs are the measured ones with
 * their clips left out (nothing prices them).
 */
export interface ExplorerBasis extends VerdictInput {
  /** The detectors the run used (the ones a reader may drop). */
  readonly detectors: readonly string[];
}

export interface ExploredVerdict {
  /** The settings as applied (clamped to the bounds). */
  readonly settings: ExplorerSettings;
  readonly verdict: Verdict;
  /**
   * Why each design's figures (cost, gap, headroom, feasibility) are modelled rather than measured, by
   * design id; an empty list: priced from the measured profile.
   */
  readonly modelled: Readonly<Record<string, readonly string[]>>;
  /** Whether the headline (savings, verdict sentence) rests on any modelled design. */
  readonly headlineModelled: boolean;
}

const MAX_HOURS_PER_MONTH = 744;
const MAX_CHUNK_SECONDS = 300;

/** The verdict inputs of a results document: its measured designs and the assumptions it recorded. */
export function explorerBasisOf(results: BenchResults): ExplorerBasis {
  return {
    designs: results.designs.map((design) => ({
      id: design.id,
      label: design.label,
      description: design.description,
      kind: design.kind,
      settings: design.settings,
      clips: [],
      summary: design.summary,
    })),
    firstDesignId: results.headline.firstDesignId,
    priceBook: results.priceBook,
    options: results.scenario.costOptions,
    ...results.verdictInputs,
    detectors: results.scenario.detectors,
  };
}

export function explorerBounds(basis: ExplorerBasis): ExplorerBounds {
  const plans = basis.priceBook.savingsPlans;
  return {
    monolithSavingsMaxPercent:
      (basis.options.monolith.hosting === 'ec2'
        ? plans?.ec2InstanceMaxPercent.value
        : plans?.fargateMaxPercent.value) ?? 0,
    lambdaSavingsMaxPercent: plans?.lambdaDurationMaxPercent.value ?? 0,
    detectors: basis.detectors,
    fps: basis.fps,
  };
}

function serverlessOf(basis: ExplorerBasis): readonly MeasuredDesign[] {
  return basis.designs.filter((design) => design.kind !== 'monolith');
}

/** The run's values: with these, `exploreBasis` reproduces the document's verdict. */
export function defaultBasisSettings(basis: ExplorerBasis): ExplorerSettings {
  const { load, discounts, monolith } = basis.options;
  return {
    streams: load.streams,
    hoursPerMonth: load.hoursPerMonth,
    dutyCycle: load.dutyCycle,
    monolithSavingsPercent: discounts.monolithComputePercent,
    lambdaSavingsPercent: discounts.lambdaDurationPercent,
    targetUtilization: monolith.targetUtilization,
    lambdaMemoryFactor: 1,
    droppedDetectors: [],
    detectorCpuFactor: 1,
    designs: Object.fromEntries(
      serverlessOf(basis).map((design) => [
        design.id,
        { chunkSeconds: design.settings.chunkSeconds, framesPerObject: design.settings.framesPerObject },
      ]),
    ),
  };
}

export function defaultExplorerSettings(results: BenchResults): ExplorerSettings {
  return defaultBasisSettings(explorerBasisOf(results));
}

/**
 * `value` within [min, max], widened to take in the run's value (`fallback`), which a non-number takes
 * too: whatever the run assumed stays reachable, so the run's values always reproduce its verdict.
 */
function clamp(value: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(value)) return fallback;
  return Math.min(Math.max(max, fallback), Math.max(Math.min(min, fallback), value));
}

/** As `clamp`, rounded to a whole number unless it is the run's value. */
function whole(value: number, min: number, max: number, fallback: number): number {
  const bounded = clamp(value, min, max, fallback);
  return bounded === fallback ? bounded : Math.round(bounded);
}

/**
 * Settings within their bounds (see `clamp`): out-of-range numbers are clamped, non-numbers take the run's
 * value, unknown detectors and designs are ignored.
 */
export function boundedSettings(basis: ExplorerBasis, settings: ExplorerSettings): ExplorerSettings {
  const defaults = defaultBasisSettings(basis);
  const bounds = explorerBounds(basis);
  const designs: Record<string, DesignGeometrySettings> = {};
  for (const [id, measured] of Object.entries(defaults.designs)) {
    const wanted = settings.designs[id] ?? measured;
    designs[id] = {
      chunkSeconds: whole(wanted.chunkSeconds, 1, MAX_CHUNK_SECONDS, measured.chunkSeconds),
      framesPerObject:
        measured.framesPerObject === null
          ? null
          : whole(wanted.framesPerObject ?? measured.framesPerObject, 1, 100_000, measured.framesPerObject),
    };
  }
  return {
    streams: whole(settings.streams, 1, 1_000_000, defaults.streams),
    hoursPerMonth: clamp(settings.hoursPerMonth, 1, MAX_HOURS_PER_MONTH, defaults.hoursPerMonth),
    dutyCycle: clamp(settings.dutyCycle, 0.01, 1, defaults.dutyCycle),
    monolithSavingsPercent: clamp(
      settings.monolithSavingsPercent,
      0,
      bounds.monolithSavingsMaxPercent,
      defaults.monolithSavingsPercent,
    ),
    lambdaSavingsPercent: clamp(
      settings.lambdaSavingsPercent,
      0,
      bounds.lambdaSavingsMaxPercent,
      defaults.lambdaSavingsPercent,
    ),
    targetUtilization: clamp(settings.targetUtilization, 0.1, 1, defaults.targetUtilization),
    lambdaMemoryFactor: clamp(settings.lambdaMemoryFactor, 0.25, 4, 1),
    droppedDetectors: bounds.detectors.filter((name) => settings.droppedDetectors.includes(name)),
    detectorCpuFactor: clamp(settings.detectorCpuFactor, 0.1, 20, 1),
    designs,
  };
}

/** The fitted CPU per stream-second moved by the same ratio as the profile's CPU time. */
function scaledCpu(fitted: number | undefined, measured: WorkloadProfile, changed: WorkloadProfile) {
  if (fitted === undefined || measured.compute.cpuMs <= 0) return fitted;
  return (fitted * changed.compute.cpuMs) / measured.compute.cpuMs;
}

/** Applies the settings to the measured designs and prices the whole verdict again. */
export function exploreBasis(basis: ExplorerBasis, wanted: ExplorerSettings): ExploredVerdict {
  const settings = boundedSettings(basis, wanted);
  const dropped = settings.droppedDetectors;
  const commonReasons = [
    ...(dropped.length > 0 ? [`without ${dropped.join(', ')}`] : []),
    ...(settings.detectorCpuFactor !== 1 ? [`detector CPU x${settings.detectorCpuFactor}`] : []),
  ];
  const detectorsChanged = (profile: WorkloadProfile): WorkloadProfile => {
    let changed = dropped.length > 0 ? withoutDetectors(profile, dropped) : profile;
    if (settings.detectorCpuFactor !== 1)
      changed = withDetectorCpuScaled(changed, settings.detectorCpuFactor);
    return changed;
  };
  const modelled: Record<string, string[]> = {};
  let monolithCpu: number | undefined = basis.options.monolith.cpuSecondsPerStreamSecond;
  const designs = basis.designs.map((design): MeasuredDesign => {
    const measured = design.summary.profile;
    let profile = detectorsChanged(measured);
    const reasons = [...commonReasons];
    let designSettings: DesignSettings = design.settings;
    if (design.kind === 'monolith') {
      monolithCpu = scaledCpu(monolithCpu, measured, profile);
    } else {
      const geometry = settings.designs[design.id];
      const from: FrameGeometry = {
        fps: basis.fps,
        chunkSeconds: design.settings.chunkSeconds,
        framesPerObject: design.settings.framesPerObject ?? Number.POSITIVE_INFINITY,
      };
      if (
        geometry !== undefined &&
        (geometry.chunkSeconds !== design.settings.chunkSeconds ||
          geometry.framesPerObject !== design.settings.framesPerObject)
      ) {
        const to: FrameGeometry = {
          ...from,
          chunkSeconds: geometry.chunkSeconds,
          framesPerObject: geometry.framesPerObject ?? Number.POSITIVE_INFINITY,
        };
        profile = withFrameGeometry(profile, from, to);
        designSettings = { ...design.settings, ...geometry };
        if (geometry.chunkSeconds !== design.settings.chunkSeconds) {
          reasons.push(`${geometry.chunkSeconds}-s chunks (measured ${design.settings.chunkSeconds} s)`);
        }
        if (geometry.framesPerObject !== design.settings.framesPerObject) {
          reasons.push(
            `${geometry.framesPerObject} frames per object (measured ${design.settings.framesPerObject})`,
          );
        }
      }
      if (settings.lambdaMemoryFactor !== 1) {
        profile = withFunctionMemoryScaled(profile, settings.lambdaMemoryFactor);
        reasons.push(`function memory x${settings.lambdaMemoryFactor}`);
      }
    }
    modelled[design.id] = reasons;
    return reasons.length === 0
      ? design
      : { ...design, settings: designSettings, summary: { ...design.summary, profile } };
  });
  const { cpuSecondsPerStreamSecond: _fitted, ...monolithOptions } = basis.options.monolith;
  const options: CostOptions = {
    ...basis.options,
    load: { streams: settings.streams, hoursPerMonth: settings.hoursPerMonth, dutyCycle: settings.dutyCycle },
    discounts: {
      monolithComputePercent: settings.monolithSavingsPercent,
      lambdaDurationPercent: settings.lambdaSavingsPercent,
    },
    monolith: {
      ...monolithOptions,
      targetUtilization: settings.targetUtilization,
      ...(monolithCpu === undefined ? {} : { cpuSecondsPerStreamSecond: monolithCpu }),
    },
  };
  const verdict = priceVerdict({ ...basis, designs, options });
  const { headline } = verdict;
  const headlineIds = [basis.designs[0]?.id, headline.firstDesignId, headline.cheapestServerlessId];
  return {
    settings,
    verdict,
    modelled,
    headlineModelled: headlineIds.some((id) => id !== undefined && (modelled[id]?.length ?? 0) > 0),
  };
}

/** `exploreBasis` over a results document's own measured designs and options. */
export function exploreVerdict(results: BenchResults, settings: ExplorerSettings): ExploredVerdict {
  return exploreBasis(explorerBasisOf(results), settings);
}
