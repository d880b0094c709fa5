// The topology as a tree of text, for a terminal (the console's `graph`): each L2/L3 neighbour under the node it
// was reached from, starting at the best-connected node; links that close a loop are listed after the tree.

import type { ResolvedTopology } from '../model/index.js';

export function textTree(t: ResolvedTopology): string {
  const kind = new Map(t.nodes.map((n) => [n.name, n.kind]));
  const adj = new Map<string, { peer: string; here: string; there: string; link: number }[]>(t.nodes.map((n) => [n.name, []]));
  t.links.forEach((l, i) => {
    adj.get(l.a.node)!.push({ peer: l.b.node, here: l.a.ifname, there: l.b.ifname, link: i });
    adj.get(l.b.node)!.push({ peer: l.a.node, here: l.b.ifname, there: l.a.ifname, link: i });
  });
  const rank = { router: 0, switch: 1, host: 2 } as Record<string, number>;
  const label = (n: string) => (kind.get(n) === 'host' ? n : `${n} (${kind.get(n)})`);
  const seen = new Set<string>();
  const used = new Set<number>();
  const lines: string[] = [];
  const walk = (n: string, prefix: string) => {
    const next = adj.get(n)!.filter((e) => !used.has(e.link) && !seen.has(e.peer));
    next.forEach((e) => {
      used.add(e.link);
      seen.add(e.peer);
    });
    next.forEach((e, i) => {
      const last = i === next.length - 1;
      lines.push(`${prefix}${last ? '└─' : '├─'} ${label(e.peer)}  ${n}:${e.here} ↔ ${e.peer}:${e.there}`);
      walk(e.peer, prefix + (last ? '   ' : '│  '));
    });
  };
  // Roots: the best-connected node of each connected part (routers, then switches, first on a tie).
  const order = [...t.nodes].sort((x, y) => adj.get(y.name)!.length - adj.get(x.name)!.length || rank[x.kind] - rank[y.kind]);
  for (const root of order) {
    if (seen.has(root.name)) continue;
    seen.add(root.name);
    lines.push(label(root.name));
    walk(root.name, '');
  }
  const loops = t.links.filter((_l, i) => !used.has(i));
  if (loops.length) lines.push('', 'and, closing loops:', ...loops.map((l) => `   ${l.a.node}:${l.a.ifname} ↔ ${l.b.node}:${l.b.ifname}`));
  return lines.join('\n');
}
