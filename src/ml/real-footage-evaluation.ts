import path from 'node:path';
import { aggregateFindings, analyzeChunk, type ResolvedDetector } from '../core/aggregate.ts';
import type { DetectorPorts } from '../core/detector.ts';
import { defaultDecodeOptions, openClipDecoder } from '../media/decoder.ts';
import { probeMedia, toClipInfo } from '../media/probe.ts';
import { type ClipEvaluation, evaluateFindings } from './block-corruption-evaluation.ts';
import type { RealClip, RealClipSpec } from './real-footage-clips.ts';
import { CORRUPTED_BELOW_PSNR_DB } from './synthetic-clips.ts';

/** Where generated real-footage clips are cached (git-ignored). */
export const REAL_FOOTAGE_CACHE_DIR = path.resolve('.tmp/real-footage');

/** Runs the detector over a built clip exactly as the monolith does (same decoder, 1-s chunks). */
export async function evaluateRealClip(
  clip: RealClip,
  detector: ResolvedDetector,
  ports: DetectorPorts,
  chunkSeconds = 1,
): Promise<ClipEvaluation> {
  const info = await probeMedia(clip.file);
  const analyses = [];
  const pts: number[] = [];
  await using decoder = openClipDecoder(info, { ...defaultDecodeOptions, chunkSeconds });
  for await (const chunk of decoder.chunks()) {
    for (const frame of chunk.video?.frames ?? []) pts.push(frame.ptsSec);
    analyses.push(await analyzeChunk(chunk, [detector], ports));
  }
  const failure = analyses.find((analysis) => analysis.failures !== undefined)?.failures;
  if (failure !== undefined) throw new Error(`${clip.spec.id}: ${Object.values(failure).join('; ')}`);
  if (clip.psnrDb.length > 0 && clip.psnrDb.length !== pts.length) {
    throw new Error(`${clip.spec.id}: ${pts.length} frames decoded, truth for ${clip.psnrDb.length}`);
  }
  const corrupted = pts.map((_, i) => (clip.psnrDb[i] ?? Number.POSITIVE_INFINITY) < CORRUPTED_BELOW_PSNR_DB);
  const findings = aggregateFindings(analyses, [detector], toClipInfo(info));
  return evaluateFindings(clip.spec.id, pts, corrupted, findings);
}

/** "package: picture, picture" for the table's source column. */
export function describeSource(spec: RealClipSpec): string {
  const names = spec.shots.map((shot) => {
    const pkg = shot.picture.includes('/mate/')
      ? 'mate-backgrounds'
      : shot.picture.includes('/doc/valgrind/')
        ? 'valgrind'
        : shot.picture.includes('/doc/nodejs/')
          ? 'nodejs'
          : shot.picture.includes('/help/')
            ? 'gnome-user-docs'
            : /Fossa|Kleiber|Infinite-Sea|Painting-Colors/.test(shot.picture)
              ? 'lomiri-wallpapers-20.04'
              : 'ukui-wallpapers';
    return `${pkg} ${path.basename(shot.picture)} (${shot.motion}${shot.pixelBlock ? `, ${shot.pixelBlock}-px pixel art` : ''})`;
  });
  return names.join(' + ');
}

export function describeCoding(spec: RealClipSpec): string {
  const c = spec.codec;
  const coding =
    c.name === 'h264'
      ? `H.264 ${c.profile} crf ${c.crf}${c.bFrames ? ` B${c.bFrames}` : ''}`
      : `${c.name === 'mpeg4' ? 'MPEG-4 Part 2' : 'MPEG-2'} q${c.quantizer}${c.bFrames ? ` B${c.bFrames}` : ''}`;
  const extras = [
    spec.grain > 0 ? `grain ${spec.grain}` : '',
    spec.fades ? 'fades' : '',
    spec.transcodeAfterDamage ? 'damaged then transcoded (H.264 crf 18)' : '',
  ].filter(Boolean);
  return `${spec.width}x${spec.height} ${spec.fps} fps, ${coding}${extras.length ? `, ${extras.join(', ')}` : ''}`;
}
