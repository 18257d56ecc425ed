import path from 'node:path';
import { checkAwsRun } from '../harness/aws-run-gate.ts';
import { loadConfig } from '../harness/load-config.ts';
import { defaultScenarioName, loadScenario } from '../harness/load-scenario.ts';
import { runBench } from '../harness/run-bench.ts';
import { renderMarkdownSummary } from '../report/markdown-summary.ts';
import { writeReport } from '../report/write-report.ts';
import { type BackendCliOptions, withBackendOptions } from './backend-options.ts';
import { type CommandIo, processIo } from './io.ts';
import { type MonolithFlags, scenarioWithMonolithFlags } from './monolith-flags.ts';
import { externalWorkersFrom } from './worker-command.ts';

export interface BenchCommandOptions extends BackendCliOptions, MonolithFlags {
  readonly config?: string;
  /** Scenario name in scenarios/ or a path to a scenario file; default `prime-video`. */
  readonly scenario?: string;
  /** Reports directory; default the config's `reportsDir`. */
  readonly out?: string;
  /** Print the results document instead of the summary. */
  readonly json?: boolean;
  /** No progress output. */
  readonly quiet?: boolean;
  /** `pool` (default): the distributed runner starts its workers; `external`: `archbench worker` serves it. */
  readonly workers?: string;
  /** With `--workers external`: the fleet whose activities the run creates (default `default`). */
  readonly fleet?: string;
}

/**
 * `archbench bench` (`npm run bench`): replays the scenario's clips through both runners, prices the
 * counts and writes results.json, report.html and summary.md to `<out>/<run>/` and `<out>/latest/`.
 * Exit 0, or 1 when the runners disagree on findings or a runner failed on a clip.
 */
export async function bench(options: BenchCommandOptions, io: CommandIo = processIo): Promise<number> {
  const config = withBackendOptions(await loadConfig(options.config), options);
  const scenario = scenarioWithMonolithFlags(
    await loadScenario(options.scenario ?? defaultScenarioName),
    options,
  );
  const externalWorkers = externalWorkersFrom(
    options,
    config,
    {
      ...(options.config === undefined ? {} : { config: options.config }),
      scenario: options.scenario ?? defaultScenarioName,
    },
    io,
  );
  const progress = progressWriter(io, options);
  const started = performance.now();
  const results = await runBench({
    config,
    scenario,
    onProgress: progress.line,
    ...(options.yes === true ? { backendConfirmed: true } : {}),
    // The aws backend: the estimate for the whole bench first, and no resources without --yes.
    beforeReplay: async (plan) => {
      progress.done();
      await checkAwsRun(plan.config, {
        clipPaths: plan.clipPaths,
        replays: plan.replays,
        priceBook: plan.priceBook,
        confirmed: options.yes === true,
        write: (text) => io.err(text),
      });
    },
    ...(externalWorkers === undefined ? {} : { externalWorkers }),
  });
  progress.done();
  const written = await writeReport(results, path.resolve(options.out ?? config.reportsDir));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (options.json) {
    io.out(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    io.out(`${renderMarkdownSummary(results)}\n`);
    io.out(
      `\nReport: ${path.relative(process.cwd(), written.htmlPath)} (also ${path.relative(process.cwd(), written.latestDir)}/); ${seconds} s\n`,
    );
  }
  if (!results.equivalence.identical) {
    for (const difference of results.equivalence.differences) io.err(`archbench: ${difference}\n`);
    return 1;
  }
  return 0;
}

/** Progress on stderr: one rewritten status line on a terminal, plain lines otherwise, none with --quiet. */
function progressWriter(
  io: CommandIo,
  options: BenchCommandOptions,
): { line: (text: string) => void; done: () => void } {
  if (options.quiet) return { line: () => {}, done: () => {} };
  if (!process.stderr.isTTY || io !== processIo)
    return { line: (text) => io.err(`${text}\n`), done: () => {} };
  const width = Math.max(20, (process.stderr.columns ?? 80) - 1);
  return {
    line: (text) => io.err(`\r\x1b[K${text.trim().slice(0, width)}`),
    done: () => io.err('\r\x1b[K'),
  };
}
