// Which interfaces the sampler watches, and what their configuration implies for the verdict (pure).
import type { Impairment, ResolvedTopology } from '../model/index.js';
import type { ShapedInterface } from './verdict.js';

const shaped = (i: Impairment) => Object.keys(i).length > 0;

/**
 * The sending end of every impaired direction (netem and htb act on egress), plus both ends of `alsoLinks` (links a
 * scenario will impair later, so their counters exist from the start).
 */
export function shapedInterfaces(t: ResolvedTopology, alsoLinks: number[] = []): ShapedInterface[] {
  const netns = new Map(t.nodes.map((n) => [n.name, n.netns]));
  const out: ShapedInterface[] = [];
  for (const l of t.links)
    for (const [end, imp] of [[l.a, l.aToB], [l.b, l.bToA]] as const) {
      if (!shaped(imp) && !alsoLinks.includes(l.index)) continue;
      out.push({
        netns: netns.get(end.node)!,
        ifname: end.ifname,
        label: `${end.node}:${end.ifname}`,
        ...(imp.rateBitPerSec ? { rateBitPerSec: imp.rateBitPerSec } : {}),
        delayLineMs: (imp.delayMs ?? 0) + (imp.jitterMs ?? 0),
        dropsOnPurpose: !!imp.loss || !!imp.corruptPct,
      });
    }
  return out;
}
