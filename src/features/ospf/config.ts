// One router's FRR config for OSPFv2 + OSPFv3 (the choices are explained in index.ts). Pure: same input, same text.

import type { ResolvedNode } from '../../model/index.js';
import type { WithInterfaces } from '../../topology/passes/draft.js';
import { areaText, routerId, routerInterfaces } from '../frr/view.js';
import { bfdProfile, BFD_PROFILE, frrHeader } from '../frr/text.js';

/** The per-node `ospf:` key. */
export interface OspfSettings {
  area?: number | string;
  router_id?: string;
  hello?: number;
  dead?: number;
  /** `timers throttle spf DELAY INITIAL-HOLD MAX-HOLD`, ms. */
  spf?: [number, number, number];
  lsa_min_arrival?: number;
  /** Interfaces to make passive besides the host-facing ones. */
  passive?: string[];
}

/**
 * cost 10 is what FRR gives a veth on its own (it knows no speed for it: the 10 Mbit/s fallback against the
 * 100 Mbit/s reference bandwidth); written out, so that a path's cost does not depend on how a kernel reports veths.
 */
export const OSPF_DEFAULTS = { cost: 10, hello: 1, dead: 3, spf: [0, 50, 500] as [number, number, number], lsaMinArrival: 0 };

export function ospfConfig(d: WithInterfaces, node: ResolvedNode, s: OspfSettings): string {
  const ifs = routerInterfaces(d, node);
  const v4 = ifs.some((i) => i.iface.ipv4.length);
  const v6 = ifs.some((i) => i.iface.ipv6.length);
  const area = areaText(s.area);
  const hello = s.hello ?? OSPF_DEFAULTS.hello;
  const dead = s.dead ?? OSPF_DEFAULTS.dead;
  const spf = s.spf ?? OSPF_DEFAULTS.spf;
  const minArrival = s.lsa_min_arrival ?? OSPF_DEFAULTS.lsaMinArrival;
  const nodeBfd = d.raw.nodes[node.name]?.bfd === true;
  const id = routerId(d, node, s.router_id);
  const out = frrHeader(node.name);
  for (const i of ifs) {
    const passive = i.passive || (s.passive ?? []).includes(i.iface.name);
    const bfd = !passive && (i.bfd || nodeBfd);
    out.push(`interface ${i.iface.name}`);
    for (const [on, p, q] of [[v4 && i.iface.ipv4.length > 0, 'ip', 'ospf'], [v6 && i.iface.ipv6.length > 0, 'ipv6', 'ospf6']] as const) {
      if (!on) continue;
      out.push(` ${p} ${q} area ${area}`);
      if (passive) {
        out.push(` ${p} ${q} passive`);
        out.push(` ${p} ${q} cost ${i.cost ?? OSPF_DEFAULTS.cost}`);
        continue;
      }
      if (i.p2p) out.push(` ${p} ${q} network point-to-point`);
      out.push(` ${p} ${q} hello-interval ${hello}`, ` ${p} ${q} dead-interval ${dead}`);
      out.push(` ${p} ${q} cost ${i.cost ?? OSPF_DEFAULTS.cost}`);
      if (bfd) out.push(` ${p} ${q} bfd`, ` ${p} ${q} bfd profile ${BFD_PROFILE}`);
    }
    out.push('exit', '!');
  }
  if (v4)
    out.push('router ospf', ` ospf router-id ${id}`, ' timers throttle lsa all 0', ` timers lsa min-arrival ${minArrival}`, ` timers throttle spf ${spf.join(' ')}`, 'exit', '!');
  if (v6) out.push('router ospf6', ` ospf6 router-id ${id}`, ` timers lsa min-arrival ${minArrival}`, ` timers throttle spf ${spf.join(' ')}`, 'exit', '!');
  if (ifs.some((i) => !i.passive && (i.bfd || nodeBfd))) out.push(...bfdProfile());
  return out.join('\n') + '\n';
}
