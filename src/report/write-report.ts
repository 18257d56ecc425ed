import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BenchResults } from '../core/bench-results.ts';
import { BadInputError } from '../core/errors.ts';
import { renderHtmlReport } from './html-report.ts';
import { renderMarkdownSummary } from './markdown-summary.ts';

/**
 * Writes a run's reports: `<outDir>/<runId>/{results.json, report.html, summary.md}`, then refreshes
 * `<outDir>/latest/` with copies of the same three files (a copy, not a symlink, so it survives archiving
 * and works on any file system).
 *
 * Atomic enough for a reader that opens the files while a run writes them: each file is written under a
 * temporary name and renamed into place, and `latest/` is built in full beside the old one, then swapped
 * in with two renames, so a reader sees the old set or the new set, never half of each (between the two
 * renames `latest/` is briefly absent).
 */

/** File names inside a run's directory and `latest/`. */
export const REPORT_FILES = {
  json: 'results.json',
  html: 'report.html',
  markdown: 'summary.md',
} as const;

export const LATEST_DIR = 'latest';

export interface WrittenReport {
  /** `<outDir>/<runId>/report.html`. */
  readonly htmlPath: string;
  /** `<outDir>/<runId>/summary.md`. */
  readonly markdownPath: string;
  /** `<outDir>/<runId>/results.json`. */
  readonly jsonPath: string;
  /** `<outDir>/latest`. */
  readonly latestDir: string;
}

/** A run id becomes a directory name: letters, digits, dot, dash, underscore; not `latest`. */
const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Whether a run id can name a report directory (and is not `latest`). */
export function isValidRunId(runId: unknown): runId is string {
  return typeof runId === 'string' && RUN_ID_PATTERN.test(runId) && runId !== LATEST_DIR;
}

function checkRunId(runId: unknown): string {
  if (!isValidRunId(runId)) {
    throw new BadInputError(
      `run id ${JSON.stringify(runId)}: must be 1 to 128 letters, digits, dots, dashes or underscores (not "latest"), starting with a letter or digit`,
    );
  }
  return runId;
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomUUID()}.tmp`);
  try {
    await writeFile(temporary, content, 'utf8');
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function writeSet(
  dir: string,
  contents: Readonly<Record<keyof typeof REPORT_FILES, string>>,
): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const key of Object.keys(REPORT_FILES) as (keyof typeof REPORT_FILES)[]) {
    await writeAtomically(path.join(dir, REPORT_FILES[key]), contents[key]);
  }
}

/** Renders and writes the reports of `results` under `outDir` (created when missing). */
export async function writeReport(results: BenchResults, outDir: string): Promise<WrittenReport> {
  const runId = checkRunId(results.runId);
  const contents = {
    json: `${JSON.stringify(results, null, 2)}\n`,
    html: renderHtmlReport(results),
    markdown: renderMarkdownSummary(results),
  };
  const runDir = path.join(outDir, runId);
  await writeSet(runDir, contents);

  const latestDir = path.join(outDir, LATEST_DIR);
  const staging = path.join(outDir, `.${LATEST_DIR}.${randomUUID()}.tmp`);
  const retired = path.join(outDir, `.${LATEST_DIR}.${randomUUID()}.old`);
  try {
    await writeSet(staging, contents);
    let hadLatest = true;
    try {
      await rename(latestDir, retired);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      hadLatest = false;
    }
    try {
      await rename(staging, latestDir);
    } catch (error) {
      // Put the previous set back rather than leave no latest/ at all.
      if (hadLatest) await rename(retired, latestDir).catch(() => undefined);
      throw error;
    }
    if (hadLatest) await rm(retired, { recursive: true, force: true });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return {
    htmlPath: path.join(runDir, REPORT_FILES.html),
    markdownPath: path.join(runDir, REPORT_FILES.markdown),
    jsonPath: path.join(runDir, REPORT_FILES.json),
    latestDir,
  };
}
