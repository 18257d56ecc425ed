import type { BenchResults, DesignRun } from '../core/bench-results.ts';
import type { BreakEvenCurve } from '../core/cost/break-even.ts';
import {
  COST_DIMENSIONS,
  type CostDimension,
  type Design,
  type DesignCost,
} from '../core/cost/cost-model.ts';
import type { SavingsPoint, TornadoRow } from '../core/cost/sensitivity.ts';
import type { Counters } from '../core/counters.ts';
import { breakEvenSentence, monolithHostingOf } from './case-narrative.ts';
import { formatFraction, formatNumber, formatPercent } from './format.ts';

/**
 * The report's charts as data: one `ChartSpec` per `<canvas>`, embedded as JSON and turned into Chart.js
 * configurations by `chartScript` in the page. Specs carry only values, labels and formats (no code), so
 * the JSON is inert whatever strings it holds.
 */

/** Every chart of the report, in page order; each id is a `<canvas>` id. */
export const CHART_IDS = [
  'chart-design-costs',
  'chart-design-costs-zoom',
  'chart-tornado',
  'chart-cost-breakdown',
  'chart-counts-by-stage',
  'chart-chunk-latency',
  'chart-break-even-streams',
  'chart-break-even-duty-cycle',
  'chart-headroom',
  'chart-what-ifs',
] as const;

export type ChartId = (typeof CHART_IDS)[number];

/**
 * How an axis's values are shown: US dollars, plain numbers, milliseconds, fractions as percent, values
 * already in percent.
 */
export type ValueFormat = 'usd' | 'number' | 'ms' | 'fraction' | 'percent';

export interface AxisSpec {
  readonly title: string;
  /** Absent for a category axis. */
  readonly format?: ValueFormat;
  readonly scale?: 'linear' | 'logarithmic';
  /** Ends of a value axis, in the axis's unit (values beyond are cut at the edge). */
  readonly min?: number;
  readonly max?: number;
}

export interface DatasetSpec {
  readonly label: string;
  readonly color: string;
  /**
   * Bar values by label index (null: no bar), floating bars as [from, to] by label index, or points for a
   * line over a linear x axis.
   */
  readonly data:
    | readonly (number | null)[]
    | readonly (readonly [number, number])[]
    | readonly { readonly x: number; readonly y: number }[];
  /** Bars of this dataset share their row with the other datasets' (a tornado's two halves). */
  readonly overlap?: boolean;
}

export interface ChartSpec {
  readonly id: ChartId;
  readonly title: string;
  /** One or two sentences under the chart saying what it shows and how to read it. */
  readonly caption: string;
  readonly type: 'bar' | 'line';
  readonly labels?: readonly string[];
  readonly datasets: readonly DatasetSpec[];
  readonly stacked?: boolean;
  readonly x: AxisSpec;
  readonly y: AxisSpec;
  /** A vertical marker (the break-even flip) at an x value. */
  readonly marker?: { readonly x: number; readonly label: string };
  /** Write each stack's total above its bar. */
  readonly totals?: boolean;
  /** `y`: horizontal bars (the category axis is y, the value axis x). */
  readonly indexAxis?: 'x' | 'y';
}

const DESIGN_COLORS: Readonly<Record<Design, string>> = { distributed: '#c2410c', monolith: '#1d4ed8' };
const LEGACY_COLOR = '#6b7280';
const TRANSITIONS_COLOR = '#7c3aed';

/** One fixed color per billing dimension, so a dimension keeps its color across reports. */
const DIMENSION_COLORS: Readonly<Record<CostDimension, string>> = {
  'sfn-transitions': '#7c3aed',
  'sfn-express-requests': '#a78bfa',
  'sfn-express-duration': '#c4b5fd',
  'lambda-requests': '#0891b2',
  'lambda-duration': '#22d3ee',
  'fargate-vcpu': '#1d4ed8',
  'fargate-memory': '#60a5fa',
  'ec2-instances': '#2563eb',
  's3-tier1': '#ea580c',
  's3-tier2': '#fb923c',
  's3-free': '#fed7aa',
  's3-results-writes': '#9a3412',
  's3-temporary-storage': '#16a34a',
  's3-transfer': '#9ca3af',
};

function costBreakdown(results: BenchResults): ChartSpec {
  const { distributed, monolith } = results.costs.baseline;
  const dimensions = (Object.keys(COST_DIMENSIONS) as CostDimension[]).filter(
    (dimension) => perStreamHourOf(distributed, dimension) > 0 || perStreamHourOf(monolith, dimension) > 0,
  );
  return {
    id: 'chart-cost-breakdown',
    title: 'Cost per stream-hour by billing dimension',
    caption:
      'Each bar is one design at the scenario load, stacked by billing dimension; the figure above a bar is its total. Dimensions that cost nothing are left out.',
    type: 'bar',
    labels: ['Distributed', `Monolith (${monolithHostingOf(monolith)})`],
    datasets: dimensions.map((dimension) => ({
      label: COST_DIMENSIONS[dimension].label,
      color: DIMENSION_COLORS[dimension],
      data: [perStreamHourOf(distributed, dimension), perStreamHourOf(monolith, dimension)],
    })),
    stacked: true,
    totals: true,
    x: { title: '' },
    y: { title: 'USD per stream-hour', format: 'usd' },
  };
}

/** Per stream-hour cost of a bill's lines of one dimension. */
function perStreamHourOf(cost: DesignCost, dimension: CostDimension): number {
  return cost.lines
    .filter((line) => line.dimension === dimension)
    .reduce((sum, line) => sum + line.costPerStreamHour, 0);
}

/** A design's name on a chart axis: its id, the monolith with where it runs. */
function designAxisLabel(design: DesignRun): string {
  return design.kind === 'monolith' ? `${design.id} (${monolithHostingOf(design.cost)})` : design.id;
}

/** Each design's cost per stream-hour stacked by billing dimension; `zoom` leaves the first design out. */
function designCosts(results: BenchResults, zoom: boolean): ChartSpec {
  const designs = zoom
    ? results.designs.filter((design) => design.id !== results.headline.firstDesignId)
    : results.designs;
  const dimensions = (Object.keys(COST_DIMENSIONS) as CostDimension[]).filter((dimension) =>
    designs.some((design) => perStreamHourOf(design.cost, dimension) > 0),
  );
  return {
    id: zoom ? 'chart-design-costs-zoom' : 'chart-design-costs',
    title: zoom
      ? "The same without Prime Video's first design, on its own scale"
      : 'Every design: cost per stream-hour by billing dimension',
    caption: zoom
      ? `The first design (${results.headline.firstDesignId}) left out so the cheaper designs' bars can be read; colours as in the chart beside.`
      : 'Each bar is one measured design at the scenario load, stacked by billing dimension (the same colour per dimension throughout the report); the figure above a bar is its total.',
    type: 'bar',
    labels: designs.map(designAxisLabel),
    datasets: dimensions.map((dimension) => ({
      label: COST_DIMENSIONS[dimension].label,
      color: DIMENSION_COLORS[dimension],
      data: designs.map((design) => perStreamHourOf(design.cost, dimension)),
    })),
    stacked: true,
    totals: true,
    x: { title: '' },
    y: { title: 'USD per stream-hour', format: 'usd' },
  };
}

/** Savings below this are cut at the tornado's edge (the saving has no lower bound; the table has all). */
export const TORNADO_FLOOR_PERCENT = -200;

function tornado(results: BenchResults): ChartSpec {
  const { baseline, rows } = results.sensitivity;
  const base = baseline.savingsVsCheapestPercent;
  const values = rows.flatMap((row) => [row.low.savingsVsCheapestPercent, row.high.savingsVsCheapestPercent]);
  const lowest = Math.min(base, ...values);
  const highest = Math.max(base, ...values);
  const cut = lowest < TORNADO_FLOOR_PERCENT;
  const end = (label: string, color: string, pick: (row: TornadoRow) => SavingsPoint): DatasetSpec => ({
    label,
    color,
    data: rows.map((row): readonly [number, number] => [base, pick(row).savingsVsCheapestPercent]),
    overlap: true,
  });
  return {
    id: 'chart-tornado',
    title: 'Sensitivity: the saving against the cheapest serverless design',
    caption: `Each bar runs from the saving at the run's values (the red line, ${formatPercent(base)}) to the saving at one end of the parameter's range, the others held at the run's values; largest swing first. Positive: the monolith is cheaper.${
      cut
        ? ` Savings below ${formatPercent(TORNADO_FLOOR_PERCENT, 0)} are cut at the left edge; the table gives every figure.`
        : ''
    } Points marked modelled in the table are priced from transformed measurements.`,
    type: 'bar',
    indexAxis: 'y',
    labels: rows.map((row) => row.label),
    datasets: [
      end('Low end of the range', '#0891b2', (row) => row.low),
      end('High end of the range', '#c2410c', (row) => row.high),
    ],
    x: {
      title: 'monolith saving vs the cheapest serverless design, %',
      format: 'percent',
      min: cut ? TORNADO_FLOOR_PERCENT : Math.min(0, Math.floor(lowest / 10) * 10),
      max: Math.min(100, Math.max(0, Math.ceil(highest / 10) * 10)),
    },
    y: { title: '' },
    marker: { x: base, label: `run: ${formatPercent(base)}` },
  };
}

function stageRequests(counters: Counters, stage: string): number {
  return Object.values(counters.s3.requestsByStage[stage] ?? {}).reduce((sum, count) => sum + count, 0);
}

function countsByStage(results: BenchResults): ChartSpec {
  const { distributed, monolith } = results.runners;
  const stages = [
    ...new Set([
      ...Object.keys(distributed.counters.sfn.transitionsByState),
      ...Object.keys(distributed.counters.s3.requestsByStage),
      ...Object.keys(monolith.counters.s3.requestsByStage),
      ...Object.keys(monolith.counters.sfn.transitionsByState),
    ]),
  ];
  const perSecond = (count: number, seconds: number): number => (seconds > 0 ? count / seconds : 0);
  const datasets: DatasetSpec[] = [
    {
      label: 'S3 requests, distributed',
      color: DESIGN_COLORS.distributed,
      data: stages.map((stage) =>
        perSecond(stageRequests(distributed.counters, stage), distributed.streamSeconds),
      ),
    },
    {
      label: 'S3 requests, monolith',
      color: DESIGN_COLORS.monolith,
      data: stages.map((stage) => perSecond(stageRequests(monolith.counters, stage), monolith.streamSeconds)),
    },
    {
      label: 'State transitions, distributed',
      color: TRANSITIONS_COLOR,
      data: stages.map((stage) =>
        perSecond(distributed.counters.sfn.transitionsByState[stage] ?? 0, distributed.streamSeconds),
      ),
    },
  ];
  if (Object.keys(monolith.counters.sfn.transitionsByState).length > 0) {
    datasets.push({
      label: 'State transitions, monolith',
      color: '#93c5fd',
      data: stages.map((stage) =>
        perSecond(monolith.counters.sfn.transitionsByState[stage] ?? 0, monolith.streamSeconds),
      ),
    });
  }
  return {
    id: 'chart-counts-by-stage',
    title: 'Counted events per stream-second, by stage',
    caption:
      'S3 requests each stage sent and Step Functions transitions each state was billed for, divided by the stream-seconds replayed. These counts are exact and repeat run to run.',
    type: 'bar',
    labels: stages,
    datasets,
    x: { title: 'stage or state' },
    y: { title: 'per stream-second', format: 'number' },
  };
}

function chunkLatency(results: BenchResults): ChartSpec {
  const stats = (design: Design): (number | null)[] => {
    const latency = results.runners[design].timing.chunkLatency;
    return [latency.meanMs, latency.p50Ms, latency.p90Ms, latency.p99Ms];
  };
  const samples = (design: Design): string =>
    formatNumber(results.runners[design].timing.chunkLatency.samples);
  return {
    id: 'chart-chunk-latency',
    title: 'Per-chunk latency',
    caption: `Monolith: one chunk's analysis (${samples('monolith')} chunks); distributed: one execution from start to end (${samples(
      'distributed',
    )} executions). Timings vary run to run and machine to machine; the costs above rest on counts wherever the bill allows.`,
    type: 'bar',
    labels: ['mean', 'p50', 'p90', 'p99'],
    datasets: (['distributed', 'monolith'] as const).map((design) => ({
      label: design === 'distributed' ? 'Distributed' : 'Monolith',
      color: DESIGN_COLORS[design],
      data: stats(design),
    })),
    x: { title: '' },
    y: { title: 'ms per chunk', format: 'ms' },
  };
}

function breakEven(curve: BreakEvenCurve, id: ChartId): ChartSpec {
  const streams = curve.axis === 'streams';
  const marker =
    curve.flip === null
      ? undefined
      : {
          x: curve.flip.at,
          label: `flips at ${streams ? `${formatNumber(curve.flip.at)} streams` : formatFraction(curve.flip.at)}`,
        };
  return {
    id,
    title: streams ? 'Break-even over concurrent streams' : 'Break-even over duty cycle',
    caption: `Monthly cost of both designs as ${
      streams ? 'the number of concurrent streams' : 'the fraction of the month the streams are live'
    } changes, everything else as in the scenario: ${breakEvenSentence(curve)}.`,
    type: 'line',
    datasets: (['distributed', 'monolith'] as const).map((design) => ({
      label: design === 'distributed' ? 'Distributed' : 'Monolith',
      color: DESIGN_COLORS[design],
      data: curve.points.map((point) => ({
        x: point.x,
        y: design === 'distributed' ? point.distributedPerMonth : point.monolithPerMonth,
      })),
    })),
    x: streams
      ? { title: 'concurrent streams', format: 'number', scale: 'linear' }
      : { title: 'duty cycle (fraction of the month live)', format: 'fraction', scale: 'linear' },
    y: { title: 'USD per month (log scale)', format: 'usd', scale: 'logarithmic' },
    ...(marker === undefined ? {} : { marker }),
  };
}

function headroomChart(results: BenchResults): ChartSpec {
  const designs = ['distributed', 'monolith'] as const;
  const label = (design: Design): string => {
    const name = design === 'distributed' ? 'Distributed' : 'Monolith';
    const sets = results.headroom[design];
    return sets.current.maxStreams === null && sets.legacy2019to2022.maxStreams === null
      ? `${name} (no quota binds)`
      : name;
  };
  return {
    id: 'chart-headroom',
    title: 'Quota headroom: streams per account and Region',
    caption:
      'Concurrent streams one account sustains before the first quota binds, under current quotas and under the 2019 to mid-2022 Step Functions quotas Prime Video ran under. A design with no bar has no quota that binds.',
    type: 'bar',
    labels: designs.map(label),
    datasets: [
      {
        label: 'Current quotas',
        color: DESIGN_COLORS.distributed,
        data: designs.map((design) => results.headroom[design].current.maxStreams),
      },
      {
        label: '2019 to mid-2022 quotas',
        color: LEGACY_COLOR,
        data: designs.map((design) => results.headroom[design].legacy2019to2022.maxStreams),
      },
    ],
    x: { title: '' },
    y: { title: 'streams before the first quota binds', format: 'number' },
  };
}

function whatIfChart(results: BenchResults): ChartSpec {
  const { baseline, whatIfs } = results.costs;
  return {
    id: 'chart-what-ifs',
    title: 'What-ifs: monthly cost of each design',
    caption:
      'Each what-if changes one thing from the baseline and is priced from the same measured counts (see the what-if table for how).',
    type: 'bar',
    labels: ['Baseline', ...whatIfs.map((entry) => entry.label)],
    datasets: (['distributed', 'monolith'] as const).map((design) => ({
      label: design === 'distributed' ? 'Distributed' : 'Monolith',
      color: DESIGN_COLORS[design],
      data: [baseline[design].totalPerMonth, ...whatIfs.map((entry) => entry[design].totalPerMonth)],
    })),
    x: { title: '' },
    y: { title: 'USD per month (log scale)', format: 'usd', scale: 'logarithmic' },
  };
}

/** The chart specs of a results document, in `CHART_IDS` order. */
export function buildChartSpecs(results: BenchResults): ChartSpec[] {
  return [
    designCosts(results, false),
    designCosts(results, true),
    tornado(results),
    costBreakdown(results),
    countsByStage(results),
    chunkLatency(results),
    breakEven(results.breakEven.overStreams, 'chart-break-even-streams'),
    breakEven(results.breakEven.overDutyCycle, 'chart-break-even-duty-cycle'),
    headroomChart(results),
    whatIfChart(results),
  ];
}

/**
 * The page script: reads the specs from `#chart-data`, draws every chart with animation off, then sets
 * `document.body.dataset.chartsDrawn` to the number drawn (the browser test waits for it). A chart that
 * fails to draw logs a console error and is not counted. Plain ES2017, no imports: it runs from disk.
 */
export const chartScript = `(function () {
  'use strict';
  var specs = JSON.parse(document.getElementById('chart-data').textContent);
  var grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  var sig = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });
  function usd(v) {
    var a = Math.abs(v), s = v < 0 ? '-' : '';
    if (a === 0) return '$0';
    if (a >= 1000) return s + '$' + grouped.format(a);
    if (a >= 1) return s + '$' + a.toFixed(2);
    return s + '$' + sig.format(a);
  }
  function fmt(format, v) {
    if (v === null || v === undefined || isNaN(v)) return 'n/a';
    if (format === 'usd') return usd(v);
    if (format === 'ms') return sig.format(v) + ' ms';
    if (format === 'fraction') return Number((v * 100).toFixed(2)) + '%';
    if (format === 'percent') return Number(v.toFixed(1)) + '%';
    return Math.abs(v) >= 1000 ? grouped.format(v) : sig.format(v);
  }
  function isNice(v) {
    if (v <= 0) return false;
    var lead = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
    return Math.abs(lead - 1) < 1e-6 || Math.abs(lead - 2) < 1e-6 || Math.abs(lead - 5) < 1e-6;
  }
  function axis(spec, stacked) {
    var out = { stacked: !!stacked, grid: { color: '#e5e7eb' }, ticks: { color: '#374151' } };
    if (spec.title) out.title = { display: true, text: spec.title, color: '#374151' };
    if (spec.scale) out.type = spec.scale;
    if (spec.format) {
      out.ticks.callback = function (value) {
        var v = Number(value);
        if (spec.scale === 'logarithmic' && !isNice(v)) return '';
        return fmt(spec.format, v);
      };
    }
    if (spec.scale !== 'logarithmic' && spec.format) out.beginAtZero = true;
    if (typeof spec.min === 'number') out.min = spec.min;
    if (typeof spec.max === 'number') out.max = spec.max;
    return out;
  }
  var markerPlugin = {
    id: 'archbenchMarker',
    afterDatasetsDraw: function (chart, args, opts) {
      if (!opts || typeof opts.x !== 'number') return;
      var area = chart.chartArea, ctx = chart.ctx;
      var x = chart.scales.x.getPixelForValue(opts.x);
      if (!(x >= area.left && x <= area.right)) return;
      ctx.save();
      ctx.strokeStyle = '#b91c1c';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(x, area.top);
      ctx.lineTo(x, area.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = '#b91c1c';
      ctx.font = '600 12px system-ui, sans-serif';
      var right = x > (area.left + area.right) / 2;
      ctx.textAlign = right ? 'right' : 'left';
      ctx.fillText(opts.label, right ? x - 6 : x + 6, area.top + 14);
      ctx.restore();
    }
  };
  var totalsPlugin = {
    id: 'archbenchTotals',
    afterDatasetsDraw: function (chart, args, opts) {
      if (!opts || !opts.format) return;
      var ctx = chart.ctx, labels = chart.data.labels || [];
      ctx.save();
      ctx.fillStyle = '#111827';
      ctx.font = '600 12px system-ui, sans-serif';
      ctx.textAlign = 'center';
      for (var i = 0; i < labels.length; i++) {
        var total = 0, top = Infinity, x = null;
        chart.data.datasets.forEach(function (dataset, d) {
          var meta = chart.getDatasetMeta(d);
          var element = meta.data[i];
          if (!element || meta.hidden) return;
          total += Number(dataset.data[i]) || 0;
          top = Math.min(top, element.y);
          x = element.x;
        });
        if (x !== null) ctx.fillText(fmt(opts.format, total), x, top - 6);
      }
      ctx.restore();
    }
  };
  var drawn = 0;
  specs.forEach(function (spec) {
    try {
      var line = spec.type === 'line';
      var horizontal = spec.indexAxis === 'y';
      var valueFormat = horizontal ? spec.x.format : spec.y.format;
      var config = {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (d) {
            return {
              label: d.label,
              data: d.data,
              backgroundColor: line ? d.color + '33' : d.color,
              borderColor: d.color,
              borderWidth: line ? 2 : 0,
              pointRadius: line ? 0 : undefined,
              fill: false,
              skipNull: true,
              grouped: d.overlap ? false : undefined
            };
          })
        },
        options: {
          animation: false,
          indexAxis: horizontal ? 'y' : 'x',
          responsive: true,
          maintainAspectRatio: false,
          interaction: line
            ? { mode: 'nearest', axis: 'x', intersect: false }
            : { mode: 'index', axis: horizontal ? 'y' : 'x', intersect: false },
          layout: { padding: { top: spec.totals ? 20 : 4 } },
          scales: { x: axis(spec.x, spec.stacked), y: axis(spec.y, spec.stacked) },
          plugins: {
            legend: { position: 'bottom', labels: { boxWidth: 14, color: '#111827' } },
            tooltip: {
              callbacks: {
                title: line ? function (items) { return items.length ? fmt(spec.x.format, items[0].parsed.x) : ''; } : undefined,
                label: function (item) {
                  if (Array.isArray(item.raw)) return item.dataset.label + ': ' + fmt(valueFormat, item.raw[1]);
                  return item.dataset.label + ': ' + fmt(valueFormat, horizontal ? item.parsed.x : item.parsed.y);
                }
              }
            },
            archbenchMarker: spec.marker || false,
            archbenchTotals: spec.totals ? { format: valueFormat } : false
          }
        },
        plugins: [markerPlugin, totalsPlugin]
      };
      new Chart(document.getElementById(spec.id), config);
      drawn += 1;
    } catch (error) {
      console.error('chart ' + spec.id + ' failed: ' + (error && error.message));
    }
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();`;
