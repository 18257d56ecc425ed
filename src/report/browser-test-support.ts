import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * A rendered report opened from disk in Debian's Chromium (driven by playwright-core), for the report's
 * browser tests: a fresh profile, every request but the file itself recorded and refused, console errors,
 * page errors and dialogs collected.
 *
 * Without /usr/bin/chromium the tests are skipped with a printed reason on a developer machine; under CI
 * (`CI` set) they fail instead, since `.ci/run` installs Chromium (see README, "Browser test").
 */

export const chromiumPath = '/usr/bin/chromium';
const chromiumFound = existsSync(chromiumPath);
const underCi = (process.env.CI ?? '') !== '';
const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A cold Chromium start on a busy 2-core machine takes a few seconds; leave room. */
export const browserTimeoutMs = 60_000;

/** Whether a browser test must be skipped (it says why once); under CI a missing Chromium fails instead. */
export function skipWithoutChromium(what: string): boolean {
  const skip = !chromiumFound && !underCi;
  if (skip) {
    console.warn(
      `skipping the ${what}: ${chromiumPath} not found (apt-get install chromium; see README, "Browser test")`,
    );
  }
  return skip;
}

export interface ReportInChromium {
  readonly context: BrowserContext;
  /** The page the report opened in. */
  readonly page: Page;
  readonly fileUrl: string;
  /** Console messages of type error from every page of the context opened through `watch`. */
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  /** Requests for anything but the report file (each refused). */
  readonly otherRequests: string[];
  readonly dialogs: string[];
  /** Records a further page's console errors, page errors and dialogs like the first one's. */
  watch(page: Page): void;
  close(): Promise<void>;
}

/** Writes `html` to a temporary `report.html`, opens it from disk and waits for `readySelector`. */
export async function openReportInChromium(html: string, readySelector: string): Promise<ReportInChromium> {
  if (!chromiumFound) throw new Error(`${chromiumPath} not found: CI must install chromium (see .ci/run)`);
  const dir = await mkdtemp(path.join(tmpdir(), 'archbench-browser-'));
  const file = path.join(dir, 'report.html');
  await writeFile(file, html);
  const fileUrl = pathToFileURL(file).href;
  // A fresh profile each run: nothing cached or installed from an earlier browser session.
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: chromiumPath,
    headless: true,
    args: launchArgs,
    viewport: { width: 1280, height: 900 },
    timeout: browserTimeoutMs,
  });
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const otherRequests: string[] = [];
  const dialogs: string[] = [];
  context.on('request', (request) => {
    if (request.url() !== fileUrl) otherRequests.push(request.url());
  });
  // Anything that still tries to leave the page is refused, so a regression cannot reach the network.
  await context.route('**/*', (route) =>
    route.request().url() === fileUrl ? route.continue() : route.abort('blockedbyclient'),
  );
  const watch = (page: Page): void => {
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
  };
  const page = context.pages()[0] ?? (await context.newPage());
  watch(page);
  await page.goto(fileUrl, { waitUntil: 'load', timeout: browserTimeoutMs });
  await page.waitForSelector(readySelector, { timeout: browserTimeoutMs });
  return {
    context,
    page,
    fileUrl,
    consoleErrors,
    pageErrors,
    otherRequests,
    dialogs,
    watch,
    close: async () => {
      await context.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
