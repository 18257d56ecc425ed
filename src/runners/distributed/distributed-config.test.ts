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
      ...defaultDistributedSettings.pools,
      detect: 2,
      perDetector: { freeze: 3 },
    });
    expect(partial.ok && partial.config.distributed.framesPerObject).toBe(5);
    expect(partial.ok && partial.config.distributed.retry).toEqual(defaultDistributedSettings.retry);
  });

  it('takes the backend from its own section: name, region, role; credentials never come from the file', () => {
    const aws = resolveConfig({
      backend: { name: 'embedded', region: 'eu-west-1', roleArn: 'arn:aws:iam::111122223333:role/sfn' },
    });
    expect(aws.ok && aws.config.backend).toEqual({
      name: 'embedded',
      region: 'eu-west-1',
      roleArn: 'arn:aws:iam::111122223333:role/sfn',
    });
    const defaults = resolveConfig({});
    expect(defaults.ok && defaults.config.backend).toEqual({ name: 'embedded', region: 'us-east-1' });
    expect(resolveConfig({ backend: { accessKeyId: 'AKIA...' } })).toEqual({
      ok: false,
      error: 'backend: unknown key "accessKeyId"',
    });
    const unknown = resolveConfig({ backend: { name: 'mainframe' } });
    expect(unknown.ok === false && unknown.error).toMatch(/^backend\.name: must be one of: embedded/);
    const region = resolveConfig({ backend: { region: 'mars' } });
    expect(region.ok === false && region.error).toContain('backend.region');
    const role = resolveConfig({ backend: { roleArn: 'role' } });
    expect(role.ok === false && role.error).toBe('backend.roleArn: must be an IAM role ARN');
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
    [{ roleArn: 'arn:aws:iam::123456789012:role/x' }, 'distributed: unknown key "roleArn"'],
    [{ bogus: 1 }, 'distributed: unknown key "bogus"'],
  ])('rejects %j with a line naming the field', (distributed, fragment) => {
    const result = resolveConfig({ distributed });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(fragment);
  });
});
