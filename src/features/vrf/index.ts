// VRFs: `nodes.r1.vrfs: { red: [eth1, eth2], blue: [eth3] }` gives a router separate routing tables. Pure: which
// VRF an interface is in (addressing lets subnets overlap across VRFs), a per-VRF view of the lab for auto routing
// (each VRF of a router routes as a router of its own), and the VRF devices for the plan.

import type { Operation, RawTopology, ResolvedNode, Segment } from '../../model/index.js';
import type { Problems } from '../../topology/passes/draft.js';

/** Routing table of a node's first VRF; the next ones count up. Clear of main (254), local (255) and default (253). */
export const FIRST_VRF_TABLE = 1001;

function rawVrfs(raw: RawTopology, node: string): Record<string, string[]> | undefined {
  const v = raw.nodes[node]?.vrfs;
  return v && typeof v === 'object' ? (v as Record<string, string[]>) : undefined;
}

/** The VRF of `node:ifname` as the file writes it ('' for the main table). */
export function vrfOf(raw: RawTopology, node: string, ifname: string): string {
  const v = rawVrfs(raw, node);
  if (!v) return '';
  for (const [name, ifs] of Object.entries(v)) if (ifs.includes(ifname)) return name;
  return '';
}

/** Each segment's address space: the VRF of its routers' interfaces on it ('' for the main table). */
export function segmentSpaces(raw: RawTopology, segments: Segment[]): string[] {
  return segments.map((s) => s.members.map((m) => vrfOf(raw, m.node, m.ifname)).find((v) => v) ?? '');
}

/** Check the node's `vrfs` against its interfaces and mark them (iface.vrf, node.vrfs with their tables). */
export function applyVrfs(raw: RawTopology, nodes: ResolvedNode[], P: Problems): void {
  for (const node of nodes) {
    const v = rawVrfs(raw, node.name);
    if (!v) continue;
    const path = ['nodes', node.name, 'vrfs'];
    if (node.kind === 'switch') {
      P.add(path, 'E_VRF_ON_SWITCH', `'${node.name}' is a switch: it has no routing table`, `remove vrfs from '${node.name}', or make it kind: router`);
      continue;
    }
    const seen = new Map<string, string>();
    node.vrfs = Object.keys(v).map((name, k) => ({ name, table: FIRST_VRF_TABLE + k }));
    for (const [name, ifs] of Object.entries(v)) {
      if (node.interfaces.some((i) => i.name === name)) P.add([...path, name], 'E_VRF_NAME_TAKEN', `'${name}' is already an interface of '${node.name}'`, 'give the VRF another name');
      ifs.forEach((ifname, j) => {
        const iface = node.interfaces.find((i) => i.name === ifname);
        if (!iface) return P.add([...path, name, j], 'E_UNKNOWN_DEV', `'${node.name}' has no interface '${ifname}'`, `interfaces of ${node.name}: ${node.interfaces.filter((i) => !i.bondOf).map((i) => i.name).join(', ') || 'none'}`);
        if (iface.bondOf) return P.add([...path, name, j], 'E_VRF_BOND_MEMBER', `${ifname} is a member of ${iface.bondOf}`, `put ${iface.bondOf} in the VRF instead`);
        const other = seen.get(ifname);
        if (other) return P.add([...path, name, j], 'E_VRF_TWICE', `${ifname} is already in VRF ${other}`, 'an interface belongs to one VRF');
        seen.set(ifname, name);
        iface.vrf = name;
      });
    }
  }
}

/**
 * The lab as auto routing sees it with VRFs: a router with VRFs becomes one router per VRF (`r1%red`) plus one for
 * its interfaces in the main table, each with its own interfaces; segment members are renamed to match. Routes
 * computed on the view are handed back with `commit`, each tagged with its VRF.
 */
export function vrfRoutingView(nodes: ResolvedNode[], segments: Segment[]): { nodes: ResolvedNode[]; segments: Segment[]; commit: () => void } | undefined {
  if (!nodes.some((n) => n.vrfs?.length && n.kind === 'router')) return undefined;
  const parts: { real: ResolvedNode; part: ResolvedNode; vrf: string }[] = [];
  const viewName = (n: ResolvedNode, vrf: string) => (vrf ? `${n.name}%${vrf}` : n.name);
  const view: ResolvedNode[] = [];
  const split = new Set<string>();
  for (const n of nodes) {
    if (!(n.vrfs?.length && n.kind === 'router')) {
      view.push(n);
      continue;
    }
    split.add(n.name);
    for (const vrf of ['', ...n.vrfs.map((v) => v.name)]) {
      const part: ResolvedNode = { ...n, name: viewName(n, vrf), interfaces: n.interfaces.filter((i) => (i.vrf ?? '') === vrf), routes: [] };
      parts.push({ real: n, part, vrf });
      view.push(part);
    }
  }
  const ifVrf = new Map(nodes.flatMap((n) => n.interfaces.map((i) => [`${n.name}:${i.name}`, i.vrf ?? ''] as const)));
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const viewSegments = segments.map((s) => ({
    ...s,
    members: s.members.map((m) => (split.has(m.node) ? { node: viewName(byName.get(m.node)!, ifVrf.get(`${m.node}:${m.ifname}`) ?? ''), ifname: m.ifname } : m)),
  }));
  return {
    nodes: view,
    segments: viewSegments,
    commit: () => {
      for (const { real, part, vrf } of parts) real.routes.push(...part.routes.map((r) => (vrf ? { ...r, vrf } : r)));
    },
  };
}

/** VRF devices (up), and their interfaces enslaved while still down and unaddressed: enslaving cycles the device. */
export function vrfOps(node: ResolvedNode): Operation[] {
  const ops: Operation[] = [];
  for (const v of node.vrfs ?? []) {
    const s = `node ${node.name} vrf ${v.name}`;
    ops.push({ kind: 'link.add', tool: 'ip', netns: node.netns, args: ['link', 'add', 'name', v.name, 'type', 'vrf', 'table', String(v.table)], subject: s, undo: 'netns' });
    ops.push({ kind: 'link.set', tool: 'ip', netns: node.netns, args: ['link', 'set', 'dev', v.name, 'up'], subject: s, undo: 'netns' });
    for (const i of node.interfaces)
      if (i.vrf === v.name) ops.push({ kind: 'link.set', tool: 'ip', netns: node.netns, args: ['link', 'set', 'dev', i.name, 'master', v.name], subject: `${s} ${i.name}`, undo: 'netns' });
  }
  return ops;
}
