// Parses `ip -j route show` (one family, table main) into the route a node uses for a destination: the longest
// prefix that covers it, its next hops (ECMP: one per path) and who installed it. Pure: JSON text in, data out.
//
// iproute2 prints a route either with one `gateway`/`dev`, or with `nexthops: [{gateway, dev, weight}, ...]` for a
// multipath route (also for routes that use nexthop objects, `nhid`, while net.ipv4.nexthop_compat_mode is on,
// the default). `dst` is "default", an address (a host route) or a prefix. `protocol` is a name from
// /etc/iproute2/rt_protos (kernel, boot, static, ospf, bgp, isis, ...) or a number iproute2 has no name for.

import { NslabError, bitsOf, contains, parseAddress, parseCidr, type Cidr, type Family } from '../../model/index.js';

interface IpRouteJson {
  dst?: string;
  gateway?: string;
  dev?: string;
  protocol?: string;
  type?: string;
  metric?: number;
  nexthops?: { gateway?: string; dev?: string }[];
}

export type RouteProtocol = 'ospf' | 'bgp' | 'isis' | 'static' | 'connected' | 'kernel' | 'other';

export interface RouteHop {
  /** The next hop's address; undefined for a directly connected destination. */
  gateway?: string;
  dev?: string;
}

export interface RouteInfo {
  /** The route's prefix as the kernel has it ("default" is 0.0.0.0/0 or ::/0). */
  dst: string;
  protocol: RouteProtocol;
  /** The raw protocol iproute2 printed (boot, zebra, 196, ...). */
  protocolRaw: string;
  hops: RouteHop[];
}

/**
 * Map iproute2's protocol to the names a scenario uses. `kernel` routes are the connected prefixes the kernel adds
 * with an address; `boot` is what `ip route add` uses without `proto` (nslab's routing: auto and static routes);
 * FRR installs its own (ospf 188, bgp 186, isis 187) and puts staticd's routes under 196 (FRR's RTPROT_ZSTATIC)
 * or zebra (11) in older releases.
 */
export function mapProtocol(raw: string | undefined, hasGateway: boolean): RouteProtocol {
  switch (raw ?? 'boot') {
    case 'ospf':
    case '188':
      return 'ospf';
    case 'bgp':
    case '186':
      return 'bgp';
    case 'isis':
    case '187':
      return 'isis';
    case 'kernel':
      return hasGateway ? 'kernel' : 'connected';
    case 'boot':
    case 'static':
    case 'zebra':
    case '196':
      return 'static';
    default:
      return 'other';
  }
}

function prefixOf(dst: string | undefined, family: Family): Cidr | undefined {
  if (!dst || dst === 'default') return { family, address: 0n, prefixLen: 0 };
  if (dst.includes('/')) return parseCidr(dst, family);
  const a = parseAddress(dst);
  return a && a.family === family ? { family, address: a.address, prefixLen: bitsOf(family) } : undefined;
}

function parseRoutes(json: string): IpRouteJson[] {
  let v: unknown;
  try {
    v = JSON.parse(json.trim() || '[]');
  } catch (e) {
    throw new NslabError('E_ROUTE_OUTPUT', `ip -j route printed no JSON: ${(e as Error).message}`, { hint: 'iproute2 5.x or later prints JSON with -j' });
  }
  if (!Array.isArray(v)) throw new NslabError('E_ROUTE_OUTPUT', 'ip -j route printed something other than a list');
  return v as IpRouteJson[];
}

/**
 * The route for `target` (an address, or a prefix to be matched exactly) from `ip -j -F route show` output, or
 * null when none covers it. Unicast routes only (local/broadcast/unreachable entries are not a path); among equal
 * prefixes the lowest metric wins, as in the kernel.
 */
export function selectRoute(json: string, target: string): RouteInfo | null {
  const exact = parseCidr(target);
  const addr = exact ? undefined : parseAddress(target);
  if (!exact && !addr) throw new NslabError('E_BAD_TARGET', `'${target}' is neither an address nor a prefix`);
  const family = (exact ?? addr)!.family;
  let best: { r: IpRouteJson; p: Cidr } | undefined;
  for (const r of parseRoutes(json)) {
    if (r.type && r.type !== 'unicast') continue;
    const p = prefixOf(r.dst, family);
    if (!p) continue;
    const hit = exact ? p.prefixLen === exact.prefixLen && contains(p, family, exact.address) && contains(exact, family, p.address) : contains(p, family, addr!.address);
    if (!hit) continue;
    if (!best || p.prefixLen > best.p.prefixLen || (p.prefixLen === best.p.prefixLen && (r.metric ?? 0) < (best.r.metric ?? 0))) best = { r, p };
  }
  if (!best) return null;
  const { r } = best;
  const hops: RouteHop[] = r.nexthops?.length ? r.nexthops.map((h) => ({ gateway: h.gateway, dev: h.dev })) : [{ gateway: r.gateway, dev: r.dev }];
  return { dst: r.dst ?? 'default', protocol: mapProtocol(r.protocol, hops.some((h) => h.gateway)), protocolRaw: r.protocol ?? 'boot', hops };
}
