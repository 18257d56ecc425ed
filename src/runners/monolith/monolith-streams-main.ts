/**
 * Entry point of one multi-stream measurement (started by src/harness/measure-monolith-streams.ts, never
 * imported): a fresh monolith process that analyses k streams at once with the run's detectors and decode
 * settings (monolith-streams.ts) and answers with one `MonolithStreamsSample`. Probing the clips and
 * opening the detector ports (the ONNX session) happen before the measurement starts: they are the
 * process's fixed cost, not the streams'. It exits once it has answered, on a failure, and when its
 * parent goes away (its ffmpeg decoders are ended with it).
 */
import type { MonolithStreamsSample } from '../../core/cost/monolith-sizing.ts';
import type { DetectorPorts } from '../../core/detector.ts';
import {
  BadInputError,
  type ErrorDocument,
  ServiceUnavailableError,
  toErrorDocument,
} from '../../core/errors.ts';
import { liveChildPids } from '../../infra/child-processes.ts';
import {
  peakRssBytes,
  reapedChildrenCpuMs,
  sampleChildrenPeakRss,
  selfCpuMs,
} from '../../infra/process-usage.ts';
import { readSettingsLine } from '../../infra/stdin-settings.ts';
import { analysisSize } from '../../media/decoder.ts';
import { type MediaInfo, probeMedia } from '../../media/probe.ts';
import {
  loadDetectorModules,
  loadDetectorPorts,
  resolveWorkerDetector,
} from '../distributed/worker-detectors.ts';
import { analyzeMonolithStreams } from './monolith-streams.ts';
import type { StreamsMeasurementMessage, StreamsMeasurementSettings } from './monolith-streams-protocol.ts';

// The parent is gone (even if it was SIGKILLed): exit; the exit hook of child-processes.ts ends ffmpeg.
process.on('disconnect', () => process.exit(1));

try {
  const settings = await readSettingsLine<StreamsMeasurementSettings>('monolith streams settings');
  await send({ type: 'ready' });
  const sample = await measure(settings);
  await send({ type: 'measured', sample });
  process.exit(0);
} catch (error) {
  await send({ type: 'failed', error: toErrorDocument(error) });
  process.exit(1);
}

async function measure(settings: StreamsMeasurementSettings): Promise<MonolithStreamsSample> {
  if (!(Number.isInteger(settings.streams) && settings.streams >= 1) || settings.clipPaths.length === 0) {
    throw new Error(`monolith streams: need k >= 1 and a clip (got k = ${settings.streams})`);
  }
  const extraDetectors = await loadDetectorModules(settings.detectorModules);
  const detectors = settings.detectors.map((spec) => resolveWorkerDetector(spec, extraDetectors));
  const ports = await loadDetectorPorts(
    settings.detectorPortsModule,
    detectors.map((detector) => detector.name),
  );
  const clips: MediaInfo[] = [];
  for (const clipPath of settings.clipPaths) clips.push(await probeMedia(clipPath));
  await warmUp(ports, clips, settings.decode.analysisWidth);
  const streams = Array.from(
    { length: settings.streams },
    (_, index) => clips[index % clips.length] as MediaInfo,
  );

  using decoders = sampleChildrenPeakRss(liveChildPids, settings.memorySampleIntervalMs);
  const nodeCpuStart = selfCpuMs();
  const childCpuStart = reapedChildrenCpuMs();
  const wallStart = performance.now();
  const runs = await analyzeMonolithStreams(streams, { decode: settings.decode, detectors, ports });
  const wallMs = performance.now() - wallStart;
  // Every decoder has exited and been reaped by now (each stream awaits its decoder's disposal).
  const childCpuMs = reapedChildrenCpuMs() - childCpuStart;
  const nodeCpuMs = selfCpuMs() - nodeCpuStart;
  const failed = runs.find((run) => run.status === 'failed');
  // The stream's error already names its clip; its kind (bad input or a bug) decides the parent's error.
  if (failed !== undefined) throw errorFromDocument(failed.error);
  const nodePeakRssBytes = peakRssBytes();
  return {
    streams: settings.streams,
    streamSeconds: runs.reduce(
      (sum, run) => sum + (run.status === 'ok' ? run.decode.decodedDurationSec : 0),
      0,
    ),
    cpuMs: nodeCpuMs + childCpuMs,
    nodeCpuMs,
    wallMs,
    peakRssBytes: nodePeakRssBytes + decoders.maxBytes,
    nodePeakRssBytes,
  };
}

function errorFromDocument(error: ErrorDocument): Error {
  if (error.kind === 'bad-input') return new BadInputError(error.message);
  if (error.kind === 'unavailable') return new ServiceUnavailableError(error.message);
  return new Error(error.message);
}

/** Opens what every process opens once (the ONNX session) by scoring one blank frame. */
async function warmUp(
  ports: DetectorPorts,
  clips: readonly MediaInfo[],
  analysisWidth: number,
): Promise<void> {
  const video = clips.find((clip) => clip.video !== undefined)?.video;
  if (ports.frameClassifier === undefined || video === undefined) return;
  const { width, height } = analysisSize(video.width, video.height, analysisWidth);
  await ports.frameClassifier.scoreFrames([
    { ptsSec: 0, width, height, data: new Uint8Array(width * height) },
  ]);
}

/** Sends `message` and resolves once it is written, so exiting right after does not lose it. */
function send(message: StreamsMeasurementMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}
