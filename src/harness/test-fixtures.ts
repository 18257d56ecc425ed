import path from 'node:path';
import { aggregateFindings, analyzeChunk, type ChunkAnalysis } from '../core/aggregate.ts';
import type { Finding } from '../core/finding.ts';
import { createDetectorPorts } from '../infra/detector-ports.ts';
import { type DecodeOptions, defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import { ensureFixtures, fixtureIds } from '../media/fixtures/fixture-generator.ts';
import type { FixtureClip, FixtureManifest } from '../media/fixtures/manifest.ts';
import { type MediaInfo, probeMedia, toClipInfo } from '../media/probe.ts';
import { resolveDetectors } from './detectors.ts';

/**
 * Test support for the integration tests over the generated fixture clips (not used by the product).
 * All test files share the project's fixture directory; `ensureFixtures` locks it, so parallel vitest
 * workers generate each clip once and the others wait and reuse it.
 */

/** Repository root, from this file's location (`src/harness`). */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');

/** The project's default fixture directory (`fixturesDir` of bench.config.ts). */
export const testFixturesDir = path.join(repoRoot, 'fixtures', 'clips');

/** Whether slow tests run (`ARCHBENCH_SLOW=1`): then the 10-minute `long` clip is included. */
export const slowTestsEnabled = process.env.ARCHBENCH_SLOW === '1';

/** The fixture ids the integration tests use: every clip, `long` only with `ARCHBENCH_SLOW=1`. */
export const testFixtureIds: readonly string[] = fixtureIds.filter((id) => slowTestsEnabled || id !== 'long');

/** Ids of the short fixtures (every clip but `long`). */
export const shortFixtureIds: readonly string[] = fixtureIds.filter((id) => id !== 'long');

/** The fixture directory and its manifest, with every id of {@link testFixtureIds} up to date. */
export interface TestFixtures {
  readonly dir: string;
  readonly manifest: FixtureManifest;
}

let pending: Promise<TestFixtures> | undefined;

/**
 * Generates (once per process; across processes the directory lock makes the others wait) and returns
 * the test fixtures in {@link testFixturesDir}.
 */
export function fixturesForTests(): Promise<TestFixtures> {
  pending ??= ensureFixtures({ dir: testFixturesDir, only: testFixtureIds }).then((manifest) => ({
    dir: testFixturesDir,
    manifest,
  }));
  return pending;
}

/** The manifest entry of `id`; throws when the manifest lacks it. */
export function fixtureClip(fixtures: TestFixtures, id: string): FixtureClip {
  const entry = fixtures.manifest.clips.find((candidate) => candidate.id === id);
  if (!entry) throw new Error(`fixture ${id} is not in the manifest of ${fixtures.dir}`);
  return entry;
}

/** Absolute path of the clip file of `id`. */
export function fixturePath(fixtures: TestFixtures, id: string): string {
  return path.join(fixtures.dir, fixtureClip(fixtures, id).file);
}

/** What the monolith path found in one clip. */
export interface MonolithAnalysis {
  readonly info: MediaInfo;
  readonly analyses: readonly ChunkAnalysis[];
  readonly findings: readonly Finding[];
}

/**
 * Analyses a clip the way the monolith runner does, without its S3 and counters: one whole-clip decode,
 * every registered detector with its defaults (and the ports the harness gives them) on each chunk, then
 * aggregation.
 */
export async function analyzeLikeMonolith(
  clipPath: string,
  options: DecodeOptions = defaultDecodeOptions,
): Promise<MonolithAnalysis> {
  const info = await probeMedia(clipPath);
  const detectors = resolveDetectors(undefined);
  const analyses: ChunkAnalysis[] = [];
  await using decoder = openClipDecoder(info, options);
  const ports = await createDetectorPorts(detectors.map((detector) => detector.name));
  for await (const chunk of decoder.chunks()) analyses.push(await analyzeChunk(chunk, detectors, ports));
  return { info, analyses, findings: aggregateFindings(analyses, detectors, toClipInfo(info)) };
}
