import { readFileSync } from 'node:fs';

/**
 * CPU time and memory of this process and of the children it has reaped, for the `compute` counters.
 * Children (ffmpeg) are separate processes, so `process.cpuUsage()` does not see them; Linux accumulates
 * the CPU time of waited-for children in /proc/self/stat (fields cutime and cstime).
 */

/** Clock ticks per second used by /proc (USER_HZ); 100 on every Linux ABI Node supports. */
const USER_HZ = 100;

/** CPU time (user + system) of this process so far, ms. */
export function selfCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * CPU time (user + system) of all reaped children so far, ms, at 10 ms resolution; 0 where /proc is not
 * available (the value is then reported as unmeasured rather than guessed).
 */
export function reapedChildrenCpuMs(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17 (1-based).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(fields[13]);
    const cstime = Number(fields[14]);
    return Number.isFinite(cutime + cstime) ? ((cutime + cstime) * 1000) / USER_HZ : 0;
  } catch {
    return 0;
  }
}

/** VmHWM of /proc/<pid>/status in bytes; undefined when the process is gone or there is no /proc. */
function vmHwmBytes(pid: number | 'self'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * Peak resident set size of this process so far, bytes: VmHWM from /proc/self/status. Not
 * `process.resourceUsage().maxRSS`: Linux carries the parent's peak into a child's ru_maxrss across
 * fork and exec, so a process started by a big parent would report the parent's peak (seen: 980 MB for
 * the monolith started by the perf script holding 860 MB of frames, 240 MB started from a shell).
 */
export function peakRssBytes(): number {
  // Not Linux: the portable figure.
  return vmHwmBytes('self') ?? process.resourceUsage().maxRSS * 1024;
}

/** Samples the memory of running child processes (see {@link sampleChildrenPeakRss}). */
export interface ChildrenRssSampler extends Disposable {
  /** Largest sum seen so far of the children's peak resident sets, bytes (0 before any child ran). */
  readonly maxBytes: number;
  /** Takes one sample now (also taken every interval). */
  sample(): void;
}

/**
 * Every `intervalMs` (default 50), sums the peak resident set (VmHWM) of each process `pids()` names and
 * keeps the largest sum: how much memory the children (ffmpeg decoders) held at once. A child's peak
 * stands in for its current size, so the figure is an upper bound; decoders reach their size in their
 * first frames and keep it. Dispose to stop sampling. Linux only: 0 elsewhere.
 */
export function sampleChildrenPeakRss(pids: () => readonly number[], intervalMs = 50): ChildrenRssSampler {
  let maxBytes = 0;
  const sample = (): void => {
    let sum = 0;
    for (const pid of pids()) sum += vmHwmBytes(pid) ?? 0;
    maxBytes = Math.max(maxBytes, sum);
  };
  const timer = setInterval(sample, intervalMs);
  timer.unref();
  return {
    get maxBytes() {
      return maxBytes;
    },
    sample,
    [Symbol.dispose]: () => clearInterval(timer),
  };
}
