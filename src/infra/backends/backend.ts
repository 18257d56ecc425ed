import type { S3Endpoint } from '../s3-object-store.ts';
import type { SfnEndpointSettings } from '../sfn-endpoint.ts';

/**
 * Where a run's S3 and Step Functions live. Runners only ever see endpoints (URL, region, credentials):
 * the embedded servers, LocalStack or MinIO containers and AWS itself differ in how a backend starts and
 * what it cleans up, never in the client code.
 */
export interface Backend extends AsyncDisposable {
  /** Registered name (`embedded`, `localstack`, `minio`, `aws`). */
  readonly name: string;
  /** One line for progress output and reports: where S3 and Step Functions are. */
  readonly description: string;
  readonly s3: S3Endpoint;
  /** The run's bucket; it exists once the backend has started. */
  readonly bucket: string;
  /**
   * The Step Functions endpoint, started on first call (a monolith-only run never needs one); later calls
   * return the same endpoint.
   */
  stepFunctions(): Promise<SfnEndpointSettings>;
  /** IAM role the state machine runs as (required by CreateStateMachine; emulators accept any). */
  readonly roleArn: string;
  /** Tags for every resource the run creates (activities, state machines), so leftovers can be found. */
  readonly tags: Readonly<Record<string, string>>;
  /**
   * Most Step Functions executions the run may start (AWS `--max-executions`); absent for no limit. The
   * orchestrator refuses the execution after the last one with one clear line.
   */
  readonly maxExecutions?: number;
}

/** What every backend gets when a run starts it. */
export interface BackendStartOptions {
  /** Identifies the run; names and tags what the backend creates. */
  readonly runId: string;
  /** Bucket name from the config (backends that create their own bucket per run may derive another). */
  readonly bucket: string;
  /** The `backend` section of the config. */
  readonly settings: BackendSettings;
}

/** The `backend` section of the harness config (validated in src/harness/config.ts). */
export interface BackendSettings {
  readonly name: string;
  /** AWS region (aws backend), or the region the emulators report. */
  readonly region: string;
  /** IAM role ARN for the state machine (aws backend; the emulators accept any). */
  readonly roleArn?: string;
  /** The run may create billable resources in AWS (the CLI's `--yes`). */
  readonly confirmed: boolean;
  /** Cap on Step Functions executions started by the run (aws backend's `--max-executions`). */
  readonly maxExecutions?: number;
  /**
   * URL of an already-running LocalStack (localstack) or MinIO (minio) to use instead of starting a
   * container, e.g. one shared by workers on other machines.
   */
  readonly endpoint?: string;
}

export type BackendFactory = (options: BackendStartOptions) => Promise<Backend>;

/** The role ARN given to emulators, which check no IAM (any well-formed ARN is accepted). */
export const EMULATOR_ROLE_ARN = 'arn:aws:iam::123456789012:role/archbench-step-functions';
