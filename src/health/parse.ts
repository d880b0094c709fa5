// The sampler's lines as data (pure). See sampler.ts for the line format.

export interface CpuTicks {
  user: number;
  nice: number;
  system: number;
  idle: number;
  iowait: number;
  irq: number;
  softirq: number;
  steal: number;
}

export interface QdiscCounters {
  netns: string;
  ifname: string;
  kind: string;
  handle: string;
  parent: string;
  bytes: number;
  packets: number;
  drops: number;
  overlimits: number;
  qlen: number;
  backlog: number;
  /** When these counters were read (sampler clock, ms): rates come from these, not from the round's start. */
  atMs?: number;
}

export interface SampleRound {
  /** The sampler's CLOCK_MONOTONIC, in ms. */
  atMs: number;
  /** What asked for the round: a step boundary's tag, or '-' for a periodic one. */
  tag: string;
  /** 'cpu' (the sum) and 'cpu0', 'cpu1', … */
  cpus: Record<string, CpuTicks>;
  procsRunning?: number;
  /** /proc/pressure/cpu `some` total, µs; absent without PSI. */
  psiSomeUs?: number;
  /** Timer-probe lateness since the previous round, µs. */
  timerLateUs: number[];
  qdiscs: QdiscCounters[];
}

export interface SamplerData {
  helloMs?: number;
  rounds: SampleRound[];
  warnings: string[];
  /** Why nothing (or not everything) was measured. */
  failure?: string;
}

const CPU_FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const;

export function parseSamplerOutput(text: string): SamplerData {
  const out: SamplerData = { rounds: [], warnings: [] };
  let cur: SampleRound | undefined;
  for (const line of text.split('\n')) {
    const [k, ...f] = line.split(' ');
    if (k === 'H') out.helloMs = Number(BigInt(f[0]) / 1000n) / 1000;
    else if (k === 'W') out.warnings.push(f.join(' '));
    else if (k === 'R') cur = { atMs: Number(BigInt(f[0]) / 1000n) / 1000, tag: f[1] ?? '-', cpus: {}, timerLateUs: [], qdiscs: [] };
    else if (!cur) continue;
    else if (k === 'C') cur.cpus[f[0]] = Object.fromEntries(CPU_FIELDS.map((n, i) => [n, Number(f[i + 1] ?? 0)])) as unknown as CpuTicks;
    else if (k === 'N') cur.procsRunning = Number(f[0]);
    else if (k === 'P') cur.psiSomeUs = Number(f[0]);
    else if (k === 'L') cur.timerLateUs = f[0] ? f[0].split(',').filter(Boolean).map(Number) : [];
    else if (k === 'Q') {
      const n = f.slice(5, 11).map(Number);
      cur.qdiscs.push({ netns: f[0], ifname: f[1], kind: f[2], handle: f[3], parent: f[4], bytes: n[0], packets: n[1], drops: n[2], overlimits: n[3], qlen: n[4], backlog: n[5], ...(f[11] ? { atMs: Number(BigInt(f[11]) / 1000n) / 1000 } : {}) });
    } else if (k === 'E') {
      out.rounds.push(cur);
      cur = undefined;
    }
  }
  return out;
}
