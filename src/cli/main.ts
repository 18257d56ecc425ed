#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { BadInputError, ExitError, ServiceUnavailableError } from '../core/errors.ts';

const packageVersion: string = packageJson.version;

/**
 * Declares the commands; each one is a plain exported async function returning an exit code, imported
 * when its command runs, so `archbench --help` loads neither the AWS SDK nor onnxruntime.
 */
function createProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('archbench')
    .version(packageVersion)
    .description('What does a serverless, distributed pipeline cost against a monolith, and why?')
    .exitOverride()
    .showHelpAfterError(false)
    // Usage errors carry the same prefix as every other error line (subcommands inherit this).
    .configureOutput({ outputError: (text, write) => write(`archbench: ${text}`) });

  addRunOptions(
    program
      .command('analyze')
      .description('analyse clips and print findings and counters')
      .argument('<clip...>', 'media files to analyse')
      .option(
        '--runner <name>',
        'runner to use: monolith, distributed or both (findings compared)',
        'monolith',
      )
      .option('--json', 'print the results document as JSON')
      .option('--config <file>', 'config file (default: bench.config.ts when present)'),
  ).action(async (clips: string[], options) => {
    const { analyze } = await import('./analyze-command.ts');
    setExitCode(await analyze(clips, options));
  });

  program
    .command('fixtures')
    .description('generate the synthetic fixture clips and their ground-truth manifest')
    .option('--force', 'regenerate clips that are up to date')
    .option('--only <ids>', 'comma-separated fixture ids', (value: string) => value.split(','))
    .option('--config <file>', 'config file')
    .action(async (options) => {
      const { fixtures } = await import('./fixtures-command.ts');
      setExitCode(await fixtures(options));
    });

  addRunOptions(
    program
      .command('bench')
      .description('replay a scenario through both runners, price the counts and write the report')
      .option('--scenario <name>', 'scenario in scenarios/ (or a path to a scenario file)', 'prime-video')
      .option('--out <dir>', 'reports directory (default: the config reportsDir)')
      .option('--json', 'print the results document instead of the summary')
      .option('--quiet', 'no progress output')
      .option('--config <file>', 'config file'),
  ).action(async (options) => {
    const { bench } = await import('./bench-command.ts');
    setExitCode(await bench(options));
  });

  program
    .command('report')
    .description('re-render the HTML report and Markdown summary from a results document')
    .argument('<results.json>', 'results document written by archbench bench')
    .option('--out <dir>', 'reports directory (writes <dir>/<runId>/ and <dir>/latest/)', 'reports')
    .action(async (resultsPath: string, options) => {
      const { report } = await import('./report-command.ts');
      setExitCode(await report(resultsPath, options));
    });

  program
    .command('gate')
    .description('compare a results document with a baseline: exit 0 pass, 1 regression, 2 bad input')
    .requiredOption('--baseline <file>', 'baseline results document (e.g. reports/baseline.json)')
    .option('--current <file>', 'results document to check (default: <reportsDir>/latest/results.json)')
    .option('--update-baseline', 'write the current results document to the baseline path and exit 0')
    .option('--config <file>', 'config file with the gate bounds (default: bench.config.ts when present)')
    .action(async (options) => {
      const { gate } = await import('./gate-command.ts');
      setExitCode(await gate(options));
    });

  program
    .command('worker')
    .description('serve the activities of a run started with --workers external (on this or another host)')
    .requiredOption('--activity <name>', 'all, convert, aggregate, detect-<detector> or a detector name')
    .option('--backend <name>', 'backend of the run (default: the config backend)')
    .option('--fleet <name>', 'fleet of the run (default: default)')
    .option('--config <file>', 'config file (detectors, pool sizes; default: bench.config.ts when present)')
    .option('--scenario <name>', 'scenario whose overrides apply, as in archbench bench')
    .option('--s3-endpoint <url>', 'S3 endpoint of the run (every backend but aws)')
    .option('--sfn-endpoint <url>', 'Step Functions endpoint of the run (every backend but aws)')
    .option('--region <region>', 'region of the endpoints (default: the config backend.region)')
    .option('--bucket <name>', 'bucket of the run (default: the config s3.bucket)')
    .action(async (options) => {
      const { worker } = await import('./worker-command.ts');
      setExitCode(await worker(options));
    });

  program
    .command('serve')
    .description('run an embedded endpoint on its own (sfn: the local Step Functions endpoint)')
    .argument('<service>', 'sfn')
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)')
    .action(async (service: string, options) => {
      const { serve } = await import('./serve-command.ts');
      setExitCode(await serve(service, options));
    });

  return program;
}

/** Options of every command that runs clips (`analyze`, `bench`): backend, workers, clones. */
function addRunOptions(command: Command): Command {
  return command
    .option('--backend <name>', 'embedded (default), localstack, minio or aws (overrides the config)')
    .option('--yes', 'allow the run to create billable AWS resources (--backend aws)')
    .option('--max-executions <n>', 'most Step Functions executions per replay (a cost cap)')
    .option('--clones <n>', 'monolith clones behind a dispatcher (overrides the config; default 1)')
    .option('--partition <how>', 'how monolith clones split work: detectors (default) or streams')
    .option(
      '--workers <mode>',
      'distributed workers: pool (started by the run) or external (archbench worker)',
    )
    .option(
      '--fleet <name>',
      'with --workers external: the fleet whose activities the run creates (default: default)',
    );
}

/** Runs the CLI; the one place that maps errors to exit codes (1 unavailable, 2 bad input, 70 internal). */
export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = 0;
  const program = createProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (unknown option, missing argument) are bad input.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof BadInputError) {
      process.stderr.write(`archbench: ${error.message}\n`);
      return 2;
    }
    if (error instanceof ServiceUnavailableError) {
      // A service the run needs went away (e.g. before any clip started): one line, exit 1.
      process.stderr.write(`archbench: ${error.message}\n`);
      return 1;
    }
    if (error instanceof ExitError) {
      process.stderr.write(`archbench: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `archbench: internal error\n${error instanceof Error ? error.stack : String(error)}\n`,
    );
    return 70;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
