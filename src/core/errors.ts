/**
 * The project's error classes, imported through this one path. Adapters translate library errors into
 * these at the boundary; the CLI maps them to exit codes in one place.
 */

/** Input the user can fix (missing file, not media, invalid config value): exit code 2, one line. */
export class BadInputError extends Error {
  override readonly name = 'BadInputError';
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
  readonly kind: 'bad-input' | 'internal';
  readonly message: string;
}

export function toErrorDocument(error: unknown): ErrorDocument {
  if (error instanceof BadInputError) return { kind: 'bad-input', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'internal', message };
}
