import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BenchClip, BenchClipRun, BenchResults } from '../core/bench-results.ts';
import type { BreakEvenCurve } from '../core/cost/break-even.ts';
import type { CostLine, Design, DesignCost } from '../core/cost/cost-model.ts';
import type { HeadroomResult, QuotaLimit } from '../core/cost/headroom.ts';
import {
  PRICE_LINE_UNITS,
  type PriceBook,
  type PriceKey,
  type PriceLine,
  type PriceSource,
  QUOTA_KEYS,
  type QuotaSetName,
  sourceOfPriceKey,
  unitPriceOf,
} from '../core/cost/price-book.ts';
import type { Finding } from '../core/finding.ts';
import {
  breakEvenSentence,
  counterpoints,
  counterpointsInOurNumbers,
  designNames,
  loadPhrase,
  monolithHostingOf,
  primeVideoClaim,
  savingsSentence,
  whyTheyDiffer,
} from './case-narrative.ts';
// Explorer (issue 13): its section, page script and styles; the CSP allows each inline script by hash.
import { contentSecurityPolicy } from './content-security-policy.ts';
import { type CounterRow, counterRows } from './counter-rows.ts';
import { EXPLORER_STYLE, explorerSection } from './explorer/explorer-section.ts';
import {
  formatBytes,
  formatFraction,
  formatMs,
  formatNumber,
  formatPercent,
  formatStreams,
  formatUsd,
} from './format.ts';
import { type HtmlValue, html, jsonForScript, type SafeHtml, trustedHtml } from './html.ts';
import { buildChartSpecs, chartScript } from './html-charts.ts';

/**
 * The HTML report: one self-contained page rendered from a results document alone. Chart.js is inlined,
 * the chart data sits in a `<script type="application/json">`, a Content-Security-Policy forbids every
 * network fetch, and every string from the document is escaped by the `html` tag. Pure string building:
 * the only I/O is reading Chart.js's bundle once.
 */

let chartJsSource: string | undefined;

/** Chart.js's UMD bundle (minified), read once from the installed package, source-map comment removed. */
export function chartJsBundle(): string {
  if (chartJsSource === undefined) {
    const entry = createRequire(import.meta.url).resolve('chart.js');
    const file = path.join(path.dirname(entry), 'chart.umd.min.js');
    const text = readFileSync(file, 'utf8').replace(/\s*\/\/# sourceMappingURL=\S*\s*$/, '\n');
    // The bundle goes inside a <script> element: a closing tag or comment opener in it would end or
    // corrupt the element. None is in 4.6.1; refuse a future bundle that has one rather than break the page.
    if (/<\/script|<!--/i.test(text))
      throw new Error(`${file} cannot be inlined: it contains "</script" or "<!--"`);
    chartJsSource = text;
  }
  return chartJsSource;
}

interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => HtmlValue;
  /** Right-aligned figures. */
  readonly numeric?: boolean;
}

function table<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  footer?: readonly HtmlValue[],
): SafeHtml {
  const cls = (column: Column<T>): string => (column.numeric === true ? 'num' : '');
  return html`<div class="table-wrap"><table>
<thead><tr>${columns.map((column) => html`<th class="${cls(column)}">${column.header}</th>`)}</tr></thead>
<tbody>${rows.map(
    (row) =>
      html`<tr>${columns.map((column) => html`<td class="${cls(column)}">${column.cell(row)}</td>`)}</tr>\n`,
  )}</tbody>${
    footer === undefined
      ? ''
      : html`<tfoot><tr>${footer.map((value, index) => {
          const column = columns[index];
          return html`<td class="${column === undefined ? '' : cls(column)}">${value}</td>`;
        })}</tr></tfoot>`
  }
</table></div>`;
}

/** A source's title and date; its address is listed once, in the price book's source table. */
function sourceCell(source: PriceSource | undefined): SafeHtml {
  if (source === undefined) return html`<span class="muted">no source</span>`;
  return html`<span class="source">${source.title} <span class="muted">(${source.date})</span></span>`;
}

function designLabel(design: Design, results: BenchResults): string {
  return design === 'monolith'
    ? `${designNames.monolith}, ${monolithHostingOf(results.costs.baseline.monolith)}`
    : designNames.distributed;
}

function headline(results: BenchResults): SafeHtml {
  const { distributed, monolith, comparison } = results.costs.baseline;
  const savings = comparison.savingsPercent;
  const card = (title: string, big: string, lines: readonly HtmlValue[], cls = ''): SafeHtml =>
    html`<div class="card ${cls}"><h3>${title}</h3><p class="big">${big}</p>${lines.map((line) => html`<p>${line}</p>`)}</div>`;
  return html`<section id="headline" class="cards">
${card('Distributed', formatUsd(distributed.totalPerStreamHour), [
  'per stream-hour',
  `${formatUsd(distributed.totalPerMonth)} per month`,
])}
${card(`Monolith (${monolithHostingOf(monolith)})`, formatUsd(monolith.totalPerStreamHour), [
  'per stream-hour',
  `${formatUsd(monolith.totalPerMonth)} per month`,
])}
${card('Savings, this run', savings === null ? 'n/a' : formatPercent(savings), [savingsSentence(results), loadPhrase(results)], 'ours')}
${card(
  'Savings, Prime Video (published)',
  primeVideoClaim.headline,
  [html`&ldquo;${primeVideoClaim.quote}&rdquo;`, html`<span class="cite">${primeVideoClaim.source}</span>`],
  'theirs',
)}
</section>`;
}

function statusBanners(results: BenchResults): SafeHtml {
  const clips = results.clips.length;
  const failed = results.clips.filter(
    (clip) => clip.runs.distributed.status === 'failed' || clip.runs.monolith.status === 'failed',
  );
  const equivalence = results.equivalence.identical
    ? html`<p class="banner ok">Equivalence: both designs found exactly the same defects on every clip that ran (${clips} clip${
        clips === 1 ? '' : 's'
      } in the scenario).</p>`
    : html`<div class="banner bad"><p>Equivalence: the designs found different defects, so the comparison is not like for like:</p><ul>${results.equivalence.differences.map(
        (difference) => html`<li>${difference}</li>`,
      )}</ul></div>`;
  const failures =
    failed.length === 0
      ? ''
      : html`<p class="banner warn">${failed.length} clip${failed.length === 1 ? '' : 's'} failed and ${
          failed.length === 1 ? 'is' : 'are'
        } left out of the counts: ${failed.map((clip, index) => html`${index > 0 ? ', ' : ''}<code>${clip.path}</code>`)}.</p>`;
  return html`${equivalence}${failures}`;
}

function caseSection(results: BenchResults): SafeHtml {
  return html`<section id="case">
<h2>Our figure beside Prime Video's, and why they differ</h2>
<ul class="reasons">${whyTheyDiffer(results).map((reason) => html`<li>${reason}</li>`)}</ul>
<h3>Counterpoints</h3>
<ul class="reasons">${counterpoints.map(
    (citation) =>
      html`<li><strong>${citation.who}</strong> <span class="muted">(${citation.source})</span>: ${citation.text}</li>`,
  )}${counterpointsInOurNumbers(results).map((line) => html`<li>${line}</li>`)}</ul>
</section>`;
}

function moneySection(results: BenchResults): SafeHtml {
  const { comparison } = results.costs.baseline;
  const rows = comparison.gapByDimension.filter(
    (entry) => entry.distributedPerMonth !== 0 || entry.monolithPerMonth !== 0,
  );
  return html`<section id="money">
<h2>Where the money goes</h2>
<p>The gap between the designs is ${formatUsd(comparison.gapPerMonth)} per month (${formatUsd(
    comparison.gapPerStreamHour,
  )} per stream-hour): ${formatUsd(comparison.gapByBasis.count)} of it from counted events (exact run to run) and ${formatUsd(
    comparison.gapByBasis.compute,
  )} from timings and memory.</p>
${table(rows, [
  { header: 'Billing dimension', cell: (entry) => entry.label },
  { header: 'Basis', cell: (entry) => entry.basis },
  { header: 'Distributed / month', cell: (entry) => formatUsd(entry.distributedPerMonth), numeric: true },
  { header: 'Monolith / month', cell: (entry) => formatUsd(entry.monolithPerMonth), numeric: true },
  { header: 'Gap / month', cell: (entry) => formatUsd(entry.gapPerMonth), numeric: true },
  { header: 'Gap / stream-hour', cell: (entry) => formatUsd(entry.gapPerStreamHour), numeric: true },
  {
    header: 'Share of gap',
    cell: (entry) => (entry.shareOfGap === null ? 'n/a' : formatFraction(entry.shareOfGap)),
    numeric: true,
  },
])}
</section>`;
}

function chartsSection(results: BenchResults): SafeHtml {
  const specs = buildChartSpecs(results);
  return html`<section id="charts">
<h2>Charts</h2>
<div class="charts">${specs.map(
    (spec) =>
      html`<figure class="chart"><h3>${spec.title}</h3><div class="canvas-box"><canvas id="${spec.id}" role="img" aria-label="${spec.title}"></canvas></div><figcaption>${spec.caption}</figcaption></figure>\n`,
  )}</div>
<script type="application/json" id="chart-data">${trustedHtml(jsonForScript(specs))}</script>
</section>`;
}

function costLinesTable(cost: DesignCost, book: PriceBook): SafeHtml {
  return table(
    cost.lines,
    [
      {
        header: 'Dimension',
        cell: (line: CostLine) =>
          html`${line.label}<br><code class="muted">${line.priceKey}</code> <span class="muted">${line.basis}</span>`,
      },
      { header: 'Quantity / month', cell: (line) => formatNumber(line.quantity), numeric: true },
      { header: 'Free tier', cell: (line) => formatNumber(line.freeQuantity), numeric: true },
      { header: 'Unit', cell: (line) => line.unit },
      { header: 'Unit price', cell: (line) => formatUsd(line.unitPrice), numeric: true },
      { header: 'Cost / month', cell: (line) => formatUsd(line.cost), numeric: true },
      { header: 'Per stream-hour', cell: (line) => formatUsd(line.costPerStreamHour), numeric: true },
      { header: 'Source', cell: (line) => sourceCell(sourceOfPriceKey(book, line.priceKey)) },
    ],
    [
      html`Total <span class="muted">(counts ${formatUsd(cost.byBasis.count.perMonth)}, compute ${formatUsd(
        cost.byBasis.compute.perMonth,
      )})</span>`,
      '',
      '',
      '',
      '',
      formatUsd(cost.totalPerMonth),
      formatUsd(cost.totalPerStreamHour),
      '',
    ],
  );
}

function sizingList(cost: DesignCost): SafeHtml {
  const sizing = cost.sizing;
  if (sizing === undefined) return html``;
  return html`<p>Sizing: ${formatNumber(sizing.cpuSecondsPerStreamSecond)} CPU seconds per stream-second measured; ${formatNumber(
    sizing.vcpus,
  )} vCPUs and ${formatNumber(sizing.memoryGiB)} GiB provisioned on ${sizing.hosting === 'ec2' ? 'EC2' : 'Fargate'} (${
    sizing.architecture
  }), billed ${formatNumber(sizing.hoursBilledPerMonth)} hours a month${
    sizing.ec2 === undefined
      ? ''
      : html`; ${sizing.ec2.instances} x <code>${sizing.ec2.instanceType}</code>, count set by ${sizing.ec2.limitedBy}`
  }.</p>`;
}

function costsSection(results: BenchResults): SafeHtml {
  const { baseline } = results.costs;
  const design = (name: Design): SafeHtml => {
    const cost = baseline[name];
    return html`<h3>${designLabel(name, results)}</h3>
${costLinesTable(cost, results.priceBook)}
${sizingList(cost)}
<ul class="assumptions">${cost.assumptions.map((assumption) => html`<li>${assumption}</li>`)}</ul>`;
  };
  return html`<section id="costs">
<h2>Cost lines</h2>
<p>Every line is a monthly quantity at ${loadPhrase(results)} (${formatNumber(
    baseline.distributed.streamHoursPerMonth,
  )} stream-hours) times a price from the price book <code>${results.priceBook.id}</code>, with its source.</p>
${design('distributed')}
${design('monolith')}
</section>`;
}

function whatIfSection(results: BenchResults): SafeHtml {
  const { baseline, whatIfs } = results.costs;
  const change = (value: number): string =>
    value === 0 ? 'unchanged' : `${value > 0 ? '+' : ''}${formatUsd(value)}`;
  const rows = [
    {
      label: 'Baseline',
      derivation: 'The scenario as measured.',
      distributed: baseline.distributed.totalPerMonth,
      monolith: baseline.monolith.totalPerMonth,
      distributedChange: null as number | null,
      monolithChange: null as number | null,
      savings: baseline.comparison.savingsPercent,
      cheaper: baseline.comparison.cheaper,
    },
    ...whatIfs.map((entry) => ({
      label: entry.label,
      derivation: entry.derivation,
      distributed: entry.distributed.totalPerMonth,
      monolith: entry.monolith.totalPerMonth,
      distributedChange: entry.distributedChangePerMonth as number | null,
      monolithChange: entry.monolithChangePerMonth as number | null,
      savings: entry.comparison.savingsPercent,
      cheaper: entry.comparison.cheaper,
    })),
  ];
  return html`<section id="what-ifs">
<h2>What-ifs</h2>
${table(rows, [
  {
    header: 'What-if',
    cell: (row) => html`<strong>${row.label}</strong><br><span class="muted">${row.derivation}</span>`,
  },
  {
    header: 'Distributed / month',
    cell: (row) =>
      html`${formatUsd(row.distributed)}${row.distributedChange === null ? '' : html`<br><span class="muted">${change(row.distributedChange)}</span>`}`,
    numeric: true,
  },
  {
    header: 'Monolith / month',
    cell: (row) =>
      html`${formatUsd(row.monolith)}${row.monolithChange === null ? '' : html`<br><span class="muted">${change(row.monolithChange)}</span>`}`,
    numeric: true,
  },
  {
    header: 'Savings',
    cell: (row) => (row.savings === null ? 'n/a' : formatPercent(row.savings)),
    numeric: true,
  },
  { header: 'Cheaper', cell: (row) => row.cheaper },
])}
</section>`;
}

const QUOTA_SET_NAMES: Readonly<Record<QuotaSetName, string>> = {
  current: 'current quotas',
  legacy2019to2022: '2019 to mid-2022 quotas',
};

function headroomBlock(result: HeadroomResult, book: PriceBook): SafeHtml {
  const summary =
    result.binding === null
      ? 'no quota binds: nothing this design counts draws on an account-wide quota'
      : `${formatStreams(result.maxStreams)} streams before ${result.binding.label} binds`;
  return html`<h4>${QUOTA_SET_NAMES[result.quotaSet]}: ${summary}</h4>
${table(result.limits, [
  { header: 'Quota', cell: (limit: QuotaLimit) => limit.label },
  { header: 'Limit', cell: (limit) => `${formatNumber(limit.limit)} ${limit.unit}`, numeric: true },
  { header: 'Demand per stream', cell: (limit) => formatNumber(limit.demandPerStream), numeric: true },
  { header: 'Streams', cell: (limit) => formatStreams(limit.streams), numeric: true },
  { header: 'Basis', cell: (limit) => limit.basis },
  { header: 'Source', cell: (limit) => sourceCell(book.sources[limit.source]) },
])}
<ul class="assumptions">${result.assumptions.map((assumption) => html`<li>${assumption}</li>`)}</ul>`;
}

function headroomSection(results: BenchResults): SafeHtml {
  return html`<section id="headroom">
<h2>Quota headroom</h2>
${(['distributed', 'monolith'] as const).map(
  (design) => html`<h3>${designLabel(design, results)}</h3>
${headroomBlock(results.headroom[design].current, results.priceBook)}
${headroomBlock(results.headroom[design].legacy2019to2022, results.priceBook)}`,
)}
</section>`;
}

function curveTable(curve: BreakEvenCurve): SafeHtml {
  const streams = curve.axis === 'streams';
  return html`<details><summary>${curve.points.length} points ${streams ? 'over streams' : 'over duty cycle'}</summary>
${table(curve.points, [
  {
    header: streams ? 'Streams' : 'Duty cycle',
    cell: (point) => (streams ? formatNumber(point.x) : formatFraction(point.x)),
    numeric: true,
  },
  { header: 'Distributed / month', cell: (point) => formatUsd(point.distributedPerMonth), numeric: true },
  { header: 'Monolith / month', cell: (point) => formatUsd(point.monolithPerMonth), numeric: true },
  {
    header: 'Distributed / stream-hour',
    cell: (point) => formatUsd(point.distributedPerStreamHour),
    numeric: true,
  },
  {
    header: 'Monolith / stream-hour',
    cell: (point) => formatUsd(point.monolithPerStreamHour),
    numeric: true,
  },
  { header: 'Cheaper', cell: (point) => point.cheaper },
])}
</details>`;
}

function breakEvenSection(results: BenchResults): SafeHtml {
  const { overStreams, overDutyCycle } = results.breakEven;
  return html`<section id="break-even">
<h2>Break-even</h2>
<p>Over concurrent streams: ${breakEvenSentence(overStreams)}.</p>
${curveTable(overStreams)}
<p>Over duty cycle: ${breakEvenSentence(overDutyCycle)}.</p>
${curveTable(overDutyCycle)}
</section>`;
}

function countersSection(results: BenchResults): SafeHtml {
  const seconds: Record<Design, number> = {
    distributed: results.runners.distributed.streamSeconds,
    monolith: results.runners.monolith.streamSeconds,
  };
  const value = (row: CounterRow, design: Design): string => {
    const total = row.values[design];
    return total === null ? '—' : formatNumber(total);
  };
  const rate = (row: CounterRow, design: Design): string => {
    const total = row.values[design];
    if (total === null || row.kind === 'level' || !(seconds[design] > 0)) return '—';
    return formatNumber(total / seconds[design]);
  };
  return html`<section id="counters">
<h2>Counters</h2>
<p>Every counter of both runners, summed over the clips that ran (${formatNumber(seconds.distributed)} stream-seconds distributed, ${formatNumber(
    seconds.monolith,
  )} monolith). Counts are exact run to run; timings are measurements; levels are maxima or settings.</p>
${table(counterRows(results), [
  { header: 'Group', cell: (row) => row.group },
  { header: 'Counter', cell: (row) => row.name },
  { header: 'Unit', cell: (row) => row.unit },
  { header: 'Kind', cell: (row) => row.kind },
  { header: 'Distributed', cell: (row) => value(row, 'distributed'), numeric: true },
  { header: 'per stream-s', cell: (row) => rate(row, 'distributed'), numeric: true },
  { header: 'Monolith', cell: (row) => value(row, 'monolith'), numeric: true },
  { header: 'per stream-s', cell: (row) => rate(row, 'monolith'), numeric: true },
])}
</section>`;
}

function runnersSection(results: BenchResults): SafeHtml {
  const designs = ['distributed', 'monolith'] as const;
  return html`<section id="runners">
<h2>Runners and timing</h2>
${table(designs, [
  { header: 'Design', cell: (design) => designLabel(design, results) },
  {
    header: 'Stream-seconds',
    cell: (design) => formatNumber(results.runners[design].streamSeconds),
    numeric: true,
  },
  { header: 'Wall time', cell: (design) => formatMs(results.runners[design].timing.wallMs), numeric: true },
  {
    header: 'Throughput',
    cell: (design) => `${formatNumber(results.runners[design].timing.throughputStreamSecPerSec)} stream-s/s`,
    numeric: true,
  },
  {
    header: 'Chunks',
    cell: (design) => formatNumber(results.runners[design].timing.chunkLatency.samples),
    numeric: true,
  },
  {
    header: 'Mean',
    cell: (design) => formatMs(results.runners[design].timing.chunkLatency.meanMs),
    numeric: true,
  },
  {
    header: 'p50',
    cell: (design) => formatMs(results.runners[design].timing.chunkLatency.p50Ms),
    numeric: true,
  },
  {
    header: 'p90',
    cell: (design) => formatMs(results.runners[design].timing.chunkLatency.p90Ms),
    numeric: true,
  },
  {
    header: 'p99',
    cell: (design) => formatMs(results.runners[design].timing.chunkLatency.p99Ms),
    numeric: true,
  },
])}
</section>`;
}

function findingsTable(findings: readonly Finding[]): SafeHtml {
  if (findings.length === 0) return html`<p class="muted">No defects found.</p>`;
  return table(findings, [
    { header: 'Detector', cell: (finding) => finding.detector },
    { header: 'Start (s)', cell: (finding) => finding.startSec.toFixed(3), numeric: true },
    { header: 'End (s)', cell: (finding) => finding.endSec.toFixed(3), numeric: true },
    { header: 'Confidence', cell: (finding) => finding.confidence.toFixed(2), numeric: true },
    {
      header: 'Details',
      cell: (finding) =>
        Object.entries(finding.details ?? {}).map(
          ([key, detail], index) => html`${index > 0 ? ', ' : ''}<code>${key}</code>=${String(detail)}`,
        ),
    },
  ]);
}

function runBlock(design: Design, run: BenchClipRun): SafeHtml {
  const name = design === 'distributed' ? 'Distributed' : 'Monolith';
  if (run.status === 'failed') {
    return html`<p class="banner warn">${name}: failed (${run.error.kind}): ${run.error.message}</p>`;
  }
  return html`<h4>${name}: ${run.findings.length} finding${run.findings.length === 1 ? '' : 's'}</h4>${findingsTable(run.findings)}`;
}

function clipBlock(clip: BenchClip): SafeHtml {
  const { distributed, monolith } = clip.runs;
  const same =
    distributed.status === 'ok' &&
    monolith.status === 'ok' &&
    JSON.stringify(distributed.findings) === JSON.stringify(monolith.findings);
  const body =
    same && distributed.status === 'ok'
      ? html`<h4>Both designs: ${distributed.findings.length} finding${distributed.findings.length === 1 ? '' : 's'}</h4>${findingsTable(
          distributed.findings,
        )}`
      : html`${runBlock('distributed', distributed)}${runBlock('monolith', monolith)}`;
  return html`<div class="clip"><h3><code>${clip.path}</code></h3>
<p class="muted">${formatNumber(clip.durationSec)} s, sha256 <code>${clip.sha256}</code></p>
${body}</div>`;
}

function clipsSection(results: BenchResults): SafeHtml {
  return html`<section id="clips">
<h2>Findings per clip</h2>
${results.clips.map(clipBlock)}
</section>`;
}

function tiersText(line: PriceLine): string {
  return (line.tiers ?? [])
    .map(
      (tier) =>
        `above ${formatNumber(tier.above)} ${tier.aboveUnit}: ${
          tier.price !== undefined
            ? `${formatUsd(tier.price)} per ${formatNumber(line.per)}`
            : `-${tier.discountPercent}%`
        }`,
    )
    .join('; ');
}

function priceBookSection(results: BenchResults): SafeHtml {
  const book = results.priceBook;
  const lines = (Object.keys(PRICE_LINE_UNITS) as PriceKey[]).map((key) => ({ key, line: book.lines[key] }));
  const instances = Object.entries(book.ec2Instances);
  const freeTiers = Object.entries(book.freeTiers);
  const quotas = QUOTA_KEYS.map((key) => ({
    key,
    current: book.quotas.current[key],
    legacy: book.quotas.legacy2019to2022[key],
  }));
  return html`<section id="price-book">
<h2>Price book <code>${book.id}</code></h2>
<p>${book.region}, ${book.currency}, effective ${book.effectiveDate}, retrieved ${book.retrieved}. Free tiers ${
    results.scenario.costOptions.freeTier ? 'applied' : 'not applied'
  } in this run.${book.note === undefined ? '' : html` ${book.note}`}</p>
<h3>Prices</h3>
${table(lines, [
  { header: 'Key', cell: (row) => html`<code>${row.key}</code>` },
  {
    header: 'Price',
    cell: (row) =>
      `${formatUsd(row.line.price)} per ${row.line.per === 1 ? '' : `${formatNumber(row.line.per)} `}${row.line.unit}`,
    numeric: true,
  },
  { header: 'Unit price', cell: (row) => formatUsd(unitPriceOf(row.line)), numeric: true },
  { header: 'Volume tiers', cell: (row) => tiersText(row.line) },
  { header: 'Note', cell: (row) => row.line.note ?? '' },
  { header: 'Source', cell: (row) => sourceCell(book.sources[row.line.source]) },
])}
<h3>EC2 instances</h3>
${table(instances, [
  { header: 'Type', cell: ([type]) => html`<code>${type}</code>` },
  { header: 'vCPUs', cell: ([, instance]) => formatNumber(instance.vcpus), numeric: true },
  { header: 'Memory', cell: ([, instance]) => `${formatNumber(instance.memoryGiB)} GiB`, numeric: true },
  { header: 'Architecture', cell: ([, instance]) => instance.architecture },
  {
    header: 'Price',
    cell: ([, instance]) => `${formatUsd(unitPriceOf(instance))} per ${instance.unit}`,
    numeric: true,
  },
  { header: 'Source', cell: ([, instance]) => sourceCell(book.sources[instance.source]) },
])}
<h3>Free tiers</h3>
${table(freeTiers, [
  { header: 'Key', cell: ([key]) => html`<code>${key}</code>` },
  {
    header: 'Allowance',
    cell: ([, tier]) => `${formatNumber(tier.quantity)} ${tier.unit} per ${tier.period}`,
    numeric: true,
  },
  { header: 'Applies to', cell: ([, tier]) => tier.appliesTo.join(', ') },
  { header: 'Source', cell: ([, tier]) => sourceCell(book.sources[tier.source]) },
])}
<h3>Quotas</h3>
${table(quotas, [
  { header: 'Key', cell: (row) => html`<code>${row.key}</code>` },
  {
    header: 'Current',
    cell: (row) =>
      `${formatNumber(row.current.value)} ${row.current.unit}${
        row.current.bucket === undefined ? '' : ` (bucket ${formatNumber(row.current.bucket)})`
      }`,
    numeric: true,
  },
  {
    header: '2019 to mid-2022',
    cell: (row) =>
      row.legacy === undefined ? 'as current' : `${formatNumber(row.legacy.value)} ${row.legacy.unit}`,
    numeric: true,
  },
  { header: 'Scope', cell: (row) => row.current.scope },
  {
    header: 'Source',
    cell: (row) =>
      html`${sourceCell(book.sources[row.current.source])}${
        row.legacy === undefined ? '' : html`<br>${sourceCell(book.sources[row.legacy.source])}`
      }`,
  },
])}
<h3>Sources</h3>
${table(Object.entries(book.sources), [
  { header: 'Id', cell: ([id]) => html`<code>${id}</code>` },
  { header: 'Title', cell: ([, source]) => source.title },
  { header: 'Date', cell: ([, source]) => source.date },
  {
    header: 'Address (not fetched)',
    cell: ([, source]) => html`<span class="url">${source.url ?? ''}</span>`,
  },
  { header: 'Transcribed from', cell: ([, source]) => source.facts },
])}
</section>`;
}

function definitionList(entries: readonly (readonly [string, HtmlValue])[]): SafeHtml {
  return html`<dl>${entries.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`;
}

function scenarioSection(results: BenchResults): SafeHtml {
  const { scenario, environment } = results;
  return html`<section id="scenario">
<h2>Scenario and environment</h2>
<div class="two-col">
<div><h3>Scenario</h3>${definitionList([
    ['Name', scenario.name],
    ['Description', scenario.description],
    ['Load', loadPhrase(results)],
    ['Chunk length', `${formatNumber(scenario.chunkSeconds)} s`],
    ['Frames per S3 object', formatNumber(scenario.framesPerObject)],
    ['Detectors', scenario.detectors.join(', ')],
    ['Price book', html`<code>${scenario.priceBookId}</code>`],
    ['Config hash', html`<code>${scenario.configHash}</code>`],
    ['Cost options', html`<pre>${JSON.stringify(scenario.costOptions, null, 2)}</pre>`],
  ])}</div>
<div><h3>Environment</h3>${definitionList([
    ['CPU', `${environment.cpuModel} (${environment.cpuCount} logical)`],
    ['Memory', formatBytes(environment.memoryBytes)],
    ['Platform', environment.platform],
    ['Node.js', environment.nodeVersion],
    ['archbench', environment.archbenchVersion],
    [
      'Git commit',
      environment.gitCommit === null ? 'not a git checkout' : html`<code>${environment.gitCommit}</code>`,
    ],
    ['ffmpeg', environment.ffmpegVersion],
    ['Backend', environment.backend ?? 'not recorded (embedded)'],
  ])}</div>
</div>
</section>`;
}

const STYLE = `
:root { color-scheme: light; --fg: #111827; --muted: #6b7280; --line: #e5e7eb; --accent: #c2410c; --blue: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 64px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header .subtitle { margin: 0; font-size: 17px; }
.meta { color: var(--muted); font-size: 13px; margin: 6px 0 0; }
nav { margin: 16px 0 8px; font-size: 13px; }
nav a { color: var(--blue); text-decoration: none; margin-right: 12px; white-space: nowrap; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 16px; margin: 22px 0 8px; }
h4 { font-size: 14px; margin: 16px 0 6px; }
code, pre, .url { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { margin: 0; white-space: pre-wrap; }
.url { color: var(--muted); word-break: break-all; }
.source { display: inline-block; min-width: 15em; }
.muted { color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0 12px; align-items: start; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card h3 { margin: 0; font-size: 13px; font-weight: 600; color: var(--muted); }
.card .cite { font-size: 12px; color: var(--muted); }
.card .big { font-size: 28px; font-weight: 700; margin: 4px 0; }
.card p { margin: 2px 0; font-size: 13px; }
.card.ours { border-color: var(--accent); }
.card.ours .big { color: var(--accent); }
.card.theirs { background: #f9fafb; }
.banner { border-radius: 6px; padding: 8px 12px; margin: 8px 0; font-size: 14px; }
.banner p { margin: 0; }
.banner ul { margin: 4px 0 0; }
.banner.ok { background: #ecfdf5; border: 1px solid #a7f3d0; }
.banner.warn { background: #fffbeb; border: 1px solid #fde68a; }
.banner.bad { background: #fef2f2; border: 1px solid #fecaca; }
.reasons li { margin: 6px 0; }
.assumptions { font-size: 13px; color: #374151; }
.charts { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 18px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; break-inside: avoid; }
figure.chart h3 { margin: 0 0 6px; font-size: 15px; }
.canvas-box { position: relative; height: 320px; }
figcaption { font-size: 12.5px; color: var(--muted); margin-top: 6px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 6px 0 10px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f9fafb; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); }
details { margin: 4px 0 14px; }
summary { cursor: pointer; color: var(--blue); font-size: 13px; }
.clip { border-top: 1px dashed var(--line); padding-top: 4px; }
.clip h3 code { font-size: 14px; word-break: break-all; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 14px; font-size: 13px; margin: 0; }
dt { font-weight: 600; }
dd { margin: 0; word-break: break-word; }
.two-col { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
footer { margin-top: 40px; font-size: 12px; color: var(--muted); }
@media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } .charts, .two-col { grid-template-columns: 1fr; } }
@media print {
  main { max-width: none; padding: 0; }
  nav { display: none; }
  body { font-size: 11pt; }
  .cards { grid-template-columns: repeat(4, 1fr); }
  .charts { grid-template-columns: 1fr 1fr; }
  .canvas-box { height: 260px; }
  section, figure, table, .card { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  details > *:not(summary) { display: block; }
  .table-wrap { overflow: visible; }
}
`;

const NAV: readonly (readonly [string, string])[] = [
  ['headline', 'Headline'],
  ['explorer', 'Explore'],
  ['case', 'Beside Prime Video'],
  ['money', 'Where the money goes'],
  ['charts', 'Charts'],
  ['costs', 'Cost lines'],
  ['what-ifs', 'What-ifs'],
  ['headroom', 'Headroom'],
  ['break-even', 'Break-even'],
  ['counters', 'Counters'],
  ['runners', 'Timing'],
  ['clips', 'Findings'],
  ['price-book', 'Price book'],
  ['scenario', 'Scenario'],
];

/** Renders the self-contained HTML report of a results document. */
export function renderHtmlReport(results: BenchResults): string {
  const explorer = explorerSection(results);
  const scripts = [chartJsBundle(), chartScript, ...(explorer.script === null ? [] : [explorer.script])];
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(scripts)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>archbench report: ${results.scenario.name} (${results.runId})</title>
<style>${trustedHtml(STYLE + EXPLORER_STYLE)}</style>
</head>
<body>
<main>
<header>
<h1>archbench: distributed vs monolith</h1>
<p class="subtitle">Scenario <strong>${results.scenario.name}</strong>: ${results.scenario.description}</p>
<p class="meta">Run <code>${results.runId}</code>, ${results.createdAt}; price book <code>${results.priceBook.id}</code>; archbench ${
    results.environment.archbenchVersion
  }${results.environment.gitCommit === null ? '' : html` at <code>${results.environment.gitCommit.slice(0, 12)}</code>`}.</p>
</header>
<nav>${NAV.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
${headline(results)}
${statusBanners(results)}
${explorer.markup}
${caseSection(results)}
${moneySection(results)}
${chartsSection(results)}
${costsSection(results)}
${whatIfSection(results)}
${headroomSection(results)}
${breakEvenSection(results)}
${countersSection(results)}
${runnersSection(results)}
${clipsSection(results)}
${priceBookSection(results)}
${scenarioSection(results)}
<footer>Rendered by archbench from a results document (schema ${results.schemaVersion}). Self-contained: it opens from disk and fetches nothing.</footer>
</main>
${scripts.map((script) => html`<script>${trustedHtml(script)}</script>\n`)}</body>
</html>
`;
  return page.html;
}
