/** A defect found in a clip: the contract both runners must fulfil identically. */
export interface Finding {
  /** Registered detector name, e.g. `freeze`. */
  readonly detector: string;
  /** Start of the defect on the clip timeline, seconds. */
  readonly startSec: number;
  /** End of the defect (exclusive), seconds. */
  readonly endSec: number;
  /** 0..1: how far the evidence is from the decision threshold (1 = unambiguous). */
  readonly confidence: number;
  /** Detector-specific measurements (JSON values only). */
  readonly details?: Readonly<Record<string, number | string | boolean>>;
}

/** A time interval in seconds, `[startSec, endSec)`. */
export interface Segment {
  readonly startSec: number;
  readonly endSec: number;
  /** Optional score in 0..1 used for the finding's confidence (merged segments keep the minimum). */
  readonly score?: number;
}

/** Orders findings by start, then detector, then end: the canonical order of every results document. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.startSec - b.startSec || a.detector.localeCompare(b.detector) || a.endSec - b.endSec;
}
