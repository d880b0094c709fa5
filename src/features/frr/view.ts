// What a routing protocol's config needs to know of a router, worked out once from the resolved data: each
// interface with its segment's kind, the other routers on it, its cost, and whether it faces hosts only.

import { formatAddress, type RawLink, type ResolvedInterface, type ResolvedNode } from '../../model/index.js';
import type { WithInterfaces } from '../../topology/passes/draft.js';

export interface RouterInterface {
  iface: ResolvedInterface;
  /** A p2p segment: a veth between this router and one other node. */
  p2p: boolean;
  /** The other routers on the segment (adjacencies form with these). */
  peers: ResolvedNode[];
  /** No other router on the segment: the interface is passive (its subnet is advertised, no hellos sent). */
  passive: boolean;
  /** `cost:` of the link, for this end (a number for both ends, or per end by node name). */
  cost?: number;
  /** `bfd: true` on the link. */
  bfd: boolean;
}

/** The raw link object behind a resolved link index (undefined for the short `[a, b]` form). */
export function rawLinkObject(d: WithInterfaces, index: number): Record<string, unknown> | undefined {
  const l: RawLink | undefined = d.raw.links?.[index];
  return l && !Array.isArray(l) ? (l as Record<string, unknown>) : undefined;
}

export function linkCost(raw: Record<string, unknown> | undefined, node: string): number | undefined {
  const c = raw?.cost;
  if (typeof c === 'number') return c;
  if (c && typeof c === 'object' && Object.hasOwn(c, node)) return (c as Record<string, number>)[node];
  return undefined;
}

export function routerInterfaces(d: WithInterfaces, node: ResolvedNode): RouterInterface[] {
  // A bond member or a trunk's parent (segment -1) carries no address: its bond or subinterfaces do.
  return node.interfaces.filter((iface) => iface.segment >= 0).map((iface) => {
    const seg = d.segments[iface.segment];
    const peers = seg.members.filter((m) => m.node !== node.name && d.byName.get(m.node)!.kind === 'router').map((m) => d.byName.get(m.node)!);
    const raw = rawLinkObject(d, iface.link);
    const cost = linkCost(raw, node.name);
    return { iface, p2p: seg.kind === 'p2p', peers, passive: peers.length === 0, ...(cost !== undefined ? { cost } : {}), bfd: raw?.bfd === true };
  });
}

/** A router ID: the one given, else the router's first IPv4 address (unique in the lab), else one from its index. */
export function routerId(d: WithInterfaces, node: ResolvedNode, given: unknown): string {
  if (typeof given === 'string') return given;
  const v4 = node.interfaces.flatMap((i) => i.ipv4)[0];
  if (v4) return formatAddress(4, v4.address);
  const i = d.nodes.indexOf(node) + 1;
  return `10.255.${(i >> 8) & 255}.${i & 255}`;
}

/** `a.b.c.d` with every part 0-255. */
export function isDottedQuad(s: string): boolean {
  const p = s.split('.');
  return p.length === 4 && p.every((x) => /^[0-9]{1,3}$/.test(x) && Number(x) <= 255);
}

/** An OSPF area as FRR prints it (dotted quad), from a number or a dotted quad. */
export function areaText(a: number | string | undefined): string {
  if (a === undefined) return '0.0.0.0';
  if (typeof a === 'string') return a;
  return [24, 16, 8, 0].map((s) => (a >>> s) & 255).join('.');
}
