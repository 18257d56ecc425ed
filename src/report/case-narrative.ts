import type { BenchResults } from '../core/bench-results.ts';
import type { BreakEvenCurve } from '../core/cost/break-even.ts';
import type { Design, DesignCost } from '../core/cost/cost-model.ts';
import { formatFraction, formatNumber, formatPercent, formatUsd } from './format.ts';

/**
 * What the report says beside our numbers: Prime Video's published claim, the counterpoints, and why our
 * figure differs from theirs. The published figures are citations with their sources (FACTS.md), not
 * results; every sentence about our run is built from the results document.
 */

/** A published statement the report cites. */
export interface Citation {
  readonly who: string;
  /** Where and when it was published, as FACTS.md records it. */
  readonly source: string;
  readonly text: string;
}

/** Prime Video's published result (FACTS.md, "The case"). */
export const primeVideoClaim = {
  /** The claim as worded in the post. */
  headline: 'over 90%',
  quote: 'reduced our infrastructure cost by over 90%',
  /** The lower bound the claim states, percent; used only to say whether ours is above or below it. */
  atLeastPercent: 90,
  who: 'Marcin Kolny, Prime Video',
  source:
    'Marcin Kolny, "Scaling up the Prime Video audio/video monitoring service and reducing costs by 90%", Prime Video Tech blog, 22 March 2023',
} as const;

/** Counterpoints FACTS.md asks the report to show. */
export const counterpoints: readonly Citation[] = [
  {
    who: 'Adrian Cockcroft',
    source: '6 May 2023',
    text: 'A microservice refactoring step, not a monolith move: "some of the state transitions in their step functions were too frequent, and they had some overly chatty calls between AWS lambda functions and S3".',
  },
  {
    who: 'Villamizar et al.',
    source: 'CCGrid 2016',
    text: 'Found Lambda at least 70% cheaper than a monolith for their workload. Workload shape decides.',
  },
];

export const designNames: Readonly<Record<Design, string>> = {
  distributed: 'Distributed (Step Functions + Lambda + S3)',
  monolith: 'Monolith (one process)',
};

/** Where the monolith runs, for labels (`EC2 1 x c6i.xlarge`, `Fargate`, `Fargate, 3 clones`). */
export function monolithHostingOf(cost: DesignCost): string {
  const sizing = cost.sizing;
  if (sizing === undefined) return 'container';
  const arch = sizing.architecture === 'arm' ? ', Arm' : '';
  const clones = (sizing.clones ?? 1) > 1 ? `, ${sizing.clones} clones` : '';
  if (sizing.ec2 !== undefined)
    return `EC2, ${sizing.ec2.instances} x ${sizing.ec2.instanceType}${arch}${clones}`;
  return `Fargate${arch}${clones}`;
}

/** "the monolith saves 98.7%" / "the distributed design is 12.0% cheaper" / "both cost the same". */
export function savingsSentence(results: BenchResults): string {
  const { comparison } = results.costs.baseline;
  const savings = comparison.savingsPercent;
  if (savings === null) return 'the distributed design costs nothing here, so no saving can be stated';
  if (comparison.cheaper === 'equal') return 'both designs cost the same';
  if (savings >= 0) return `moving to the monolith saves ${formatPercent(savings)}`;
  return `moving to the monolith costs ${formatPercent(-savings)} more`;
}

/** The load as one phrase: `10 streams, 730 h/month, duty cycle 100%`. */
export function loadPhrase(results: BenchResults): string {
  const load = results.costs.baseline.distributed.load;
  return `${formatNumber(load.streams)} stream${load.streams === 1 ? '' : 's'}, ${formatNumber(
    load.hoursPerMonth,
  )} h/month, duty cycle ${formatFraction(load.dutyCycle)}`;
}

/** One sentence on a break-even curve. */
export function breakEvenSentence(curve: BreakEvenCurve): string {
  const first = curve.points[0];
  const last = curve.points[curve.points.length - 1];
  const show = (x: number): string =>
    curve.axis === 'streams'
      ? `${formatNumber(x)} stream${x === 1 ? '' : 's'}`
      : `duty cycle ${formatFraction(x)}`;
  if (first === undefined || last === undefined) return 'no points were computed';
  if (curve.flip === null) {
    const cheaper = first.cheaper === 'equal' ? 'neither design' : `the ${first.cheaper} design`;
    return `${cheaper} is cheaper throughout, from ${show(first.x)} to ${show(last.x)}`;
  }
  const { at, cheaperBelow, cheaperAbove } = curve.flip;
  return `the ${cheaperBelow} design is cheaper below ${show(at)}, the ${cheaperAbove} design from there on (range ${show(
    first.x,
  )} to ${show(last.x)})`;
}

function clipsPhrase(count: number): string {
  return `${count} clip${count === 1 ? '' : 's'}`;
}

function okClipCount(results: BenchResults): number {
  return results.clips.filter(
    (clip) => clip.runs.distributed.status === 'ok' && clip.runs.monolith.status === 'ok',
  ).length;
}

/**
 * Why our savings figure differs from Prime Video's: one plain-text sentence per reason, from the
 * document's numbers. Plain text: each renderer escapes it for its format.
 */
export function whyTheyDiffer(results: BenchResults): string[] {
  const { distributed, monolith, comparison } = results.costs.baseline;
  const dProfile = results.runners.distributed.profile;
  const mProfile = results.runners.monolith.profile;
  const reasons: string[] = [];
  const savings = comparison.savingsPercent;

  const verdict =
    savings === null
      ? 'Ours cannot be stated as a percentage.'
      : savings >= primeVideoClaim.atLeastPercent
        ? `Ours (${formatPercent(savings)}) is in the range they published.`
        : `Ours (${formatPercent(savings)}) is below what they published.`;
  reasons.push(
    `${verdict} It prices counts measured on ${clipsPhrase(okClipCount(results))}, ${formatNumber(
      results.runners.distributed.streamSeconds,
    )} stream-seconds, at ${loadPhrase(results)}, with list prices (${results.priceBook.id}). Theirs is a production bill at "thousands of streams" on ECS/EC2 with compute savings plans; their post gives no transitions per second, stream count, frame rate or dollar figures, so it cannot be reproduced number for number.`,
  );

  const top = comparison.gapByDimension.filter((entry) => entry.gapPerMonth > 0).slice(0, 2);
  if (top.length > 0 && comparison.gapPerMonth > 0) {
    const parts = top.map((entry) =>
      `${entry.label} ${entry.shareOfGap === null ? '' : `(${formatFraction(entry.shareOfGap)} of the gap)`}`.trim(),
    );
    reasons.push(
      `The gap here comes mostly from ${parts.join(' and ')}: the distributed design bills ${formatNumber(
        dProfile.count.transitions,
      )} state transitions and ${formatNumber(dProfile.count.s3RequestsByTier.tier1)} S3 tier-1 requests per stream-second, the monolith ${formatNumber(
        mProfile.count.transitions,
      )} and ${formatNumber(mProfile.count.s3RequestsByTier.tier1)}. Prime Video named the same two drivers: "multiple state transitions for every second of the stream" and "the high number of Tier-1 calls to the S3 bucket".`,
    );
  }

  const sizing = monolith.sizing;
  if (sizing !== undefined) {
    reasons.push(
      `Our monolith is billed on ${monolithHostingOf(monolith)} at list prices: ${formatNumber(
        sizing.cpuSecondsPerStreamSecond,
      )} CPU seconds per stream-second measured on this machine, ${formatNumber(sizing.vcpus)} vCPUs and ${formatNumber(
        sizing.memoryGiB,
      )} GiB provisioned, ${formatNumber(sizing.hoursBilledPerMonth)} hours a month (${formatUsd(
        monolith.totalPerStreamHour,
      )} per stream-hour against ${formatUsd(distributed.totalPerStreamHour)} distributed). Their detectors, frame rate, resolution and savings plans differ, and each shifts the ratio.`,
    );
  }

  const percents = results.costs.whatIfs
    .filter((entry) => entry.comparison.savingsPercent !== null)
    .map((entry) => ({ label: entry.label, savings: entry.comparison.savingsPercent as number }));
  if (percents.length > 0) {
    const low = percents.reduce((a, b) => (b.savings < a.savings ? b : a));
    const high = percents.reduce((a, b) => (b.savings > a.savings ? b : a));
    reasons.push(
      `The percentage moves with the workload's shape: across the what-ifs it runs from ${formatPercent(low.savings)} (${low.label}) to ${formatPercent(high.savings)} (${high.label}).`,
    );
  }

  reasons.push(`Over duty cycle, ${breakEvenSentence(results.breakEven.overDutyCycle)}.`);
  return reasons;
}

/** How the counterpoints show up in this run's numbers, one plain-text sentence each. */
export function counterpointsInOurNumbers(results: BenchResults): string[] {
  const lines: string[] = [];
  const baseline = results.costs.baseline.distributed.totalPerMonth;
  const chatty = results.costs.whatIfs.filter(
    (entry) =>
      (entry.id === 'frames-batched' || entry.id === 'express') && entry.distributedChangePerMonth < 0,
  );
  if (chatty.length > 0 && baseline > 0) {
    const parts = chatty.map(
      (entry) =>
        `${entry.label}: ${formatPercent((-entry.distributedChangePerMonth / baseline) * 100)} off the distributed bill`,
    );
    const stillMonolith = chatty.every((entry) => entry.comparison.cheaper === 'monolith');
    lines.push(
      `Cockcroft's point, in our numbers: fixing the chatty parts without leaving the distributed shape cuts its bill (${parts.join(
        '; ',
      )}); ${stillMonolith ? 'the monolith is still cheaper after each' : 'see the what-ifs for which design is then cheaper'}.`,
    );
  }
  const flip = results.breakEven.overDutyCycle.flip;
  lines.push(
    flip !== null && flip.cheaperBelow === 'distributed'
      ? `Villamizar's point, in our numbers: below a duty cycle of ${formatFraction(flip.at)} the distributed design is the cheaper one, because the monolith's capacity is paid for while it idles.`
      : `Villamizar's point does not show at this load: over duty cycle, ${breakEvenSentence(results.breakEven.overDutyCycle)}.`,
  );
  return lines;
}
