import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { containerRuntimeProblem } from '../infra/backends/container-runtime.ts';
import { type ClipDir, chunkableEncoding, createClipDir } from '../media/test-clip-factory.ts';
import { type CliResult, runCli as runCliProcess } from './cli-test-support.ts';

/**
 * `--backend`, `--yes` and `--max-executions` of the real CLI, as child processes from the repository
 * root: bad values are one line and exit 2, the aws backend prints its estimate and refuses without
 * `--yes`, and a container backend without a container runtime fails fast with one line (exit 1).
 */

const CLI_TIMEOUT_MS = 60_000;

function runCli(args: readonly string[]): Promise<CliResult> {
  return runCliProcess(args, { env: { LOCALSTACK_AUTH_TOKEN: '' }, timeoutMs: CLI_TIMEOUT_MS });
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

const runtimeProblem = await containerRuntimeProblem();
let clips: ClipDir;
let clip: string;
let roleConfig: string;

beforeAll(async () => {
  clips = await createClipDir('backend-cli');
  clip = await clips.make('two-seconds.mp4', [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=160x90:rate=25:duration=2',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=2',
    ...chunkableEncoding,
    '-shortest',
  ]);
  roleConfig = join(clips.dir, 'bench.config.ts');
  await writeFile(
    roleConfig,
    "export default { backend: { roleArn: 'arn:aws:iam::123456789012:role/archbench-cli-test' } };\n",
  );
}, 60_000);
afterAll(async () => {
  await clips?.remove();
});

describe('archbench --backend', () => {
  it(
    'rejects an unknown backend with one line (exit 2)',
    async () => {
      const result = await runCli(['analyze', '--backend', 'nope', 'missing.mp4']);
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toEqual([
        'archbench: --backend nope: unknown backend (choose from: embedded, localstack, minio, aws)',
      ]);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'rejects a --max-executions that is not a positive whole number (exit 2)',
    async () => {
      const result = await runCli(['bench', '--max-executions', '0']);
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toEqual([
        'archbench: --max-executions 0: must be a positive whole number',
      ]);
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'aws: prints the estimate, then refuses without --yes (exit 2)',
    async () => {
      const result = await runCli([
        'analyze',
        '--backend',
        'aws',
        '--runner',
        'distributed',
        '--config',
        roleConfig,
        clip,
      ]);
      expect(result.code).toBe(2);
      const stderr = lines(result.stderr);
      expect(stderr[0]).toMatch(/^Estimated AWS cost of this run \(price book aws-us-east-1-2026-12\): \$\d/);
      // Two 1 s chunks, every registered detector in the workflow.
      expect(result.stderr).toMatch(/ 2 Step Functions execution\(s\) x \d+ billed transitions/);
      expect(stderr.at(-1)).toBe(
        'archbench: aws backend: refusing to create billable AWS resources without --yes',
      );
      expect(result.stdout).toBe('');
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'aws: names backend.roleArn when it is missing (exit 2)',
    async () => {
      const result = await runCli(['analyze', '--backend', 'aws', '--yes', clip]);
      expect(result.code).toBe(2);
      expect(lines(result.stderr).at(-1)).toBe(
        'archbench: aws backend: set backend.roleArn in bench.config.ts (the IAM role the state machine runs as)',
      );
    },
    CLI_TIMEOUT_MS,
  );

  it(
    'aws: bench prints the estimate for the whole scenario and refuses without --yes',
    async () => {
      const result = await runCli(['bench', '--quiet', '--backend', 'aws', '--config', roleConfig]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^Estimated AWS cost of this run/);
      expect(lines(result.stderr).at(-1)).toBe(
        'archbench: aws backend: refusing to create billable AWS resources without --yes',
      );
    },
    CLI_TIMEOUT_MS,
  );

  it(
    '--max-executions: the distributed runner refuses the execution after the cap with one line (exit 2)',
    async () => {
      const result = await runCli(['analyze', '--runner', 'distributed', '--max-executions', '1', clip]);
      expect(result.code).toBe(2);
      expect(lines(result.stderr)).toEqual([
        'archbench: --max-executions 1: refusing to start execution 2 (raise the cap to run more)',
      ]);
    },
    CLI_TIMEOUT_MS,
  );

  it.skipIf(runtimeProblem === undefined)(
    'localstack: without a container runtime, fails fast with one line (exit 1)',
    async () => {
      const result = await runCli(['bench', '--quiet', '--backend', 'localstack']);
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toEqual([
        `archbench: localstack backend: no container runtime found (${runtimeProblem}); start Docker or Podman, set backend.endpoint to a running LocalStack, or use --backend embedded`,
      ]);
      expect(result.wallMs).toBeLessThan(30_000);
    },
    CLI_TIMEOUT_MS,
  );
});
