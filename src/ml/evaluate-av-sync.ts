/**
 * `npm run eval:av-sync`: the registered `av-sync` detector (defaults) on trailer-like clips without test
 * markers (`av-sync-natural-clips.ts`), run as the monolith runs it, at 1-s and 0.7-s chunks (findings
 * must be identical). Prints a Markdown table. Needs ukui-wallpapers, lomiri-wallpapers-20.04 and
 * sound-theme-freedesktop installed.
 */
import path from 'node:path';
import { aggregateFindings, analyzeChunk } from '../core/aggregate.ts';
import { resolveDetector } from '../core/detectors/registry.ts';
import type { Finding } from '../core/finding.ts';
import { defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import { probeMedia, toClipInfo } from '../media/probe.ts';
import { AV_NATURAL_CLIPS, buildAvNaturalClip, missingAvSource } from './av-sync-natural-clips.ts';

const resolved = resolveDetector('av-sync');
if (!resolved.ok) throw new Error(resolved.error);
const detector = resolved.detector;
// The same estimate with every gate open: what the method measured even where it reports nothing.
const raw = resolveDetector('av-sync', { naturalMinConfidence: 0, audioLeadLimitMs: 0, audioLagLimitMs: 0 });
if (!raw.ok) throw new Error(raw.error);

async function findingsOf(file: string, chunkSeconds: number, which = detector): Promise<Finding[]> {
  const info = await probeMedia(file);
  const analyses = [];
  await using decoder = openClipDecoder(info, { ...defaultDecodeOptions, chunkSeconds });
  for await (const chunk of decoder.chunks()) analyses.push(await analyzeChunk(chunk, [which], {}));
  return aggregateFindings(analyses, [which], toClipInfo(info));
}

const missing = await missingAvSource();
if (missing !== undefined) {
  console.log(`skipped: ${missing} is missing (install the packages named in av-sync-natural-clips.ts)`);
  process.exit(0);
}
const dir = path.resolve('.tmp/av-sync-natural');
console.log(
  '| clip | true offset | expected | finding | offset found | confidence | estimate without gates (offset, z) | same for 0.7-s chunks |',
);
console.log('| --- | ---: | --- | --- | ---: | ---: | --- | --- |');
for (const spec of AV_NATURAL_CLIPS) {
  const file = await buildAvNaturalClip(spec, dir);
  const findings = await findingsOf(file, 1);
  const other = await findingsOf(file, 0.7);
  const expected = spec.soundsAtCuts && (spec.offsetMs > 125 || spec.offsetMs < -45) ? 'finding' : 'none';
  const f = findings[0];
  const r = (await findingsOf(file, 1, raw.detector))[0]?.details;
  console.log(
    `| ${spec.id} | ${spec.offsetMs} ms | ${expected} | ${f === undefined ? 'none' : `${f.startSec.toFixed(2)}-${f.endSec.toFixed(2)}`} | ${f?.details?.offsetMs ?? '-'} | ${f?.confidence.toFixed(2) ?? '-'} | ${r === undefined ? '-' : `${r.offsetMs} ms, z ${r.zScore}`} | ${JSON.stringify(findings) === JSON.stringify(other) ? 'yes' : 'NO'} |`,
  );
}
