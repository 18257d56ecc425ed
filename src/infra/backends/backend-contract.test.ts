import { randomBytes } from 'node:crypto';
import {
  DescribeExecutionCommand,
  GetActivityTaskCommand,
  SFNClient,
  type SFNClientConfig,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCounters } from '../../core/counters.ts';
import { successPathTransitions } from '../../harness/aws-run-estimate.ts';
import { ExecutionCapError, Orchestrator } from '../../runners/distributed/orchestrator.ts';
import { createCounterScope } from '../counter-scope.ts';
import {
  fullHistory,
  startTestWorker,
  type TestWorker,
  typesOf,
} from '../local-step-functions/sfn-test-support.ts';
import { ObjectNotFoundError, type ObjectStore } from '../object-store.ts';
import { createS3Client, createS3ObjectStore } from '../s3-object-store.ts';
import { attachRequestCounter } from '../s3-request-counter.ts';
import type { SfnEndpointSettings } from '../sfn-endpoint.ts';
import { attachSfnRequestCounter } from '../sfn-request-counter.ts';
import type { Backend, BackendSettings } from './backend.ts';
import { containerRuntimeProblem } from './container-runtime.ts';
import { type BackendName, backendRegistry } from './registry.ts';

/**
 * One contract for the object-store and orchestration ports, run against every backend available here:
 * the same operations, error mapping and counting must hold on the embedded servers, LocalStack, MinIO
 * (+ embedded Step Functions) and AWS. Embedded always runs; the container backends need a container
 * runtime; AWS runs only with ARCHBENCH_AWS_CONTRACT=1 and ARCHBENCH_AWS_ROLE_ARN (it is billable).
 */

interface BackendCase {
  readonly name: BackendName;
  readonly settings: BackendSettings;
  /** Why it cannot run here; undefined when it can. */
  readonly skip: string | undefined;
}

const runtimeProblem = await containerRuntimeProblem();
const awsRequested = process.env.ARCHBENCH_AWS_CONTRACT === '1';
const awsRole = process.env.ARCHBENCH_AWS_ROLE_ARN;
const cases: BackendCase[] = [
  {
    name: 'embedded',
    settings: { name: 'embedded', region: 'us-east-1', confirmed: false },
    skip: undefined,
  },
  ...(['localstack', 'minio'] as const).map(
    (name): BackendCase => ({
      name,
      settings: { name, region: 'us-east-1', confirmed: false },
      skip: runtimeProblem === undefined ? undefined : `no container runtime: ${runtimeProblem}`,
    }),
  ),
  {
    name: 'aws',
    settings: {
      name: 'aws',
      region: process.env.AWS_REGION ?? 'us-east-1',
      confirmed: true,
      ...(awsRole === undefined ? {} : { roleArn: awsRole }),
    },
    skip: !awsRequested
      ? 'set ARCHBENCH_AWS_CONTRACT=1 and ARCHBENCH_AWS_ROLE_ARN to run against AWS (billable)'
      : awsRole === undefined
        ? 'ARCHBENCH_AWS_ROLE_ARN is not set'
        : undefined,
  },
];

const skipped = cases.filter((entry) => entry.skip !== undefined);
if (skipped.length > 0) {
  console.warn(
    `backend contract skipped: ${skipped.map((entry) => `${entry.name} (${entry.skip})`).join('; ')}`,
  );
}
for (const entry of skipped) {
  describe.skip(`backend contract: ${entry.name} (skipped: ${entry.skip})`, () => {
    it('runs where the backend is available', () => {});
  });
}

const DETECTORS = ['alpha', 'beta'] as const;
const POLICY = {
  taskTimeoutSec: 30,
  heartbeatSec: 10,
  retry: { maxAttempts: 0, intervalSec: 1, backoffRate: 2 },
};

function sfnClientFor(endpoint: SfnEndpointSettings): SFNClient {
  const config: SFNClientConfig = {
    region: endpoint.region,
    // Host prefixes (sync-...) would not resolve for an IP-address endpoint.
    disableHostPrefix: true,
    ...(endpoint.endpoint === undefined ? {} : { endpoint: endpoint.endpoint }),
    ...(endpoint.credentials === undefined ? {} : { credentials: { ...endpoint.credentials } }),
  };
  return new SFNClient(config);
}

describe.each(cases.filter((entry) => entry.skip === undefined))('backend contract: $name', (entry) => {
  const runId = `contract-${randomBytes(4).toString('hex')}`;
  let backend: Backend;

  beforeAll(async () => {
    backend = await backendRegistry[entry.name]({
      runId,
      bucket: `archbench-${runId}`,
      settings: entry.settings,
    });
  }, 180_000);
  afterAll(async () => {
    await backend?.[Symbol.asyncDispose]();
  }, 60_000);

  describe('object store', () => {
    let store: ObjectStore;
    const counters = createCounters();
    let close: () => void = () => {};

    beforeAll(async () => {
      const client = createS3Client(backend.s3);
      attachRequestCounter(client, counters);
      close = () => client.destroy();
      store = await createS3ObjectStore({ client, bucket: backend.bucket });
    });
    afterAll(() => close());

    it('puts, gets, lists in key order and deletes, counting one request per call by operation and tier', async () => {
      const body = new Uint8Array([1, 2, 3, 250, 0, 7]);
      await store.put('contract/b', body, 'application/octet-stream');
      await store.put('contract/a', new Uint8Array([9]));
      await store.put('other/c', new Uint8Array([8]));
      expect(await store.get('contract/b')).toEqual(body);
      expect(await store.list('contract/')).toEqual(['contract/a', 'contract/b']);
      await store.deleteMany(['contract/a', 'contract/b', 'contract/never-written']);
      expect(await store.list('contract/')).toEqual([]);
      expect(await store.list('other/')).toEqual(['other/c']);

      expect(counters.s3.requestsByOperation).toEqual({
        PutObject: 3,
        GetObject: 1,
        ListObjectsV2: 3,
        DeleteObjects: 1,
      });
      expect(counters.s3.requestsByTier).toEqual({ tier1: 6, tier2: 1, free: 1 });
      expect(counters.s3.bytesUp).toBeGreaterThanOrEqual(body.byteLength + 2);
      expect(counters.s3.bytesDown).toBeGreaterThanOrEqual(body.byteLength);
    });

    it('maps a missing key to ObjectNotFoundError naming the bucket and key', async () => {
      const error = await store.get('contract/missing').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ObjectNotFoundError);
      expect(error).toMatchObject({ bucket: backend.bucket, key: 'contract/missing' });
    });
  });

  describe('orchestration', () => {
    let sfn: SFNClient;
    let orchestrator: Orchestrator;
    const workers: TestWorker[] = [];
    const scope = createCounterScope();

    beforeAll(async () => {
      sfn = sfnClientFor(await backend.stepFunctions());
      attachSfnRequestCounter(sfn, scope.current);
      orchestrator = await Orchestrator.create({
        sfn,
        scope,
        namePrefix: `archbench-${runId}`,
        detectors: DETECTORS,
        policy: POLICY,
        roleArn: backend.roleArn,
        maxInFlightExecutions: 2,
        tags: backend.tags,
        maxExecutions: 1,
      });
      const arns = [
        orchestrator.activityArnOf('convert'),
        orchestrator.activityArnOf('aggregate'),
        ...Object.values(orchestrator.activityArns.detect),
      ];
      for (const [index, arn] of arns.entries()) {
        workers.push(startTestWorker(sfn, arn, `worker-${index}`, () => ({ output: { ok: index } })));
      }
    }, 60_000);
    afterAll(async () => {
      await orchestrator?.[Symbol.asyncDispose]();
      await Promise.all(workers.map((worker) => worker.stop()));
      sfn?.destroy();
    }, 60_000);

    let executionArn = '';

    it('runs an execution through workers answering activity tasks and counts its billed transitions', async () => {
      const counters = createCounters();
      const outcome = await orchestrator.runExecution('chunk-0', JSON.stringify({ chunk: 0 }), counters);
      executionArn = outcome.executionArn;
      expect(outcome.status).toBe('SUCCEEDED');
      // Convert, the Parallel, one Task per detector, Aggregate: no retries, so the success path exactly.
      expect(outcome.transitions.total).toBe(successPathTransitions(orchestrator.definition));
      expect(outcome.transitions.total).toBe(3 + DETECTORS.length);
      expect(outcome.transitions.byState).toMatchObject({ ConvertMedia: 1, DetectDefects: 1, Aggregate: 1 });
      expect(counters.sfn.apiRequestsByOperation.StartExecution).toBe(1);
      expect(counters.sfn.apiRequestsByOperation.DescribeExecution).toBeGreaterThanOrEqual(1);
      expect(counters.sfn.apiRequestsByOperation.GetExecutionHistory).toBeGreaterThanOrEqual(1);
    }, 60_000);

    it('keeps a history of the AWS shape: started, the states in order, succeeded', async () => {
      const types = typesOf(await fullHistory(sfn, executionArn));
      expect(types[0]).toBe('ExecutionStarted');
      expect(types.at(-1)).toBe('ExecutionSucceeded');
      expect(types.filter((type) => type === 'TaskStateEntered')).toHaveLength(2 + DETECTORS.length);
      expect(types.filter((type) => type === 'ActivityScheduled')).toHaveLength(2 + DETECTORS.length);
      expect(types.filter((type) => type === 'ActivitySucceeded')).toHaveLength(2 + DETECTORS.length);
      expect(types.indexOf('ParallelStateEntered')).toBeGreaterThan(types.indexOf('TaskStateExited'));
      expect(types.lastIndexOf('TaskStateEntered')).toBeGreaterThan(types.indexOf('ParallelStateExited'));
    });

    it('refuses the execution after --max-executions without sending anything', async () => {
      const counters = createCounters();
      await expect(orchestrator.runExecution('chunk-1', '{}', counters)).rejects.toBeInstanceOf(
        ExecutionCapError,
      );
      expect(counters.sfn.apiRequestsByOperation).toEqual({});
    });

    it('maps an unknown execution and an unknown activity to the AWS error names', async () => {
      const unknownExecution = executionArn.replace(/:[^:]+$/, ':no-such-execution');
      await expect(
        sfn.send(new DescribeExecutionCommand({ executionArn: unknownExecution })),
      ).rejects.toMatchObject({
        name: 'ExecutionDoesNotExist',
      });
      const unknownActivity = orchestrator
        .activityArnOf('convert')
        .replace(/:[^:]+$/, ':archbench-no-such-activity');
      await expect(
        sfn.send(new GetActivityTaskCommand({ activityArn: unknownActivity })),
      ).rejects.toMatchObject({
        name: 'ActivityDoesNotExist',
      });
    });

    it('deletes its activities and state machine when disposed', async () => {
      // Workers stop first: a poll of a deleted activity fails (as on AWS), which is not under test here.
      await Promise.all(workers.splice(0).map((worker) => worker.stop()));
      await orchestrator[Symbol.asyncDispose]();
      await expect(
        sfn.send(new GetActivityTaskCommand({ activityArn: orchestrator.activityArnOf('convert') })),
      ).rejects.toMatchObject({ name: 'ActivityDoesNotExist' });
      await expect(
        sfn.send(new StartExecutionCommand({ stateMachineArn: orchestrator.stateMachineArn, input: '{}' })),
      ).rejects.toMatchObject({
        name: expect.stringMatching(/StateMachineDoesNotExist|StateMachineDeleting/),
      });
    }, 60_000);
  });
});
