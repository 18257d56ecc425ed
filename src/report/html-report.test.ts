import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../core/bench-results.ts';
import { sourceOfPriceKey } from '../core/cost/price-book.ts';
import { formatPercent, formatUsd } from './format.ts';
import { buildChartSpecs, CHART_IDS } from './html-charts.ts';
import { renderHtmlReport } from './html-report.ts';
import { buildSampleResults, hostileStrings } from './sample-results.ts';

const results = buildSampleResults();
const page = renderHtmlReport(results);

/** Asserts `markup` contains `text`, naming the text (not the 300 kB page) when it does not. */
function has(markup: string, text: string): void {
  expect(markup.includes(text), `missing: ${text}`).toBe(true);
}

/** Asserts nothing in `markup` matches, naming the first match when something does. */
function lacks(markup: string, pattern: RegExp | string): void {
  const found =
    typeof pattern === 'string'
      ? markup.includes(pattern)
        ? pattern
        : null
      : (pattern.exec(markup)?.[0] ?? null);
  expect(found).toBeNull();
}

/** The text of `<script type="application/json" id="chart-data">`. */
function chartDataOf(markup: string): string {
  const match = /<script type="application\/json" id="chart-data">([\s\S]*?)<\/script>/.exec(markup);
  if (match?.[1] === undefined) throw new Error('no chart data');
  return match[1];
}

describe('renderHtmlReport', () => {
  it('fetches nothing: no src or href with a URL, no external element, and a CSP that forbids it', () => {
    lacks(page, /\s(?:src|href|action|poster|srcset|data)\s*=\s*["']?\s*(?:[a-z]+:)?\/\//i);
    lacks(page, /<(?:link|img|iframe|object|embed|base|audio|video|source)\b/i);
    const withoutScripts = page.replace(/<script\b[\s\S]*?<\/script>/g, '');
    lacks(withoutScripts, /@import|url\(/i);
    const csp =
      /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/
        .exec(page)?.[1]
        ?.replaceAll('&#39;', "'") ?? '';
    expect(csp).toContain("default-src 'none'");
    // Scripts run only by hash (content-security-policy.ts): no 'unsafe-inline', no 'unsafe-eval'.
    expect(csp).toMatch(/script-src( 'sha256-[A-Za-z0-9+/=]+'){3};/);
    // Links stay inside the page.
    for (const match of page.matchAll(/\shref="([^"]*)"/g)) expect(match[1]).toMatch(/^#[a-z-]+$/);
  });

  it('escapes every hostile string from clips and the scenario', () => {
    lacks(page, '<img src=x');
    lacks(page, '</script><script>alert(2)');
    lacks(page, '<b>bold</b>');
    has(page, '&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;.mp4');
    has(page, '&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    // Exactly the scripts the page brings: Chart.js, the chart data, the drawing code, and the explorer's
    // data and page script.
    expect(page.match(/<script\b/gi)).toHaveLength(5);
    expect(page.match(/<\/script>/gi)).toHaveLength(5);
  });

  it('has one canvas per chart and embeds the chart data as inert JSON matching the document', () => {
    expect(page.match(/<canvas\b/g)).toHaveLength(CHART_IDS.length + 1); // + the explorer's chart
    for (const id of CHART_IDS) expect(page.split(`<canvas id="${id}"`).length, id).toBe(2);
    const data = chartDataOf(page);
    expect(data).not.toMatch(/[<>]/);
    expect(JSON.parse(data)).toEqual(JSON.parse(JSON.stringify(buildChartSpecs(results))));
  });

  it('inlines Chart.js without its source-map comment', () => {
    has(page, 'Chart.js v4.6.1');
    lacks(page, 'sourceMappingURL');
    expect(page.length).toBeGreaterThan(200_000);
  });

  it('shows the headline costs, our savings beside Prime Video published figure, and the counterpoints', () => {
    const { distributed, monolith, comparison } = results.costs.baseline;
    has(page, formatUsd(distributed.totalPerStreamHour));
    has(page, formatUsd(monolith.totalPerStreamHour));
    has(page, formatPercent(comparison.savingsPercent ?? Number.NaN));
    has(page, 'over 90%');
    has(page, 'Cockcroft');
    has(page, 'Villamizar');
    has(page, 'why they differ');
  });

  it('lists every cost line with its price key and source, and every price book source', () => {
    for (const design of ['distributed', 'monolith'] as const) {
      for (const line of results.costs.baseline[design].lines) {
        has(page, `<code class="muted">${line.priceKey}</code>`);
        has(page, sourceOfPriceKey(results.priceBook, line.priceKey)?.title ?? 'missing source');
      }
    }
    for (const source of Object.values(results.priceBook.sources)) {
      has(page, source.title.replace(/"/g, '&quot;'));
      if (source.url !== undefined) has(page, `<span class="url">${source.url}</span>`);
    }
  });

  it('lists every counter of both runners', () => {
    const counters = results.runners.distributed.counters;
    for (const state of Object.keys(counters.sfn.transitionsByState)) {
      has(page, `billed transitions: ${state}`);
    }
    for (const [stage, operations] of Object.entries(counters.s3.requestsByStage)) {
      for (const operation of Object.keys(operations)) has(page, `stage ${stage}: ${operation}`);
    }
    for (const component of Object.keys(results.runners.monolith.counters.compute.cpuMsByComponent)) {
      has(page, `CPU: ${component}`);
    }
  });

  it('marks the break-even flip when there is one and says so when there is none', () => {
    const flipped = buildChartSpecs(results).find((spec) => spec.id === 'chart-break-even-duty-cycle');
    expect(results.breakEven.overDutyCycle.flip).not.toBeNull();
    expect(flipped?.marker?.x).toBe(results.breakEven.overDutyCycle.flip?.at);

    // Fargate at 100 streams: the monolith is cheaper over the whole duty-cycle range.
    const flat = buildSampleResults({ costOptions: { load: { streams: 100 } } });
    expect(flat.breakEven.overDutyCycle.flip).toBeNull();
    const spec = buildChartSpecs(flat).find((entry) => entry.id === 'chart-break-even-duty-cycle');
    expect(spec?.marker).toBeUndefined();
    has(renderHtmlReport(flat), 'the monolith design is cheaper throughout');
  });

  it('shows differences between the runners, escaped, when findings are not identical', () => {
    const different: BenchResults = {
      ...results,
      equivalence: { identical: false, differences: ['clip <x>.mp4: freeze 2-5 only in monolith'] },
    };
    const markup = renderHtmlReport(different);
    has(markup, 'clip &lt;x&gt;.mp4: freeze 2-5 only in monolith');
    has(markup, 'the designs found different defects');
  });

  it('is deterministic for the same document', () => {
    expect(renderHtmlReport(buildSampleResults())).toBe(page);
  });

  it('keeps the sample hostile strings in the document it renders', () => {
    expect(results.clips.map((clip) => clip.path)).toContain(hostileStrings.clipPath);
    expect(results.scenario.description).toBe(hostileStrings.scenarioDescription);
  });
});
