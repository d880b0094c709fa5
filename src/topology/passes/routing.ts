// Pass 6, routing: the routes and gateways the file gives (checked against the node's interfaces), then the lab's
// routing mode: `auto` computes static shortest paths (computeAutoRoutes), `none` adds nothing.

import {
  contains,
  formatAddress,
  formatCidr,
  LIMITS,
  parseAddress,
  parseCidr,
  type Cidr,
  type Family,
  type ResolvedNode,
  type Segment,
} from '../../model/index.js';
import { checkFrrKeysUnused } from '../../features/frr/index.js';
import { ROUTING_PROTOCOLS, routingProtocol } from '../../features/index.js';
import { vrfRoutingView } from '../../features/vrf/index.js';
import type { WithInterfaces } from './draft.js';

/** Routes and gateways written in the file, per node. */
export function fileRoutes(d: WithInterfaces): void {
  const P = d.problems;
  for (const name of d.nodeNames) {
    const rawNode = d.raw.nodes[name] ?? {};
    const node = d.byName.get(name)!;
    (rawNode.routes ?? []).forEach((r, i) => {
      const path = ['nodes', name, 'routes', i];
      let family: Family | undefined;
      if (r.to !== 'default') {
        const c = parseCidr(r.to);
        if (!c) return P.add([...path, 'to'], 'E_BAD_ROUTE', `${JSON.stringify(r.to)} is not 'default' or a prefix`, 'write e.g. 10.2.0.0/16 or fd00:2::/48');
        family = c.family;
      }
      if (r.via !== undefined) {
        const v = parseAddress(r.via);
        if (!v) return P.add([...path, 'via'], 'E_BAD_ROUTE', `${JSON.stringify(r.via)} is not an address`, 'write a next-hop address without a prefix length');
        if (family && v.family !== family) return P.add([...path, 'via'], 'E_ROUTE_FAMILY', `next hop ${r.via} is IPv${v.family} but the destination is IPv${family}`, 'use a next hop of the same family');
        family = v.family;
      }
      if (r.dev !== undefined && !node.interfaces.some((i) => i.name === r.dev))
        return P.add([...path, 'dev'], 'E_UNKNOWN_DEV', `'${name}' has no interface '${r.dev}'`, `interfaces of ${name}: ${node.interfaces.map((i) => i.name).join(', ') || 'none'}`);
      node.routes.push({ family: family ?? 4, to: r.to, ...(r.via ? { via: r.via } : {}), ...(r.dev ? { dev: r.dev } : {}), ...(r.metric !== undefined ? { metric: r.metric } : {}), origin: 'file' });
    });
    const gw = rawNode.gateway;
    if (gw !== undefined) {
      const gws = typeof gw === 'string' ? [gw] : [gw.ipv4, gw.ipv6].filter((x): x is string => !!x);
      for (const g of gws) {
        const v = parseAddress(g);
        if (!v) {
          P.add(['nodes', name, 'gateway'], 'E_BAD_GATEWAY', `${JSON.stringify(g)} is not an address`, 'write the next hop address, e.g. 10.1.0.1');
          continue;
        }
        const onLink = node.interfaces.some((i) => (v.family === 4 ? i.ipv4 : i.ipv6).some((c) => contains(c, v.family, v.address)));
        if (!onLink) P.add(['nodes', name, 'gateway'], 'E_GATEWAY_NOT_ON_LINK', `gateway ${g} is not in any subnet of '${name}'`, `use an address on one of ${name}'s links`);
        node.routes.push({ family: v.family, to: 'default', via: g, origin: 'gateway' });
      }
    }
  }
}

export function routing(d: WithInterfaces): WithInterfaces {
  fileRoutes(d);
  const protocol = routingProtocol(d.raw.routing);
  if (protocol) {
    // The routers route themselves (FRR, started by the services pass); hosts need a way out.
    protocol.check(d);
    const others = Object.values(ROUTING_PROTOCOLS).filter((p) => p !== protocol).map((p) => p.nodeKey);
    for (const n of d.nodeNames) {
      for (const k of others)
        if (d.raw.nodes[n]?.[k] !== undefined)
          d.problems.add(['nodes', n, k], 'E_OTHER_PROTOCOL', `'${k}' configures ${k.toUpperCase()}, but this lab has routing: ${protocol.name}`, `remove ${k} from '${n}', or set routing: ${k}`);
      for (const k of ['frr', 'bfd'])
        if (d.raw.nodes[n]?.[k] !== undefined && d.kindOf.get(n) !== 'router')
          d.problems.add(['nodes', n, k], 'E_NOT_A_ROUTER', `'${k}' applies to routers; '${n}' is a ${d.kindOf.get(n)}`, `make it kind: router, or remove ${k} from '${n}'`);
    }
    defaultRoutesForHosts(d.nodes, d.segments);
    return d;
  }
  checkFrrKeysUnused(d, d.problems, ['frr', 'bfd', ...Object.values(ROUTING_PROTOCOLS).map((p) => p.nodeKey)]);
  // With problems already found the result is discarded, so the (quadratic) route computation is skipped.
  if ((d.raw.routing ?? 'auto') === 'auto' && !d.problems.list.length && !autoRoutes(d.nodes, d.segments))
    d.problems.add(['routing'], 'E_TOO_MANY_ROUTES', `auto routing needs more than ${LIMITS.routes} routes; the limit is ${LIMITS.routes}`, 'use routing: none (and routes: or a routing daemon), or split the lab');
  return d;
}

/** Auto routes; with VRFs, each VRF of a router routes as a router of its own (features/vrf). */
function autoRoutes(nodes: ResolvedNode[], segments: Segment[]): boolean {
  const view = vrfRoutingView(nodes, segments);
  if (!view) return computeAutoRoutes(nodes, segments);
  const ok = computeAutoRoutes(view.nodes, view.segments);
  view.commit();
  return ok;
}

/** The node's first address of a family on a segment. */
function addrOn(node: ResolvedNode, seg: number, fam: Family): Cidr | undefined {
  const i = node.interfaces.find((x) => x.segment === seg);
  return fam === 4 ? i?.ipv4[0] : i?.ipv6[0];
}

/** The routers on each segment, in address order. */
function routersOnSegments(nodes: ResolvedNode[], segments: Segment[], byName: Map<string, ResolvedNode>) {
  return segments.map((s) => s.members.filter((m) => byName.get(m.node)!.kind === 'router'));
}

/**
 * Static routes so that every host reaches every host through routers:
 * routers get a route to every segment they are not on, via the first hop of a shortest path (fewest routers,
 * ties broken by segment and member order, so the result is deterministic); hosts get a default route via the
 * first router on their first segment that has one, unless the file gives a gateway.
 * Routers × segments grows quadratically (ring,5000 would need 10^8 routes), so this stops and returns false once
 * more than LIMITS.routes are needed; true when every route was added.
 */
export function computeAutoRoutes(nodes: ResolvedNode[], segments: Segment[]): boolean {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const routersOn = routersOnSegments(nodes, segments, byName);
  // The same few strings are formatted for every router: format each subnet and next hop once.
  const text = new Map<Cidr, string>();
  const cidrText = (c: Cidr) => text.get(c) ?? (text.set(c, formatCidr(c)), text.get(c)!);
  const addrText = new Map<Cidr, string>();
  const viaText = (c: Cidr) => addrText.get(c) ?? (addrText.set(c, formatAddress(c.family, c.address)), addrText.get(c)!);
  let count = 0;
  for (const node of nodes) {
    if (node.kind !== 'router') continue;
    // Segment -1: a bond member or a trunk's parent, which carry no address of their own.
    const own = new Set(node.interfaces.map((i) => i.segment).filter((s) => s >= 0));
    // BFS over segments; firstHop[seg] = the neighbouring router (and the segment we reach it on).
    const firstHop = new Map<number, { router: ResolvedNode; via: number }>();
    const visitedRouters = new Set([node.name]);
    let frontier: { seg: number; hop?: { router: ResolvedNode; via: number } }[] = [...own].sort((a, b) => a - b).map((seg) => ({ seg }));
    const seenSeg = new Set(own);
    while (frontier.length) {
      const next: typeof frontier = [];
      for (const { seg, hop } of frontier) {
        for (const m of routersOn[seg]) {
          if (visitedRouters.has(m.node)) continue;
          visitedRouters.add(m.node);
          const r = byName.get(m.node)!;
          const h = hop ?? { router: r, via: seg };
          for (const i of r.interfaces) {
            if (i.segment < 0 || seenSeg.has(i.segment)) continue;
            seenSeg.add(i.segment);
            firstHop.set(i.segment, h);
            next.push({ seg: i.segment, hop: h });
          }
        }
      }
      frontier = next;
    }
    for (const [seg, hop] of [...firstHop].sort((a, b) => a[0] - b[0])) {
      for (const fam of [4, 6] as const) {
        const net = fam === 4 ? segments[seg].ipv4 : segments[seg].ipv6;
        const via = addrOn(hop.router, hop.via, fam);
        if (!net || !via) continue;
        node.routes.push({ family: fam, to: cidrText(net), via: viaText(via), origin: 'auto' });
        count++;
      }
    }
    if (count > LIMITS.routes) return false;
  }
  defaultRoutesForHosts(nodes, segments);
  return true;
}

/**
 * Each host without a default route of a family gets one via the first router (in address order) on its first
 * segment that has a router with an address of that family. Shared by auto routing and the routing protocols.
 */
export function defaultRoutesForHosts(nodes: ResolvedNode[], segments: Segment[]): void {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const routersOn = routersOnSegments(nodes, segments, byName);
  for (const node of nodes) {
    if (node.kind !== 'host') continue;
    for (const fam of [4, 6] as const) {
      if (node.routes.some((r) => r.to === 'default' && r.family === fam)) continue;
      for (const i of node.interfaces) {
        if (i.segment < 0) continue;
        const gw = routersOn[i.segment].map((m) => addrOn(byName.get(m.node)!, i.segment, fam)).find((a) => a);
        if (gw) {
          node.routes.push({ family: fam, to: 'default', via: formatAddress(fam, gw.address), origin: 'auto' });
          break;
        }
      }
    }
  }
}
