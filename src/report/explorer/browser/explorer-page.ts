import type { ChartConfiguration, Chart as ChartJs } from 'chart.js';
import type { CostCategory, DesignCost } from '../../../core/cost/cost-model.ts';
import {
  defaultBasisSettings,
  type ExploredVerdict,
  type ExplorerBasis,
  type ExplorerSettings,
  exploreBasis,
} from '../../../core/cost/explorer.ts';
import { formatNumber, formatPercent, formatUsd } from '../../format.ts';
import { isSettingsFragment, settingsFromFragment, settingsToFragment } from '../explorer-fragment.ts';

/**
 * The explorer's page script (bundled into the report by `explorer-section.ts`): reads the controls,
 * runs the project's own `exploreBasis` on the embedded measured designs, and shows the result. Every
 * string from the document is set with `textContent`, never parsed as markup. Chart.js is the page's
 * inlined copy (`window.Chart`).
 */

declare const Chart: typeof ChartJs;

const CATEGORIES: readonly { readonly key: CostCategory; readonly label: string; readonly color: string }[] =
  [
    { key: 'orchestration', label: 'Orchestration', color: '#c2410c' },
    { key: 'compute', label: 'Compute', color: '#1d4ed8' },
    { key: 's3-requests', label: 'S3 requests', color: '#0f766e' },
    { key: 'storage', label: 'Storage', color: '#a16207' },
    { key: 'transfer', label: 'Transfer', color: '#6b7280' },
  ];

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (found === null) throw new Error(`explorer: #${id} missing`);
  return found as T;
}

function make(tag: string, text?: string, className?: string): HTMLElement {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}

/** A table cell holding a figure: its text, and the exact number in `data-value` for the browser test. */
function figureCell(figure: string, value: number | null, text: string, design?: string): HTMLElement {
  const cell = make('td', text, 'num');
  cell.dataset.figure = figure;
  cell.dataset.value = value === null ? '' : String(value);
  if (design !== undefined) cell.dataset.design = design;
  return cell;
}

function modelledMark(reasons: readonly string[]): HTMLElement | null {
  if (reasons.length === 0) return null;
  const mark = make('span', 'modelled', 'modelled');
  mark.title = reasons.join('; ');
  return mark;
}

function byCategory(cost: DesignCost, category: CostCategory): number {
  return cost.lines
    .filter((line) => line.category === category)
    .reduce((sum, line) => sum + line.costPerStreamHour, 0);
}

function readSettings(defaults: ExplorerSettings): ExplorerSettings {
  const number = (id: string, fallback: number): number => {
    const value = element<HTMLInputElement>(id).valueAsNumber;
    return Number.isFinite(value) ? value : fallback;
  };
  const dropped = Array.from(document.querySelectorAll<HTMLInputElement>('input[data-detector]'))
    .filter((box) => !box.checked)
    .map((box) => box.dataset.detector ?? '');
  const designs: Record<string, ExplorerSettings['designs'][string]> = {};
  for (const [index, [id, measured]] of Object.entries(defaults.designs).entries()) {
    designs[id] = {
      chunkSeconds: number(`explorer-chunk-${index}`, measured.chunkSeconds),
      framesPerObject:
        measured.framesPerObject === null
          ? null
          : number(`explorer-frames-${index}`, measured.framesPerObject),
    };
  }
  return {
    streams: number('explorer-streams', defaults.streams),
    hoursPerMonth: number('explorer-hours', defaults.hoursPerMonth),
    dutyCycle: number('explorer-duty', defaults.dutyCycle),
    monolithSavingsPercent: number('explorer-sp-monolith', defaults.monolithSavingsPercent),
    lambdaSavingsPercent: number('explorer-sp-lambda', defaults.lambdaSavingsPercent),
    targetUtilization: number('explorer-util', defaults.targetUtilization),
    lambdaMemoryFactor: number('explorer-memory', defaults.lambdaMemoryFactor),
    droppedDetectors: dropped,
    detectorCpuFactor: number('explorer-cpu', defaults.detectorCpuFactor),
    designs,
  };
}

function writeSettings(settings: ExplorerSettings): void {
  const set = (id: string, value: number): void => {
    element<HTMLInputElement>(id).value = String(value);
  };
  set('explorer-streams', settings.streams);
  set('explorer-hours', settings.hoursPerMonth);
  set('explorer-duty', settings.dutyCycle);
  set('explorer-sp-monolith', settings.monolithSavingsPercent);
  set('explorer-sp-lambda', settings.lambdaSavingsPercent);
  set('explorer-util', settings.targetUtilization);
  set('explorer-memory', settings.lambdaMemoryFactor);
  set('explorer-cpu', settings.detectorCpuFactor);
  for (const box of document.querySelectorAll<HTMLInputElement>('input[data-detector]')) {
    box.checked = !settings.droppedDetectors.includes(box.dataset.detector ?? '');
  }
  for (const [index, geometry] of Object.values(settings.designs).entries()) {
    set(`explorer-chunk-${index}`, geometry.chunkSeconds);
    if (geometry.framesPerObject !== null) set(`explorer-frames-${index}`, geometry.framesPerObject);
  }
}

function renderDesigns(explored: ExploredVerdict): void {
  const body = element('explorer-designs');
  body.replaceChildren();
  for (const design of explored.verdict.designs) {
    const reasons = explored.modelled[design.id] ?? [];
    const row = make('tr');
    const name = make('td', design.label);
    const mark = modelledMark(reasons);
    if (mark !== null) name.append(' ', mark, make('small', reasons.join('; '), 'modelled-why'));
    const feasibility = design.feasibility;
    row.append(
      name,
      figureCell(
        'per-stream-hour',
        design.cost.totalPerStreamHour,
        formatUsd(design.cost.totalPerStreamHour),
        design.id,
      ),
      figureCell('per-month', design.cost.totalPerMonth, formatUsd(design.cost.totalPerMonth), design.id),
      figureCell(
        'max-streams',
        feasibility?.maxStreams ?? null,
        feasibility === null
          ? 'n/a'
          : feasibility.maxStreams === null
            ? 'no quota binds'
            : formatNumber(feasibility.maxStreams),
        design.id,
      ),
    );
    const status = make('td', feasibility === null ? 'sized for the load' : feasibility.summary);
    status.dataset.figure = 'feasibility';
    status.dataset.design = design.id;
    if (feasibility !== null && !feasibility.feasible) status.className = 'infeasible';
    row.append(status);
    body.append(row);
  }
}

function renderGap(explored: ExploredVerdict): void {
  const { headline, designs } = explored.verdict;
  const cheapest = designs.find((design) => design.id === headline.cheapestServerlessId);
  const title = element('explorer-gap-title');
  title.textContent = `Gap by billing dimension: ${cheapest?.label ?? ''} minus the monolith, per month`;
  const monolithId = designs[0]?.id ?? '';
  const mark = modelledMark([
    ...(explored.modelled[monolithId] ?? []),
    ...(explored.modelled[headline.cheapestServerlessId] ?? []),
  ]);
  if (mark !== null) title.append(' ', mark);
  const body = element('explorer-gap');
  body.replaceChildren();
  for (const entry of cheapest?.comparison?.gapByDimension ?? []) {
    if (entry.distributedPerMonth === 0 && entry.monolithPerMonth === 0) continue;
    const row = make('tr');
    row.append(
      make('td', entry.label),
      figureCell(
        'gap-serverless',
        entry.distributedPerMonth,
        formatUsd(entry.distributedPerMonth),
        entry.key,
      ),
      figureCell('gap-monolith', entry.monolithPerMonth, formatUsd(entry.monolithPerMonth), entry.key),
      figureCell('gap', entry.gapPerMonth, formatUsd(entry.gapPerMonth), entry.key),
    );
    body.append(row);
  }
}

function renderVerdict(explored: ExploredVerdict): void {
  const { headline } = explored.verdict;
  const verdict = element('explorer-verdict');
  verdict.textContent = headline.verdict;
  verdict.dataset.modelled = String(explored.headlineModelled);
  if (explored.headlineModelled) {
    const reasons = [...new Set(Object.values(explored.modelled).flat())];
    verdict.prepend(modelledMark(reasons) ?? '', ' ');
  }
  for (const mark of document.querySelectorAll<HTMLElement>('.explorer-card-mark')) {
    mark.hidden = !explored.headlineModelled;
  }
  const savings = (value: number | null): string => (value === null ? 'n/a' : formatPercent(value));
  const cheapest = element('explorer-savings-cheapest');
  cheapest.textContent = savings(headline.savingsVsCheapestPercent);
  cheapest.dataset.value = String(headline.savingsVsCheapestPercent);
  const first = element('explorer-savings-first');
  first.textContent = savings(headline.savingsVsFirstPercent);
  first.dataset.value = String(headline.savingsVsFirstPercent);
}

let chart: ChartJs | undefined;

function renderChart(explored: ExploredVerdict): void {
  const designs = explored.verdict.designs;
  const labels = designs.map((design) =>
    (explored.modelled[design.id]?.length ?? 0) > 0 ? `${design.label} (modelled)` : design.label,
  );
  const datasets = CATEGORIES.map((category) => ({
    label: category.label,
    backgroundColor: category.color,
    data: designs.map((design) => byCategory(design.cost, category.key)),
  }));
  if (chart !== undefined) {
    chart.data.labels = labels;
    chart.data.datasets = datasets;
    chart.update('none');
    return;
  }
  const config: ChartConfiguration<'bar'> = {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      indexAxis: 'y',
      scales: {
        x: {
          stacked: true,
          title: { display: true, text: 'USD per stream-hour' },
          ticks: { callback: (value) => formatUsd(Number(value)) },
        },
        y: { stacked: true, ticks: { autoSkip: false } },
      },
      plugins: {
        tooltip: { callbacks: { label: (item) => `${item.dataset.label}: ${formatUsd(Number(item.raw))}` } },
      },
    },
  };
  chart = new Chart(element<HTMLCanvasElement>('explorer-chart'), config);
}

function start(): void {
  const basis = JSON.parse(element('explorer-data').textContent ?? '') as ExplorerBasis;
  const defaults = defaultBasisSettings(basis);
  const link = element<HTMLAnchorElement>('explorer-link');
  const status = element('explorer-status');

  const show = (wanted: ExplorerSettings, writeFragment: boolean): void => {
    const explored = exploreBasis(basis, wanted);
    renderVerdict(explored);
    renderDesigns(explored);
    renderGap(explored);
    renderChart(explored);
    const fragment = settingsToFragment(explored.settings, defaults);
    link.href = `#${fragment}`;
    link.textContent = fragment === '' ? "Link to this view (the run's values)" : 'Link to this view';
    status.textContent = explored.headlineModelled
      ? 'Some figures are modelled: the settings move a measured profile (see the marks).'
      : 'Every figure is priced from the measured profiles.';
    if (writeFragment) history.replaceState(null, '', fragment === '' ? location.pathname : `#${fragment}`);
    document.body.dataset.explorerRendered = String(
      Number(document.body.dataset.explorerRendered ?? '0') + 1,
    );
  };

  const fromFragment = (): void => {
    const settings = settingsFromFragment(location.hash, defaults);
    writeSettings(exploreBasis(basis, settings).settings);
    show(settings, false);
  };

  element('explorer-controls').addEventListener('input', () => show(readSettings(defaults), true));
  element('explorer-controls').addEventListener('submit', (event) => event.preventDefault());
  element('explorer-reset').addEventListener('click', () => {
    writeSettings(defaults);
    show(defaults, true);
  });
  window.addEventListener('hashchange', () => {
    if (isSettingsFragment(location.hash)) fromFragment();
  });
  if (isSettingsFragment(location.hash)) fromFragment();
  else {
    writeSettings(defaults);
    show(defaults, false);
  }
}

start();
