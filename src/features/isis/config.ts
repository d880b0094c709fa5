// One router's FRR config for IS-IS over IPv4 and IPv6 (the choices are explained in index.ts). Pure: same input,
// same text.

import type { ResolvedNode } from '../../model/index.js';
import type { WithInterfaces } from '../../topology/passes/draft.js';
import { routerInterfaces } from '../frr/view.js';
import { bfdProfile, BFD_PROFILE, frrHeader } from '../frr/text.js';

/** The per-node `isis:` key. */
export interface IsisSettings {
  area?: string;
  system_id?: string;
  level?: 1 | 2 | '1-2';
  hello?: number;
  hello_multiplier?: number;
  passive?: string[];
  router_id?: string;
}

/** FRR's name for an IS-IS instance; one per router, so one name for all. */
export const ISIS_TAG = 'nslab';

/**
 * metric 10 is FRR's default for an interface too; written out, as OSPF's cost is. SPF: the first run at once,
 * then 50 ms, backing off to 500 ms while changes keep coming (RFC 8405's two-speed delay; FRR's default is a flat
 * spf-interval of 1 s). lsp-gen-interval's floor in FRR 8.4 is 1 s (0 is refused).
 */
export const ISIS_DEFAULTS = { area: '49.0001', level: 2 as const, metric: 10, hello: 1, helloMultiplier: 3, lspGenIntervalS: 1 };

const IS_TYPE = { 1: 'level-1', 2: 'level-2-only', '1-2': 'level-1-2' } as const;

/** The default system ID: the router's index among the lab's routers (1-based), as 12 hex digits. */
export function systemIdOf(d: WithInterfaces, node: ResolvedNode): string {
  const given = (d.raw.nodes[node.name]?.isis as IsisSettings | undefined)?.system_id;
  if (given !== undefined) return given.toLowerCase();
  const hex = (d.nodes.filter((n) => n.kind === 'router').indexOf(node) + 1).toString(16).padStart(12, '0');
  return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`;
}

export function isisConfig(d: WithInterfaces, node: ResolvedNode, s: IsisSettings): string {
  const ifs = routerInterfaces(d, node);
  const hello = s.hello ?? ISIS_DEFAULTS.hello;
  const mult = s.hello_multiplier ?? ISIS_DEFAULTS.helloMultiplier;
  const nodeBfd = d.raw.nodes[node.name]?.bfd === true;
  const out = frrHeader(node.name);
  let anyBfd = false;
  for (const i of ifs) {
    const v4 = i.iface.ipv4.length > 0;
    const v6 = i.iface.ipv6.length > 0;
    if (!v4 && !v6) continue;
    const passive = i.passive || (s.passive ?? []).includes(i.iface.name);
    out.push(`interface ${i.iface.name}`);
    if (v4) out.push(` ip router isis ${ISIS_TAG}`);
    if (v6) out.push(` ipv6 router isis ${ISIS_TAG}`);
    if (passive) out.push(' isis passive');
    else {
      if (i.p2p) out.push(' isis network point-to-point');
      out.push(` isis hello-interval ${hello}`, ` isis hello-multiplier ${mult}`);
    }
    out.push(` isis metric ${i.cost ?? ISIS_DEFAULTS.metric}`);
    if (!passive && (i.bfd || nodeBfd)) {
      anyBfd = true;
      out.push(' isis bfd', ` isis bfd profile ${BFD_PROFILE}`);
    }
    out.push('exit', '!');
  }
  out.push(
    `router isis ${ISIS_TAG}`,
    ` is-type ${IS_TYPE[s.level ?? ISIS_DEFAULTS.level]}`,
    ` net ${(s.area ?? ISIS_DEFAULTS.area).toLowerCase()}.${systemIdOf(d, node)}.00`,
    // Wide metrics: 24-bit link metrics and the TLVs IPv6 needs (narrow ones cap a link at 63).
    ' metric-style wide',
    ` lsp-gen-interval ${ISIS_DEFAULTS.lspGenIntervalS}`,
    ' spf-delay-ietf init-delay 0 short-delay 50 long-delay 500 holddown 1000 time-to-learn 500',
    'exit',
    '!',
  );
  if (anyBfd) out.push(...bfdProfile());
  return out.join('\n') + '\n';
}
