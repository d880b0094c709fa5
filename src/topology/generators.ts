// Topology generators named and numbered like Mininet's --topo, so benchmarks and users need no 1000-line files.
// Output is plain data (nodes and links), merged with whatever the file itself declares. Pure.

import { LIMITS, NslabError, type RawLink, type RawNode, type RawTopology } from '../model/index.js';

export const TOPO_KINDS = ['single', 'linear', 'tree', 'ring', 'fattree', 'dumbbell'] as const;
export type TopoKind = (typeof TOPO_KINDS)[number];

export interface TopoSpec {
  kind: TopoKind;
  params: number[];
}

const USAGE: Record<TopoKind, string> = {
  single: 'single,N: one switch s1 with hosts h1..hN',
  linear: 'linear,N: switches s1..sN in a chain, host hI on switch sI',
  tree: 'tree,DEPTH,FANOUT: a tree of switches, FANOUT^DEPTH hosts at the leaves (Mininet numbering)',
  ring: 'ring,N: routers r1..rN in a ring, host hI on router rI (routed, so no L2 loop)',
  fattree: 'fattree,K: a K-ary fat-tree of routers (K even), K^3/4 hosts',
  dumbbell: 'dumbbell,N: hosts h1..hN on s1 and hN+1..h2N on s2, joined by the bottleneck link s1-s2',
};

export function topoUsage(): string {
  return TOPO_KINDS.map((k) => USAGE[k]).join('\n');
}

export function parseTopoSpec(text: string): TopoSpec {
  const [kind, ...rest] = text.split(',');
  const bad = (why: string) =>
    new NslabError('E_BAD_TOPO', `--topo ${text}: ${why}`, { hint: topoUsage() });
  if (!(TOPO_KINDS as readonly string[]).includes(kind)) throw bad(`unknown generator '${kind}'`);
  const params = rest.map(Number);
  if (params.some((n) => !Number.isInteger(n) || n < 1)) throw bad('parameters are positive integers');
  const need: Record<TopoKind, [number, number]> = { single: [1, 1], linear: [1, 1], tree: [1, 2], ring: [1, 1], fattree: [1, 1], dumbbell: [1, 1] };
  const [min, max] = need[kind as TopoKind];
  if (params.length < min || params.length > max) throw bad(`expects ${min === max ? min : `${min} to ${max}`} parameter(s)`);
  if (kind === 'fattree' && params[0] % 2) throw bad('K must be even');
  if (kind === 'ring' && params[0] < 3) throw bad('a ring needs at least 3 routers');
  return { kind: kind as TopoKind, params };
}

/** Node and link counts of a generated lab, from the parameters alone (floats: huge specs become Infinity). */
export function topoSize(spec: TopoSpec): { nodes: number; links: number } {
  const [a, b] = spec.params;
  switch (spec.kind) {
    case 'single':
      return { nodes: a + 1, links: a };
    case 'linear':
      return { nodes: 2 * a, links: 2 * a - 1 };
    case 'tree': {
      const f = b ?? 2;
      const switches = f === 1 ? a : (f ** a - 1) / (f - 1);
      return { nodes: switches + f ** a, links: switches + f ** a - 1 };
    }
    case 'ring':
      return { nodes: 2 * a, links: 2 * a };
    case 'fattree':
      return { nodes: (a * a) / 4 + a * a + a ** 3 / 4, links: (3 * a ** 3) / 4 };
    case 'dumbbell':
      return { nodes: 2 * a + 2, links: 2 * a + 1 };
  }
}

export function generateTopology(spec: TopoSpec): { nodes: Record<string, RawNode>; links: RawLink[] } {
  // Refuse before building: topo: single,1000000 must not allocate a million nodes first.
  const size = topoSize(spec);
  const text = `${spec.kind},${spec.params.join(',')}`;
  const count = (n: number) => (n <= Number.MAX_SAFE_INTEGER ? String(n) : `more than ${Number.MAX_SAFE_INTEGER}`);
  if (size.nodes > LIMITS.nodes)
    throw new NslabError('E_TOO_MANY_NODES', `topo ${text} makes ${count(size.nodes)} nodes; the limit is ${LIMITS.nodes}`, { hint: 'use smaller generator parameters, or split the lab' });
  if (size.links > LIMITS.links)
    throw new NslabError('E_TOO_MANY_LINKS', `topo ${text} makes ${count(size.links)} links; the limit is ${LIMITS.links}`, { hint: 'use smaller generator parameters, or split the lab' });
  const nodes: Record<string, RawNode> = {};
  const links: RawLink[] = [];
  const sw = (n: string) => (nodes[n] = { kind: 'switch' });
  const host = (n: string) => (nodes[n] = {});
  const router = (n: string) => (nodes[n] = { kind: 'router' });
  const [a, b] = spec.params;
  switch (spec.kind) {
    case 'single':
      sw('s1');
      for (let i = 1; i <= a; i++) {
        host(`h${i}`);
        links.push([`h${i}`, 's1']);
      }
      break;
    case 'linear':
      for (let i = 1; i <= a; i++) {
        sw(`s${i}`);
        host(`h${i}`);
        links.push([`h${i}`, `s${i}`]);
        if (i > 1) links.push([`s${i - 1}`, `s${i}`]);
      }
      break;
    case 'tree': {
      // Mininet's TreeTopo: depth-first, switches and hosts numbered in creation order.
      const depth = a;
      const fanout = b ?? 2;
      // An explicit stack rather than recursion: tree,9999,1 is within the node limit but deeper than the call stack.
      let s = 0;
      let h = 0;
      const stack: { me: string; level: number; i: number }[] = [];
      const enter = (level: number): string | undefined => {
        if (level === 0) {
          const n = `h${++h}`;
          host(n);
          return n;
        }
        const me = `s${++s}`;
        sw(me);
        stack.push({ me, level, i: 0 });
        return undefined;
      };
      let child = enter(depth);
      while (stack.length) {
        const top = stack[stack.length - 1];
        if (child !== undefined) {
          links.push([child, top.me]);
          top.i++;
          child = undefined;
        }
        if (top.i < fanout) child = enter(top.level - 1);
        else {
          stack.pop();
          child = top.me;
        }
      }
      break;
    }
    case 'ring':
      for (let i = 1; i <= a; i++) {
        router(`r${i}`);
        host(`h${i}`);
        links.push([`h${i}`, `r${i}`]);
      }
      for (let i = 1; i <= a; i++) links.push([`r${i}`, `r${(i % a) + 1}`]);
      break;
    case 'fattree': {
      const k = a;
      const half = k / 2;
      for (let c = 1; c <= half * half; c++) router(`c${c}`);
      let h = 0;
      for (let p = 1; p <= k; p++) {
        for (let i = 1; i <= half; i++) {
          const agg = `a${p}x${i}`;
          const edge = `e${p}x${i}`;
          router(agg);
          router(edge);
          for (let j = 1; j <= half; j++) links.push([agg, `c${(i - 1) * half + j}`]);
        }
        for (let i = 1; i <= half; i++)
          for (let j = 1; j <= half; j++) links.push([`e${p}x${i}`, `a${p}x${j}`]);
        for (let i = 1; i <= half; i++)
          for (let j = 1; j <= half; j++) {
            const n = `h${++h}`;
            host(n);
            links.push([n, `e${p}x${i}`]);
          }
      }
      break;
    }
    case 'dumbbell':
      sw('s1');
      sw('s2');
      for (let i = 1; i <= 2 * a; i++) {
        host(`h${i}`);
        links.push([`h${i}`, i <= a ? 's1' : 's2']);
      }
      links.push(['s1', 's2']);
      break;
  }
  return { nodes, links };
}

/** Merge a generated lab with the file's own nodes (whose settings win) and links (appended). */
export function expandTopo(raw: RawTopology): RawTopology {
  if (!raw.topo) return raw;
  const gen = generateTopology(parseTopoSpec(raw.topo));
  const nodes: Record<string, RawNode | null> = { ...gen.nodes };
  for (const [n, v] of Object.entries(raw.nodes ?? {})) nodes[n] = { ...(gen.nodes[n] ?? {}), ...(v ?? {}) };
  return { ...raw, nodes, links: [...gen.links, ...(raw.links ?? [])] };
}
