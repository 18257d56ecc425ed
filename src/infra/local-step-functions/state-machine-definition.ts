import aslValidator from 'asl-validator';
import { SfnServiceError } from './sfn-service-error.ts';

/**
 * A state machine definition checked and prepared for the embedded endpoint: validated as AWS would
 * (asl-validator), every state located in its nesting (needed to order and chain history events), every
 * activity Task listed with its timeouts, and a copy rewritten for the aws-local-stepfunctions engine.
 */
export interface CompiledDefinition {
  /** The definition as the client sent it (parsed). */
  readonly source: Readonly<Record<string, unknown>>;
  /** The copy the engine runs (see `engineCopy`). */
  readonly engineDefinition: Record<string, unknown>;
  /** Every state of the machine, nested ones included, by name (names are unique machine-wide). */
  readonly states: ReadonlyMap<string, StateInfo>;
  /** Task states whose resource is an activity, by state name. */
  readonly activityTasks: ReadonlyMap<string, ActivityTaskSpec>;
}

export interface StateInfo {
  readonly name: string;
  /** ASL state type: Task, Pass, Choice, Wait, Parallel, Map, Succeed, Fail. */
  readonly type: string;
  /** Enclosing Parallel and Map states, innermost first (empty at the top level). */
  readonly containers: readonly string[];
  /**
   * The sequential lane the state runs in: `root`, `<Parallel>#<branch index>` or `<Map>` (one lane per
   * iteration, told apart by the iteration index).
   */
  readonly scope: string;
  /** Whether some enclosing state is a Map (its events then carry an iteration index). */
  readonly underMap: boolean;
  /** For Parallel states: the number of branches. */
  readonly branchCount?: number;
  /** For Map states: `InputPath` and `ItemsPath`, to report the number of items. */
  readonly inputPath?: string | null;
  readonly itemsPath?: string;
  /** The state's definition object, as the client sent it. */
  readonly definition: Readonly<Record<string, unknown>>;
}

export interface ActivityTaskSpec {
  readonly stateName: string;
  readonly activityArn: string;
  /** `TimeoutSeconds` of the state, s (absent: none, as on AWS). */
  readonly timeoutSec?: number;
  /** `HeartbeatSeconds` of the state, s (absent: none). */
  readonly heartbeatSec?: number;
}

/** `arn:aws:states:<region>:<account>:activity:<name>`, the resource of an activity Task. */
const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:activity:[^:\s]{1,80}$/;

/**
 * Longest timer the engine can set without Node clamping it to 1 ms (setTimeout takes at most 2^31 - 1
 * ms), s. The engine applies a 60 s default to Task states without `TimeoutSeconds`, which AWS does not;
 * the endpoint owns activity timeouts itself and gives the engine this value instead.
 */
export const ENGINE_TIMER_MAX_SEC = 2_147_483;

/**
 * Parses, validates and prepares a definition. Throws `SfnServiceError('InvalidDefinition')` for JSON
 * errors, anything asl-validator rejects, `HeartbeatSeconds` not below `TimeoutSeconds`, and the features
 * this endpoint does not run (Task resources other than activities, `TimeoutSecondsPath`,
 * `HeartbeatSecondsPath`, JSONata, distributed Map): failing at creation beats a surprise mid-run.
 */
export function compileDefinition(definitionText: string): CompiledDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definitionText);
  } catch (error) {
    throw invalid(`SCHEMA_VALIDATION_FAILED: the definition is not valid JSON (${(error as Error).message})`);
  }
  if (!isRecord(parsed)) throw invalid('SCHEMA_VALIDATION_FAILED: the definition must be a JSON object');

  // asl-validator writes `QueryLanguage` into the object it checks: give it a copy.
  const report = aslValidator(structuredClone(parsed), { checkArn: true, checkPaths: true });
  if (!report.isValid) throw invalid(report.errorsText('; '));
  if (parsed.QueryLanguage !== undefined && parsed.QueryLanguage !== 'JSONPath') {
    throw unsupported('QueryLanguage other than JSONPath');
  }

  const states = new Map<string, StateInfo>();
  const activityTasks = new Map<string, ActivityTaskSpec>();
  walkStates(parsed, [], 'root', false, states, activityTasks);
  return { source: parsed, engineDefinition: engineCopy(parsed, activityTasks), states, activityTasks };
}

function walkStates(
  machine: Record<string, unknown>,
  containers: readonly string[],
  scope: string,
  underMap: boolean,
  into: Map<string, StateInfo>,
  activityTasks: Map<string, ActivityTaskSpec>,
): void {
  const statesObject = machine.States;
  if (!isRecord(statesObject)) return;
  for (const [name, state] of Object.entries(statesObject)) {
    if (!isRecord(state)) continue;
    if (into.has(name))
      throw invalid(`DUPLICATE_STATE_NAMES: A state with this name already exists: ${name}`);
    const type = String(state.Type);
    if (state.QueryLanguage !== undefined && state.QueryLanguage !== 'JSONPath') {
      throw unsupported(`QueryLanguage other than JSONPath (state ${name})`);
    }
    const info: StateInfo = {
      name,
      type,
      containers,
      scope,
      underMap,
      definition: state,
      ...(type === 'Parallel' && Array.isArray(state.Branches) ? { branchCount: state.Branches.length } : {}),
      ...(type === 'Map'
        ? {
            inputPath:
              state.InputPath === null ? null : typeof state.InputPath === 'string' ? state.InputPath : '$',
            itemsPath: typeof state.ItemsPath === 'string' ? state.ItemsPath : '$',
          }
        : {}),
    };
    into.set(name, info);
    if (type === 'Task') activityTasks.set(name, activityTaskOf(name, state));
    if (type === 'Parallel' && Array.isArray(state.Branches)) {
      state.Branches.forEach((branch, index) => {
        if (isRecord(branch)) {
          walkStates(branch, [name, ...containers], `${name}#${index}`, underMap, into, activityTasks);
        }
      });
    }
    if (type === 'Map') {
      if (
        state.ItemReader !== undefined ||
        state.ItemBatcher !== undefined ||
        state.ResultWriter !== undefined
      ) {
        throw unsupported(`distributed Map (state ${name})`);
      }
      const processor = isRecord(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
      if (isRecord(processor)) {
        const config = processor.ProcessorConfig;
        if (isRecord(config) && config.Mode === 'DISTRIBUTED')
          throw unsupported(`distributed Map (state ${name})`);
        walkStates(processor, [name, ...containers], name, true, into, activityTasks);
      }
    }
  }
}

function activityTaskOf(name: string, state: Record<string, unknown>): ActivityTaskSpec {
  const resource = state.Resource;
  if (typeof resource !== 'string' || !ACTIVITY_ARN.test(resource)) {
    throw unsupported(
      `Task resource ${JSON.stringify(resource)} in state ${name}: the embedded endpoint runs activity tasks only`,
    );
  }
  if (state.TimeoutSecondsPath !== undefined || state.HeartbeatSecondsPath !== undefined) {
    throw unsupported(`TimeoutSecondsPath and HeartbeatSecondsPath (state ${name})`);
  }
  const timeoutSec = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
  const heartbeatSec = typeof state.HeartbeatSeconds === 'number' ? state.HeartbeatSeconds : undefined;
  if (timeoutSec !== undefined && heartbeatSec !== undefined && heartbeatSec >= timeoutSec) {
    throw invalid(`HeartbeatSeconds must be smaller than TimeoutSeconds (state ${name})`);
  }
  return {
    stateName: name,
    activityArn: resource,
    ...(timeoutSec === undefined ? {} : { timeoutSec }),
    ...(heartbeatSec === undefined ? {} : { heartbeatSec }),
  };
}

/**
 * The definition the engine runs. For activity Tasks: `TimeoutSeconds` becomes `ENGINE_TIMER_MAX_SEC`
 * (the endpoint enforces the real timeout and heartbeat itself, from when the task is scheduled and
 * started), and every retrier or catcher naming `States.Timeout` also names `States.HeartbeatTimeout`,
 * since on AWS a heartbeat timeout is a kind of timeout. A machine-level `TimeoutSeconds` is capped to
 * what a Node timer can hold.
 */
function engineCopy(
  source: Record<string, unknown>,
  activityTasks: ReadonlyMap<string, ActivityTaskSpec>,
): Record<string, unknown> {
  const copy = structuredClone(source);
  if (typeof copy.TimeoutSeconds === 'number') {
    copy.TimeoutSeconds = Math.min(copy.TimeoutSeconds, ENGINE_TIMER_MAX_SEC);
  }
  rewriteStates(copy, activityTasks);
  return copy;
}

function rewriteStates(
  machine: Record<string, unknown>,
  activityTasks: ReadonlyMap<string, ActivityTaskSpec>,
): void {
  const statesObject = machine.States;
  if (!isRecord(statesObject)) return;
  for (const [name, state] of Object.entries(statesObject)) {
    if (!isRecord(state)) continue;
    if (activityTasks.has(name)) {
      state.TimeoutSeconds = ENGINE_TIMER_MAX_SEC;
      delete state.HeartbeatSeconds;
      for (const field of ['Retry', 'Catch'] as const) {
        const handlers = state[field];
        if (!Array.isArray(handlers)) continue;
        for (const handler of handlers) {
          const names = isRecord(handler) ? handler.ErrorEquals : undefined;
          if (
            Array.isArray(names) &&
            names.includes('States.Timeout') &&
            !names.includes('States.HeartbeatTimeout')
          ) {
            names.push('States.HeartbeatTimeout');
          }
        }
      }
    }
    if (Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isRecord(branch)) rewriteStates(branch, activityTasks);
    }
    const processor = isRecord(state.ItemProcessor) ? state.ItemProcessor : state.Iterator;
    if (isRecord(processor)) rewriteStates(processor, activityTasks);
  }
}

function invalid(detail: string): SfnServiceError {
  return new SfnServiceError('InvalidDefinition', `Invalid State Machine Definition: '${detail}'`);
}

function unsupported(feature: string): SfnServiceError {
  return invalid(`UNSUPPORTED_FEATURE: the embedded Step Functions endpoint does not run ${feature}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
