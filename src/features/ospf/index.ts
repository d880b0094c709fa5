// routing: ospf — OSPFv2 (IPv4) and OSPFv3 (IPv6) on every router link, with FRR.
//
// Generated per router (see config.ts and the golden files in test/fixtures/features/):
// - every interface in area 0 (or the node's `ospf.area`); point-to-point on p2p links (no DR election, which on
//   a broadcast network waits a dead interval first); passive towards segments without another router (hosts
//   only: their subnet is advertised, no hellos go out); `cost:` of the link as the interface cost.
// - lab timers, so that a lab converges in seconds instead of FRR's default minute:
//   hello 1 s / dead 3 s (default 10/40): a silent neighbour is declared down after 3 s;
//   `timers throttle lsa all 0` (default 5000 ms between originations of one LSA), `timers lsa min-arrival 0`
//   (default 1000 ms before accepting a new instance of one LSA): a topology change floods at once;
//   `timers throttle spf 0 50 500` (default 0 50 5000): the first SPF runs at once, repeated ones at most every 500 ms.
//   Measured by hand on a 4-router ring (KERNEL-NOTES.md): hosts reached each other 12 s after start with the
//   default LSA timers, 1.95 s with these. Each is overridable per node: ospf: { hello, dead, spf: [d, h, max], lsa_min_arrival }.
// - `bfd: true` on a link or router: BFD (100 ms × 3) on those interfaces, so a silent failure is seen in 0.3 s.

import type { ResolvedNode } from '../../model/index.js';
import type { WithInterfaces } from '../../topology/passes/draft.js';
import { checkInterfaceNames, checkSettings, type RoutingProtocol } from '../frr/index.js';
import { isDottedQuad } from '../frr/view.js';
import { ospfConfig, type OspfSettings } from './config.js';

export const ospf: RoutingProtocol = {
  name: 'ospf',
  nodeKey: 'ospf',
  check(d: WithInterfaces): void {
    checkSettings<OspfSettings>(d, 'ospf', (c) => {
      const { s, add } = c;
      if (typeof s.area === 'string' && !isDottedQuad(s.area))
        add(['area'], 'E_BAD_AREA', `area ${JSON.stringify(s.area)} is not a dotted quad with parts 0-255`, 'write the area as a number (0) or like 0.0.0.1');
      if ((s.dead ?? 3) <= (s.hello ?? 1))
        add([s.dead !== undefined ? 'dead' : 'hello'], 'E_OSPF_TIMERS', `the dead interval (${s.dead ?? 3} s) must be longer than the hello interval (${s.hello ?? 1} s)`, 'use a dead interval of 3 or 4 hellos');
      checkInterfaceNames(c, 'passive', s.passive);
    });
  },
  config(d: WithInterfaces, node: ResolvedNode): string {
    return ospfConfig(d, node, (d.raw.nodes[node.name]?.ospf ?? {}) as OspfSettings);
  },
};
