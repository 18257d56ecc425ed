import type { BenchResults } from '../core/bench-results.ts';
import type { Design } from '../core/cost/cost-model.ts';
import type { HeadroomResult } from '../core/cost/headroom.ts';
import { escapeMarkdown } from '../core/text-format.ts';
import {
  breakEvenSentence,
  designNames,
  loadPhrase,
  monolithHostingOf,
  primeVideoClaim,
  savingsSentence,
} from './case-narrative.ts';
import { formatFraction, formatPercent, formatStreams, formatUsd } from './format.ts';

export { escapeMarkdown };

/**
 * The Markdown summary of a results document, short enough for a pull-request comment or a CI step
 * summary: the headline table, savings beside Prime Video's published figure, where the money goes,
 * headroom, break-even and equivalence. Every string that comes from the document (clip paths, scenario
 * and error text) goes through `escapeMarkdown`.
 */

/** How many dimensions "where the money goes" lists. */
const TOP_DIMENSIONS = 5;

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function headroomPhrase(result: HeadroomResult): string {
  return result.binding === null
    ? 'no quota binds'
    : `${formatStreams(result.maxStreams)} streams before ${result.binding.label} binds`;
}

/** Renders the Markdown summary of a results document. */
export function renderMarkdownSummary(results: BenchResults): string {
  const { distributed, monolith, comparison } = results.costs.baseline;
  const md = escapeMarkdown;
  const lines: string[] = [];

  lines.push(`## archbench: distributed vs monolith, ${md(results.scenario.name)}`);
  lines.push('');
  const backend = results.environment.backend;
  lines.push(
    `Run ${md(results.runId)}, price book ${md(results.priceBook.id)}${backend === undefined ? '' : `, backend ${md(backend)}`}, ${md(loadPhrase(results))}.`,
  );
  lines.push('');

  lines.push(row(['Design', 'Per stream-hour', 'Per month', 'From counts / month', 'From timings / month']));
  lines.push(row(['---', '---:', '---:', '---:', '---:']));
  for (const design of ['distributed', 'monolith'] as const) {
    const cost = design === 'distributed' ? distributed : monolith;
    const name =
      design === 'monolith'
        ? `${designNames.monolith}, ${monolithHostingOf(monolith)}`
        : designNames.distributed;
    lines.push(
      row([
        md(name),
        formatUsd(cost.totalPerStreamHour),
        formatUsd(cost.totalPerMonth),
        formatUsd(cost.byBasis.count.perMonth),
        formatUsd(cost.byBasis.compute.perMonth),
      ]),
    );
  }
  lines.push('');

  const savings = comparison.savingsPercent;
  lines.push(
    `**Savings: ${savings === null ? 'n/a' : formatPercent(savings)}**: ${md(savingsSentence(results))} (${formatUsd(
      comparison.gapPerStreamHour,
    )} per stream-hour, ${formatUsd(comparison.gapPerMonth)} per month). Prime Video published "${md(
      primeVideoClaim.headline,
    )}" (${md(primeVideoClaim.source)}) for a production service whose counts, stream numbers and prices were not published; the HTML report explains why the two figures differ, with Cockcroft's and Villamizar's counterpoints.`,
  );
  lines.push('');

  const top = comparison.gapByDimension.filter((entry) => entry.gapPerMonth !== 0).slice(0, TOP_DIMENSIONS);
  if (top.length > 0) {
    lines.push('**Where the money goes** (gap by billing dimension, largest first):');
    lines.push('');
    lines.push(row(['Dimension', 'Distributed / month', 'Monolith / month', 'Gap / month', 'Share of gap']));
    lines.push(row(['---', '---:', '---:', '---:', '---:']));
    for (const entry of top) {
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

  const headroom = (design: Design): string =>
    `${design}: ${md(headroomPhrase(results.headroom[design].current))} (current quotas); ${md(
      headroomPhrase(results.headroom[design].legacy2019to2022),
    )} under the 2019 to mid-2022 quotas`;
  lines.push(`**Headroom** per account and Region: ${headroom('distributed')}; ${headroom('monolith')}.`);
  lines.push('');
  lines.push(
    `**Break-even**: over streams, ${md(breakEvenSentence(results.breakEven.overStreams))}; over duty cycle, ${md(
      breakEvenSentence(results.breakEven.overDutyCycle),
    )}.`,
  );
  lines.push('');

  if (results.equivalence.identical) {
    lines.push('**Equivalence**: identical, both designs found exactly the same defects on every clip.');
  } else {
    lines.push('**Equivalence**: DIFFERENT, the designs found different defects:');
    for (const difference of results.equivalence.differences) lines.push(`- ${md(difference)}`);
  }
  lines.push('');

  const failed = results.clips.filter(
    (clip) => clip.runs.distributed.status === 'failed' || clip.runs.monolith.status === 'failed',
  );
  lines.push(
    `**Clips**: ${results.clips.length} in the scenario, ${results.clips.length - failed.length} ran in both designs${
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
