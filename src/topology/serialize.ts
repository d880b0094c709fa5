// A resolved topology travels in the journal as JSON; CIDRs hold bigints, which JSON cannot carry,
// so they are written as text and read back with the same parser the loader uses.

import {
  formatCidr,
  NslabError,
  parseCidr,
  type Cidr,
  type ResolvedLink,
  type ResolvedTopology,
} from '../model/index.js';

function isCidr(v: unknown): v is Cidr {
  return typeof v === 'object' && v !== null && typeof (v as Cidr).address === 'bigint';
}

export function serializeTopology(t: ResolvedTopology): unknown {
  return JSON.parse(JSON.stringify(t, (_k, v) => (isCidr(v) ? { cidr: formatCidr(v) } : v)));
}

export function deserializeTopology(data: unknown): ResolvedTopology {
  return JSON.parse(JSON.stringify(data), (_k, v) =>
    v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.cidr === 'string' ? parseCidr(v.cidr) : v,
  ) as ResolvedTopology;
}

export function describeLink(l: ResolvedLink): string {
  return `${l.a.node}:${l.a.ifname} <-> ${l.b.node}:${l.b.ifname}`;
}

/**
 * Find a link by `node:ifname` (either end) or `nodeA-nodeB` (either order). Node names may contain '-',
 * so every split point of `x-y` is tried; an ambiguous name is an error that lists the candidates.
 */
export function findLink(t: ResolvedTopology, spec: string): ResolvedLink {
  const matches: ResolvedLink[] = [];
  if (spec.includes(':')) {
    const [node, ifname] = spec.split(':', 2);
    for (const l of t.links)
      if ((l.a.node === node && l.a.ifname === ifname) || (l.b.node === node && l.b.ifname === ifname)) matches.push(l);
  } else {
    for (let i = spec.indexOf('-'); i !== -1; i = spec.indexOf('-', i + 1)) {
      const x = spec.slice(0, i);
      const y = spec.slice(i + 1);
      for (const l of t.links)
        if (((l.a.node === x && l.b.node === y) || (l.a.node === y && l.b.node === x)) && !matches.includes(l)) matches.push(l);
    }
  }
  if (matches.length === 1) return matches[0];
  const all = t.links.map((l) => `${l.a.node}-${l.b.node} (${describeLink(l)})`);
  if (matches.length === 0)
    throw new NslabError('E_UNKNOWN_LINK', `lab '${t.name}' has no link '${spec}'`, {
      hint: `name a link as node:interface or nodeA-nodeB; links: ${all.slice(0, 12).join(', ')}${all.length > 12 ? ', …' : ''}`,
    });
  throw new NslabError('E_AMBIGUOUS_LINK', `'${spec}' names ${matches.length} links: ${matches.map(describeLink).join('; ')}`, {
    hint: 'name the link by one of its interfaces instead, e.g. ' + `${matches[0].a.node}:${matches[0].a.ifname}`,
  });
}

/**
 * The state each link was last set to by a runtime change (`link SPEC up|down|blackhole` in the journal's changes,
 * which are in the order they were made), by link index, counting only changes to `states`. A spec that no longer
 * names one link is skipped.
 */
export function lastLinkStates<S extends 'up' | 'down' | 'blackhole'>(t: ResolvedTopology, changes: readonly { what: string }[], states: readonly S[] = ['up', 'down', 'blackhole'] as S[]): Map<number, S> {
  const out = new Map<number, S>();
  for (const c of changes) {
    const m = /^link (.+) (up|down|blackhole)$/.exec(c.what);
    if (!m || !states.includes(m[2] as S)) continue;
    try {
      out.set(findLink(t, m[1]).index, m[2] as S);
    } catch {
      /* a spec that no longer names one link */
    }
  }
  return out;
}
