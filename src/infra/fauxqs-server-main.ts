/**
 * Entry point of the embedded S3 child process (started by `startEmbeddedS3` in fauxqs-server.ts, never
 * imported). fauxqs's own CLI and `startFauxqs` always listen on 0.0.0.0, so this builds the same fauxqs
 * app (in-memory stores, no persistence) and listens on 127.0.0.1 only, on a port the OS picks. It prints
 * one JSON line `{"url": "http://127.0.0.1:<port>"}` to stdout once it accepts connections.
 */
import { buildApp } from 'fauxqs';

const app = buildApp({ logger: false });
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);

// The parent holds our stdin open; end of stdin means the parent is gone (even if it was SIGKILLed and
// could not stop us), so exit instead of lingering as an orphan.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
