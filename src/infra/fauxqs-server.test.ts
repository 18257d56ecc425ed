import { describe, expect, it } from 'vitest';
import { liveChildCount } from './child-processes.ts';
import { startEmbeddedS3 } from './fauxqs-server.ts';
import { accepts, listeningAddresses, nonLoopbackIpv4 } from './loopback-test-support.ts';

describe('startEmbeddedS3', () => {
  it('listens on 127.0.0.1 only, answers health checks, and leaves no process after stop', async () => {
    const s3 = await startEmbeddedS3();
    try {
      const url = new URL(s3.endpoint.endpoint ?? '');
      const port = Number(url.port);
      expect(url.hostname).toBe('127.0.0.1');
      expect(s3.endpoint.forcePathStyle).toBe(true);
      expect(liveChildCount()).toBe(1);

      const health = await fetch(new URL('/health', url), { headers: { connection: 'close' } });
      expect(health.status).toBe(200);

      // /proc prints 127.0.0.1 little-endian: 0100007F. Nothing on 0.0.0.0 or on IPv6.
      expect(listeningAddresses(port)).toEqual(['0100007F']);
      const outside = nonLoopbackIpv4();
      if (outside !== undefined) expect(await accepts(outside, port)).toBe(false);
      expect(await accepts('127.0.0.1', port)).toBe(true);
    } finally {
      await s3.stop();
    }
    expect(liveChildCount()).toBe(0);
  });

  it('stop() is idempotent and `await using` ends the server', async () => {
    let port = 0;
    {
      await using s3 = await startEmbeddedS3();
      await Promise.all([s3.stop(), s3.stop()]);
      expect(liveChildCount()).toBe(0);
      await s3.stop();
    }
    {
      await using s3 = await startEmbeddedS3();
      port = Number(new URL(s3.endpoint.endpoint ?? '').port);
      expect(liveChildCount()).toBe(1);
    }
    expect(liveChildCount()).toBe(0);
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });

  it('fails with a clear error, and leaves no process, when the server is not ready in time', async () => {
    await expect(startEmbeddedS3({ startTimeoutMs: 1 })).rejects.toThrow(
      /embedded S3 \(fauxqs\) failed to start: .*in time/,
    );
    expect(liveChildCount()).toBe(0);
  });
});
