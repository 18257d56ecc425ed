import { SfnServiceError } from './sfn-service-error.ts';

/**
 * One event of an execution history as GetExecutionHistory returns it: `id` from 1 in recording order,
 * `previousEventId` the event it follows in its own branch (0: none), `timestamp` in epoch seconds (a
 * JSON number with a fraction, as AWS sends it), `type`, and one details object named as AWS names it
 * (`stateEnteredEventDetails`, `activityScheduledEventDetails`, ...).
 */
export interface HistoryEventRecord {
  readonly id: number;
  readonly previousEventId: number;
  readonly timestamp: number;
  readonly type: string;
  readonly [details: string]: unknown;
}

/** Default and largest page of GetExecutionHistory (AWS: 100 and 1,000). */
const DEFAULT_PAGE_EVENTS = 100;
const MAX_PAGE_EVENTS = 1000;
/** Fields that carry execution data, left out when `includeExecutionData` is false. */
const DATA_FIELDS = ['input', 'inputDetails', 'output', 'outputDetails'] as const;

export interface HistoryPageRequest {
  readonly maxResults?: number;
  readonly reverseOrder?: boolean;
  readonly nextToken?: string;
  readonly includeExecutionData?: boolean;
}

/** The events of one execution, appended in order, read in pages. */
export class ExecutionHistory {
  readonly #executionArn: string;
  readonly #events: HistoryEventRecord[] = [];

  constructor(executionArn: string) {
    this.#executionArn = executionArn;
  }

  /** Appends an event and returns its id. `details` is `{ <type>EventDetails: {...} }` or empty. */
  append(
    type: string,
    previousEventId: number,
    details: Record<string, object> = {},
    atMs = Date.now(),
  ): number {
    const id = this.#events.length + 1;
    this.#events.push({ id, previousEventId, timestamp: atMs / 1000, type, ...details });
    return id;
  }

  get length(): number {
    return this.#events.length;
  }

  /** All events so far (a copy). */
  all(): HistoryEventRecord[] {
    return [...this.#events];
  }

  /**
   * One page, as GetExecutionHistory returns it. The `nextToken` names the next event id to return, so
   * paging stays consistent while the execution appends events. Throws InvalidToken for a token not
   * issued for this execution and direction, ValidationException for `maxResults` above 1,000.
   */
  page(request: HistoryPageRequest): { events: HistoryEventRecord[]; nextToken?: string } {
    const maxResults = request.maxResults ?? 0;
    if (!Number.isInteger(maxResults) || maxResults < 0 || maxResults > MAX_PAGE_EVENTS) {
      throw new SfnServiceError(
        'ValidationException',
        `1 validation error detected: Value '${maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 1000`,
      );
    }
    const size = maxResults === 0 ? DEFAULT_PAGE_EVENTS : maxResults;
    const reverse = request.reverseOrder === true;
    let nextId = reverse ? this.#events.length : 1;
    if (request.nextToken !== undefined) nextId = this.#decodeToken(request.nextToken, reverse);

    const events: HistoryEventRecord[] = [];
    let id = nextId;
    while (events.length < size && id >= 1 && id <= this.#events.length) {
      const event = this.#events[id - 1];
      if (event !== undefined)
        events.push(request.includeExecutionData === false ? withoutData(event) : event);
      id += reverse ? -1 : 1;
    }
    const more = reverse ? id >= 1 : id <= this.#events.length;
    return more ? { events, nextToken: this.#encodeToken(id, reverse) } : { events };
  }

  #encodeToken(nextId: number, reverse: boolean): string {
    return Buffer.from(JSON.stringify({ e: this.#executionArn, i: nextId, r: reverse })).toString(
      'base64url',
    );
  }

  #decodeToken(token: string, reverse: boolean): number {
    try {
      const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
        e?: unknown;
        i?: unknown;
        r?: unknown;
      };
      if (decoded.e === this.#executionArn && decoded.r === reverse && Number.isInteger(decoded.i)) {
        return decoded.i as number;
      }
    } catch {
      // Falls through to the AWS error below.
    }
    throw new SfnServiceError('InvalidToken', 'Invalid Token: the nextToken was not issued for this request');
  }
}

function withoutData(event: HistoryEventRecord): HistoryEventRecord {
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const details: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const field of DATA_FIELDS) delete details[field];
    copy[key] = details;
  }
  return copy as unknown as HistoryEventRecord;
}
