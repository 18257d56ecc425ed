/**
 * An error the embedded Step Functions endpoint returns to its client, shaped as AWS does: HTTP 400 with
 * `{ "__type": "<Type>", "message": "..." }`, so `@aws-sdk/client-sfn` raises its typed exception of that
 * name (`ExecutionDoesNotExist`, `TaskDoesNotExist`, ...).
 */
export class SfnServiceError extends Error {
  override readonly name = 'SfnServiceError';
  /** The AWS error code, sent as `__type`. */
  readonly type: SfnErrorType;
  /** HTTP status sent with it (400 for every client error, as AWS does). */
  readonly httpStatus: number;
  constructor(type: SfnErrorType, message: string, httpStatus = 400) {
    super(message);
    this.type = type;
    this.httpStatus = httpStatus;
  }
}

/** The error codes this endpoint uses (AWS Step Functions API reference names). */
export type SfnErrorType =
  | 'ActivityDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineAlreadyExists'
  | 'StateMachineDoesNotExist'
  | 'StateMachineTypeNotSupported'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'InternalFailure';
