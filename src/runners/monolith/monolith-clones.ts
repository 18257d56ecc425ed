import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type Counters,
  countCpu,
  countSerialization,
  createCounters,
  mergeCounters,
} from '../../core/counters.ts';
import { BadInputError, type ErrorDocument, ServiceUnavailableError } from '../../core/errors.ts';
import { compareFindings } from '../../core/finding.ts';
import { selfCpuMs } from '../../infra/process-usage.ts';
import { type SettingsChild, startSettingsChild } from '../../infra/settings-child.ts';
import type { DecodeSummary } from '../../media/decoder.ts';
import { displayPath, type MediaInfo } from '../../media/probe.ts';
import type { ClipRun, ClipRunner, RunnerContext } from '../runner.ts';
import type { CloneMessage, CloneSettings, DispatcherMessage } from './clone-protocol.ts';
import { type MonolithSettings, partitionDetectorNames } from './monolith-settings.ts';

/**
 * Monolith clones behind a small dispatcher, as Prime Video scaled its monolith once one instance was not
 * enough: they "cloned the service multiple times, parametrizing each clone with a different subset of
 * detectors", with "a lightweight orchestration layer" distributing requests (FACTS.md).
 *
 * Each clone is a complete monolith in its own process (clone-main.ts): its own ffmpeg decode, its own
 * detectors, its own detector ports. With partition `detectors` every clone decodes every clip and runs
 * its subset (round-robin over the run's detector order), so decode CPU is paid once per clone: the real
 * cost of cloning. With `streams` each clip goes to one clone running every detector.
 *
 * Results: each clone writes its own results object (`results/<run>/monolith/clone-<i>/...`), as a copy
 * of the monolith in that design does; the dispatcher only routes requests and merges in memory, so it
 * adds no S3 request of its own (a dispatcher writing one merged object would add a PUT per clip that
 * the design Prime Video describes does not have). The merged findings are sorted canonically, which makes
 * them identical, order included, to the single monolith's.
 */

/** A running clone, as tests see it. */
export interface CloneHandle {
  /** 1-based. */
  readonly index: number;
  readonly pid: number | undefined;
  /** Detectors this clone runs, in the run's order. */
  readonly detectors: readonly string[];
  /** Sends a signal to the clone process (tests kill clones this way). */
  kill(signal: NodeJS.Signals): void;
}

export interface ClonedMonolithOptions {
  /** Overrides `context.monolith`. */
  readonly settings?: MonolithSettings;
  /** File URLs of modules exporting `detectors`, for detectors outside the registry (tests). */
  readonly detectorModules?: readonly string[];
  /** Longest wait for a clone to report ready, ms (default 60,000: a busy 2-core machine is slow). */
  readonly startTimeoutMs?: number;
  /** Wait after `stop` before SIGKILL, ms (default 3,000). */
  readonly stopGraceMs?: number;
}

export interface ClonedMonolithRunner extends ClipRunner {
  readonly settings: MonolithSettings;
  /** The live clones, in index order (a clone that died is replaced on the next clip). */
  readonly clones: readonly CloneHandle[];
  runClip(clip: MediaInfo): Promise<ClonedClipRun>;
}

/** What one clone did for a clip (its counters are also merged into the clip's). */
export interface CloneClipSummary {
  /** 1-based clone number. */
  readonly index: number;
  readonly detectors: readonly string[];
  /** S3 key of the results object this clone wrote (its detectors' findings). */
  readonly resultsKey: string;
  /** What this clone's own decode delivered. */
  readonly decode: DecodeSummary;
  /** CPU of the clone's ffmpeg decode, ms (a timing). */
  readonly decodeCpuMs: number;
  /** All CPU the clone spent on the clip, ffmpeg included, ms (a timing). */
  readonly cpuMs: number;
  /** Peak resident set size of the clone process, bytes. */
  readonly peakRssBytes: number;
}

/** The merged run of a clip, plus what each clone did (`resultsKey` is the first clone's object). */
export interface ClonedClipRun extends ClipRun {
  readonly clones: readonly CloneClipSummary[];
}

const ENTRY_PATH = fileURLToPath(new URL('./clone-main.ts', import.meta.url));

interface PendingClip {
  readonly clip: MediaInfo;
  resolve(run: CloneReply): void;
  reject(error: Error): void;
}

interface CloneReply {
  readonly index: number;
  readonly detectors: readonly string[];
  readonly run: ClipRun;
  /** Bytes of the reply's JSON text. */
  readonly bytes: number;
  readonly encodeCpuMs: number;
  readonly decodeCpuMs: number;
}

interface CloneProcess extends CloneHandle {
  readonly process: SettingsChild;
  readonly pending: Map<number, PendingClip>;
}

/** Starts `settings.clones` monolith clones and resolves once all are ready; on failure stops them. */
export async function createClonedMonolithRunner(
  context: RunnerContext,
  options: ClonedMonolithOptions = {},
): Promise<ClonedMonolithRunner> {
  const settings = options.settings ?? context.monolith ?? { clones: 1, partition: 'detectors' };
  const names = context.detectors.map((detector) => detector.name);
  if (!Number.isInteger(settings.clones) || settings.clones < 1) {
    throw new BadInputError(`--clones ${settings.clones}: must be a whole number of at least 1`);
  }
  if (settings.partition === 'detectors' && settings.clones > names.length) {
    throw new BadInputError(
      `--clones ${settings.clones}: partition detectors splits ${names.length} detector(s), so at most ${names.length} clone(s)`,
    );
  }
  const detectorPortsModule = context.detectorPortsModule;
  if (Object.keys(context.ports).length > 0 && detectorPortsModule === undefined) {
    // Clones would run without the ports and find less than the single monolith: refuse rather than differ.
    throw new Error(
      'monolith clones: the detectors use ports that clones must build themselves; pass detectorPortsModule',
    );
  }
  const groups =
    settings.partition === 'detectors'
      ? partitionDetectorNames(names, settings.clones)
      : Array.from({ length: settings.clones }, () => names);
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  const stopGraceMs = options.stopGraceMs ?? 3_000;
  const slots: CloneProcess[] = [];
  let nextRequestId = 1;
  let nextStreamClone = 0;
  let stopping: Promise<void> | undefined;

  function spawnClone(index: number): CloneProcess {
    const detectorNames = groups[index - 1] ?? [];
    const pending = new Map<number, PendingClip>();
    const specs = detectorNames.map((name) => {
      const resolved = context.detectors.find((detector) => detector.name === name);
      return { name, params: resolved?.params ?? null };
    });
    const cloneSettings: CloneSettings = {
      cloneIndex: index,
      clones: settings.clones,
      partition: settings.partition,
      runId: context.runId,
      decode: context.decode,
      detectors: specs,
      detectorModules: options.detectorModules ?? [],
      ...(detectorPortsModule === undefined ? {} : { detectorPortsModule }),
      s3: context.s3,
      bucket: context.bucket,
    };
    const child = startSettingsChild<CloneMessage>({
      entryPath: ENTRY_PATH,
      settings: cloneSettings,
      label: `monolith clone ${index}`,
      // Without static credentials the clone uses the SDK's default chain, which reads AWS_*.
      awsEnvironment: context.s3.credentials === undefined,
      // Its own process group: when a clone dies, its ffmpeg is ended with it (see endGroup).
      detached: true,
      onMessage: (message) => {
        const waiting = pending.get(message.requestId);
        if (waiting === undefined) return;
        pending.delete(message.requestId);
        if (message.type === 'failed') {
          waiting.reject(errorFromDocument(message.error, clone));
          return;
        }
        const started = selfCpuMs();
        const run = JSON.parse(message.run) as ClipRun;
        waiting.resolve({
          index,
          detectors: detectorNames,
          run,
          bytes: Buffer.byteLength(message.run),
          encodeCpuMs: message.encodeCpuMs,
          decodeCpuMs: selfCpuMs() - started,
        });
      },
      onExit: (code, signal) => {
        endGroup(child.child);
        const how = signal === null ? `code ${code}` : `signal ${signal}`;
        for (const [id, waiting] of pending) {
          pending.delete(id);
          waiting.reject(
            new ServiceUnavailableError(
              `${displayPath(waiting.clip.path)}: monolith clone ${index} of ${settings.clones} (${detectorNames.join(', ')}) died while analysing the clip (${how})`,
            ),
          );
        }
      },
    });
    const clone: CloneProcess = {
      index,
      pid: child.pid,
      detectors: detectorNames,
      process: child,
      pending,
      kill: child.kill,
    };
    return clone;
  }

  /** The clone in slot `index`, started again if it died since the last clip. */
  async function liveClone(index: number): Promise<CloneProcess> {
    const current = slots[index - 1];
    if (
      current !== undefined &&
      current.process.child.exitCode === null &&
      current.process.child.signalCode === null
    ) {
      await current.process.ready;
      return current;
    }
    const replacement = spawnClone(index);
    slots[index - 1] = replacement;
    await withTimeout(
      replacement.process.ready,
      startTimeoutMs,
      `monolith clone ${index} did not become ready`,
    );
    return replacement;
  }

  function request(clone: CloneProcess, clip: MediaInfo): Promise<CloneReply> {
    return new Promise<CloneReply>((resolve, reject) => {
      const requestId = nextRequestId++;
      clone.pending.set(requestId, { clip, resolve, reject });
      const message: DispatcherMessage = { type: 'clip', requestId, clip };
      clone.process.child.send(message, (error) => {
        // The channel closed between start and send: the exit handler rejects the request.
        if (error) clone.kill('SIGKILL');
      });
    });
  }

  function stop(): Promise<void> {
    stopping ??= (async () => {
      const clones = [...slots];
      for (const clone of clones) {
        if (clone.process.child.connected)
          clone.process.child.send({ type: 'stop' } satisfies DispatcherMessage, () => {});
      }
      const timer = setTimeout(() => {
        for (const clone of clones) clone.kill('SIGKILL');
      }, stopGraceMs);
      try {
        await Promise.all(clones.map((clone) => clone.process.exited));
      } finally {
        clearTimeout(timer);
      }
      for (const clone of clones) {
        endGroup(clone.process.child);
        clone.process.child.stdin?.destroy();
      }
    })();
    return stopping;
  }

  try {
    for (let index = 1; index <= settings.clones; index++) slots.push(spawnClone(index));
    await withTimeout(
      Promise.all(slots.map((clone) => clone.process.ready)),
      startTimeoutMs,
      `monolith clones did not become ready within ${startTimeoutMs} ms`,
    );
  } catch (error) {
    await stop();
    throw error;
  }

  async function runClip(clip: MediaInfo): Promise<ClonedClipRun> {
    if (stopping !== undefined) throw new Error('monolith clones: the runner was disposed');
    const wallStart = performance.now();
    const cpuStart = selfCpuMs();
    let chosen: number[];
    if (settings.partition === 'detectors') {
      chosen = slots.map((clone) => clone.index);
    } else {
      chosen = [leastBusy()];
    }
    // Every request is settled before the clip fails, so no clone is left working for a failed clip.
    const outcomes = await Promise.allSettled(
      chosen.map(async (index) => request(await liveClone(index), clip)),
    );
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    const replies = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<CloneReply>).value);
    return merge(replies, performance.now() - wallStart, selfCpuMs() - cpuStart);
  }

  /** `streams`: the clone with the fewest clips in flight, ties going round-robin. */
  function leastBusy(): number {
    const fewest = Math.min(...slots.map((clone) => clone.pending.size));
    for (let step = 0; step < slots.length; step++) {
      const slot = (nextStreamClone + step) % slots.length;
      if ((slots[slot]?.pending.size ?? 0) === fewest) {
        nextStreamClone = (slot + 1) % slots.length;
        return slot + 1;
      }
    }
    return 1;
  }

  return {
    name: 'monolith',
    settings,
    get clones() {
      return [...slots];
    },
    runClip,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * One clip's run from the clones' runs: findings concatenated and sorted canonically (the sort is stable
 * and equal findings come from one detector, so the order is the single monolith's), counters added up
 * (decode CPU once per clone), the IPC hop counted as serialization, memory as the sum of the clones'
 * peaks (they are resident at the same time), chunk latency as the slowest clone's.
 */
function merge(replies: readonly CloneReply[], wallMs: number, dispatcherCpuMs: number): ClonedClipRun {
  const first = replies[0];
  if (first === undefined) throw new Error('monolith clones: no clone answered');
  const counters: Counters = createCounters();
  let peakRssBytes = 0;
  const latencies: number[] = [];
  for (const reply of replies) {
    mergeCounters(counters, reply.run.counters);
    peakRssBytes += reply.run.counters.compute.peakRssBytes;
    countSerialization(counters, 'clone-results', 'encode', reply.bytes, reply.encodeCpuMs);
    countSerialization(counters, 'clone-results', 'decode', reply.bytes, reply.decodeCpuMs);
    countCpu(counters, 'serialize', reply.encodeCpuMs);
    (reply.run.chunkLatenciesMs ?? []).forEach((latency, index) => {
      latencies[index] = Math.max(latencies[index] ?? 0, latency);
    });
  }
  const findings = replies.flatMap((reply) => reply.run.findings).sort(compareFindings);
  countCpu(counters, 'dispatch', dispatcherCpuMs);
  counters.compute.wallMs = wallMs;
  counters.compute.peakRssBytes = peakRssBytes;
  return {
    findings,
    counters,
    decode: first.run.decode,
    resultsKey: first.run.resultsKey,
    clones: replies.map((reply) => ({
      index: reply.index,
      detectors: reply.detectors,
      resultsKey: reply.run.resultsKey,
      decode: reply.run.decode,
      decodeCpuMs: reply.run.counters.compute.cpuMsByComponent['decode:ffmpeg'] ?? 0,
      cpuMs: Object.values(reply.run.counters.compute.cpuMsByComponent).reduce((sum, ms) => sum + ms, 0),
      peakRssBytes: reply.run.counters.compute.peakRssBytes,
    })),
    chunkLatenciesMs: latencies,
  };
}

function errorFromDocument(error: ErrorDocument, clone: CloneHandle): Error {
  if (error.kind === 'bad-input') return new BadInputError(error.message);
  if (error.kind === 'unavailable') return new ServiceUnavailableError(error.message);
  return new Error(`monolith clone ${clone.index}: ${error.message}`);
}

/** Ends whatever is left of a clone's process group (its ffmpeg, if the clone died mid-decode). */
function endGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already empty.
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
