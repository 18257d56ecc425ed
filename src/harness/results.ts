import type { Counters } from '../core/counters.ts';
import type { ErrorDocument } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';
import type { DetectorFailureRecord } from '../runners/runner.ts';

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
      /** Detectors that failed on some chunk (their other findings are kept); absent when none did. */
      readonly detectorFailures?: readonly DetectorFailureRecord[];
      /** Wall time per chunk, ms, in chunk order (a timing; see ClipRun). */
      readonly chunkLatenciesMs?: readonly number[];
    }
  | { readonly runner: string; readonly status: 'failed'; readonly error: ErrorDocument };

/**
 * Exit code of a finished analysis: 70 for an internal failure, else 2 when any clip was bad input, else 1
 * when a service the run needs was unavailable, else 0.
 */
export function exitCodeOf(document: AnalyzeDocument): number {
  const errors = document.clips.flatMap((clip) =>
    clip.runs.flatMap((run) => (run.status === 'failed' ? [run.error] : [])),
  );
  if (errors.some((error) => error.kind === 'internal')) return 70;
  if (errors.some((error) => error.kind === 'bad-input')) return 2;
  if (errors.some((error) => error.kind === 'unavailable')) return 1;
  return 0;
}
