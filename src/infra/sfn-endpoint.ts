/**
 * Where and how a process reaches Step Functions with `@aws-sdk/client-sfn`: the embedded endpoint, a
 * LocalStack container and AWS differ only in these fields.
 */
export interface SfnEndpointSettings {
  /** Base URL; absent for real AWS. */
  readonly endpoint?: string;
  readonly region: string;
  /** Static credentials; absent to use the SDK's default provider chain. */
  readonly credentials?: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}
