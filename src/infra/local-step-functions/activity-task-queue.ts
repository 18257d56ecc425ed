import { randomBytes } from 'node:crypto';
import { SfnServiceError } from './sfn-service-error.ts';

/** Timeout errors an activity attempt can end with (the names Retry and Catch match). */
export type ActivityTimeoutError = 'States.Timeout' | 'States.HeartbeatTimeout';

/** Receives what happens to an attempt; the execution that scheduled it records history and resumes. */
export interface ActivityAttemptOwner {
  /** A worker received the task (its GetActivityTask response was written). */
  onStarted(attempt: ActivityAttempt): void;
  onSucceeded(attempt: ActivityAttempt, outputText: string): void;
  onFailed(attempt: ActivityAttempt, error: string | undefined, cause: string | undefined): void;
  /** `TimeoutSeconds` since scheduling, or `HeartbeatSeconds` without a heartbeat, ran out. */
  onTimedOut(attempt: ActivityAttempt, error: ActivityTimeoutError): void;
}

type AttemptStatus = 'queued' | 'delivering' | 'started' | 'closed';

/** One attempt of one activity Task state: what GetActivityTask hands out under a task token. */
export class ActivityAttempt {
  readonly token: string;
  readonly activityArn: string;
  /** The task input as JSON text, as the worker receives it. */
  readonly inputText: string;
  /** `TimeoutSeconds` of the state, s. */
  readonly timeoutSec: number | undefined;
  /** `HeartbeatSeconds` of the state, s. */
  readonly heartbeatSec: number | undefined;
  readonly owner: ActivityAttemptOwner;
  status: AttemptStatus = 'queued';
  /** `workerName` of the GetActivityTask call that received it. */
  workerName: string | undefined;
  timeoutTimer: NodeJS.Timeout | undefined;
  heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(init: {
    activityArn: string;
    inputText: string;
    timeoutSec?: number | undefined;
    heartbeatSec?: number | undefined;
    owner: ActivityAttemptOwner;
  }) {
    // Opaque, unguessable and URL-safe, like AWS task tokens (which are much longer).
    this.token = randomBytes(32).toString('base64url');
    this.activityArn = init.activityArn;
    this.inputText = init.inputText;
    this.timeoutSec = init.timeoutSec;
    this.heartbeatSec = init.heartbeatSec;
    this.owner = init.owner;
  }
}

/**
 * What a long poll receives. The HTTP layer writes it and then reports whether the response left:
 * `delivered()` starts the attempt (ActivityStarted, heartbeat clock); `undelivered()` (the client went
 * away mid-poll) puts the task back at the head of its queue so it is not lost.
 */
export interface ActivityTaskLease {
  readonly taskToken: string;
  readonly input: string;
  delivered(): void;
  undelivered(): void;
}

interface Waiter {
  readonly workerName: string | undefined;
  resolve(lease: ActivityTaskLease | undefined): void;
}

interface ActivityQueue {
  readonly ready: ActivityAttempt[];
  readonly waiters: Waiter[];
}

/**
 * Activity tasks waiting for workers, per activity ARN, with long-polling workers waiting for tasks. Owns
 * the task tokens and the timeout and heartbeat timers of every attempt it handed out.
 */
export class ActivityTaskQueue {
  readonly #queues = new Map<string, ActivityQueue>();
  readonly #open = new Map<string, ActivityAttempt>();
  /** Tokens of attempts that ended: a late answer gets TaskTimedOut rather than TaskDoesNotExist. */
  readonly #closedTokens = new Set<string>();
  #closed = false;

  addActivity(activityArn: string): void {
    if (!this.#queues.has(activityArn)) this.#queues.set(activityArn, { ready: [], waiters: [] });
  }

  hasActivity(activityArn: string): boolean {
    return this.#queues.has(activityArn);
  }

  /** Forgets the activity; its pollers get an empty answer. Queued attempts stay until they time out. */
  removeActivity(activityArn: string): void {
    const queue = this.#queues.get(activityArn);
    if (queue === undefined) return;
    this.#queues.delete(activityArn);
    for (const waiter of queue.waiters.splice(0)) waiter.resolve(undefined);
  }

  /** Schedules an attempt: hands it to a waiting worker or queues it, and starts its `TimeoutSeconds`. */
  schedule(attempt: ActivityAttempt): void {
    this.#open.set(attempt.token, attempt);
    if (attempt.timeoutSec !== undefined) {
      attempt.timeoutTimer = setTimeout(
        () => this.#expire(attempt, 'States.Timeout'),
        attempt.timeoutSec * 1000,
      );
    }
    this.#offer(attempt, 'tail');
  }

  /**
   * Waits up to `waitMs` for a task of `activityArn` (AWS holds a poll up to 60 s) and resolves with it,
   * or with undefined when none came, the poll was aborted (`signal`) or the queue closed.
   */
  poll(
    activityArn: string,
    workerName: string | undefined,
    waitMs: number,
    signal: AbortSignal,
  ): Promise<ActivityTaskLease | undefined> {
    const queue = this.#queues.get(activityArn);
    if (queue === undefined) {
      return Promise.reject(
        new SfnServiceError('ActivityDoesNotExist', `Activity Does Not Exist: '${activityArn}'`),
      );
    }
    const ready = queue.ready.shift();
    if (ready !== undefined) return Promise.resolve(this.#lease(ready, workerName));
    if (this.#closed || signal.aborted || waitMs <= 0) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        workerName,
        resolve: (lease) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(lease);
        },
      };
      const leave = (): void => {
        const index = queue.waiters.indexOf(waiter);
        if (index >= 0) queue.waiters.splice(index, 1);
        waiter.resolve(undefined);
      };
      const onAbort = (): void => leave();
      const timer = setTimeout(leave, waitMs);
      signal.addEventListener('abort', onAbort, { once: true });
      queue.waiters.push(waiter);
    });
  }

  /** SendTaskSuccess. `outputText` must already be checked to be JSON. */
  succeed(token: string, outputText: string): void {
    const attempt = this.#take(token);
    attempt.owner.onSucceeded(attempt, outputText);
  }

  /** SendTaskFailure. */
  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const attempt = this.#take(token);
    attempt.owner.onFailed(attempt, error, cause);
  }

  /** SendTaskHeartbeat: restarts the attempt's `HeartbeatSeconds` clock. */
  heartbeat(token: string): void {
    const attempt = this.#openAttempt(token);
    if (attempt.status === 'delivering') this.#start(attempt);
    else if (attempt.status === 'started') this.#armHeartbeat(attempt);
  }

  /** Ends an attempt nobody waits for any more (its execution or branch ended); no owner callback. */
  cancel(attempt: ActivityAttempt): void {
    if (attempt.status === 'closed') return;
    const queue = this.#queues.get(attempt.activityArn);
    if (attempt.status === 'queued' && queue !== undefined) {
      const index = queue.ready.indexOf(attempt);
      if (index >= 0) queue.ready.splice(index, 1);
    }
    this.#close(attempt);
  }

  /** Number of attempts queued or handed out and not yet ended. */
  get openAttempts(): number {
    return this.#open.size;
  }

  /** Answers every waiting poll empty, refuses new waits and stops all timers (server shutdown). */
  close(): void {
    this.#closed = true;
    for (const queue of this.#queues.values())
      for (const waiter of queue.waiters.splice(0)) waiter.resolve(undefined);
    for (const attempt of [...this.#open.values()]) this.#close(attempt);
  }

  #offer(attempt: ActivityAttempt, end: 'head' | 'tail'): void {
    attempt.status = 'queued';
    const queue = this.#queues.get(attempt.activityArn);
    // The activity was deleted after the state was entered: the attempt waits for its timeout, if any.
    if (queue === undefined) return;
    const waiter = queue.waiters.shift();
    if (waiter !== undefined) waiter.resolve(this.#lease(attempt, waiter.workerName));
    else if (end === 'head') queue.ready.unshift(attempt);
    else queue.ready.push(attempt);
  }

  #lease(attempt: ActivityAttempt, workerName: string | undefined): ActivityTaskLease {
    attempt.status = 'delivering';
    attempt.workerName = workerName;
    return {
      taskToken: attempt.token,
      input: attempt.inputText,
      delivered: () => {
        if (attempt.status === 'delivering') this.#start(attempt);
      },
      undelivered: () => {
        if (attempt.status === 'delivering') this.#offer(attempt, 'head');
      },
    };
  }

  #start(attempt: ActivityAttempt): void {
    attempt.status = 'started';
    attempt.owner.onStarted(attempt);
    this.#armHeartbeat(attempt);
  }

  #armHeartbeat(attempt: ActivityAttempt): void {
    if (attempt.heartbeatSec === undefined) return;
    clearTimeout(attempt.heartbeatTimer);
    attempt.heartbeatTimer = setTimeout(
      () => this.#expire(attempt, 'States.HeartbeatTimeout'),
      attempt.heartbeatSec * 1000,
    );
  }

  #expire(attempt: ActivityAttempt, error: ActivityTimeoutError): void {
    if (attempt.status === 'closed') return;
    this.cancel(attempt);
    attempt.owner.onTimedOut(attempt, error);
  }

  /** The open attempt for a token, closed for the answer; records ActivityStarted first if still due. */
  #take(token: string): ActivityAttempt {
    const attempt = this.#openAttempt(token);
    if (attempt.status === 'queued') {
      const queue = this.#queues.get(attempt.activityArn);
      const index = queue?.ready.indexOf(attempt) ?? -1;
      if (index >= 0) queue?.ready.splice(index, 1);
    }
    // The answer can overtake the write confirmation of the poll that delivered the task.
    if (attempt.status !== 'started') attempt.owner.onStarted(attempt);
    this.#close(attempt);
    return attempt;
  }

  #openAttempt(token: string): ActivityAttempt {
    const attempt = this.#open.get(token);
    if (attempt !== undefined) return attempt;
    if (this.#closedTokens.has(token)) {
      throw new SfnServiceError(
        'TaskTimedOut',
        'Task Timed Out: the task has already ended (timed out, answered or cancelled)',
      );
    }
    throw new SfnServiceError('TaskDoesNotExist', 'Task Does Not Exist: the task token is not known');
  }

  #close(attempt: ActivityAttempt): void {
    attempt.status = 'closed';
    clearTimeout(attempt.timeoutTimer);
    clearTimeout(attempt.heartbeatTimer);
    this.#open.delete(attempt.token);
    this.#closedTokens.add(attempt.token);
  }
}
