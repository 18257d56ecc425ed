/**
 * The cause AWS gives a `States.Runtime` failure of a state, built from the engine's message for it.
 *
 * AWS names the state and the id of its `*StateEntered` event, then says what failed in its own words
 * (Jayway JSONPath's for paths that match nothing). The engine's messages carry the path and the value,
 * so the field is found in the state's definition. Messages this does not know keep the engine's wording
 * after the AWS prefix.
 */
export interface RuntimeFailure {
  readonly stateName: string;
  /** Id of the state's `*StateEntered` event. */
  readonly enteredEventId: number;
  /** The state's definition object. */
  readonly definition: Readonly<Record<string, unknown>>;
  /** The state's input, as recorded in its `*StateEntered` event. */
  readonly input: unknown;
  /** The engine's message (the `Cause` of its StateFailed event). */
  readonly engineMessage: string;
}

const NO_VALUE = /^Path expression '(.+)' does not point to a value$/;
const NOT_AN_INTEGER = /^Path expression '(.+)' evaluated to (.+), but expected an integer$/;
const NEGATIVE = /^Path expression '(.+)' evaluated to (.+), but expected an integer >= 0$/;
const NOT_A_TIMESTAMP =
  /^Path expression '(.+)' evaluated to (.+), but expected a timestamp conforming to the RFC3339 profile$/;

export function awsRuntimeCause(failure: RuntimeFailure): string {
  const prefix = `An error occurred while executing the state '${failure.stateName}' (entered at the event id #${failure.enteredEventId}).`;
  return `${prefix} ${detail(failure)}`;
}

function detail(failure: RuntimeFailure): string {
  const message = failure.engineMessage;
  const missing = NO_VALUE.exec(message);
  if (missing?.[1] !== undefined) {
    const path = missing[1];
    const field = fieldHolding(failure.definition, path);
    if (field === 'InputPath' || field === 'OutputPath' || field === 'ItemsPath') {
      return `Invalid path '${path}' : No results for path: ${jaywayPath(path)}`;
    }
    if (field === 'ErrorPath' || field === 'CausePath') {
      return `The JSONPath '${path}' specified for the field '${field}' could not be found in the input '${JSON.stringify(failure.input)}'`;
    }
    return message;
  }
  const negative = NEGATIVE.exec(message);
  if (negative?.[1] !== undefined && negative[2] !== undefined) {
    return `The SecondsPath parameter references a negative value: ${negative[1]} == ${negative[2]}`;
  }
  const notInteger = NOT_AN_INTEGER.exec(message);
  if (notInteger?.[1] !== undefined && notInteger[2] !== undefined) {
    return `The SecondsPath parameter cannot be parsed as a long value: ${notInteger[1]} == ${notInteger[2]}`;
  }
  const notTimestamp = NOT_A_TIMESTAMP.exec(message);
  if (notTimestamp?.[1] !== undefined && notTimestamp[2] !== undefined) {
    return `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${notTimestamp[1]} == ${unquoted(notTimestamp[2])}`;
  }
  return message;
}

function fieldHolding(definition: Readonly<Record<string, unknown>>, path: string): string | undefined {
  const fields = ['InputPath', 'OutputPath', 'ItemsPath', 'ErrorPath', 'CausePath'];
  return fields.find((field) => definition[field] === path);
}

/** `$.a.b[0]` as Jayway prints it in its messages: `$['a']['b'][0]`. */
function jaywayPath(path: string): string {
  return path.replace(/\.([^.[\]]+)/g, "['$1']");
}

function unquoted(value: string): string {
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'string' ? parsed : value;
  } catch {
    return value;
  }
}
