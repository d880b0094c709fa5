// Semantic checks, addressing and routing: a schema-valid RawTopology becomes a ResolvedTopology with every
// default applied once, or every problem found is reported together. Pure.

import {
  formatAddress,
  formatCidr,
  IFNAME_PATTERN,
  IFNAMSIZ_USABLE,
  isReservedInSubnet,
  LIMITS,
  netnsName,
  networkOf,
  nthHost,
  nthSubnet,
  overlaps,
  parseAddress,
  parseCidr,
  contains,
  SWITCH_BRIDGE_NAME,
  type Cidr,
  type Command,
  type EndpointRef,
  type Family,
  type Impairment,
  type LocateFn,
  type NodeKind,
  type Problem,
  type RawImpairment,
  type RawLink,
  type RawTopology,
  type ResolvedInterface,
  type ResolvedLink,
  type ResolvedNode,
  type ResolvedRoute,
  type ResolvedTopology,
  type Segment,
} from '../model/index.js';
import { IMPAIRMENT_KEYS, mergeImpairment, parseImpairment } from './impair.js';
import { formatDocPath } from './yaml.js';

export const DEFAULT_IPV4_POOL = '10.10.0.0/16';
export const DEFAULT_IPV6_POOL = 'fd00:10::/48';

interface NormalLink {
  index: number;
  path: (string | number)[];
  /** Document path of endpoint j. */
  endpointPath: (j: number) => (string | number)[];
  ends: [{ node: string; ifname?: string }, { node: string; ifname?: string }];
  ipv4?: [string | null, string | null];
  ipv6?: [string | null, string | null];
  mtu?: number;
  shared: RawImpairment;
  from: Record<string, RawImpairment>;
}

class Problems {
  readonly list: Problem[] = [];
  constructor(private readonly locate: LocateFn) {}
  add(path: (string | number)[], code: string, message: string, hint?: string): void {
    this.list.push({ code, message, path: formatDocPath(path), location: this.locate(path), hint });
  }
}

function toCommand(c: string | string[]): Command {
  return typeof c === 'string' ? { shell: c } : { argv: c };
}

function normaliseLinks(raw: RawTopology): NormalLink[] {
  return (raw.links ?? []).map((l: RawLink, index): NormalLink => {
    const parseEnd = (s: string) => {
      const i = s.indexOf(':');
      return i === -1 ? { node: s } : { node: s.slice(0, i), ifname: s.slice(i + 1) };
    };
    if (Array.isArray(l)) {
      return {
        index,
        path: ['links', index],
        endpointPath: (j) => ['links', index, j],
        ends: [parseEnd(l[0]), parseEnd(l[1])],
        shared: {},
        from: {},
      };
    }
    const shared: RawImpairment = {};
    for (const k of IMPAIRMENT_KEYS) if (l[k] !== undefined) (shared as Record<string, unknown>)[k] = l[k];
    return {
      index,
      path: ['links', index],
      endpointPath: (j) => ['links', index, 'endpoints', j],
      ends: [parseEnd(l.endpoints[0]), parseEnd(l.endpoints[1])],
      ipv4: l.ipv4 as [string | null, string | null] | undefined,
      ipv6: l.ipv6 as [string | null, string | null] | undefined,
      mtu: l.mtu,
      shared,
      from: l.from ?? {},
    };
  });
}

/** Union-find over link indices, used to merge links into L2 segments. */
class DisjointSet {
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

/** Smallest IPv4 prefix length holding `hosts` addresses plus network and broadcast, never longer than /24 (readable). */
function ipv4PrefixFor(hosts: number): number {
  let len = 24;
  while (len > 8 && 2 ** (32 - len) - 2 < hosts) len--;
  return len;
}

export function resolveTopology(raw: RawTopology, locate: LocateFn, source: string): ResolvedTopology | { problems: Problem[] } {
  const P = new Problems(locate);
  const lab = raw.name;
  const nodeNames = Object.keys(raw.nodes ?? {});
  if (nodeNames.length > LIMITS.nodes)
    P.add(['nodes'], 'E_TOO_MANY_NODES', `${nodeNames.length} nodes; the limit is ${LIMITS.nodes}`, 'split the lab');
  if ((raw.links ?? []).length > LIMITS.links)
    P.add(['links'], 'E_TOO_MANY_LINKS', `${raw.links?.length} links; the limit is ${LIMITS.links}`, 'split the lab');
  if (P.list.length) return { problems: P.list };

  const kindOf = new Map<string, NodeKind>();
  for (const n of nodeNames) kindOf.set(n, raw.nodes[n]?.kind ?? 'host');

  // --- links and endpoints -------------------------------------------------------------------------------
  const allLinks = normaliseLinks(raw);
  // A link with a broken endpoint is reported and then left out, so that the checks after this phase (segments,
  // loops, addresses) still run on the rest and every problem is reported in one go.
  const badLinks = new Set<number>();
  const fixedNames = new Map<string, Map<string, (string | number)[]>>(); // node → ifname → where
  for (const l of allLinks) {
    l.ends.forEach((e, j) => {
      if (!kindOf.has(e.node)) {
        badLinks.add(l.index);
        const guess = nodeNames.find((n) => n.toLowerCase() === e.node.toLowerCase());
        P.add(l.endpointPath(j), 'E_UNKNOWN_NODE', `link endpoint '${e.node}' is not a node of this lab`,
          guess ? `did you mean '${guess}'?` : `declare it under nodes: (known: ${nodeNames.slice(0, 10).join(', ')}${nodeNames.length > 10 ? ', …' : ''})`);
        return;
      }
      if (e.ifname === undefined) return;
      if (e.ifname.length > IFNAMSIZ_USABLE) {
        badLinks.add(l.index);
        P.add(l.endpointPath(j), 'E_IFNAME_TOO_LONG', `interface name '${e.ifname}' has ${e.ifname.length} characters; the kernel allows ${IFNAMSIZ_USABLE} (IFNAMSIZ 16 including the NUL)`, 'shorten the interface name');
        return;
      }
      if (!IFNAME_PATTERN.test(e.ifname) || e.ifname === 'lo' || (kindOf.get(e.node) === 'switch' && e.ifname === SWITCH_BRIDGE_NAME)) {
        badLinks.add(l.index);
        P.add(l.endpointPath(j), 'E_BAD_IFNAME', `interface name '${e.ifname}' is not allowed`, `use letters, digits, '_', '.' and '-', starting with a letter; 'lo'${kindOf.get(e.node) === 'switch' ? ` and '${SWITCH_BRIDGE_NAME}'` : ''} are taken`);
        return;
      }
      const names = fixedNames.get(e.node) ?? new Map();
      if (names.has(e.ifname)) {
        badLinks.add(l.index);
        P.add(l.endpointPath(j), 'E_DUPLICATE_IFNAME', `interface '${e.node}:${e.ifname}' is used by two links (first at ${formatDocPath(names.get(e.ifname))})`, 'give one of them another interface name, or leave the name out to get one assigned');
      } else names.set(e.ifname, l.endpointPath(j));
      fixedNames.set(e.node, names);
    });
    if (l.ends[0].node === l.ends[1].node && kindOf.has(l.ends[0].node)) {
      badLinks.add(l.index);
      P.add(l.path, 'E_SELF_LINK', `link joins '${l.ends[0].node}' to itself`, 'connect two different nodes');
    }
    for (const fam of ['ipv4', 'ipv6'] as const) {
      const pair = l[fam];
      if (!pair) continue;
      pair.forEach((a, j) => {
        if (a === null) return;
        const c = parseCidr(a, fam === 'ipv4' ? 4 : 6);
        if (!c) P.add([...l.path, fam, j], 'E_BAD_ADDRESS', `${JSON.stringify(a)} is not an ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} address with a prefix length`, fam === 'ipv4' ? 'write it like 10.1.0.1/24' : 'write it like fd00:1::1/64');
        else if (isReservedInSubnet(c)) P.add([...l.path, fam, j], 'E_RESERVED_ADDRESS', `${a} is the ${c.family === 4 && (c.address & 1n) === 1n ? 'broadcast' : 'network'} address of its subnet`, 'pick a host address inside the subnet');
        else if (kindOf.get(l.ends[j].node) === 'switch') P.add([...l.path, fam, j], 'E_ADDRESS_ON_SWITCH_PORT', `'${l.ends[j].node}' is a switch: its ports carry no address`, 'write null for the switch end');
      });
    }
    for (const fromNode of Object.keys(l.from)) {
      if (fromNode !== l.ends[0].node && fromNode !== l.ends[1].node)
        P.add([...l.path, 'from', fromNode], 'E_FROM_NOT_ENDPOINT', `'${fromNode}' is not an end of this link`, `per-direction keys are keyed by an end of the link: ${l.ends[0].node} or ${l.ends[1].node}`);
    }
  }
  for (const n of nodeNames) {
    const node = raw.nodes[n] ?? {};
    if (node.stp !== undefined && kindOf.get(n) !== 'switch') P.add(['nodes', n, 'stp'], 'E_STP_NOT_SWITCH', `stp is a switch setting; '${n}' is a ${kindOf.get(n)}`, 'remove stp, or make the node kind: switch');
    for (const key of ['routes', 'gateway', 'exec', 'start'] as const)
      if (node[key] !== undefined && kindOf.get(n) === 'switch' && key !== 'exec' && key !== 'start')
        P.add(['nodes', n, key], 'E_NOT_FOR_SWITCH', `'${key}' does not apply to a switch (it has no addresses)`, `remove ${key} from '${n}'`);
    for (const key of ['exec', 'start'] as const)
      if ((node[key]?.length ?? 0) > LIMITS.commandsPerNode)
        P.add(['nodes', n, key], 'E_TOO_MANY_COMMANDS', `${node[key]?.length} commands; the limit is ${LIMITS.commandsPerNode}`, 'put them in a script and run that');
  }
  const links = allLinks.filter((l) => !badLinks.has(l.index));

  // --- interface names -------------------------------------------------------------------------------------
  const nextIndex = new Map<string, number>();
  const ifnameOf = (l: NormalLink, j: number): string => {
    const e = l.ends[j];
    if (e.ifname) return e.ifname;
    const taken = fixedNames.get(e.node);
    let i = nextIndex.get(e.node) ?? 0;
    while (taken?.has(`eth${i}`)) i++;
    nextIndex.set(e.node, i + 1);
    return `eth${i}`;
  };
  // Indexed by the link's position in the file (l.index), like every per-link array below.
  const endRefs: [EndpointRef, EndpointRef][] = [];
  for (const l of links) endRefs[l.index] = [
    { node: l.ends[0].node, ifname: ifnameOf(l, 0) },
    { node: l.ends[1].node, ifname: ifnameOf(l, 1) },
  ];

  // --- segments ---------------------------------------------------------------------------------------------
  // Links through a switch join that switch's segment; switch-switch links merge segments. Other links are p2p.
  const ds = new DisjointSet(allLinks.length);
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
  const segments: Segment[] = [];
  const linkSegment: number[] = [];
  for (const l of links) {
    const root = ds.find(l.index);
    let s = segOfRoot.get(root);
    if (s === undefined) {
      s = segments.length;
      segOfRoot.set(root, s);
      const lan = l.ends.some((e) => isSwitch(e.node));
      segments.push({ index: s, kind: lan ? 'lan' : 'p2p', switches: [], members: [] });
    }
    linkSegment[l.index] = s;
    const seg = segments[s];
    l.ends.forEach((e, j) => {
      if (isSwitch(e.node)) {
        if (!seg.switches.includes(e.node)) seg.switches.push(e.node);
      } else seg.members.push(endRefs[l.index][j]);
    });
  }
  // Routers first so that they get the low addresses (.1), as people expect of a gateway; then attachment order.
  for (const seg of segments) {
    const routers = seg.members.filter((m) => kindOf.get(m.node) === 'router');
    const others = seg.members.filter((m) => kindOf.get(m.node) !== 'router');
    seg.members = [...routers, ...others];
  }

  // --- addressing --------------------------------------------------------------------------------------------
  const key = (r: EndpointRef) => `${r.node}:${r.ifname}`;
  const addrOf = { 4: new Map<string, Cidr>(), 6: new Map<string, Cidr>() };
  const pools: { 4?: Cidr; 6?: Cidr } = {};
  const poolText = { 4: raw.addressing?.ipv4 ?? DEFAULT_IPV4_POOL, 6: raw.addressing?.ipv6 ?? DEFAULT_IPV6_POOL };
  for (const fam of [4, 6] as const) {
    const t = poolText[fam];
    if (t === false) continue;
    const c = parseCidr(t, fam);
    if (!c) P.add(['addressing', fam === 4 ? 'ipv4' : 'ipv6'], 'E_BAD_POOL', `${JSON.stringify(t)} is not an IPv${fam} prefix`, fam === 4 ? 'write it like 10.10.0.0/16' : 'write it like fd00:10::/48');
    else if (fam === 6 && c.prefixLen > 64) P.add(['addressing', 'ipv6'], 'E_POOL_TOO_SMALL', `IPv6 pool ${t} is longer than /64; each segment needs a /64`, 'use a /48 or /56 pool');
    else pools[fam] = networkOf(c);
  }
  // Explicit addresses, with their locations for messages.
  const explicitWhere = new Map<string, (string | number)[]>();
  for (const l of links)
    for (const [famKey, fam] of [['ipv4', 4], ['ipv6', 6]] as const)
      l[famKey]?.forEach((a, j) => {
        if (a === null) return;
        const c = parseCidr(a, fam);
        if (!c) return; // reported above as E_BAD_ADDRESS; the checks below still run on the rest
        addrOf[fam].set(key(endRefs[l.index][j]), c);
        explicitWhere.set(`${fam}|${key(endRefs[l.index][j])}`, [...l.path, famKey, j]);
      });
  const segSubnet: { 4: (Cidr | undefined)[]; 6: (Cidr | undefined)[] } = { 4: [], 6: [] };
  for (const fam of [4, 6] as const) {
    // A segment with explicit addresses takes its subnet from the first of them; the rest must fit inside.
    for (const seg of segments) {
      for (const m of seg.members) {
        const c = addrOf[fam].get(key(m));
        if (!c) continue;
        const net = segSubnet[fam][seg.index];
        if (!net) segSubnet[fam][seg.index] = networkOf(c);
        else if (!contains(net, fam, c.address) || c.prefixLen !== net.prefixLen)
          P.add(explicitWhere.get(`${fam}|${key(m)}`)!, 'E_ADDRESS_OUTSIDE_SEGMENT', `${formatCidr(c)} is not in ${formatCidr(net)}, the subnet of the segment it is on`, `use an address in ${formatCidr(net)} with the same prefix length, since both ends are on one L2 segment`);
      }
    }
    // Explicit subnets of different segments must not overlap.
    const explicitNets = segSubnet[fam].map((n, i) => ({ n, i })).filter((x): x is { n: Cidr; i: number } => !!x.n);
    for (let a = 0; a < explicitNets.length; a++)
      for (let b = a + 1; b < explicitNets.length; b++)
        if (overlaps(explicitNets[a].n, explicitNets[b].n)) {
          const m = segments[explicitNets[b].i].members.find((mm) => addrOf[fam].has(key(mm)))!;
          P.add(explicitWhere.get(`${fam}|${key(m)}`)!, 'E_OVERLAPPING_SUBNETS', `${formatCidr(explicitNets[b].n)} overlaps ${formatCidr(explicitNets[a].n)}, which another segment uses`, 'give each link or LAN its own subnet');
        }
    // Auto subnets for segments without explicit addresses: sequential, aligned, skipping explicit ones.
    const pool = pools[fam];
    if (!pool) continue;
    let cursor = 0n;
    for (const seg of segments) {
      if (segSubnet[fam][seg.index] || seg.members.length === 0) continue;
      const len = fam === 4 ? Math.max(ipv4PrefixFor(seg.members.length), pool.prefixLen) : 64;
      const size = 1n << BigInt((fam === 4 ? 32 : 128) - len);
      let chosen: Cidr | undefined;
      for (cursor = ((cursor + size - 1n) / size) * size; ; cursor += size) {
        const idx = Number(cursor / size);
        const cand = nthSubnet(pool, len, idx);
        if (!cand) break;
        const taken = explicitNets.find((x) => overlaps(x.n, cand));
        if (taken) {
          // Jump past an explicit subnet larger than the candidate instead of stepping through it: an explicit
          // ::1/0 in a ::/0 pool would otherwise mean 2^64 steps.
          if (taken.n.prefixLen < len) cursor = taken.n.address - pool.address + (1n << BigInt((fam === 4 ? 32 : 128) - taken.n.prefixLen)) - size;
          continue;
        }
        chosen = cand;
        cursor += size;
        break;
      }
      if (!chosen) {
        P.add(['addressing', fam === 4 ? 'ipv4' : 'ipv6'], 'E_POOL_EXHAUSTED', `the IPv${fam} pool ${formatCidr(pool)} has no room for segment ${seg.index + 1} (${seg.members.length} members)`, `use a larger pool, e.g. addressing: { ipv${fam}: ${fam === 4 ? '10.0.0.0/8' : 'fd00::/32'} }`);
        break;
      }
      segSubnet[fam][seg.index] = chosen;
    }
    // Hosts: explicit ones keep theirs; the others take the lowest free host numbers, in member order.
    for (const seg of segments) {
      const net = segSubnet[fam][seg.index];
      if (!net) continue;
      const used = new Set([...seg.members].map((m) => addrOf[fam].get(key(m))?.address).filter((a): a is bigint => a !== undefined));
      let h = 1;
      for (const m of seg.members) {
        if (addrOf[fam].has(key(m))) continue;
        let cand = nthHost(net, h);
        while (used.has(cand.address)) cand = nthHost(net, ++h);
        const lastHost = (1n << BigInt((fam === 4 ? 32 : 128) - net.prefixLen)) - (fam === 4 ? 2n : 1n);
        if (BigInt(h) > lastHost) {
          P.add(['links'], 'E_SUBNET_FULL', `subnet ${formatCidr(net)} has no free address for ${key(m)}`, 'use a shorter prefix for this segment');
          break;
        }
        addrOf[fam].set(key(m), cand);
        used.add(cand.address);
        h++;
      }
    }
    // Duplicate addresses anywhere in the lab.
    // Keyed by string: V8 hashes a BigInt by its lowest 64 bits only, so IPv6 addresses that differ only in their
    // /64 (fd00:10:N::1) all collide and a Map<bigint> turns quadratic (20,000 links: seconds).
    const seen = new Map<string, string>();
    for (const [k, c] of addrOf[fam]) {
      const other = seen.get(c.address.toString(16));
      if (other !== undefined)
        P.add(explicitWhere.get(`${fam}|${k}`) ?? explicitWhere.get(`${fam}|${other}`) ?? ['links'], 'E_DUPLICATE_ADDRESS', `${formatAddress(fam, c.address)} is given to both ${other} and ${k}`, 'give each interface its own address');
      else seen.set(c.address.toString(16), k);
    }
    for (const seg of segments) segSubnet[fam][seg.index] && (fam === 4 ? (seg.ipv4 = segSubnet[4][seg.index]) : (seg.ipv6 = segSubnet[6][seg.index]));
  }

  // --- impairments -------------------------------------------------------------------------------------------
  const report = (path: (string | number)[], code: string, message: string, hint?: string) => P.add(path, code, message, hint);
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

  // --- nodes and interfaces ----------------------------------------------------------------------------------
  const nodes: ResolvedNode[] = nodeNames.map((name) => {
    const rawNode = raw.nodes[name] ?? {};
    const kind = kindOf.get(name)!;
    const sysctls: Record<string, string> = {};
    if (kind === 'router') {
      sysctls['net.ipv4.ip_forward'] = '1';
      sysctls['net.ipv6.conf.all.forwarding'] = '1';
    }
    for (const [k, v] of Object.entries(rawNode.sysctls ?? {})) sysctls[k] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
    // fromEntries defines own properties, so an env var named __proto__ is kept rather than lost.
    const env: Record<string, string> = Object.fromEntries(Object.entries(rawNode.env ?? {}).map(([k, v]) => [k, String(v)]));
    return {
      name,
      kind,
      netns: netnsName(lab, name),
      interfaces: [],
      routes: [],
      sysctls,
      exec: (rawNode.exec ?? []).map(toCommand),
      start: (rawNode.start ?? []).map(toCommand),
      env,
      stp: rawNode.stp ?? false,
    };
  });
  const byName = new Map(nodes.map((n) => [n.name, n]));
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

  // --- routes ------------------------------------------------------------------------------------------------
  for (const name of nodeNames) {
    const rawNode = raw.nodes[name] ?? {};
    const node = byName.get(name)!;
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
  // With problems already found the result is discarded, so the (quadratic) route computation is skipped.
  if ((raw.routing ?? 'auto') === 'auto' && !P.list.length && !computeAutoRoutes(nodes, segments))
    P.add(['routing'], 'E_TOO_MANY_ROUTES', `auto routing needs more than ${LIMITS.routes} routes; the limit is ${LIMITS.routes}`, 'use routing: none (and routes: or a routing daemon), or split the lab');

  if (P.list.length) return { problems: P.list };
  return {
    name: lab,
    routing: raw.routing ?? 'auto',
    addressing: { ...(pools[4] ? { ipv4: pools[4] } : {}), ...(pools[6] ? { ipv6: pools[6] } : {}) },
    nodes,
    links: resolvedLinks,
    segments,
    source,
  };
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
  const routersOn = segments.map((s) => s.members.filter((m) => byName.get(m.node)!.kind === 'router'));
  const addrOn = (node: ResolvedNode, seg: number, fam: Family): Cidr | undefined => {
    const i = node.interfaces.find((x) => x.segment === seg);
    return fam === 4 ? i?.ipv4[0] : i?.ipv6[0];
  };
  // The same few strings are formatted for every router: format each subnet and next hop once.
  const text = new Map<Cidr, string>();
  const cidrText = (c: Cidr) => text.get(c) ?? (text.set(c, formatCidr(c)), text.get(c)!);
  const addrText = new Map<Cidr, string>();
  const viaText = (c: Cidr) => addrText.get(c) ?? (addrText.set(c, formatAddress(c.family, c.address)), addrText.get(c)!);
  let count = 0;
  for (const node of nodes) {
    if (node.kind !== 'router') continue;
    const own = new Set(node.interfaces.map((i) => i.segment));
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
            if (seenSeg.has(i.segment)) continue;
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
  for (const node of nodes) {
    if (node.kind !== 'host') continue;
    for (const fam of [4, 6] as const) {
      if (node.routes.some((r) => r.to === 'default' && r.family === fam)) continue;
      for (const i of node.interfaces) {
        const gw = routersOn[i.segment].map((m) => addrOn(byName.get(m.node)!, i.segment, fam)).find((a) => a);
        if (gw) {
          node.routes.push({ family: fam, to: 'default', via: formatAddress(fam, gw.address), origin: 'auto' });
          break;
        }
      }
    }
  }
  return true;
}

export type { ResolvedRoute };
