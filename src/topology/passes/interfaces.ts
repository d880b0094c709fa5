// Pass 5, interfaces: each link's impairments (defaults, then the link's shared keys, then each direction's) and
// each node's interfaces with their addresses, peer and segment.

import type { EndpointRef, Impairment, ResolvedInterface, ResolvedLink } from '../../model/index.js';
import { bondOn } from '../../features/lag/index.js';
import { bridgeVlansFor } from '../../features/vlan/index.js';
import { applyVrfs } from '../../features/vrf/index.js';
import { mergeImpairment, parseImpairment } from '../impair.js';
import { endKey as key, type DocPath, type WithAddresses, type WithInterfaces } from './draft.js';

export function interfaces(d: WithAddresses): WithInterfaces {
  const { raw, links, endRefs, byName, linkSegment, addrOf } = d;
  const report = (path: DocPath, code: string, message: string, hint?: string) => d.problems.add(path, code, message, hint);
  const { mtu: defaultMtu, ...defaultImpairRaw } = raw.defaults?.link ?? {};
  const defaultImpair = parseImpairment(defaultImpairRaw, ['defaults', 'link'], report);
  const resolvedLinks: ResolvedLink[] = links.map((l) => {
    const both = mergeImpairment(defaultImpair, parseImpairment(l.shared, l.path, report));
    const dir = (j: number): Impairment => {
      const fromRaw = Object.hasOwn(l.from, l.ends[j].node) ? l.from[l.ends[j].node] : undefined; // not Object.prototype's 'constructor'
      return fromRaw ? mergeImpairment(both, parseImpairment(fromRaw, [...l.path, 'from', l.ends[j].node], report)) : both;
    };
    const mtu = l.mtu ?? defaultMtu;
    return { index: l.index, a: endRefs[l.index][0], b: endRefs[l.index][1], ...(mtu ? { mtu } : {}), aToB: dir(0), bToA: dir(1) };
  });
  const addrs = (self: EndpointRef) => ({
    ipv4: addrOf[4].has(key(self)) ? [addrOf[4].get(key(self))!] : [],
    ipv6: addrOf[6].has(key(self)) ? [addrOf[6].get(key(self))!] : [],
  });
  const bridgeVlans = (node: string, link: number) => (d.vlanAware.has(node) ? { bridgeVlans: bridgeVlansFor(d.portVlans.get(link)) } : {});
  for (const l of resolvedLinks) {
    for (const [self, peer] of [[l.a, l.b], [l.b, l.a]] as const) {
      const node = byName.get(self.node)!;
      const g = d.lagOf.get(l.index);
      const isSwitch = node.kind === 'switch';
      // Addresses go to the segment member: the interface itself, or its bond; a trunk's parent without a native
      // VLAN and a bond's members are on no segment (-1).
      const iface: ResolvedInterface = {
        name: self.ifname,
        link: l.index,
        segment: isSwitch && !g ? linkSegment[l.index] : (d.memberSegment.get(key(self)) ?? -1),
        ...(g ? { ipv4: [], ipv6: [] } : addrs(self)),
        peer,
        bridgePort: isSwitch,
        ...(l.mtu ? { mtu: l.mtu } : {}),
        ...(g ? { bondOf: bondOn(g, self.node).ifname } : isSwitch ? bridgeVlans(self.node, l.index) : {}),
      };
      node.interfaces.push(iface);
    }
  }
  // Bonds, after their members (features/lag), on both nodes of each group.
  for (const g of new Set(d.lagOf.values()))
    for (const [self, peer] of [[g.ends[0], g.ends[1]], [g.ends[1], g.ends[0]]] as const) {
      const node = byName.get(self.node)!;
      const isSwitch = node.kind === 'switch';
      const first = resolvedLinks.find((l) => l.index === g.links[0]);
      node.interfaces.push({
        name: self.ifname,
        link: g.links[0],
        segment: isSwitch ? linkSegment[g.links[0]] : (d.memberSegment.get(key(self)) ?? -1),
        ...addrs(self),
        peer,
        bridgePort: isSwitch,
        ...(first?.mtu ? { mtu: first.mtu } : {}),
        bond: { mode: g.mode, members: node.interfaces.filter((i) => i.bondOf === self.ifname).map((i) => i.name) },
        ...(isSwitch ? bridgeVlans(self.node, g.links[0]) : {}),
      });
    }
  // VLAN subinterfaces of hosts and routers on trunks (features/vlan).
  for (const s of d.subinterfaces) {
    const self = { node: s.node, ifname: s.name };
    byName.get(s.node)!.interfaces.push({ name: s.name, link: s.link, segment: d.memberSegment.get(key(self)) ?? -1, ...addrs(self), peer: s.peer, bridgePort: false, vlan: { parent: s.parent, id: s.id } });
  }
  for (const n of d.nodes) if (d.vlanAware.has(n.name)) n.vlanAware = true;
  applyVrfs(raw, d.nodes, d.problems);
  return { ...d, resolvedLinks };
}
