import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type {
  BenchClip,
  BenchClipRun,
  BenchResults,
  DesignRun,
  DesignSettings,
} from '../core/bench-results.ts';
import type { BreakEvenCurve } from '../core/cost/break-even.ts';
import {
  COST_DIMENSIONS,
  type CostDimension,
  type CostLine,
  type Design,
  type DesignCost,
} from '../core/cost/cost-model.ts';
import type { HeadroomResult, QuotaLimit } from '../core/cost/headroom.ts';
import type { MonolithStreamsSample } from '../core/cost/monolith-sizing.ts';
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
import type { SavingsPoint, TornadoRow } from '../core/cost/sensitivity.ts';
import type { Finding } from '../core/finding.ts';
import {
  breakEvenSentence,
  counterpoints,
  counterpointsInOurNumbers,
  designNames,
  loadPhrase,
  monolithHostingOf,
  primeVideoClaim,
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
import { buildChartSpecs, type ChartSpec, chartScript } from './html-charts.ts';

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

function card(title: string, big: string, lines: readonly HtmlValue[], cls = ''): SafeHtml {
  return html`<div class="card ${cls}"><h3>${title}</h3><p class="big">${big}</p>${lines.map((line) => html`<p>${line}</p>`)}</div>`;
}

/** The design of a given id (the headline names designs by id). */
function designOf(results: BenchResults, id: string): DesignRun | undefined {
  return results.designs.find((design) => design.id === id);
}

/** Who is cheaper, in words, for a saving of the monolith against a serverless design. */
function cheaperPhrase(saving: number | null): string {
  if (saving === null) return 'the serverless design costs nothing here';
  if (saving === 0) return 'both cost the same';
  return saving > 0 ? 'the monolith is cheaper' : 'the serverless design is cheaper';
}

function savingText(saving: number | null): string {
  return saving === null ? 'n/a' : formatPercent(saving);
}

/** A headline card: the monolith's saving against one serverless design. */
function savingCard(
  title: string,
  design: DesignRun | undefined,
  perStreamHour: number,
  saving: number | null,
): SafeHtml {
  return card(
    title,
    savingText(saving),
    [
      html`<code>${design?.id ?? ''}</code>: ${formatUsd(perStreamHour)} per stream-hour`,
      design?.label ?? '',
      cheaperPhrase(saving),
    ],
    'ours',
  );
}

function headline(results: BenchResults): SafeHtml {
  const top = results.headline;
  const monolith = results.designs[0];
  const first = designOf(results, top.firstDesignId);
  const cheapest = designOf(results, top.cheapestServerlessId);
  return html`<section id="headline">
<p class="verdict">${top.verdict}</p>
<div class="cards">
${card(
  `Monolith${monolith === undefined ? '' : ` (${monolithHostingOf(monolith.cost)})`}`,
  formatUsd(top.monolithPerStreamHour),
  ['per stream-hour', monolith === undefined ? '' : `${formatUsd(monolith.cost.totalPerMonth)} per month`],
)}
${savingCard("Saving vs Prime Video's first design", first, top.firstPerStreamHour, top.savingsVsFirstPercent)}
${savingCard('Saving vs the cheapest serverless design', cheapest, top.cheapestPerStreamHour, top.savingsVsCheapestPercent)}
${card(
  'Savings, Prime Video (published)',
  primeVideoClaim.headline,
  [html`&ldquo;${primeVideoClaim.quote}&rdquo;`, html`<span class="cite">${primeVideoClaim.source}</span>`],
  'theirs',
)}
</div>
${feasibilityBanner(results)}
</section>`;
}

/** The feasibility flag for the scenario's load: which designs one account-Region cannot carry. */
function feasibilityBanner(results: BenchResults): SafeHtml {
  const streams = formatNumber(results.scenario.load.streams);
  const { infeasible } = results.headline;
  if (infeasible.length === 0) {
    return html`<p class="banner ok" id="feasibility">Feasibility: every serverless design carries ${streams} streams in one account-Region under current quotas.</p>`;
  }
  return html`<div class="banner bad" id="feasibility"><p><strong>Not feasible at ${streams} streams in one account-Region:</strong> ${
    infeasible.length
  } of ${results.designs.length - 1} serverless designs. Their costs are priced as if spread over the account-Regions named; Prime Video hit such a limit at about 5% of their expected load.</p><ul>${infeasible.map(
    (entry) => html`<li><code>${entry.id}</code>: ${entry.summary}</li>`,
  )}</ul></div>`;
}

function statusBanners(results: BenchResults): SafeHtml {
  const clips = results.clips.length;
  const failed = results.clips.filter(
    (clip) => clip.runs.distributed.status === 'failed' || clip.runs.monolith.status === 'failed',
  );
  const equivalence = results.equivalence.identical
    ? html`<p class="banner ok">Equivalence: every design found exactly the same defects on every clip that ran (${clips} clip${
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

function settingsText(settings: DesignSettings): string {
  const parts = [
    settings.shape,
    ...(settings.workflow === null ? [] : [settings.workflow === 'express' ? 'Express' : 'Standard']),
    `${formatNumber(settings.chunkSeconds)}-s chunks`,
    ...(settings.framesPerObject === null
      ? []
      : [
          `${formatNumber(settings.framesPerObject)} frame${settings.framesPerObject === 1 ? '' : 's'} per S3 object`,
        ]),
  ];
  return parts.join(', ');
}

function headroomCell(design: DesignRun): HtmlValue {
  if (design.headroom === null) return html`<span class="muted">no per-chunk quota</span>`;
  const current = design.headroom.current;
  return current.binding === null
    ? 'no quota binds'
    : html`${formatStreams(current.maxStreams)} streams<br><span class="muted">${current.binding.label}</span>`;
}

function feasibilityCell(design: DesignRun): HtmlValue {
  const feasibility = design.feasibility;
  if (feasibility === null) return html`<span class="muted">n/a</span>`;
  const verdict = feasibility.feasible
    ? html`<span class="flag ok">fits</span>`
    : html`<span class="flag bad">${
        feasibility.accountRegionsNeeded === null
          ? 'needs a quota increase'
          : `needs ${formatNumber(feasibility.accountRegionsNeeded)} account-Regions`
      }</span>`;
  return html`${verdict}<br><span class="muted">${feasibility.summary}</span>`;
}

function chartFigure(spec: ChartSpec | undefined): SafeHtml {
  if (spec === undefined) return html``;
  return html`<figure class="chart"><h3>${spec.title}</h3><div class="canvas-box${
    spec.indexAxis === 'y' ? ' tall' : ''
  }"><canvas id="${spec.id}" role="img" aria-label="${spec.title}"></canvas></div><figcaption>${spec.caption}</figcaption></figure>\n`;
}

function designsSection(results: BenchResults, specs: readonly ChartSpec[]): SafeHtml {
  const { breakEven, cheapestServerlessId } = results.headline;
  const dimensions = [
    ...new Set(results.designs.flatMap((design) => design.cost.lines.map((line) => line.dimension))),
  ].filter((dimension) =>
    results.designs.some((design) =>
      design.cost.lines.some((line) => line.dimension === dimension && line.cost !== 0),
    ),
  );
  const perStreamHour = (design: DesignRun, dimension: CostDimension): number =>
    design.cost.lines
      .filter((line) => line.dimension === dimension)
      .reduce((sum, line) => sum + line.costPerStreamHour, 0);
  return html`<section id="designs">
<h2>Designs side by side</h2>
<p>Every design was run on the same clips through the same core and priced at ${loadPhrase(results)} with price book <code>${
    results.priceBook.id
  }</code>; nothing on this table is extrapolated. &ldquo;Monolith saves&rdquo; is (design &minus; monolith) / design; negative where the serverless design is cheaper.</p>
${table(results.designs, [
  {
    header: 'Design',
    cell: (design) =>
      html`<strong>${design.label}</strong><br><code>${design.id}</code> <span class="muted">${design.description}</span>`,
  },
  { header: 'Settings', cell: (design) => settingsText(design.settings) },
  { header: 'Per stream-hour', cell: (design) => formatUsd(design.cost.totalPerStreamHour), numeric: true },
  { header: 'Per month', cell: (design) => formatUsd(design.cost.totalPerMonth), numeric: true },
  {
    header: 'Monolith saves',
    cell: (design) => (design.comparison === null ? '—' : savingText(design.comparison.savingsPercent)),
    numeric: true,
  },
  {
    header: 'Chunk latency p50 / p99',
    cell: (design) =>
      `${formatMs(design.summary.timing.chunkLatency.p50Ms)} / ${formatMs(design.summary.timing.chunkLatency.p99Ms)}`,
    numeric: true,
  },
  { header: 'Headroom (current quotas)', cell: headroomCell },
  { header: `At ${formatNumber(results.scenario.load.streams)} streams`, cell: feasibilityCell },
])}
<div class="charts">${specs
    .filter((spec) => spec.id === 'chart-design-costs' || spec.id === 'chart-design-costs-zoom')
    .map(chartFigure)}</div>
<details><summary>Cost per stream-hour by billing dimension, every design</summary>
${table(dimensions, [
  { header: 'Billing dimension', cell: (dimension) => COST_DIMENSIONS[dimension].label },
  { header: 'Basis', cell: (dimension) => COST_DIMENSIONS[dimension].basis },
  ...results.designs.map((design) => ({
    header: design.id,
    cell: (dimension: CostDimension) => formatUsd(perStreamHour(design, dimension)),
    numeric: true,
  })),
])}
</details>
<p>Against the cheapest serverless design, <code>${cheapestServerlessId}</code> (&ldquo;distributed&rdquo; here): over concurrent streams, ${breakEvenSentence(
    breakEven.overStreams,
  )}; over duty cycle, ${breakEvenSentence(breakEven.overDutyCycle)}.</p>
</section>`;
}

function modelledTag(point: SavingsPoint): HtmlValue {
  return point.modelled ? html` <span class="tag">modelled</span>` : '';
}

/** A saving at one point, with the cheapest design when it differs from the run's, and its modelled tag. */
function pointCell(point: SavingsPoint, which: 'cheapest' | 'first', baselineCheapest: string): SafeHtml {
  const saving = which === 'cheapest' ? point.savingsVsCheapestPercent : point.savingsVsFirstPercent;
  const other =
    which === 'cheapest' && point.cheapestId !== baselineCheapest
      ? html`<br><span class="muted">vs <code>${point.cheapestId}</code></span>`
      : '';
  return html`${formatPercent(saving)}${modelledTag(point)}${other}`;
}

function sensitivitySection(results: BenchResults, specs: readonly ChartSpec[]): SafeHtml {
  const { baseline, rows, serverlessFriendly, monolithFriendly } = results.sensitivity;
  const cheapest = baseline.cheapestId;
  const bounding = [
    { name: 'Every assumption at its serverless-friendly end', case: serverlessFriendly },
    { name: 'Every assumption at its monolith-friendly end', case: monolithFriendly },
  ];
  return html`<section id="sensitivity">
<h2>Sensitivity</h2>
<p>The monolith's saving against the cheapest serverless design and against Prime Video's first design as each assumption moves across its stated range, the others at the run's values. At the run's values: ${formatPercent(
    baseline.savingsVsCheapestPercent,
  )} against <code>${cheapest}</code>, ${formatPercent(baseline.savingsVsFirstPercent)} against <code>${
    results.headline.firstDesignId
  }</code>. A point marked <span class="tag">modelled</span> is priced from measurements transformed to another setting, not from a run.</p>
${chartFigure(specs.find((spec) => spec.id === 'chart-tornado'))}
${table(rows, [
  {
    header: 'Parameter',
    cell: (row: TornadoRow) =>
      html`<strong>${row.label}</strong><br><span class="muted">run: ${row.baseLabel}; range: ${row.rangeNote}</span>`,
  },
  { header: 'Low end', cell: (row) => row.low.label },
  { header: 'vs cheapest', cell: (row) => pointCell(row.low, 'cheapest', cheapest), numeric: true },
  { header: 'vs first', cell: (row) => pointCell(row.low, 'first', cheapest), numeric: true },
  { header: 'High end', cell: (row) => row.high.label },
  { header: 'vs cheapest', cell: (row) => pointCell(row.high, 'cheapest', cheapest), numeric: true },
  { header: 'vs first', cell: (row) => pointCell(row.high, 'first', cheapest), numeric: true },
  { header: 'Swing', cell: (row) => `${formatNumber(row.swingPoints)} points`, numeric: true },
])}
<h3>Bounding cases</h3>
${table(bounding, [
  { header: 'Case', cell: (entry) => html`<strong>${entry.name}</strong>${modelledTag(entry.case.point)}` },
  {
    header: 'Saving vs cheapest',
    cell: (entry) =>
      html`${formatPercent(entry.case.point.savingsVsCheapestPercent)}<br><span class="muted">vs <code>${entry.case.point.cheapestId}</code></span>`,
    numeric: true,
  },
  {
    header: 'Saving vs first',
    cell: (entry) => formatPercent(entry.case.point.savingsVsFirstPercent),
    numeric: true,
  },
  {
    header: 'Monolith / stream-hour',
    cell: (entry) => formatUsd(entry.case.point.monolithPerStreamHour),
    numeric: true,
  },
  {
    header: 'Cheapest / stream-hour',
    cell: (entry) => formatUsd(entry.case.point.cheapestPerStreamHour),
    numeric: true,
  },
  {
    header: 'Ends taken',
    cell: (entry) =>
      html`<details><summary>${Object.keys(entry.case.ends).length} parameters</summary><ul class="ends">${Object.entries(
        entry.case.ends,
      ).map(([parameter, end]) => html`<li><code>${parameter}</code>: ${end}</li>`)}</ul></details>`,
  },
])}
</section>`;
}

function sizingChosen(cost: DesignCost): SafeHtml {
  const sizing = cost.sizing;
  if (sizing === undefined) return html`<p class="muted">The monolith's bill records no sizing.</p>`;
  const clones = (sizing.clones ?? 1) > 1 ? `, ${sizing.clones} clones` : '';
  if (sizing.ec2 !== undefined) {
    const perInstance =
      sizing.ec2.streamsPerInstance === undefined
        ? ''
        : `, ${formatNumber(sizing.ec2.streamsPerInstance)} streams per instance`;
    return html`<p>Chosen in the monolith's cost: EC2, ${formatNumber(sizing.ec2.instances)} x <code>${
      sizing.ec2.instanceType
    }</code> (${sizing.architecture}${clones})${perInstance}, the count set by ${sizing.ec2.limitedBy}; ${formatNumber(
      sizing.vcpus,
    )} vCPUs and ${formatNumber(sizing.memoryGiB)} GiB needed at the target utilisation.</p>`;
  }
  const task = sizing.fargateTask;
  return html`<p>Chosen in the monolith's cost: Fargate (${sizing.architecture}${clones})${
    task === undefined
      ? html`, billed for exactly the vCPUs and GB needed (the price book lists no task sizes)`
      : html`, ${formatNumber(task.tasks)} task(s) of ${formatNumber(task.vcpus)} vCPU and ${formatNumber(
          task.memoryGiB,
        )} GB, ${formatNumber(task.streamsPerTask)} streams per task, the count set by ${task.limitedBy}`
  }; ${formatNumber(sizing.vcpus)} vCPUs and ${formatNumber(sizing.memoryGiB)} GiB needed at the target utilisation.</p>`;
}

/** Throughput of a multi-stream run, stream-seconds per wall-second. */
function throughputOf(sample: MonolithStreamsSample): number {
  return sample.wallMs > 0 ? sample.streamSeconds / (sample.wallMs / 1000) : 0;
}

function monolithSizingSection(results: BenchResults): SafeHtml {
  const measurement = results.monolithStreams;
  const monolith = results.designs[0];
  if (measurement === null || monolith === undefined) return html``;
  const { fit, samples, skipped } = measurement;
  const single = samples.find((sample) => sample.streams === 1);
  const perStreamSecond = (ms: number, sample: MonolithStreamsSample): string =>
    formatNumber(sample.streamSeconds > 0 ? ms / 1000 / sample.streamSeconds : 0);
  return html`<section id="monolith-sizing">
<h2>Monolith sizing</h2>
<p>One fresh monolith process per stream count, each running that many streams at once on a ${formatNumber(
    fit.cores,
  )}-CPU machine (stream <i>i</i> replays clip <i>i</i> modulo ${measurement.clips.length}: ${measurement.clips.map(
    (clip, index) => html`${index > 0 ? ', ' : ''}<code>${clip}</code>`,
  )}).${
    skipped.length === 0
      ? ''
      : html` Not measured: ${skipped.map(
          (entry, index) =>
            html`${index > 0 ? '; ' : ''}${formatNumber(entry.streams)} streams (${entry.reason})`,
        )}.`
  }</p>
${table(samples, [
  { header: 'Streams', cell: (sample) => formatNumber(sample.streams), numeric: true },
  { header: 'Stream-seconds', cell: (sample) => formatNumber(sample.streamSeconds), numeric: true },
  {
    header: 'CPU-s per stream-second',
    cell: (sample) => perStreamSecond(sample.cpuMs, sample),
    numeric: true,
  },
  {
    header: 'of it the Node process',
    cell: (sample) => perStreamSecond(sample.nodeCpuMs, sample),
    numeric: true,
  },
  { header: 'Peak RSS with decoders', cell: (sample) => formatBytes(sample.peakRssBytes), numeric: true },
  { header: 'Node alone', cell: (sample) => formatBytes(sample.nodePeakRssBytes), numeric: true },
  {
    header: 'Throughput',
    cell: (sample) => `${formatNumber(throughputOf(sample))} stream-s/s`,
    numeric: true,
  },
  {
    header: 'vs one stream',
    cell: (sample) =>
      single === undefined || throughputOf(single) === 0
        ? '—'
        : `x${formatNumber(throughputOf(sample) / throughputOf(single))}`,
    numeric: true,
  },
])}
${definitionList([
  [
    'CPU per stream-second',
    `${formatNumber(fit.cpuSecondsPerStreamSecond)} CPU-s (${fit.cpuMethod === 'least-squares-slope' ? 'least-squares slope over the samples' : 'total CPU over total stream-seconds'}); the Node process's own ${formatNumber(
      fit.nodeCpuSecondsPerStreamSecond,
    )} CPU-s, which bounds the streams one process serves`,
  ],
  [
    'Memory',
    `${formatBytes(fit.memoryBaseBytes)} per process + ${formatBytes(fit.memoryPerStreamBytes)} per stream, decoders included (Node alone: ${formatBytes(
      fit.nodeMemory.baseBytes,
    )} + ${formatBytes(fit.nodeMemory.perStreamBytes)} per stream)`,
  ],
  [
    'Throughput scaling',
    fit.throughputScaling === null
      ? 'not measured (no one-stream run)'
      : `x${formatNumber(fit.throughputScaling)} one stream's, at ${formatNumber(fit.throughputScalingStreams ?? 0)} streams`,
  ],
])}
${sizingChosen(monolith.cost)}
<ul class="assumptions">${monolith.cost.assumptions.map((assumption) => html`<li>${assumption}</li>`)}</ul>
</section>`;
}

function caseSection(results: BenchResults): SafeHtml {
  return html`<section id="case">
<h2>Our figure beside Prime Video's, and why they differ</h2>
${firstDesignScope(results)}
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
<h2>Where the money goes: the monolith against the first design</h2>
${firstDesignScope(results)}
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

/** Charts shown in the sections of their own; the charts section has the rest. */
const SECTION_CHARTS: ReadonlySet<string> = new Set([
  'chart-design-costs',
  'chart-design-costs-zoom',
  'chart-tornado',
]);

function chartsSection(results: BenchResults, specs: readonly ChartSpec[]): SafeHtml {
  return html`<section id="charts">
<h2>Charts: the monolith against the first design</h2>
${firstDesignScope(results)}
<div class="charts">${specs.filter((spec) => !SECTION_CHARTS.has(spec.id)).map(chartFigure)}</div>
</section>`;
}

/** Says that a section compares the monolith with Prime Video's first design only. */
function firstDesignScope(results: BenchResults): SafeHtml {
  const first = designOf(results, results.headline.firstDesignId);
  return html`<p class="scope">The monolith against Prime Video's first design, <code>${results.headline.firstDesignId}</code>${
    first === undefined ? '' : html` (${first.label})`
  }, called &ldquo;distributed&rdquo; here; every design is in <a href="#designs">Designs side by side</a>.</p>`;
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
<h2>Cost lines: the first design and the monolith</h2>
${firstDesignScope(results)}
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
<h2>What-ifs from the first design's counts</h2>
${firstDesignScope(results)}
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
<h2>Quota headroom: the first design and the monolith</h2>
${firstDesignScope(results)}
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
<h2>Break-even: the monolith against the first design</h2>
${firstDesignScope(results)}
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
<h2>Counters: the first design and the monolith</h2>
${firstDesignScope(results)}
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
<h2>Runners and timing: the first design and the monolith</h2>
${firstDesignScope(results)}
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

function fargateTaskSizesBlock(book: PriceBook): SafeHtml {
  const sizes = book.fargateTaskSizes;
  if (sizes === undefined) return html``;
  return html`<h3>Fargate task sizes</h3>
<p>${sizes.note ?? ''} ${sourceCell(book.sources[sizes.source])}</p>
${table(sizes.sizes, [
  { header: 'Task vCPU', cell: (size) => formatNumber(size.vcpus), numeric: true },
  {
    header: 'Memory allowed (GB)',
    cell: (size) => size.memoryGiB.map((gib) => formatNumber(gib)).join(', '),
  },
])}`;
}

const SAVINGS_PLAN_LABELS: Readonly<Record<keyof NonNullable<PriceBook['savingsPlans']>, string>> = {
  computeMaxPercent: 'Compute Savings Plans (EC2, Fargate, Lambda duration)',
  ec2InstanceMaxPercent: 'EC2 Instance Savings Plans',
  fargateMaxPercent: 'Fargate under Compute Savings Plans',
  lambdaDurationMaxPercent: 'Lambda duration under Compute Savings Plans',
};

function savingsPlansBlock(book: PriceBook): SafeHtml {
  const plans = book.savingsPlans;
  if (plans === undefined) return html``;
  const rows = (Object.keys(SAVINGS_PLAN_LABELS) as (keyof typeof SAVINGS_PLAN_LABELS)[]).map((key) => ({
    label: SAVINGS_PLAN_LABELS[key],
    fact: plans[key],
  }));
  return html`<h3>Savings Plans (ceilings for the sensitivity ranges, never applied as one figure)</h3>
${table(rows, [
  { header: 'Plan', cell: (row) => row.label },
  { header: 'Up to', cell: (row) => formatPercent(row.fact.value, 0), numeric: true },
  { header: 'Note', cell: (row) => row.fact.note ?? '' },
  { header: 'Source', cell: (row) => sourceCell(book.sources[row.fact.source]) },
])}`;
}

function priceBookSection(results: BenchResults): SafeHtml {
  const book = results.priceBook;
  // Optional lines (transfer.crossAz since 2026-12) are listed only when the book has them.
  const lines = (Object.keys(PRICE_LINE_UNITS) as PriceKey[]).flatMap((key) => {
    const line: PriceLine | undefined = book.lines[key];
    return line === undefined ? [] : [{ key, line }];
  });
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
${fargateTaskSizesBlock(book)}
${savingsPlansBlock(book)}
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
.verdict { font-size: 16px; margin: 18px 0 6px; padding: 10px 14px; border-left: 4px solid var(--accent); background: #fff7ed; }
.scope { font-size: 13px; color: var(--muted); margin: 0 0 8px; }
.flag { font-weight: 700; }
.flag.ok { color: #047857; }
.flag.bad { color: #b91c1c; }
.tag { display: inline-block; font-size: 11px; font-weight: 600; padding: 0 5px; border-radius: 4px; background: #ede9fe; color: #5b21b6; }
.ends { margin: 4px 0 0; padding-left: 18px; }
.canvas-box.tall { height: 440px; }
#designs figure.chart, #sensitivity figure.chart { margin: 12px 0; }
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
@media (max-width: 600px) {
  main { padding: 16px 12px 48px; }
  nav { display: flex; flex-wrap: wrap; gap: 2px 12px; }
  nav a { margin-right: 0; }
  .cards { grid-template-columns: 1fr; }
  table { display: block; overflow-x: auto; }
  dl { grid-template-columns: 1fr; }
  code, .source { word-break: break-word; min-width: 0; }
}
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
  ['designs', 'Designs'],
  ['sensitivity', 'Sensitivity'],
  ['monolith-sizing', 'Monolith sizing'],
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
  const specs = buildChartSpecs(results);
  const nav = NAV.filter(([id]) => id !== 'monolith-sizing' || results.monolithStreams !== null);
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
<h1>archbench: serverless designs vs a monolith</h1>
<p class="subtitle">Scenario <strong>${results.scenario.name}</strong>: ${results.scenario.description}</p>
<p class="meta">Run <code>${results.runId}</code>, ${results.createdAt}; price book <code>${results.priceBook.id}</code>; archbench ${
    results.environment.archbenchVersion
  }${results.environment.gitCommit === null ? '' : html` at <code>${results.environment.gitCommit.slice(0, 12)}</code>`}.</p>
</header>
<nav>${nav.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
${headline(results)}
${statusBanners(results)}
${designsSection(results, specs)}
${sensitivitySection(results, specs)}
${monolithSizingSection(results)}
${explorer.markup}
${caseSection(results)}
${moneySection(results)}
${chartsSection(results, specs)}
${costsSection(results)}
${whatIfSection(results)}
${headroomSection(results)}
${breakEvenSection(results)}
${countersSection(results)}
${runnersSection(results)}
${clipsSection(results)}
${priceBookSection(results)}
${scenarioSection(results)}
<script type="application/json" id="chart-data">${trustedHtml(jsonForScript(specs))}</script>
<footer>Rendered by archbench from a results document (schema ${results.schemaVersion}). Self-contained: it opens from disk and fetches nothing.</footer>
</main>
${scripts.map((script) => html`<script>${trustedHtml(script)}</script>\n`)}</body>
</html>
`;
  return page.html;
}
