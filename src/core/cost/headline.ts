import type { Headline } from '../bench-results.ts';
import type { BreakEvenCurve } from './break-even.ts';
import type { DesignCost, Load } from './cost-model.ts';
import type { Feasibility } from './feasibility.ts';
import type { SensitivityReport } from './sensitivity.ts';

/** A serverless design as the headline compares it. */
export interface HeadlineDesign {
  readonly id: string;
  readonly cost: DesignCost;
  readonly feasibility: Feasibility;
}

export interface HeadlineInput {
  readonly monolith: DesignCost;
  /** Every serverless design measured; at least one. */
  readonly serverless: readonly HeadlineDesign[];
  readonly firstDesignId: string;
  /** The monolith against the cheapest serverless design (`distributed` in the curves stands for it). */
  readonly breakEven: { readonly overStreams: BreakEvenCurve; readonly overDutyCycle: BreakEvenCurve };
  readonly sensitivity: SensitivityReport;
}

const money = (value: number): string =>
  `$${value >= 1 ? value.toFixed(2) : value >= 0.01 ? value.toFixed(4) : value.toPrecision(3)}`;
const pct = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(1)}%`);
const count = (value: number): string => value.toLocaleString('en-US');

function savings(serverless: DesignCost, monolith: DesignCost): number | null {
  return serverless.totalPerMonth === 0
    ? null
    : ((serverless.totalPerMonth - monolith.totalPerMonth) / serverless.totalPerMonth) * 100;
}

/**
 * "17.6% less than" / "3.2% more than" / "12.5 times as much as" for a saving of the monolith (negative: it
 * costs more); past doubling, a ratio reads better than a percentage.
 */
function relation(saving: number | null): string {
  if (saving === null) return 'compared with';
  if (saving >= 0) return `${pct(saving)} less than`;
  if (saving > -100) return `${pct(-saving)} more than`;
  return `${(1 - saving / 100).toFixed(1)} times as much as`;
}

/** A saving as a signed percentage, or as the ratio the monolith costs past doubling. */
function savingText(saving: number): string {
  return saving > -100
    ? pct(saving)
    : `${pct(saving)} (the monolith costs ${(1 - saving / 100).toFixed(1)} times as much)`;
}

/**
 * Where a break-even curve says the cheaper design changes, as a clause: `axis` follows a value ("29
 * streams"), `everyAxis` names the axis over a range ("every stream count from 1 to 5,000").
 */
function flipClause(
  curve: BreakEvenCurve,
  axis: string,
  everyAxis: string,
  format: (x: number) => string,
): string {
  const flip = curve.flip;
  const first = curve.points[0];
  const last = curve.points[curve.points.length - 1];
  if (flip === null) {
    const cheaper = first?.cheaper ?? 'equal';
    const range = `${format(first?.x ?? 0)} to ${format(last?.x ?? 0)}`;
    return cheaper === 'monolith'
      ? `the monolith is cheaper at every ${everyAxis} from ${range}`
      : cheaper === 'distributed'
        ? `serverless is cheaper at every ${everyAxis} from ${range}`
        : `the two cost the same from ${range}`;
  }
  const below = flip.cheaperBelow === 'distributed' ? 'serverless' : flip.cheaperBelow;
  const above = flip.cheaperAbove === 'distributed' ? 'serverless' : flip.cheaperAbove;
  return `it flips at ${format(flip.at)} ${axis} (${below} cheaper below, ${above} above)`;
}

/**
 * The headline: the monolith against the first design and against the cheapest serverless design at the
 * scenario's load, with a verdict sentence that says in numbers where the saving holds and where it flips.
 * Pure: every figure comes from the bills and curves it is given.
 */
export function buildHeadline(input: HeadlineInput, load: Load): Headline {
  const { monolith, serverless } = input;
  const cheapest = serverless.reduce((best, design) =>
    design.cost.totalPerMonth < best.cost.totalPerMonth ? design : best,
  );
  const first = serverless.find((design) => design.id === input.firstDesignId) ?? cheapest;
  const savingsVsFirst = savings(first.cost, monolith);
  const savingsVsCheapest = savings(cheapest.cost, monolith);
  const infeasible = serverless
    .filter((design) => !design.feasibility.feasible)
    .map((design) => ({ id: design.id, summary: design.feasibility.summary }));
  const { serverlessFriendly, monolithFriendly } = input.sensitivity;
  const sentences = [
    `At ${count(load.streams)} streams live ${pct(load.dutyCycle * 100)} of ${count(load.hoursPerMonth)} hours, the monolith costs ${money(monolith.totalPerStreamHour)} per stream-hour: ${relation(savingsVsFirst)} Prime Video's first design, ${first.id} (${money(first.cost.totalPerStreamHour)}), and ${relation(savingsVsCheapest)} the cheapest serverless design, ${cheapest.id} (${money(cheapest.cost.totalPerStreamHour)}).`,
    `Against ${cheapest.id}, ${flipClause(input.breakEven.overStreams, 'streams', 'stream count', count)}; over the duty cycle ${flipClause(input.breakEven.overDutyCycle, 'duty cycle', 'duty cycle', (x) => pct(x * 100))}.`,
    `With every assumption at its serverless-friendly end the saving against the cheapest design is ${savingText(serverlessFriendly.point.savingsVsCheapestPercent)} (${serverlessFriendly.point.cheapestId}); at the monolith-friendly end ${savingText(monolithFriendly.point.savingsVsCheapestPercent)} (both modelled).`,
  ];
  if (infeasible.length > 0) {
    sentences.push(
      `Not feasible in one account-Region at this load: ${infeasible.map((entry) => entry.id).join(', ')} (see feasibility).`,
    );
  }
  return {
    firstDesignId: first.id,
    cheapestServerlessId: cheapest.id,
    monolithPerStreamHour: monolith.totalPerStreamHour,
    firstPerStreamHour: first.cost.totalPerStreamHour,
    cheapestPerStreamHour: cheapest.cost.totalPerStreamHour,
    savingsVsFirstPercent: savingsVsFirst,
    savingsVsCheapestPercent: savingsVsCheapest,
    infeasible,
    breakEven: input.breakEven,
    verdict: sentences.join(' '),
  };
}
