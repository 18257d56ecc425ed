import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.ts';
import { type ReferenceInterval, runReferenceDetectors } from '../media/fixtures/reference-detectors.ts';
import {
  analyzeLikeMonolith,
  fixtureClip,
  fixturePath,
  fixturesForTests,
  slowTestsEnabled,
  type TestFixtures,
} from './test-fixtures.ts';

/**
 * Our freeze, black and silence detectors against ffmpeg's own freezedetect, blackdetect and
 * silencedetect at default settings, on the same fixture clips. Ours run the monolith path (one
 * whole-clip decode, `analyzeChunk` per chunk, `aggregateFindings`). Both must report the same intervals:
 * the same number per detector, starts and ends within one frame (1/fps) for video and 20 ms for audio.
 * ffmpeg's freezedetect also reports a black stretch as a freeze, and so does ours: each side is
 * compared as it reports.
 *
 * At the end of a clip ffmpeg 4.1 logs only the start of an interval still open (freezedetect only once
 * the last frame is `duration` past the freeze start, silencedetect always); the parser gives it an end of
 * Infinity. Ours ends such an interval at the clip's end, so there the comparison takes the clip's
 * duration as ffmpeg's end. (None of these fixtures has a defect running to its end; `long`'s freeze is
 * in the middle.)
 */

const ORACLE_IDS = [
  'clean',
  'freeze',
  'black',
  'silence',
  'multi-defect',
  ...(slowTestsEnabled ? ['long'] : []),
];
const AUDIO_TOLERANCE_SEC = 0.02;
/** Float noise allowance on top of the tolerances (times are rounded to microseconds). */
const EPSILON_SEC = 1e-6;

type Compared = 'freeze' | 'black' | 'silence';
const COMPARED: readonly Compared[] = ['freeze', 'black', 'silence'];

/** Largest start and end differences seen per detector, seconds, for the summary printed at the end. */
const maxDelta = new Map<Compared, { startSec: number; endSec: number; intervals: number }>(
  COMPARED.map((name) => [name, { startSec: 0, endSec: 0, intervals: 0 }]),
);

let fixtures: TestFixtures;

beforeAll(async () => {
  fixtures = await fixturesForTests();
}, 300_000);

afterAll(() => {
  // Reported, not asserted beyond the tolerances: the measured agreement for the record.
  const lines = COMPARED.map((name) => {
    const delta = maxDelta.get(name)!;
    const ms = (sec: number) => (sec * 1000).toFixed(2);
    return `  ${name}: ${delta.intervals} intervals, max |start delta| ${ms(delta.startSec)} ms, max |end delta| ${ms(delta.endSec)} ms`;
  });
  console.info(`detector oracle (ours vs ffmpeg, ${ORACLE_IDS.join(', ')}):\n${lines.join('\n')}`);
});

describe('detectors against ffmpeg freezedetect/blackdetect/silencedetect (defaults)', () => {
  it.each(ORACLE_IDS)(
    '%s: same intervals as ffmpeg',
    async (id) => {
      const clipPath = fixturePath(fixtures, id);
      const [reference, ours] = await Promise.all([
        runReferenceDetectors(clipPath),
        analyzeLikeMonolith(clipPath),
      ]);
      const frameSec = 1 / fixtureClip(fixtures, id).fps;
      const clipEndSec = ours.info.durationSec;
      for (const name of COMPARED) {
        const toleranceSec = (name === 'silence' ? AUDIO_TOLERANCE_SEC : frameSec) + EPSILON_SEC;
        const found = ours.findings.filter((finding) => finding.detector === name);
        const expected = reference[name];
        const message = `${id} ${name}: ours ${spans(found)} vs ffmpeg ${spans(expected)}`;
        expect(found.length, message).toBe(expected.length);
        expected.forEach((interval, i) => {
          const finding = found[i]!;
          const referenceEndSec = Number.isFinite(interval.endSec) ? interval.endSec : clipEndSec;
          const startDelta = Math.abs(finding.startSec - interval.startSec);
          const endDelta = Math.abs(finding.endSec - referenceEndSec);
          const delta = maxDelta.get(name)!;
          maxDelta.set(name, {
            startSec: Math.max(delta.startSec, startDelta),
            endSec: Math.max(delta.endSec, endDelta),
            intervals: delta.intervals + 1,
          });
          expect(startDelta, message).toBeLessThanOrEqual(toleranceSec);
          expect(endDelta, message).toBeLessThanOrEqual(toleranceSec);
        });
      }
    },
    slowTestsEnabled ? 300_000 : 60_000,
  );

  it('compares something: the defect clips give ffmpeg intervals of every kind', () => {
    const counted = COMPARED.map((name) => maxDelta.get(name)!.intervals);
    // freeze: freeze (1) + multi-defect freeze and black (2) + black (1); black: 2; silence: 2.
    expect(counted.every((count) => count >= 2)).toBe(true);
  });
});

function spans(intervals: readonly (Finding | ReferenceInterval)[]): string {
  return JSON.stringify(intervals.map((interval) => [interval.startSec, interval.endSec]));
}
