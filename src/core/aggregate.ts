import type { AnyDetector, DetectorPorts, Json } from './detector.ts';
import { toErrorDocument } from './errors.ts';
import { compareFindings, type Finding } from './finding.ts';
import type { ClipInfo, MediaChunk } from './media.ts';

/**
 * The two steps every runner calls: `analyzeChunk` per chunk (anywhere: same process or a worker) and
 * `aggregateFindings` once per clip over all chunk analyses. Between them, a `ChunkAnalysis` may be
 * serialized as JSON; detectors' partials are JSON values, so it survives the trip unchanged.
 */

/** A detector chosen for a run, with its parameters resolved (defaults merged with overrides, validated). */
export interface ResolvedDetector {
  /** Registered name; keys the detector's partial in every `ChunkAnalysis`. */
  readonly name: string;
  readonly detector: AnyDetector;
  readonly params: Json;
}

/** What one chunk yields: each detector's partial result, keyed by detector name. */
export interface ChunkAnalysis {
  /** 0-based chunk number within the clip. */
  readonly index: number;
  readonly startSec: number;
  readonly endSec: number;
  /** Partial result per detector name (detectors that failed on this chunk are absent). */
  readonly partials: Record<string, Json>;
  /** Error message per detector name that threw on this chunk; absent when none did. */
  readonly failures?: Record<string, string>;
}

/** Called after each detector finished a chunk: its name and the wall milliseconds it took. */
export type DetectorTimingObserver = (detectorName: string, elapsedMs: number) => void;

function hasNeededStreams(chunk: MediaChunk, needs: AnyDetector['needs']): boolean {
  const video = chunk.video !== undefined;
  const audio = chunk.audio !== undefined;
  return needs === 'video' ? video : needs === 'audio' ? audio : video && audio;
}

/**
 * Runs every detector on one chunk. A detector needing a stream the chunk lacks gets no work and
 * contributes its empty partial. A detector that throws is recorded in `failures` and the others still
 * run. Detectors run one after another, so `onDetectorTimed` reports each one's own time (its CPU time
 * for the synchronous, CPU-bound detectors).
 */
export async function analyzeChunk(
  chunk: MediaChunk,
  detectors: readonly ResolvedDetector[],
  ports: DetectorPorts,
  onDetectorTimed?: DetectorTimingObserver,
): Promise<ChunkAnalysis> {
  const partials: Record<string, Json> = {};
  const failures: Record<string, string> = {};
  for (const { name, detector, params } of detectors) {
    if (!hasNeededStreams(chunk, detector.needs)) {
      partials[name] = detector.emptyPartial;
      continue;
    }
    const started = performance.now();
    try {
      // `await` inside try also catches a detector that throws synchronously.
      partials[name] = await detector.analyzeChunk(chunk, params, ports);
    } catch (error) {
      failures[name] = toErrorDocument(error).message;
    }
    onDetectorTimed?.(name, performance.now() - started);
  }
  const analysis = { index: chunk.index, startSec: chunk.startSec, endSec: chunk.endSec, partials };
  return Object.keys(failures).length > 0 ? { ...analysis, failures } : analysis;
}

/**
 * Turns the analyses of all chunks of a clip into findings: orders them by chunk index, hands each
 * detector its partials in chunk order and sorts the findings canonically (`compareFindings`). A chunk
 * where a detector failed (or has no partial) counts as "nothing observed" for it, so one bad chunk
 * does not discard the detector's findings elsewhere; the failure stays visible in the analyses.
 * Throws when two analyses share an index (a runner bug, not bad input).
 */
export function aggregateFindings(
  analyses: readonly ChunkAnalysis[],
  detectors: readonly ResolvedDetector[],
  clip: ClipInfo,
): Finding[] {
  const ordered = [...analyses].sort((a, b) => a.index - b.index);
  for (let i = 1; i < ordered.length; i++) {
    if (ordered[i]!.index === ordered[i - 1]!.index) {
      throw new Error(`chunk ${ordered[i]!.index} was analysed twice`);
    }
  }
  const findings: Finding[] = [];
  for (const { name, detector, params } of detectors) {
    const partials = ordered.map((analysis) =>
      Object.hasOwn(analysis.partials, name) ? analysis.partials[name] : detector.emptyPartial,
    );
    findings.push(...detector.finalize(partials, params, clip));
  }
  return findings.sort(compareFindings);
}
