// Pass 5, interfaces: each link's impairments (defaults, then the link's shared keys, then each direction's) and
// each node's interfaces with their addresses, peer and segment.

import type { Impairment, ResolvedInterface, ResolvedLink } from '../../model/index.js';
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
  for (const l of resolvedLinks) {
    for (const [self, peer] of [[l.a, l.b], [l.b, l.a]] as const) {
      const node = byName.get(self.node)!;
      const iface: ResolvedInterface = {
        name: self.ifname,
        link: l.index,
        segment: linkSegment[l.index],
        ipv4: addrOf[4].has(key(self)) ? [addrOf[4].get(key(self))!] : [],
        ipv6: addrOf[6].has(key(self)) ? [addrOf[6].get(key(self))!] : [],
        peer,
        bridgePort: node.kind === 'switch',
        ...(l.mtu ? { mtu: l.mtu } : {}),
      };
      node.interfaces.push(iface);
    }
  }
  return { ...d, resolvedLinks };
}
