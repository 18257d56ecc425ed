import { CreateActivityCommand, DeleteActivityCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { liveChildCount } from '../../infra/child-processes.ts';
import { startEmbeddedStepFunctions } from '../../infra/local-step-functions/local-step-functions-server.ts';
import { startWorkerPools, type WorkerPoolSpec } from './worker-pool.ts';

describe('startWorkerPools', () => {
  it('fails with the worker stderr when a worker cannot start, and leaves no process behind', async () => {
    const spec: WorkerPoolSpec = {
      role: { kind: 'detect', detector: 'no-such-detector' },
      size: 2,
      settings: {
        activityArn: 'arn:aws:states:us-east-1:123456789012:activity:none',
        // Nothing is contacted: the worker fails while building its detector, before its first poll.
        stepFunctions: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1' },
        s3: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true },
        bucket: 'archbench-test',
        memoryMb: 512,
        heartbeatIntervalMs: 1000,
        detectors: [{ name: 'no-such-detector', params: {} }],
        detectorModules: [],
      },
    };
    const started = startWorkerPools([spec], { onMessage: () => {} });
    await expect(started).rejects.toThrow(/worker detect-no-such-detector#\d exited before it was ready/);
    await expect(started).rejects.toThrow(/neither registered nor exported by a detector module/);
    expect(liveChildCount()).toBe(0);
  }, 30_000);

  it('replaceCleanExits false: a worker whose activity was deleted exits 0 and is not replaced', async () => {
    await using embedded = await startEmbeddedStepFunctions();
    const { endpoint } = embedded;
    const sfn = new SFNClient({
      region: endpoint.region,
      ...(endpoint.endpoint === undefined ? {} : { endpoint: endpoint.endpoint }),
      ...(endpoint.credentials === undefined ? {} : { credentials: { ...endpoint.credentials } }),
    });
    try {
      const { activityArn } = await sfn.send(new CreateActivityCommand({ name: 'pool-clean-exit' }));
      // The endpoint itself is a child process.
      const childrenBefore = liveChildCount();
      const pools = await startWorkerPools(
        [
          {
            role: { kind: 'convert' },
            size: 1,
            settings: {
              activityArn: activityArn ?? '',
              stepFunctions: endpoint,
              s3: { endpoint: 'http://127.0.0.1:9', region: 'us-east-1', forcePathStyle: true },
              bucket: 'archbench-test',
              memoryMb: 1024,
              heartbeatIntervalMs: 1000,
              detectors: [],
              detectorModules: [],
            },
          },
        ],
        { onMessage: () => {}, replaceCleanExits: false },
      );
      expect(pools.workers).toHaveLength(1);
      await sfn.send(new DeleteActivityCommand({ activityArn }));
      const deadline = Date.now() + 10_000;
      while (pools.workers.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(pools.workers).toHaveLength(0);
      expect(pools.replacements).toBe(0);
      await pools.stop();
      expect(liveChildCount()).toBe(childrenBefore);
    } finally {
      sfn.destroy();
    }
  }, 30_000);
});
