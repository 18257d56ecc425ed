import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Counters, createCounters, mergeCounters } from '../../core/counters.ts';
import { fixturePath, fixturesForTests, shortFixtureIds } from '../../harness/test-fixtures.ts';
import { liveChildCount } from '../../infra/child-processes.ts';
import { chunkCount } from '../../media/decoder.ts';
import { type MediaInfo, probeMedia } from '../../media/probe.ts';
import { type ClipDir, chunkableEncoding, createClipDir } from '../../media/test-clip-factory.ts';
import { createMonolithRunner } from '../monolith/monolith-runner.ts';
import type { ClipRun, ClipRunner, RunnerContext } from '../runner.ts';
import { createDistributedRunner, type DistributedClipRunner } from './distributed-runner.ts';
import {
  type CountingProxy,
  deterministicCounts,
  lavfi,
  processesMentioning,
  startCountingProxy,
  startTestS3,
  type TestS3,
  testContext,
} from './distributed-test-support.ts';
import { detectorFailedStateName, detectStateName, STATE_NAMES } from './state-machine-definition.ts';

/**
 * The distributed runner against the monolith on real clips: 16 streams at once (every short fixture plus
 * edge clips) with findings identical to the monolith's, counts that repeat exactly, are linear in the
 * number of chunks and add up to what the S3 server received, payloads within limits, nothing left
 * behind. One runner (with its worker pools) serves every test here, as it would serve many streams.
 */

const STREAMS = 16;

let s3: TestS3;
let proxy: CountingProxy;
let context: RunnerContext;
let distributed: DistributedClipRunner;
let monolith: ClipRunner;
let clips: ClipDir;
/** The clips of the concurrent run, by name, with their distributed runs. */
const streamRuns = new Map<string, { info: MediaInfo; run: ClipRun }>();

beforeAll(async () => {
  s3 = await startTestS3();
  // Every S3 request of the runner and its workers goes through the proxy, which tallies them on its own.
  proxy = await startCountingProxy(s3.server.endpoint.endpoint ?? '');
  const base = testContext(s3);
  context = { ...base, s3: { ...base.s3, endpoint: proxy.url } };
  clips = await createClipDir('distributed');
  [distributed, monolith] = await Promise.all([
    createDistributedRunner(context),
    createMonolithRunner(context),
  ]);
}, 90_000);

afterAll(async () => {
  await distributed?.[Symbol.asyncDispose]();
  await monolith?.[Symbol.asyncDispose]();
  await proxy?.close();
  await s3?.[Symbol.asyncDispose]();
  expect(liveChildCount()).toBe(0);
  await clips?.remove();
}, 30_000);

/** Small clips that stress the edges of chunking, made with ffmpeg's sources. */
async function makeEdgeClips(): Promise<Record<string, string>> {
  const videoEncoding = chunkableEncoding.slice(0, chunkableEncoding.indexOf('-c:a'));
  const shape = (seconds: number): string[] => [
    ...lavfi(`testsrc2=size=320x180:rate=25:duration=${seconds}`),
    ...lavfi(`sine=frequency=440:sample_rate=48000:duration=${seconds}`),
    ...chunkableEncoding,
    '-shortest',
  ];
  const made = await Promise.all([
    // Moving for 0.5 s, then frozen, black from 3.2 s; no audio stream at all.
    clips.make('no-audio.mp4', [
      ...lavfi(
        'color=c=gray:size=160x90:rate=25:duration=6,drawbox=x=0:y=0:w=40:h=40:color=white:t=fill:enable=lt(mod(t\\,0.2)\\,0.1)*lt(t\\,0.5),drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable=gte(t\\,3.2)',
      ),
      ...videoEncoding,
    ]),
    // A tone, then 2.5 s of silence; no video stream.
    clips.make('no-video.m4a', [
      ...lavfi("aevalsrc=exprs='if(lt(t\\,0.7)\\,0.5*sin(2*PI*440*t)\\,0)':sample_rate=48000:duration=3.2"),
      '-c:a',
      'aac',
      '-aac_pns',
      '0',
    ]),
    // Frame intervals of 50, 70 and 90 ms with a keyframe at every second, so chunks decode alone.
    clips.make('vfr.mp4', [
      ...lavfi('testsrc2=size=160x90:rate=20:duration=3'),
      ...lavfi('sine=frequency=440:sample_rate=48000:duration=3'),
      '-vf',
      "settb=1/1000,setpts='(N*0.05+mod(N\\,3)*0.02)/TB'",
      '-vsync',
      'vfr',
      '-force_key_frames',
      'expr:gte(t,n_forced)',
      ...chunkableEncoding.filter((arg, index, all) => arg !== '-g' && all[index - 1] !== '-g'),
      '-shortest',
    ]),
    clips.make('short.mp4', [
      ...lavfi('testsrc2=size=160x90:rate=25:duration=0.3'),
      ...lavfi('sine=frequency=440:sample_rate=48000:duration=0.3'),
      ...chunkableEncoding,
      '-shortest',
    ]),
    clips.make('linear-4s.mp4', shape(4)),
    clips.make('linear-8s.mp4', shape(8)),
    // Index first, so a copy cut in half still probes: it decodes to 2 s of its declared 4 s.
    clips.make('whole-4s.mp4', [...shape(4), '-movflags', '+faststart']),
  ]);
  const [noAudio, noVideo, vfr, short, linear4, linear8, whole] = made;
  const bytes = await readFile(whole);
  const truncated = join(clips.dir, 'truncated.mp4');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  return {
    'no-audio': noAudio,
    'no-video': noVideo,
    vfr,
    short,
    'linear-4s': linear4,
    'linear-8s': linear8,
    truncated,
  };
}

function sum(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((total, value) => total + value, 0);
}

describe('distributed runner', () => {
  it('analyses 16 (or more) streams at once exactly as the monolith does, every request accounted for', async () => {
    const fixtures = await fixturesForTests();
    const streams: [string, string][] = [
      ...shortFixtureIds.map((id): [string, string] => [id, fixturePath(fixtures, id)]),
      ...Object.entries(await makeEdgeClips()),
    ];
    for (let copy = 1; streams.length < STREAMS; copy++)
      streams.push([`copy-${copy}`, streams[copy]?.[1] ?? '']);
    expect(streams.length).toBeGreaterThanOrEqual(STREAMS);
    const infos = await Promise.all(streams.map(([, path]) => probeMedia(path)));
    expect(infos.find((info) => info.path.endsWith('vfr.mp4'))?.video?.variableFrameRate).toBe(true);

    const before = { ...proxy.received };
    const runs = await Promise.all(infos.map((info) => distributed.runClip(info)));
    const total = createCounters();
    for (const run of runs) mergeCounters(total, run.counters);
    // Every S3 request the server received during the run is in exactly one clip's counters.
    const during = Object.fromEntries(
      Object.entries(proxy.received).map(([operation, count]) => [
        operation,
        count - (before[operation] ?? 0),
      ]),
    );
    expect(total.s3.requestsByOperation).toEqual(
      Object.fromEntries(Object.entries(during).filter(([, n]) => n > 0)),
    );
    expect(await s3.store.list(`tmp/${context.runId}/`)).toEqual([]);

    for (const [index, [name]] of streams.entries()) {
      const info = infos[index] as MediaInfo;
      const run = runs[index] as ClipRun;
      streamRuns.set(name, { info, run });
      const reference = await monolith.runClip(info);
      expect(run.findings, name).toEqual(reference.findings);
      expect(run.decode.videoFrames, name).toBe(reference.decode.videoFrames);
      expect(run.decode.audioSamples, name).toBe(reference.decode.audioSamples);
      expect(run.decode.truncated, name).toBe(reference.decode.truncated);
      expect(run.detectorFailures).toBeUndefined();
      // No chunk lost or run twice: one execution, one transition per state and one clean-up per chunk.
      const chunks = chunkCount(info, context.decode.chunkSeconds);
      const { transitionsByState } = run.counters.sfn;
      expect(run.counters.sfn.executionsStarted, name).toBe(chunks);
      expect(run.chunkLatenciesMs?.length, name).toBe(chunks);
      expect(run.chunkLatenciesMs?.every((latencyMs) => latencyMs > 0)).toBe(true);
      expect(transitionsByState[STATE_NAMES.convert], name).toBe(chunks);
      expect(transitionsByState[STATE_NAMES.detect], name).toBe(chunks);
      expect(transitionsByState[STATE_NAMES.aggregate], name).toBe(chunks);
      for (const detector of context.detectors) {
        expect(transitionsByState[detectStateName(detector.name)], name).toBe(chunks);
        expect(transitionsByState[detectorFailedStateName(detector.name)], name).toBeUndefined();
      }
      expect(sum(transitionsByState)).toBe(chunks * (3 + context.detectors.length));
      expect(run.counters.s3.requestsByOperation.DeleteObjects, name).toBe(chunks);
      // Every S3 request is attributed to the stage that sent it.
      const byStage = run.counters.s3.requestsByStage;
      expect(sum(run.counters.s3.requestsByOperation)).toBe(
        sum(Object.fromEntries(Object.entries(byStage).map(([stage, ops]) => [stage, sum(ops)]))),
      );
      expect(byStage[STATE_NAMES.aggregate]?.DeleteObjects, name).toBe(chunks);
      expect(byStage.WriteResults, name).toEqual({ PutObject: 1 });
      expect(byStage.CollectChunkResults, name).toEqual({ GetObject: chunks });
      expect(run.counters.sfn.expressBilledMs).toBeGreaterThanOrEqual(100 * chunks);
      expect(run.counters.compute.invocationsByTask[STATE_NAMES.convert]).toMatchObject({
        invocations: chunks,
        memoryMb: 1024,
      });
      expect(run.counters.compute.invocationsByTask[STATE_NAMES.aggregate]).toMatchObject({
        invocations: chunks,
        memoryMb: 512,
      });
      const stored = JSON.parse(new TextDecoder().decode(await s3.store.get(run.resultsKey))) as {
        findings: unknown;
      };
      expect(stored.findings).toEqual(run.findings);
    }
    // The edge clips are not trivially equal: they have findings to agree on.
    const noAudioDetectors = streamRuns.get('no-audio')?.run.findings.map((finding) => finding.detector);
    expect(new Set(noAudioDetectors)).toEqual(new Set(['black', 'freeze']));
    // Chunks past the end of a cut file are empty in both runners, and both say how far it decoded.
    const truncated = streamRuns.get('truncated')?.run.decode;
    expect(truncated?.truncated).toBe(true);
    expect(truncated?.decodedDurationSec).toBeCloseTo(2, 1);
    expect(streamRuns.get('no-video')?.run.findings.map((finding) => finding.detector)).toEqual(['silence']);
  }, 240_000);

  it('counts the same S3 requests, transitions, serializations and executions when a clip runs again alone', async () => {
    for (const name of ['freeze', 'no-audio', 'short']) {
      const first = streamRuns.get(name);
      expect(first, name).toBeDefined();
      if (first === undefined) continue;
      const again = await distributed.runClip(first.info);
      expect(deterministicCounts(again.counters), name).toEqual(deterministicCounts(first.run.counters));
      expect(again.findings).toEqual(first.run.findings);
    }
  }, 60_000);

  it('counts exactly linearly in the number of chunks (8 s of a shape = 2 x 4 s, but for the per-clip results object)', () => {
    const short = streamRuns.get('linear-4s')?.run;
    const long = streamRuns.get('linear-8s')?.run;
    expect(short && long).toBeTruthy();
    if (short === undefined || long === undefined) return;
    expect(long.counters.sfn.executionsStarted).toBe(2 * short.counters.sfn.executionsStarted);
    // Once per clip, as in the monolith: the clip's results object (one PUT, one serialization).
    const perClip: Record<string, number> = {
      's3 PutObject': 1,
      's3 WriteResults PutObject': 1,
      'serialization results encode': 1,
    };
    const perChunks = (counters: Counters): Record<string, number> => {
      const counts = deterministicCounts(counters);
      delete counts['s3 bytes up'];
      return Object.fromEntries(
        Object.entries(counts).map(([key, value]) => [key, value - (perClip[key] ?? 0)]),
      );
    };
    const doubled = Object.fromEntries(
      Object.entries(perChunks(short.counters)).map(([key, value]) => [key, 2 * value]),
    );
    expect(perChunks(long.counters)).toEqual(doubled);
  });

  it('keeps every payload far below the 256 KiB Step Functions limit', () => {
    expect(distributed.largestPayloadBytes).toBeGreaterThan(0);
    // Keys and counts, not media: a few KiB at most.
    expect(distributed.largestPayloadBytes).toBeLessThan(8 * 1024);
  });

  it('leaves no ffmpeg running on the test clips', async () => {
    expect(await processesMentioning(clips.dir)).toEqual([]);
  });
});
