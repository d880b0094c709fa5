// The link model's prediction for a ping or iperf3 step (pure): the configured delays and rates along the path, to
// set beside what was measured. Reported with the step's health, as figures; never a verdict by itself (verdict.ts
// says why). A path is the fewest-hop one through switches and routers; where two such paths differ in what they
// predict, or the path has jitter or reordering (which move the median), no prediction is made.
import type { Impairment, ResolvedTopology } from '../model/index.js';

export interface ModelComparison {
  metric: 'rtt_p50' | 'throughput';
  /** Ms for rtt_p50, bit/s for throughput. */
  predicted: number;
  measured: number;
  /** (measured − predicted) / predicted × 100. */
  deviationPct: number;
}

interface Hop {
  imp: Impairment;
}

/** Every fewest-hop path from `from` to `to`, as the impairments met on the way (at most 8 paths). */
function paths(t: ResolvedTopology, from: string, to: string): Hop[][] {
  const kind = new Map(t.nodes.map((n) => [n.name, n.kind]));
  const adj = new Map<string, { next: string; imp: Impairment }[]>();
  for (const l of t.links) {
    adj.set(l.a.node, [...(adj.get(l.a.node) ?? []), { next: l.b.node, imp: l.aToB }]);
    adj.set(l.b.node, [...(adj.get(l.b.node) ?? []), { next: l.a.node, imp: l.bToA }]);
  }
  const dist = new Map([[from, 0]]);
  const queue = [from];
  while (queue.length) {
    const n = queue.shift()!;
    if (n !== from && n !== to && kind.get(n) === 'host') continue;
    for (const e of adj.get(n) ?? []) if (!dist.has(e.next)) (dist.set(e.next, dist.get(n)! + 1), queue.push(e.next));
  }
  if (!dist.has(to)) return [];
  const out: Hop[][] = [];
  const walk = (n: string, acc: Hop[]) => {
    if (out.length >= 8) return;
    if (n === to) return void out.push(acc);
    if (n !== from && kind.get(n) === 'host') return;
    for (const e of adj.get(n) ?? []) if (dist.get(e.next) === dist.get(n)! + 1) walk(e.next, [...acc, { imp: e.imp }]);
  };
  walk(from, []);
  return out;
}

const unpredictable = (i: Impairment) => !!i.jitterMs || !!i.reorderPct;
const oneValue = (xs: number[]) => (xs.length && xs.every((x) => Math.abs(x - xs[0]) < 1e-9) ? xs[0] : undefined);

/**
 * Predicted RTT (ms) between two nodes: the one-way delays there and back. No serialisation term: htb sends an
 * isolated packet at once from its burst (1 ms at the rate), so a ping on an idle 10 mbit link measured 0.048 ms
 * where 98 bytes at 10 mbit would add 0.078 ms each way.
 */
export function predictedRttMs(t: ResolvedTopology, from: string, to: string): number | undefined {
  const there = paths(t, from, to);
  const back = paths(t, to, from);
  if (!there.length || !back.length || [...there, ...back].some((p) => p.some((h) => unpredictable(h.imp)))) return undefined;
  const oneWay = (p: Hop[]) => p.reduce((ms, h) => ms + (h.imp.delayMs ?? 0), 0);
  const a = oneValue(there.map(oneWay));
  const b = oneValue(back.map(oneWay));
  return a === undefined || b === undefined ? undefined : a + b;
}

/** Predicted goodput (bit/s) from client to server: the lowest rate on the path × payload per frame; undefined without a rate or with loss. */
export function predictedGoodput(t: ResolvedTopology, from: string, to: string, protocol: 'tcp' | 'udp', bitrate?: number): number | undefined {
  const ps = paths(t, from, to);
  if (!ps.length || ps.some((p) => p.some((h) => h.imp.loss || h.imp.corruptPct))) return undefined;
  const rate = oneValue(ps.map((p) => Math.min(...p.map((h) => h.imp.rateBitPerSec ?? Infinity))));
  if (rate === undefined || rate === Infinity) return undefined;
  // TCP: 1448 payload bytes per 1514-byte frame (timestamps on); UDP: iperf3's 1460-byte datagrams in 1502-byte frames.
  const goodput = protocol === 'tcp' ? (rate * 1448) / 1514 : (rate * 1460) / 1502;
  return bitrate ? Math.min(bitrate, goodput) : goodput;
}

export function compare(metric: ModelComparison['metric'], predicted: number | undefined, measured: unknown): ModelComparison | undefined {
  if (predicted === undefined || typeof measured !== 'number' || !(predicted > 0)) return undefined;
  return { metric, predicted: Math.round(predicted * 1000) / 1000, measured, deviationPct: Math.round(((measured - predicted) / predicted) * 1000) / 10 };
}
