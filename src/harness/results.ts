import type { Counters } from '../core/counters.ts';
import type { ErrorDocument } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';

/**
 * The JSON contract of `archbench analyze --json` (schemaVersion 1). Later issues add runners
 * (`distributed`) and harness fields; existing fields keep their meaning.
 */
export interface AnalyzeDocument {
  readonly schemaVersion: 1;
  readonly clips: readonly ClipDocument[];
}

export interface ClipDocument {
  /** The path as given by the user. */
  readonly path: string;
  /** Container duration from the probe, seconds; null when the file could not be probed. */
  readonly durationSec: number | null;
  readonly runs: readonly RunDocument[];
}

/** How far a clip decoded; `truncated` when the decoded duration falls short of the container's. */
export interface DecodeDocument {
  readonly decodedDurationSec: number;
  readonly containerDurationSec: number;
  readonly truncated: boolean;
  readonly videoFrames: number;
  readonly audioSamples: number;
}

export type RunDocument =
  | {
      readonly runner: string;
      readonly status: 'ok';
      readonly findings: readonly Finding[];
      readonly counters: Counters;
      readonly decode: DecodeDocument;
      /** S3 key of the results object the runner wrote. */
      readonly resultsKey: string;
    }
  | { readonly runner: string; readonly status: 'failed'; readonly error: ErrorDocument };

/** Exit code of a finished analysis: 2 when any clip was bad input, 70 for an internal failure, else 0. */
export function exitCodeOf(document: AnalyzeDocument): number {
  const errors = document.clips.flatMap((clip) =>
    clip.runs.flatMap((run) => (run.status === 'failed' ? [run.error] : [])),
  );
  if (errors.some((error) => error.kind === 'internal')) return 70;
  if (errors.some((error) => error.kind === 'bad-input')) return 2;
  return 0;
}
