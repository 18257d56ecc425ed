import { StateMachine } from 'aws-local-stepfunctions';

/**
 * Errors an activity attempt fails with, built so aws-local-stepfunctions matches them against Retry and
 * Catch as AWS does. The engine matches `error.name` against `ErrorEquals`; `States.TaskFailed` matches
 * every error except instances of its internal `StatesTimeoutError` class, and `States.ALL` every error
 * whose `isRetryable`/`isCatchable` is not false. The timeout class is not exported, so `loadEngineErrors`
 * obtains it once from a 1 ms engine timeout.
 */
export interface EngineErrors {
  /** A worker's SendTaskFailure (`error` empty when the worker gave none: only wildcards match it). */
  taskFailed(error: string, cause: string): Error;
  /** `TimeoutSeconds` or `HeartbeatSeconds` ran out: not matched by `States.TaskFailed`, as on AWS. */
  timedOut(error: 'States.Timeout' | 'States.HeartbeatTimeout', cause: string): Error;
  /** Fails the execution: no Retry or Catch applies (AWS `States.Runtime`). */
  runtime(cause: string): Error;
}

type ErrorConstructor0 = new () => Error;

/** Obtains the engine's timeout error class (about 1 ms) and returns the error factory. */
export async function loadEngineErrors(): Promise<EngineErrors> {
  const TimeoutError = await probeTimeoutErrorClass();
  return {
    taskFailed: (error, cause) => named(new Error(cause), error),
    timedOut: (error, cause) => {
      const instance = TimeoutError === undefined ? new Error(cause) : new TimeoutError();
      instance.message = cause;
      return named(instance, error);
    },
    runtime: (cause) => {
      const instance = named(new Error(cause), 'States.Runtime');
      Object.defineProperties(instance, { isRetryable: { value: false }, isCatchable: { value: false } });
      return instance;
    },
  };
}

function named(error: Error, name: string): Error {
  // An own property, so the engine's `error.name` sees exactly the worker's error name.
  Object.defineProperty(error, 'name', {
    value: name,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return error;
}

async function probeTimeoutErrorClass(): Promise<ErrorConstructor0 | undefined> {
  const machine = new StateMachine(
    {
      StartAt: 'Probe',
      States: {
        Probe: {
          Type: 'Task',
          Resource: 'arn:aws:states:us-east-1:123456789012:activity:probe',
          // The engine reads `TimeoutSeconds * 1000` ms: 0.001 s is a 1 ms timer.
          TimeoutSeconds: 0.001,
          End: true,
        },
      },
    },
    { validationOptions: { noValidate: true } },
  );
  const run = machine.run(
    {},
    { overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } } },
  );
  try {
    await run.result;
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof Error && cause.name === 'States.Timeout')
      return cause.constructor as ErrorConstructor0;
  }
  return undefined;
}
