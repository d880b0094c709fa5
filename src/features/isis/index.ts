// routing: isis — IS-IS for IPv4 and IPv6 (single topology) on every router link, with FRR.
//
// Generated per router (see config.ts and the golden files in test/fixtures/frr/):
// - one instance, level-2 only by default (`isis: { level: 1 | 2 | "1-2" }`), area 49.0001 (`isis.area`), the
//   system ID from the router's index among the routers (`isis.system_id`); wide metrics.
// - point-to-point circuits on p2p links (no DIS election), passive towards segments without another router (their
//   subnets advertised, no hellos sent), `cost:` of the link as the metric (default 10).
// - lab timers: hello 1 s × 3 (FRR: 3 s × 10, so a silent neighbour took 30 s), SPF at once then 50 ms backing off
//   to 500 ms (FRR: a flat 1 s), LSP generation at most every 1 s (FRR's floor). Overridable: isis: { hello,
//   hello_multiplier }.
// - `bfd: true` on a link or router: BFD (100 ms × 3) on those circuits.

import type { ResolvedNode } from '../../model/index.js';
import type { WithInterfaces } from '../../topology/passes/draft.js';
import { checkInterfaceNames, checkSettings, type RoutingProtocol } from '../frr/index.js';
import { routerInterfaces } from '../frr/view.js';
import { ISIS_DEFAULTS, isisConfig, systemIdOf, type IsisSettings } from './config.js';

const settingsOf = (d: WithInterfaces, n: string): IsisSettings => (d.raw.nodes[n]?.isis ?? {}) as IsisSettings;

/** The levels two adjacent routers share: level 1 needs the same area, level 2 only that both run it. */
function sharedLevels(a: IsisSettings, b: IsisSettings): number[] {
  const levels = (s: IsisSettings) => (s.level === '1-2' ? [1, 2] : [s.level ?? ISIS_DEFAULTS.level]);
  const area = (s: IsisSettings) => (s.area ?? ISIS_DEFAULTS.area).toLowerCase();
  return levels(a).filter((l) => levels(b).includes(l) && (l === 2 || area(a) === area(b)));
}

export const isis: RoutingProtocol = {
  name: 'isis',
  nodeKey: 'isis',
  check(d: WithInterfaces): void {
    checkSettings<IsisSettings>(d, 'isis', (c) => {
      checkInterfaceNames(c, 'passive', c.s.passive);
      if (c.s.system_id === '0000.0000.0000') c.add(['system_id'], 'E_ISIS_SYSTEM_ID', 'system ID 0000.0000.0000 is reserved', 'use another, e.g. 0000.0000.0001');
      for (const i of routerInterfaces(d, c.node))
        for (const peer of i.peers)
          if (!sharedLevels(c.s, settingsOf(d, peer.name)).length)
            c.add(['level'], 'E_ISIS_NO_ADJACENCY', `'${c.node.name}' and '${peer.name}' share a link but no IS-IS level (level 1 needs both in level 1 and the same area)`, `give one of them level: 1-2, or the same area`);
    });
    // Two routers with one system ID would each flush the other's LSPs: the lab would never converge.
    const seen = new Map<string, string>();
    for (const node of d.nodes.filter((n) => n.kind === 'router')) {
      const id = systemIdOf(d, node);
      const other = seen.get(id);
      if (other) d.problems.add(['nodes', node.name, 'isis', 'system_id'], 'E_ISIS_SYSTEM_ID', `'${node.name}' and '${other}' have the same system ID ${id}`, 'give each router its own system_id (a router without one gets its index among the routers)');
      else seen.set(id, node.name);
    }
  },
  config(d: WithInterfaces, node: ResolvedNode): string {
    return isisConfig(d, node, settingsOf(d, node.name));
  },
};
