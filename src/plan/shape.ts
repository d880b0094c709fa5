// Link impairments → tc operations on the sending side of each direction (netem and htb act on egress only).
//
// Layout per shaped interface:
//   rate only:        root htb 1: (default class 1:1, rate=ceil=R, quantum=MTU+14) — leaf is the default pfifo
//   rate + netem:     root htb 1: → class 1:1 → leaf netem 10: (delay/loss/...; limit sized from the BDP)
//   netem only:       root netem 10:
// Why htb and not tbf for rate: htb paces with high-resolution timers and one class gives an exact average; tbf
// needs burst ≥ rate/HZ and is bursty at millisecond scale above ~1 Mbit/s (tc-tbf(8)), so one code path (htb)
// serves 1 kbit to 10 gbit. Why netem as htb's leaf: netem's own queue then holds the packets being delayed,
// and its limit is sized from the bandwidth-delay product so it never caps throughput (see netemLimitPackets).

import { formatDuration, formatRate, HTB_MAX_BURST_TIME_S, type Impairment, type Operation, type ResolvedTopology } from '../model/index.js';

const ETH_HEADER_BYTES = 14;
const DEFAULT_MTU = 1500;
/** Without a rate we assume a fast veth (~10 Gbit/s) when sizing netem's queue for delay. */
const UNSHAPED_RATE_BIT_PER_SEC = 10e9;
/** netem's own default; enough when nothing is held back by delay. */
const NETEM_DEFAULT_LIMIT = 1000;
const NETEM_MAX_LIMIT = 10_000_000;

/**
 * htb's quantum defaults to rate/r2q (r2q=10): at 100 Mbit/s that is 1.25 MB, far above the 200000-byte bound at
 * which the kernel warns "quantum of class is big". One full frame per round is right for a single class.
 */
export function htbQuantumBytes(mtu = DEFAULT_MTU): number {
  return mtu + ETH_HEADER_BYTES;
}

/**
 * htb burst and cburst: one millisecond of traffic at the rate, and at least two frames. tc's default comes from
 * the timer resolution it reads (/proc/net/psched: 1 GHz with high-resolution timers), i.e. rate/1e9 + MTU, about
 * one frame at any rate; at 1gbit that is 12 µs of tokens, shorter than the gaps between softirq runs, so the class
 * underruns. Measured here: 900-913 Mbit/s TCP goodput at 1gbit with tc's default, 952-956 Mbit/s with 125000 bytes
 * (the 1448/1514 payload ceiling is 956.4). 1 ms keeps bursts on the scale the tbf/htb man pages call accurate.
 */
export function htbBurstBytes(rateBitPerSec: number, mtu = DEFAULT_MTU, burstMs = 1): number {
  const burst = Math.max(2 * (mtu + ETH_HEADER_BYTES), Math.ceil((rateBitPerSec / 8 / 1000) * burstMs));
  // Below ~89 bit/s two frames take longer than htb's 32-bit burst time holds (HTB_MAX_BURST_TIME_S, 274.9 s):
  // send at most what fits (tc's rate is whole bytes/s), less a byte so rounding cannot reach the limit.
  return Math.min(burst, Math.max(1, Math.floor(Math.floor(rateBitPerSec / 8) * HTB_MAX_BURST_TIME_S) - 1));
}

/**
 * netem holds every packet for its delay, so its queue must fit the packets in flight: rate × delay / frame size
 * (the bandwidth-delay product), plus the same again for a queue behind the shaper (CORE's 2·BDP rule).
 * The 1000-packet default caps throughput at 1000 × 1514 B × 8 / 100 ms ≈ 121 Mbit/s at 100 ms delay.
 * Example: 100 mbit, 100 ms, MTU 1500 → 2 × 1e8 × 0.1 / (8 × 1514) = 1652 packets.
 */
export function netemLimitPackets(i: Impairment, mtu = DEFAULT_MTU): number {
  if (i.limitPackets !== undefined) return i.limitPackets;
  const delayMs = (i.delayMs ?? 0) + (i.jitterMs ?? 0);
  if (delayMs === 0) return NETEM_DEFAULT_LIMIT;
  const rate = i.rateBitPerSec ?? UNSHAPED_RATE_BIT_PER_SEC;
  const bdp = Math.ceil((2 * rate * (delayMs / 1000)) / (8 * (mtu + ETH_HEADER_BYTES)));
  return Math.min(NETEM_MAX_LIMIT, Math.max(NETEM_DEFAULT_LIMIT, bdp));
}

const pct = (v: number) => `${v}%`;

/** The netem argument list, in tc-netem(8) order. Empty when nothing needs netem. */
export function netemArgs(i: Impairment, mtu?: number): string[] {
  const a: string[] = [];
  if (i.delayMs !== undefined) {
    a.push('delay', formatDuration(i.delayMs));
    if (i.jitterMs !== undefined) {
      a.push(formatDuration(i.jitterMs));
      if (i.delayCorrelationPct !== undefined) a.push(pct(i.delayCorrelationPct));
      if (i.distribution !== undefined) a.push('distribution', i.distribution);
    }
  }
  if (i.loss) {
    if (i.loss.model === 'random') {
      a.push('loss', 'random', pct(i.loss.pct));
      if (i.loss.correlationPct !== undefined) a.push(pct(i.loss.correlationPct));
    } else {
      a.push('loss', 'gemodel', pct(i.loss.pPct), pct(i.loss.rPct), pct(i.loss.oneMinusHPct), pct(i.loss.oneMinusKPct));
    }
  }
  if (i.duplicatePct !== undefined) {
    a.push('duplicate', pct(i.duplicatePct));
    if (i.duplicateCorrelationPct !== undefined) a.push(pct(i.duplicateCorrelationPct));
  }
  if (i.reorderPct !== undefined) {
    a.push('reorder', pct(i.reorderPct));
    if (i.reorderCorrelationPct !== undefined) a.push(pct(i.reorderCorrelationPct));
    if (i.reorderGap !== undefined) a.push('gap', String(i.reorderGap));
  }
  if (i.corruptPct !== undefined) {
    a.push('corrupt', pct(i.corruptPct));
    if (i.corruptCorrelationPct !== undefined) a.push(pct(i.corruptCorrelationPct));
  }
  if (a.length === 0) return a;
  return ['limit', String(netemLimitPackets(i, mtu)), ...a];
}

/** `10mbit 20ms±5ms 1% loss`: the short label used in summaries and drawings. */
export function impairmentSummary(i: Impairment): string {
  const parts: string[] = [];
  if (i.rateBitPerSec !== undefined) parts.push(formatRate(i.rateBitPerSec));
  if (i.delayMs !== undefined) parts.push(formatDuration(i.delayMs) + (i.jitterMs !== undefined ? `±${formatDuration(i.jitterMs)}` : ''));
  if (i.loss) parts.push(i.loss.model === 'random' ? `${i.loss.pct}% loss` : `GE loss p=${i.loss.pPct}%`);
  if (i.duplicatePct !== undefined) parts.push(`${i.duplicatePct}% dup`);
  if (i.reorderPct !== undefined) parts.push(`${i.reorderPct}% reorder`);
  if (i.corruptPct !== undefined) parts.push(`${i.corruptPct}% corrupt`);
  if (i.limitPackets !== undefined) parts.push(`limit ${i.limitPackets}`);
  return parts.join(' ');
}

export interface ShapeTarget {
  netns: string;
  ifname: string;
  mtu?: number;
  subject: string;
  /** htb burst as time at the rate (ResolvedTopology.shapingBurstMs); default 1 ms. */
  burstMs?: number;
}

/**
 * Operations that make `target` send with impairment `next`, given what it has now (`current`, from the journal
 * for a runtime change; empty for a new lab). Only the root qdisc is replaced or deleted: everything below it
 * goes with it.
 */
export function directionOps(target: ShapeTarget, next: Impairment, current: Impairment = {}): Operation[] {
  const { netns, ifname, subject } = target;
  const op = (kind: Operation['kind'], args: string[], undo: Operation | 'netns' | null): Operation => ({ kind, tool: 'tc', netns, args, subject, undo });
  const delRoot = op('qdisc.del', ['qdisc', 'del', 'dev', ifname, 'root'], null);
  const hadRoot = Object.keys(current).length > 0;
  const wants = Object.keys(next).length > 0;
  const ops: Operation[] = [];
  // Structure changes (htb ↔ netem root) cannot be done by `replace`, so start from a clean root.
  const rootKind = (i: Impairment) => (i.rateBitPerSec !== undefined ? 'htb' : netemArgs(i).length ? 'netem' : 'none');
  if (hadRoot && (!wants || rootKind(current) !== rootKind(next))) ops.push(delRoot);
  if (!wants) return ops;
  const undoNew: Operation | 'netns' = hadRoot ? delRoot : 'netns';
  const netem = netemArgs(next, target.mtu);
  if (next.rateBitPerSec !== undefined) {
    const rate = formatRate(next.rateBitPerSec);
    // An htb root that is already there stays: htb does not support `change` of its root parameters, and the
    // class replace below is what carries the new rate.
    if (rootKind(current) !== 'htb') ops.push(op('qdisc.replace', ['qdisc', 'replace', 'dev', ifname, 'root', 'handle', '1:', 'htb', 'default', '1'], undoNew));
    const burst = String(htbBurstBytes(next.rateBitPerSec, target.mtu, target.burstMs));
    ops.push(op('qdisc.replace', ['class', 'replace', 'dev', ifname, 'parent', '1:', 'classid', '1:1', 'htb', 'rate', rate, 'ceil', rate, 'quantum', String(htbQuantumBytes(target.mtu)), 'burst', burst, 'cburst', burst], 'netns'));
    if (netem.length) ops.push(op('qdisc.replace', ['qdisc', 'replace', 'dev', ifname, 'parent', '1:1', 'handle', '10:', 'netem', ...netem], 'netns'));
    else if (current.rateBitPerSec !== undefined && netemArgs(current).length)
      ops.push(op('qdisc.del', ['qdisc', 'del', 'dev', ifname, 'parent', '1:1', 'handle', '10:'], null));
  } else {
    ops.push(op('qdisc.replace', ['qdisc', 'replace', 'dev', ifname, 'root', 'handle', '10:', 'netem', ...netem], undoNew));
  }
  return ops;
}

/**
 * GSO/TSO build up to 64 KB super-packets. netem sees one as one packet: one "lost", duplicated, corrupted or
 * reordered packet would be ~45 MTU segments at once, and jitter would move them together — so per-packet
 * impairments get MTU-sized packets (gso_max_segs 1). htb charges a GSO packet for every segment's headers, so its
 * average rate is right, but a super-packet leaves in one burst: 64 KB is 0.5 s at 1mbit, 52 ms at 10mbit. So rate
 * limits get bursts of at most 1 ms at the rate, as htb's own burst (floor(rate·1 ms / frame), at least 1 segment):
 * 1 at 1-10mbit, 8 at 100mbit, none below the kernel's default at 1gbit, where per-packet processing would cost the
 * CPU that fast links need (measured under load: 1gbit reached 260 Mbit/s with gso_max_segs 1, and 100mbit under
 * user-mode Linux 65 Mbit/s; a 1mbit link with full GSO gave 0.90 Mbit/s goodput instead of 0.93-0.95).
 * Set with ip, no ethtool process. veth has GRO off by default, so receivers see packets as sent.
 */
export function needsPerPacketFidelity(i: Impairment): boolean {
  return i.loss !== undefined || i.duplicatePct !== undefined || i.reorderPct !== undefined || i.corruptPct !== undefined || i.jitterMs !== undefined;
}

/** The kernel's default gso_max_segs (GSO_MAX_SEGS): no limit of ours. */
export const GSO_DEFAULT_SEGS = 65535;

/** Segments per GSO packet for a direction: 1 for per-packet impairments, ~1 ms at the rate, else the default. */
export function gsoSegsFor(i: Impairment, mtu = DEFAULT_MTU): number {
  if (needsPerPacketFidelity(i)) return 1;
  if (i.rateBitPerSec === undefined) return GSO_DEFAULT_SEGS;
  const segs = Math.max(1, Math.floor(i.rateBitPerSec / 8 / 1000 / (mtu + ETH_HEADER_BYTES)));
  // Above ~45 segments (64 KB) the limit no longer binds: leave the default.
  return segs >= 45 ? GSO_DEFAULT_SEGS : segs;
}

export function offloadOps(target: ShapeTarget, segs = 1): Operation[] {
  return [{ kind: 'link.set', tool: 'ip', netns: target.netns, args: ['link', 'set', 'dev', target.ifname, 'gso_max_segs', String(segs)], subject: target.subject, undo: 'netns' }];
}

/** Shaping for a whole new lab: every impaired direction of every link. */
export function shapingOps(t: ResolvedTopology): Operation[] {
  const netnsOf = new Map(t.nodes.map((n) => [n.name, n.netns]));
  const ops: Operation[] = [];
  for (const l of t.links) {
    const impaired = Object.keys(l.aToB).length > 0 || Object.keys(l.bToA).length > 0;
    if (!impaired) continue;
    // Both ends get the smaller limit of the two directions: TCP's ACKs and data share each end's interface.
    const segs = Math.min(gsoSegsFor(l.aToB, l.mtu), gsoSegsFor(l.bToA, l.mtu));
    const subject = `link ${l.a.node}:${l.a.ifname} <-> ${l.b.node}:${l.b.ifname}`;
    for (const [end, imp] of [[l.a, l.aToB], [l.b, l.bToA]] as const) {
      const target = { netns: netnsOf.get(end.node)!, ifname: end.ifname, mtu: l.mtu, subject: `${subject} (from ${end.node})`, burstMs: t.shapingBurstMs };
      ops.push(...(segs !== GSO_DEFAULT_SEGS ? offloadOps(target, segs) : []), ...directionOps(target, imp));
    }
  }
  return ops;
}
