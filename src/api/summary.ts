// A readable table of what a lab holds: nodes, interfaces, addresses, and the links' impairments.

import { formatCidr, type ResolvedTopology } from '../model/index.js';
import { impairmentSummary } from '../plan/index.js';

export function summarizeTopology(t: ResolvedTopology): string {
  const rows: string[][] = [['NODE', 'KIND', 'INTERFACE', 'PEER', 'ADDRESSES']];
  for (const n of t.nodes) {
    if (n.interfaces.length === 0) rows.push([n.name, n.kind, '-', '-', '-']);
    n.interfaces.forEach((i, k) => {
      const addrs = [...i.ipv4, ...i.ipv6].map(formatCidr).join(' ') || (i.bridgePort ? '(bridge port)' : '-');
      rows.push([k === 0 ? n.name : '', k === 0 ? n.kind : '', i.name, `${i.peer.node}:${i.peer.ifname}`, addrs]);
    });
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ').trimEnd());
  const shaped = t.links.filter((l) => Object.keys(l.aToB).length || Object.keys(l.bToA).length);
  if (shaped.length) {
    lines.push('', 'SHAPED LINKS');
    for (const l of shaped) {
      const ab = impairmentSummary(l.aToB);
      const ba = impairmentSummary(l.bToA);
      lines.push(ab === ba ? `  ${l.a.node}-${l.b.node}: ${ab} each way` : `  ${l.a.node}->${l.b.node}: ${ab || 'none'}; ${l.b.node}->${l.a.node}: ${ba || 'none'}`);
    }
  }
  return lines.join('\n');
}
