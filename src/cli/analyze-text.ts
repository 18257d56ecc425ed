import type { Counters } from '../core/counters.ts';
import type { AnalyzeDocument, RunDocument } from '../harness/results.ts';

/** Renders an analyze document as a plain-text table for a terminal or a log. */
export function renderAnalyzeText(document: AnalyzeDocument): string {
  const lines: string[] = [];
  for (const clip of document.clips) {
    const duration = clip.durationSec === null ? 'not probed' : `${clip.durationSec.toFixed(2)} s`;
    lines.push(`${clip.path}  (${duration})`);
    for (const run of clip.runs) lines.push(...renderRun(run).map((line) => `  ${line}`));
    lines.push('');
  }
  return lines.join('\n');
}

function renderRun(run: RunDocument): string[] {
  if (run.status === 'failed') return [`${run.runner}: FAILED (${run.error.kind}) ${run.error.message}`];
  const lines = [
    `${run.runner}: ${run.findings.length} finding(s)${run.decode.truncated ? ', TRUNCATED' : ''}`,
  ];
  if (run.decode.truncated) {
    lines.push(
      `  decoded ${run.decode.decodedDurationSec.toFixed(2)} s of ${run.decode.containerDurationSec.toFixed(2)} s`,
    );
  }
  for (const finding of run.findings) {
    const details = finding.details
      ? ` ${Object.entries(finding.details)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ')}`
      : '';
    lines.push(
      `  ${finding.detector.padEnd(16)} ${finding.startSec.toFixed(3).padStart(9)} - ${finding.endSec
        .toFixed(3)
        .padEnd(9)} conf ${finding.confidence.toFixed(2)}${details}`,
    );
  }
  lines.push(...renderCounters(run.counters).map((line) => `  ${line}`));
  return lines;
}

function renderCounters(counters: Counters): string[] {
  const s3 = Object.entries(counters.s3.requestsByOperation)
    .map(([operation, count]) => `${operation} ${count}`)
    .join(', ');
  const tiers = counters.s3.requestsByTier;
  const cpu = Object.entries(counters.compute.cpuMsByComponent)
    .map(([component, ms]) => `${component} ${Math.round(ms)}`)
    .join(', ');
  const serialization = Object.entries(counters.serialization)
    .map(([hop, entry]) => `${hop} ${entry.encodeOps}+${entry.decodeOps} ops ${entry.bytes} B`)
    .join(', ');
  const transitions = Object.values(counters.sfn.transitionsByState).reduce((sum, count) => sum + count, 0);
  // Only a run through Step Functions has these; the monolith's lines stay as they were.
  const sfn =
    counters.sfn.executionsStarted > 0
      ? [
          `step functions: ${counters.sfn.executionsStarted} execution(s), ${transitions} billed transition(s) (${Object.entries(
            counters.sfn.transitionsByState,
          )
            .map(([state, count]) => `${state} ${count}`)
            .join(', ')})`,
        ]
      : [];
  return [
    `s3 requests: ${s3 || 'none'} (tier1 ${tiers.tier1}, tier2 ${tiers.tier2}, free ${tiers.free}); up ${counters.s3.bytesUp} B, down ${counters.s3.bytesDown} B`,
    ...sfn,
    `serialization: ${serialization || 'none'}`,
    `cpu ms: ${cpu || 'none'}; wall ${Math.round(counters.compute.wallMs)} ms; peak RSS ${(counters.compute.peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
  ];
}
