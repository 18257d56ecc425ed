import { describe, expect, it } from 'vitest';
import { aggregateFindings, analyzeChunk, type ResolvedDetector } from './aggregate.ts';
import type { Detector } from './detector.ts';
import type { AvSyncPartial } from './detectors/av-sync-detector.ts';
import type { BlackPartial } from './detectors/black-detector.ts';
import type { FreezePartial } from './detectors/freeze-detector.ts';
import type { SilencePartial } from './detectors/silence-detector.ts';
import {
  addTone,
  clipInfoOf,
  createTestClip,
  cutIntoChunks,
  detectorFor,
  fillSamples,
  isPlainJson,
  runTestClip,
  setFrames,
  TEST_CHUNKINGS,
  type TestClip,
} from './detectors/test-clip-builder.ts';
import { compareFindings } from './finding.ts';

const allDetectors = ['freeze', 'black', 'silence', 'av-sync'].map((name) => detectorFor(name));

/** A detector that fails on chunks 1 and 2 and finds one defect per chunk otherwise. */
const flaky: Detector<{ readonly failOn: readonly number[] }, { readonly index: number }> = {
  name: 'flaky',
  needs: 'video',
  defaults: { failOn: [1, 2] },
  emptyPartial: { index: -1 },
  validate: () => undefined,
  analyzeChunk: (chunk, params) => {
    if (params.failOn.includes(chunk.index)) throw new Error(`decoder said no on chunk ${chunk.index}`);
    return Promise.resolve({ index: chunk.index });
  },
  finalize: (partials) =>
    partials
      .filter((partial) => partial.index >= 0)
      .map((partial) => ({
        detector: 'flaky',
        startSec: partial.index,
        endSec: partial.index + 0.5,
        confidence: 1,
      })),
};
const flakyResolved: ResolvedDetector = { name: 'flaky', detector: flaky, params: flaky.defaults };

/** A clip with one defect of each kind. */
function defectiveClip(options = {}): TestClip {
  const clip = createTestClip(options);
  if (clip.frames !== null) {
    setFrames(clip, 10, 70, clip.frames[10]!); // freeze 0.4-2.8
    setFrames(clip, 120, 180, new Uint8Array(32 * 18)); // black 4.8-7.2 (black frames also freeze)
    setFrames(clip, 200, 202, new Uint8Array(32 * 18).fill(235)); // flash at 8.0
  }
  if (clip.samples !== null) {
    fillSamples(clip, 16_000, 56_000, 0); // silence 1.0-3.5
    addTone(clip, 8.2, 0.1); // beep 200 ms after the flash
  }
  return clip;
}

describe('analyzeChunk', () => {
  it('records a throwing detector in failures and still runs the others', async () => {
    const clip = defectiveClip();
    const detectors = [flakyResolved, ...allDetectors];
    const { analyses, findings } = await runTestClip(clip, detectors, 1);
    expect(analyses[1]!.failures).toEqual({ flaky: 'decoder said no on chunk 1' });
    expect(analyses[2]!.failures).toEqual({ flaky: 'decoder said no on chunk 2' });
    expect(analyses[0]!.failures).toBeUndefined();
    expect(Object.keys(analyses[1]!.partials)).toEqual(['freeze', 'black', 'silence', 'av-sync']);
    // The failed chunks count as "nothing observed"; the flaky detector's other chunks still report.
    expect(findings.filter((f) => f.detector === 'flaky').map((f) => f.startSec)).toEqual([
      0, 3, 4, 5, 6, 7, 8, 9,
    ]);
    const others = findings.filter((f) => f.detector !== 'flaky');
    expect(others).toEqual((await runTestClip(clip, allDetectors, 1)).findings);
    expect(new Set(others.map((f) => f.detector))).toEqual(
      new Set(['freeze', 'black', 'silence', 'av-sync']),
    );
  });

  it('gives a detector whose stream is missing its empty partial and no work', async () => {
    const clip = defectiveClip({ audio: false });
    const { analyses, findings } = await runTestClip(clip, allDetectors, 1);
    for (const analysis of analyses) {
      expect(analysis.failures).toBeUndefined();
      expect(analysis.partials.silence).toEqual({ segments: [] });
      expect(analysis.partials['av-sync']).toEqual({ flashes: [], beeps: [] });
    }
    expect(findings.map((f) => f.detector)).toEqual(['freeze', 'black', 'freeze']);
  });

  it('reports how long each detector took on the chunk', async () => {
    const [chunk] = cutIntoChunks(defectiveClip(), 1);
    const timed: string[] = [];
    await analyzeChunk(chunk!, allDetectors, {}, (name, elapsedMs) => {
      expect(elapsedMs).toBeGreaterThanOrEqual(0);
      timed.push(name);
    });
    expect(timed).toEqual(['freeze', 'black', 'silence', 'av-sync']);
  });

  it('produces partials that are plain JSON and survive a round trip unchanged', async () => {
    for (const chunkSeconds of TEST_CHUNKINGS) {
      const { analyses } = await runTestClip(defectiveClip(), allDetectors, chunkSeconds);
      for (const analysis of analyses) {
        expect(isPlainJson(analysis)).toBe(true);
        expect(JSON.parse(JSON.stringify(analysis))).toStrictEqual(analysis);
      }
    }
  });

  it('keeps partials a few entries long on ordinary content (runs that cannot become findings stay out)', async () => {
    const clip = createTestClip();
    addTone(clip, 0, 10, 50, 0.05); // a quiet low tone: many samples near zero at every crossing
    for (const chunkSeconds of [1, Number.POSITIVE_INFINITY]) {
      const { analyses, findings } = await runTestClip(clip, allDetectors, chunkSeconds);
      expect(findings).toEqual([]);
      for (const analysis of analyses) {
        const partials = analysis.partials as {
          freeze: FreezePartial;
          black: BlackPartial;
          silence: SilencePartial;
          'av-sync': AvSyncPartial;
        };
        expect(partials.freeze.runs).toHaveLength(1); // only the run at the chunk's first frame
        expect(partials.black.segments).toEqual([]);
        expect(partials.silence.segments.length).toBeLessThanOrEqual(2); // at most one per chunk edge
        expect(partials['av-sync'].beeps.length).toBeLessThanOrEqual(2);
        expect(partials['av-sync'].flashes).toEqual([]);
        // The natural-content av-sync signal is dense by nature (a level per 10-ms hop, a change per
        // frame): bounded per second of media on its own, the rest stays a few entries long.
        const { natural, ...markers } = partials['av-sync'];
        const withoutNatural = { ...analysis, partials: { ...partials, 'av-sync': markers } };
        expect(JSON.stringify(withoutNatural).length).toBeLessThan(400);
        const seconds = analysis.endSec - analysis.startSec;
        expect(JSON.stringify(natural).length).toBeLessThan(1000 * seconds);
      }
    }
  });
});

describe('aggregateFindings', () => {
  it('finds every injected defect, sorted canonically, identically for every chunking and after JSON', async () => {
    const clip = defectiveClip();
    const reference = (await runTestClip(clip, allDetectors, Number.POSITIVE_INFINITY)).findings;
    expect(reference.map((f) => [f.detector, f.startSec, f.endSec])).toEqual([
      ['freeze', 0.4, 2.8],
      ['silence', 1, 3.5],
      ['black', 4.8, 7.2],
      ['freeze', 4.8, 7.2],
      ['av-sync', 8, expect.closeTo(8.3, 3)],
    ]);
    expect([...reference].sort(compareFindings)).toEqual(reference);
    for (const chunkSeconds of TEST_CHUNKINGS) {
      for (const viaJson of [false, true]) {
        const { findings } = await runTestClip(clip, allDetectors, chunkSeconds, { viaJson });
        expect(findings, `chunkSeconds=${chunkSeconds} viaJson=${viaJson}`).toEqual(reference);
      }
    }
  });

  it('orders analyses by chunk index, whatever order they arrive in', async () => {
    const clip = defectiveClip();
    const { analyses, findings } = await runTestClip(clip, allDetectors, 0.5);
    const shuffled = [...analyses].reverse();
    shuffled.push(shuffled.splice(3, 1)[0]!);
    expect(aggregateFindings(shuffled, allDetectors, clipInfoOf(clip))).toEqual(findings);
  });

  it('rejects two analyses of the same chunk', async () => {
    const clip = defectiveClip();
    const { analyses } = await runTestClip(clip, allDetectors, 1);
    expect(() => aggregateFindings([...analyses, analyses[3]!], allDetectors, clipInfoOf(clip))).toThrow(
      /chunk 3 was analysed twice/,
    );
  });
});
