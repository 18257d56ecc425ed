import { describe, expect, it } from 'vitest';
import { liveChildCount } from '../../infra/child-processes.ts';
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
});
