import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChildCount } from '../../infra/child-processes.ts';
import type { MediaInfo } from '../../media/probe.ts';
import { analyzeMonolithStreams } from './monolith-streams.ts';
import { type MonolithReference, startMonolithReference } from './monolith-test-support.ts';

/**
 * k streams in one monolith process against the single-stream monolith on real fixture clips: every
 * stream finds exactly what runMonolithClip finds for its clip, whatever runs beside it, and a failing
 * stream is data that leaves the others and no process behind.
 */

// multi-defect has freeze, black, silence and block-corruption; av-offset-audio-late has av-sync.
const CLIP_IDS = ['multi-defect', 'av-offset-audio-late', 'clean'] as const;

let reference: MonolithReference;

beforeAll(async () => {
  reference = await startMonolithReference(CLIP_IDS);
}, 60_000);

afterAll(async () => {
  await reference?.[Symbol.asyncDispose]();
});

const clipOf = (id: string): MediaInfo => reference.clipOf(id);

describe('multi-stream monolith', () => {
  it('the reference clips have findings from several detectors', () => {
    const detectors = new Set(
      CLIP_IDS.flatMap((id) => reference.referenceOf(id)?.findings.map((f) => f.detector) ?? []),
    );
    expect(detectors).toContain('block-corruption');
    expect(detectors).toContain('av-sync');
    expect(detectors).toContain('freeze');
  });

  it('finds in each of k = 5 concurrent streams exactly what the single monolith finds', async () => {
    // Clips repeat, as round-robin streams do: each entry is its own stream with its own decoder.
    const ids = [...CLIP_IDS, 'multi-defect', 'av-offset-audio-late'];
    const runs = await analyzeMonolithStreams(
      ids.map((id) => clipOf(id)),
      reference.context,
    );
    expect(runs).toHaveLength(ids.length);
    for (const [index, id] of ids.entries()) {
      const run = runs[index];
      const expected = reference.referenceOf(id);
      if (run?.status !== 'ok') throw new Error(`stream ${index} (${id}) failed: ${JSON.stringify(run)}`);
      expect(run.findings).toEqual(expected?.findings);
      expect(run.decode).toEqual(expected?.decode);
      expect(run.chunkLatenciesMs).toHaveLength(expected?.chunkLatenciesMs?.length ?? -1);
    }
    expect(liveChildCount()).toBe(reference.childrenBefore);
  }, 120_000);

  it('keeps a failing stream as data, the others complete, and no decoder is left running', async () => {
    const missing: MediaInfo = { ...clipOf('clean'), path: `${clipOf('clean').path}.missing.mp4` };
    const runs = await analyzeMonolithStreams([clipOf('av-offset-audio-late'), missing], reference.context);
    expect(runs[0]?.status).toBe('ok');
    if (runs[0]?.status === 'ok')
      expect(runs[0].findings).toEqual(reference.referenceOf('av-offset-audio-late')?.findings);
    expect(runs[1]).toMatchObject({ status: 'failed', clip: { path: missing.path } });
    expect(liveChildCount()).toBe(reference.childrenBefore);
  }, 60_000);
});
