import { SFNClient } from '@aws-sdk/client-sfn';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EmbeddedStepFunctions,
  sfnClientConfig,
  startEmbeddedStepFunctions,
} from '../local-step-functions-server.ts';
import { type CaseComparison, compareWithAws, loadConformanceCases } from './conformance-case.ts';
import { replayCase } from './conformance-replay.ts';

/**
 * Cases whose history cannot match AWS, with the reason. Each is still replayed: its billed transitions
 * must match, and its history must still differ (an entry that starts matching must leave this list).
 */
const KNOWN_HISTORY_DIFFERENCES: Readonly<Record<string, string>> = {};

/** Cases replayed at once: enough to overlap their Retry intervals and Wait states, few enough for 2 cores. */
const CONCURRENCY = 8;

const cases = loadConformanceCases();

describe('the embedded endpoint against execution histories recorded on AWS', () => {
  let server: EmbeddedStepFunctions;
  let sfn: SFNClient;
  const results = new Map<string, CaseComparison>();

  beforeAll(async () => {
    server = await startEmbeddedStepFunctions({ maxPollWaitMs: 200 });
    sfn = new SFNClient(sfnClientConfig(server.endpoint));
    const queue = [...cases];
    const lanes = Array.from({ length: CONCURRENCY }, async () => {
      for (let testCase = queue.shift(); testCase !== undefined; testCase = queue.shift()) {
        const replay = await replayCase(sfn, testCase).catch((error: unknown) => ({
          status: `not run: ${(error as Error).name}: ${(error as Error).message}`,
          events: [],
        }));
        results.set(testCase.id, compareWithAws(testCase, replay));
      }
    });
    await Promise.all(lanes);
  }, 120_000);

  afterAll(async () => {
    sfn?.destroy();
    await server?.stop();
  });

  it('runs on the patched engine (patches/aws-local-stepfunctions+3.0.0.patch, applied by npm install)', async () => {
    // Without the patch a wildcard on a missing field fails with States.Runtime; AWS yields [].
    const machine = new StateMachine({
      StartAt: 'Probe',
      States: { Probe: { Type: 'Pass', Parameters: { 'items.$': '$.items[*]' }, End: true } },
    });
    await expect(machine.run({}).result).resolves.toEqual({ items: [] });
  });

  it('has 40 to 80 cases, each with its source and AWS recording date', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(cases.length).toBeLessThanOrEqual(80);
    for (const testCase of cases) {
      expect(testCase.source.test).toMatch(/^tests\/aws\/services\/stepfunctions\//);
      expect(testCase.source.recordedDate ?? testCase.source.lastValidatedAgainstAws).toBeTruthy();
    }
    for (const id of Object.keys(KNOWN_HISTORY_DIFFERENCES)) {
      expect(cases.map((testCase) => testCase.id)).toContain(id);
    }
  });

  it.each(cases.map((testCase) => testCase.id))('%s: billed transitions, outcome and history', (id) => {
    const result = results.get(id);
    expect(result).toBeDefined();
    if (result === undefined) return;
    if (process.env.CONFORMANCE_REPORT) console.log(id, JSON.stringify(result));
    expect(result.billed.endpoint).toBe(result.billed.aws);
    expect(result.outcomeDifferences).toEqual([]);
    if (KNOWN_HISTORY_DIFFERENCES[id] === undefined) {
      expect(result.historyDifferences).toEqual([]);
      expect(result.orderDifferences).toEqual([]);
    } else {
      expect([...result.historyDifferences, ...result.orderDifferences]).not.toEqual([]);
    }
  });

  it('bills every case as AWS did and matches at least 95% of the histories', () => {
    const all = [...results.values()];
    const billedEqual = all.filter((result) => result.billed.endpoint === result.billed.aws).length;
    const historiesEqual = all.filter(
      (result) => result.historyDifferences.length === 0 && result.outcomeDifferences.length === 0,
    ).length;
    expect(all.length).toBe(cases.length);
    expect(billedEqual).toBe(cases.length);
    expect(historiesEqual / cases.length).toBeGreaterThanOrEqual(0.95);
  });
});
