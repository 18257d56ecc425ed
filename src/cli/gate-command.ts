import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { evaluateGate } from '../core/gate/gate.ts';
import { renderGateMarkdown } from '../core/gate/gate-markdown.ts';
import { loadConfig } from '../harness/load-config.ts';
import { displayPath } from '../media/probe.ts';
import { type CommandIo, processIo } from './io.ts';
import { readBenchResults } from './read-bench-results.ts';

export interface GateCommandOptions {
  /** The baseline results document (the repo commits one, e.g. `reports/baseline.json`). */
  readonly baseline: string;
  /** The results document to check; default `<reportsDir>/latest/results.json`. */
  readonly current?: string;
  /** Copy the current document to the baseline path (creating directories) instead of comparing. */
  readonly updateBaseline?: boolean;
  /** Config file with the `gate` bounds (default: bench.config.ts when present). */
  readonly config?: string;
  /** Directory relative paths resolve against; default the process's working directory. */
  readonly cwd?: string;
}

/** The environment the command reads: `GITHUB_STEP_SUMMARY`, the file GitHub Actions shows as the summary. */
export type GateEnvironment = Readonly<Record<string, string | undefined>>;

/** Where `archbench bench` writes the latest results document, under the reports directory. */
export function latestResultsPath(reportsDir: string): string {
  return path.join(reportsDir, 'latest', 'results.json');
}

/**
 * `archbench gate --baseline <file> [--current <file>] [--update-baseline]`: compares the current results
 * document with the baseline under the config's `gate` bounds, prints the Markdown explanation (and appends
 * it to `$GITHUB_STEP_SUMMARY` when set) and returns 0 (pass) or 1 (regression). With `--update-baseline`
 * it writes the current document to the baseline path and returns 0. A missing or invalid document or
 * config throws BadInputError (exit 2).
 */
export async function gate(
  options: GateCommandOptions,
  io: CommandIo = processIo,
  env: GateEnvironment = process.env,
): Promise<number> {
  const cwd = options.cwd ?? process.cwd();
  const config = await loadConfig(options.config, cwd);
  const currentFile = options.current ?? latestResultsPath(config.reportsDir);
  const current = await readBenchResults('current', currentFile, cwd);

  if (options.updateBaseline) {
    await writeAtomically(path.resolve(cwd, options.baseline), current.text);
    io.out(
      `baseline ${displayPath(options.baseline)} updated from ${displayPath(currentFile)} (run ${current.results.runId})\n`,
    );
    return 0;
  }

  const baseline = await readBenchResults('baseline', options.baseline, cwd);
  const verdict = evaluateGate(baseline.results, current.results, config.gate);
  const markdown = renderGateMarkdown(verdict);
  io.out(markdown);
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  if (summaryFile !== undefined && summaryFile !== '') {
    try {
      await appendFile(summaryFile, `${markdown}\n`);
    } catch (error) {
      // The verdict is on stdout already; a summary that cannot be written must not change the exit code.
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      io.err(`archbench: cannot append to GITHUB_STEP_SUMMARY (${reason})\n`);
    }
  }
  return verdict.verdict === 'pass' ? 0 : 1;
}

/** Writes `text` to `file` through a temporary file and a rename, creating the directory. */
async function writeAtomically(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, file);
}
