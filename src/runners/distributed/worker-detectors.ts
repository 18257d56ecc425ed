import type { ResolvedDetector } from '../../core/aggregate.ts';
import type { AnyDetector, DetectorPorts } from '../../core/detector.ts';
import { detectorRegistry, isDetectorName } from '../../core/detectors/registry.ts';
import type { WorkerDetectorSpec } from './worker-protocol.ts';

/**
 * Detectors cross the process boundary by name and parameters: a worker rebuilds them from the registry
 * (or, for detectors outside it, from modules named in its settings, e.g. a test's failing detector).
 */

/** Loads `modules` (file URLs) and returns the detectors they export as `detectors`, by name. */
export async function loadDetectorModules(modules: readonly string[]): Promise<Map<string, AnyDetector>> {
  const found = new Map<string, AnyDetector>();
  for (const url of modules) {
    const loaded = (await import(url)) as { detectors?: Record<string, AnyDetector> };
    if (loaded.detectors === undefined) throw new Error(`detector module ${url} exports no "detectors"`);
    for (const [name, detector] of Object.entries(loaded.detectors)) found.set(name, detector);
  }
  return found;
}

/** The detector registered (or found in `extra`) under `spec.name`, with the spec's parameters. */
export function resolveWorkerDetector(
  spec: WorkerDetectorSpec,
  extra: ReadonlyMap<string, AnyDetector>,
): ResolvedDetector {
  const detector: AnyDetector | undefined = isDetectorName(spec.name)
    ? detectorRegistry[spec.name]
    : extra.get(spec.name);
  if (detector === undefined) {
    throw new Error(`detector "${spec.name}" is neither registered nor exported by a detector module`);
  }
  return { name: spec.name, detector, params: spec.params };
}

/** Builds the detector ports from `module` (see `WorkerSettings.detectorPortsModule`); none without one. */
export async function loadDetectorPorts(
  module: string | undefined,
  detectorNames: readonly string[],
): Promise<DetectorPorts> {
  if (module === undefined) return {};
  const loaded = (await import(module)) as {
    createDetectorPorts?: (names: readonly string[]) => Promise<DetectorPorts>;
  };
  if (loaded.createDetectorPorts === undefined) {
    throw new Error(`detector ports module ${module} exports no "createDetectorPorts"`);
  }
  return loaded.createDetectorPorts(detectorNames);
}
