import { BadInputError } from '../core/errors.ts';
import { analyzeClips } from '../harness/analyze-clips.ts';
import { loadConfig } from '../harness/load-config.ts';
import { exitCodeOf } from '../harness/results.ts';
import { renderAnalyzeText } from '../report/analyze-text.ts';
import { isRunnerName, type RunnerName, runnerNames } from '../runners/registry.ts';
import { type CommandIo, processIo } from './io.ts';
import { writeFailedRun } from './run-progress.ts';

export interface AnalyzeCommandOptions {
  /** `monolith` (default); later issues add `distributed` and `both`. */
  readonly runner?: string;
  readonly json?: boolean;
  readonly config?: string;
}

/** `archbench analyze <clip...>`: returns the exit code (0 ok, 2 bad input, 70 internal failure). */
export async function analyze(
  clips: readonly string[],
  options: AnalyzeCommandOptions,
  io: CommandIo = processIo,
): Promise<number> {
  const runners = parseRunners(options.runner ?? 'monolith');
  const config = await loadConfig(options.config);
  const document = await analyzeClips(clips, {
    config,
    runners,
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
  return exitCodeOf(document);
}

function parseRunners(value: string): RunnerName[] {
  if (isRunnerName(value)) return [value];
  throw new BadInputError(`--runner ${value}: unknown runner (choose from: ${runnerNames.join(', ')})`);
}
