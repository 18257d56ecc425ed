import type { BenchResults } from '../core/bench-results.ts';
import type { Design } from '../core/cost/cost-model.ts';
import type { Counters } from '../core/counters.ts';

/**
 * Every counter of both runners as table rows, so the report lists each count next to its rate per
 * stream-second and nothing the runners counted is left out.
 */

/** `count`: exact across runs; `timing`: a measurement; `level`: a maximum or a setting, not a rate. */
export type CounterKind = 'count' | 'timing' | 'level';

export interface CounterRow {
  /** `s3`, `sfn`, `serialization`, `network`, `compute`. */
  readonly group: string;
  readonly name: string;
  readonly unit: string;
  readonly kind: CounterKind;
  /** Total per design over the run; null when the design did not count it. */
  readonly values: Readonly<Record<Design, number | null>>;
}

interface Entry {
  readonly group: string;
  readonly name: string;
  readonly unit: string;
  readonly kind: CounterKind;
  readonly value: number;
}

function entriesOf(counters: Counters): Entry[] {
  const entries: Entry[] = [];
  const add = (group: string, name: string, unit: string, kind: CounterKind, value: number): void => {
    entries.push({ group, name, unit, kind, value });
  };
  for (const [operation, count] of Object.entries(counters.s3.requestsByOperation)) {
    add('s3', `requests: ${operation}`, 'requests', 'count', count);
  }
  for (const [tier, count] of Object.entries(counters.s3.requestsByTier)) {
    add(
      's3',
      `requests in ${tier === 'free' ? 'free tier (DELETE)' : tier.replace('tier', 'tier ')}`,
      'requests',
      'count',
      count,
    );
  }
  for (const [stage, byOperation] of Object.entries(counters.s3.requestsByStage)) {
    for (const [operation, count] of Object.entries(byOperation)) {
      add('s3', `stage ${stage}: ${operation}`, 'requests', 'count', count);
    }
  }
  add('s3', 'bytes up (request bodies)', 'bytes', 'count', counters.s3.bytesUp);
  add('s3', 'bytes down (response bodies)', 'bytes', 'count', counters.s3.bytesDown);

  add('sfn', 'executions started', 'executions', 'count', counters.sfn.executionsStarted);
  for (const [state, count] of Object.entries(counters.sfn.transitionsByState)) {
    add('sfn', `billed transitions: ${state}`, 'transitions', 'count', count);
  }
  for (const [operation, count] of Object.entries(counters.sfn.apiRequestsByOperation)) {
    add('sfn', `API requests: ${operation}`, 'requests', 'count', count);
  }
  add('sfn', 'execution duration', 'ms', 'timing', counters.sfn.executionMs);
  add(
    'sfn',
    'execution duration as Express bills it (100 ms steps)',
    'ms',
    'timing',
    counters.sfn.expressBilledMs,
  );

  for (const [hop, entry] of Object.entries(counters.serialization)) {
    add('serialization', `${hop}: encode operations`, 'operations', 'count', entry.encodeOps);
    add('serialization', `${hop}: decode operations`, 'operations', 'count', entry.decodeOps);
    add('serialization', `${hop}: bytes`, 'bytes', 'count', entry.bytes);
    add('serialization', `${hop}: CPU`, 'ms', 'timing', entry.cpuMs);
  }
  for (const [peer, entry] of Object.entries(counters.network)) {
    add('network', `${peer}: requests`, 'requests', 'count', entry.requests);
    add('network', `${peer}: bytes sent`, 'bytes', 'count', entry.bytesSent);
    add('network', `${peer}: bytes received`, 'bytes', 'count', entry.bytesReceived);
  }
  for (const [component, cpuMs] of Object.entries(counters.compute.cpuMsByComponent)) {
    add('compute', `CPU: ${component}`, 'ms', 'timing', cpuMs);
  }
  for (const [task, entry] of Object.entries(counters.compute.invocationsByTask)) {
    add('compute', `task ${task}: invocations`, 'invocations', 'count', entry.invocations);
    add('compute', `task ${task}: billed duration`, 'ms', 'timing', entry.billedMs);
    add('compute', `task ${task}: configured memory`, 'MB', 'level', entry.memoryMb);
  }
  add('compute', 'wall time (longest process)', 'ms', 'level', counters.compute.wallMs);
  add('compute', 'peak RSS', 'bytes', 'level', counters.compute.peakRssBytes);
  return entries;
}

/** Rows of both runners' summed counters, in the order they were first seen (distributed first). */
export function counterRows(results: BenchResults): CounterRow[] {
  const rows = new Map<
    string,
    { group: string; name: string; unit: string; kind: CounterKind; values: Record<Design, number | null> }
  >();
  for (const design of ['distributed', 'monolith'] as const) {
    for (const entry of entriesOf(results.runners[design].counters)) {
      const key = `${entry.group}\u0000${entry.name}`;
      let row = rows.get(key);
      if (row === undefined) {
        row = { ...entry, values: { distributed: null, monolith: null } };
        rows.set(key, row);
      }
      row.values[design] = entry.value;
    }
  }
  return [...rows.values()];
}
