import { describe, expect, it } from 'vitest';
import { buildSampleResults, hostileStrings } from '../../report/sample-results.ts';
import type { PriceBook } from '../cost/price-book.ts';
import { evaluateGate } from './gate.ts';
import { escapeMarkdown, renderGateMarkdown } from './gate-markdown.ts';
import { defaultGateBounds } from './gate-verdict.ts';
import {
  addStageRequests,
  addStateToEveryExecution,
  rebuildResults,
  scaleCompute,
  type Writable,
} from './test-results.ts';

const baseline = buildSampleResults({ costOptions: { load: { streams: 10 } } });
/** Prime Video's first design: the legacy `distributed` runner. */
const FIRST = 'sfn-per-second';

/** Unescaped pipes of a table row: its cell separators. */
function cellSeparators(row: string): number {
  return row.replace(/\\\|/g, '').split('|').length - 1;
}

function tableRows(markdown: string): string[][] {
  const tables: string[][] = [];
  let current: string[] | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      current ??= [];
      current.push(line);
    } else if (current !== undefined) {
      tables.push(current);
      current = undefined;
    }
  }
  return tables;
}

describe('renderGateMarkdown', () => {
  it('says pass, shows the bills and what is compared, and no regression section', () => {
    const markdown = renderGateMarkdown(evaluateGate(baseline, rebuildResults(baseline), defaultGateBounds));
    expect(markdown.split('\n')[0]).toBe('## archbench gate: pass');
    expect(markdown).toContain('0 regression(s), 0 note(s)');
    expect(markdown).not.toContain('### Regressions');
    expect(markdown).toContain('### Bills per month at the scenario load');
    expect(markdown).toContain('<details><summary>What the gate compares</summary>');
    expect(markdown.endsWith('\n')).toBe(true);
  });

  it('names each changed count with its per stream-second delta and dollars per month', () => {
    const current = rebuildResults(baseline, {
      counters: (design, _clip, counters) => {
        if (design !== FIRST) return;
        addStateToEveryExecution(counters, 'Validate');
        addStageRequests(counters, 'ConvertMedia', 'PutObject', counters.sfn.executionsStarted * 25);
      },
    });
    const markdown = renderGateMarkdown(evaluateGate(baseline, current, defaultGateBounds));
    expect(markdown.split('\n')[0]).toBe('## archbench gate: REGRESSION');
    expect(markdown).toContain('#### Counts changed');
    // 1 transition per stream-second x 26,280,000 stream-seconds x $0.025 / 1,000 = $657 per month.
    expect(markdown).toContain(
      '| sfn-per-second | billed transitions of state **Validate** | 0 | 1 | +1 | +$657.00 |',
    );
    // 25 PUTs per stream-second x 26,280,000 x $0.005 / 1,000 = $3,285 per month.
    expect(markdown).toContain(
      '| sfn-per-second | S3 **PutObject** requests in stage **ConvertMedia** (tier 1) | 26 | 51 | +25 | +$3,285 |',
    );
    expect(markdown).toContain(
      '+25 per stream-second x 26,280,000 stream-seconds per month = +657,000,000 requests x $0.000005 (s3.requests.tier1) = **+$3,285 per month**',
    );
  });

  it('escapes every string from the documents: no HTML, no broken tables', () => {
    const current = rebuildResults(baseline, {
      counters: (design, _clip, counters) => {
        if (design === FIRST) addStateToEveryExecution(counters, 'Check | <b>*x*</b>');
      },
    });
    const markdown = renderGateMarkdown(evaluateGate(baseline, current, defaultGateBounds));
    expect(markdown).not.toContain('<img');
    expect(markdown).not.toContain('<b>');
    expect(markdown).toContain(escapeMarkdown(hostileStrings.clipPath));
    expect(markdown).toContain('Check \\| &lt;b>\\*x\\*&lt;/b>');
    for (const table of tableRows(markdown)) {
      const [header, ...rows] = table;
      for (const row of rows) expect(cellSeparators(row)).toBe(cellSeparators(header ?? ''));
    }
  });

  it('lists compute beyond bounds by line, and price changes apart under notes', () => {
    const book = structuredClone(baseline.priceBook) as Writable<PriceBook>;
    book.id = 'aws-us-east-1-2027-01';
    book.lines['lambda.duration.x86'].price *= 2;
    const current = rebuildResults(baseline, {
      priceBook: book,
      counters: (design, _clip, counters) => {
        if (design === FIRST) scaleCompute(counters, 3);
      },
    });
    const markdown = renderGateMarkdown(evaluateGate(baseline, current, defaultGateBounds));
    const [regressions, notes] = markdown.split('### Notes (do not fail the gate)');
    expect(regressions).toContain('sfn-per-second, compute-derived dollars:');
    expect(regressions).toContain('Lambda duration (billed ms x memory) +$');
    expect(regressions).not.toContain('monolith, compute-derived dollars');
    expect(notes).toContain('#### Prices changed');
    expect(notes).toContain(`Price book ${baseline.priceBook.id} -> aws-us-east-1-2027-01`);
    expect(notes).toMatch(
      /changes the bills per month by: monolith \$0\.00, sfn-per-second \+\$[\d,.]+, sfn-express-batched \+\$/,
    );
    expect(notes).toContain('| lambda.duration.x86 |');
  });

  it('explains a scenario change and how to accept it', () => {
    const current = rebuildResults(baseline, {
      configHash: 'another',
      costOptions: { ...baseline.scenario.costOptions, freeTier: true },
    });
    const markdown = renderGateMarkdown(evaluateGate(baseline, current, defaultGateBounds));
    expect(markdown).toContain('#### Scenario changed');
    expect(markdown).toContain('costOptions.freeTier: false -> true');
    expect(markdown).toContain('archbench gate --update-baseline');
  });

  it('names a design missing from the current run, and gives both savings under the bills', () => {
    const fewer = {
      ...baseline,
      designs: baseline.designs.filter((design) => design.id !== 'function-per-chunk'),
    };
    const markdown = renderGateMarkdown(evaluateGate(baseline, fewer, defaultGateBounds));
    expect(markdown).toContain('#### Designs changed');
    expect(markdown).toContain('- Measured in the baseline, missing now: function-per-chunk.');
    const same = renderGateMarkdown(evaluateGate(baseline, rebuildResults(baseline), defaultGateBounds));
    const first = baseline.headline.savingsVsFirstPercent?.toFixed(1);
    const cheapest = baseline.headline.savingsVsCheapestPercent?.toFixed(1);
    expect(same).toContain(`Savings of the monolith against Prime Video's first design: ${first}%`);
    expect(same).toContain(
      `Against the cheapest serverless design (${baseline.headline.cheapestServerlessId}): ${cheapest}% (baseline ${cheapest}%; reported, not gated).`,
    );
    expect(same).toContain('| function-per-chunk |');
  });
});
