// Graphviz DOT for a lab: an undirected graph, left to right; each node's kind has its own shape and colour, each
// edge carries one label: both ends (node:interface and addresses) and the impairment below them.
// Why one centred label and not headlabel/taillabel at the ends: dot lays out around centred edge labels (they
// become virtual nodes) but draws head/tail labels after layout, on top of the nodes — measured on the shipped
// examples, every address label overlapped its node. A centred label names both ends, so it reads either way.

import type { NodeKind, ResolvedTopology } from '../model/index.js';
import { buildGraph, endName, type GraphEdge, type GraphEnd, type GraphOptions, type LabGraph } from './model.js';

/** Shapes a reader tells apart without a legend: hosts are boxes, routers ovals, switches hexagons. */
export const KIND_STYLE: Record<NodeKind, { shape: string; fill: string; stroke: string }> = {
  host: { shape: 'box', fill: '#dbeafe', stroke: '#1d4ed8' },
  router: { shape: 'oval', fill: '#fde68a', stroke: '#b45309' },
  switch: { shape: 'hexagon', fill: '#bbf7d0', stroke: '#15803d' },
};

/** A DOT double-quoted string: `\` and `"` escaped, newlines as DOT's own `\n` (centred line break). */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

const attrs = (a: Record<string, string | undefined>): string =>
  Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${dotString(v!)}`)
    .join(', ');

/** Text for a Graphviz HTML-like label. */
export function dotHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One row per end: `h1:eth0` then its addresses, one per line. */
function endRow(name: string, e: GraphEnd): string {
  const who = `<b>${dotHtml(name)}</b>${e.ifname ? `:${dotHtml(e.ifname)}` : ''}`;
  const addrs = e.addresses.map(dotHtml).join('<br align="left"/>');
  return `<tr><td align="left" valign="top">${who}</td><td align="left">${addrs ? addrs + '<br align="left"/>' : ''}</td></tr>`;
}

function edgeLabel(g: LabGraph, e: GraphEdge): string {
  const rows = [endRow(endName(g, e.a.node), e.a), endRow(endName(g, e.b.node), e.b)];
  for (const line of e.impairment) rows.push(`<tr><td colspan="2" align="left"><font color="#b91c1c">${dotHtml(line)}</font></td></tr>`);
  return `<<table border="0" cellborder="0" cellspacing="0" cellpadding="1">${rows.join('')}</table>>`;
}

export function graphToDot(g: LabGraph): string {
  const lines = [
    `graph ${dotString(g.name)} {`,
    // ranksep leaves room for the end labels of a LR layout; the graph label names the lab in the picture.
    `  graph [rankdir="LR", label=${dotString(`lab ${g.name}${g.grouped ? ' (leaf hosts grouped)' : ''}`)}, labelloc="t", fontname="Helvetica", fontsize="14", nodesep="0.3", ranksep="0.4"];`,
    `  node [fontname="Helvetica", fontsize="11", style="filled", penwidth="1.2"];`,
    `  edge [fontname="Helvetica", fontsize="9", fontcolor="#374151", color="#6b7280"];`,
  ];
  for (const n of g.nodes) {
    const s = KIND_STYLE[n.kind];
    const style = n.kind === 'host' ? 'rounded,filled' : 'filled';
    // `class` becomes the SVG element's class, so a page can restyle kinds with CSS; tooltip shows on hover.
    const tooltip = n.members.length > 1 ? `${n.members.length} hosts: ${n.members.join(', ')}` : `${n.kind} ${n.label}`;
    lines.push(`  ${dotString(n.id)} [${attrs({ label: n.label, shape: s.shape, style, fillcolor: s.fill, color: s.stroke, class: n.kind, tooltip })}${n.members.length > 1 ? ', peripheries="2"' : ''}];`);
  }
  for (const e of g.edges) {
    // A group's edge is drawn thick: it stands for many links.
    const extra = [e.impairment.length ? 'color="#b91c1c"' : '', e.links > 1 ? 'penwidth="2.5"' : ''].filter(Boolean);
    lines.push(`  ${dotString(e.a.node)} -- ${dotString(e.b.node)} [label=${edgeLabel(g, e)}${extra.map((x) => ', ' + x).join('')}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Graphviz DOT text for the lab (render with `dot -Tsvg`, or use toSvg). */
export function toDot(t: ResolvedTopology, opts: GraphOptions = {}): string {
  return graphToDot(buildGraph(t, opts));
}
