import type { Finding } from './finding.ts';
import type { ClipInfo, MediaChunk } from './media.ts';

/** JSON-serializable value: a chunk's partial result must cross process and S3 boundaries unchanged. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * Ports a detector may use. They are owned by the core and implemented outside it (e.g. the ONNX
 * session for `block-corruption` lives in `src/infra`), so `src/core` stays pure.
 */
export interface DetectorPorts {
  /** Scores frames with a learned model; resolves to one score in 0..1 per frame. */
  readonly frameClassifier?: FrameClassifier;
}

export interface FrameClassifier {
  /** Scores a batch of frames in one inference call, one value in 0..1 per frame, same order. */
  scoreFrames(frames: readonly import('./media.ts').GreyFrame[]): Promise<Float32Array>;
}

/**
 * A detector is written once and wired into both runners. Work is split in two so that chunks can be
 * analysed anywhere (same process or another machine):
 * - `analyzeChunk` sees one chunk (plus the explicit carry-over in the chunk) and returns a small JSON
 *   partial result;
 * - `finalize` sees the partial results of every chunk of a clip, in chunk order, and returns findings.
 */
export interface Detector<Params extends Json = Json, Partial extends Json = Json> {
  readonly name: string;
  /** Which streams it reads; a clip without that stream yields no findings from it, not an error. */
  readonly needs: 'video' | 'audio' | 'both';
  /** Default parameters (documented per detector, with units). */
  readonly defaults: Params;
  /**
   * The partial of a chunk that gives the detector no work (the chunk lacks a stream it needs, or its
   * analysis failed): `finalize` treats it as "nothing observed in this chunk".
   */
  readonly emptyPartial: Partial;
  /** Validates user overrides merged onto the defaults; returns a message for bad values. */
  readonly validate: (params: Params) => string | undefined;
  analyzeChunk(chunk: MediaChunk, params: Params, ports: DetectorPorts): Promise<Partial>;
  finalize(partials: readonly Partial[], params: Params, clip: ClipInfo): Finding[];
}

/** Erases a detector's parameter types for storage in the registry. */
// biome-ignore lint/suspicious/noExplicitAny: a registry holds detectors of different parameter types.
export type AnyDetector = Detector<any, any>;
