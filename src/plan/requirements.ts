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

/** Kernel features beyond veth and bridge that a lab's L2/L3 features need (features/vlan, lag, vrf). */
export type KernelFeature = '8021q' | 'bridge-vlan' | 'bonding' | 'vrf';

/** The module that provides each feature (bridge VLAN filtering is part of the bridge module when it is built in). */
export const FEATURE_MODULE: Record<KernelFeature, string> = { '8021q': '8021q', 'bridge-vlan': 'bridge', bonding: 'bonding', vrf: 'vrf' };

const FEATURE_WHAT: Record<KernelFeature, string> = {
  '8021q': 'VLAN subinterfaces (802.1Q)',
  'bridge-vlan': 'bridge VLAN filtering',
  bonding: 'bonding (link aggregation)',
  vrf: 'VRF devices',
};

export interface FeatureNeed {
  feature: KernelFeature;
  node: string;
  /** What in the lab needs it, for the message: `eth0.10`, `bond0 (802.3ad)`, `vrf red`. */
  what: string;
}

export function describeFeature(f: KernelFeature): string {
  return FEATURE_WHAT[f];
}

/** Which kernel features the lab needs, node by node (one entry per node and feature). */
export function requiredKernelFeatures(t: ResolvedTopology): FeatureNeed[] {
  const needs: FeatureNeed[] = [];
  for (const n of t.nodes) {
    const add = (feature: KernelFeature, what: string[]) => what.length && needs.push({ feature, node: n.name, what: what.join(', ') });
    if (n.vlanAware) add('bridge-vlan', ['VLAN-aware bridge']);
    add('8021q', n.interfaces.filter((i) => i.vlan).map((i) => i.name));
    add('bonding', n.interfaces.filter((i) => i.bond).map((i) => `${i.name} (${i.bond!.mode})`));
    add('vrf', (n.vrfs ?? []).map((v) => `vrf ${v.name}`));
  }
  return needs;
}

/** Modules to load in user-mode Linux for these needs (besides the ones every lab gets). */
export function modulesFor(needs: FeatureNeed[]): string[] {
  return [...new Set(needs.map((n) => FEATURE_MODULE[n.feature]))];
}
