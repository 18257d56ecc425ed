/**
 * `npm run eval:block-corruption [-- [--set calibration] [--pixels-only] [--param name=value ...] clip-id ...]`:
 * frame-level recall and precision of the registered
 * `block-corruption` detector (defaults, committed model) on the real-footage evaluation set
 * (`real-footage-sets.ts`), run as the monolith runs it. Prints a Markdown table for the model card.
 * Needs the evaluation packages installed (ukui-wallpapers, lomiri-wallpapers-20.04, gnome-user-docs);
 * clips whose pictures are missing are listed as skipped. Clips are cached in `.tmp/real-footage`.
 */
import { createDetectorPorts } from '../infra/detector-ports.ts';
import { blockCorruptionDetectorFromArgs, pooledMetrics } from './block-corruption-evaluation.ts';
import { buildRealClip, missingPicture } from './real-footage-clips.ts';
import {
  describeCoding,
  describeSource,
  evaluateRealClip,
  REAL_FOOTAGE_CACHE_DIR,
} from './real-footage-evaluation.ts';
import { CALIBRATION_CLIPS, EVALUATION_CLEAN, EVALUATION_DAMAGED } from './real-footage-sets.ts';

const args = process.argv.slice(2);
// `--pixels-only`: the detector without the decoder's error reports (decoderErrors: false), what the picture
// alone shows; the damaged-then-transcoded clips need exactly that.
const pixelsOnly = args.includes('--pixels-only');
// `--set calibration`: the calibration clips (mate-backgrounds photographs, valgrind and nodejs screenshots).
const calibration = args.includes('--set') && args[args.indexOf('--set') + 1] === 'calibration';
// `--param name=value`: a detector parameter other than its default, to measure a candidate; repeatable.
const resolved = blockCorruptionDetectorFromArgs(args, pixelsOnly ? { decoderErrors: false } : {});
if (!resolved.ok) {
  console.error(resolved.error);
  process.exit(2);
}
const only = args.filter(
  (arg, i) => !arg.startsWith('--') && args[i - 1] !== '--set' && args[i - 1] !== '--param',
);
const detector = resolved.detector;
const ports = await createDetectorPorts(['block-corruption']);
const pick = <T extends { id: string }>(specs: readonly T[]) =>
  specs.filter((spec) => only.length === 0 || only.some((id) => spec.id.includes(id)));

const percent = (num: number, den: number) => (den === 0 ? '-' : `${((100 * num) / den).toFixed(1)} %`);
const damagedRows = [];
console.log('| clip | source | coding | frames | corrupted | TP | FP | recall | precision | findings |');
console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
const sets = calibration ? pick(CALIBRATION_CLIPS) : [...pick(EVALUATION_DAMAGED), ...pick(EVALUATION_CLEAN)];
for (const spec of sets) {
  const missing = await missingPicture(spec);
  if (missing !== undefined) {
    console.log(`| ${spec.id} | skipped: ${missing} missing (install the package) | | | | | | | | |`);
    continue;
  }
  const started = Date.now();
  const clip = await buildRealClip(spec, REAL_FOOTAGE_CACHE_DIR);
  const r = await evaluateRealClip(clip, detector, ports);
  if (spec.damage.length > 0) damagedRows.push(r);
  const found = r.findings.map((f) => `${f.startSec.toFixed(2)}-${f.endSec.toFixed(2)}`).join(', ') || 'none';
  console.log(
    `| ${spec.id} | ${describeSource(spec)} | ${describeCoding(spec)} | ${r.frames} | ${r.truthFrames} | ${r.truePositives} | ${r.falsePositives} | ${percent(r.truePositives, r.truthFrames)} | ${percent(r.truePositives, r.truePositives + r.falsePositives)} | ${found} |`,
  );
  console.error(`${spec.id}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
const pooled = pooledMetrics(damagedRows);
console.log(
  `\nDamaged clips pooled over frames: recall ${(100 * pooled.recall).toFixed(1)} %, precision ${(100 * pooled.precision).toFixed(1)} %.`,
);
