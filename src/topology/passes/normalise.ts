// Pass 1, normalise: both link forms (`[a, b]` and `{endpoints: …}`) in one shape; endpoint, interface-name and
// address-syntax checks; every endpoint gets its interface name (given, or the next free ethN of its node).

import {
  IFNAME_PATTERN,
  IFNAMSIZ_USABLE,
  isReservedInSubnet,
  parseCidr,
  SWITCH_BRIDGE_NAME,
  type EndpointRef,
  type RawImpairment,
  type RawLink,
  type RawTopology,
} from '../../model/index.js';
import { IMPAIRMENT_KEYS } from '../impair.js';
import { formatDocPath } from '../yaml.js';
import type { Base, DocPath, NormalLink, Normalised } from './draft.js';

export function normaliseLinks(raw: RawTopology): NormalLink[] {
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

export function normalise(d: Base): Normalised {
  const P = d.problems;
  const { kindOf, nodeNames } = d;
  const allLinks = normaliseLinks(d.raw);
  // A link with a broken endpoint is reported and then left out, so that the passes after this one (segments,
  // loops, addresses) still run on the rest and every problem is reported in one go.
  const badLinks = new Set<number>();
  const fixedNames = new Map<string, Map<string, DocPath>>(); // node → ifname → where
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
  const links = allLinks.filter((l) => !badLinks.has(l.index));

  // Interface names: the given ones are reserved first, the rest take the lowest free ethN of their node, in file order.
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
  const endRefs: [EndpointRef, EndpointRef][] = [];
  for (const l of links) endRefs[l.index] = [
    { node: l.ends[0].node, ifname: ifnameOf(l, 0) },
    { node: l.ends[1].node, ifname: ifnameOf(l, 1) },
  ];
  return { ...d, allLinks, links, endRefs };
}
