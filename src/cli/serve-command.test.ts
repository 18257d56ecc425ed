import { CreateActivityCommand, DeleteActivityCommand, SFNClient } from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { sfnClientConfig } from '../infra/local-step-functions/local-step-functions-server.ts';
import type { CommandIo } from './io.ts';
import { serve } from './serve-command.ts';

describe('archbench serve sfn', () => {
  it('serves the Step Functions protocol on 127.0.0.1 until stopped', async () => {
    const printed: string[] = [];
    let announce: (line: string) => void = () => {};
    const announced = new Promise<string>((resolve) => {
      announce = resolve;
    });
    const io: CommandIo = {
      out: (text) => {
        printed.push(text);
        announce(text);
      },
      err: () => {},
    };
    const stop = new AbortController();
    const exitCode = serve('sfn', {}, io, stop.signal);
    const url = /http:\/\/127\.0\.0\.1:\d+/.exec(await announced)?.[0];
    expect(url).toBeDefined();
    const client = new SFNClient(
      sfnClientConfig({
        endpoint: url ?? '',
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    const created = await client.send(new CreateActivityCommand({ name: 'serve-test' }));
    expect(created.activityArn).toMatch(/^arn:aws:states:us-east-1:\d{12}:activity:serve-test$/);
    await client.send(new DeleteActivityCommand({ activityArn: created.activityArn }));
    client.destroy();
    stop.abort();
    expect(await exitCode).toBe(0);
    expect(printed.join('')).not.toMatch(/secret|accessKey/i);
  });

  it('refuses an unknown service and a bad port as bad input', async () => {
    const io: CommandIo = { out: () => {}, err: () => {} };
    await expect(serve('s4', {}, io, AbortSignal.abort())).rejects.toThrow(/serve s4: unknown service/);
    await expect(serve('sfn', { port: '70000' }, io, AbortSignal.abort())).rejects.toThrow(/--port 70000/);
  });
});
