/**
 * `npm exec -- node src/ml/evaluate-block-corruption.ts [--param name=value ...]`: frame-level precision and recall of the
 * `block-corruption` detector (registered defaults, the committed ONNX model through the infra adapter) on
 * the evaluation fixtures and on natural-looking clips unlike the training sources. Prints Markdown tables
 * for the model card (fixtures/models/block-corruption.md).
 */
import path from 'node:path';
import { createDetectorPorts } from '../infra/detector-ports.ts';
import { ensureFixtures } from '../media/fixtures/fixture-generator.ts';
import {
  blockCorruptionDetectorFromArgs,
  CLEAN_FIXTURES,
  type ClipEvaluation,
  CORRUPTED_FIXTURES,
  evaluateFixtureClip,
  evaluateSyntheticClip,
  metricsAtThreshold,
  pooledMetrics,
  scoreAuc,
} from './block-corruption-evaluation.ts';
import { COMPRESSED_CLEAN_CLIPS, NATURAL_CLIPS } from './natural-evaluation-clips.ts';
import { makeSyntheticClip } from './synthetic-clips.ts';

const dir = path.resolve('fixtures/clips');
const resolved = blockCorruptionDetectorFromArgs(process.argv.slice(2));
if (!resolved.ok) {
  console.error(resolved.error);
  process.exit(2);
}
const detector = resolved.detector;
const { leaveScore } = detector.params as { leaveScore: number };
const ports = await createDetectorPorts(['block-corruption']);

const manifest = await ensureFixtures({
  dir,
  only: [...CORRUPTED_FIXTURES, ...CLEAN_FIXTURES],
  onProgress: (id) => console.error(`generating fixture ${id}`),
});
const fixtureResults: ClipEvaluation[] = [];
for (const clip of manifest.clips) {
  if (![...CORRUPTED_FIXTURES, ...CLEAN_FIXTURES].includes(clip.id)) continue;
  fixtureResults.push(await evaluateFixtureClip(dir, clip, detector, ports));
}
const naturalResults: ClipEvaluation[] = [];
for (const spec of [...NATURAL_CLIPS, ...COMPRESSED_CLEAN_CLIPS]) {
  console.error(`natural clip ${spec.id}`);
  naturalResults.push(await evaluateSyntheticClip(await makeSyntheticClip(spec), detector, ports));
}

const percent = (value: number) => `${(100 * value).toFixed(1)} %`;
function table(title: string, results: readonly ClipEvaluation[]): void {
  console.log(`\n### ${title}\n`);
  console.log('| clip | frames | corrupted | TP | FP | FN | findings | worst interval error |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |');
  for (const r of results) {
    const found =
      r.findings.map((f) => `${f.startSec.toFixed(2)}-${f.endSec.toFixed(2)}`).join(', ') || 'none';
    const worst = r.intervalErrorsSec.length === 0 ? '-' : `${Math.max(...r.intervalErrorsSec).toFixed(2)} s`;
    console.log(
      `| ${r.id} | ${r.frames} | ${r.truthFrames} | ${r.truePositives} | ${r.falsePositives} | ${r.falseNegatives} | ${found} | ${worst} |`,
    );
  }
  const { precision, recall } = pooledMetrics(results);
  const single = metricsAtThreshold(results, leaveScore);
  const auc = scoreAuc(results);
  console.log(
    `\nPooled over frames, detector defaults: precision ${percent(precision)}, recall ${percent(recall)}.`,
  );
  console.log(
    `Frame scores alone: ROC AUC ${Number.isNaN(auc) ? '-' : auc.toFixed(3)}; every frame >= leaveScore (${leaveScore}) flagged: precision ${percent(single.precision)}, recall ${percent(single.recall)}.`,
  );
}
table('Evaluation fixtures (testsrc2, 640x360, 25 fps)', fixtureResults);
table(
  'Natural-looking clips (sources, sizes, frame rates and H.264 codings unlike the training clips)',
  naturalResults.slice(0, NATURAL_CLIPS.length),
);
table('Clean clips in other codecs at coarse quantizers', naturalResults.slice(NATURAL_CLIPS.length));
