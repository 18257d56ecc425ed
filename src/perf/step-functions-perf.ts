/**
 * `npm exec -- node src/perf/step-functions-perf.ts`: overhead of the embedded Step Functions endpoint,
 * measured through `@aws-sdk/client-sfn` against the child-process server, as the distributed runner
 * uses it:
 * - per billed transition: a chain of 50 Pass states (50 billed transitions), start to SUCCEEDED,
 *   one at a time (latency) and 8 at a time (throughput). Target: <= 1 ms per transition.
 * - per activity round trip: one Task state served by a worker already waiting in GetActivityTask
 *   (StartExecution -> GetActivityTask answer -> SendTaskSuccess -> SUCCEEDED), against the same
 *   execution with a Pass state instead.
 * - one SDK request (DescribeExecution), for scale.
 * Completion is seen by polling DescribeExecution every `POLL_MS`, which adds up to that much latency.
 * Numbers are printed, never asserted: timings belong in a benchmark, not in unit tests.
 */
import os from 'node:os';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { Bench } from 'tinybench';
import { countBilledTransitions } from '../core/billing/transitions.ts';
import {
  sfnClientConfig,
  startEmbeddedStepFunctions,
} from '../infra/local-step-functions/local-step-functions-server.ts';
import { fullHistory } from '../infra/local-step-functions/sfn-test-support.ts';

const CHAIN_STATES = 50;
const CONCURRENT_EXECUTIONS = 8;
const POLL_MS = 1;
const iterations = Number(process.env.PERF_ITERATIONS ?? 30);
const ROLE_ARN = 'arn:aws:iam::123456789012:role/archbench-perf';

await using server = await startEmbeddedStepFunctions();
const sfn = new SFNClient(sfnClientConfig(server.endpoint, { maxSockets: 64 }));

const chainStates: Record<string, object> = {};
for (let index = 0; index < CHAIN_STATES; index += 1) {
  chainStates[`S${index}`] =
    index === CHAIN_STATES - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${index + 1}` };
}
const chainArn = await createMachine('chain-50', { StartAt: 'S0', States: chainStates });
const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'perf-task' }));
if (activityArn === undefined) throw new Error('no activityArn');
const taskArn = await createMachine('one-task', {
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: activityArn, End: true } },
});
const passArn = await createMachine('one-pass', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

// A worker that always has a poll waiting, as a warm pool of activity workers would.
let workerRunning = true;
const worker = (async () => {
  while (workerRunning) {
    const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: 'perf' }));
    if (task.taskToken !== undefined) {
      await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: task.input ?? '{}' }));
    }
  }
})();

const sample = await runToEnd(chainArn);
const billed = countBilledTransitions(await fullHistory(sfn, sample)).total;

const bench = new Bench({
  name: 'embedded Step Functions endpoint',
  iterations,
  time: 0,
  warmupIterations: 5,
});
bench
  .add(`chain of ${CHAIN_STATES} Pass states, one execution`, async () => {
    await runToEnd(chainArn);
  })
  .add(`chain of ${CHAIN_STATES} Pass states, ${CONCURRENT_EXECUTIONS} concurrent executions`, async () => {
    await Promise.all(Array.from({ length: CONCURRENT_EXECUTIONS }, () => runToEnd(chainArn)));
  })
  .add('one Pass state, one execution', async () => {
    await runToEnd(passArn);
  })
  .add('one activity Task state (worker waiting), one execution', async () => {
    await runToEnd(taskArn);
  })
  .add('one DescribeExecution request (SDK round trip)', async () => {
    await sfn.send(new DescribeExecutionCommand({ executionArn: sample }));
  });
await bench.run();
console.table(bench.table());

workerRunning = false;
await server.stop();
await worker.catch(() => {});
sfn.destroy();

const chainMs = meanMs(`chain of ${CHAIN_STATES} Pass states, one execution`);
const concurrentMs = meanMs(
  `chain of ${CHAIN_STATES} Pass states, ${CONCURRENT_EXECUTIONS} concurrent executions`,
);
const passMs = meanMs('one Pass state, one execution');
const taskMs = meanMs('one activity Task state (worker waiting), one execution');
const requestMs = meanMs('one DescribeExecution request (SDK round trip)');
const perTransitionMs = chainMs / billed;
const perTransitionConcurrentMs = concurrentMs / (billed * CONCURRENT_EXECUTIONS);
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${iterations} iterations each; DescribeExecution polled every ${POLL_MS} ms`,
);
console.log(`billed transitions per chain execution (from its history): ${billed}`);
console.log(
  `chain, one at a time:  ${chainMs.toFixed(2)} ms per execution = ${perTransitionMs.toFixed(3)} ms per billed transition (${(1000 / chainMs).toFixed(1)} executions/s; target <= 1 ms: ${perTransitionMs <= 1 ? 'within target' : 'MISSES target'})`,
);
console.log(
  `chain, ${CONCURRENT_EXECUTIONS} at a time:     ${concurrentMs.toFixed(2)} ms per batch = ${perTransitionConcurrentMs.toFixed(3)} ms per billed transition (${((1000 * CONCURRENT_EXECUTIONS) / concurrentMs).toFixed(1)} executions/s)`,
);
console.log(
  `activity round trip:   ${taskMs.toFixed(2)} ms per one-Task execution vs ${passMs.toFixed(2)} ms per one-Pass execution = ${(taskMs - passMs).toFixed(2)} ms for GetActivityTask answer + SendTaskSuccess`,
);
console.log(`one SDK request round trip (DescribeExecution): ${requestMs.toFixed(2)} ms`);

async function createMachine(name: string, definition: object): Promise<string> {
  const { stateMachineArn } = await sfn.send(
    new CreateStateMachineCommand({ name, definition: JSON.stringify(definition), roleArn: ROLE_ARN }),
  );
  if (stateMachineArn === undefined) throw new Error('no stateMachineArn');
  return stateMachineArn;
}

async function runToEnd(stateMachineArn: string): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: '{"chunk":1}' }),
  );
  for (;;) {
    const { status } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (status === 'SUCCEEDED' && executionArn !== undefined) return executionArn;
    if (status !== 'RUNNING') throw new Error(`execution ended ${status}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function meanMs(name: string): number {
  const result = bench.getTask(name)?.result;
  if (!result || !('latency' in result)) throw new Error(`benchmark task ${name} did not complete`);
  return result.latency.mean;
}
