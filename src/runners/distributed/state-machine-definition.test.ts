import { readFile } from 'node:fs/promises';
import aslValidator from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { detectorNames } from '../../core/detectors/registry.ts';
import { defaultDistributedSettings } from './distributed-settings.ts';
import {
  type AslDefinition,
  buildWorkflowDefinition,
  detectorFailedStateName,
  detectStateName,
  exampleAccountActivityArns,
  STATE_NAMES,
  TASK_ERRORS,
} from './state-machine-definition.ts';
import { committedWorkflowDefinition, workflowFilePath } from './workflow-definition-file.ts';

type Json = Record<string, unknown>;

function validate(definition: AslDefinition): string[] {
  const result = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });
  return result.isValid ? [] : result.errors.map((error) => `${error['Error code']}: ${error.Message}`);
}

/** Every state name of the definition, nested ones included. */
function stateNames(machine: Json): string[] {
  const names: string[] = [];
  for (const [name, state] of Object.entries(machine.States as Record<string, Json>)) {
    names.push(name);
    for (const branch of (state.Branches as Json[] | undefined) ?? []) names.push(...stateNames(branch));
  }
  return names;
}

const policy = defaultDistributedSettings;

/** The states of branch `index` of the definition's DetectDefects Parallel. */
function branchStates(definition: AslDefinition, index: number): Record<string, Json> {
  const parallel = (definition.States as Record<string, Json>)[STATE_NAMES.detect] ?? {};
  const branch = ((parallel.Branches as Json[] | undefined) ?? [])[index] ?? {};
  return (branch.States as Record<string, Json> | undefined) ?? {};
}

describe('buildWorkflowDefinition', () => {
  it('is valid ASL with one branch per registered detector and unique state names', () => {
    const definition = buildWorkflowDefinition(
      detectorNames,
      exampleAccountActivityArns(detectorNames),
      policy,
    );
    expect(validate(definition)).toEqual([]);
    // The validator does reject a broken machine, so the check above means something.
    expect(validate({ ...definition, StartAt: 'Nowhere' })).not.toEqual([]);
    const states = definition.States as Record<string, Json>;
    expect(definition.StartAt).toBe(STATE_NAMES.convert);
    expect(states[STATE_NAMES.convert]?.Next).toBe(STATE_NAMES.detect);
    expect(states[STATE_NAMES.detect]?.Next).toBe(STATE_NAMES.aggregate);
    expect(states[STATE_NAMES.aggregate]?.End).toBe(true);
    const branches = states[STATE_NAMES.detect]?.Branches as Json[];
    expect(branches.map((branch) => branch.StartAt)).toEqual(detectorNames.map(detectStateName));
    const names = stateNames(definition as Json);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(3 + 2 * detectorNames.length);
  });

  it('retries every Task on failure and timeout with backoff, but never bad input', () => {
    const definition = buildWorkflowDefinition(['freeze'], exampleAccountActivityArns(['freeze']), {
      taskTimeoutSec: 60,
      heartbeatSec: 5,
      retry: { maxAttempts: 3, intervalSec: 2, backoffRate: 1.5 },
    });
    const states = definition.States as Record<string, Json>;
    const detect = branchStates(definition, 0)[detectStateName('freeze')] as Json;
    for (const task of [states[STATE_NAMES.convert], detect, states[STATE_NAMES.aggregate]] as Json[]) {
      expect(task.Type).toBe('Task');
      expect(task.TimeoutSeconds).toBe(60);
      expect(task.HeartbeatSeconds).toBe(5);
      expect(task.Retry).toEqual([
        { ErrorEquals: [TASK_ERRORS.badInput], MaxAttempts: 0 },
        { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, MaxAttempts: 3, BackoffRate: 1.5 },
      ]);
    }
  });

  it('catches a failing detector into a Pass state that records the detector and the error', () => {
    const definition = buildWorkflowDefinition(['black'], exampleAccountActivityArns(['black']), policy);
    const states = branchStates(definition, 0);
    expect(states[detectStateName('black')]?.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: detectorFailedStateName('black') },
    ]);
    expect(states[detectorFailedStateName('black')]).toEqual({
      Type: 'Pass',
      Parameters: { detector: 'black', 'error.$': '$.failure' },
      End: true,
    });
  });

  it('adds a branch for a new detector without other changes', () => {
    const base = buildWorkflowDefinition(['freeze'], exampleAccountActivityArns(['freeze']), policy);
    const more = buildWorkflowDefinition(
      ['freeze', 'block-corruption'],
      exampleAccountActivityArns(['freeze', 'block-corruption']),
      policy,
    );
    expect(validate(more)).toEqual([]);
    const branchesOf = (definition: AslDefinition): Json[] =>
      (definition.States as Record<string, Json>)[STATE_NAMES.detect]?.Branches as Json[];
    expect(branchesOf(more)).toHaveLength(2);
    expect(branchesOf(more)[0]).toEqual(branchesOf(base)[0]);
    expect(branchesOf(more)[1]?.StartAt).toBe('Detect block-corruption');
  });

  it('rejects what AWS would reject or what cannot run', () => {
    const arns = exampleAccountActivityArns(['freeze']);
    expect(() => buildWorkflowDefinition([], arns, policy)).toThrow(/at least one detector/);
    expect(() => buildWorkflowDefinition(['freeze', 'freeze'], arns, policy)).toThrow(/unique/);
    expect(() => buildWorkflowDefinition(['black'], arns, policy)).toThrow(
      /no activity ARN for detector black/,
    );
    expect(() => buildWorkflowDefinition(['freeze'], arns, { ...policy, heartbeatSec: 300 })).toThrow(
      /below taskTimeoutSec/,
    );
    expect(() => buildWorkflowDefinition(['freeze'], arns, { ...policy, taskTimeoutSec: 1.5 })).toThrow(
      /whole seconds/,
    );
    expect(() =>
      buildWorkflowDefinition(['freeze'], arns, { ...policy, retry: { ...policy.retry, intervalSec: 0 } }),
    ).toThrow(/intervalSec/);
  });
});

describe('workflow.asl.json', () => {
  it('is the generated definition for the registered detectors (regenerate with npm run regen:workflow)', async () => {
    const committed: unknown = JSON.parse(await readFile(workflowFilePath, 'utf8'));
    expect(committed, 'workflow.asl.json is stale: run `npm run regen:workflow`').toEqual(
      committedWorkflowDefinition(),
    );
    expect(validate(committed as AslDefinition)).toEqual([]);
  });
});
