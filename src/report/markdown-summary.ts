import type { BenchResults, DesignRun } from '../core/bench-results.ts';
import type { BoundingCase } from '../core/cost/sensitivity.ts';
import { escapeMarkdown } from '../core/text-format.ts';
import { loadPhrase, monolithHostingOf, primeVideoClaim } from './case-narrative.ts';
import { formatFraction, formatNumber, formatPercent, formatUsd } from './format.ts';

export { escapeMarkdown };

/**
 * The Markdown summary of a results document, short enough for a pull-request comment or a CI step
 * summary: both savings and the verdict, every design's cost and feasibility at the load, the feasibility
 * flag, the bounding cases, where the money goes against the first design, and equivalence. Every string that comes from the document (clip paths, scenario
 * and error text) goes through `escapeMarkdown`.
 */

/** How many dimensions "where the money goes" lists. */
const TOP_DIMENSIONS = 5;

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function savingCell(saving: number | null | undefined): string {
  return saving === null || saving === undefined ? 'n/a' : formatPercent(saving);
}

/** Whether one account-Region carries a design at the load, in a few words. */
function feasibilityCell(design: DesignRun): string {
  const feasibility = design.feasibility;
  if (feasibility === null) return '—';
  if (feasibility.feasible) return 'fits';
  return feasibility.accountRegionsNeeded === null
    ? '**needs a quota increase**'
    : `**needs ${formatNumber(feasibility.accountRegionsNeeded)} account-Regions**`;
}

function designsTable(results: BenchResults): string[] {
  const md = escapeMarkdown;
  const lines = [
    row([
      'Design',
      'Per stream-hour',
      'Per month',
      'Monolith saves',
      `At ${formatNumber(results.scenario.load.streams)} streams`,
    ]),
    row(['---', '---:', '---:', '---:', '---']),
  ];
  for (const design of results.designs) {
    const name =
      design.kind === 'monolith' ? `${md(design.id)}, ${md(monolithHostingOf(design.cost))}` : md(design.id);
    lines.push(
      row([
        name,
        formatUsd(design.cost.totalPerStreamHour),
        formatUsd(design.cost.totalPerMonth),
        design.comparison === null ? '—' : savingCell(design.comparison.savingsPercent),
        feasibilityCell(design),
      ]),
    );
  }
  return lines;
}

function feasibilityLine(results: BenchResults): string {
  const streams = formatNumber(results.scenario.load.streams);
  const { infeasible } = results.headline;
  if (infeasible.length === 0) {
    return `**Feasibility**: every serverless design carries ${streams} streams in one account-Region under current quotas.`;
  }
  return `**Feasibility: NOT feasible at ${streams} streams in one account-Region**: ${infeasible
    .map((entry) => `${escapeMarkdown(entry.id)}: ${escapeMarkdown(entry.summary)}`)
    .join(' ')}`;
}

function boundingLine(results: BenchResults): string {
  const { serverlessFriendly, monolithFriendly } = results.sensitivity;
  const point = (name: string, entry: BoundingCase): string =>
    `${name} end: ${formatPercent(entry.point.savingsVsCheapestPercent)} against the cheapest (${escapeMarkdown(
      entry.point.cheapestId,
    )}), ${formatPercent(entry.point.savingsVsFirstPercent)} against the first${entry.point.modelled ? ' (modelled)' : ''}`;
  return `**Bounding cases**, every assumption at its ${point('serverless-friendly', serverlessFriendly)}; at its ${point(
    'monolith-friendly',
    monolithFriendly,
  )}. The HTML report has the tornado per assumption.`;
}

/** Renders the Markdown summary of a results document. */
export function renderMarkdownSummary(results: BenchResults): string {
  const { comparison } = results.costs.baseline;
  const top = results.headline;
  const md = escapeMarkdown;
  const lines: string[] = [];

  lines.push(`## archbench: a monolith vs serverless designs, ${md(results.scenario.name)}`);
  lines.push('');
  const backend = results.environment.backend;
  lines.push(
    `Run ${md(results.runId)}, price book ${md(results.priceBook.id)}${backend === undefined ? '' : `, backend ${md(backend)}`}, ${md(loadPhrase(results))}.`,
  );
  lines.push('');
  lines.push(
    `**Monolith saves ${savingCell(top.savingsVsFirstPercent)} against Prime Video's first design (${md(
      top.firstDesignId,
    )}) and ${savingCell(top.savingsVsCheapestPercent)} against the cheapest serverless design (${md(
      top.cheapestServerlessId,
    )})**. ${md(top.verdict)}`,
  );
  lines.push('');
  lines.push(...designsTable(results));
  lines.push('');
  lines.push(feasibilityLine(results));
  lines.push('');
  lines.push(boundingLine(results));
  lines.push('');
  lines.push(
    `Prime Video published "${md(primeVideoClaim.headline)}" (${md(primeVideoClaim.source)}) for a production service whose counts, stream numbers and prices were not published; the HTML report explains why the figures differ, with Cockcroft's and Villamizar's counterpoints.`,
  );
  lines.push('');

  const top5 = comparison.gapByDimension.filter((entry) => entry.gapPerMonth !== 0).slice(0, TOP_DIMENSIONS);
  if (top5.length > 0) {
    lines.push(
      `**Where the money goes**, monolith against the first design (${md(top.firstDesignId)}), gap by billing dimension, largest first:`,
    );
    lines.push('');
    lines.push(row(['Dimension', 'First design / month', 'Monolith / month', 'Gap / month', 'Share of gap']));
    lines.push(row(['---', '---:', '---:', '---:', '---:']));
    for (const entry of top5) {
      lines.push(
        row([
          md(entry.label),
          formatUsd(entry.distributedPerMonth),
          formatUsd(entry.monolithPerMonth),
          formatUsd(entry.gapPerMonth),
          entry.shareOfGap === null ? 'n/a' : formatFraction(entry.shareOfGap),
        ]),
      );
    }
    lines.push('');
  }

  if (results.equivalence.identical) {
    lines.push('**Equivalence**: identical, every design found exactly the same defects on every clip.');
  } else {
    lines.push('**Equivalence**: DIFFERENT, the designs found different defects:');
    for (const difference of results.equivalence.differences) lines.push(`- ${md(difference)}`);
  }
  lines.push('');

  const failed = results.clips.filter(
    (clip) => clip.runs.distributed.status === 'failed' || clip.runs.monolith.status === 'failed',
  );
  lines.push(
    `**Clips**: ${results.clips.length} in the scenario, ${results.clips.length - failed.length} ran in every design${
      failed.length === 0
        ? ''
        : `, ${failed.length} failed: ${failed.map((clip) => md(clip.path)).join(', ')}`
    }.`,
  );
  lines.push('');
  lines.push(
    `<sub>archbench ${md(results.environment.archbenchVersion)}${
      results.environment.gitCommit === null ? '' : ` at ${md(results.environment.gitCommit.slice(0, 12))}`
    }, results schema ${results.schemaVersion}, ${md(results.createdAt)}</sub>`,
  );
  return `${lines.join('\n')}\n`;
}
