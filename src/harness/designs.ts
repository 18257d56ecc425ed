import type { WorkflowShape } from '../runners/distributed/distributed-settings.ts';

/**
 * The serverless designs a scenario can measure beside the monolith, by id. A design is a wiring of the
 * shared core (the distributed runner) plus its settings: workflow type, chunk length, frames per S3
 * object and how a chunk's work is split into tasks. Adding a design is one entry here; the bench runs it,
 * prices it, checks its findings and gates its counts like the others.
 */
export interface ServerlessDesign {
  /** One line for tables and charts. */
  readonly label: string;
  /** Why a team would build it this way, for the report. */
  readonly description: string;
  /** How executions are billed: Standard per state transition, Express per request and GB-second. */
  readonly workflow: 'standard' | 'express';
  readonly shape: WorkflowShape;
  /** Seconds of stream per workflow execution (one chunk). */
  readonly chunkSeconds: number;
  /** Frames per S3 object written by ConvertMedia (the stages shape; no frame crosses S3 otherwise). */
  readonly framesPerObject: number;
}

export const serverlessDesigns = {
  'sfn-per-second': {
    label: "Prime Video's first design: Standard workflow per stream-second, an S3 object per frame",
    description:
      'As first built (FACTS.md): a Standard execution per second of stream, ConvertMedia writes every frame as its own S3 object, every detector reads them again in its own task, Aggregate merges.',
    workflow: 'standard',
    shape: 'stages',
    chunkSeconds: 1,
    framesPerObject: 1,
  },
  'sfn-express-batched': {
    label: 'Express workflow per 10-s chunk, frames batched 125 to an S3 object',
    description:
      "The same stages built as a competent team would: Express executions (requests and GB-s, no per-transition price), 10-s chunks, frames batched 125 (5 s) to an object that each detector reads once. (A whole chunk's 250 frames, 14 MB, exceed the embedded S3 server's 11 MiB request limit; on S3 it would save one PUT and one GET per detector per chunk.)",
    workflow: 'express',
    shape: 'stages',
    chunkSeconds: 10,
    framesPerObject: 125,
  },
  'function-per-chunk': {
    label: 'One function per 10-s chunk running every detector in memory, fanned out by Express',
    description:
      "The strongest serverless shape: one task (a Lambda function) decodes its chunk and runs every detector in memory, writes only the chunk's result; no frame crosses S3. One Express execution per chunk.",
    workflow: 'express',
    shape: 'function-per-chunk',
    chunkSeconds: 10,
    framesPerObject: 250,
  },
} as const satisfies Record<string, ServerlessDesign>;

export type ServerlessDesignId = keyof typeof serverlessDesigns;

export const serverlessDesignIds = Object.keys(serverlessDesigns) as [
  ServerlessDesignId,
  ...ServerlessDesignId[],
];
