/**
 * Entry point of the embedded Step Functions child process (started by `startEmbeddedStepFunctions` in
 * local-step-functions-server.ts, never imported). Listens on 127.0.0.1 at a port the OS picks and prints
 * one JSON line `{"url": "http://127.0.0.1:<port>"}` to stdout once it accepts connections.
 *
 * Arguments: `--max-poll-wait-ms <ms>` (longest GetActivityTask wait, default 60,000).
 */
import { listenStepFunctions } from './json-protocol-server.ts';

const maxPollWaitMs = numberArgument('--max-poll-wait-ms');
const server = await listenStepFunctions(maxPollWaitMs === undefined ? {} : { maxPollWaitMs });
process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // Pending polls are answered before the connections close, so no client waits for a dead server.
  await server.close();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// The parent holds our stdin open; end of stdin means the parent is gone (even if it was SIGKILLed and
// could not stop us), so stop instead of lingering as an orphan.
process.stdin.on('end', () => void stop());
process.stdin.resume();

function numberArgument(flag: string): number | undefined {
  const at = process.argv.indexOf(flag);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} needs a number of milliseconds >= 0`);
  return value;
}
