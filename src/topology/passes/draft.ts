// The one data shape that resolution's passes hand along: the raw file, the problems found so far, and what each
// pass has worked out. Each pass reads the fields of the passes before it and adds its own (the types say which),
// so a pass can be run, and tested, on the output of the passes before it alone.

import type { Cidr, EndpointRef, LabFile, LocateFn, NodeKind, Problem, RawImpairment, RawTopology, ResolvedLink, ResolvedNode, ResolvedService, Segment } from '../../model/index.js';
import { formatDocPath } from '../yaml.js';
import type { LagGroup } from '../../features/lag/index.js';
import type { PortVlans } from '../../features/vlan/index.js';

export type DocPath = (string | number)[];

/** Every problem of one resolution, in the order found, each located in the file. */
export class Problems {
  readonly list: Problem[] = [];
  constructor(private readonly locate: LocateFn) {}
  add(path: DocPath, code: string, message: string, hint?: string): void {
    this.list.push({ code, message, path: formatDocPath(path), location: this.locate(path), hint });
  }
}

/** What every pass starts from. */
export interface Base {
  readonly raw: RawTopology;
  readonly lab: string;
  readonly source: string;
  readonly problems: Problems;
  readonly nodeNames: string[];
  readonly kindOf: Map<string, NodeKind>;
}

export interface NormalLink {
  index: number;
  path: DocPath;
  /** Document path of endpoint j. */
  endpointPath: (j: number) => DocPath;
  ends: [{ node: string; ifname?: string }, { node: string; ifname?: string }];
  ipv4?: [string | null, string | null];
  ipv6?: [string | null, string | null];
  mtu?: number;
  shared: RawImpairment;
  from: Record<string, RawImpairment>;
}

/** After `normalise`: links in one shape, the broken ones left out, every endpoint named. */
export interface Normalised extends Base {
  /** Every link of the file, broken or not (indexed by l.index). */
  readonly allLinks: NormalLink[];
  /** The links whose endpoints are sound; the passes below work on these only. */
  readonly links: NormalLink[];
  /** Indexed by the link's position in the file (l.index), like every per-link array below. */
  readonly endRefs: [EndpointRef, EndpointRef][];
}

/** After `nodes`: one ResolvedNode per node, without interfaces or routes yet. */
export interface WithNodes extends Normalised {
  readonly nodes: ResolvedNode[];
  readonly byName: Map<string, ResolvedNode>;
}

/** After `segments`: L2 segments (p2p links and switched LANs, one per VLAN), members in address order. */
export interface WithSegments extends WithNodes {
  readonly segments: Segment[];
  /** Segment index of each link (its untagged or first VLAN), by l.index. */
  readonly linkSegment: number[];
  /** Segment of each addressed interface (segment members: ethN, a bond, a VLAN subinterface), by `node:ifname`. */
  readonly memberSegment: Map<string, number>;
  /** The bond each aggregated link belongs to, by l.index (features/lag). */
  readonly lagOf: Map<number, LagGroup>;
  /** The VLANs of each link's switch end, by l.index (features/vlan); absent: untagged, VLAN-unaware. */
  readonly portVlans: Map<number, PortVlans>;
  /** VLAN subinterfaces of hosts and routers on trunks, in the order they are made. */
  readonly subinterfaces: { node: string; name: string; parent: string; id: number; link: number; peer: EndpointRef }[];
  /** Switches with a VLAN on any port. */
  readonly vlanAware: Set<string>;
}

export type AddressMap = { 4: Map<string, Cidr>; 6: Map<string, Cidr> };

/** After `addressing`: an address per family for each `node:ifname` that gets one, and the pools. */
export interface WithAddresses extends WithSegments {
  readonly addrOf: AddressMap;
  readonly pools: { 4?: Cidr; 6?: Cidr };
}

/** After `interfaces`: resolved links (impairments parsed) and every node's interfaces. */
export interface WithInterfaces extends WithAddresses {
  readonly resolvedLinks: ResolvedLink[];
}

/** After `services`: the daemons to start, in order (each node's private directories are on the node). */
export interface WithServices extends WithInterfaces {
  readonly services: ResolvedService[];
  /** Files every node sees (the lab's hosts file). */
  readonly files: LabFile[];
}

export const endKey = (r: EndpointRef): string => `${r.node}:${r.ifname}`;
