import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../core/finding.ts';
import type { FixtureDefect } from '../media/fixtures/manifest.ts';
import {
  analyzeLikeMonolith,
  fixtureClip,
  fixturePath,
  fixturesForTests,
  type MonolithAnalysis,
  shortFixtureIds,
  type TestFixtures,
} from './test-fixtures.ts';

/**
 * Our findings (monolith path, every registered detector at its defaults) against the ground truth the
 * fixture manifest records, for every short fixture:
 * - every injected freeze, black and silence defect is found by the detector of its type, start and end
 *   within one frame (video) or 20 ms (audio);
 * - an av-offset clip gets one `av-sync` finding whose `details.offsetMs` has the manifest's sign and is
 *   within one frame (40 ms) of it;
 * - every finding is explained by a defect: a freeze, black or silence finding by a defect of its type at
 *   the same interval (a freeze finding by a black defect too: a black stretch is static), an av-sync
 *   finding by an av-sync defect, a block-corruption finding by a block-corruption defect it overlaps;
 *   so `clean` and `av-sync-ok` report nothing at all.
 */

const AUDIO_TOLERANCE_SEC = 0.02;
const EPSILON_SEC = 1e-6;
/** Detectors whose partials must not fail on any chunk of a fixture. */
const CHECKED_DETECTORS = ['freeze', 'black', 'silence', 'av-sync'];

let fixtures: TestFixtures;

beforeAll(async () => {
  fixtures = await fixturesForTests();
}, 300_000);

function toleranceSec(type: string, fps: number): number {
  return (type === 'silence' ? AUDIO_TOLERANCE_SEC : 1 / fps) + EPSILON_SEC;
}

function sameInterval(finding: Finding, defect: FixtureDefect, tolerance: number): boolean {
  return (
    Math.abs(finding.startSec - defect.startSec) <= tolerance &&
    Math.abs(finding.endSec - defect.endSec) <= tolerance
  );
}

/** Whether `defect` explains `finding` (see the file comment). */
function explains(defect: FixtureDefect, finding: Finding, fps: number): boolean {
  switch (finding.detector) {
    case 'freeze':
      return (
        (defect.type === 'freeze' || defect.type === 'black') &&
        sameInterval(finding, defect, toleranceSec('freeze', fps))
      );
    case 'black':
    case 'silence':
      return (
        defect.type === finding.detector && sameInterval(finding, defect, toleranceSec(defect.type, fps))
      );
    case 'av-sync':
      return defect.type === 'av-sync';
    case 'block-corruption':
      return (
        defect.type === 'block-corruption' &&
        finding.startSec < defect.endSec &&
        finding.endSec > defect.startSec
      );
    default:
      return false;
  }
}

describe('findings against the fixture manifest', () => {
  const results = new Map<string, MonolithAnalysis>();
  const analysed = async (id: string): Promise<MonolithAnalysis> => {
    let result = results.get(id);
    if (!result) {
      result = await analyzeLikeMonolith(fixturePath(fixtures, id));
      results.set(id, result);
    }
    return result;
  };

  it.each(shortFixtureIds)(
    '%s: every injected defect found, every finding explained',
    async (id) => {
      const clip = fixtureClip(fixtures, id);
      const { findings, analyses } = await analysed(id);
      const shown = JSON.stringify(findings.map((f) => [f.detector, f.startSec, f.endSec, f.details ?? {}]));

      for (const analysis of analyses) {
        for (const name of CHECKED_DETECTORS) {
          expect(analysis.failures?.[name], `${id} chunk ${analysis.index}`).toBeUndefined();
        }
      }

      for (const defect of clip.defects) {
        if (defect.type === 'freeze' || defect.type === 'black' || defect.type === 'silence') {
          const tolerance = toleranceSec(defect.type, clip.fps);
          const match = findings.filter(
            (finding) => finding.detector === defect.type && sameInterval(finding, defect, tolerance),
          );
          expect(match, `${id}: ${defect.type} ${defect.startSec}-${defect.endSec} in ${shown}`).toHaveLength(
            1,
          );
        } else if (defect.type === 'av-sync') {
          const sync = findings.filter((finding) => finding.detector === 'av-sync');
          expect(sync, `${id}: ${shown}`).toHaveLength(1);
          const offsetMs = sync[0]!.details?.offsetMs;
          expect(typeof offsetMs).toBe('number');
          expect(Math.sign(offsetMs as number)).toBe(Math.sign(defect.offsetMs));
          expect(Math.abs((offsetMs as number) - defect.offsetMs)).toBeLessThanOrEqual(1000 / clip.fps);
        }
      }

      for (const finding of findings) {
        const explainedBy = clip.defects.filter((defect) => explains(defect, finding, clip.fps));
        expect(
          explainedBy.length,
          `${id}: unexplained ${finding.detector} finding in ${shown}`,
        ).toBeGreaterThan(0);
      }
      // One finding per explaining defect and detector: nothing reported twice.
      const keys = findings.map((finding) => {
        const defect = clip.defects.find((candidate) => explains(candidate, finding, clip.fps))!;
        return `${finding.detector}@${defect.type}:${defect.startSec}`;
      });
      expect(new Set(keys).size, shown).toBe(keys.length);
    },
    60_000,
  );

  it('reports nothing at all on clean and av-sync-ok', async () => {
    expect((await analysed('clean')).findings).toEqual([]);
    expect((await analysed('av-sync-ok')).findings).toEqual([]);
  }, 60_000);

  it('finds the defects of multi-defect, a black stretch also as a freeze, the damage as block corruption', async () => {
    const { findings } = await analysed('multi-defect');
    // Starts to 0.1 s: the exact tolerances are checked per defect above.
    expect(findings.map((finding) => [finding.detector, Math.round(finding.startSec * 10) / 10])).toEqual([
      ['freeze', 2],
      ['black', 8],
      ['freeze', 8],
      ['silence', 12],
      ['block-corruption', 16],
    ]);
  }, 60_000);
});
