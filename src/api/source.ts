// Where a library caller's topology comes from: a path (or file: URL), YAML text, a raw topology object (as the
// YAML would parse), or an already-resolved topology. One function turns each into a ResolvedTopology, so
// Lab.up and withLab accept the same things and refuse anything else with a hint (never a TypeError from deep
// inside compilePlan).

import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { NslabError, type RawTopology, type ResolvedTopology } from '../model/index.js';
import { loadTopology, loadTopologyText, resolveRawTopology, withOverrides, type TopologyOverrides } from '../topology/index.js';

/** A topology as a library caller may give it. */
export type TopologySource = string | URL | RawTopology | ResolvedTopology;

const SOURCE_HINT = "pass a path ('topologies/two-hosts.yaml'), YAML text, a topology object ({ name, nodes, links }) or the result of loadTopology()";

/** A resolved topology has its nodes as an array and its segments computed; a raw one has nodes as a map. */
export function isResolvedTopology(x: unknown): x is ResolvedTopology {
  const t = x as Partial<ResolvedTopology> | null;
  return !!t && typeof t === 'object' && typeof t.name === 'string' && Array.isArray(t.nodes) && Array.isArray(t.links) && Array.isArray(t.segments);
}

/** Text with a line break, or starting like a YAML flow map, is YAML; any other string is a path. */
function looksLikeYaml(s: string): boolean {
  return s.includes('\n') || /^\s*\{/.test(s);
}

export function resolveTopologySource(src: unknown, overrides: TopologyOverrides = {}): ResolvedTopology {
  if (overrides.name !== undefined && typeof overrides.name !== 'string')
    throw new NslabError('E_BAD_ARGUMENT', `the lab name must be a string, not ${describeValue(overrides.name)}`, { hint: "e.g. { name: 'ci1' } (1-12 characters of a-z, 0-9 and '-')" });
  if (src instanceof URL) {
    if (src.protocol !== 'file:') throw new NslabError('E_BAD_ARGUMENT', `topology URL ${src.href} is not a file: URL`, { hint: SOURCE_HINT });
    return loadTopology(fileURLToPath(src), overrides);
  }
  if (typeof src === 'string') {
    if (src.trim() === '') throw new NslabError('E_BAD_ARGUMENT', 'the topology is an empty string', { hint: SOURCE_HINT });
    return looksLikeYaml(src) ? loadTopologyText(src, '<inline topology>', overrides) : loadTopology(src, overrides);
  }
  if (isResolvedTopology(src)) {
    if (overrides.name !== undefined && overrides.name !== src.name)
      throw new NslabError('E_BAD_ARGUMENT', `cannot rename the already-resolved topology '${src.name}' to '${overrides.name}': its namespace names are fixed`, {
        hint: 'pass the path, YAML text or raw object instead, so the name is applied before resolving',
      });
    return src;
  }
  if (src && typeof src === 'object' && !Array.isArray(src)) return resolveRawTopology(withOverrides(src, overrides), () => undefined, '<topology object>');
  throw new NslabError('E_BAD_ARGUMENT', `a topology cannot be ${describeValue(src)}`, { hint: SOURCE_HINT });
}

/** For messages about wrong arguments: the type, and the value when it is short. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'undefined') return 'undefined';
  return `${typeof v} ${String(v)}`;
}

/** The absolute path of a topology that ships with nslab (topologies/NAME.yaml in the package). */
export function shippedTopology(name: string): string {
  if (typeof name !== 'string' || !/^[a-z0-9-]+$/.test(name))
    throw new NslabError('E_BAD_ARGUMENT', `shipped topology names are lower-case words, not ${describeValue(name)}`, { hint: "e.g. shippedTopology('two-hosts')" });
  // dist/api/source.js → package root (the same two levels up from src/api when run from source).
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'topologies', `${name}.yaml`);
}
