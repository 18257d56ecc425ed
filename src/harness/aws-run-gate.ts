import { checkAwsRunAllowed } from '../infra/backends/aws-backend.ts';
import { type MediaInfo, probeMedia } from '../media/probe.ts';
import {
  buildWorkflowDefinition,
  exampleAccountActivityArns,
} from '../runners/distributed/state-machine-definition.ts';
import { estimateAwsRun, loadBaselineProfiles, renderAwsRunEstimate } from './aws-run-estimate.ts';
import type { HarnessConfig } from './config.ts';
import { resolveDetectors } from './detectors.ts';
import { loadPriceBook } from './price-book-loader.ts';

export interface AwsRunGateOptions {
  /** The clips the run will replay (unreadable ones are left out: they fail before anything runs). */
  readonly clipPaths: readonly string[];
  /** How many times the clips go through each design. */
  readonly replays: { readonly distributed: number; readonly monolith: number };
  /** Price book id or path (the scenario's). */
  readonly priceBook: string;
  /** The user passed `--yes`. */
  readonly confirmed: boolean;
  /** Where the estimate goes (stderr). */
  readonly write: (text: string) => void;
  /** Project root for the price book and the gate baseline; default the current directory. */
  readonly cwd?: string;
}

/**
 * Before a run on the aws backend creates anything: prints the estimate of what the run will cost, then
 * refuses (BadInputError, exit 2) without `backend.roleArn` or without `--yes`. Other backends pass.
 */
export async function checkAwsRun(config: HarnessConfig, options: AwsRunGateOptions): Promise<void> {
  if (config.backend.name !== 'aws') return;
  const cwd = options.cwd ?? process.cwd();
  const clips: MediaInfo[] = [];
  for (const clipPath of options.clipPaths) {
    const info = await probeMedia(clipPath).catch(() => undefined);
    if (info !== undefined) clips.push(info);
  }
  const detectors = resolveDetectors(config.detectors).map((detector) => detector.name);
  const definition = buildWorkflowDefinition(
    detectors,
    exampleAccountActivityArns(detectors),
    config.distributed,
  );
  const priceBook = await loadPriceBook(options.priceBook, cwd);
  const baseline = await loadBaselineProfiles(cwd);
  const estimate = estimateAwsRun({
    clips,
    chunkSeconds: config.decode.chunkSeconds,
    definition,
    replays: options.replays,
    priceBook,
    ...(baseline === undefined ? {} : { baseline }),
    ...(config.backend.maxExecutions === undefined ? {} : { maxExecutions: config.backend.maxExecutions }),
  });
  options.write(renderAwsRunEstimate(estimate, priceBook.id));
  checkAwsRunAllowed({ ...config.backend, confirmed: options.confirmed });
}
