import type { Finding } from '../finding.ts';
import { formatUsd } from '../text-format.ts';
import {
  type CostOutOfBoundsFinding,
  type CountChangedFinding,
  type CountSubject,
  type DesignSetChangedFinding,
  EXACTLY_COMPARED,
  type FindingsChangedFinding,
  GATE_FINDING_ORDER,
  type GateDocumentInfo,
  type GateFinding,
  type GateFindingKind,
  type GateVerdict,
  NOT_COMPARED_EXACTLY,
  type PriceChangedFinding,
  type SavingsBelowFloorFinding,
  type ScenarioChangedFinding,
} from './gate-verdict.ts';

/**
 * The gate's verdict as Markdown for a pull request (stdout and the GitHub step summary): the result
 * first, then every regression naming what changed with its per stream-second delta and dollars, the
 * bills, price changes apart, and what the gate compares. Pure; every string from the documents is escaped.
 */

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const sixSignificant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });

/**
 * Escapes text for Markdown inside a line (never at its start) and in table cells: no emphasis, code,
 * links, strikethrough, table pipes or HTML survive; newlines become spaces. Lighter than the report's
 * escaper (`>` stays, so the gate's `old -> new` lines read the same in a terminal as on GitHub).
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

function signedUsd(value: number): string {
  return value > 0 ? `+${formatUsd(value)}` : formatUsd(value);
}

/** Counts and rates: grouped from 1,000, six significant digits below (a change of 0.1 stays visible). */
function num(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 1000 ? grouped.format(value) : sixSignificant.format(value);
}

function signed(value: number): string {
  return value > 0 ? `+${num(value)}` : num(value);
}

function percent(value: number | null): string {
  return value === null ? 'n/a' : `${value.toFixed(1)}%`;
}

function signedPercent(value: number | null): string {
  if (value === null) return 'n/a';
  return `${value > 0 ? '+' : ''}${value.toFixed(1)}%`;
}

function plural(unit: string): string {
  return unit === 'GB' || unit.endsWith('s') ? unit : `${unit}s`;
}

const TIER_LABEL = { tier1: 'tier 1', tier2: 'tier 2', free: 'free' } as const;

/** What a count is, in words, with its names escaped. */
export function describeSubject(subject: CountSubject): string {
  switch (subject.kind) {
    case 'executions':
      return 'workflow executions started';
    case 'transitions':
      return `billed transitions of state **${escapeMarkdown(subject.state)}**`;
    case 'invocations':
      return `invocations of task **${escapeMarkdown(subject.task)}**`;
    case 's3-requests': {
      const where =
        subject.stage === null ? 'outside any stage' : `in stage **${escapeMarkdown(subject.stage)}**`;
      return `S3 **${escapeMarkdown(subject.operation)}** requests ${where} (${TIER_LABEL[subject.tier]})`;
    }
    case 's3-bytes':
      return subject.direction === 'up'
        ? 'S3 bytes sent (request bodies)'
        : 'S3 bytes received (response bodies)';
    case 'serialization-ops':
      return `${subject.direction} operations on hop **${escapeMarkdown(subject.hop)}**`;
  }
}

function shortCommit(info: GateDocumentInfo): string {
  return info.gitCommit === null ? 'no commit' : `commit ${escapeMarkdown(info.gitCommit.slice(0, 12))}`;
}

function describeDocument(info: GateDocumentInfo): string {
  return `run ${escapeMarkdown(info.runId)} (${shortCommit(info)}, price book ${escapeMarkdown(info.priceBookId)})`;
}

function table(
  header: readonly string[],
  align: readonly ('l' | 'r')[],
  rows: readonly string[][],
): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `|${align.map((side) => (side === 'r' ? '---:' : '---')).join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
}

// ---------------------------------------------------------------------------------------------------
// Sections per finding kind

function countSection(findings: readonly CountChangedFinding[]): string[] {
  const rows = findings.map((finding) => [
    escapeMarkdown(finding.design),
    describeSubject(finding.subject),
    num(finding.baseline.perStreamSecond),
    num(finding.current.perStreamSecond),
    signed(finding.deltaPerStreamSecond),
    finding.dollarEffect === null ? 'not billed' : signedUsd(finding.dollarEffect.perMonth),
  ]);
  const lines = [
    '#### Counts changed',
    '',
    'Counts are deterministic for a clip, so any change is a change of the code or the scenario.',
    '',
    ...table(
      [
        'design',
        'what changed',
        'baseline per stream-s',
        'current per stream-s',
        'change per stream-s',
        'per month',
      ],
      ['l', 'l', 'r', 'r', 'r', 'r'],
      rows,
    ),
    '',
  ];
  for (const finding of findings) lines.push(`- ${explainCount(finding)}`);
  lines.push('');
  return lines;
}

/** One sentence: the delta, how it becomes dollars, and where it happened. */
export function explainCount(finding: CountChangedFinding): string {
  const what = `${escapeMarkdown(finding.design)}, ${describeSubject(finding.subject)}: ${num(finding.baseline.total)} -> ${num(finding.current.total)} in the run`;
  const effect = finding.dollarEffect;
  const dollars =
    effect === null
      ? `${signed(finding.deltaPerStreamSecond)} per stream-second, ${escapeMarkdown(finding.unpricedReason ?? 'not billed')}`
      : `${signed(finding.deltaPerStreamSecond)} per stream-second x ${num(effect.streamSecondsPerMonth)} stream-seconds per month = ${signed(effect.quantityPerMonth)} ${plural(effect.unit)} x ${formatUsd(effect.unitPrice)} (${effect.priceKey}) = **${signedUsd(effect.perMonth)} per month**`;
  const clips =
    finding.clips.length === 0
      ? ''
      : `; clips: ${finding.clips.map((clip) => escapeMarkdown(clip)).join(', ')}`;
  return `${what}; ${dollars}${clips}.`;
}

function costSection(findings: readonly CostOutOfBoundsFinding[]): string[] {
  const lines = ['#### Costs out of bounds', ''];
  for (const finding of findings) {
    const change = `${formatUsd(finding.baselinePerMonth)} -> ${formatUsd(finding.currentPerMonth)} per month (${signedUsd(finding.deltaPerMonth)}, ${signedPercent(finding.deltaPercent)})`;
    const head =
      finding.basis === 'count'
        ? `${escapeMarkdown(finding.design)}, count-derived dollars: ${change}, although every count and price matched: the cost model changed.`
        : `${escapeMarkdown(finding.design)}, compute-derived dollars: ${change}; allowed ${formatUsd(finding.allowedPerMonth)} either way.`;
    const parts = finding.lines
      .slice(0, 4)
      .map((line) => `${escapeMarkdown(line.label)} ${signedUsd(line.deltaPerMonth)}`);
    lines.push(`- ${head}${parts.length > 0 ? ` By line: ${parts.join('; ')}.` : ''}`);
  }
  lines.push('');
  return lines;
}

function savingsSection(findings: readonly SavingsBelowFloorFinding[]): string[] {
  return [
    '#### Savings below the floor',
    '',
    ...findings.map(
      (finding) =>
        `- The monolith saves ${percent(finding.currentPercent)} of the cost of Prime Video's first design (baseline ${percent(finding.baselinePercent)}); the floor is ${percent(finding.floorPercent)}.`,
    ),
    '',
  ];
}

function scenarioSection(findings: readonly ScenarioChangedFinding[]): string[] {
  const lines = ['#### Scenario changed', ''];
  for (const finding of findings) {
    lines.push(
      `- The results were made with another scenario (config hash ${escapeMarkdown(finding.baselineConfigHash.slice(0, 12))} -> ${escapeMarkdown(finding.currentConfigHash.slice(0, 12))}), so the baseline does not apply. If the change is intended, update the baseline with \`archbench gate --update-baseline\`.`,
    );
    for (const difference of finding.differences) lines.push(`  - ${escapeMarkdown(difference)}`);
  }
  lines.push('');
  return lines;
}

function designSetSection(findings: readonly DesignSetChangedFinding[]): string[] {
  const ids = (list: readonly string[]): string => list.map(escapeMarkdown).join(', ');
  const lines = ['#### Designs changed', ''];
  for (const finding of findings) {
    if (finding.onlyInBaseline.length > 0) {
      lines.push(`- Measured in the baseline, missing now: ${ids(finding.onlyInBaseline)}.`);
    }
    if (finding.onlyInCurrent.length > 0) {
      lines.push(`- Measured now, not in the baseline: ${ids(finding.onlyInCurrent)}.`);
    }
  }
  lines.push(
    '',
    'Their counts and bills cannot be compared; if the change is intended, update the baseline with `archbench gate --update-baseline`.',
    '',
  );
  return lines;
}

function describeFinding(finding: Finding): string {
  return escapeMarkdown(
    `${finding.detector} ${finding.startSec.toFixed(3)}-${finding.endSec.toFixed(3)} s, confidence ${finding.confidence}`,
  );
}

function findingsSection(findings: readonly FindingsChangedFinding[]): string[] {
  const lines = ['#### Defect findings changed', ''];
  for (const finding of findings) {
    const where =
      finding.clip === null
        ? 'all clips'
        : `${escapeMarkdown(finding.design ?? 'every design')}, ${escapeMarkdown(finding.clip)}`;
    lines.push(`- ${where}: ${escapeMarkdown(finding.summary)}`);
    for (const added of finding.added) lines.push(`  - new: ${describeFinding(added)}`);
    for (const removed of finding.removed) lines.push(`  - gone: ${describeFinding(removed)}`);
  }
  lines.push('');
  return lines;
}

function priceSection(findings: readonly PriceChangedFinding[]): string[] {
  const lines = ['#### Prices changed', ''];
  for (const finding of findings) {
    const effect = finding.effectPerMonth;
    const effectText =
      effect === null
        ? 'Its effect on the bills could not be computed.'
        : `On the baseline's own measurements it changes the bills per month by: ${Object.entries(effect)
            .map(([design, perMonth]) => `${escapeMarkdown(design)} ${signedUsd(perMonth)}`)
            .join(', ')}.`;
    lines.push(
      `Price book ${escapeMarkdown(finding.baselineBookId)} -> ${escapeMarkdown(finding.currentBookId)}, reported apart from code changes. ${effectText}`,
      '',
      ...table(
        ['price', 'baseline', 'current', 'note'],
        ['l', 'r', 'r', 'l'],
        finding.changes.map((change) => [
          escapeMarkdown(change.key),
          change.baseline === null ? 'absent' : `${num(change.baseline)} per ${escapeMarkdown(change.unit)}`,
          change.current === null ? 'absent' : `${num(change.current)} per ${escapeMarkdown(change.unit)}`,
          escapeMarkdown(change.note ?? ''),
        ]),
      ),
      '',
    );
  }
  return lines;
}

function sectionFor(kind: GateFindingKind, findings: readonly GateFinding[]): string[] {
  const of = <K extends GateFindingKind>(wanted: K) =>
    findings.filter((finding): finding is Extract<GateFinding, { kind: K }> => finding.kind === wanted);
  switch (kind) {
    case 'scenario-changed':
      return scenarioSection(of('scenario-changed'));
    case 'design-set-changed':
      return designSetSection(of('design-set-changed'));
    case 'findings-changed':
      return findingsSection(of('findings-changed'));
    case 'count-changed':
      return countSection(of('count-changed'));
    case 'cost-out-of-bounds':
      return costSection(of('cost-out-of-bounds'));
    case 'savings-below-floor':
      return savingsSection(of('savings-below-floor'));
    case 'price-changed':
      return priceSection(of('price-changed'));
  }
}

function sections(findings: readonly GateFinding[]): string[] {
  return GATE_FINDING_ORDER.flatMap((kind) =>
    findings.some((finding) => finding.kind === kind) ? sectionFor(kind, findings) : [],
  );
}

function costsTable(verdict: GateVerdict): string[] {
  const { savings } = verdict;
  const cheapest =
    savings.baselineCheapestId === savings.currentCheapestId
      ? escapeMarkdown(savings.currentCheapestId)
      : `${escapeMarkdown(savings.currentCheapestId)}, baseline ${escapeMarkdown(savings.baselineCheapestId)}`;
  return [
    '### Bills per month at the scenario load',
    '',
    ...table(
      ['design', 'baseline', 'current', 'from prices', 'from counts', 'from compute', 'compute allowed'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      verdict.costs.map((cost) => [
        escapeMarkdown(cost.design),
        formatUsd(cost.baselinePerMonth),
        formatUsd(cost.currentPerMonth),
        cost.priceEffectPerMonth === null ? 'n/a' : signedUsd(cost.priceEffectPerMonth),
        signedUsd(cost.countEffectPerMonth),
        signedUsd(cost.computeEffectPerMonth),
        `+/-${formatUsd(cost.computeAllowedPerMonth)}`,
      ]),
    ),
    '',
    `Savings of the monolith against Prime Video's first design: ${percent(savings.currentPercent)} (baseline ${percent(savings.baselinePercent)}, floor ${percent(savings.floorPercent)}). Against the cheapest serverless design (${cheapest}): ${percent(savings.currentVsCheapestPercent)} (baseline ${percent(savings.baselineVsCheapestPercent)}; reported, not gated).`,
    '',
  ];
}

/** Renders the verdict as a Markdown document (ends with a newline). */
export function renderGateMarkdown(verdict: GateVerdict): string {
  const regressions = verdict.findings.filter((finding) => finding.severity === 'regression');
  const notes = verdict.findings.filter((finding) => finding.severity === 'info');
  const { streams, hoursPerMonth, dutyCycle } = verdict.load;
  const lines: string[] = [
    `## archbench gate: ${verdict.verdict === 'pass' ? 'pass' : 'REGRESSION'}`,
    '',
    `${regressions.length} regression(s), ${notes.length} note(s). Baseline: ${describeDocument(verdict.baseline)}. Current: ${describeDocument(verdict.current)}. Scenario ${escapeMarkdown(verdict.current.scenarioName)}; dollars per month at ${num(streams)} stream(s) x ${num(hoursPerMonth)} h x duty cycle ${num(dutyCycle)}.`,
    '',
  ];
  if (regressions.length > 0) lines.push('### Regressions', '', ...sections(regressions));
  lines.push(...costsTable(verdict));
  if (notes.length > 0) {
    lines.push('### Notes (do not fail the gate)', '', ...sections(notes));
  }
  if (verdict.environmentDifferences.length > 0) {
    lines.push(
      `Environment differs from the baseline's (compute-derived dollars may move with it): ${verdict.environmentDifferences.map(escapeMarkdown).join('; ')}.`,
      '',
    );
  }
  lines.push(
    '<details><summary>What the gate compares</summary>',
    '',
    'Exactly, per design (matched by id):',
    '',
    ...EXACTLY_COMPARED.map((item) => `- ${item}`),
    '',
    `Within bounds: compute-derived dollars (Lambda and Express GB-s, Fargate or EC2 sized from CPU seconds, temporary storage) may rise by ${verdict.bounds.computeCostTolerancePercent}% or ${formatUsd(verdict.bounds.computeCostToleranceUsd)} per month, whichever is larger; the savings must stay at or above ${percent(verdict.bounds.savingsFloorPercent)}. Price changes ${verdict.bounds.failOnPriceChange ? 'fail the gate' : 'are reported and pass'}.`,
    '',
    'Not compared exactly:',
    '',
    ...NOT_COMPARED_EXACTLY.map((item) => `- ${item}`),
    '',
    '</details>',
    '',
  );
  return lines.join('\n');
}
