import { randomBytes } from 'node:crypto';
import { type HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BilledTransitions, countBilledTransitions } from '../../core/billing/transitions.ts';
import { createCounters } from '../../core/counters.ts';
import { Orchestrator } from '../../runners/distributed/orchestrator.ts';
import { createCounterScope } from '../counter-scope.ts';
import {
  type EmbeddedStepFunctions,
  startEmbeddedStepFunctions,
} from '../local-step-functions/local-step-functions-server.ts';
import { fullHistory, startTestWorker, type WorkerAnswer } from '../local-step-functions/sfn-test-support.ts';
import type { SfnEndpointSettings } from '../sfn-endpoint.ts';
import type { Backend } from './backend.ts';
import { containerRuntimeProblem } from './container-runtime.ts';
import { startLocalStackBackend } from './localstack-backend.ts';

/**
 * The embedded Step Functions endpoint against a real engine (LocalStack): the same workflow definition
 * and input, answered by the same workers, must give the same billed transitions (countBilledTransitions)
 * and the same history. Runs where a container runtime is found, or against a running LocalStack named by
 * ARCHBENCH_LOCALSTACK_ENDPOINT; skipped otherwise, with the reason in the test name.
 */

const endpoint = process.env.ARCHBENCH_LOCALSTACK_ENDPOINT;
const runtimeProblem = endpoint === undefined ? await containerRuntimeProblem() : undefined;
const skipReason =
  runtimeProblem === undefined
    ? undefined
    : `no container runtime (${runtimeProblem}) and no ARCHBENCH_LOCALSTACK_ENDPOINT`;
if (skipReason !== undefined) console.warn(`transition check skipped: ${skipReason}`);

interface CheckCase {
  readonly name: string;
  readonly detectors: readonly string[];
  readonly maxAttempts: number;
  /** How the worker of `role` answers its `n`-th task (1-based). */
  readonly answer: (role: string, n: number) => WorkerAnswer;
}

const succeed: WorkerAnswer = { output: { ok: true } };
const cases: CheckCase[] = [
  { name: 'one detector, every task succeeds', detectors: ['alpha'], maxAttempts: 0, answer: () => succeed },
  {
    name: 'two detectors, one fails into its Catch',
    detectors: ['alpha', 'beta'],
    maxAttempts: 0,
    answer: (role) => (role === 'detect-beta' ? { error: 'archbench.TaskFailed', cause: 'test' } : succeed),
  },
  {
    name: 'convert fails once and is retried',
    detectors: ['alpha'],
    maxAttempts: 1,
    answer: (role, n) =>
      role === 'convert' && n === 1 ? { error: 'archbench.TaskFailed', cause: 'test' } : succeed,
  },
];

interface EngineResult {
  readonly transitions: BilledTransitions;
  readonly types: readonly string[];
}

/** Runs `check` once on `settings` through the orchestrator and returns its billed transitions and history. */
async function runOn(
  settings: SfnEndpointSettings,
  roleArn: string,
  check: CheckCase,
): Promise<EngineResult> {
  const sfn = new SFNClient({
    region: settings.region,
    disableHostPrefix: true,
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: { ...settings.credentials } }),
  });
  const orchestrator = await Orchestrator.create({
    sfn,
    scope: createCounterScope(),
    namePrefix: `archbench-check-${randomBytes(4).toString('hex')}`,
    detectors: check.detectors,
    policy: {
      taskTimeoutSec: 60,
      heartbeatSec: 30,
      retry: { maxAttempts: check.maxAttempts, intervalSec: 1, backoffRate: 1 },
    },
    roleArn,
    maxInFlightExecutions: 1,
  });
  const roles: [string, string][] = [
    ['convert', orchestrator.activityArnOf('convert')],
    ['aggregate', orchestrator.activityArnOf('aggregate')],
    ...Object.entries(orchestrator.activityArns.detect).map(([detector, arn]): [string, string] => [
      `detect-${detector}`,
      arn,
    ]),
  ];
  const workers = roles.map(([role, arn]) =>
    startTestWorker(sfn, arn, role, (_input, seen) => check.answer(role, seen.length)),
  );
  try {
    const outcome = await orchestrator.runExecution('check', JSON.stringify({ chunk: 0 }), createCounters());
    const history: HistoryEvent[] = await fullHistory(sfn, outcome.executionArn);
    return { transitions: countBilledTransitions(history), types: history.map((event) => event.type ?? '?') };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await orchestrator[Symbol.asyncDispose]();
    sfn.destroy();
  }
}

/** Event types outside Parallel branches in order, and the multiset of all (branches interleave freely). */
function historyShape(types: readonly string[]): { outside: string[]; counts: Record<string, number> } {
  const outside: string[] = [];
  const counts: Record<string, number> = {};
  let depth = 0;
  for (const type of types) {
    counts[type] = (counts[type] ?? 0) + 1;
    if (type === 'ParallelStateStarted') depth += 1;
    if (depth === 0) outside.push(type);
    if (type === 'ParallelStateSucceeded' || type === 'ParallelStateFailed') depth -= 1;
  }
  return { outside, counts };
}

describe.skipIf(skipReason !== undefined)(
  `transition check: embedded endpoint against LocalStack${skipReason === undefined ? '' : ` (skipped: ${skipReason})`}`,
  () => {
    let localstack: Backend;
    let embedded: EmbeddedStepFunctions;

    beforeAll(async () => {
      [localstack, embedded] = await Promise.all([
        startLocalStackBackend({
          runId: `check-${randomBytes(3).toString('hex')}`,
          bucket: 'archbench-transition-check',
          settings: {
            name: 'localstack',
            region: 'us-east-1',
            confirmed: false,
            ...(endpoint === undefined ? {} : { endpoint }),
          },
        }),
        startEmbeddedStepFunctions(),
      ]);
    }, 300_000);
    afterAll(async () => {
      await Promise.all([localstack?.[Symbol.asyncDispose](), embedded?.stop()]);
    }, 60_000);

    it.each(cases)(
      '$name: same billed transitions and history shape',
      async (check) => {
        const real = await runOn(await localstack.stepFunctions(), localstack.roleArn, check);
        const ours = await runOn(embedded.endpoint, localstack.roleArn, check);
        expect(ours.transitions).toEqual(real.transitions);
        expect(historyShape(ours.types)).toEqual(historyShape(real.types));
        if (check.detectors.length === 1) expect(ours.types).toEqual(real.types);
      },
      120_000,
    );
  },
);
