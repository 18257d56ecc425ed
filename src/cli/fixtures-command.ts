import path from 'node:path';
import { BadInputError } from '../core/errors.ts';
import { loadConfig } from '../harness/load-config.ts';
import { ensureFixtures, fixtureIds } from '../media/fixtures/fixture-generator.ts';
import { type CommandIo, processIo } from './io.ts';

export interface FixturesCommandOptions {
  readonly config?: string;
  /** Regenerate even clips that are up to date. */
  readonly force?: boolean;
  /** Only these fixture ids. */
  readonly only?: readonly string[];
}

/** `archbench fixtures`: generates missing fixture clips and their manifest. */
export async function fixtures(options: FixturesCommandOptions, io: CommandIo = processIo): Promise<number> {
  const config = await loadConfig(options.config);
  const unknown = (options.only ?? []).filter((id) => !fixtureIds.includes(id));
  if (unknown.length > 0) {
    throw new BadInputError(`--only ${unknown.join(',')}: unknown fixture (known: ${fixtureIds.join(', ')})`);
  }
  const dir = path.resolve(config.fixturesDir);
  const started = performance.now();
  const manifest = await ensureFixtures({
    dir,
    force: options.force ?? false,
    ...(options.only ? { only: options.only } : {}),
    onProgress: (id) => io.err(`generating fixture ${id}\n`),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.out(`${manifest.clips.length} fixture clips in ${dir} (${seconds} s)\n`);
  return 0;
}
