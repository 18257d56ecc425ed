import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../harness/config.ts';
import { defaultDistributedSettings } from './distributed-settings.ts';

describe('config: distributed section', () => {
  it('defaults every field, so configs without the section keep working', () => {
    const result = resolveConfig({ decode: { chunkSeconds: 1, analysisWidth: 320, sampleRate: 16000 } });
    expect(result.ok && result.config.distributed).toEqual(defaultDistributedSettings);
    const partial = resolveConfig({
      distributed: { pools: { detect: 2, perDetector: { freeze: 3 } }, framesPerObject: 5 },
    });
    expect(partial.ok && partial.config.distributed.pools).toEqual({
      convert: 2,
      detect: 2,
      aggregate: 1,
      perDetector: { freeze: 3 },
    });
    expect(partial.ok && partial.config.distributed.framesPerObject).toBe(5);
    expect(partial.ok && partial.config.distributed.retry).toEqual(defaultDistributedSettings.retry);
  });

  it('accepts a LocalStack or AWS Step Functions endpoint (credentials never come from the file)', () => {
    const local = resolveConfig({
      distributed: { stepFunctions: { backend: 'endpoint', endpoint: 'http://localhost:4566' } },
    });
    expect(local.ok && local.config.distributed.stepFunctions).toEqual({
      backend: 'endpoint',
      endpoint: 'http://localhost:4566',
      region: 'us-east-1',
    });
    const aws = resolveConfig({
      distributed: { stepFunctions: { backend: 'endpoint', region: 'eu-west-1' } },
    });
    expect(aws.ok && aws.config.distributed.stepFunctions).toEqual({
      backend: 'endpoint',
      region: 'eu-west-1',
    });
    expect(
      resolveConfig({ distributed: { stepFunctions: { backend: 'endpoint', accessKeyId: 'AKIA...' } } }),
    ).toEqual({ ok: false, error: 'distributed.stepFunctions: unknown key "accessKeyId"' });
  });

  it.each([
    [{ pools: { convert: 0 } }, 'distributed.pools.convert'],
    [{ framesPerObject: 1.5 }, 'distributed.framesPerObject'],
    [{ maxInFlightExecutions: 0 }, 'distributed.maxInFlightExecutions'],
    [{ heartbeatSec: 0.5 }, 'distributed.heartbeatSec'],
    [{ heartbeatSec: 300 }, 'distributed.heartbeatSec: must be below taskTimeoutSec'],
    [{ retry: { intervalSec: 0 } }, 'distributed.retry.intervalSec'],
    [{ retry: { backoffRate: 0.5 } }, 'distributed.retry.backoffRate'],
    [{ memoryMb: { convert: 64 } }, 'distributed.memoryMb.convert'],
    [{ roleArn: 'role' }, 'distributed.roleArn: must be an IAM role ARN'],
    [
      { stepFunctions: { backend: 'endpoint', endpoint: 'ftp://host' } },
      'distributed.stepFunctions.endpoint',
    ],
    [{ stepFunctions: { backend: 'endpoint', region: 'mars' } }, 'distributed.stepFunctions.region'],
    [{ bogus: 1 }, 'distributed: unknown key "bogus"'],
  ])('rejects %j with a line naming the field', (distributed, fragment) => {
    const result = resolveConfig({ distributed });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(fragment);
  });
});
