import { isDeepStrictEqual } from 'node:util';
import type { Finding } from '../core/finding.ts';
import type { AnalyzeDocument } from './results.ts';

/** Two runners that both analysed a clip and disagree about its findings. */
export interface FindingsDifference {
  readonly clipPath: string;
  /** The runner compared against (the first that succeeded on the clip). */
  readonly reference: string;
  readonly runner: string;
  /** One line saying how they differ: counts and the first finding that is not the same. */
  readonly summary: string;
}

/**
 * Compares, per clip, the findings of every successful run with the first successful run (the runners
 * share one core, so they must agree exactly: same detectors, intervals, confidences and details). Failed
 * runs are not compared: their failure is reported on its own.
 */
export function compareRunnerFindings(document: AnalyzeDocument): FindingsDifference[] {
  const differences: FindingsDifference[] = [];
  for (const clip of document.clips) {
    const ok = clip.runs.flatMap((run) => (run.status === 'ok' ? [run] : []));
    const [reference, ...others] = ok;
    if (reference === undefined) continue;
    for (const run of others) {
      if (isDeepStrictEqual(run.findings, reference.findings)) continue;
      differences.push({
        clipPath: clip.path,
        reference: reference.runner,
        runner: run.runner,
        summary: describeDifference(reference.runner, reference.findings, run.runner, run.findings),
      });
    }
  }
  return differences;
}

function describeDifference(
  referenceName: string,
  reference: readonly Finding[],
  runnerName: string,
  findings: readonly Finding[],
): string {
  const counts = `${referenceName} has ${reference.length} finding(s), ${runnerName} ${findings.length}`;
  const at = reference.findIndex((finding, index) => !isDeepStrictEqual(finding, findings[index]));
  const index = at >= 0 ? at : reference.length;
  const show = (finding: Finding | undefined): string =>
    finding === undefined
      ? 'none'
      : `${finding.detector} ${finding.startSec}-${finding.endSec} s conf ${finding.confidence}${
          finding.details === undefined ? '' : ` ${JSON.stringify(finding.details)}`
        }`;
  return `${counts}; first difference at #${index + 1}: ${referenceName} ${show(reference[index])}, ${runnerName} ${show(findings[index])}`;
}
