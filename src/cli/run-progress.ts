import type { RunDocument } from '../harness/results.ts';
import { displayPath } from '../media/probe.ts';
import type { CommandIo } from './io.ts';

/**
 * Reports a failed run on stderr: bad input as one line (the message already names the file and the
 * problem); an internal failure as a line naming the clip and runner followed by the stack, because it is
 * a bug to be reported, not something the user can fix by changing the input.
 */
function writeFailedRun(io: CommandIo, clipPath: string, run: RunDocument, error: unknown): void {
  if (run.status !== 'failed') return;
  // Bad input and an unreachable service are one line each: the message names the problem.
  if (run.error.kind === 'bad-input' || run.error.kind === 'unavailable') {
    io.err(`archbench: ${run.error.message}\n`);
    return;
  }
  const stack = error instanceof Error && error.stack ? error.stack : run.error.message;
  io.err(`archbench: internal error while analysing ${displayPath(clipPath)} with ${run.runner}\n${stack}\n`);
}

/**
 * `writeFailedRun` that writes each bad-input or unavailable line once per clip: with several runners a
 * clip that cannot be read, or an endpoint that is gone, fails every runner with the same message, and the
 * user needs to read it once. Internal errors name their runner and keep a line (and stack) each.
 */
export function createFailedRunWriter(
  io: CommandIo,
): (clipPath: string, run: RunDocument, error: unknown) => void {
  const written = new Set<string>();
  return (clipPath, run, error) => {
    if (run.status !== 'failed') return;
    if (run.error.kind !== 'internal') {
      const key = `${clipPath}\0${run.error.message}`;
      if (written.has(key)) return;
      written.add(key);
    }
    writeFailedRun(io, clipPath, run, error);
  };
}
