import path from 'node:path';
import { analyzeClips } from '../harness/analyze-clips.ts';
import { loadConfig } from '../harness/load-config.ts';
import { exitCodeOf } from '../harness/results.ts';
import { ensureFixtures } from '../media/fixtures/fixture-generator.ts';
import { renderAnalyzeText } from '../report/analyze-text.ts';
import { type CommandIo, processIo } from './io.ts';
import { writeFailedRun } from './run-progress.ts';

export interface BenchCommandOptions {
  readonly config?: string;
  readonly json?: boolean;
}

/**
 * `archbench bench` (`npm run bench`): generates the fixtures when missing, then replays them through the
 * runners and prints findings and counters. The harness issue turns this into the full comparison with
 * costs and reports; until then it runs the monolith only.
 */
export async function bench(options: BenchCommandOptions, io: CommandIo = processIo): Promise<number> {
  const config = await loadConfig(options.config);
  const manifest = await ensureFixtures({
    dir: path.resolve(config.fixturesDir),
    onProgress: (id) => io.err(`generating fixture ${id} (first run only)\n`),
  });
  const clips = manifest.clips.map((clip) => path.join(config.fixturesDir, clip.file));
  const document = await analyzeClips(clips, {
    config,
    runners: ['monolith'],
    onRun: (clipPath, run, error) => {
      if (run.status === 'ok') io.err(`ok     ${run.runner} ${clipPath}\n`);
      else writeFailedRun(io, clipPath, run, error);
    },
  });
  io.out(options.json ? `${JSON.stringify(document, null, 2)}\n` : `${renderAnalyzeText(document)}\n`);
  return exitCodeOf(document);
}
