import { randomUUID } from 'node:crypto';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { type ActivityTaskLease, ActivityTaskQueue } from './activity-task-queue.ts';
import { type EngineErrors, loadEngineErrors } from './engine-errors.ts';
import { ExecutionRunner } from './execution-runner.ts';
import { SfnServiceError } from './sfn-service-error.ts';
import { type CompiledDefinition, compileDefinition } from './state-machine-definition.ts';

/** The operations of the Step Functions API this endpoint serves (`X-Amz-Target: AWSStepFunctions.<op>`). */
export const SUPPORTED_OPERATIONS = [
  'CreateActivity',
  'DeleteActivity',
  'ListActivities',
  'CreateStateMachine',
  'DeleteStateMachine',
  'StartExecution',
  'StopExecution',
  'DescribeExecution',
  'GetExecutionHistory',
  'GetActivityTask',
  'SendTaskSuccess',
  'SendTaskFailure',
  'SendTaskHeartbeat',
] as const;
export type SupportedOperation = (typeof SUPPORTED_OPERATIONS)[number];

export interface StepFunctionsServiceOptions {
  /** Region in the ARNs it issues (default `us-east-1`). */
  readonly region?: string;
  /** Account id in the ARNs it issues (default `123456789012`). */
  readonly accountId?: string;
  /** Longest GetActivityTask long poll, ms (default 60,000, as AWS). */
  readonly maxPollWaitMs?: number;
}

/** Largest execution input, task output and payload AWS accepts, bytes (256 KiB). */
const MAX_PAYLOAD_BYTES = 262_144;
/** AWS name rule: 1 to 80 characters, none of whitespace, brackets, wildcards or these specials ... */
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

interface StateMachineRecord {
  readonly arn: string;
  readonly name: string;
  readonly definitionText: string;
  readonly roleArn: string;
  readonly creationDateSec: number;
  readonly compiled: CompiledDefinition;
  readonly engine: StateMachine;
}

type Input = Record<string, unknown>;

/**
 * The embedded Step Functions service, in memory and transport-free: each operation takes the request
 * body as parsed JSON and returns the response body, or throws `SfnServiceError`. Standard workflow
 * semantics: executions run in the background, their histories are kept, execution names are unique per
 * state machine. Timestamps are epoch seconds (numbers), as the JSON protocol carries them.
 */
export class StepFunctionsService {
  readonly region: string;
  readonly accountId: string;
  readonly maxPollWaitMs: number;
  readonly #errors: EngineErrors;
  readonly #queue = new ActivityTaskQueue();
  readonly #activities = new Map<string, { readonly creationDateSec: number }>();
  readonly #stateMachines = new Map<string, StateMachineRecord>();
  readonly #executions = new Map<string, ExecutionRunner>();

  private constructor(options: StepFunctionsServiceOptions, errors: EngineErrors) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.maxPollWaitMs = options.maxPollWaitMs ?? 60_000;
    this.#errors = errors;
  }

  static async create(options: StepFunctionsServiceOptions = {}): Promise<StepFunctionsService> {
    return new StepFunctionsService(options, await loadEngineErrors());
  }

  /** Runs one operation other than GetActivityTask (see `pollActivityTask`). */
  invoke(operation: SupportedOperation, input: Input): unknown {
    switch (operation) {
      case 'CreateActivity':
        return this.#createActivity(input);
      case 'DeleteActivity':
        return this.#deleteActivity(input);
      case 'ListActivities':
        return this.#listActivities();
      case 'CreateStateMachine':
        return this.#createStateMachine(input);
      case 'DeleteStateMachine':
        return this.#deleteStateMachine(input);
      case 'StartExecution':
        return this.#startExecution(input);
      case 'StopExecution':
        return this.#stopExecution(input);
      case 'DescribeExecution':
        return this.#describeExecution(input);
      case 'GetExecutionHistory':
        return this.#getExecutionHistory(input);
      case 'SendTaskSuccess':
        return this.#sendTaskSuccess(input);
      case 'SendTaskFailure':
        return this.#sendTaskFailure(input);
      case 'SendTaskHeartbeat':
        this.#queue.heartbeat(taskToken(input));
        return {};
      case 'GetActivityTask':
        throw new SfnServiceError('InternalFailure', 'GetActivityTask is served by pollActivityTask', 500);
    }
  }

  /**
   * GetActivityTask: waits up to `maxPollWaitMs` for a task of the activity. Resolves with a lease to
   * write to the worker (then confirm with `delivered()` or return with `undelivered()`), or undefined
   * when none came (the response is then `{}`, without a taskToken, as on AWS).
   */
  async pollActivityTask(input: Input, signal: AbortSignal): Promise<ActivityTaskLease | undefined> {
    const activityArn = this.#arn(input, 'activityArn', 'activity');
    if (!this.#activities.has(activityArn)) {
      throw new SfnServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${activityArn}'`);
    }
    const workerName = optionalString(input, 'workerName');
    return this.#queue.poll(activityArn, workerName, this.maxPollWaitMs, signal);
  }

  /** The execution (for in-process use and tests), or undefined. */
  execution(executionArn: string): ExecutionRunner | undefined {
    return this.#executions.get(executionArn);
  }

  /** Answers pending polls empty and ends every running execution (server shutdown). */
  close(): void {
    this.#queue.close();
    for (const execution of this.#executions.values())
      execution.stop('States.Runtime', 'the endpoint stopped');
  }

  // ---- activities --------------------------------------------------------------------------------

  #createActivity(input: Input): unknown {
    const name = validName(input, 'name');
    const activityArn = `arn:aws:states:${this.region}:${this.accountId}:activity:${name}`;
    // Idempotent, as on AWS.
    let activity = this.#activities.get(activityArn);
    if (activity === undefined) {
      activity = { creationDateSec: Date.now() / 1000 };
      this.#activities.set(activityArn, activity);
      this.#queue.addActivity(activityArn);
    }
    return { activityArn, creationDate: activity.creationDateSec };
  }

  #deleteActivity(input: Input): unknown {
    const activityArn = this.#arn(input, 'activityArn', 'activity');
    this.#activities.delete(activityArn);
    this.#queue.removeActivity(activityArn);
    return {};
  }

  /** Every activity in one page (a run has a handful; `maxResults` and `nextToken` are not needed). */
  #listActivities(): unknown {
    const activities = [...this.#activities].map(([activityArn, activity]) => ({
      activityArn,
      name: activityArn.slice(activityArn.lastIndexOf(':') + 1),
      creationDate: activity.creationDateSec,
    }));
    return { activities };
  }

  // ---- state machines ----------------------------------------------------------------------------

  #createStateMachine(input: Input): unknown {
    const name = validName(input, 'name');
    const definitionText = requiredString(input, 'definition');
    const roleArn = requiredString(input, 'roleArn');
    const type = optionalString(input, 'type') ?? 'STANDARD';
    if (type !== 'STANDARD') {
      throw new SfnServiceError(
        'ValidationException',
        `The embedded Step Functions endpoint runs STANDARD state machines only, not ${type}`,
      );
    }
    const compiled = compileDefinition(definitionText);
    const arn = `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
    const existing = this.#stateMachines.get(arn);
    if (existing !== undefined) {
      // Idempotent for an identical request, as on AWS.
      if (existing.definitionText === definitionText && existing.roleArn === roleArn) {
        return { stateMachineArn: arn, creationDate: existing.creationDateSec };
      }
      throw new SfnServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    const engine = new StateMachine(compiled.engineDefinition as unknown as StateMachineDefinition, {
      validationOptions: { noValidate: true },
    });
    const record: StateMachineRecord = {
      arn,
      name,
      definitionText,
      roleArn,
      creationDateSec: Date.now() / 1000,
      compiled,
      engine,
    };
    this.#stateMachines.set(arn, record);
    return { stateMachineArn: arn, creationDate: record.creationDateSec };
  }

  /** Forgets the machine; its running executions run to the end and stay describable, as on AWS. */
  #deleteStateMachine(input: Input): unknown {
    this.#stateMachines.delete(this.#arn(input, 'stateMachineArn', 'stateMachine'));
    return {};
  }

  // ---- executions --------------------------------------------------------------------------------

  #startExecution(input: Input): unknown {
    const stateMachineArn = this.#arn(input, 'stateMachineArn', 'stateMachine');
    const machine = this.#stateMachines.get(stateMachineArn);
    if (machine === undefined) {
      throw new SfnServiceError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    const name = input.name === undefined ? randomUUID() : validName(input, 'name');
    const inputText = optionalString(input, 'input') ?? '{}';
    checkPayload(inputText, 'input', 'InvalidExecutionInput');
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${machine.name}:${name}`;
    const existing = this.#executions.get(executionArn);
    if (existing !== undefined) {
      // AWS returns the running execution for an identical request, and refuses anything else.
      if (existing.status === 'RUNNING' && existing.inputText === inputText) {
        return { executionArn, startDate: existing.startDateSec };
      }
      throw new SfnServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = new ExecutionRunner({
      executionArn,
      name,
      stateMachineArn,
      stateMachineName: machine.name,
      roleArn: machine.roleArn,
      inputText,
      compiled: machine.compiled,
      engine: machine.engine,
      queue: this.#queue,
      errors: this.#errors,
    });
    this.#executions.set(executionArn, execution);
    execution.start();
    return { executionArn, startDate: execution.startDateSec };
  }

  #stopExecution(input: Input): unknown {
    const execution = this.#execution(input);
    execution.stop(optionalString(input, 'error'), optionalString(input, 'cause'));
    return { stopDate: execution.stopDateSec ?? Date.now() / 1000 };
  }

  #describeExecution(input: Input): unknown {
    const execution = this.#execution(input);
    return {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDateSec,
      input: execution.inputText,
      inputDetails: { included: true },
      ...(execution.stopDateSec === undefined ? {} : { stopDate: execution.stopDateSec }),
      ...(execution.outputText === undefined
        ? {}
        : { output: execution.outputText, outputDetails: { included: true } }),
      ...(execution.error === undefined ? {} : { error: execution.error }),
      ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    };
  }

  #getExecutionHistory(input: Input): unknown {
    const execution = this.#execution(input);
    const maxResults = input.maxResults;
    if (maxResults !== undefined && typeof maxResults !== 'number') throw notValid('maxResults', maxResults);
    const nextToken = optionalString(input, 'nextToken');
    return execution.history.page({
      ...(maxResults === undefined ? {} : { maxResults }),
      ...(nextToken === undefined ? {} : { nextToken }),
      reverseOrder: input.reverseOrder === true,
      includeExecutionData: input.includeExecutionData !== false,
    });
  }

  #execution(input: Input): ExecutionRunner {
    const executionArn = this.#arn(input, 'executionArn', 'execution');
    const execution = this.#executions.get(executionArn);
    if (execution === undefined) {
      throw new SfnServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    }
    return execution;
  }

  // ---- task answers ------------------------------------------------------------------------------

  #sendTaskSuccess(input: Input): unknown {
    const token = taskToken(input);
    const output = requiredString(input, 'output');
    checkPayload(output, 'output', 'InvalidOutput');
    this.#queue.succeed(token, output);
    return {};
  }

  #sendTaskFailure(input: Input): unknown {
    const token = taskToken(input);
    const error = optionalString(input, 'error');
    const cause = optionalString(input, 'cause');
    if (error !== undefined && error.length > 256) throw notValid('error', error);
    if (cause !== undefined && cause.length > 32_768) throw notValid('cause', cause);
    this.#queue.fail(token, error, cause);
    return {};
  }

  // ---- input checks ------------------------------------------------------------------------------

  /** A required ARN field of this endpoint's region and account and of `kind` (`activity`, ...). */
  #arn(input: Input, field: string, kind: 'activity' | 'stateMachine' | 'execution'): string {
    const arn = requiredString(input, field);
    const prefix = `arn:aws:states:${this.region}:${this.accountId}:${kind}:`;
    const rest = arn.startsWith(prefix) ? arn.slice(prefix.length) : '';
    const parts = rest.split(':');
    const wellFormed = kind === 'execution' ? parts.length === 2 : parts.length === 1;
    if (!wellFormed || parts.some((part) => part === '')) {
      throw new SfnServiceError('InvalidArn', `Invalid Arn: '${arn}' is not a ${kind} ARN of this endpoint`);
    }
    return arn;
  }
}

function requiredString(input: Input, field: string): string {
  const value = input[field];
  if (value === undefined || value === null) {
    throw new SfnServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  if (typeof value !== 'string') throw notValid(field, value);
  return value;
}

function optionalString(input: Input, field: string): string | undefined {
  return input[field] === undefined || input[field] === null ? undefined : requiredString(input, field);
}

function validName(input: Input, field: string): string {
  const name = requiredString(input, field);
  if (
    name.length < 1 ||
    name.length > 80 ||
    INVALID_NAME_CHARACTERS.test(name) ||
    hasControlCharacter(name)
  ) {
    throw new SfnServiceError('InvalidName', `Invalid Name: '${name}'`);
  }
  return name;
}

/** ... nor control characters (U+0000 to U+001F, U+007F to U+009F). */
function hasControlCharacter(text: string): boolean {
  for (let at = 0; at < text.length; at += 1) {
    const code = text.charCodeAt(at);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return true;
  }
  return false;
}

function taskToken(input: Input): string {
  const token = requiredString(input, 'taskToken');
  if (token.length < 1 || token.length > 2048) throw notValid('taskToken', token);
  return token;
}

/** JSON text within the 256 KiB payload limit; `type` is the error AWS gives for text that is not JSON. */
function checkPayload(text: string, field: string, type: 'InvalidExecutionInput' | 'InvalidOutput'): void {
  if (Buffer.byteLength(text, 'utf8') > MAX_PAYLOAD_BYTES) {
    throw new SfnServiceError(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`,
    );
  }
  try {
    JSON.parse(text);
  } catch {
    throw new SfnServiceError(
      type,
      `${type === 'InvalidOutput' ? 'Invalid Output' : 'Invalid Execution Input'}: '${field}' is not valid JSON`,
    );
  }
}

function notValid(field: string, value: unknown): SfnServiceError {
  const shown = typeof value === 'string' && value.length > 64 ? `${value.slice(0, 64)}...` : String(value);
  return new SfnServiceError(
    'ValidationException',
    `1 validation error detected: Value '${shown}' at '${field}' failed to satisfy constraint`,
  );
}
