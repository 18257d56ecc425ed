import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderHtmlReport } from '../report/html-report.ts';
import { renderMarkdownSummary } from '../report/markdown-summary.ts';
import { buildSampleResults } from '../report/sample-results.ts';
import { runMainInProcess } from './cli-test-support.ts';
import type { CommandIo } from './io.ts';
import { report } from './report-command.ts';

const results = buildSampleResults();
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'archbench-report-command-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function captureIo(): CommandIo & { readonly outText: () => string } {
  let out = '';
  return {
    out: (text) => {
      out += text;
    },
    err: () => undefined,
    outText: () => out,
  };
}

describe('archbench report', () => {
  it('re-renders the HTML report and the Markdown summary from a results document', async () => {
    const input = path.join(dir, 'input.json');
    await writeFile(input, JSON.stringify(results));
    const out = path.join(dir, 'reports');
    const io = captureIo();
    expect(await report(input, { out }, io)).toBe(0);
    const runDir = path.join(out, results.runId);
    const reread = JSON.parse(await readFile(input, 'utf8'));
    expect(await readFile(path.join(runDir, 'report.html'), 'utf8')).toBe(renderHtmlReport(reread));
    expect(await readFile(path.join(runDir, 'summary.md'), 'utf8')).toBe(renderMarkdownSummary(reread));
    expect(await readFile(path.join(out, 'latest', 'report.html'), 'utf8')).toBe(renderHtmlReport(reread));
    expect(io.outText()).toContain(path.join(runDir, 'report.html'));
  });

  it('is registered in the CLI and re-renders a report from its own results.json', async () => {
    const out = path.join(dir, 'reports');
    const input = path.join(dir, 'first.json');
    await writeFile(input, JSON.stringify(results));
    expect((await runMainInProcess(['report', input, '--out', out])).code).toBe(0);
    const own = path.join(out, results.runId, 'results.json');
    expect((await runMainInProcess(['report', own, '--out', out])).code).toBe(0);
    expect(await readFile(path.join(out, 'latest', 'report.html'), 'utf8')).toBe(renderHtmlReport(results));
  });

  it('exits 2 with one line naming the file for missing, unreadable, non-JSON or wrong documents', async () => {
    const write = async (name: string, content: string): Promise<string> => {
      const file = path.join(dir, name);
      await writeFile(file, content);
      return file;
    };
    const folder = path.join(dir, 'a folder.json');
    await mkdir(folder);
    const cases: [string, RegExp][] = [
      [path.join(dir, 'missing.json'), /file not found/],
      [folder, /is a directory/],
      [await write('empty.json', ''), /empty file/],
      [await write('truncated.json', JSON.stringify(results).slice(0, 500)), /not valid JSON/],
      [await write('analyze.json', JSON.stringify({ schemaVersion: 1, clips: [] })), /kind is missing/],
      [await write('future.json', JSON.stringify({ ...results, schemaVersion: 3 })), /schemaVersion 3/],
      [await write('no-costs.json', JSON.stringify({ ...results, costs: {} })), /costs\.baseline/],
      [
        await write(
          'bad-book.json',
          JSON.stringify({ ...results, priceBook: { ...results.priceBook, currency: 'EUR' } }),
        ),
        /priceBook: currency/,
      ],
      [
        await write('bad-run-id.json', JSON.stringify({ ...results, runId: '../../etc' })),
        /runId "\.\.\/\.\.\/etc"/,
      ],
    ];
    for (const [file, problem] of cases) {
      const { code, stderr } = await runMainInProcess(['report', file, '--out', path.join(dir, 'reports')]);
      expect(code, file).toBe(2);
      expect(stderr.trimEnd().split('\n'), file).toHaveLength(1);
      expect(stderr, file).toMatch(problem);
      expect(stderr).toContain(file);
    }
  });
});
