/**
 * Entry point of a monolith clone (started by monolith-clones.ts, never imported): a complete monolith in
 * its own process, with its own decoder, its own detectors (a subset with partition `detectors`) and its
 * own detector ports (a loaded model cannot cross a process boundary). It reads its settings as one JSON
 * line on stdin, then analyses one clip per `clip` message with the same code as the single monolith and
 * writes its own results object. It exits when told to stop or when the dispatcher goes away.
 */
import { toErrorDocument } from '../../core/errors.ts';
import { selfCpuMs } from '../../infra/process-usage.ts';
import { readSettingsLine } from '../../infra/stdin-settings.ts';
import {
  loadDetectorModules,
  loadDetectorPorts,
  resolveWorkerDetector,
} from '../distributed/worker-detectors.ts';
import { resultsKeyFor } from '../runner.ts';
import type { CloneMessage, CloneSettings, DispatcherMessage } from './clone-protocol.ts';
import { runMonolithClip } from './monolith-clip.ts';

const settings = await readSettingsLine<CloneSettings>('clone settings');
const extraDetectors = await loadDetectorModules(settings.detectorModules);
const detectors = settings.detectors.map((spec) => resolveWorkerDetector(spec, extraDetectors));
const ports = await loadDetectorPorts(
  settings.detectorPortsModule,
  detectors.map((detector) => detector.name),
);
const runnerPath = `monolith/clone-${settings.cloneIndex}`;

/** Clips are analysed one after another, in the order they were sent. */
let queue: Promise<void> = Promise.resolve();
let stopping = false;

process.on('message', (message: DispatcherMessage) => {
  if (message.type === 'stop') {
    stopping = true;
    void queue.then(() => process.exit(0));
    return;
  }
  queue = queue.then(() => analyse(message.requestId, message.clip));
});
// The dispatcher is gone (even if it was SIGKILLed): exit rather than linger; ffmpeg goes with us.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

async function analyse(
  requestId: number,
  clip: Extract<DispatcherMessage, { type: 'clip' }>['clip'],
): Promise<void> {
  if (stopping) return;
  try {
    const run = await runMonolithClip(clip, {
      decode: settings.decode,
      detectors,
      ports,
      s3: settings.s3,
      bucket: settings.bucket,
      resultsKey: resultsKeyFor(runnerPath, settings.runId, clip),
      results: {
        clone: {
          index: settings.cloneIndex,
          of: settings.clones,
          partition: settings.partition,
          detectors: detectors.map((detector) => detector.name),
        },
      },
    });
    const started = selfCpuMs();
    const text = JSON.stringify(run);
    send({ type: 'done', requestId, run: text, encodeCpuMs: selfCpuMs() - started });
  } catch (error) {
    send({ type: 'failed', requestId, error: toErrorDocument(error) });
  }
}

function send(message: CloneMessage): void {
  // The channel closes when the dispatcher goes away; the `disconnect` handler then ends the process.
  if (process.connected) process.send?.(message);
}
