import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { importDefaultExport } from './load-module.ts';
import { resolveScenario, type Scenario } from './scenario.ts';

/** Folder of the named scenarios, relative to the project root. */
export const scenariosDir = 'scenarios';
export const defaultScenarioName = 'prime-video';

/** Names of the scenarios in `scenarios/` (files `<name>.ts`). */
export async function scenarioNames(cwd = process.cwd()): Promise<string[]> {
  const entries = await readdir(path.join(cwd, scenariosDir)).catch(() => []);
  return entries
    .filter((entry) => entry.endsWith('.ts') && !entry.endsWith('.test.ts'))
    .map((entry) => entry.slice(0, -3))
    .sort();
}

/** Loads `scenarios/<name>.ts` (or a path to a scenario file) and validates it; problems are bad input. */
export async function loadScenario(nameOrPath: string, cwd = process.cwd()): Promise<Scenario> {
  const isPath = nameOrPath.includes('/') || nameOrPath.endsWith('.ts');
  if (!isPath && !/^[a-z0-9][a-z0-9-]*$/.test(nameOrPath)) {
    throw new BadInputError(`--scenario ${JSON.stringify(nameOrPath)}: not a scenario name`);
  }
  const file = path.resolve(cwd, isPath ? nameOrPath : path.join(scenariosDir, `${nameOrPath}.ts`));
  const exists = await stat(file).then(
    (info) => info.isFile(),
    () => false,
  );
  if (!exists) {
    const known = await scenarioNames(cwd);
    throw new BadInputError(`scenario ${nameOrPath}: not found (known: ${known.join(', ') || 'none'})`);
  }
  const exported = await importDefaultExport(file, `scenario ${nameOrPath}`, 'defineScenario({...})');
  const name = path.basename(file, '.ts');
  const resolved = resolveScenario(name, exported);
  if (!resolved.ok) throw new BadInputError(`scenario ${nameOrPath}: ${resolved.error}`);
  return resolved.scenario;
}
