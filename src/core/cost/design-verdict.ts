import type { DesignRun, Headline, MeasuredDesign } from '../bench-results.ts';
import {
  breakEvenOverDutyCycle,
  breakEvenOverStreams,
  type DutyCycleRange,
  type StreamsRange,
} from './break-even.ts';
import { type CostOptions, compareDesigns, priceDistributed, priceMonolith } from './cost-model.ts';
import { type Feasibility, feasibilityAt } from './feasibility.ts';
import { buildHeadline } from './headline.ts';
import { type HeadroomOptions, headroom } from './headroom.ts';
import type { PriceBook } from './price-book.ts';
import { type SensitivityReport, sensitivity } from './sensitivity.ts';

/**
 * Every measured design priced at one set of assumptions, compared with the monolith, checked against
 * the quotas, and summed up in the headline and the sensitivity analysis: the whole verdict from the
 * measured summaries, one pure function. The bench calls it once with the scenario's assumptions; the
 * report calls the same function again when a reader changes them.
 */

/**
 * The assumptions of a verdict that are not in the designs, the price book or the cost options: recorded
 * in the results document (`verdictInputs`), so the verdict can be priced again from the document alone.
 */
export interface VerdictAssumptions {
  readonly headroom: Omit<HeadroomOptions, 'workflow'>;
  readonly breakEven: { readonly streams: StreamsRange; readonly dutyCycle: DutyCycleRange };
  /** Detectors the sensitivity's detector-set row drops. */
  readonly dropDetectors: readonly string[];
  /** Frame rate the clips were decoded at. */
  readonly fps: number;
}

export interface VerdictInput extends VerdictAssumptions {
  /** The monolith first, then the serverless designs; the first serverless design is `firstDesignId`. */
  readonly designs: readonly MeasuredDesign[];
  readonly firstDesignId: string;
  readonly priceBook: PriceBook;
  readonly options: CostOptions;
}

export interface Verdict {
  readonly designs: readonly DesignRun[];
  readonly headline: Headline;
  readonly sensitivity: SensitivityReport;
}

/** How a serverless design's executions are billed (the monolith has none: Standard, unused). */
function workflowOf(design: MeasuredDesign): 'standard' | 'express' {
  return design.settings.workflow ?? 'standard';
}

export function priceVerdict(input: VerdictInput): Verdict {
  const { priceBook: book, options } = input;
  const [monolith, ...serverless] = input.designs;
  if (monolith === undefined || monolith.kind !== 'monolith' || serverless.length === 0) {
    throw new RangeError('priceVerdict needs the monolith first and at least one serverless design');
  }
  const monolithCost = priceMonolith(monolith.summary.profile, book, options);
  const monolithRun: DesignRun = {
    ...monolith,
    cost: monolithCost,
    comparison: null,
    headroom: null,
    feasibility: null,
  };
  const serverlessRuns = serverless.map((design): DesignRun & { feasibility: Feasibility } => {
    const priced = { ...options, workflow: workflowOf(design) };
    const cost = priceDistributed(design.summary.profile, book, priced);
    const quotas = headroom(design.summary.profile, book, {
      ...input.headroom,
      workflow: workflowOf(design),
    });
    return {
      ...design,
      cost,
      comparison: compareDesigns(cost, monolithCost),
      headroom: quotas,
      feasibility: feasibilityAt(quotas.current, options.load.streams),
    };
  });
  const cheapest = serverlessRuns.reduce((best, design) =>
    design.cost.totalPerMonth < best.cost.totalPerMonth ? design : best,
  );
  const report = sensitivity({
    monolith: monolith.summary.profile,
    serverless: serverless.map((design) => ({
      id: design.id,
      profile: design.summary.profile,
      workflow: workflowOf(design),
      geometry: {
        fps: input.fps,
        chunkSeconds: design.settings.chunkSeconds,
        framesPerObject: design.settings.framesPerObject ?? Number.POSITIVE_INFINITY,
      },
    })),
    firstDesignId: input.firstDesignId,
    priceBook: book,
    options,
    streams: input.breakEven.streams,
    dropDetectors: input.dropDetectors,
  });
  const curveInput = {
    distributed: cheapest.summary.profile,
    monolith: monolith.summary.profile,
    priceBook: book,
    options: { ...options, workflow: cheapest.settings.workflow ?? 'standard' },
  };
  const headline = buildHeadline(
    {
      monolith: monolithCost,
      serverless: serverlessRuns,
      firstDesignId: input.firstDesignId,
      breakEven: {
        overStreams: breakEvenOverStreams(curveInput, input.breakEven.streams),
        overDutyCycle: breakEvenOverDutyCycle(curveInput, input.breakEven.dutyCycle),
      },
      sensitivity: report,
    },
    options.load,
  );
  return { designs: [monolithRun, ...serverlessRuns], headline, sensitivity: report };
}
