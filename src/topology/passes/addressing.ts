// Pass 4, addressing: the pools, explicit addresses (which must fit their segment and not overlap another's), an
// automatic subnet for every other segment, host numbers in member order, and no address given twice.

import {
  contains,
  formatAddress,
  formatCidr,
  networkOf,
  nthHost,
  nthSubnet,
  overlaps,
  parseCidr,
  type Cidr,
} from '../../model/index.js';
import { bondOn } from '../../features/lag/index.js';
import { segmentSpaces } from '../../features/vrf/index.js';
import { endKey as key, type AddressMap, type DocPath, type WithAddresses, type WithSegments } from './draft.js';

export const DEFAULT_IPV4_POOL = '10.10.0.0/16';
export const DEFAULT_IPV6_POOL = 'fd00:10::/48';

/** Smallest IPv4 prefix length holding `hosts` addresses plus network and broadcast, never longer than /24 (readable). */
function ipv4PrefixFor(hosts: number): number {
  let len = 24;
  while (len > 8 && 2 ** (32 - len) - 2 < hosts) len--;
  return len;
}

export function addressing(d: WithSegments): WithAddresses {
  const P = d.problems;
  const { raw, links, endRefs, segments } = d;
  const addrOf: AddressMap = { 4: new Map<string, Cidr>(), 6: new Map<string, Cidr>() };
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
  const explicitWhere = new Map<string, DocPath>();
  for (const l of links)
    for (const [famKey, fam] of [['ipv4', 4], ['ipv6', 6]] as const)
      l[famKey]?.forEach((a, j) => {
        if (a === null) return;
        const c = parseCidr(a, fam);
        if (!c) return; // reported by normalise as E_BAD_ADDRESS; the checks below still run on the rest
        const v = d.portVlans.get(l.index);
        if (v && 'trunk' in v && v.native === undefined)
          return P.add([...l.path, famKey, j], 'E_ADDRESS_ON_TRUNK', `this link is a trunk without a native VLAN: ${l.ends[j].node}'s addresses are on its VLAN subinterfaces`, 'leave the addresses to the pool (each VLAN is a segment of its own), or give the trunk a native_vlan');
        // A bond's member link gives the bond its address.
        const g = d.lagOf.get(l.index);
        const end = g ? bondOn(g, l.ends[j].node) : endRefs[l.index][j];
        addrOf[fam].set(key(end), c);
        explicitWhere.set(`${fam}|${key(end)}`, [...l.path, famKey, j]);
      });
  // Each VRF is an address space of its own (features/vrf): subnets and addresses may repeat across spaces.
  const space = segmentSpaces(raw, segments);
  const spaceOfKey = new Map<string, string>();
  for (const seg of segments) for (const m of seg.members) spaceOfKey.set(key(m), space[seg.index]);
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
        if (space[explicitNets[a].i] === space[explicitNets[b].i] && overlaps(explicitNets[a].n, explicitNets[b].n)) {
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
      const id = `${spaceOfKey.get(k) ?? ''}|${c.address.toString(16)}`;
      const other = seen.get(id);
      if (other !== undefined)
        P.add(explicitWhere.get(`${fam}|${k}`) ?? explicitWhere.get(`${fam}|${other}`) ?? ['links'], 'E_DUPLICATE_ADDRESS', `${formatAddress(fam, c.address)} is given to both ${other} and ${k}`, 'give each interface its own address');
      else seen.set(id, k);
    }
    for (const seg of segments) segSubnet[fam][seg.index] && (fam === 4 ? (seg.ipv4 = segSubnet[4][seg.index]) : (seg.ipv6 = segSubnet[6][seg.index]));
  }
  return { ...d, addrOf, pools };
}
