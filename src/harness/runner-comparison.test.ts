import { describe, expect, it } from 'vitest';
import { createCounters } from '../core/counters.ts';
import type { Finding } from '../core/finding.ts';
import { type AnalyzeDocument, exitCodeOf, type RunDocument } from './results.ts';
import { compareRunnerFindings } from './runner-comparison.ts';

const decode = {
  decodedDurationSec: 3,
  containerDurationSec: 3,
  truncated: false,
  videoFrames: 75,
  audioSamples: 48_000,
};

function ok(runner: string, findings: Finding[]): RunDocument {
  return {
    runner,
    status: 'ok',
    findings,
    counters: createCounters(),
    decode,
    resultsKey: `results/${runner}.json`,
  };
}

function failed(runner: string, kind: 'bad-input' | 'unavailable' | 'internal'): RunDocument {
  return { runner, status: 'failed', error: { kind, message: `${runner} failed` } };
}

function documentOf(...clips: RunDocument[][]): AnalyzeDocument {
  return {
    schemaVersion: 1,
    clips: clips.map((runs, index) => ({ path: `clip-${index}.mp4`, durationSec: 3, runs })),
  };
}

const freeze: Finding = { detector: 'freeze', startSec: 1, endSec: 3, confidence: 1 };
const black: Finding = {
  detector: 'black',
  startSec: 0.5,
  endSec: 2.5,
  confidence: 0.9,
  details: { meanLuma: 16 },
};

describe('compareRunnerFindings', () => {
  it('finds nothing to report when the runners agree exactly', () => {
    expect(
      compareRunnerFindings(
        documentOf([ok('monolith', [black, freeze]), ok('distributed', [black, freeze])]),
      ),
    ).toEqual([]);
  });

  it('reports a clip whose findings differ, naming both runners and the first difference', () => {
    const document = documentOf(
      [ok('monolith', [freeze]), ok('distributed', [freeze])],
      [ok('monolith', [black, freeze]), ok('distributed', [{ ...black, endSec: 2.54 }, freeze])],
      [ok('monolith', [freeze]), ok('distributed', [])],
    );
    const differences = compareRunnerFindings(document);
    expect(differences.map((difference) => difference.clipPath)).toEqual(['clip-1.mp4', 'clip-2.mp4']);
    expect(differences[0]).toMatchObject({ reference: 'monolith', runner: 'distributed' });
    expect(differences[0]?.summary).toContain('monolith has 2 finding(s), distributed 2');
    expect(differences[0]?.summary).toContain('first difference at #1: monolith black 0.5-2.5 s');
    expect(differences[0]?.summary).toContain('distributed black 0.5-2.54 s');
    expect(differences[1]?.summary).toContain('distributed none');
  });

  it('does not compare a failed run (its failure is reported on its own)', () => {
    expect(
      compareRunnerFindings(documentOf([ok('monolith', [freeze]), failed('distributed', 'internal')])),
    ).toEqual([]);
  });
});

describe('exitCodeOf', () => {
  it('maps an unavailable service to 1, below bad input (2) and internal failures (70)', () => {
    expect(exitCodeOf(documentOf([ok('monolith', []), failed('distributed', 'unavailable')]))).toBe(1);
    expect(
      exitCodeOf(documentOf([failed('monolith', 'bad-input'), failed('distributed', 'unavailable')])),
    ).toBe(2);
    expect(
      exitCodeOf(documentOf([failed('monolith', 'internal')], [failed('distributed', 'unavailable')])),
    ).toBe(70);
    expect(exitCodeOf(documentOf([ok('monolith', []), ok('distributed', [])]))).toBe(0);
  });
});
