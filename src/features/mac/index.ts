// MACs and static ARP: every interface gets a deterministic, readable Ethernet address (or the one its link's `mac:`
// gives), and nodes with `arp: static` get PERMANENT neighbour entries (ARP and ND) for every address on their
// segments, made at build time in the same batches as the addresses. Pure: it sets data and returns operations.
//
// The address scheme, 02:LL:LL:NN:NN:II:
// - 02: the first octet's bit 1 (locally administered) set and bit 0 (multicast) clear, so it is a unicast address
//   that no vendor's card carries (IEEE 802 §8.2). An interface number above 255 (only a switch with that many
//   ports) borrows the first octet's upper six bits: 0x02 | (I >> 8) << 2 keeps both bits, up to 16383 interfaces.
// - LL:LL: a 16-bit tag of the lab's name (FNV-1a, folded), so captures of two labs are told apart.
// - NN:NN: the node's number in the file (1-based, generated nodes after written ones); II: the interface's number
//   on the node (eth0 → 00 with the default names). h1's eth0, the first node, is 02:LL:LL:00:01:00.
// Within a lab every (node, interface) pair is a different address by construction. Across labs the tag can collide
// (1 in 65536 per pair of names), and that is harmless: a lab's links live only in its own namespaces and never share
// a segment with the host or with another lab, so no two labs' frames ever meet. The same file and lab name give the
// same addresses on every `up`, so captures are reproducible.

import { formatAddress, formatCidr, type Cidr, type Operation, type ResolvedInterface, type ResolvedNode, type ResolvedTopology } from '../../model/index.js';
import { linkLocalFor } from '../../plan/compile.js';
import type { DocPath, WithInterfaces } from '../../topology/passes/draft.js';

export const MAC_PATTERN = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;

/** 16 bits of the lab name: FNV-1a (32-bit) folded by xor, so that every character counts. */
export function labMacTag(lab: string): number {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(String(lab), 'utf8')) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return ((h >>> 16) ^ h) & 0xffff;
}

const MAX_INTERFACE_NUMBER = (0x3f << 8) | 0xff;

/** The generated address of interface number `ifIndex` (0-based) of node number `nodeNumber` (1-based). */
export function generatedMac(lab: string, nodeNumber: number, ifIndex: number): string {
  const tag = labMacTag(lab);
  const bytes = [0x02 | ((ifIndex >> 8) << 2), tag >> 8, tag & 0xff, (nodeNumber >> 8) & 0xff, nodeNumber & 0xff, ifIndex & 0xff];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The resolution hook (after the interfaces pass): addresses on every interface, `mac:` checked, each node's arp. */
export function assignMacs(d: WithInterfaces): void {
  const P = d.problems;
  const where = new Map<string, DocPath>();
  // Explicit addresses, from each link's `mac: [a, b]`.
  for (const l of d.links) {
    const raw = d.raw.links?.[l.index];
    // Resolution also runs on documents the schema refused (all problems at once): take nothing on trust.
    const macs = raw && typeof raw === 'object' && !Array.isArray(raw) && Array.isArray(raw.mac) ? (raw.mac as unknown[]) : undefined;
    macs?.forEach((m, j) => {
      if (typeof m !== 'string') return;
      const path: DocPath = [...l.path, 'mac', j];
      const mac = m.toLowerCase();
      if (!MAC_PATTERN.test(mac)) return; // the schema reports the format
      const first = parseInt(mac.slice(0, 2), 16);
      if (first & 1) return P.add(path, 'E_MAC_MULTICAST', `${m} is a multicast address (bit 0 of its first octet is set): an interface cannot have it`, `use a unicast address (bit 0 clear), e.g. ${(first & 0xfe).toString(16).padStart(2, '0')}${mac.slice(2)}`);
      if (/^00(:00){5}$/.test(mac)) return P.add(path, 'E_BAD_MAC', `${m} is the all-zero address: the kernel refuses it`, 'use a unicast address such as 02:00:00:00:00:01');
      const end = d.endRefs[l.index][j];
      where.set(`${end.node}:${end.ifname}`, path);
      const iface = d.byName.get(end.node)?.interfaces.find((i) => i.name === end.ifname);
      if (iface) iface.mac = mac;
    });
  }
  d.nodes.forEach((node, n) => {
    node.interfaces.forEach((iface, i) => {
      if (iface.mac) return;
      if (i > MAX_INTERFACE_NUMBER)
        return P.add(['nodes', node.name], 'E_TOO_MANY_INTERFACES', `'${node.name}' has ${node.interfaces.length} interfaces; generated MACs number at most ${MAX_INTERFACE_NUMBER + 1} per node`, 'split the switch in two joined by a link');
      iface.mac = generatedMac(d.lab, n + 1, i);
    });
    const mode = (d.raw.nodes[node.name]?.arp as ResolvedNode['arp']) ?? d.raw.arp;
    if (mode === 'static' && node.kind !== 'switch') node.arp = 'static';
  });
  // No two interfaces of one segment (switch ports included) with the same address.
  const seen = new Map<string, string>();
  for (const node of d.nodes)
    for (const iface of node.interfaces) {
      if (!iface.mac) continue;
      const key = `${iface.segment}|${iface.mac}`;
      const me = `${node.name}:${iface.name}`;
      const other = seen.get(key);
      if (other === undefined) {
        seen.set(key, me);
        continue;
      }
      const path = where.get(me) ?? where.get(other) ?? ['links', iface.link];
      P.add(path, 'E_DUPLICATE_MAC', `${iface.mac} is given to both ${other} and ${me}, which are on one L2 segment`, 'give each interface of a segment its own address (or null, to keep the generated one)');
    }
}

/** The addresses a neighbour answers to on a segment: its IPv4 and IPv6 addresses, and its IPv6 link-local one. */
function neighbourAddresses(i: ResolvedInterface): Cidr[] {
  return [...i.ipv4, ...(i.ipv6.length ? [linkLocalFor(i.ipv6[0])] : []), ...i.ipv6];
}

/**
 * PERMANENT neighbour entries for a node with `arp: static`: on each of its interfaces (or only `ifname`), one per
 * address of every other non-switch interface on that segment. `replace`, so that re-adding them after a link
 * comes back up (the kernel flushes even PERMANENT entries when a device goes administratively down) cannot fail.
 * `index` maps a segment to its interfaces (see segmentInterfaces), built once per topology.
 */
export function staticNeighbourOps(node: ResolvedNode, index: Map<number, { node: string; iface: ResolvedInterface }[]>, ifname?: string): Operation[] {
  if (node.arp !== 'static') return [];
  const ops: Operation[] = [];
  for (const iface of node.interfaces) {
    if (ifname !== undefined && iface.name !== ifname) continue;
    for (const peer of index.get(iface.segment) ?? []) {
      if ((peer.node === node.name && peer.iface.name === iface.name) || !peer.iface.mac) continue;
      for (const c of neighbourAddresses(peer.iface)) {
        // Only where this end can reach it: a family the interface has (a v4-only end makes no ND entries).
        if ((c.family === 4 ? iface.ipv4 : iface.ipv6).length === 0) continue;
        const addr = formatAddress(c.family, c.address);
        ops.push({
          kind: 'neigh.add',
          tool: 'ip',
          netns: node.netns,
          args: ['neigh', 'replace', addr, 'lladdr', peer.iface.mac, 'dev', iface.name, 'nud', 'permanent'],
          subject: `node ${node.name} ${iface.name} neighbour ${peer.node} ${formatCidr(c).replace(/\/\d+$/, '')}`,
          undo: 'netns',
        });
      }
    }
  }
  return ops;
}

/** Each segment's addressed interfaces (switch ports carry no address and answer nothing), for staticNeighbourOps. */
export function segmentInterfaces(t: Pick<ResolvedTopology, 'nodes'>): Map<number, { node: string; iface: ResolvedInterface }[]> {
  const index = new Map<number, { node: string; iface: ResolvedInterface }[]>();
  for (const n of t.nodes)
    for (const iface of n.interfaces) {
      if (iface.bridgePort) continue;
      const list = index.get(iface.segment) ?? [];
      list.push({ node: n.name, iface });
      index.set(iface.segment, list);
    }
  return index;
}
