// routing: bgp — eBGP with FRR: every router its own private AS (64512 + its index among the routers, in file
// order, unless `bgp.as` gives one), a session over every router-router link for IPv4 and IPv6 unicast, and its
// connected networks advertised. Lab timers: keepalive 1 s / hold 3 s, connect retry 1 s, no advertisement delay.
// `bgp: { neighbors: [r2] }` limits the sessions to those adjacent routers.

import { formatAddress, type ResolvedNode } from '../../model/index.js';
import type { WithInterfaces } from '../../topology/passes/draft.js';
import { checkSettings, type RoutingProtocol } from '../frr/index.js';
import { frrHeader } from '../frr/text.js';
import { routerId, routerInterfaces } from '../frr/view.js';

export interface BgpSettings {
  as?: number;
  router_id?: string;
  neighbors?: string[];
}

export const FIRST_PRIVATE_AS = 64512;

/** The router's AS: given, else 64512 + its index among the lab's routers (4-byte private ASes past 65534). */
export function asOf(d: WithInterfaces, node: ResolvedNode): number {
  const given = (d.raw.nodes[node.name]?.bgp as BgpSettings | undefined)?.as;
  if (given !== undefined) return given;
  const i = d.nodes.filter((n) => n.kind === 'router').indexOf(node);
  return FIRST_PRIVATE_AS + i <= 65534 ? FIRST_PRIVATE_AS + i : 4_200_000_000 + i;
}

export const bgp: RoutingProtocol = {
  name: 'bgp',
  nodeKey: 'bgp',
  check(d: WithInterfaces): void {
    checkSettings<BgpSettings>(d, 'bgp', ({ node, s, add }) => {
      const adjacent = new Set(routerInterfaces(d, node).flatMap((i) => i.peers.map((p) => p.name)));
      (s.neighbors ?? []).forEach((nb, i) => {
        if (d.kindOf.get(nb) !== 'router')
          add(['neighbors', i], 'E_BGP_NEIGHBOR', `neighbor '${nb}' is not a router of this lab`, `routers: ${d.nodeNames.filter((x) => d.kindOf.get(x) === 'router').slice(0, 10).join(', ')}`);
        else if (!adjacent.has(nb))
          add(['neighbors', i], 'E_BGP_NEIGHBOR', `neighbor '${nb}' shares no link with '${node.name}'`, `sessions run over direct links; adjacent routers: ${[...adjacent].join(', ') || 'none'}`);
      });
    });
  },
  config(d: WithInterfaces, node: ResolvedNode): string {
    const s = (d.raw.nodes[node.name]?.bgp ?? {}) as BgpSettings;
    const only = s.neighbors ? new Set(s.neighbors) : undefined;
    const sessions: { addr: string; as: number; family: 4 | 6 }[] = [];
    for (const i of routerInterfaces(d, node))
      for (const peer of i.peers) {
        if (only && !only.has(peer.name)) continue;
        const theirs = peer.interfaces.find((x) => x.segment === i.iface.segment)!;
        if (i.iface.ipv4.length && theirs.ipv4.length) sessions.push({ addr: formatAddress(4, theirs.ipv4[0].address), as: asOf(d, peer), family: 4 });
        if (i.iface.ipv6.length && theirs.ipv6.length) sessions.push({ addr: formatAddress(6, theirs.ipv6[0].address), as: asOf(d, peer), family: 6 });
      }
    const out = frrHeader(node.name);
    out.push(`router bgp ${asOf(d, node)}`, ` bgp router-id ${routerId(d, node, s.router_id)}`,
      // A lab advertises everything to everyone: no policy needed to send (RFC 8212's default refuses to).
      ' no bgp ebgp-requires-policy', ' no bgp default ipv4-unicast',
      // Paths of equal length through different ASes share the load (ECMP), as in a data-centre fabric.
      ' bgp bestpath as-path multipath-relax', ' timers bgp 1 3');
    for (const x of sessions) out.push(` neighbor ${x.addr} remote-as ${x.as}`, ` neighbor ${x.addr} timers connect 1`, ` neighbor ${x.addr} advertisement-interval 0`);
    for (const fam of [4, 6] as const) {
      const mine = sessions.filter((x) => x.family === fam);
      if (!node.interfaces.some((i) => (fam === 4 ? i.ipv4 : i.ipv6).length)) continue;
      out.push(` address-family ipv${fam} unicast`, '  redistribute connected', ...mine.map((x) => `  neighbor ${x.addr} activate`), ' exit-address-family');
    }
    out.push('exit', '!');
    return out.join('\n') + '\n';
  },
};
