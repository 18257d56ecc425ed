import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../../core/bench-results.ts';
import { defaultExplorerSettings, type ExplorerSettings, exploreVerdict } from '../../core/cost/explorer.ts';
import {
  browserTimeoutMs,
  openReportInChromium,
  type ReportInChromium,
  skipWithoutChromium,
} from '../browser-test-support.ts';
import { formatNumber, formatPercent, formatUsd } from '../format.ts';
import { renderHtmlReport } from '../html-report.ts';
import { buildSampleResults } from '../sample-results.ts';
import { settingsToFragment } from './explorer-fragment.ts';

/**
 * The explorer in Debian's Chromium, opened from disk: each control is moved (with the keyboard for one),
 * a URL fragment is loaded, and after each step every figure the page shows must equal what
 * `exploreVerdict` computes here in Node for the same settings, with no console error and no request
 * besides the file. Skipped without Chromium (failing under CI): see `browser-test-support.ts`.
 */

interface ShownFigure {
  readonly figure: string;
  readonly key: string;
  readonly value: string;
  readonly text: string;
}

interface Shown {
  readonly figures: readonly ShownFigure[];
  readonly verdict: string;
  readonly verdictModelled: string;
  readonly savingsCheapest: string;
  readonly savingsFirst: string;
  readonly modelledDesigns: readonly string[];
  readonly hash: string;
}

const readPage = `(() => {
  const figures = Array.from(document.querySelectorAll('#explorer [data-figure]')).map((cell) => ({
    figure: cell.dataset.figure, key: cell.dataset.design ?? '', value: cell.dataset.value ?? '', text: cell.textContent,
  }));
  const verdict = document.getElementById('explorer-verdict');
  const modelledDesigns = Array.from(document.querySelectorAll('#explorer-designs tr'))
    .filter((row) => row.querySelector('.modelled') !== null)
    .map((row) => row.querySelector('[data-design]').dataset.design);
  return {
    figures,
    verdict: verdict.textContent.replace(/^modelled /, ''),
    verdictModelled: verdict.dataset.modelled,
    savingsCheapest: document.getElementById('explorer-savings-cheapest').textContent,
    savingsFirst: document.getElementById('explorer-savings-first').textContent,
    modelledDesigns,
    hash: location.hash,
  };
})()`;

/** How many of the savings cards carry a visible "modelled" mark. */
const visibleCardMarks = `document.querySelectorAll('.explorer-card-mark:not([hidden])').length`;

/** What the page must show for `settings`, computed in Node with the same cost model and formatters. */
function expectedView(results: BenchResults, settings: ExplorerSettings): Shown {
  const explored = exploreVerdict(results, settings);
  const { designs, headline } = explored.verdict;
  const figures: ShownFigure[] = [];
  for (const design of designs) {
    const max = design.feasibility?.maxStreams ?? null;
    figures.push(
      {
        figure: 'per-stream-hour',
        key: design.id,
        value: String(design.cost.totalPerStreamHour),
        text: formatUsd(design.cost.totalPerStreamHour),
      },
      {
        figure: 'per-month',
        key: design.id,
        value: String(design.cost.totalPerMonth),
        text: formatUsd(design.cost.totalPerMonth),
      },
      {
        figure: 'max-streams',
        key: design.id,
        value: max === null ? '' : String(max),
        text: design.feasibility === null ? 'n/a' : max === null ? 'no quota binds' : formatNumber(max),
      },
      {
        figure: 'feasibility',
        key: design.id,
        value: '',
        text: design.feasibility === null ? 'sized for the load' : design.feasibility.summary,
      },
    );
  }
  const cheapest = designs.find((design) => design.id === headline.cheapestServerlessId);
  for (const entry of cheapest?.comparison?.gapByDimension ?? []) {
    if (entry.distributedPerMonth === 0 && entry.monolithPerMonth === 0) continue;
    for (const [figure, value] of [
      ['gap-serverless', entry.distributedPerMonth],
      ['gap-monolith', entry.monolithPerMonth],
      ['gap', entry.gapPerMonth],
    ] as const) {
      figures.push({ figure, key: entry.key, value: String(value), text: formatUsd(value) });
    }
  }
  const savings = (value: number | null): string => (value === null ? 'n/a' : formatPercent(value));
  const fragment = settingsToFragment(explored.settings, defaultExplorerSettings(results));
  return {
    figures,
    verdict: headline.verdict,
    verdictModelled: String(explored.headlineModelled),
    savingsCheapest: savings(headline.savingsVsCheapestPercent),
    savingsFirst: savings(headline.savingsVsFirstPercent),
    modelledDesigns: designs
      .filter((design) => (explored.modelled[design.id]?.length ?? 0) > 0)
      .map((d) => d.id),
    hash: fragment === '' ? '' : `#${fragment}`,
  };
}

/** Shown figures without the feasibility cells' `value` (text only) for a readable diff. */
async function shownView(page: Page): Promise<Shown> {
  return (await page.evaluate(readPage)) as Shown;
}

async function renders(page: Page): Promise<number> {
  return Number(await page.evaluate('document.body.dataset.explorerRendered ?? "0"'));
}

/** Runs `action` and waits until the explorer has rendered again. */
async function afterRender(page: Page, action: () => Promise<void>): Promise<void> {
  const before = await renders(page);
  await action();
  await page.waitForFunction(`Number(document.body.dataset.explorerRendered ?? "0") > ${before}`, undefined, {
    timeout: browserTimeoutMs,
  });
}

describe.skipIf(skipWithoutChromium('report explorer browser test'))('report explorer in Chromium', () => {
  // Whatever designs the sample carries (the monolith and at least one serverless design).
  const results: BenchResults = buildSampleResults();
  const defaults = defaultExplorerSettings(results);
  const serverlessIds = results.designs.filter((design) => design.kind !== 'monolith').map((d) => d.id);
  let report: ReportInChromium | undefined;
  let page: Page;

  beforeAll(async () => {
    report = await openReportInChromium(renderHtmlReport(results), 'body[data-explorer-rendered]');
    page = report.page;
  }, browserTimeoutMs * 2);

  afterAll(async () => {
    await report?.close();
  });

  it("shows the run's values first: the document's own figures, nothing modelled", async () => {
    const shown = await shownView(page);
    expect(shown).toEqual(expectedView(results, defaults));
    expect(shown.verdict).toBe(results.headline.verdict);
    expect(shown.modelledDesigns).toEqual([]);
    expect(await page.evaluate(visibleCardMarks)).toBe(0);
  });

  it('recomputes every figure as each control moves, equal to exploreVerdict in Node', async () => {
    let settings: ExplorerSettings = defaults;
    const steps: readonly [string, string, (s: ExplorerSettings) => ExplorerSettings][] = [
      ['#explorer-streams', '40', (s) => ({ ...s, streams: 40 })],
      ['#explorer-hours', '240', (s) => ({ ...s, hoursPerMonth: 240 })],
      ['#explorer-duty', '0.33', (s) => ({ ...s, dutyCycle: 0.33 })],
      ['#explorer-sp-monolith', '30', (s) => ({ ...s, monolithSavingsPercent: 30 })],
      ['#explorer-sp-lambda', '12', (s) => ({ ...s, lambdaSavingsPercent: 12 })],
      ['#explorer-util', '0.5', (s) => ({ ...s, targetUtilization: 0.5 })],
      ['#explorer-memory', '2', (s) => ({ ...s, lambdaMemoryFactor: 2 })],
      ['#explorer-cpu', '3', (s) => ({ ...s, detectorCpuFactor: 3 })],
      ...serverlessIds.flatMap((id, index): [string, string, (s: ExplorerSettings) => ExplorerSettings][] => {
        const measured = defaults.designs[id]!;
        const chunk: [string, string, (s: ExplorerSettings) => ExplorerSettings] = [
          `#explorer-chunk-${index}`,
          '10',
          (s) => ({ ...s, designs: { ...s.designs, [id]: { ...s.designs[id]!, chunkSeconds: 10 } } }),
        ];
        if (measured.framesPerObject === null) return [chunk];
        return [
          chunk,
          [
            `#explorer-frames-${index}`,
            '25',
            (s) => ({ ...s, designs: { ...s.designs, [id]: { ...s.designs[id]!, framesPerObject: 25 } } }),
          ],
        ];
      }),
    ];
    for (const [selector, value, change] of steps) {
      await afterRender(page, () => page.fill(selector, value));
      settings = change(settings);
      expect(await shownView(page), selector).toEqual(expectedView(results, settings));
    }
    // A detector dropped with its checkbox.
    const dropped = results.scenario.detectors[1]!;
    await afterRender(page, () => page.click(`input[data-detector="${dropped}"]`));
    settings = { ...settings, droppedDetectors: [dropped] };
    const shown = await shownView(page);
    expect(shown).toEqual(expectedView(results, settings));
    // Everything is modelled now, and the page says so next to each design.
    expect(shown.modelledDesigns).toEqual(results.designs.map((design) => design.id));
    expect(shown.verdictModelled).toBe('true');
    expect(await page.evaluate(visibleCardMarks)).toBe(2);
  });

  it('is usable with the keyboard: arrow keys move a focused control', async () => {
    await page.focus('#explorer-streams');
    const before = Number(await page.inputValue('#explorer-streams'));
    await afterRender(page, () => page.keyboard.press('ArrowUp'));
    expect(Number(await page.inputValue('#explorer-streams'))).toBe(before + 1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('explorer-hours');
  });

  it("resets to the run's values in one click", async () => {
    await afterRender(page, () => page.click('#explorer-reset'));
    expect(await shownView(page)).toEqual(expectedView(results, defaults));
  });

  it('reproduces a view from a URL fragment, in the open page and on a fresh load', async () => {
    const settings: ExplorerSettings = {
      ...defaults,
      streams: 40,
      dutyCycle: 0.33,
      monolithSavingsPercent: 20,
      droppedDetectors: [results.scenario.detectors.at(-1)!],
    };
    const fragment = settingsToFragment(settings, defaults);
    expect(fragment).toBe(`streams=40&duty=0.33&sp-monolith=20&drop=${results.scenario.detectors.at(-1)}`);
    await afterRender(page, () => page.evaluate(`location.hash = ${JSON.stringify(fragment)}`));
    expect(await shownView(page)).toEqual(expectedView(results, settings));
    const fresh = await report!.context.newPage();
    report!.watch(fresh);
    await fresh.goto(`${report!.fileUrl}#${fragment}`, { waitUntil: 'load', timeout: browserTimeoutMs });
    await fresh.waitForSelector('body[data-explorer-rendered]', { timeout: browserTimeoutMs });
    expect(await shownView(fresh)).toEqual(expectedView(results, settings));
    expect(await fresh.inputValue('#explorer-streams')).toBe('40');
    await fresh.close();
  });

  it('stays readable at phone width: every control and table fits or scrolls inside its box', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    const overflowing = `(() => {
      const width = document.documentElement.clientWidth;
      return Array.from(document.querySelectorAll('#explorer input, #explorer button, #explorer .table-wrap, #explorer canvas'))
        .filter((node) => node.getBoundingClientRect().right > width + 1)
        .map((node) => node.id || node.className);
    })()`;
    // Chart.js resizes its canvas on the next resize observation: give it a moment, then look.
    await page.waitForFunction(`${overflowing}.length === 0`, undefined, { timeout: 5_000 }).catch(() => {});
    const overflow = await page.evaluate(overflowing);
    expect(overflow).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('logged no console error, threw nothing, opened no dialog and requested nothing but the file', () => {
    expect(report?.consoleErrors).toEqual([]);
    expect(report?.pageErrors).toEqual([]);
    expect(report?.dialogs).toEqual([]);
    expect(report?.otherRequests).toEqual([]);
  });
});
