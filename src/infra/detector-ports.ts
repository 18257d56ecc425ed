import type { DetectorPorts } from '../core/detector.ts';
import { createOnnxFrameClassifier } from './onnx-frame-classifier.ts';

/**
 * Builds the detector ports the chosen detectors need, in this process: the harness calls it for the
 * in-process runners, and distributed workers load this module (see `RunnerContext.detectorPortsModule`) and
 * call it for their own detector. Ports only a selected detector uses are created, and each is lazy: the
 * ONNX session of `block-corruption` opens on its first batch.
 */
export async function createDetectorPorts(detectorNames: readonly string[]): Promise<DetectorPorts> {
  return detectorPortsFor(detectorNames);
}

/** {@link createDetectorPorts} for callers that cannot await (nothing is loaded before first use anyway). */
export function detectorPortsFor(detectorNames: readonly string[]): DetectorPorts {
  return detectorNames.includes('block-corruption') ? { frameClassifier: createOnnxFrameClassifier() } : {};
}

/** File URL of this module, for runners that build ports in other processes. */
export const DETECTOR_PORTS_MODULE = import.meta.url;
