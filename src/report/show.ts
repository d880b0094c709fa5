// `nslab show`: what a running lab is made of (nodes, interfaces, addresses, peers, links, impairments, processes),
// built from the journal plus the kernel's link states read now, as one JSON shape and a human table. Pure: the
// kernel reading and the liveness checks are done by the caller and passed in.

import { formatCidr, type Impairment, type Journal, type ResolvedTopology } from '../model/index.js';
import { impairmentSummary } from '../plan/index.js';
import { lastLinkStates } from '../topology/index.js';
import type { KernelLink } from '../exec/linkstate.js';

export type LinkState = 'up' | 'down' | 'unknown';

export interface ShowInterface {
  name: string;
  /** `node:ifname` at the other end of the veth. */
  peer: string;
  ipv4: string[];
  ipv6: string[];
  mtu?: number;
  /** The kernel's view now; null when it could not be read (see ShowReport.kernelRead). */
  kernel: (KernelLink & { state: LinkState }) | null;
}

export interface ShowNode {
  name: string;
  kind: string;
  netns: string;
  /** False when the namespace is gone (someone deleted it by hand). Null when not read. */
  present: boolean | null;
  interfaces: ShowInterface[];
  /** An OpenFlow switch: its datapath ID, the datapath its OVS was given (netdev: userspace; system: kernel; null: not known), controller and fail mode. */
  openflow?: { dpid: string; datapath: string | null; controller: string; failMode: string; ports: Record<string, number> };
}

export interface ShowLink {
  index: number;
  a: string;
  b: string;
  /** up: both ends administratively up with carrier; down: either is not; unknown: not read. */
  state: LinkState;
  /** What the journal last asked for (`nslab link … up|down`), if anything. */
  requested?: 'up' | 'down';
  /** Human summaries per direction, e.g. `{ "h1->s1": "10mbit 20ms" }`; empty when not impaired. */
  impairments: Record<string, string>;
  aToB: Impairment;
  bToA: Impairment;
}

export interface ShowProcess {
  node: string;
  pid: number;
  argv: string[];
  alive: boolean;
}

export interface ShowReport {
  lab: string;
  status: Journal['status'];
  kernel: Journal['kernel'];
  source: string;
  createdAt: string;
  /** Whether link states come from the kernel now; `kernelError` says why not. */
  kernelRead: boolean;
  kernelError?: string;
  nodes: ShowNode[];
  links: ShowLink[];
  processes: ShowProcess[];
  changes: { at: string; what: string }[];
}

export interface KernelView {
  /** The interface's state in that namespace, or undefined if the kernel has no such interface there. */
  link(netns: string, ifname: string): KernelLink | undefined;
  present(netns: string): boolean;
}

const stateOf = (k: KernelLink | undefined): LinkState => (!k ? 'down' : k.adminUp && k.carrier ? 'up' : 'down');


export function buildShowReport(
  j: Journal,
  t: ResolvedTopology,
  kernel: KernelView | { error: string },
  alive: (p: Journal['processes'][number]) => boolean,
  datapathOf: (node: string) => string | undefined = () => undefined,
): ShowReport {
  const k = 'error' in kernel ? undefined : kernel;
  const netnsOf = new Map(t.nodes.map((n) => [n.name, n.netns]));
  const ifState = (node: string, ifname: string): LinkState => (k ? stateOf(k.link(netnsOf.get(node)!, ifname)) : 'unknown');
  const requested = lastLinkStates(t, j.changes, ['up', 'down'] as const);
  return {
    lab: j.lab,
    status: j.status,
    kernel: j.kernel,
    source: j.source,
    createdAt: j.createdAt,
    kernelRead: !!k,
    ...('error' in kernel ? { kernelError: kernel.error } : {}),
    nodes: t.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      netns: n.netns,
      present: k ? k.present(n.netns) : null,
      ...(n.openflow
        ? {
            openflow: {
              dpid: n.openflow.dpid,
              datapath: datapathOf(n.name) ?? null,
              controller: n.openflow.controller.type === 'none' ? 'none' : `${n.openflow.controller.type} ${n.openflow.controller.target}`,
              failMode: n.openflow.failMode,
              ports: n.openflow.ports,
            },
          }
        : {}),
      interfaces: n.interfaces.map((i) => {
        const kl = k?.link(n.netns, i.name);
        return {
          name: i.name,
          peer: `${i.peer.node}:${i.peer.ifname}`,
          ipv4: i.ipv4.map(formatCidr),
          ipv6: i.ipv6.map(formatCidr),
          ...(i.mtu !== undefined ? { mtu: i.mtu } : {}),
          kernel: kl ? { ...kl, state: stateOf(kl) } : null,
        };
      }),
    })),
    links: t.links.map((l) => {
      const ends = [ifState(l.a.node, l.a.ifname), ifState(l.b.node, l.b.ifname)];
      const impairments: Record<string, string> = {};
      for (const [from, to, imp] of [[l.a.node, l.b.node, l.aToB], [l.b.node, l.a.node, l.bToA]] as const) {
        const s = impairmentSummary(imp);
        if (s) impairments[`${from}->${to}`] = s;
      }
      const req = requested.get(l.index);
      return {
        index: l.index,
        a: `${l.a.node}:${l.a.ifname}`,
        b: `${l.b.node}:${l.b.ifname}`,
        state: !k ? 'unknown' : ends.every((s) => s === 'up') ? 'up' : 'down',
        ...(req ? { requested: req } : {}),
        impairments,
        aToB: l.aToB,
        bToA: l.bToA,
      };
    }),
    processes: j.processes.map((p) => ({ node: p.node, pid: p.pid, argv: p.argv, alive: alive(p) })),
    changes: j.changes.map((c) => ({ at: c.at, what: c.what })),
  };
}

/** The lab's addresses, with what the kernel lacks or has besides (IPv6 addresses go when a link goes down). */
function addresses(i: ShowInterface): string {
  const want = [...i.ipv4, ...i.ipv6];
  const text = [want.join(' ')];
  if (i.kernel) {
    const lacking = want.filter((a) => !i.kernel!.addresses.includes(a));
    const extra = i.kernel.addresses.filter((a) => !want.includes(a));
    if (lacking.length) text.push(`(not in the kernel: ${lacking.join(' ')})`);
    if (extra.length) text.push(`(also: ${extra.join(' ')})`);
  }
  return text.filter(Boolean).join(' ');
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((x, c) => (x ?? '').padEnd(w[c])).join('  ').trimEnd()).join('\n');
}

/** The links table: each link, its state read from the kernel, and its impairments (Mininet's `links`). */
export function formatShowLinks(r: ShowReport): string {
  const linkRows = [['LINK', 'STATE', 'IMPAIRMENTS']];
  for (const l of r.links)
    linkRows.push([`${l.a} <-> ${l.b}`, l.state + (l.requested && l.requested !== l.state && l.state !== 'unknown' ? ` (asked ${l.requested})` : ''), Object.entries(l.impairments).map(([d, s]) => `${d}: ${s}`).join('; ')]);
  return table(linkRows);
}

/** The human form: a header, then nodes with their interfaces (Mininet's `dump`/`intfs`), links (`net`/`links`), processes. */
export function formatShow(r: ShowReport): string {
  const out: string[] = [];
  const down = r.links.filter((l) => l.state === 'down').length;
  out.push(`lab '${r.lab}' ${r.status} (kernel ${r.kernel}, from ${r.source}, created ${r.createdAt}): ${r.nodes.length} nodes, ${r.links.length} links${r.kernelRead ? `, ${down} down` : ''}`);
  if (!r.kernelRead) out.push(`link states not read from the kernel: ${r.kernelError}`);
  const missing = r.nodes.filter((n) => n.present === false).map((n) => n.name);
  if (missing.length) out.push(`namespaces gone: ${missing.join(', ')}`);
  const st = (i: ShowInterface) => (!i.kernel ? (r.kernelRead ? 'missing' : '?') : `${i.kernel.state}${i.kernel.state === 'down' ? ` (${i.kernel.adminUp ? 'no carrier' : 'admin down'})` : ''}`);
  const nodeRows = [['NODE', 'KIND', 'INTERFACE', 'STATE', 'PEER', 'ADDRESSES']];
  for (const n of r.nodes) {
    if (!n.interfaces.length) nodeRows.push([n.name, n.kind, '-', '', '', '']);
    n.interfaces.forEach((i, k) => nodeRows.push([k ? '' : n.name, k ? '' : n.kind, i.name, st(i), i.peer, addresses(i)]));
  }
  out.push('', table(nodeRows));
  out.push('', formatShowLinks(r));
  const of = r.nodes.filter((n) => n.openflow);
  if (of.length) {
    const dp = (d: string | null) => (d === 'netdev' ? 'userspace (netdev)' : d === 'system' ? 'kernel (system)' : (d ?? '?'));
    out.push('', table([['OPENFLOW SWITCH', 'DPID', 'DATAPATH', 'CONTROLLER', 'FAIL MODE', 'PORTS'], ...of.map((n) => [n.name, n.openflow!.dpid, dp(n.openflow!.datapath), n.openflow!.controller, n.openflow!.failMode, Object.entries(n.openflow!.ports).map(([i, p]) => `${p}:${i}`).join(' ')])]));
  }
  if (r.processes.length) {
    out.push('', table([['PROCESS', 'NODE', 'STATE', 'COMMAND'], ...r.processes.map((p) => [String(p.pid), p.node, p.alive ? 'alive' : 'dead', p.argv.join(' ').replace(/\s*\n\s*/g, '; ')])]));
  }
  if (r.changes.length) out.push('', 'changes:', ...r.changes.map((c) => `  ${c.at}  ${c.what}`));
  return out.join('\n');
}
