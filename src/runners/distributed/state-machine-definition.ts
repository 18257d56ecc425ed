import { ANALYZE_TASK } from '../../core/cost/workload-profile.ts';
import type { RetrySettings } from './distributed-settings.ts';

/**
 * The per-chunk workflow as an Amazon States Language definition, generated from the detector names so a
 * detector added to the registry gets its branch without anyone editing JSON:
 *
 * `ConvertMedia` (Task) -> `DetectDefects` (Parallel: one branch per detector, each a Task `Detect <name>`
 * with a Catch to a Pass `Detector failed: <name>` that records `{ detector, error }`) -> `Aggregate` (Task).
 *
 * Every Task is an activity (served by a worker pool), retried on failure and timeout with exponential
 * backoff, except for bad input, which no retry can fix. Payloads carry S3 keys and small metadata only.
 * Pure: no I/O.
 */

/** Top-level state names (billed transitions are reported under these names). */
export const STATE_NAMES = Object.freeze({
  convert: 'ConvertMedia',
  detect: 'DetectDefects',
  aggregate: 'Aggregate',
  /** The one Task of the function-per-chunk shape: decode the chunk and run every detector in memory. */
  analyze: ANALYZE_TASK,
});

/** Name of detector `name`'s Task state inside `DetectDefects`. */
export function detectStateName(detector: string): string {
  return `Detect ${detector}`;
}

/** Name of the Pass state recording that detector `name` failed on the chunk. */
export function detectorFailedStateName(detector: string): string {
  return `Detector failed: ${detector}`;
}

/**
 * Error names workers report with SendTaskFailure. `badInput` is never retried (the clip itself is the
 * problem); the others are retried like timeouts.
 */
export const TASK_ERRORS = Object.freeze({
  /** The clip cannot be decoded: the execution fails at once and the clip is reported as bad input. */
  badInput: 'archbench.BadInput',
  /** S3 (or another service) could not be reached. */
  unavailable: 'archbench.Unavailable',
  /** Anything else: a bug or a transient failure. */
  failed: 'archbench.TaskFailed',
});

/** Activity ARNs the Task states name: one per role of the stages shape. */
export interface WorkflowActivityArns {
  readonly convert: string;
  readonly aggregate: string;
  /** By detector name; every detector of the workflow needs one. */
  readonly detect: Readonly<Record<string, string>>;
}

/** The activity ARN of the function-per-chunk shape's one Task. */
export interface FunctionPerChunkActivityArns {
  readonly analyze: string;
}

/** Timeouts and retries of every Task state. */
export interface WorkflowTaskPolicy {
  /** `TimeoutSeconds`, whole seconds. */
  readonly taskTimeoutSec: number;
  /** `HeartbeatSeconds`, whole seconds, below `taskTimeoutSec`. */
  readonly heartbeatSec: number;
  readonly retry: RetrySettings;
}

/** The JSON value of an ASL definition (plain objects, arrays, strings and numbers). */
export type AslDefinition = { readonly [key: string]: AslValue };
type AslValue = string | number | boolean | readonly AslValue[] | { readonly [key: string]: AslValue };

/** Where in the state's input its result goes: the original payload stays available downstream. */
export const RESULT_PATHS = Object.freeze({ converted: '$.converted', detected: '$.detected' });

/**
 * Builds the workflow for `detectors` (in registry order: the Parallel's branches and the Aggregate input
 * follow it). Throws on an empty detector list, a duplicate name, a missing activity ARN or a policy AWS
 * would reject (non-integer or non-positive seconds, heartbeat not below the timeout).
 */
export function buildWorkflowDefinition(
  detectors: readonly string[],
  arns: WorkflowActivityArns,
  policy: WorkflowTaskPolicy,
): AslDefinition {
  checkPolicy(policy);
  if (detectors.length === 0) throw new Error('the workflow needs at least one detector');
  if (new Set(detectors).size !== detectors.length) throw new Error('detector names must be unique');
  const task = (resource: string): Record<string, AslValue> => ({
    Type: 'Task',
    Resource: resource,
    TimeoutSeconds: policy.taskTimeoutSec,
    HeartbeatSeconds: policy.heartbeatSec,
    Retry: retriers(policy.retry),
  });
  const branches = detectors.map((detector): AslDefinition => {
    const resource = arns.detect[detector];
    if (resource === undefined) throw new Error(`no activity ARN for detector ${detector}`);
    const failed = detectorFailedStateName(detector);
    return {
      StartAt: detectStateName(detector),
      States: {
        [detectStateName(detector)]: {
          ...task(resource),
          // One detector's failure must not fail the chunk: record it and keep the other branches.
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: failed }],
          End: true,
        },
        [failed]: {
          Type: 'Pass',
          Parameters: { detector, 'error.$': '$.failure' },
          End: true,
        },
      },
    };
  });
  return {
    Comment:
      'archbench per-chunk workflow, generated from the detector registry (src/runners/distributed/state-machine-definition.ts); do not edit by hand.',
    StartAt: STATE_NAMES.convert,
    States: {
      [STATE_NAMES.convert]: {
        ...task(arns.convert),
        ResultPath: RESULT_PATHS.converted,
        Next: STATE_NAMES.detect,
      },
      [STATE_NAMES.detect]: {
        Type: 'Parallel',
        Branches: branches,
        ResultPath: RESULT_PATHS.detected,
        Next: STATE_NAMES.aggregate,
      },
      [STATE_NAMES.aggregate]: { ...task(arns.aggregate), End: true },
    },
  };
}

/**
 * The function-per-chunk workflow: one Task `AnalyzeChunk` (decode the chunk, run every detector in memory,
 * PUT the chunk result), retried like every Task of the stages shape. No frames cross S3; the fan-out is
 * one execution per chunk, as a queue or an Express workflow would start one function per chunk.
 */
export function buildFunctionPerChunkDefinition(
  arns: FunctionPerChunkActivityArns,
  policy: WorkflowTaskPolicy,
): AslDefinition {
  checkPolicy(policy);
  return {
    Comment:
      'archbench function-per-chunk workflow (src/runners/distributed/state-machine-definition.ts); do not edit by hand.',
    StartAt: STATE_NAMES.analyze,
    States: {
      [STATE_NAMES.analyze]: {
        Type: 'Task',
        Resource: arns.analyze,
        TimeoutSeconds: policy.taskTimeoutSec,
        HeartbeatSeconds: policy.heartbeatSec,
        Retry: retriers(policy.retry),
        End: true,
      },
    },
  };
}

function retriers(retry: RetrySettings): AslValue[] {
  return [
    // A clip that cannot be decoded stays undecodable: fail at once (MaxAttempts 0 = never retry).
    { ErrorEquals: [TASK_ERRORS.badInput], MaxAttempts: 0 },
    {
      // States.ALL also matches States.Timeout and States.HeartbeatTimeout: a lost worker's task is retried.
      ErrorEquals: ['States.ALL'],
      IntervalSeconds: retry.intervalSec,
      MaxAttempts: retry.maxAttempts,
      BackoffRate: retry.backoffRate,
    },
  ];
}

function checkPolicy(policy: WorkflowTaskPolicy): void {
  const wholePositive = (value: number): boolean => Number.isInteger(value) && value >= 1;
  if (!wholePositive(policy.taskTimeoutSec) || !wholePositive(policy.heartbeatSec)) {
    throw new RangeError('taskTimeoutSec and heartbeatSec must be whole seconds >= 1');
  }
  if (policy.heartbeatSec >= policy.taskTimeoutSec) {
    throw new RangeError('heartbeatSec must be below taskTimeoutSec');
  }
  const { maxAttempts, intervalSec, backoffRate } = policy.retry;
  if (
    !Number.isInteger(maxAttempts) ||
    maxAttempts < 0 ||
    !wholePositive(intervalSec) ||
    !(backoffRate >= 1)
  ) {
    throw new RangeError('retry needs maxAttempts >= 0, whole intervalSec >= 1 and backoffRate >= 1');
  }
}

/** Activity ARNs in a fixed example account (123456789012): the committed definition file and estimates. */
export function exampleAccountActivityArns(detectors: readonly string[]): WorkflowActivityArns {
  const arn = (name: string): string => `arn:aws:states:us-east-1:123456789012:activity:archbench-${name}`;
  return {
    convert: arn('convert'),
    aggregate: arn('aggregate'),
    detect: Object.fromEntries(detectors.map((detector) => [detector, arn(`detect-${detector}`)])),
  };
}
