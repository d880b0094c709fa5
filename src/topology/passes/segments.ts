// Pass 3, segments: links through a switch join that switch's L2 segment, switch-switch links merge segments, and
// every other link is a p2p segment of its own. Loops of switches without STP are refused here.

import type { Segment } from '../../model/index.js';
import type { WithNodes, WithSegments } from './draft.js';

/** Union-find over indices, used to merge links into L2 segments. */
export class DisjointSet {
  private readonly parent: number[];
  constructor(n: number) {
    this.parent = Array.from({ length: n }, (_, i) => i);
  }
  find(i: number): number {
    while (this.parent[i] !== i) {
      this.parent[i] = this.parent[this.parent[i]];
      i = this.parent[i];
    }
    return i;
  }
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
    return true;
  }
}

export function segments(d: WithNodes): WithSegments {
  const P = d.problems;
  const { raw, kindOf, nodeNames, links, endRefs } = d;
  const ds = new DisjointSet(d.allLinks.length);
  const switchFirstLink = new Map<string, number>();
  const isSwitch = (n: string) => kindOf.get(n) === 'switch';
  for (const l of links)
    for (const e of l.ends)
      if (isSwitch(e.node)) {
        const first = switchFirstLink.get(e.node);
        if (first === undefined) switchFirstLink.set(e.node, l.index);
        else ds.union(first, l.index);
      }
  // Switch loops: in the graph of switches, a link that joins two already connected switches closes a cycle.
  const swDs = new DisjointSet(nodeNames.length);
  const nodeIndex = new Map(nodeNames.map((n, i) => [n, i]));
  for (const l of links) {
    const [a, b] = l.ends;
    if (!isSwitch(a.node) || !isSwitch(b.node)) continue;
    if (!swDs.union(nodeIndex.get(a.node)!, nodeIndex.get(b.node)!)) {
      const stpOn = raw.nodes[a.node]?.stp === true || raw.nodes[b.node]?.stp === true;
      if (!stpOn) P.add(l.path, 'E_SWITCH_LOOP', `this link closes a loop of switches (${a.node} … ${b.node}) with STP off: broadcasts would circulate forever`, `set stp: true on the switches in the loop, or remove the link`);
    }
  }
  const segOfRoot = new Map<number, number>();
  const segs: Segment[] = [];
  const linkSegment: number[] = [];
  for (const l of links) {
    const root = ds.find(l.index);
    let s = segOfRoot.get(root);
    if (s === undefined) {
      s = segs.length;
      segOfRoot.set(root, s);
      const lan = l.ends.some((e) => isSwitch(e.node));
      segs.push({ index: s, kind: lan ? 'lan' : 'p2p', switches: [], members: [] });
    }
    linkSegment[l.index] = s;
    const seg = segs[s];
    l.ends.forEach((e, j) => {
      if (isSwitch(e.node)) {
        if (!seg.switches.includes(e.node)) seg.switches.push(e.node);
      } else seg.members.push(endRefs[l.index][j]);
    });
  }
  // Routers first so that they get the low addresses (.1), as people expect of a gateway; then attachment order.
  for (const seg of segs) {
    const routers = seg.members.filter((m) => kindOf.get(m.node) === 'router');
    const others = seg.members.filter((m) => kindOf.get(m.node) !== 'router');
    seg.members = [...routers, ...others];
  }
  return { ...d, segments: segs, linkSegment };
}
