import { describe, expect, it } from 'vitest';
import type { BenchResults } from '../core/bench-results.ts';
import { sourceOfPriceKey } from '../core/cost/price-book.ts';
import { formatBytes, formatMs, formatPercent, formatUsd } from './format.ts';
import { escapeHtml } from './html.ts';
import { buildChartSpecs, CHART_IDS, TORNADO_FLOOR_PERCENT } from './html-charts.ts';
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

  it('leads with the verdict and both savings: against the first and against the cheapest design', () => {
    const top = results.headline;
    const lead = page.slice(page.indexOf('<section id="headline">'), page.indexOf('</section>'));
    has(lead, `<p class="verdict">${escapeHtml(top.verdict)}</p>`);
    has(lead, formatPercent(top.savingsVsFirstPercent ?? Number.NaN));
    has(lead, formatPercent(top.savingsVsCheapestPercent ?? Number.NaN));
    has(lead, `<code>${top.firstDesignId}</code>: ${formatUsd(top.firstPerStreamHour)}`);
    has(lead, `<code>${top.cheapestServerlessId}</code>: ${formatUsd(top.cheapestPerStreamHour)}`);
    expect(top.infeasible).toEqual([]);
    has(lead, 'every serverless design carries 10 streams in one account-Region');
  });

  it("flags a load beyond a design's quota headroom in the headline, with the account-Regions it needs", () => {
    const heavy = buildSampleResults({
      costOptions: { load: { streams: 1000 }, monolith: { hosting: 'ec2' } },
    });
    const [infeasible] = heavy.headline.infeasible;
    expect(infeasible?.id).toBe('sfn-per-second');
    const markup = renderHtmlReport(heavy);
    const lead = markup.slice(markup.indexOf('<section id="headline">'), markup.indexOf('</section>'));
    has(lead, 'Not feasible at 1,000 streams in one account-Region:');
    has(lead, `<li><code>sfn-per-second</code>: ${escapeHtml(infeasible?.summary ?? '')}</li>`);
    const needed = heavy.designs.find((design) => design.id === 'sfn-per-second')?.feasibility;
    expect(needed?.accountRegionsNeeded).toBeGreaterThan(1);
    has(markup, `needs ${needed?.accountRegionsNeeded} account-Regions`);
  });

  it('shows every design side by side: settings, costs, saving, chunk latency, headroom', () => {
    const section = page.slice(
      page.indexOf('<section id="designs">'),
      page.indexOf('<section id="sensitivity">'),
    );
    expect(results.designs.map((design) => design.id)).toEqual([
      'monolith',
      'sfn-per-second',
      'sfn-express-batched',
      'function-per-chunk',
    ]);
    for (const design of results.designs) {
      has(section, `<code>${design.id}</code>`);
      has(section, escapeHtml(design.label));
      has(section, formatUsd(design.cost.totalPerStreamHour));
      has(section, formatUsd(design.cost.totalPerMonth));
      const latency = design.summary.timing.chunkLatency;
      has(section, `${formatMs(latency.p50Ms)} / ${formatMs(latency.p99Ms)}`);
      if (design.comparison !== null)
        has(section, formatPercent(design.comparison.savingsPercent ?? Number.NaN));
      if (design.headroom?.current.binding) has(section, escapeHtml(design.headroom.current.binding.label));
    }
    has(section, 'stages, Express, 10-s chunks, 125 frames per S3 object');
    const spec = buildChartSpecs(results).find((entry) => entry.id === 'chart-design-costs');
    expect(spec?.labels).toHaveLength(results.designs.length);
    // Each design's stack adds up to its total per stream-hour.
    for (const [index, design] of results.designs.entries()) {
      const stacked = (spec?.datasets ?? []).reduce(
        (sum, dataset) => sum + Number(dataset.data[index] ?? 0),
        0,
      );
      expect(stacked).toBeCloseTo(design.cost.totalPerStreamHour, 10);
    }
    const zoom = buildChartSpecs(results).find((entry) => entry.id === 'chart-design-costs-zoom');
    expect(zoom?.labels).toHaveLength(results.designs.length - 1);
  });

  it("draws the tornado from the run's saving to each end, and tables both savings with modelled labels", () => {
    const { baseline, rows, serverlessFriendly, monolithFriendly } = results.sensitivity;
    const spec = buildChartSpecs(results).find((entry) => entry.id === 'chart-tornado');
    expect(spec?.indexAxis).toBe('y');
    expect(spec?.labels).toEqual(rows.map((row) => row.label));
    expect(spec?.marker?.x).toBe(baseline.savingsVsCheapestPercent);
    expect(spec?.datasets[0]?.data).toEqual(
      rows.map((row) => [baseline.savingsVsCheapestPercent, row.low.savingsVsCheapestPercent]),
    );
    expect(spec?.datasets[1]?.data).toEqual(
      rows.map((row) => [baseline.savingsVsCheapestPercent, row.high.savingsVsCheapestPercent]),
    );
    expect(spec?.x.min).toBeGreaterThanOrEqual(TORNADO_FLOOR_PERCENT);
    const section = page.slice(
      page.indexOf('<section id="sensitivity">'),
      page.indexOf('<section id="monolith-sizing">'),
    );
    for (const row of rows) {
      has(section, escapeHtml(row.label));
      has(section, escapeHtml(row.rangeNote));
      for (const point of [row.low, row.high]) {
        has(section, formatPercent(point.savingsVsCheapestPercent));
        has(section, formatPercent(point.savingsVsFirstPercent));
      }
    }
    const modelled = rows.flatMap((row) => [row.low, row.high]).filter((point) => point.modelled).length;
    expect(modelled).toBeGreaterThan(0);
    // Two cells (vs cheapest, vs first) per modelled point, one per bounding case, one in the explanation.
    const bounding = [serverlessFriendly, monolithFriendly].filter((entry) => entry.point.modelled).length;
    expect(section.split('<span class="tag">modelled</span>').length - 1).toBe(2 * modelled + bounding + 1);
    has(section, formatPercent(serverlessFriendly.point.savingsVsCheapestPercent));
    has(section, formatPercent(monolithFriendly.point.savingsVsCheapestPercent));
    has(section, 'Every assumption at its serverless-friendly end');
  });

  it('shows the multi-stream monolith runs, the fit and the sizing chosen, and leaves the section out without runs', () => {
    const measurement = results.monolithStreams;
    if (measurement === null) throw new Error('the sample has multi-stream runs');
    const section = page.slice(
      page.indexOf('<section id="monolith-sizing">'),
      page.indexOf('<section id="case">'),
    );
    for (const sample of measurement.samples) has(section, formatBytes(sample.peakRssBytes));
    has(
      section,
      `${formatBytes(measurement.fit.memoryBaseBytes)} per process + ${formatBytes(measurement.fit.memoryPerStreamBytes)} per stream`,
    );
    const ec2 = results.designs[0]?.cost.sizing?.ec2;
    has(section, `EC2, ${ec2?.instances} x <code>${ec2?.instanceType}</code>`);
    has(section, `${ec2?.streamsPerInstance} streams per instance`);
    const without = renderHtmlReport({ ...results, monolithStreams: null });
    lacks(without, 'id="monolith-sizing"');
    lacks(without, 'href="#monolith-sizing"');
  });

  it('labels the sections that compare the monolith with the first design only', () => {
    for (const id of [
      'case',
      'money',
      'charts',
      'costs',
      'what-ifs',
      'headroom',
      'break-even',
      'counters',
      'runners',
    ]) {
      const start = page.indexOf(`<section id="${id}">`);
      expect(page.slice(start, start + 600), id).toContain("The monolith against Prime Video's first design");
    }
  });

  it('renders a price book without transfer.crossAz, with its Fargate task sizes and Savings Plans', () => {
    expect(results.priceBook.lines['transfer.crossAz']).toBeUndefined();
    lacks(page, '<code>transfer.crossAz</code>');
    has(page, '<h3>Fargate task sizes</h3>');
    has(page, 'EC2 Instance Savings Plans');
    const plans = results.priceBook.savingsPlans;
    has(page, formatPercent(plans?.ec2InstanceMaxPercent.value ?? Number.NaN, 0));
  });
});
