// VLANs (IEEE 802.1Q): `vlan:` (access) and `vlans:` with `native_vlan:` (trunk) on a link to a switch. Pure: the
// segments pass asks which VLANs a link's switch end carries; the plan gets the switch's bridge VLAN table and the
// subinterfaces (eth0.10) of hosts and routers on trunks.

import { IFNAMSIZ_USABLE, type Operation, type ResolvedInterface, type ResolvedNode } from '../../model/index.js';
import type { DocPath, Problems } from '../../topology/passes/draft.js';

/** What the switch end of a link carries: one VLAN untagged (access), or several tagged plus an untagged native one. */
export type PortVlans = { access: number } | { trunk: number[]; native?: number };

/** Untagged frames of a port without a VLAN on a VLAN-aware switch, as the kernel's own default_pvid. */
export const DEFAULT_VLAN = 1;

/** The VLANs a port carries, untagged first (the segment of the link itself). */
export function portVids(v: PortVlans | undefined): number[] {
  if (!v) return [DEFAULT_VLAN];
  if ('access' in v) return [v.access];
  return [...(v.native !== undefined ? [v.native] : []), ...v.trunk];
}

/** The link's `vlan`/`vlans`/`native_vlan`, checked; undefined when it has none. */
export function linkVlans(rawLink: unknown, path: DocPath, ends: { node: string; isSwitch: boolean }[], P: Problems): PortVlans | undefined {
  if (!rawLink || typeof rawLink !== 'object' || Array.isArray(rawLink)) return undefined;
  const l = rawLink as { vlan?: number; vlans?: number[]; native_vlan?: number };
  if (l.vlan === undefined && l.vlans === undefined && l.native_vlan === undefined) return undefined;
  if (!ends.some((e) => e.isSwitch)) {
    P.add(path, 'E_VLAN_NEEDS_SWITCH', `VLANs are set on a switch port, and neither ${ends[0].node} nor ${ends[1].node} is a switch`, 'connect the nodes through a kind: switch node, or remove vlan/vlans from this link');
    return undefined;
  }
  if (l.vlan !== undefined && (l.vlans !== undefined || l.native_vlan !== undefined)) {
    P.add([...path, 'vlan'], 'E_VLAN_ACCESS_AND_TRUNK', 'a port is either an access port (vlan) or a trunk (vlans, native_vlan), not both', 'keep vlan: N for one VLAN untagged, or vlans: [...] for a trunk');
    return undefined;
  }
  if (l.vlan !== undefined) return { access: l.vlan };
  if (l.vlans === undefined) {
    P.add([...path, 'native_vlan'], 'E_NATIVE_WITHOUT_TRUNK', 'native_vlan applies to a trunk, and this link has no vlans', 'add vlans: [...], or write vlan: N for an access port');
    return undefined;
  }
  if (l.native_vlan !== undefined && l.vlans.includes(l.native_vlan)) {
    P.add([...path, 'native_vlan'], 'E_NATIVE_ALSO_TAGGED', `VLAN ${l.native_vlan} is both native (untagged) and in vlans (tagged)`, 'remove it from vlans');
    return undefined;
  }
  return { trunk: [...l.vlans].sort((a, b) => a - b), ...(l.native_vlan !== undefined ? { native: l.native_vlan } : {}) };
}

/** The subinterface name of `parent` for VLAN `id`, or a problem when it would not fit in IFNAMSIZ. */
export function subinterfaceName(parent: string, id: number, path: DocPath, P: Problems): string {
  const name = `${parent}.${id}`;
  if (name.length > IFNAMSIZ_USABLE)
    P.add(path, 'E_IFNAME_TOO_LONG', `the VLAN ${id} subinterface of ${parent} would be '${name}', longer than ${IFNAMSIZ_USABLE} characters`, 'give the interface a shorter name');
  return name;
}

/** Bridge VLAN table of a port: tagged VLANs, and the untagged one (also its PVID). */
export function bridgeVlansFor(v: PortVlans | undefined): { tagged: number[]; untagged?: number } {
  if (!v) return { tagged: [], untagged: DEFAULT_VLAN };
  if ('access' in v) return { tagged: [], untagged: v.access };
  return { tagged: v.trunk, ...(v.native !== undefined ? { untagged: v.native } : {}) };
}

const inNs = (node: ResolvedNode, tool: 'ip' | 'bridge', args: string[], subject: string): Operation => ({ kind: tool === 'ip' ? 'link.add' : 'link.set', tool, netns: node.netns, args, subject, undo: 'netns' });

/**
 * A VLAN-aware bridge: `vlan_filtering 1` with `vlan_default_pvid 0`, so that a port is in no VLAN until the plan
 * puts it in one (the kernel's default would put every port, trunks included, in VLAN 1 untagged).
 */
export const VLAN_BRIDGE_ARGS = ['vlan_filtering', '1', 'vlan_default_pvid', '0'];

/** `bridge vlan add` lines for a VLAN-aware switch's ports (after they are enslaved). */
export function switchVlanOps(node: ResolvedNode): Operation[] {
  const ops: Operation[] = [];
  for (const i of node.interfaces) {
    if (!i.bridgeVlans) continue;
    const s = `node ${node.name} port ${i.name}`;
    for (const vid of i.bridgeVlans.tagged) ops.push(inNs(node, 'bridge', ['vlan', 'add', 'dev', i.name, 'vid', String(vid)], s));
    if (i.bridgeVlans.untagged !== undefined) ops.push(inNs(node, 'bridge', ['vlan', 'add', 'dev', i.name, 'vid', String(i.bridgeVlans.untagged), 'pvid', 'untagged'], s));
  }
  return ops;
}

/** `ip link add link eth0 name eth0.10 type vlan id 10` for each subinterface of a host or router. */
export function subinterfaceOps(node: ResolvedNode): Operation[] {
  return node.interfaces
    .filter((i): i is ResolvedInterface & { vlan: { parent: string; id: number } } => !!i.vlan)
    .map((i) => inNs(node, 'ip', ['link', 'add', 'link', i.vlan.parent, 'name', i.name, 'type', 'vlan', 'id', String(i.vlan.id)], `node ${node.name} ${i.name}`));
}
