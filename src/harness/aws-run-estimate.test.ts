import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PriceBook } from '../core/cost/price-book.ts';
import {
  buildWorkflowDefinition,
  exampleAccountActivityArns,
} from '../runners/distributed/state-machine-definition.ts';
import {
  type BaselineProfiles,
  estimateAwsRun,
  loadBaselineProfiles,
  renderAwsRunEstimate,
  successPathTransitions,
} from './aws-run-estimate.ts';
import { loadPriceBook } from './price-book-loader.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const POLICY = {
  taskTimeoutSec: 30,
  heartbeatSec: 10,
  retry: { maxAttempts: 2, intervalSec: 1, backoffRate: 2 },
};
const definitionFor = (detectors: string[]) =>
  buildWorkflowDefinition(detectors, exampleAccountActivityArns(detectors), POLICY);

let book: PriceBook;
let baseline: BaselineProfiles;

beforeAll(async () => {
  book = await loadPriceBook('aws-us-east-1-2026-11', repoRoot);
  const loaded = await loadBaselineProfiles(repoRoot);
  if (loaded === undefined) throw new Error('the committed gate baseline is missing');
  baseline = loaded;
});

describe('successPathTransitions', () => {
  it('counts Convert, the Parallel, one Task per detector branch and Aggregate', () => {
    expect(successPathTransitions(definitionFor(['a']))).toBe(4);
    expect(successPathTransitions(definitionFor(['a', 'b', 'c']))).toBe(6);
  });

  it('refuses a definition whose Next names no state', () => {
    expect(() =>
      successPathTransitions({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } }),
    ).toThrow(/no state Missing/);
  });
});

describe('estimateAwsRun', () => {
  const clips = [{ durationSec: 2.5 }, { durationSec: 1 }];

  it('prices one execution per chunk per replay at the definition transitions and the book price', () => {
    const estimate = estimateAwsRun({
      clips,
      chunkSeconds: 1,
      definition: definitionFor(['a', 'b']),
      replays: { distributed: 2, monolith: 0 },
      priceBook: book,
      baseline,
    });
    // 3 + 1 chunks, twice; 5 transitions each.
    expect(estimate.executions).toBe(8);
    expect(estimate.transitionsPerExecution).toBe(5);
    expect(estimate.transitions).toBe(40);
    expect(estimate.streamSeconds).toEqual({ distributed: 7, monolith: 0 });
    const transitions = estimate.lines.find((line) => line.label.includes('state transitions'));
    const line = book.lines['sfn.standard.transitions'];
    expect(transitions?.quantity).toBe(40);
    expect(transitions?.usd).toBeCloseTo((40 * line.price) / line.per, 12);
    const tier2 = estimate.lines.find((entry) => entry.label.startsWith('S3 tier 2'));
    expect(tier2?.quantity).toBeCloseTo(baseline.distributed.count.s3RequestsByTier.tier2 * 7, 9);
    expect(estimate.lines.every((entry) => entry.design === 'distributed')).toBe(true);
    expect(estimate.totalUsd).toBeCloseTo(
      estimate.lines.reduce((sum, entry) => sum + entry.usd, 0),
      12,
    );
    // Lambda and Fargate are not billed: the tasks run on this machine.
    expect(estimate.lines.some((entry) => /Lambda|Fargate|EC2/.test(entry.label))).toBe(false);
  });

  it('stops each replay at --max-executions and scales the S3 lines to the chunks that run', () => {
    const capped = estimateAwsRun({
      clips,
      chunkSeconds: 1,
      definition: definitionFor(['a']),
      replays: { distributed: 1, monolith: 1 },
      priceBook: book,
      baseline,
      maxExecutions: 2,
    });
    expect(capped.executions).toBe(2);
    expect(capped.streamSeconds).toEqual({ distributed: 3.5 * (2 / 4), monolith: 3.5 });
    expect(capped.notes.some((note) => note.includes('--max-executions 2'))).toBe(true);
    expect(capped.lines.some((entry) => entry.design === 'monolith')).toBe(true);
  });

  it('leaves S3 out, and says so, without a baseline', () => {
    const estimate = estimateAwsRun({
      clips,
      chunkSeconds: 1,
      definition: definitionFor(['a']),
      replays: { distributed: 1, monolith: 1 },
      priceBook: book,
    });
    expect(estimate.lines.map((entry) => entry.label)).toEqual(['Step Functions Standard state transitions']);
    expect(estimate.notes.some((note) => note.includes('S3 requests are not included'))).toBe(true);
    const text = renderAwsRunEstimate(estimate, book.id);
    expect(text).toContain(`Estimated AWS cost of this run (price book ${book.id})`);
    expect(text).toContain('4 Step Functions execution(s) x 4 billed transitions = 16 transitions');
  });
});

describe('loadBaselineProfiles', () => {
  it('is undefined where there is no baseline', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'archbench-estimate-'));
    try {
      expect(await loadBaselineProfiles(dir)).toBeUndefined();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
