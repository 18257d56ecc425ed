/**
 * Media data as the detectors see it: grey frames at the analysis size and mono PCM, cut into chunks.
 * Pure data types; the decoder that fills them lives in `src/media`.
 */

/** One decoded video frame, luma only (8-bit grey, full 0-255 code values as decoded, no range change). */
export interface GreyFrame {
  /** Presentation time in seconds on the clip timeline (0 = the container's start time). */
  readonly ptsSec: number;
  readonly width: number;
  readonly height: number;
  /** `width * height` bytes, row-major, no padding. */
  readonly data: Uint8Array;
  /**
   * Present when the decoder reported bitstream errors in this picture, or in a reference picture it is
   * predicted from since the last keyframe (damage propagates through prediction until a keyframe replaces
   * the picture): how much of those pictures the decoder concealed, in pictures' worth of macroblocks (0.25:
   * a quarter of one picture; above 1 when damage accumulates over several pictures; an errored picture
   * without a concealment count counts as 1). Always above 0. Absent otherwise, and for frames that did not
   * come from a bitstream decoder.
   */
  readonly decodeDamage?: number;
}

/** Mono PCM, signed 16-bit, on a fixed sample grid starting at `startSec`. */
export interface PcmAudio {
  /** Samples per second (default 16,000). */
  readonly sampleRate: number;
  /** Time of `samples[0]` on the clip timeline, in seconds. */
  readonly startSec: number;
  readonly samples: Int16Array;
}

/**
 * One chunk of a clip: every frame with `startSec <= ptsSec < endSec` and the audio samples of the same
 * range. Chunks are independent units of work (the distributed runner analyses them in separate
 * executions), so cross-boundary context travels explicitly in `nextFrame`: the first frame of the
 * following chunk, which lets a chunk judge the transition out of its own last frame. Each frame-to-frame
 * transition is therefore judged by exactly one chunk, in both runners.
 */
export interface MediaChunk {
  /** 0-based chunk number within the clip. */
  readonly index: number;
  readonly startSec: number;
  /** Exclusive end; the last chunk ends at the decoded end of the clip. */
  readonly endSec: number;
  /** Absent when the clip has no video stream. */
  readonly video?: {
    readonly frames: readonly GreyFrame[];
    /** First frame of the next chunk; absent for the last chunk. */
    readonly nextFrame?: GreyFrame;
  };
  /** Absent when the clip has no audio stream. */
  readonly audio?: PcmAudio;
}

/** What the detectors may know about the clip as a whole (from the probe). */
export interface ClipInfo {
  /** Duration of the clip in seconds, as decoded. */
  readonly durationSec: number;
  /** Nominal frame rate (average), 0 without video. */
  readonly fps: number;
  readonly hasVideo: boolean;
  readonly hasAudio: boolean;
  /** Size of the coded picture in pixels (before scaling to the analysis size), when known. */
  readonly videoWidth?: number;
  readonly videoHeight?: number;
}
