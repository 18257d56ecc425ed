import { isDeepStrictEqual } from 'node:util';
import type { BenchResults } from '../../core/bench-results.ts';
import {
  defaultBasisSettings,
  type ExplorerBasis,
  exploreBasis,
  explorerBasisOf,
  explorerBounds,
} from '../../core/cost/explorer.ts';
import { html, jsonForScript, type SafeHtml, trustedHtml } from '../html.ts';
import { explorerScript } from './explorer-bundle.ts';

/**
 * The report's explorer section: labelled controls for a reader's settings, the figures they drive (filled
 * by the page script), the measured designs as JSON, and the page script itself, which is the project's
 * cost model bundled at render time (`explorer-bundle.ts`). The figures shown before the script runs are
 * none: without script the section says so.
 */

export interface ExplorerSection {
  readonly markup: SafeHtml;
  /** Source of the page script, for its own `<script>` element (after Chart.js) and the CSP hash. */
  readonly script: string | null;
}

interface NumberControl {
  readonly id: string;
  readonly label: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly step: number | 'any';
  readonly hint: string;
  readonly disabled?: boolean;
}

function numberControl(control: NumberControl): SafeHtml {
  return html`<div class="control"><label for="${control.id}">${control.label}</label>
<input type="number" id="${control.id}" name="${control.id}" value="${String(control.value)}" min="${String(control.min)}" max="${String(control.max)}" step="${String(control.step)}" inputmode="decimal" aria-describedby="${control.id}-hint"${control.disabled === true ? trustedHtml(' disabled') : ''}>
<small id="${control.id}-hint">${control.hint}</small></div>`;
}

function controls(basis: ExplorerBasis): SafeHtml {
  const defaults = defaultBasisSettings(basis);
  const bounds = explorerBounds(basis);
  const monolithPlanMax = Math.max(bounds.monolithSavingsMaxPercent, defaults.monolithSavingsPercent);
  const lambdaPlanMax = Math.max(bounds.lambdaSavingsMaxPercent, defaults.lambdaSavingsPercent);
  const noPlans = 'the price book lists no Savings Plans ceiling';
  const serverless = basis.designs.filter((design) => design.kind !== 'monolith');
  return html`<form id="explorer-controls" class="explorer-controls" autocomplete="off">
<fieldset><legend>Load</legend>
${numberControl({ id: 'explorer-streams', label: 'Concurrent streams', value: defaults.streams, min: 1, max: 1_000_000, step: 1, hint: 'whole streams' })}
${numberControl({ id: 'explorer-hours', label: 'Hours per month', value: defaults.hoursPerMonth, min: 1, max: 744, step: 'any', hint: '730 = a whole month' })}
${numberControl({ id: 'explorer-duty', label: 'Duty cycle', value: defaults.dutyCycle, min: 0.01, max: 1, step: 0.01, hint: 'share of the month live, 0.01 to 1' })}
</fieldset>
<fieldset><legend>Discounts and sizing</legend>
${numberControl({ id: 'explorer-sp-monolith', label: `Savings Plan on the monolith (${basis.options.monolith.hosting === 'ec2' ? 'EC2' : 'Fargate'}), %`, value: defaults.monolithSavingsPercent, min: 0, max: monolithPlanMax, step: 1, hint: monolithPlanMax > 0 ? `0 to ${monolithPlanMax}% (price book ceiling)` : noPlans, disabled: monolithPlanMax === 0 })}
${numberControl({ id: 'explorer-sp-lambda', label: 'Savings Plan on Lambda duration, %', value: defaults.lambdaSavingsPercent, min: 0, max: lambdaPlanMax, step: 1, hint: lambdaPlanMax > 0 ? `0 to ${lambdaPlanMax}% (price book ceiling)` : noPlans, disabled: lambdaPlanMax === 0 })}
${numberControl({ id: 'explorer-util', label: 'Monolith target utilisation', value: defaults.targetUtilization, min: 0.1, max: 1, step: 0.05, hint: 'fraction of provisioned capacity used, 0.1 to 1' })}
${numberControl({ id: 'explorer-memory', label: 'Function memory factor', value: 1, min: 0.25, max: 4, step: 0.25, hint: 'x configured memory; durations kept (modelled)' })}
</fieldset>
<fieldset><legend>Detectors</legend>
<div class="checks">${basis.detectors.map(
    (name, index) =>
      html`<label for="explorer-detector-${String(index)}"><input type="checkbox" id="explorer-detector-${String(index)}" data-detector="${name}" checked> ${name}</label> `,
  )}</div>
<small>Unchecked detectors are dropped from every design (modelled).</small>
${numberControl({ id: 'explorer-cpu', label: 'Detector CPU multiplier', value: 1, min: 0.1, max: 20, step: 0.1, hint: 'heavier models: x1 as measured (modelled otherwise)' })}
</fieldset>
${serverless.map(
  (design, index) => html`<fieldset><legend>${design.label}</legend>
${numberControl({ id: `explorer-chunk-${index}`, label: 'Chunk length, s', value: design.settings.chunkSeconds, min: 1, max: 300, step: 1, hint: `measured: ${design.settings.chunkSeconds} s (modelled otherwise)` })}
${
  design.settings.framesPerObject === null
    ? html`<p class="muted">No frame goes through S3 in this design.</p>`
    : numberControl({
        id: `explorer-frames-${index}`,
        label: 'Frames per S3 object',
        value: design.settings.framesPerObject,
        min: 1,
        max: 100_000,
        step: 1,
        hint: `measured: ${design.settings.framesPerObject} (modelled otherwise)`,
      })
}
</fieldset>`,
)}
<div class="explorer-actions"><button type="button" id="explorer-reset">Reset to the run's values</button>
<a id="explorer-link" href="#explorer">Link to this view</a></div>
</form>`;
}

function outputs(): SafeHtml {
  return html`<div class="explorer-output">
<p id="explorer-status" class="muted" aria-live="polite">The explorer needs JavaScript; the rest of the report does not.</p>
<div class="cards explorer-cards">
<div class="card ours"><h3>Saving vs the cheapest serverless design</h3><p class="big" id="explorer-savings-cheapest">n/a</p><p class="explorer-card-mark" hidden><span class="modelled">modelled</span></p></div>
<div class="card"><h3>Saving vs Prime Video's first design</h3><p class="big" id="explorer-savings-first">n/a</p><p class="explorer-card-mark" hidden><span class="modelled">modelled</span></p></div>
</div>
<p id="explorer-verdict" aria-live="polite"></p>
<div class="table-wrap"><table>
<thead><tr><th>Design</th><th class="num">Per stream-hour</th><th class="num">Per month</th><th class="num">Streams per account-Region</th><th>Feasibility at this load</th></tr></thead>
<tbody id="explorer-designs"></tbody></table></div>
<h3 id="explorer-gap-title">Gap by billing dimension</h3>
<div class="table-wrap"><table>
<thead><tr><th>Dimension</th><th class="num">Serverless</th><th class="num">Monolith</th><th class="num">Gap</th></tr></thead>
<tbody id="explorer-gap"></tbody></table></div>
<figure class="chart"><h3>Cost per stream-hour by design and category</h3><div class="canvas-box"><canvas id="explorer-chart" role="img" aria-label="Cost per stream-hour by design and category"></canvas></div>
<figcaption>Recomputed in the page by archbench's own cost model at the settings above; designs marked modelled had a measured profile transformed.</figcaption></figure>
</div>`;
}

/** A sentence when the cost model here does not reproduce the document (written by another version). */
function mismatchNote(results: BenchResults, basis: ExplorerBasis): SafeHtml {
  const explored = exploreBasis(basis, defaultBasisSettings(basis));
  return isDeepStrictEqual(explored.verdict.headline, results.headline)
    ? html``
    : html`<div class="banner warn"><p>This archbench's cost model does not reproduce the document's verdict at the run's values (the document was priced by another version): the explorer shows this version's figures.</p></div>`;
}

export function explorerSection(results: BenchResults): ExplorerSection {
  let basis: ExplorerBasis;
  let note: SafeHtml;
  try {
    basis = explorerBasisOf(results);
    note = mismatchNote(results, basis);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      markup: html`<section id="explorer"><h2>Explore your numbers</h2><div class="banner warn"><p>The explorer cannot price this document: ${reason}</p></div></section>`,
      script: null,
    };
  }
  return {
    markup: html`<section id="explorer">
<h2>Explore your numbers</h2>
<p>Change the load and the assumptions: the page prices every design again with archbench's own cost model,
offline. Load, discounts and utilisation reprice the measured counts; dropping detectors, heavier detectors,
other function memory, chunk length or batching transform a measured profile, and the figures that depend on
it are marked <span class="modelled">modelled</span>.</p>
${note}
<div class="explorer">
${controls(basis)}
${outputs()}
</div>
<script type="application/json" id="explorer-data">${trustedHtml(jsonForScript(basis))}</script>
</section>`,
    script: explorerScript(),
  };
}

/** Styles of the explorer section, added to the report's stylesheet. */
export const EXPLORER_STYLE = `
.explorer { display: grid; grid-template-columns: minmax(260px, 340px) minmax(0, 1fr); gap: 20px; align-items: start; }
.explorer > * { min-width: 0; }
.explorer-controls fieldset { border: 1px solid var(--line); border-radius: 8px; margin: 0 0 10px; padding: 8px 12px; min-width: 0; }
.explorer-controls legend { font-weight: 600; font-size: 13px; padding: 0 4px; }
.control { display: grid; grid-template-columns: 1fr 7.5em; gap: 2px 8px; align-items: center; margin: 6px 0; }
.control label { font-size: 13px; }
.control input { font: inherit; font-size: 14px; padding: 4px 6px; width: 100%; min-height: 32px; }
.control small, .explorer-controls small { grid-column: 1 / -1; color: var(--muted); font-size: 12px; }
.checks label { display: inline-block; margin: 2px 10px 2px 0; font-size: 13px; }
.checks input { width: 18px; height: 18px; vertical-align: middle; }
.explorer-actions { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
.explorer-actions button { font: inherit; padding: 6px 12px; min-height: 36px; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--blue); outline-offset: 2px; }
.explorer-cards { grid-template-columns: repeat(2, 1fr); margin-top: 0; }
#explorer-verdict { font-size: 14px; }
.modelled-why { display: block; font-size: 12px; color: var(--muted); }
.modelled { display: inline-block; font-size: 11px; font-weight: 600; color: #7c2d12; background: #ffedd5; border: 1px solid #fdba74; border-radius: 4px; padding: 0 5px; }
td.infeasible { color: #b91c1c; }
@media (max-width: 900px) { .explorer { grid-template-columns: 1fr; } }
@media (max-width: 480px) { main { padding: 16px 12px 48px; } .explorer-cards { grid-template-columns: 1fr; } }
`;
