// One drawing model for every output format: DOT and Mermaid render the same nodes, edges and labels, so the
// two pictures of a lab can never disagree. Large labs are grouped here, once, for all formats.
//
// Grouping (labs above GROUP_THRESHOLD nodes, or `group: 'always'`): hosts with exactly one interface whose
// peer is a switch or a router are "leaf hosts"; two or more leaf hosts on the same switch (or router, as in a
// fat-tree's edge layer) collapse into one node labelled `h1..h40 (40 hosts)`. Routers, switches, multi-homed
// hosts and hosts wired to another host stay, because they are the structure a reader wants to see. Grouped drawings drop the per-edge addresses (a 200-host LAN has
// 200 of them and they are in `nslab up`'s summary anyway) but keep interface names and impairments. Why 50:
// Graphviz's dot layout of a ~50-node lab with address labels still fits a README page; above that the labels
// overlap and the picture stops being read.

import { formatCidr, type Impairment, type NodeKind, type ResolvedLink, type ResolvedTopology } from '../model/index.js';
import { impairmentSummary } from '../plan/index.js';

export const GROUP_THRESHOLD = 50;

export interface GraphOptions {
  /** `auto` (default): group leaf hosts only above GROUP_THRESHOLD nodes. */
  group?: 'auto' | 'always' | 'never';
}

export interface GraphNode {
  /** Unique within the graph; a topology node's name, or `hosts@PARENT` for a group (no node name has '@'). */
  id: string;
  label: string;
  kind: NodeKind;
  /** The topology nodes this drawing node stands for: one, or the members of a group. */
  members: string[];
}

export interface GraphEnd {
  /** A GraphNode id. */
  node: string;
  /** Interface name at this end; absent for a group whose members use different names. */
  ifname?: string;
  /** CIDRs on this end, IPv4 first; empty on switch ports and in grouped drawings. */
  addresses: string[];
}

export interface GraphEdge {
  a: GraphEnd;
  b: GraphEnd;
  /** Impairment lines: none, one when both directions match, or one per direction (`r1→r2: 10mbit`). */
  impairment: string[];
  /** How many topology links the edge stands for (more than one for a group). */
  links: number;
}

export interface LabGraph {
  name: string;
  grouped: boolean;
  nodes: GraphNode[];
  edges: GraphEdge[];
}

const addressesOf = (t: ResolvedTopology, node: string, ifname: string): string[] => {
  const i = t.nodes.find((n) => n.name === node)?.interfaces.find((x) => x.name === ifname);
  return i ? [...i.ipv4, ...i.ipv6].map(formatCidr) : [];
};

/** Summaries compared as text: two directions that print the same are drawn as one label. */
export function impairmentLines(aName: string, bName: string, aToB: Impairment, bToA: Impairment): string[] {
  const ab = impairmentSummary(aToB);
  const ba = impairmentSummary(bToA);
  if (ab === ba) return ab ? [ab] : [];
  return [`${aName}→${bName}: ${ab || 'unimpaired'}`, `${bName}→${aName}: ${ba || 'unimpaired'}`];
}

/** `h1..h40 (40 hosts)`: first and last in topology order; the count says how many are in between. */
function groupLabel(members: string[]): string {
  const span = members.length === 2 ? `${members[0]}, ${members[1]}` : `${members[0]}..${members[members.length - 1]}`;
  return `${span} (${members.length} hosts)`;
}

/** The switch or router a leaf host hangs off, or undefined when the host is not a leaf. */
function leafParent(n: ResolvedTopology['nodes'][number], kindOf: Map<string, NodeKind>): string | undefined {
  if (n.kind !== 'host' || n.interfaces.length !== 1) return undefined;
  const peer = n.interfaces[0].peer.node;
  return kindOf.get(peer) !== 'host' ? peer : undefined;
}

/** How an edge label names a node: its name, or `40 hosts` for a group (the node itself shows the range). */
export function endName(g: LabGraph, id: string): string {
  const n = g.nodes.find((x) => x.id === id)!;
  return n.members.length > 1 ? `${n.members.length} hosts` : n.label;
}

export function buildGraph(t: ResolvedTopology, opts: GraphOptions = {}): LabGraph {
  const mode = opts.group ?? 'auto';
  const grouped = mode === 'always' || (mode === 'auto' && t.nodes.length > GROUP_THRESHOLD);
  const kindOf = new Map(t.nodes.map((n) => [n.name, n.kind]));

  // Which hosts collapse, and into which group id.
  const groupOf = new Map<string, string>();
  const groupMembers = new Map<string, string[]>();
  if (grouped) {
    const byParent = new Map<string, string[]>();
    for (const n of t.nodes) {
      const p = leafParent(n, kindOf);
      if (p) byParent.get(p)?.push(n.name) ?? byParent.set(p, [n.name]);
    }
    for (const [parent, hosts] of byParent) {
      if (hosts.length < 2) continue;
      const id = `hosts@${parent}`;
      groupMembers.set(id, hosts);
      for (const h of hosts) groupOf.set(h, id);
    }
  }

  // Nodes in topology order; a group takes the place of its first member.
  const nodes: GraphNode[] = [];
  for (const n of t.nodes) {
    const g = groupOf.get(n.name);
    if (!g) nodes.push({ id: n.name, label: n.name, kind: n.kind, members: [n.name] });
    else if (groupMembers.get(g)![0] === n.name) nodes.push({ id: g, label: groupLabel(groupMembers.get(g)!), kind: 'host', members: groupMembers.get(g)! });
  }

  const edges: GraphEdge[] = [];
  const groupLinks = new Map<string, ResolvedLink[]>();
  // A group's edge sits where its first link was, so edge order (and so the layout) follows the file.
  const groupSlot = new Map<string, number>();
  for (const l of t.links) {
    const g = groupOf.get(l.a.node) ?? groupOf.get(l.b.node);
    if (g) {
      if (!groupSlot.has(g)) {
        groupSlot.set(g, edges.length);
        edges.push(undefined as unknown as GraphEdge); // filled below, once all of the group's links are known
      }
      groupLinks.get(g)?.push(l) ?? groupLinks.set(g, [l]);
      continue;
    }
    edges.push({
      a: { node: l.a.node, ifname: l.a.ifname, addresses: grouped ? [] : addressesOf(t, l.a.node, l.a.ifname) },
      b: { node: l.b.node, ifname: l.b.ifname, addresses: grouped ? [] : addressesOf(t, l.b.node, l.b.ifname) },
      impairment: impairmentLines(l.a.node, l.b.node, l.aToB, l.bToA),
      links: 1,
    });
  }
  for (const [g, links] of groupLinks) {
    // Orient every member link host → parent, so "the hosts' side" and "the parent's side" can be compared.
    const oriented = links.map((l) => (groupOf.get(l.a.node) === g ? { host: l.a, up: l.aToB, down: l.bToA } : { host: l.b, up: l.bToA, down: l.aToB }));
    const parent = g.slice('hosts@'.length);
    const hostIfs = new Set(oriented.map((o) => o.host.ifname));
    const labels = new Set(oriented.map((o) => JSON.stringify(impairmentLines('hosts', parent, o.up, o.down))));
    edges[groupSlot.get(g)!] = {
      a: { node: g, ifname: hostIfs.size === 1 ? oriented[0].host.ifname : undefined, addresses: [] },
      b: { node: parent, addresses: [] },
      impairment: labels.size === 1 ? (JSON.parse([...labels][0]) as string[]) : [`impairments differ across the ${links.length} links`],
      links: links.length,
    };
  }
  return { name: t.name, grouped, nodes, edges };
}
