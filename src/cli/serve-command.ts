import { once } from 'node:events';
import { BadInputError } from '../core/errors.ts';
import { listenStepFunctions } from '../infra/local-step-functions/json-protocol-server.ts';
import { type CommandIo, processIo } from './io.ts';

export interface ServeCommandOptions {
  /** TCP port on 127.0.0.1; 0 (default) lets the OS pick a free one. */
  readonly port?: string;
}

/**
 * `archbench serve sfn`: the embedded Step Functions endpoint on its own, on 127.0.0.1, for people who want
 * it under their own tools. Runs until SIGINT or SIGTERM (or `stop` aborts, in tests), then closes.
 */
export async function serve(
  service: string,
  options: ServeCommandOptions,
  io: CommandIo = processIo,
  stop: AbortSignal = signalAbort(),
): Promise<number> {
  if (service !== 'sfn') throw new BadInputError(`serve ${service}: unknown service (choose from: sfn)`);
  const port = Number(options.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new BadInputError(`--port ${options.port}: must be a port number from 0 to 65535`);
  }
  const server = await listenStepFunctions({ port });
  io.out(
    `Step Functions endpoint ${server.url} (127.0.0.1 only; region us-east-1; any credentials; ` +
      'SDK clients need disableHostPrefix: true). Ctrl-C stops it.\n',
  );
  if (!stop.aborted) await once(stop, 'abort');
  await server.close();
  return 0;
}

/** Aborts on the first SIGINT or SIGTERM. */
function signalAbort(): AbortSignal {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return controller.signal;
}
