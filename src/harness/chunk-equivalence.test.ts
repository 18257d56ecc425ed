import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeChunk, type ChunkAnalysis } from '../core/aggregate.ts';
import type { GreyFrame, MediaChunk } from '../core/media.ts';
import { liveChildCount } from '../infra/child-processes.ts';
import {
  chunkCount,
  type DecodeOptions,
  decodeChunk,
  defaultDecodeOptions,
  openClipDecoder,
} from '../media/decoder.ts';
import { type MediaInfo, probeMedia } from '../media/probe.ts';
import { resolveDetectors } from './detectors.ts';
import {
  fixturePath,
  fixturesForTests,
  shortFixtureIds,
  slowTestsEnabled,
  type TestFixtures,
} from './test-fixtures.ts';

/**
 * The distributed runner decodes each chunk on its own (`decodeChunk`, an input seek) where the monolith
 * decodes the whole clip once (`openClipDecoder`). Findings can only be identical if every chunk is: same
 * bounds, the same frames (timestamps and bytes), the same carry-over frame, the same audio samples, and
 * therefore the same detector partials. Checked on every short fixture, for 1 s and 2 s chunks (`npm test`
 * checks 2 s on multi-defect only).
 */

const CHUNK_SECONDS = [1, 2];
const detectors = resolveDetectors(undefined);

/** A chunk reduced to what must be equal: bounds, frame timestamps and hashes, audio hash. */
interface ChunkDigest {
  readonly index: number;
  readonly startSec: number;
  readonly endSec: number;
  readonly frames?: readonly string[];
  readonly nextFrame?: string;
  readonly audio?: {
    readonly sampleRate: number;
    readonly startSec: number;
    readonly samples: number;
    readonly sha256: string;
  };
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function frameDigest(frame: GreyFrame): string {
  return `${frame.ptsSec} ${frame.width}x${frame.height} ${sha256(frame.data)}`;
}

function digest(chunk: MediaChunk): ChunkDigest {
  const { video, audio } = chunk;
  return {
    index: chunk.index,
    startSec: chunk.startSec,
    endSec: chunk.endSec,
    ...(video ? { frames: video.frames.map(frameDigest) } : {}),
    ...(video?.nextFrame ? { nextFrame: frameDigest(video.nextFrame) } : {}),
    ...(audio
      ? {
          audio: {
            sampleRate: audio.sampleRate,
            startSec: audio.startSec,
            samples: audio.samples.length,
            sha256: sha256(
              new Uint8Array(audio.samples.buffer, audio.samples.byteOffset, audio.samples.byteLength),
            ),
          },
        }
      : {}),
  };
}

/** A chunk analysis as it arrives after crossing a process or S3 boundary. */
function roundTrip(analysis: ChunkAnalysis): ChunkAnalysis {
  return JSON.parse(JSON.stringify(analysis)) as ChunkAnalysis;
}

interface Decoded {
  readonly digests: ChunkDigest[];
  readonly analyses: ChunkAnalysis[];
}

async function decodeWhole(info: MediaInfo, options: DecodeOptions): Promise<Decoded> {
  const digests: ChunkDigest[] = [];
  const analyses: ChunkAnalysis[] = [];
  await using decoder = openClipDecoder(info, options);
  for await (const chunk of decoder.chunks()) {
    digests.push(digest(chunk));
    analyses.push(roundTrip(await analyzeChunk(chunk, detectors, {})));
  }
  return { digests, analyses };
}

async function decodeEachChunk(info: MediaInfo, options: DecodeOptions): Promise<Decoded> {
  const count = chunkCount(info, options.chunkSeconds);
  const digests: ChunkDigest[] = [];
  const analyses: ChunkAnalysis[] = [];
  for (let index = 0; index < count; index++) {
    const chunk = await decodeChunk(info, index, options);
    digests.push(digest(chunk));
    analyses.push(roundTrip(await analyzeChunk(chunk, detectors, {})));
  }
  return { digests, analyses };
}

let fixtures: TestFixtures;

beforeAll(async () => {
  fixtures = await fixturesForTests();
}, 300_000);

describe('single-chunk decode equals the whole-clip decode', () => {
  // npm test: every fixture in 1 s chunks, multi-defect in 2 s chunks too; npm run test:full: every pair.
  const cases = shortFixtureIds.flatMap((id) =>
    CHUNK_SECONDS.filter((seconds) => slowTestsEnabled || seconds === 1 || id === 'multi-defect').map(
      (chunkSeconds) => [id, chunkSeconds] as const,
    ),
  );

  it.each(cases)(
    '%s, %i s chunks: same frames, samples and detector partials',
    async (id, chunkSeconds) => {
      const info = await probeMedia(fixturePath(fixtures, id));
      const options = { ...defaultDecodeOptions, chunkSeconds };
      const whole = await decodeWhole(info, options);
      const single = await decodeEachChunk(info, options);

      expect(whole.digests.length).toBe(chunkCount(info, chunkSeconds));
      expect(
        whole.digests.every((chunk) => (chunk.frames?.length ?? 0) > 0 && (chunk.audio?.samples ?? 0) > 0),
      ).toBe(true);
      // Chunk by chunk, so a failure names the first chunk that differs.
      whole.digests.forEach((expected, index) => {
        expect(single.digests[index], `${id} chunk ${index} (${chunkSeconds} s)`).toEqual(expected);
      });
      whole.analyses.forEach((expected, index) => {
        expect(single.analyses[index], `${id} partials of chunk ${index} (${chunkSeconds} s)`).toEqual(
          expected,
        );
      });
      expect(single.digests).toHaveLength(whole.digests.length);
    },
    60_000,
  );

  it('leaves no ffmpeg process behind', () => {
    expect(liveChildCount()).toBe(0);
  });
});
