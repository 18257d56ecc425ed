import { BadInputError } from '../core/errors.ts';
import { analyzeClips } from '../harness/analyze-clips.ts';
import { checkAwsRun } from '../harness/aws-run-gate.ts';
import { loadConfig } from '../harness/load-config.ts';
import { defaultPriceBookId } from '../harness/price-book-loader.ts';
import { exitCodeOf } from '../harness/results.ts';
import { compareRunnerFindings } from '../harness/runner-comparison.ts';
import { displayPath } from '../media/probe.ts';
import { isRunnerName, type RunnerName, runnerNames } from '../runners/registry.ts';
import { renderAnalyzeText } from './analyze-text.ts';
import { type BackendCliOptions, withBackendOptions } from './backend-options.ts';
import { type CommandIo, processIo } from './io.ts';
import { configWithMonolithFlags, type MonolithFlags } from './monolith-flags.ts';
import { writeFailedRun } from './run-progress.ts';
import { externalWorkersFrom } from './worker-command.ts';

export interface AnalyzeCommandOptions extends BackendCliOptions, MonolithFlags {
  /** `monolith` (default), `distributed`, or `both` (each clip through both, findings compared). */
  readonly runner?: string;
  readonly json?: boolean;
  readonly config?: string;
  /** `pool` (default): the distributed runner starts its workers; `external`: `archbench worker` serves it. */
  readonly workers?: string;
  /** With `--workers external`: the fleet whose activities the run creates (default `default`). */
  readonly fleet?: string;
}

/**
 * `archbench analyze <clip...>`: returns the exit code (0 ok; 1 a service was unavailable or, with
 * `--runner both`, the runners' findings differ; 2 bad input; 70 internal failure).
 */
export async function analyze(
  clips: readonly string[],
  options: AnalyzeCommandOptions,
  io: CommandIo = processIo,
): Promise<number> {
  const runners = parseRunners(options.runner ?? 'monolith');
  const config = configWithMonolithFlags(
    withBackendOptions(await loadConfig(options.config), options),
    options,
  );
  const externalWorkers = externalWorkersFrom(
    options,
    config,
    options.config === undefined ? {} : { config: options.config },
    io,
  );
  if (externalWorkers !== undefined && !runners.includes('distributed')) {
    throw new BadInputError('--workers external: only with --runner distributed or both');
  }
  // The aws backend: the estimate first, and no resources without --yes (analyze prices the default book).
  await checkAwsRun(config, {
    clipPaths: clips,
    replays: {
      distributed: runners.includes('distributed') ? 1 : 0,
      monolith: runners.includes('monolith') ? 1 : 0,
    },
    priceBook: defaultPriceBookId,
    confirmed: options.yes === true,
    write: (text) => io.err(text),
  });
  const document = await analyzeClips(clips, {
    config,
    runners,
    ...(options.yes === true ? { backendConfirmed: true } : {}),
    ...(externalWorkers === undefined ? {} : { externalWorkers }),
    onRun: (clipPath, run, error) => {
      // One clear line per failed clip on stderr, whatever the output format.
      if (run.status === 'failed') writeFailedRun(io, clipPath, run, error);
      else if (!options.json) io.err(`analysed ${clipPath} with ${run.runner}\n`);
    },
  });
  if (options.json) io.out(`${JSON.stringify(document, null, 2)}\n`);
  // A table of failures only would repeat the lines already on stderr: print it when something ran.
  else if (document.clips.some((clip) => clip.runs.some((run) => run.status === 'ok'))) {
    io.out(`${renderAnalyzeText(document)}\n`);
  }
  const exitCode = exitCodeOf(document);
  if (runners.length < 2) return exitCode;
  const differences = compareRunnerFindings(document);
  for (const difference of differences) {
    io.err(
      `archbench: ${displayPath(difference.clipPath)}: findings of ${difference.reference} and ${difference.runner} differ: ${difference.summary}\n`,
    );
  }
  // A difference is a failed comparison (1); a bad clip or a bug still decides the code when present.
  return exitCode === 0 && differences.length > 0 ? 1 : exitCode;
}

/** `both` runs every registered runner on each clip (the monolith first, as the reference). */
const BOTH = 'both';

function parseRunners(value: string): RunnerName[] {
  if (value === BOTH) return [...runnerNames];
  if (isRunnerName(value)) return [value];
  throw new BadInputError(
    `--runner ${value}: unknown runner (choose from: ${[...runnerNames, BOTH].join(', ')})`,
  );
}
