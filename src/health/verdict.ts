// The health verdict (pure): from the sampler's rounds over a step's window, is the emulation faithful, or at risk,
// and why. A verdict speaks about the machine, not about the lab's design: it comes only from evidence that the
// kernel could not keep its timing (late timers, tasks waiting for a CPU, stolen time, a saturated softirq), never
// from the step's own result. Were a measured RTT that misses its expectation enough to call a run "at risk", every
// failure, nslab's own bugs included, would excuse itself.
//
// Thresholds, and why:
// - TIMER_LATE_P95_MS = 1 ms. A task woken by an hrtimer (the probe) stands for ksoftirqd, which runs netem's and
//   htb's dequeues once softirqs are pushed out of interrupt context under load, and for ping and iperf3, which
//   stamp and pace packets in user space: their wake-up lateness adds straight to measured delays and gaps. The
//   tightest figures the suite and the shipped scenarios check are ±1.5 ms (RTT 60 ms) and ±2 ms (80 ms); at 1 ms
//   p95 one probe in twenty is already late by two thirds of that. Measured here (2 cores, never quiet while this
//   was written): p50 0.12 ms at every load; p95 1.3 ms at load 5.6, 3.3-40 ms at load 13-22. At least
//   MIN_TIMER_PROBES probes, or it says nothing.
// - CPU_PRESSURE_PCT = 30 %. PSI's `some` line: the share of time at least one runnable task waited for a CPU. A
//   third of the time means the scenario's processes (and ksoftirqd) often ran late. Measured here: 10 % at load 0.9;
//   98-100 % at load 13-22, where every step was at risk (the host kernel's htb still kept 9.93-10.0 Mbit/s at
//   10 mbit, but ping stamps in user space: a 60 ms RTT under UML read 62.5 ms).
// - RUN_QUEUE_PER_CORE = 1.5, used only where the kernel has no PSI (user-mode Linux): more than 1.5 runnable tasks
//   per core on average (the sampler itself not counted) is a queue that PSI would report as pressure.
// - STEAL_PCT = 10 %: a hypervisor (or the host of a user-mode kernel) took a tenth of the CPU time; timers fire
//   while the CPU is away, and the work they start runs when it returns.
// - SOFTIRQ_CORE_PCT = 90 %: one core spent nearly all its time in softirq, so packet processing itself (where qdiscs
//   dequeue) is CPU-bound: shaping and delays there lag the model.
// Queue counters (shaper deficit, netem overflow) and CPU busy are reported with the verdict and in its reason, but
// do not make a verdict by themselves: a shaper that sends less than its rate while backlogged is also what a wrong
// configuration looks like, and that must stay a failure.

import type { CpuTicks, QdiscCounters, SampleRound } from './parse.js';
import type { ModelComparison } from './model.js';

export const TIMER_LATE_P95_MS = 1;
export const MIN_TIMER_PROBES = 10;
export const CPU_PRESSURE_PCT = 30;
export const RUN_QUEUE_PER_CORE = 1.5;
export const STEAL_PCT = 10;
export const SOFTIRQ_CORE_PCT = 90;
/** A step shorter than this is judged over the last MIN_WINDOW_MS before its end: one round says too little. */
export const MIN_WINDOW_MS = 1_000;
/** A backlogged shaper that sends under this share of its rate is behind. */
export const SHAPER_DEFICIT_RATIO = 0.9;

export type HealthVerdict = 'faithful' | 'at risk' | 'unmeasured';

export interface QueueHealth {
  /** `node:ifname` (or `netns:ifname`) and the qdisc kind. */
  iface: string;
  kind: string;
  /** Over the window. */
  drops: number;
  overlimits: number;
  maxBacklogBytes: number;
  sentBitPerSec: number;
  /** Set for a rate-limited interface: the configured rate, and what it sent while backlogged beyond its delay line. */
  rateBitPerSec?: number;
  backloggedSentBitPerSec?: number;
  /** Observations against the configuration ("sent 7.1 Mbit/s with a standing queue where 10 mbit is configured"). */
  notes: string[];
}

export interface HealthFigures {
  windowMs: number;
  cores: number;
  cpuBusyPct?: number;
  stealPct?: number;
  softirqMaxPct?: number;
  /** Mean runnable tasks, the sampler not counted. */
  runQueue?: number;
  cpuPressurePct?: number;
  timerProbes: number;
  timerLateP50Ms?: number;
  timerLateP95Ms?: number;
  timerLateMaxMs?: number;
}

export interface StepHealth {
  verdict: HealthVerdict;
  /** Why at risk (or why unmeasured); empty when faithful. */
  reasons: string[];
  figures: HealthFigures;
  queues: QueueHealth[];
  /** The step's measured figures beside the link model's prediction (ping RTT, iperf3 goodput), where one exists. */
  model?: ModelComparison[];
}

/** What the verdict knows of a shaped interface's configuration. */
export interface ShapedInterface {
  netns: string;
  ifname: string;
  /** For people: `h1:eth0`. */
  label: string;
  rateBitPerSec?: number;
  /** delay + jitter, ms: what netem holds legitimately in its delay line. */
  delayLineMs: number;
  /** netem may drop on purpose (loss configured). */
  dropsOnPurpose: boolean;
}

const busy = (t: CpuTicks) => t.user + t.nice + t.system + t.irq + t.softirq + t.steal;
const total = (t: CpuTicks) => busy(t) + t.idle + t.iowait;
const diff = (a: CpuTicks, b: CpuTicks): CpuTicks => Object.fromEntries(Object.keys(a).map((k) => [k, b[k as keyof CpuTicks] - a[k as keyof CpuTicks]])) as unknown as CpuTicks;
const pct = (x: number, of: number) => (of > 0 ? (100 * x) / of : 0);
const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** The rounds that bound [startMs, endMs] (sampler clock): the last one at or before the start, through the first at or after the end. */
export function windowRounds(rounds: SampleRound[], startMs: number, endMs: number): SampleRound[] {
  if (endMs - startMs < MIN_WINDOW_MS) startMs = endMs - MIN_WINDOW_MS;
  let first = 0;
  for (let i = 0; i < rounds.length; i++) if (rounds[i].atMs <= startMs + 0.5) first = i;
  let last = rounds.length - 1;
  for (let i = rounds.length - 1; i >= 0; i--) if (rounds[i].atMs >= endMs - 0.5) last = i;
  return rounds.slice(first, Math.max(first, last) + 1);
}

const mbit = (bps: number) => `${round2(bps / 1e6)} Mbit/s`;
const ms = (x: number) => `${x >= 10 ? round1(x) : round2(x)} ms`;

function queueHealth(rounds: SampleRound[], shaped: ShapedInterface[]): QueueHealth[] {
  const out: QueueHealth[] = [];
  const key = (q: QdiscCounters) => `${q.netns}\t${q.ifname}\t${q.handle}`;
  const a = rounds[0];
  const b = rounds[rounds.length - 1];
  const dtS = (b.atMs - a.atMs) / 1000;
  if (dtS <= 0) return out;
  for (const q1 of b.qdiscs) {
    // The root qdisc of each interface holds the totals (htb's or netem's); a leaf is reported through its root.
    if (q1.parent !== 'root') continue;
    const q0 = a.qdiscs.find((q) => key(q) === key(q1));
    if (!q0) continue;
    const conf = shaped.find((s) => s.netns === q1.netns && s.ifname === q1.ifname);
    const series = rounds.map((r) => r.qdiscs.find((q) => key(q) === key(q1)));
    const maxBacklog = Math.max(...series.map((q) => q?.backlog ?? 0));
    const drops = q1.drops - q0.drops;
    const leafDrops = drops + b.qdiscs.filter((q) => q.netns === q1.netns && q.ifname === q1.ifname && q.parent !== 'root').reduce((n, q) => n + q.drops - (a.qdiscs.find((x) => key(x) === key(q))?.drops ?? q.drops), 0);
    const qdtS = q1.atMs !== undefined && q0.atMs !== undefined ? (q1.atMs - q0.atMs) / 1000 : dtS;
    const h: QueueHealth = { iface: conf?.label ?? `${q1.netns}:${q1.ifname}`, kind: q1.kind, drops: leafDrops, overlimits: q1.overlimits - q0.overlimits, maxBacklogBytes: maxBacklog, sentBitPerSec: ((q1.bytes - q0.bytes) * 8) / qdtS, notes: [] };
    if (conf?.rateBitPerSec) {
      h.rateBitPerSec = conf.rateBitPerSec;
      // Backlogged: at least a frame queued beyond what the delay line holds at the rate, at both ends of an
      // interval (TCP keeps only ~2 frames in the qdisc: TCP small queues).
      const line = (conf.rateBitPerSec / 8) * (conf.delayLineMs / 1000) + 1514;
      let bytes = 0;
      let sec = 0;
      for (let i = 1; i < rounds.length; i++) {
        const p = series[i - 1];
        const c = series[i];
        if (!p || !c || p.backlog < line || c.backlog < line) continue;
        bytes += c.bytes - p.bytes;
        sec += ((c.atMs ?? rounds[i].atMs) - (p.atMs ?? rounds[i - 1].atMs)) / 1000;
      }
      if (sec >= 0.2) {
        h.backloggedSentBitPerSec = (bytes * 8) / sec;
        if (h.backloggedSentBitPerSec < SHAPER_DEFICIT_RATIO * conf.rateBitPerSec)
          h.notes.push(`${h.iface} sent ${mbit(h.backloggedSentBitPerSec)} with a standing queue where ${mbit(conf.rateBitPerSec)} is configured`);
      }
    }
    if (conf && !conf.rateBitPerSec && !conf.dropsOnPurpose && h.kind === 'netem' && h.drops > 0)
      h.notes.push(`${h.iface} netem dropped ${h.drops} packets with no loss configured (its queue overflowed)`);
    out.push(h);
  }
  return out;
}

/** The verdict over a window of rounds (from windowRounds). */
export function judge(rounds: SampleRound[], shaped: ShapedInterface[] = []): StepHealth {
  const none = (why: string): StepHealth => ({ verdict: 'unmeasured', reasons: [why], figures: { windowMs: 0, cores: 0, timerProbes: 0 }, queues: [] });
  if (rounds.length < 2) return none('fewer than two samples in the window');
  const a = rounds[0];
  const b = rounds[rounds.length - 1];
  const f: HealthFigures = { windowMs: round1(b.atMs - a.atMs), cores: Object.keys(b.cpus).filter((c) => c !== 'cpu').length || 1, timerProbes: 0 };
  if (a.cpus.cpu && b.cpus.cpu) {
    const d = diff(a.cpus.cpu, b.cpus.cpu);
    f.cpuBusyPct = round1(pct(busy(d), total(d)));
    f.stealPct = round1(pct(d.steal, total(d)));
    const per = Object.keys(b.cpus)
      .filter((c) => c !== 'cpu' && a.cpus[c])
      .map((c) => {
        const x = diff(a.cpus[c], b.cpus[c]);
        return pct(x.softirq, total(x));
      });
    if (per.length) f.softirqMaxPct = round1(Math.max(...per));
  }
  const rq = rounds.slice(1).flatMap((r) => (r.procsRunning === undefined ? [] : [Math.max(0, r.procsRunning - 1)]));
  if (rq.length) f.runQueue = round1(rq.reduce((s, x) => s + x, 0) / rq.length);
  if (a.psiSomeUs !== undefined && b.psiSomeUs !== undefined && b.atMs > a.atMs) f.cpuPressurePct = round1(Math.min(100, pct((b.psiSomeUs - a.psiSomeUs) / 1000, b.atMs - a.atMs)));
  const late = rounds
    .slice(1)
    .flatMap((r) => r.timerLateUs)
    .map((us) => Math.max(0, us) / 1000)
    .sort((x, y) => x - y);
  f.timerProbes = late.length;
  if (late.length) {
    f.timerLateP50Ms = round2(percentile(late, 50));
    f.timerLateP95Ms = round2(percentile(late, 95));
    f.timerLateMaxMs = round2(late[late.length - 1]);
  }
  const queues = queueHealth(rounds, shaped);

  const busyText = f.cpuBusyPct !== undefined ? `${f.cores} core${f.cores === 1 ? ' was' : 's were'} ${Math.round(f.cpuBusyPct)}% busy` : '';
  const reasons: string[] = [];
  if (late.length >= MIN_TIMER_PROBES && f.timerLateP95Ms! > TIMER_LATE_P95_MS)
    reasons.push(`timer late by ${ms(f.timerLateP95Ms!)} p95 (max ${ms(f.timerLateMaxMs!)}, ${late.length} probes)${busyText ? ` while ${busyText}` : ''}`);
  if (f.cpuPressurePct !== undefined && f.cpuPressurePct >= CPU_PRESSURE_PCT)
    reasons.push(`runnable tasks waited for a CPU ${Math.round(f.cpuPressurePct)}% of the time (CPU pressure)${f.runQueue !== undefined ? `, run queue ${f.runQueue}` : ''}${busyText ? `, ${busyText}` : ''}`);
  if (f.cpuPressurePct === undefined && f.runQueue !== undefined && f.runQueue > RUN_QUEUE_PER_CORE * f.cores)
    reasons.push(`run queue ${f.runQueue} on ${f.cores} core${f.cores === 1 ? '' : 's'}${busyText ? ` (${busyText})` : ''}`);
  if (f.stealPct !== undefined && f.stealPct >= STEAL_PCT) reasons.push(`${Math.round(f.stealPct)}% of CPU time stolen by the hypervisor`);
  if (f.softirqMaxPct !== undefined && f.softirqMaxPct >= SOFTIRQ_CORE_PCT) reasons.push(`a core spent ${Math.round(f.softirqMaxPct)}% of its time in softirq (packet processing is CPU-bound)`);
  if (reasons.length) {
    // Queue observations explain what the load did to the links; alone they prove nothing (see the top).
    for (const q of queues) reasons.push(...q.notes);
    return { verdict: 'at risk', reasons, figures: f, queues };
  }
  if (late.length < MIN_TIMER_PROBES && f.cpuPressurePct === undefined && f.runQueue === undefined)
    return { verdict: 'unmeasured', reasons: [`only ${late.length} timer probes and no CPU pressure or run queue`], figures: f, queues };
  return { verdict: 'faithful', reasons: [], figures: f, queues };
}
