// CPU time for tests that bound how long a computation may take. Wall time is the wrong clock for that on a shared
// machine: at load 30 a test waits seconds for a CPU, and a 2 s wall-clock limit failed on work that took 80 ms of
// CPU. Timing goals proper belong in the bench (npm run bench); these limits only catch runaway work.
import { readFileSync, readlinkSync } from 'node:fs';

/** CPU time (ms) of one thread (this one by default), from /proc: utime + stime in clock ticks (10 ms each, USER_HZ
 * 100). Where /proc lacks it, the process's CPU time (all threads), which is never less. */
export function threadCpuMs(tid?: number): number {
  try {
    const stat = readFileSync(tid ? `/proc/self/task/${tid}/stat` : '/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  }
}

/** This thread's id (for another thread to read its CPU time), or 0. */
export function ownTid(): number {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return 0;
  }
}

/** Run fn; its CPU time in ms (10 ms resolution) along with its result. */
export function cpuTimed<T>(fn: () => T): { value: T; cpuMs: number } {
  const t0 = threadCpuMs();
  const value = fn();
  return { value, cpuMs: threadCpuMs() - t0 };
}
