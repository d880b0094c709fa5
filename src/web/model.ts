// What the web page draws and plots, pure: the lab (from `nslab show`'s report, with positions from the layout)
// and, from two readings of the interface counters, each link's throughput and drops per direction.

import type { ShowReport } from '../report/show.js';
import type { CounterFrame, IfCounters } from '../exec/counters.js';
import { layoutGraph, type Point } from './layout.js';

export interface ViewNode {
  name: string;
  kind: string;
  x: number;
  y: number;
  /** Interfaces with their addresses, for the node's tooltip: `eth0 10.0.1.10/24`. */
  interfaces: string[];
}

export interface ViewLink {
  index: number;
  a: string;
  b: string;
  aIf: string;
  bIf: string;
  /** How the page names the link to the control endpoints (and how `nslab link LAB SPEC` would): `a:ifname`. */
  spec: string;
  state: 'up' | 'down' | 'unknown';
  /** Per direction, `a->b` and `b->a`, the impairment in tc words (`10mbit 20ms 1%`), '' when none. */
  aToB: string;
  bToA: string;
}

export interface ViewModel {
  lab: string;
  nodes: ViewNode[];
  links: ViewLink[];
}

export function viewModel(r: ShowReport, positions?: Map<string, Point>): ViewModel {
  const pos = positions ?? layoutGraph({ nodes: r.nodes.map((n) => n.name), edges: r.links.map((l) => [l.a.split(':')[0], l.b.split(':')[0]]) });
  return {
    lab: r.lab,
    nodes: r.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      ...(pos.get(n.name) ?? { x: 500, y: 500 }),
      interfaces: n.interfaces.map((i) => [i.name, ...i.ipv4, ...i.ipv6].join(' ')),
    })),
    links: r.links.map((l) => {
      const [a, aIf] = l.a.split(':');
      const [b, bIf] = l.b.split(':');
      return { index: l.index, a, b, aIf, bIf, spec: l.a, state: l.state, aToB: l.impairments[`${a}->${b}`] ?? '', bToA: l.impairments[`${b}->${a}`] ?? '' };
    }),
  };
}

/** One direction of a link over the last interval. */
export interface FlowRate {
  bitPerSec: number;
  pktPerSec: number;
  /** Packets dropped per second in this direction: by the sender's root qdisc (netem loss, a full tbf queue) and by the receiving interface. */
  dropPerSec: number;
}

export interface LinkRates {
  index: number;
  state: 'up' | 'down' | 'unknown';
  aToB: FlowRate;
  bToA: FlowRate;
}

type Ends = Pick<ViewLink, 'index' | 'a' | 'b' | 'aIf' | 'bIf'>;

/**
 * Each link's rates between two frames `dtMs` apart. A counter that went backwards (an interface re-created) or an
 * end not read counts as zero, never as a negative rate.
 */
export function linkRates(links: Ends[], netnsOf: (node: string) => string, prev: CounterFrame | undefined, cur: CounterFrame, dtMs: number): LinkRates[] {
  const get = (f: CounterFrame | undefined, node: string, ifname: string): IfCounters | undefined => f?.byNetns.get(netnsOf(node))?.get(ifname);
  const perSec = (now: number | undefined, before: number | undefined) => (now === undefined || before === undefined || now < before || dtMs <= 0 ? 0 : ((now - before) * 1000) / dtMs);
  const flow = (from: [IfCounters | undefined, IfCounters | undefined], to: [IfCounters | undefined, IfCounters | undefined]): FlowRate => ({
    bitPerSec: Math.round(perSec(from[1]?.txBytes, from[0]?.txBytes) * 8),
    pktPerSec: Math.round(perSec(from[1]?.txPackets, from[0]?.txPackets) * 10) / 10,
    dropPerSec: Math.round((perSec(from[1]?.qdiscDrops, from[0]?.qdiscDrops) + perSec(to[1]?.ifDropped, to[0]?.ifDropped)) * 10) / 10,
  });
  return links.map((l) => {
    const a: [IfCounters | undefined, IfCounters | undefined] = [get(prev, l.a, l.aIf), get(cur, l.a, l.aIf)];
    const b: [IfCounters | undefined, IfCounters | undefined] = [get(prev, l.b, l.bIf), get(cur, l.b, l.bIf)];
    const state = !a[1] || !b[1] ? 'down' : a[1].adminUp && a[1].carrier && b[1].adminUp && b[1].carrier ? 'up' : 'down';
    return { index: l.index, state, aToB: flow(a, b), bToA: flow(b, a) };
  });
}
