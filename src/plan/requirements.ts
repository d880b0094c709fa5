// What a topology needs from the kernel, per link and direction, so that a missing qdisc can be reported with
// the link and the impairment that need it — before anything is created.

import type { Impairment, ResolvedTopology } from '../model/index.js';
import { impairmentSummary, netemArgs } from './shape.js';

export interface QdiscNeed {
  qdisc: 'htb' | 'netem';
  link: string;
  from: string;
  impairment: string;
}

export function impairmentNeeds(i: Impairment): ('htb' | 'netem')[] {
  const out: ('htb' | 'netem')[] = [];
  if (i.rateBitPerSec !== undefined) out.push('htb');
  if (netemArgs(i).length) out.push('netem');
  return out;
}

export function requiredQdiscs(t: ResolvedTopology): QdiscNeed[] {
  const needs: QdiscNeed[] = [];
  for (const l of t.links)
    for (const [from, i] of [[l.a.node, l.aToB], [l.b.node, l.bToA]] as const)
      for (const q of impairmentNeeds(i))
        needs.push({ qdisc: q, link: `${l.a.node}:${l.a.ifname} <-> ${l.b.node}:${l.b.ifname}`, from, impairment: impairmentSummary(i) });
  return needs;
}
