import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError } from '../core/errors.ts';
import { renderHtmlReport } from './html-report.ts';
import { renderMarkdownSummary } from './markdown-summary.ts';
import { buildSampleResults } from './sample-results.ts';
import { REPORT_FILES, writeReport } from './write-report.ts';

const results = buildSampleResults();
let outDir: string;

beforeEach(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), 'archbench-write-report-'));
});

afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes results.json, report.html and summary.md for the run and the same three in latest/', async () => {
    const written = await writeReport(results, outDir);
    const runDir = path.join(outDir, results.runId);
    expect(written).toEqual({
      htmlPath: path.join(runDir, 'report.html'),
      markdownPath: path.join(runDir, 'summary.md'),
      jsonPath: path.join(runDir, 'results.json'),
      latestDir: path.join(outDir, 'latest'),
    });
    expect(JSON.parse(await readFile(written.jsonPath, 'utf8'))).toEqual(JSON.parse(JSON.stringify(results)));
    expect(await readFile(written.htmlPath, 'utf8')).toBe(renderHtmlReport(results));
    expect(await readFile(written.markdownPath, 'utf8')).toBe(renderMarkdownSummary(results));
    for (const name of Object.values(REPORT_FILES)) {
      expect(await readFile(path.join(outDir, 'latest', name), 'utf8')).toBe(
        await readFile(path.join(runDir, name), 'utf8'),
      );
    }
    // Nothing else is left behind: no temporary files or directories.
    expect((await readdir(outDir)).sort()).toEqual([results.runId, 'latest'].sort());
    expect((await readdir(runDir)).sort()).toEqual(Object.values(REPORT_FILES).sort());
  });

  it('replaces latest/ with the newest run and keeps the earlier run directory', async () => {
    await writeReport(results, outDir);
    await writeFile(path.join(outDir, 'latest', 'stale.txt'), 'from an older archbench');
    const second = { ...results, runId: '2026-11-27T09-30-00Z-second' };
    await writeReport(second, outDir);
    expect((await readdir(outDir)).sort()).toEqual([results.runId, second.runId, 'latest'].sort());
    expect((await readdir(path.join(outDir, 'latest'))).sort()).toEqual(Object.values(REPORT_FILES).sort());
    const latest = JSON.parse(await readFile(path.join(outDir, 'latest', 'results.json'), 'utf8'));
    expect(latest.runId).toBe(second.runId);
  });

  it('refuses a run id that is not a plain directory name', async () => {
    for (const runId of ['../escape', 'latest', '', 'a/b', '.hidden']) {
      await expect(writeReport({ ...results, runId }, outDir)).rejects.toThrow(BadInputError);
    }
    expect(await readdir(outDir)).toEqual([]);
  });
});
