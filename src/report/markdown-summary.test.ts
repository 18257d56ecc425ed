import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../core/bench-results.ts';
import { escapeMarkdown, renderMarkdownSummary } from './markdown-summary.ts';
import { buildSampleResults, hostileStrings } from './sample-results.ts';

const results = buildSampleResults();
const summary = renderMarkdownSummary(results);

/** Cells of a Markdown table row, split on unescaped pipes. */
function cellsOf(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim());
}

/** A dollar figure as printed and how far it may be from the exact value (half its last digit). */
function money(cell: string): { value: number; tolerance: number } {
  const match = /^(-?)\$([\d,]+(?:\.(\d+))?)$/.exec(cell);
  if (match === null) throw new Error(`not a dollar figure: ${cell}`);
  const value = Number(match[2]?.replace(/,/g, '')) * (match[1] === '-' ? -1 : 1);
  const decimals = match[3]?.length ?? 0;
  // Four significant digits below $1: half a unit in the fourth digit.
  const tolerance =
    Math.abs(value) < 1 && value !== 0 ? Math.abs(value) * 5e-4 + 1e-12 : 0.5 * 10 ** -decimals;
  return { value, tolerance };
}

function expectMoney(cell: string | undefined, exact: number): void {
  const { value, tolerance } = money(cell ?? '');
  expect(Math.abs(value - exact)).toBeLessThanOrEqual(tolerance);
}

function rowStartingWith(prefix: string): string[] {
  const line = summary.split('\n').find((candidate) => candidate.startsWith(`| ${prefix}`));
  if (line === undefined) throw new Error(`no row starting with ${prefix}`);
  return cellsOf(line);
}

describe('renderMarkdownSummary', () => {
  it('names the backend the counts came from in the header, and leaves it out of older documents', () => {
    expect(summary).toContain(', backend localstack, ');
    const { backend: _backend, ...older } = results.environment;
    expect(renderMarkdownSummary({ ...results, environment: older })).not.toContain('backend');
  });

  it('leads with both savings and the verdict', () => {
    const top = results.headline;
    const match =
      /\*\*Monolith saves (-?[\d.]+)% against Prime Video's first design \(([^)]*)\) and (-?[\d.]+)% against the cheapest serverless design \(([^)]*)\)\*\*/.exec(
        summary,
      );
    expect(Number(match?.[1])).toBeCloseTo(top.savingsVsFirstPercent ?? Number.NaN, 1);
    expect(match?.[2]).toBe(escapeMarkdown(top.firstDesignId));
    expect(Number(match?.[3])).toBeCloseTo(top.savingsVsCheapestPercent ?? Number.NaN, 1);
    expect(match?.[4]).toBe(escapeMarkdown(top.cheapestServerlessId));
    expect(summary).toContain(escapeMarkdown(top.verdict));
    expect(summary).toContain('Prime Video published "over 90%"');
  });

  it('lists every design with its cost, the saving against it and whether it fits the load', () => {
    for (const design of results.designs) {
      const cells = rowStartingWith(escapeMarkdown(design.id));
      expect(cells).toHaveLength(5);
      expectMoney(cells[1], design.cost.totalPerStreamHour);
      expectMoney(cells[2], design.cost.totalPerMonth);
      if (design.comparison === null) expect(cells[3]).toBe('—');
      else
        expect(Number(cells[3]?.replace('%', ''))).toBeCloseTo(
          design.comparison.savingsPercent ?? Number.NaN,
          1,
        );
      expect(cells[4]).toBe(design.feasibility === null ? '—' : 'fits');
    }
    expect(summary).toContain('**Feasibility**: every serverless design carries 10 streams');
  });

  it("flags a load beyond a design's headroom, with the account-Regions it needs", () => {
    const heavy = buildSampleResults({
      costOptions: { load: { streams: 1000 }, monolith: { hosting: 'ec2' } },
    });
    const text = renderMarkdownSummary(heavy);
    const needed = heavy.designs.find((design) => design.id === 'sfn-per-second')?.feasibility;
    expect(needed?.feasible).toBe(false);
    expect(text).toContain(
      '**Feasibility: NOT feasible at 1,000 streams in one account-Region**: sfn-per-second: ',
    );
    expect(text).toContain(`**needs ${needed?.accountRegionsNeeded} account-Regions**`);
  });

  it('gives the bounding cases, labelled modelled', () => {
    const { serverlessFriendly, monolithFriendly } = results.sensitivity;
    expect(summary).toContain(
      `serverless-friendly end: ${serverlessFriendly.point.savingsVsCheapestPercent.toFixed(1)}% against the cheapest`,
    );
    expect(summary).toContain(
      `monolith-friendly end: ${monolithFriendly.point.savingsVsCheapestPercent.toFixed(1)}% against the cheapest`,
    );
    expect(summary).toContain('against the first (modelled)');
  });

  it('lists where the money goes against the first design, largest gap first, with the document figures', () => {
    const top = results.costs.baseline.comparison.gapByDimension[0];
    expect(top).toBeDefined();
    const cells = rowStartingWith(escapeMarkdown(top?.label ?? ''));
    expectMoney(cells[3], top?.gapPerMonth ?? Number.NaN);
  });

  it('gives the equivalence line from the document', () => {
    expect(summary).toContain('**Equivalence**: identical');
    const different: BenchResults = {
      ...results,
      equivalence: { identical: false, differences: ['a|b.mp4: <freeze> only in monolith'] },
    };
    expect(renderMarkdownSummary(different)).toContain('- a\\|b.mp4: &lt;freeze&gt; only in monolith');
  });

  it('escapes pipes, markup and emphasis in strings from clips and config', () => {
    expect(summary).not.toContain('<b>');
    expect(summary).not.toContain('<script');
    expect(summary).not.toContain(hostileStrings.scenarioName);
    expect(summary).toContain('sample \\| prime-video-case');
    expect(summary).toContain('truncated &lt;b&gt;bold&lt;/b&gt;.mp4');
    // Every table row has as many cells as its header.
    const tableLines = summary.split('\n').filter((line) => line.startsWith('|'));
    expect(tableLines.length).toBeGreaterThan(4);
    for (const line of tableLines) expect([5]).toContain(cellsOf(line).length);
  });

  it('escapeMarkdown neutralises table pipes, HTML, emphasis, links and line breaks', () => {
    expect(escapeMarkdown('a|b <i>x</i> *y* _z_ [l](u) `c`\nnext & \\')).toBe(
      'a\\|b &lt;i&gt;x&lt;/i&gt; \\*y\\* \\_z\\_ \\[l\\](u) \\`c\\` next &amp; \\\\',
    );
  });
});
