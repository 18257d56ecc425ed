import { pathToFileURL } from 'node:url';
import { BadInputError } from '../core/errors.ts';

/**
 * Longest a config or scenario file may take to load, ms: its own top-level code, awaits included. Loading
 * takes well under a second; a file whose top-level await never settles would otherwise hang the run, or
 * end it with Node's exit code 13.
 */
export const moduleLoadTimeoutMs = 10_000;

/**
 * The default export of the TypeScript module `file` (a config or scenario the user wrote). Every problem is
 * one BadInputError line starting with `subject` (e.g. `config bench.config.ts`): the file does not load, it
 * has no default export (`expected` says what it must export), or it does not finish loading in time.
 */
export async function importDefaultExport(
  file: string,
  subject: string,
  expected: string,
  timeoutMs = moduleLoadTimeoutMs,
): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new BadInputError(
            `${subject}: did not finish loading within ${timeoutMs / 1000} s (a top-level await that never settles?)`,
          ),
        ),
      timeoutMs,
    );
  });
  let module: Record<string, unknown>;
  try {
    module = await Promise.race([
      import(pathToFileURL(file).href) as Promise<Record<string, unknown>>,
      timedOut,
    ]);
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BadInputError(`${subject}: cannot load: ${reason}`);
  } finally {
    clearTimeout(timer);
  }
  if (!('default' in module)) {
    const found = Object.keys(module);
    throw new BadInputError(
      `${subject}: no default export${found.length > 0 ? ` (it exports ${found.join(', ')})` : ''}: it must \`export default ${expected}\``,
    );
  }
  return module.default;
}
