import { createDistributedRunner } from './distributed/distributed-runner.ts';
import { createMonolithRunner } from './monolith/monolith-runner.ts';
import type { RunnerFactory } from './runner.ts';

/** Every runner, by name; a new wiring of the core is one file plus one line here. */
export const runnerRegistry = {
  monolith: createMonolithRunner,
  distributed: createDistributedRunner,
} as const satisfies Record<string, RunnerFactory>;

export type RunnerName = keyof typeof runnerRegistry;

export const runnerNames = Object.keys(runnerRegistry) as RunnerName[];

export function isRunnerName(name: string): name is RunnerName {
  return Object.hasOwn(runnerRegistry, name);
}
