/**
 * How the monolith runner is deployed: one process, or N clones behind a dispatcher (Prime Video, after
 * one instance was not enough, "cloned the service multiple times, parametrizing each clone with a
 * different subset of detectors"; FACTS.md).
 */

/** How work is split over clones. */
export const clonePartitions = ['detectors', 'streams'] as const;
export type ClonePartition = (typeof clonePartitions)[number];

export interface MonolithSettings {
  /** Monolith processes; 1 runs the monolith in the runner's own process. */
  readonly clones: number;
  /**
   * `detectors`: clone i runs a fixed subset of the detectors on every clip and decodes every clip
   * itself; `streams`: each clip goes to one clone, which runs every detector.
   */
  readonly partition: ClonePartition;
}

export const defaultMonolithSettings: MonolithSettings = { clones: 1, partition: 'detectors' };

/**
 * The detectors of each clone: round-robin over the run's detector order, so the split is deterministic
 * and the counts differ by at most one. Clones beyond the number of detectors get none (and are not
 * started by the runner).
 */
export function partitionDetectorNames(names: readonly string[], clones: number): string[][] {
  const groups: string[][] = Array.from({ length: Math.max(1, Math.min(clones, names.length)) }, () => []);
  names.forEach((name, index) => {
    groups[index % groups.length]?.push(name);
  });
  return groups;
}
