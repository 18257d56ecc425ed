import { startAwsBackend } from './aws-backend.ts';
import type { BackendFactory } from './backend.ts';
import { startEmbeddedBackend } from './embedded-backend.ts';
import { startLocalStackBackend } from './localstack-backend.ts';
import { startMinioBackend } from './minio-backend.ts';

/** Every backend, by name; a new one is one file plus one line here. */
export const backendRegistry = {
  embedded: startEmbeddedBackend,
  localstack: startLocalStackBackend,
  minio: startMinioBackend,
  aws: startAwsBackend,
} as const satisfies Record<string, BackendFactory>;

export type BackendName = keyof typeof backendRegistry;

export const backendNames = Object.keys(backendRegistry) as BackendName[];

export function isBackendName(name: string): name is BackendName {
  return Object.hasOwn(backendRegistry, name);
}
