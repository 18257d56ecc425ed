import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../core/finding.ts';
import { liveChildCount } from '../../infra/child-processes.ts';
import type { MediaInfo } from '../../media/probe.ts';
import { type ClonedClipRun, createClonedMonolithRunner } from './monolith-clones.ts';
import { createMonolithRunner } from './monolith-runner.ts';
import { type ClonePartition, partitionDetectorNames } from './monolith-settings.ts';
import { type MonolithReference, startMonolithReference } from './monolith-test-support.ts';

/**
 * Monolith clones against the single monolith on real fixture clips: the same findings in the same order
 * whatever the clone count and partition, decode paid once per clone, and a killed clone failing only its
 * clip without leaving a process behind.
 */

// multi-defect has freeze, black, silence and block-corruption; av-offset-audio-late has av-sync.
const CLIP_IDS = ['multi-defect', 'av-offset-audio-late'] as const;

let reference: MonolithReference;

beforeAll(async () => {
  reference = await startMonolithReference(CLIP_IDS);
}, 60_000);

afterAll(async () => {
  await reference?.[Symbol.asyncDispose]();
});

const clipOf = (id: string): MediaInfo => reference.clipOf(id);

function referenceFindings(id: string): readonly Finding[] {
  const run = reference.referenceOf(id);
  if (run === undefined) throw new Error(`no reference run of ${id}`);
  return run.findings;
}

/** Processes whose process group is `pgid` (a clone and whatever it started), from /proc. */
function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command name: state, ppid, pgrp.
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

describe('partitionDetectorNames', () => {
  it('deals detectors round-robin in the run order, deterministically', () => {
    const names = ['freeze', 'black', 'silence', 'av-sync', 'block-corruption'];
    expect(partitionDetectorNames(names, 2)).toEqual([
      ['freeze', 'silence', 'block-corruption'],
      ['black', 'av-sync'],
    ]);
    expect(partitionDetectorNames(names, 3)).toEqual([
      ['freeze', 'av-sync'],
      ['black', 'block-corruption'],
      ['silence'],
    ]);
  });
});

describe('monolith clones', () => {
  it('the reference clips have block-corruption and av-sync findings', () => {
    const detectors = new Set(CLIP_IDS.flatMap((id) => referenceFindings(id).map((f) => f.detector)));
    expect(detectors).toContain('block-corruption');
    expect(detectors).toContain('av-sync');
    expect(detectors).toContain('freeze');
  });

  const cases: [ClonePartition, number][] = [
    ['detectors', 2],
    ['detectors', 3],
    ['streams', 2],
    ['streams', 3],
  ];
  it.each(cases)(
    'partition %s with %i clones finds exactly what the single monolith finds',
    async (partition, clones) => {
      const runner = await createMonolithRunner({ ...reference.context, monolith: { clones, partition } });
      try {
        const runs = await Promise.all(
          CLIP_IDS.map((id) => runner.runClip(clipOf(id)) as Promise<ClonedClipRun>),
        );
        for (const [index, id] of CLIP_IDS.entries()) {
          const run = runs[index];
          expect(run?.findings).toEqual(referenceFindings(id));
          const expectedClones = partition === 'detectors' ? clones : 1;
          expect(run?.clones).toHaveLength(expectedClones);
          // Each clone wrote its own results object: one PUT per clone and clip, no dispatcher write.
          expect(run?.counters.s3.requestsByOperation.PutObject).toBe(expectedClones);
          const stored = JSON.parse(
            new TextDecoder().decode(await reference.s3.store.get(run?.resultsKey ?? '')),
          ) as {
            clone: { detectors: string[] };
          };
          expect(stored.clone.detectors).toEqual(run?.clones[0]?.detectors);
        }
        if (partition === 'streams') {
          // Two clips sent at once went to two different clones.
          expect(new Set(runs.map((run) => run.clones[0]?.index)).size).toBe(2);
        }
      } finally {
        await runner[Symbol.asyncDispose]();
      }
      expect(liveChildCount()).toBe(reference.childrenBefore);
    },
    60_000,
  );

  it('with partition detectors every clone decodes the whole clip itself, and the decode CPU adds up', async () => {
    const id = 'av-offset-audio-late';
    const single = reference.referenceOf(id);
    await using runner = await createClonedMonolithRunner(reference.context, {
      settings: { clones: 3, partition: 'detectors' },
    });
    const run = await runner.runClip(clipOf(id));
    expect(run.clones.map((clone) => clone.detectors)).toEqual(
      partitionDetectorNames(
        reference.context.detectors.map((detector) => detector.name),
        3,
      ),
    );
    for (const clone of run.clones) {
      expect(clone.decode).toEqual(single?.decode);
      expect(clone.decodeCpuMs).toBeGreaterThan(0);
    }
    const decodeCpuMs = run.clones.reduce((sum, clone) => sum + clone.decodeCpuMs, 0);
    expect(run.counters.compute.cpuMsByComponent['decode:ffmpeg']).toBeCloseTo(decodeCpuMs, 6);
    expect(run.counters.serialization['clone-results']?.encodeOps).toBe(3);
    // Memory: three processes resident at once.
    const peaks = run.clones.map((clone) => clone.peakRssBytes);
    expect(Math.min(...peaks)).toBeGreaterThan(0);
    expect(run.counters.compute.peakRssBytes).toBe(peaks.reduce((sum, bytes) => sum + bytes, 0));
  }, 60_000);

  it('a clone killed mid-clip fails that clip with one line and leaves no process behind', async () => {
    const runner = await createClonedMonolithRunner(reference.context, {
      settings: { clones: 2, partition: 'detectors' },
    });
    const victim = runner.clones[0];
    const pid = victim?.pid;
    if (victim === undefined || pid === undefined) throw new Error('no clone started');
    try {
      const pending = runner.runClip(clipOf('multi-defect'));
      // Kill it once its ffmpeg runs: the decoder must not survive its clone.
      while (processGroupMembers(pid).length < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      victim.kill('SIGKILL');
      const error = await pending.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(Error);
      const message = (error as Error).message;
      expect(message).toMatch(
        /multi-defect\.mp4: monolith clone 1 of 2 \(.*\) died while analysing the clip \(signal SIGKILL\)/,
      );
      expect(message).not.toContain('\n');
      expect(processGroupMembers(pid)).toEqual([]);
    } finally {
      await runner[Symbol.asyncDispose]();
    }
    expect(processGroupMembers(pid)).toEqual([]);
    expect(liveChildCount()).toBe(reference.childrenBefore);
  }, 60_000);
});
