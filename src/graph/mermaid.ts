// Mermaid flowchart text for Markdown (GitHub renders ```mermaid blocks). Same model and labels as the DOT output.
//
// Escaping: node ids are generated (n0, n1, …) because node names such as `end`, or names starting with `o`/`x`
// after `---`, are Mermaid syntax; names appear only inside quoted labels. Inside quotes Mermaid decodes entity
// codes of the form `#name;` / `#NNN;`, so `"`, `#`, `<`, `>`, `&`, `|` and backtick are written as codes and the
// only raw HTML is the `<br/>` we insert between lines.

import type { NodeKind, ResolvedTopology } from '../model/index.js';
import { KIND_STYLE } from './dot.js';
import { buildGraph, endName, type GraphEnd, type GraphOptions, type LabGraph } from './model.js';

const ENTITY: Record<string, string> = { '#': '#35;', '"': '#quot;', '<': '#lt;', '>': '#gt;', '&': '#amp;', '|': '#124;', '`': '#96;' };

/** Text made safe for a Mermaid quoted label (lines joined with `<br/>`). */
export function mermaidText(lines: string[]): string {
  return lines.map((l) => l.replace(/[#"<>&|`]/g, (c) => ENTITY[c])).join('<br/>');
}

const SHAPE: Record<NodeKind, [string, string]> = { host: ['[', ']'], router: ['([', '])'], switch: ['{{', '}}'] };

const endText = (name: string, e: GraphEnd): string => [e.ifname ? `${name}:${e.ifname}` : name, ...e.addresses].join(' ');

export function graphToMermaid(g: LabGraph): string {
  const id = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['graph LR'];
  for (const n of g.nodes) {
    const [open, close] = n.members.length > 1 ? ['[[', ']]'] : SHAPE[n.kind];
    lines.push(`  ${id.get(n.id)}${open}"${mermaidText([n.label])}"${close}:::${n.kind}`);
  }
  for (const e of g.edges) {
    const text = mermaidText([endText(endName(g, e.a.node), e.a), endText(endName(g, e.b.node), e.b), ...e.impairment]);
    lines.push(`  ${id.get(e.a.node)} ${e.links > 1 ? '===' : '---'}|"${text}"| ${id.get(e.b.node)}`);
  }
  for (const [kind, s] of Object.entries(KIND_STYLE)) lines.push(`  classDef ${kind} fill:${s.fill},stroke:${s.stroke},color:#111827`);
  return lines.join('\n') + '\n';
}

/** Mermaid `graph LR` text for the lab, to paste into a ```mermaid block. */
export function toMermaid(t: ResolvedTopology, opts: GraphOptions = {}): string {
  return graphToMermaid(buildGraph(t, opts));
}
