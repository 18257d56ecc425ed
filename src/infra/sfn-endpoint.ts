import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { SFNClientConfig } from '@aws-sdk/client-sfn';

/**
 * Where and how a process reaches Step Functions with `@aws-sdk/client-sfn`: the embedded endpoint, a
 * LocalStack container and AWS differ only in these fields.
 */
export interface SfnEndpointSettings {
  /** Base URL; absent for real AWS. */
  readonly endpoint?: string;
  readonly region: string;
  /** Static credentials; absent to use the SDK's default provider chain. */
  readonly credentials?: StaticCredentials;
}

/** Credentials a child process can be handed as data (over stdin, never argv or the environment). */
export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface SfnClientConnectionOptions {
  /**
   * Most sockets the client opens to the endpoint (default 50, the SDK's own default). Every waiting
   * GetActivityTask holds one for up to the poll wait, and every in-flight execution one more request, so a
   * process with more of those than this must raise it, or its calls queue behind the polls.
   */
  readonly maxSockets?: number;
}

/**
 * `SFNClient` configuration for an endpoint: region, endpoint and credentials when given, keep-alive agents,
 * and `disableHostPrefix` (operations with a host prefix such as StartSyncExecution would otherwise go to
 * `sync-127.0.0.1`). Without an endpoint it is real AWS with the SDK's default credential chain.
 */
export function sfnClientConfig(
  endpoint: SfnEndpointSettings,
  options: SfnClientConnectionOptions = {},
): SFNClientConfig {
  const maxSockets = options.maxSockets ?? 50;
  return {
    region: endpoint.region,
    ...(endpoint.endpoint === undefined ? {} : { endpoint: endpoint.endpoint }),
    ...(endpoint.credentials === undefined ? {} : { credentials: { ...endpoint.credentials } }),
    disableHostPrefix: true,
    requestHandler: {
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
    },
  };
}

/**
 * The static credentials an SDK client resolves (its own, or the default chain's: environment, profile,
 * instance role), to hand to worker processes once instead of letting each resolve them.
 */
export async function staticCredentialsOf(client: {
  readonly config: { credentials(): Promise<StaticCredentials> };
}): Promise<StaticCredentials> {
  const resolved = await client.config.credentials();
  return {
    accessKeyId: resolved.accessKeyId,
    secretAccessKey: resolved.secretAccessKey,
    ...(resolved.sessionToken === undefined ? {} : { sessionToken: resolved.sessionToken }),
  };
}
