import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeChunk, type ChunkAnalysis } from '../../core/aggregate.ts';
import { createCounters } from '../../core/counters.ts';
import { resolveDetectors } from '../../harness/detectors.ts';
import { createS3Client, createS3ObjectStore } from '../../infra/s3-object-store.ts';
import {
  chunkCount,
  type DecodeOptions,
  defaultDecodeOptions,
  openClipDecoder,
} from '../../media/decoder.ts';
import { type MediaInfo, probeMedia } from '../../media/probe.ts';
import { type ClipDir, chunkableEncoding, createClipDir } from '../../media/test-clip-factory.ts';
import { lavfi, startTestS3, TEST_BUCKET, type TestS3 } from './distributed-test-support.ts';
import { RESULT_PATHS } from './state-machine-definition.ts';
import { aggregateChunk, convertChunk, detectChunk, type TaskPorts } from './task-handlers.ts';
import type { AggregateJob, ChunkJob, ChunkResultDocument, DetectJob } from './task-payloads.ts';

/**
 * The task handlers in-process, without workers or Step Functions: chained as the workflow chains them,
 * they must rebuild exactly the monolith's chunk analysis, clean up after themselves, and keep every
 * payload (built as the workflow builds it) far below the 256 KiB Step Functions limit, 2 s chunks included.
 */

const STEP_FUNCTIONS_PAYLOAD_LIMIT_BYTES = 256 * 1024;
const detectors = resolveDetectors(undefined);

let s3: TestS3;
let clips: ClipDir;
let info: MediaInfo;

beforeAll(async () => {
  s3 = await startTestS3();
  clips = await createClipDir('task-handlers');
  // Black and silent in its second half, so the partials hold segments, not just empty lists.
  const path = await clips.make('half-black.mp4', [
    ...lavfi(
      'testsrc2=size=320x180:rate=25:duration=4,drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable=gte(t\\,2)',
    ),
    ...lavfi("aevalsrc=exprs='if(lt(t\\,2)\\,0.4*sin(2*PI*440*t)\\,0)':sample_rate=48000:duration=4"),
    ...chunkableEncoding,
    '-shortest',
  ]);
  info = await probeMedia(path);
}, 60_000);

afterAll(async () => {
  await s3?.[Symbol.asyncDispose]();
  await clips?.remove();
});

/** The monolith's analyses of the clip: one whole-clip decode, every detector on each chunk. */
async function monolithAnalyses(decode: DecodeOptions): Promise<ChunkAnalysis[]> {
  const analyses: ChunkAnalysis[] = [];
  await using decoder = openClipDecoder(info, decode);
  for await (const chunk of decoder.chunks()) analyses.push(await analyzeChunk(chunk, detectors, {}));
  return analyses;
}

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

describe.each([
  { chunkSeconds: 1, framesPerObject: 1 },
  { chunkSeconds: 2, framesPerObject: 1 },
  { chunkSeconds: 2, framesPerObject: 10 },
])(
  'task handlers, $chunkSeconds s chunks, $framesPerObject frame(s) per object',
  ({ chunkSeconds, framesPerObject }) => {
    it('rebuild the monolith chunk analysis exactly, count their requests, clean up, and keep payloads small', async () => {
      const decode = { ...defaultDecodeOptions, chunkSeconds };
      const counters = createCounters();
      const client = createS3Client(s3.server.endpoint, counters);
      const ports: TaskPorts = {
        store: await createS3ObjectStore({ client, bucket: TEST_BUCKET }),
        detectorPorts: {},
      };
      const expected = await monolithAnalyses(decode);
      const count = chunkCount(info, chunkSeconds);
      expect(expected).toHaveLength(count);
      let largestPayloadBytes = 0;
      try {
        for (let index = 0; index < count; index++) {
          const runId = `handlers-${chunkSeconds}-${framesPerObject}`;
          const job: ChunkJob = {
            runId,
            bucket: TEST_BUCKET,
            clipKey: '0001-clip',
            clip: info,
            decode,
            chunk: { index, count },
            framesPerObject,
            tmpPrefix: `tmp/${runId}/0001-clip/${index}/`,
            resultKey: `results/${runId}/chunks/${index}.json`,
          };
          // The state inputs and outputs exactly as the workflow's ResultPaths compose them.
          const converted = await convertChunk(job, ports, counters);
          const detectJob: DetectJob = { ...job, converted };
          expect(RESULT_PATHS.converted).toBe('$.converted');
          const detected = await Promise.all(
            detectors.map((detector) => detectChunk(detectJob, detector, ports, counters)),
          );
          const aggregateJob: AggregateJob = { ...detectJob, detected };
          expect(RESULT_PATHS.detected).toBe('$.detected');
          const output = await aggregateChunk(
            aggregateJob,
            detectors.map((detector) => detector.name),
            ports,
            counters,
          );
          for (const payload of [job, converted, detectJob, ...detected, aggregateJob, output]) {
            largestPayloadBytes = Math.max(largestPayloadBytes, byteLength(payload));
          }

          const result = JSON.parse(
            new TextDecoder().decode(await s3.store.get(output.resultKey)),
          ) as ChunkResultDocument;
          expect(result.analysis).toEqual(expected[index]);
          expect(result.media.videoFrames).toBe(converted.video?.frames);
          expect(converted.video?.objects).toBe(Math.ceil((converted.video?.frames ?? 0) / framesPerObject));
          // Only the chunk result remains; the frames, the audio and the partials are gone.
          expect(await s3.store.list(job.tmpPrefix)).toEqual([]);
        }
      } finally {
        client.destroy();
      }
      const frames = expected.length * 25 * chunkSeconds;
      const objectsPerChunk = Math.ceil((25 * chunkSeconds) / framesPerObject);
      // Per chunk: frame objects + audio + one partial per detector + the chunk result; GETs: every video
      // detector reads every frame object, every audio detector the audio, the aggregator every partial.
      const videoReaders = detectors.filter((detector) => detector.detector.needs !== 'audio').length;
      const audioReaders = detectors.filter((detector) => detector.detector.needs !== 'video').length;
      expect(counters.s3.requestsByOperation).toEqual({
        PutObject: count * (objectsPerChunk + 1 + detectors.length + 1),
        GetObject: count * (videoReaders * objectsPerChunk + audioReaders + detectors.length),
        DeleteObjects: count,
      });
      expect(counters.serialization.frames).toMatchObject({ encodeOps: count * objectsPerChunk });
      expect(frames).toBe(100);
      expect(largestPayloadBytes).toBeGreaterThan(0);
      expect(largestPayloadBytes).toBeLessThan(STEP_FUNCTIONS_PAYLOAD_LIMIT_BYTES / 32);
    }, 60_000);
  },
);
