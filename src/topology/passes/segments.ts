// Pass 3, segments (VLAN-aware): links through a switch join that switch's L2 segment, switch-switch links merge
// segments, and every other link is a p2p segment of its own. With VLANs (features/vlan) a segment is one VLAN of a
// set of switches: the unit merged is (switch, VLAN), joined by the links that carry that VLAN. Parallel links in a
// bond (features/lag) count as one link whose ends are the bonds. Loops of switches without STP are refused here.

import type { EndpointRef, Segment } from '../../model/index.js';
import { bondOn, lagGroups } from '../../features/lag/index.js';
import { linkVlans, portVids, subinterfaceName, type PortVlans } from '../../features/vlan/index.js';
import { endKey, type NormalLink, type WithNodes, type WithSegments } from './draft.js';

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

/** A link as L2 sees it: a plain link, or the bond that stands for its member links. */
interface L2Link {
  link: NormalLink;
  ends: [EndpointRef, EndpointRef];
  vlans?: PortVlans;
}

export function segments(d: WithNodes): WithSegments {
  const P = d.problems;
  const { raw, kindOf, nodeNames, links, endRefs } = d;
  const isSwitch = (n: string) => kindOf.get(n) === 'switch';
  const namesOf = new Map<string, Set<string>>();
  for (const l of links) for (const e of endRefs[l.index]) (namesOf.get(e.node) ?? namesOf.set(e.node, new Set()).get(e.node)!).add(e.ifname);
  const lagOf = lagGroups(raw, links, (n) => namesOf.get(n) ?? new Set(), P);
  const portVlans = new Map<number, PortVlans>();
  const l2: L2Link[] = [];
  for (const l of links) {
    const v = linkVlans(raw.links?.[l.index], l.path, l.ends.map((e) => ({ node: e.node, isSwitch: isSwitch(e.node) })), P);
    if (v) portVlans.set(l.index, v);
    const g = lagOf.get(l.index);
    if (!g) l2.push({ link: l, ends: endRefs[l.index], ...(v ? { vlans: v } : {}) });
    else if (g.links[0] === l.index) l2.push({ link: l, ends: [bondOn(g, l.ends[0].node), bondOn(g, l.ends[1].node)], ...(v ? { vlans: v } : {}) });
  }
  for (const [li, g] of lagOf) if (portVlans.has(g.links[0])) portVlans.set(li, portVlans.get(g.links[0])!);
  const vlanAware = new Set<string>();
  for (const x of l2) if (x.vlans) for (const e of x.ends) if (isSwitch(e.node)) vlanAware.add(e.node);

  // Switch loops: in the graph of switches, a link that joins two already connected switches closes a cycle.
  const swDs = new DisjointSet(nodeNames.length);
  const nodeIndex = new Map(nodeNames.map((n, i) => [n, i]));
  for (const { link: l, ends: [a, b] } of l2) {
    if (!isSwitch(a.node) || !isSwitch(b.node)) continue;
    if (!swDs.union(nodeIndex.get(a.node)!, nodeIndex.get(b.node)!)) {
      const stpOn = raw.nodes[a.node]?.stp === true || raw.nodes[b.node]?.stp === true;
      if (!stpOn) P.add(l.path, 'E_SWITCH_LOOP', `this link closes a loop of switches (${a.node} … ${b.node}) with STP off: broadcasts would circulate forever`, `set stp: true on the switches in the loop, or remove the link`);
    }
  }

  // Union-find over L2 domains: `S|vid` for VLAN vid on switch S, `p2p|N` for the N-th link between non-switches.
  const ids = new Map<string, number>();
  const idOf = (k: string) => ids.get(k) ?? (ids.set(k, ids.size), ids.size - 1);
  const pairs: [number, number][] = [];
  // Attachments, in link order: [domain, the interface that joins it (a switch joins no address)].
  const attach: { link: L2Link; domain: number; switchName?: string; member?: EndpointRef; peer: EndpointRef }[] = [];
  const subinterfaces: WithSegments['subinterfaces'] = [];
  l2.forEach((x, k) => {
    const [a, b] = x.ends;
    const vids = portVids(x.vlans);
    if (isSwitch(a.node) && isSwitch(b.node)) {
      for (const vid of vids) {
        pairs.push([idOf(`${a.node}|${vid}`), idOf(`${b.node}|${vid}`)]);
        attach.push({ link: x, domain: idOf(`${a.node}|${vid}`), switchName: a.node, peer: b }, { link: x, domain: idOf(`${b.node}|${vid}`), switchName: b.node, peer: a });
      }
      return;
    }
    if (!isSwitch(a.node) && !isSwitch(b.node)) {
      const dom = idOf(`p2p|${k}`);
      attach.push({ link: x, domain: dom, member: a, peer: b }, { link: x, domain: dom, member: b, peer: a });
      return;
    }
    const [host, sw] = isSwitch(a.node) ? [b, a] : [a, b];
    const v = x.vlans;
    if (!v || 'access' in v) {
      const dom = idOf(`${sw.node}|${vids[0]}`);
      attach.push({ link: x, domain: dom, switchName: sw.node, peer: host }, { link: x, domain: dom, member: host, peer: sw });
      return;
    }
    // A trunk: the host's own interface is on the native VLAN (if any), a subinterface on each tagged one.
    if (v.native !== undefined) {
      const dom = idOf(`${sw.node}|${v.native}`);
      attach.push({ link: x, domain: dom, switchName: sw.node, peer: host }, { link: x, domain: dom, member: host, peer: sw });
    }
    for (const vid of v.trunk) {
      const dom = idOf(`${sw.node}|${vid}`);
      const name = subinterfaceName(host.ifname, vid, x.link.path, P);
      subinterfaces.push({ node: host.node, name, parent: host.ifname, id: vid, link: x.link.index, peer: sw });
      attach.push({ link: x, domain: dom, switchName: sw.node, peer: host }, { link: x, domain: dom, member: { node: host.node, ifname: name }, peer: sw });
    }
  });
  const ds = new DisjointSet(ids.size);
  for (const [p, q] of pairs) ds.union(p, q);

  const segOfRoot = new Map<number, number>();
  const segs: Segment[] = [];
  const linkSegment: number[] = [];
  const memberSegment = new Map<string, number>();
  for (const at of attach) {
    const root = ds.find(at.domain);
    let s = segOfRoot.get(root);
    if (s === undefined) {
      s = segs.length;
      segOfRoot.set(root, s);
      const lan = at.link.ends.some((e) => isSwitch(e.node));
      segs.push({ index: s, kind: lan ? 'lan' : 'p2p', switches: [], members: [] });
    }
    const seg = segs[s];
    const g = lagOf.get(at.link.link.index);
    for (const li of g ? g.links : [at.link.link.index]) linkSegment[li] ??= s;
    if (at.switchName !== undefined) {
      if (!seg.switches.includes(at.switchName)) seg.switches.push(at.switchName);
    } else if (at.member) {
      seg.members.push(at.member);
      memberSegment.set(endKey(at.member), s);
    }
  }
  // Routers first so that they get the low addresses (.1), as people expect of a gateway; then attachment order.
  for (const seg of segs) {
    const routers = seg.members.filter((m) => kindOf.get(m.node) === 'router');
    const others = seg.members.filter((m) => kindOf.get(m.node) !== 'router');
    seg.members = [...routers, ...others];
  }
  return { ...d, segments: segs, linkSegment, memberSegment, lagOf, portVlans, subinterfaces, vlanAware };
}
