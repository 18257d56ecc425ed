import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserTimeoutMs,
  openReportInChromium,
  type ReportInChromium,
  skipWithoutChromium,
} from './browser-test-support.ts';
import { CHART_IDS } from './html-charts.ts';
import { renderHtmlReport } from './html-report.ts';
import { buildSampleResults } from './sample-results.ts';

/**
 * Opens the rendered report from disk in Debian's Chromium (driven by playwright-core) and checks what a
 * reader would see: no console or page error, no network request besides the file itself, every chart
 * drawn with pixels on its canvas, and no script from the hostile sample strings ever running.
 *
 * Without /usr/bin/chromium the test is skipped (failing under CI): see `browser-test-support.ts`.
 */

interface CanvasPaint {
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** Pixels with any opacity. */
  readonly painted: number;
}

/** Runs in the page: how many pixels of each canvas are painted, and which canvases Chart.js owns. */
const measureCanvases = `(() => Array.from(document.querySelectorAll('canvas')).map((canvas) => {
  const context = canvas.getContext('2d');
  const { width, height } = canvas;
  const pixels = context.getImageData(0, 0, width, height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted += 1;
  return { id: canvas.id, width, height, painted, chart: window.Chart.getChart(canvas) !== undefined };
}))()`;

describe.skipIf(skipWithoutChromium('HTML report browser test'))('HTML report in Chromium', () => {
  let report: ReportInChromium | undefined;
  let page: Page;

  beforeAll(async () => {
    report = await openReportInChromium(renderHtmlReport(buildSampleResults()), 'body[data-charts-drawn]');
    page = report.page;
  }, browserTimeoutMs * 2);

  afterAll(async () => {
    await report?.close();
  });

  it('opens from disk with no console error, no page error and no request besides the file', () => {
    expect(report?.consoleErrors).toEqual([]);
    expect(report?.pageErrors).toEqual([]);
    expect(report?.otherRequests).toEqual([]);
    expect(report?.dialogs).toEqual([]);
  });

  it('draws every chart, each with visible pixels on its canvas', async () => {
    expect(await page.evaluate('document.body.dataset.chartsDrawn')).toBe(String(CHART_IDS.length));
    const canvases = (await page.evaluate(measureCanvases)) as (CanvasPaint & { chart: boolean })[];
    // The report's charts in page order, and the explorer's (src/report/explorer) among them.
    expect(canvases.map((canvas) => canvas.id).filter((id) => id !== 'explorer-chart')).toEqual([
      ...CHART_IDS,
    ]);
    expect(canvases.map((canvas) => canvas.id)).toContain('explorer-chart');
    for (const canvas of canvases) {
      expect(canvas.chart, canvas.id).toBe(true);
      expect(canvas.width * canvas.height, canvas.id).toBeGreaterThan(10_000);
      // Axes, grid, legend and data: well over 1% of the canvas; a blank canvas has none.
      expect(canvas.painted / (canvas.width * canvas.height), canvas.id).toBeGreaterThan(0.01);
    }
  });

  it('draws the designs side by side (one stack per design) and the tornado horizontally, one row per parameter', async () => {
    const sample = buildSampleResults();
    const shape = (id: string) =>
      page.evaluate(`(() => {
        const chart = window.Chart.getChart(document.getElementById(${JSON.stringify(id)}));
        return { indexAxis: chart.options.indexAxis, labels: chart.data.labels.length, datasets: chart.data.datasets.length };
      })()`) as Promise<{ indexAxis: string; labels: number; datasets: number }>;
    expect(await shape('chart-design-costs')).toMatchObject({
      indexAxis: 'x',
      labels: sample.designs.length,
    });
    expect(await shape('chart-tornado')).toEqual({
      indexAxis: 'y',
      labels: sample.sensitivity.rows.length,
      datasets: 2,
    });
  });

  it('shows the hostile sample strings as text', async () => {
    const heading = await page.evaluate('document.querySelector(".clip h3 code").textContent');
    expect(heading).toBe(`fixtures/clips/<img src=x onerror=alert(1)>"'&.mp4`);
    expect(await page.evaluate('document.querySelectorAll("img").length')).toBe(0);
    expect(await page.evaluate('document.scripts.length')).toBe(5);
  });

  it('fits a phone-width screen: nothing wider than the viewport (wide tables scroll inside themselves)', async () => {
    if (report === undefined) throw new Error('the report did not open');
    const opened = report;
    const phone = await opened.context.newPage();
    opened.watch(phone);
    try {
      await phone.setViewportSize({ width: 375, height: 800 });
      await phone.goto(opened.fileUrl);
      await phone.waitForSelector('body[data-charts-drawn]');
      expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    } finally {
      await phone.close();
    }
  });
});
