import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError, ServiceUnavailableError } from '../../core/errors.ts';
import { liveChildCount } from '../../infra/child-processes.ts';
import { type MediaInfo, probeMedia } from '../../media/probe.ts';
import {
  type ClipDir,
  chunkableEncoding,
  createClipDir,
  withFfmpegPath,
  writeFfmpegWrapper,
} from '../../media/test-clip-factory.ts';
import { lavfi, startTestS3, type TestS3, testContext } from '../distributed/distributed-test-support.ts';
import { createMonolithRunner } from './monolith-runner.ts';

/**
 * The monolith (alone and as clones) when things go wrong under it: its decoder killed part-way, and the
 * S3 endpoint gone before it writes its results. Neither is ever a success.
 */

let clips: ClipDir;
let info: MediaInfo;
let s3: TestS3;
let childrenBefore = 0;

beforeAll(async () => {
  clips = await createClipDir('monolith-faults');
  const clipPath = await clips.make('moving-4s.mp4', [
    ...lavfi('testsrc2=size=320x180:rate=25:duration=4'),
    ...lavfi('sine=frequency=440:sample_rate=48000:duration=4'),
    ...chunkableEncoding,
    '-shortest',
  ]);
  info = await probeMedia(clipPath);
  s3 = await startTestS3();
  childrenBefore = liveChildCount();
}, 60_000);

afterAll(async () => {
  await s3?.[Symbol.asyncDispose]();
  await clips?.remove();
});

/** What `runClip` rejected with (undefined if it succeeded). */
async function failureOf(run: Promise<unknown>): Promise<unknown> {
  return run.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('monolith: a decoder killed part-way', () => {
  it.each([
    ['alone', 1],
    ['as 2 clones', 2],
  ] as const)(
    '%s: the clip fails as an internal error, not a truncated success',
    async (_name, clones) => {
      const dying = await writeFfmpegWrapper(clips.dir, `ffmpeg-dying-${clones}`, { killAfterMs: 300 });
      const error = await withFfmpegPath(dying, async () => {
        // Clones are started here, inside, so they inherit the stand-in ffmpeg.
        await using runner = await createMonolithRunner({
          ...testContext(s3),
          monolith: { clones, partition: 'detectors' },
        });
        return await failureOf(runner.runClip(info));
      });
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(BadInputError);
      expect(error).not.toBeInstanceOf(ServiceUnavailableError);
      expect((error as Error).message).toMatch(
        /moving-4s\.mp4: ffmpeg ended \(signal SIGKILL\) before the end/,
      );
      expect(liveChildCount()).toBe(childrenBefore);
    },
    60_000,
  );
});

describe('monolith: S3 gone mid-clip', () => {
  it('fails the clip with one line, unavailable (exit 1), not a stack', async () => {
    const lostS3 = await startTestS3();
    // The decode takes the clip's 4 s (real-time stand-in); S3 goes at once, long before the results PUT.
    const slow = await writeFfmpegWrapper(clips.dir, 'ffmpeg-slow');
    const error = await withFfmpegPath(slow, async () => {
      await using runner = await createMonolithRunner(testContext(lostS3));
      const run = failureOf(runner.runClip(info));
      await lostS3.server.stop();
      return await run;
    });
    await lostS3[Symbol.asyncDispose]();
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    const message = (error as Error).message;
    expect(message).toMatch(
      /moving-4s\.mp4: monolith: the S3 endpoint \(http:\/\/127\.0\.0\.1:\d+\) could not be reached/,
    );
    expect(message).not.toContain('\n');
  }, 60_000);
});
