import { AsyncLocalStorage } from 'node:async_hooks';
import type { Counters } from '../core/counters.ts';

/**
 * Which counters the work in progress is charged to, carried along its async calls. One SDK client (and
 * its kept-alive connections) can then serve several clips at once while every request lands in the
 * counters of the clip it was made for: the counting middleware asks `current()` per request.
 */
export interface CounterScope {
  /** Runs `work` with `counters` as the current target of everything it starts. */
  run<T>(counters: Counters, work: () => T): T;
  /** Counters of the work calling this, or undefined outside any `run`. */
  current(): Counters | undefined;
}

export function createCounterScope(): CounterScope {
  const storage = new AsyncLocalStorage<Counters>();
  return {
    run: (counters, work) => storage.run(counters, work),
    current: () => storage.getStore(),
  };
}
