import type { BenchResults } from '../core/bench-results.ts';
import { BadInputError } from '../core/errors.ts';
import { displayPath } from '../media/probe.ts';
import { isValidRunId, writeReport } from '../report/write-report.ts';
import { type CommandIo, processIo } from './io.ts';
import { readBenchResults } from './read-bench-results.ts';

export interface ReportCommandOptions {
  /** Reports directory; the run's files go to `<out>/<runId>/` and `<out>/latest/`. Default `reports`. */
  readonly out?: string;
}

/** Default reports directory, relative to the working directory. */
export const defaultReportsDir = 'reports';

const isObject = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Sections only the report reads (the shared reader checks what the gate needs): each must be present
 * with the right type, or rendering would fail with a stack trace instead of one line.
 */
const REPORT_SECTIONS: readonly (readonly [
  path: string,
  expected: string,
  test: (value: unknown) => boolean,
])[] = [
  ['scenario.description', 'a string', (value) => typeof value === 'string'],
  ['costs.baseline.comparison.gapByDimension', 'an array', Array.isArray],
  ['costs.whatIfs', 'an array', Array.isArray],
  ...(['distributed', 'monolith'] as const).flatMap((design) => [
    [`runners.${design}.timing.chunkLatency`, 'an object', isObject] as const,
    [
      `costs.baseline.${design}.totalPerStreamHour`,
      'a number',
      (value: unknown) => typeof value === 'number',
    ] as const,
    [`headroom.${design}.current.limits`, 'an array', Array.isArray] as const,
    [`headroom.${design}.legacy2019to2022.limits`, 'an array', Array.isArray] as const,
  ]),
  ['breakEven.overStreams.points', 'an array', Array.isArray],
  ['breakEven.overDutyCycle.points', 'an array', Array.isArray],
];

function valueAt(root: unknown, dotted: string): unknown {
  let value = root;
  for (const key of dotted.split('.')) {
    if (!isObject(value) || !Object.hasOwn(value as object, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The first problem that would stop the report rendering `results`, as one line; undefined when none. */
export function reportProblem(results: BenchResults): string | undefined {
  if (!isValidRunId(results.runId)) {
    return `runId ${JSON.stringify(results.runId)}: must be letters, digits, dots, dashes or underscores (it names the report directory)`;
  }
  for (const [dotted, expected, test] of REPORT_SECTIONS) {
    if (!test(valueAt(results, dotted))) return `${dotted}: missing or not ${expected}`;
  }
  return undefined;
}

/**
 * `archbench report <results.json>`: re-renders the HTML report and the Markdown summary (and rewrites the
 * results document beside them) from a results document, without running anything. Returns the exit
 * code: 0 written; a missing, unreadable, non-JSON or wrong-schema file throws BadInputError (exit 2).
 */
export async function report(
  resultsPath: string,
  options: ReportCommandOptions,
  io: CommandIo = processIo,
): Promise<number> {
  const { results } = await readBenchResults('results', resultsPath, process.cwd());
  const problem = reportProblem(results);
  if (problem !== undefined) throw new BadInputError(`results ${displayPath(resultsPath)}: ${problem}`);
  const written = await writeReport(results, options.out ?? defaultReportsDir);
  io.out(`${written.htmlPath}\n${written.markdownPath}\n${written.jsonPath}\n`);
  io.err(`report of run ${results.runId} written; also in ${written.latestDir}\n`);
  return 0;
}
