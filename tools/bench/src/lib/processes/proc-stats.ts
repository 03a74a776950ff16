import { readdirSync, readFileSync } from 'node:fs';

/** Linux's USER_HZ: /proc reports CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export interface MemoryFigures {
  /** Resident set size now. */
  rssMiB: number;
  /** The highest resident set size since the process started (VmHWM). */
  peakRssMiB: number;
}

export function readMemory(pid: number): MemoryFigures {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, peakRssMiB: kib('VmHWM') / 1024 };
}

/**
 * A process and its children together (a cluster's primary and workers): resident set sizes summed,
 * and each one's peak summed, an upper bound of the family's peak (their peaks need not coincide).
 */
export function familyMemory(pid: number): MemoryFigures {
  const all = processFamily(pid).flatMap((member) => {
    try {
      return [readMemory(member)];
    } catch {
      return []; // gone
    }
  });
  return { rssMiB: all.reduce((sum, m) => sum + m.rssMiB, 0), peakRssMiB: all.reduce((sum, m) => sum + m.peakRssMiB, 0) };
}

/**
 * A process's proportional set size (`Pss` of /proc/<pid>/smaps_rollup): a page it shares with k
 * processes counts 1/k, so the family's sum counts once what its processes share (the node binary's
 * code, some 45 MiB resident in each process of a cluster), which a sum of resident set sizes counts
 * once per process.
 */
function readPssMiB(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? NaN) / 1024;
}

/**
 * Samples a process's and its children's PSS, summed, every `intervalMs` until stopped, and answers
 * the highest sample: the memory the family held at its fullest, to within the sampling interval (a
 * peak shorter than that may be missed, so it bounds the true peak from below, VmHWM sums from above).
 */
export function samplePeakPss(pid: number, intervalMs: number): { stop(): number } {
  let peak = 0;
  return sampleEvery(
    intervalMs,
    () => {
      const pss = processFamily(pid).reduce((sum, member) => {
        try {
          return sum + readPssMiB(member);
        } catch {
          return sum; // gone
        }
      }, 0);
      if (pss > peak) peak = pss;
    },
    () => peak,
  );
}

/** Runs `take` now, every `intervalMs`, and once more when stopped; `stop` then answers `result()`. */
function sampleEvery<T>(intervalMs: number, take: () => void, result: () => T): { stop(): T } {
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return result();
    },
  };
}

/** Fields of /proc/<pid>/stat after the command name, which may itself contain spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

/** User plus system CPU seconds each process has used so far (threads included); gone processes are left out. */
export function cpuSecondsByPid(pids: readonly number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    const fields = statFields(pid);
    // After the name: state(0) ppid(1) ... utime(11) stime(12).
    if (fields) used.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
  }
  return used;
}

/** A process and its direct children (nginx's master and workers). */
export function processFamily(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((candidate) => statFields(candidate)?.[1] === String(pid));
  return [pid, ...children];
}

/**
 * Microseconds that some runnable task waited for a CPU, since boot (Linux PSI, /proc/pressure/cpu);
 * undefined without PSI. Over a phase, its growth says how much other work on the machine competed.
 */
export function cpuStallMicroseconds(): number | undefined {
  try {
    const match = /^some .*total=(\d+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Samples the resident set size of a process and its children every `intervalMs` until stopped: how memory moved, not only its peak. */
export function sampleRss(pid: number, intervalMs: number): { stop(): number[] } {
  const samples: number[] = [];
  return sampleEvery(
    intervalMs,
    () => {
      try {
        samples.push(Math.round(familyMemory(pid).rssMiB));
      } catch {
        // The process is gone: nothing more to sample.
      }
    },
    () => samples,
  );
}
