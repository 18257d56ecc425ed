import { type CostOptions, type Design, priceDistributed, priceMonolith } from './cost-model.ts';
import type { PriceBook } from './price-book.ts';
import type { WorkloadProfile } from './workload-profile.ts';

/**
 * Break-even: both designs' monthly cost over a range of load (concurrent streams, or duty cycle for
 * bursty work) and the point where the cheaper design flips. Costs come from `priceDistributed` and
 * `priceMonolith` at each point, so free tiers (as configured), volume tiers and EC2's whole instances
 * shape the curves exactly as they shape a bill.
 *
 * The flip is found by sampling the range, taking the first sample whose cheaper design differs from the
 * first sample's, and bisecting between it and the sample before: to the exact integer for streams, to
 * `tolerance` for duty cycle. A flip and a flip back between two samples is not seen; raise `samples`
 * where curves have steps (EC2).
 */

export interface BreakEvenInput {
  readonly distributed: WorkloadProfile;
  readonly monolith: WorkloadProfile;
  readonly priceBook: PriceBook;
  /** Options at the other axis's value (e.g. the duty cycle used while varying streams). */
  readonly options: CostOptions;
}

export interface CurvePoint {
  /** Streams or duty cycle. */
  readonly x: number;
  readonly distributedPerMonth: number;
  readonly monolithPerMonth: number;
  readonly distributedPerStreamHour: number;
  readonly monolithPerStreamHour: number;
  readonly cheaper: Design | 'equal';
}

export interface Flip {
  /** Streams: the smallest stream count where the cheaper design differs; duty cycle: the crossing. */
  readonly at: number;
  readonly cheaperBelow: Design | 'equal';
  readonly cheaperAbove: Design | 'equal';
}

export interface BreakEvenCurve {
  readonly axis: 'streams' | 'dutyCycle';
  readonly points: readonly CurvePoint[];
  /** First flip in the range; null when one design is cheaper (or equal) throughout. */
  readonly flip: Flip | null;
}

export interface StreamsRange {
  /** Smallest stream count, at least 1. */
  readonly min: number;
  readonly max: number;
  /** Points on the curve; default 50 (fewer when the range has fewer whole stream counts). */
  readonly samples?: number;
}

export interface DutyCycleRange {
  /** Default 0.01 (above 0: per stream-hour costs divide by it). */
  readonly min?: number;
  /** Default 1. */
  readonly max?: number;
  /** Default 50. */
  readonly samples?: number;
  /** Width of the final bisection bracket; default 1e-6. */
  readonly tolerance?: number;
}

function pointAt(input: BreakEvenInput, x: number, options: CostOptions): CurvePoint {
  const distributed = priceDistributed(input.distributed, input.priceBook, options);
  const monolith = priceMonolith(input.monolith, input.priceBook, options);
  const gap = distributed.totalPerMonth - monolith.totalPerMonth;
  return {
    x,
    distributedPerMonth: distributed.totalPerMonth,
    monolithPerMonth: monolith.totalPerMonth,
    distributedPerStreamHour: distributed.totalPerStreamHour,
    monolithPerStreamHour: monolith.totalPerStreamHour,
    cheaper: gap > 0 ? 'monolith' : gap < 0 ? 'distributed' : 'equal',
  };
}

function withStreams(options: CostOptions, streams: number): CostOptions {
  return { ...options, load: { ...options.load, streams } };
}

function withDutyCycle(options: CostOptions, dutyCycle: number): CostOptions {
  return { ...options, load: { ...options.load, dutyCycle } };
}

/** Index of the first point whose cheaper design differs from the first point's; -1 if none. */
function firstChange(points: readonly CurvePoint[]): number {
  const start = points[0]?.cheaper;
  return points.findIndex((point) => point.cheaper !== start);
}

/** Cost of both designs over concurrent streams, and the smallest stream count where the cheaper flips. */
export function breakEvenOverStreams(input: BreakEvenInput, range: StreamsRange): BreakEvenCurve {
  const min = Math.max(1, Math.ceil(range.min));
  const max = Math.floor(range.max);
  if (!(max >= min))
    throw new RangeError(`streams range [${range.min}, ${range.max}] holds no whole stream count`);
  const samples = Math.max(2, range.samples ?? 50);
  const xs = [
    ...new Set(
      Array.from({ length: samples }, (_, i) => Math.round(min + ((max - min) * i) / (samples - 1))),
    ),
  ];
  const at = (streams: number): CurvePoint => pointAt(input, streams, withStreams(input.options, streams));
  const points = xs.map(at);
  const change = firstChange(points);
  if (change <= 0) return { axis: 'streams', points, flip: null };
  const below = points[0]!.cheaper;
  // Invariant: lo has the starting cheaper design, hi does not; hi ends as the smallest such count.
  let lo = points[change - 1]!.x;
  let hi = points[change]!.x;
  let hiPoint = points[change]!;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const point = at(mid);
    if (point.cheaper === below) lo = mid;
    else {
      hi = mid;
      hiPoint = point;
    }
  }
  return { axis: 'streams', points, flip: { at: hi, cheaperBelow: below, cheaperAbove: hiPoint.cheaper } };
}

/** Cost of both designs over duty cycle (fraction of the month live), and the crossing point. */
export function breakEvenOverDutyCycle(input: BreakEvenInput, range: DutyCycleRange = {}): BreakEvenCurve {
  const min = range.min ?? 0.01;
  const max = range.max ?? 1;
  if (!(min > 0 && max <= 1 && max > min))
    throw new RangeError(`duty cycle range must satisfy 0 < min < max <= 1`);
  const samples = Math.max(2, range.samples ?? 50);
  const tolerance = range.tolerance ?? 1e-6;
  const at = (dutyCycle: number): CurvePoint =>
    pointAt(input, dutyCycle, withDutyCycle(input.options, dutyCycle));
  const points = Array.from({ length: samples }, (_, i) => at(min + ((max - min) * i) / (samples - 1)));
  const change = firstChange(points);
  if (change <= 0) return { axis: 'dutyCycle', points, flip: null };
  const below = points[0]!.cheaper;
  let lo = points[change - 1]!.x;
  let hi = points[change]!.x;
  let hiPoint = points[change]!;
  while (hi - lo > tolerance) {
    const mid = (lo + hi) / 2;
    const point = at(mid);
    if (point.cheaper === below) lo = mid;
    else {
      hi = mid;
      hiPoint = point;
    }
  }
  return {
    axis: 'dutyCycle',
    points,
    flip: { at: (lo + hi) / 2, cheaperBelow: below, cheaperAbove: hiPoint.cheaper },
  };
}
