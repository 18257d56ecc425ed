/**
 * The object store port the runners depend on. It names no SDK type, so a runner test can pass a plain
 * object, and the same runner code works against the embedded server, a container or real S3 (only the
 * adapter behind it changes).
 */
export interface ObjectStore {
  /** Bucket every key of this store lives in. */
  readonly bucket: string;
  /** Writes `body` (bytes) under `key`, replacing any previous object. */
  put(key: string, body: Uint8Array, contentType?: string): Promise<void>;
  /** Reads the whole object under `key`; throws {@link ObjectNotFoundError} when there is none. */
  get(key: string): Promise<Uint8Array>;
  /** Deletes `keys` (missing keys are not an error), in as few requests as the backend allows. */
  deleteMany(keys: readonly string[]): Promise<void>;
  /** Every key that starts with `prefix`, in the backend's (lexicographic) order. */
  list(prefix: string): Promise<string[]>;
}

/** A request to the object store failed; `cause` keeps the backend's error for diagnosis. */
export class ObjectStoreError extends Error {
  override readonly name: string = 'ObjectStoreError';
  readonly bucket: string;
  /** Object key, or key prefix for a listing; empty for bucket-level operations. */
  readonly key: string;
  constructor(message: string, bucket: string, key: string, options?: ErrorOptions) {
    super(message, options);
    this.bucket = bucket;
    this.key = key;
  }
}

/** `get` of a key that holds no object. */
export class ObjectNotFoundError extends ObjectStoreError {
  override readonly name: string = 'ObjectNotFoundError';
  constructor(bucket: string, key: string, options?: ErrorOptions) {
    super(`no object at s3://${bucket}/${key}`, bucket, key, options);
  }
}
