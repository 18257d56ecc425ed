/**
 * The project's error classes, imported through this one path. Adapters translate library errors into
 * these at the boundary; the CLI maps them to exit codes in one place.
 */

/** Input the user can fix (missing file, not media, invalid config value): exit code 2, one line. */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
}

/**
 * A service the run depends on (the S3 or Step Functions endpoint) went away or cannot be reached: not a
 * bug and not the user's input; exit code 1 with one clear line.
 */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

/** An expected, deliberate exit with a code (e.g. 1 when findings of two runners differ). */
export class ExitError extends Error {
  override readonly name = 'ExitError';
  readonly exitCode: number;
  constructor(exitCode: number, message: string) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Messages for a failure kept as data (one bad clip never aborts a whole run). */
export interface ErrorDocument {
  readonly kind: 'bad-input' | 'unavailable' | 'internal';
  readonly message: string;
}

export function toErrorDocument(error: unknown): ErrorDocument {
  if (error instanceof BadInputError) return { kind: 'bad-input', message: error.message };
  if (error instanceof ServiceUnavailableError) return { kind: 'unavailable', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message };
}
