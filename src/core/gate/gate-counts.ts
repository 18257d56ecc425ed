import type { DesignRun } from '../bench-results.ts';
import type { CostOptions } from '../cost/cost-model.ts';
import { type PriceBook, type PriceKey, unitPriceOf } from '../cost/price-book.ts';
import { type Counters, s3TierOf } from '../counters.ts';
import type { CountChangedFinding, CountSubject, DollarEffect } from './gate-verdict.ts';

/**
 * The gate's exact comparison of counts: per design (matched by id), executions, transitions per state,
 * invocations per task, S3 requests per stage and operation, S3 body bytes and serialization operations
 * per hop. Each difference becomes a finding with its per stream-second delta and what it costs per month
 * at the scenario's load with the current prices, billed as that design is (Standard or Express).
 */

const BYTES_PER_GB = 2 ** 30;
/** Relative slack for float noise when equal inputs went through sums in another order. */
export const FLOAT_SLACK = 1e-9;

/** Equal up to float noise (`FLOAT_SLACK`, relative). */
export function nearlyEqual(a: number, b: number): boolean {
  return a === b || Math.abs(a - b) <= FLOAT_SLACK * Math.max(Math.abs(a), Math.abs(b));
}

interface CountEntry {
  readonly subject: CountSubject;
  readonly value: number;
}

const SUBJECT_ORDER: readonly CountSubject['kind'][] = [
  'executions',
  'transitions',
  'invocations',
  's3-requests',
  's3-bytes',
  'serialization-ops',
];

/** A stable key per subject, for matching the two documents' entries. */
function subjectKey(subject: CountSubject): string {
  switch (subject.kind) {
    case 'executions':
      return 'executions';
    case 'transitions':
      return `transitions\u0000${subject.state}`;
    case 'invocations':
      return `invocations\u0000${subject.task}`;
    case 's3-requests':
      return `s3-requests\u0000${subject.stage ?? ''}\u0000${subject.operation}`;
    case 's3-bytes':
      return `s3-bytes\u0000${subject.direction}`;
    case 'serialization-ops':
      return `serialization-ops\u0000${subject.hop}\u0000${subject.direction}`;
  }
}

/** The exactly compared counts of one counters object, keyed by `subjectKey`. */
function countEntries(counters: Counters): Map<string, CountEntry> {
  const entries = new Map<string, CountEntry>();
  const add = (subject: CountSubject, value: number): void => {
    entries.set(subjectKey(subject), { subject, value });
  };
  add({ kind: 'executions' }, counters.sfn.executionsStarted);
  for (const [state, value] of Object.entries(counters.sfn.transitionsByState)) {
    add({ kind: 'transitions', state }, value);
  }
  for (const [task, entry] of Object.entries(counters.compute.invocationsByTask)) {
    add({ kind: 'invocations', task }, entry.invocations);
  }
  const attributed: Record<string, number> = {};
  for (const [stage, byOperation] of Object.entries(counters.s3.requestsByStage)) {
    for (const [operation, value] of Object.entries(byOperation)) {
      add({ kind: 's3-requests', stage, operation, tier: s3TierOf(operation) }, value);
      attributed[operation] = (attributed[operation] ?? 0) + value;
    }
  }
  for (const [operation, value] of Object.entries(counters.s3.requestsByOperation)) {
    const unattributed = value - (attributed[operation] ?? 0);
    if (unattributed !== 0) {
      add({ kind: 's3-requests', stage: null, operation, tier: s3TierOf(operation) }, unattributed);
    }
  }
  add({ kind: 's3-bytes', direction: 'up' }, counters.s3.bytesUp);
  add({ kind: 's3-bytes', direction: 'down' }, counters.s3.bytesDown);
  for (const [hop, entry] of Object.entries(counters.serialization)) {
    add({ kind: 'serialization-ops', hop, direction: 'encode' }, entry.encodeOps);
    add({ kind: 'serialization-ops', hop, direction: 'decode' }, entry.decodeOps);
  }
  return entries;
}

/** Equal counts: exactly for the same stream time, per stream-second otherwise (counts are linear in it). */
function sameCount(before: number, beforeSec: number, after: number, afterSec: number): boolean {
  return beforeSec === afterSec ? before === after : nearlyEqual(before / beforeSec, after / afterSec);
}

/** How the current document prices a count change: its book and cost options. */
export interface CountPricing {
  readonly priceBook: PriceBook;
  readonly options: CostOptions;
}

/**
 * Count findings of one design, ordered by subject kind, then by dollar effect. `clipSetsMatch`: whether
 * both documents analysed the same clips, so the clips whose own count differs can be named.
 */
export function compareCounts(
  baseline: DesignRun,
  current: DesignRun,
  pricing: CountPricing,
  clipSetsMatch: boolean,
): CountChangedFinding[] {
  const beforeSec = baseline.summary.streamSeconds;
  const afterSec = current.summary.streamSeconds;
  const before = countEntries(baseline.summary.counters);
  const after = countEntries(current.summary.counters);
  const perClip = clipSetsMatch ? perClipEntries(baseline, current) : [];
  // Executions and transitions are billed as this design's workflow is.
  const options: CostOptions = { ...pricing.options, workflow: current.settings.workflow ?? 'standard' };
  const findings: CountChangedFinding[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const subject = (before.get(key) ?? after.get(key))?.subject;
    if (subject === undefined) continue;
    const beforeValue = before.get(key)?.value ?? 0;
    const afterValue = after.get(key)?.value ?? 0;
    if (sameCount(beforeValue, beforeSec, afterValue, afterSec)) continue;
    const baselineRate = beforeValue / beforeSec;
    const currentRate = afterValue / afterSec;
    const delta = currentRate - baselineRate;
    const priced = dollarEffectOf(subject, delta, pricing.priceBook, options);
    findings.push({
      kind: 'count-changed',
      severity: 'regression',
      design: current.id,
      subject,
      baseline: { total: beforeValue, perStreamSecond: baselineRate },
      current: { total: afterValue, perStreamSecond: currentRate },
      deltaPerStreamSecond: delta,
      dollarEffect: priced.effect,
      ...(priced.reason === undefined ? {} : { unpricedReason: priced.reason }),
      clips: perClip
        .filter((clip) => (clip.before.get(key)?.value ?? 0) !== (clip.after.get(key)?.value ?? 0))
        .map((clip) => clip.path),
    });
  }
  return findings.sort(
    (a, b) =>
      SUBJECT_ORDER.indexOf(a.subject.kind) - SUBJECT_ORDER.indexOf(b.subject.kind) ||
      Math.abs(b.dollarEffect?.perMonth ?? 0) - Math.abs(a.dollarEffect?.perMonth ?? 0) ||
      subjectKey(a.subject).localeCompare(subjectKey(b.subject)),
  );
}

/** Each clip's own counts in both documents (clips whose run failed on either side are left out). */
function perClipEntries(
  baseline: DesignRun,
  current: DesignRun,
): { path: string; before: Map<string, CountEntry>; after: Map<string, CountEntry> }[] {
  const currentByPath = new Map(current.clips.map((clip) => [clip.path, clip.run]));
  return baseline.clips.flatMap((clip) => {
    const before = clip.run;
    const after = currentByPath.get(clip.path);
    if (before.status !== 'ok' || after?.status !== 'ok') return [];
    return [{ path: clip.path, before: countEntries(before.counters), after: countEntries(after.counters) }];
  });
}

/** Active stream-seconds per month at a load. */
function streamSecondsPerMonth(options: CostOptions): number {
  const { streams, hoursPerMonth, dutyCycle } = options.load;
  return streams * hoursPerMonth * 3600 * dutyCycle;
}

/** The price a count is billed at, and the factor from the count to the billed unit. */
function billingOf(
  subject: CountSubject,
  options: CostOptions,
): { key: PriceKey; factor: number } | { reason: string } {
  switch (subject.kind) {
    case 'transitions':
      return options.workflow === 'standard'
        ? { key: 'sfn.standard.transitions', factor: 1 }
        : { reason: 'Express workflows are not billed per transition' };
    case 'executions':
      return options.workflow === 'express'
        ? { key: 'sfn.express.requests', factor: 1 }
        : { reason: 'Standard executions are billed through their transitions' };
    case 'invocations':
      return { key: 'lambda.requests', factor: 1 };
    case 's3-requests':
      return {
        key:
          subject.tier === 'tier1'
            ? 's3.requests.tier1'
            : subject.tier === 'tier2'
              ? 's3.requests.tier2'
              : 's3.requests.delete',
        factor: 1,
      };
    case 's3-bytes':
      return { key: 'transfer.s3.sameRegion', factor: 1 / BYTES_PER_GB };
    case 'serialization-ops':
      return { reason: 'not billed itself (its CPU time shows in compute-derived dollars)' };
  }
}

function dollarEffectOf(
  subject: CountSubject,
  deltaPerStreamSecond: number,
  book: PriceBook,
  options: CostOptions,
): { effect: DollarEffect | null; reason?: string } {
  const billing = billingOf(subject, options);
  if ('reason' in billing) return { effect: null, reason: billing.reason };
  const line = book.lines[billing.key];
  const unitPrice = unitPriceOf(line);
  const seconds = streamSecondsPerMonth(options);
  const quantityPerMonth = deltaPerStreamSecond * billing.factor * seconds;
  return {
    effect: {
      priceKey: billing.key,
      unitPrice,
      unit: line.unit,
      quantityPerMonth,
      streamSecondsPerMonth: seconds,
      perMonth: quantityPerMonth * unitPrice,
    },
  };
}
