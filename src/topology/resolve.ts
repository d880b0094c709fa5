// Resolution: a schema-valid RawTopology becomes a ResolvedTopology with every default applied once, or every
// problem found is reported together. Pure. The work is done by named passes over one data shape (passes/draft.ts),
// in the order the data flows:
//   normalise → nodes → segments → addressing → interfaces → routing → services → checks
// Each pass adds to what the ones before it produced and records its problems; none touches the kernel or a file.

import { LIMITS, type LocateFn, type NodeKind, type Problem, type RawTopology, type ResolvedRoute, type ResolvedTopology } from '../model/index.js';
import { resolvedKind } from '../features/openflow/index.js';
import { addressing } from './passes/addressing.js';
import { checks } from './passes/checks.js';
import { Problems, type Base } from './passes/draft.js';
import { interfaces } from './passes/interfaces.js';
import { nodes } from './passes/nodes.js';
import { normalise } from './passes/normalise.js';
import { routing } from './passes/routing.js';
import { segments } from './passes/segments.js';
import { services } from './passes/services.js';
import { assignMacs } from '../features/mac/index.js';
import { resolveLimits } from '../features/cgroup/resolve.js';

export { DEFAULT_IPV4_POOL, DEFAULT_IPV6_POOL } from './passes/addressing.js';
export { computeAutoRoutes } from './passes/routing.js';

export function resolveTopology(raw: RawTopology, locate: LocateFn, source: string): ResolvedTopology | { problems: Problem[] } {
  const problems = new Problems(locate);
  const nodeNames = Object.keys(raw.nodes ?? {});
  if (nodeNames.length > LIMITS.nodes)
    problems.add(['nodes'], 'E_TOO_MANY_NODES', `${nodeNames.length} nodes; the limit is ${LIMITS.nodes}`, 'split the lab');
  if ((raw.links ?? []).length > LIMITS.links)
    problems.add(['links'], 'E_TOO_MANY_LINKS', `${raw.links?.length} links; the limit is ${LIMITS.links}`, 'split the lab');
  if (problems.list.length) return { problems: problems.list };

  // kind: ovs is a switch (an OpenFlow one, see features/openflow): every pass sees kind switch.
  const kindOf = new Map<string, NodeKind>(nodeNames.map((n) => [n, resolvedKind(raw.nodes[n])]));
  const base: Base = { raw, lab: raw.name, source, problems, nodeNames, kindOf };
  const d = services(routing(interfaces(addressing(segments(nodes(normalise(base)))))));
  // Feature hooks on the resolved nodes: MACs and arp (features/mac), cpu and memory limits (features/cgroup).
  assignMacs(d);
  resolveLimits(d);
  const t: ResolvedTopology = {
    name: d.lab,
    routing: raw.routing ?? 'auto',
    addressing: { ...(d.pools[4] ? { ipv4: d.pools[4] } : {}), ...(d.pools[6] ? { ipv6: d.pools[6] } : {}) },
    nodes: d.nodes,
    links: d.resolvedLinks,
    segments: d.segments,
    ...(d.services.length ? { services: d.services } : {}),
    files: d.files,
    source,
  };
  checks(t, raw, problems);
  if (problems.list.length) return { problems: problems.list };
  return t;
}

export type { ResolvedRoute };
