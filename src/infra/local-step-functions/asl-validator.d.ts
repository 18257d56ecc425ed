/** Types for `asl-validator` 4 (a CommonJS package that ships none): the default export validates. */
declare module 'asl-validator' {
  interface AslValidatorOptions {
    /** Validate JSONPath expressions (default true). */
    readonly checkPaths?: boolean;
    /** Validate `Resource` ARN syntax (default true). */
    readonly checkArn?: boolean;
  }
  interface AslValidationError {
    readonly 'Error code'?: string;
    readonly Message?: string;
  }
  interface AslValidationResult {
    readonly isValid: boolean;
    readonly errors: readonly AslValidationError[];
    errorsText(separator?: string): string;
  }
  /** Validates an ASL definition. Note: it adds `QueryLanguage` to every state of the object passed in. */
  function aslValidator(definition: unknown, options?: AslValidatorOptions): AslValidationResult;
  export default aslValidator;
}
