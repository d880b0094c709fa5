// Link aggregation: parallel links between the same two nodes with `lag:` become one bond on each node (bond0,
// bond1, …), addressed as one interface, bridged as one port by a switch. Pure: the groups for the segments pass,
// and the bond's creation and enslaving for the plan.

import type { EndpointRef, LagMode, Operation, ResolvedNode } from '../../model/index.js';
import type { NormalLink, Problems } from '../../topology/passes/draft.js';

export interface LagGroup {
  /** l.index of the member links, in file order. */
  links: number[];
  /** The two nodes, as the first member link orders them, and each one's bond. */
  ends: [EndpointRef, EndpointRef];
  mode: LagMode;
}

/** Links with `lag:` grouped by node pair (and `group`); each group of two or more gets a bond on both nodes. */
export function lagGroups(raw: { links?: unknown[] }, links: NormalLink[], fixedNames: (node: string) => Set<string>, P: Problems): Map<number, LagGroup> {
  const byKey = new Map<string, { group: LagGroup; first: NormalLink }>();
  const order: LagGroup[] = [];
  for (const l of links) {
    const r = raw.links?.[l.index] as { lag?: true | { mode?: LagMode; group?: string } } | undefined;
    if (!r || Array.isArray(r) || r.lag === undefined) continue;
    const spec = r.lag === true ? {} : r.lag;
    const [a, b] = [l.ends[0].node, l.ends[1].node];
    if (a === b) continue; // a self-link is reported by normalise
    const key = `${[a, b].sort().join('\u0000')}\u0000${spec.group ?? ''}`;
    const found = byKey.get(key);
    if (!found) {
      const group: LagGroup = { links: [l.index], ends: [{ node: a, ifname: '' }, { node: b, ifname: '' }], mode: spec.mode ?? '802.3ad' };
      byKey.set(key, { group, first: l });
      order.push(group);
    } else {
      if (spec.mode && spec.mode !== found.group.mode)
        P.add([...l.path, 'lag', 'mode'], 'E_LAG_MODE_MIXED', `this link's bond mode ${spec.mode} differs from ${found.group.mode}, the mode of the first link of its bond`, 'give every member link the same mode (or none)');
      found.group.links.push(l.index);
    }
  }
  const out = new Map<number, LagGroup>();
  const next = new Map<string, number>();
  for (const { group, first } of byKey.values()) {
    if (group.links.length < 2) {
      P.add([...first.path, 'lag'], 'E_LAG_ONE_LINK', `a bond needs two or more links between ${group.ends[0].node} and ${group.ends[1].node}; this is the only one`, 'add a parallel link with the same lag setting, or remove lag');
      continue;
    }
    for (const e of group.ends) {
      let i = next.get(e.node) ?? 0;
      while (fixedNames(e.node).has(`bond${i}`)) i++;
      next.set(e.node, i + 1);
      e.ifname = `bond${i}`;
    }
    for (const li of group.links) out.set(li, group);
  }
  return out;
}

/** The bond's end on `node`. */
export function bondOn(g: LagGroup, node: string): EndpointRef {
  return g.ends[0].node === node ? g.ends[0] : g.ends[1];
}

/**
 * Create each bond of the node and enslave its members (veths are created down, as enslaving requires). miimon
 * 100 ms notices a member whose carrier went away; 802.3ad with lacp_rate fast sends LACPDUs every second (not 30 s),
 * so a bundle forms, and re-forms, in about a second.
 */
export function bondOps(node: ResolvedNode): Operation[] {
  const ops: Operation[] = [];
  for (const i of node.interfaces) {
    if (!i.bond) continue;
    const s = `node ${node.name} ${i.name}`;
    const mode = i.bond.mode === '802.3ad' ? ['mode', '802.3ad', 'lacp_rate', 'fast', 'xmit_hash_policy', 'layer3+4'] : ['mode', 'active-backup'];
    ops.push({ kind: 'link.add', tool: 'ip', netns: node.netns, args: ['link', 'add', 'name', i.name, 'type', 'bond', ...mode, 'miimon', '100'], subject: s, undo: 'netns' });
    // Enslaving needs the member down. A fresh veth is down already; in a containerlab export the link is up.
    for (const m of i.bond.members)
      ops.push(
        { kind: 'link.set', tool: 'ip', netns: node.netns, args: ['link', 'set', 'dev', m, 'down'], subject: `${s} member ${m}`, undo: 'netns' },
        { kind: 'link.set', tool: 'ip', netns: node.netns, args: ['link', 'set', 'dev', m, 'master', i.name], subject: `${s} member ${m}`, undo: 'netns' },
      );
  }
  return ops;
}
