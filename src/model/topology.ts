// Topology data by stage: Raw* is what the file says (unchecked), Resolved* has every default applied once.

import type { Cidr } from './ip.js';
import type { SourceLocation } from './errors.js';

export type NodeKind = 'host' | 'router' | 'switch';
/** auto: static shortest paths; none: only the file's routes; a protocol name: that protocol on every router (FRR). */
export type RoutingMode = 'auto' | 'none' | 'ospf' | 'bgp' | 'isis';
export const NODE_KINDS: readonly NodeKind[] = ['host', 'router', 'switch'];

/** As parsed from YAML, after schema validation: shapes are right, meanings unchecked. */
export interface RawTopology {
  name: string;
  nodes: Record<string, RawNode | null>;
  links?: RawLink[];
  routing?: RoutingMode;
  addressing?: { ipv4?: string | false; ipv6?: string | false };
  defaults?: { link?: RawImpairment & { mtu?: number } };
  topo?: string;
}

export interface RawNode {
  kind?: NodeKind;
  routes?: { to: string; via?: string; dev?: string; metric?: number }[];
  gateway?: string | { ipv4?: string; ipv6?: string };
  sysctls?: Record<string, string | number | boolean>;
  exec?: (string | string[])[];
  start?: (string | string[])[];
  env?: Record<string, string | number | boolean>;
  stp?: boolean;
  /** Feature keys (ospf:, bgp:, frr:, bfd:, …): checked by the schema, read by each feature's resolution hook. */
  [feature: string]: unknown;
}

export interface RawImpairment {
  rate?: string | number;
  delay?: string;
  jitter?: string;
  correlation?: string | number;
  distribution?: NetemDistribution;
  loss?: string | number | { percent?: string | number; correlation?: string | number } | RawGilbertElliott;
  duplicate?: string | number;
  reorder?: string | number | { percent: string | number; correlation?: string | number; gap?: number };
  corrupt?: string | number;
  limit?: number;
}

export interface RawGilbertElliott {
  model: 'gilbert-elliott';
  p: string | number;
  r?: string | number;
  '1-h'?: string | number;
  '1-k'?: string | number;
}

export type RawLink =
  | [string, string]
  | (RawImpairment & {
      endpoints: [string, string];
      ipv4?: [string, string];
      ipv6?: [string, string];
      mtu?: number;
      from?: Record<string, RawImpairment>;
      /** Feature keys (cost:, bfd:, …), read by the features. */
      [feature: string]: unknown;
    });

export type NetemDistribution = 'normal' | 'pareto' | 'paretonormal' | 'uniform';

/** One direction's impairments, in base units. Absent keys mean "not impaired". */
export interface Impairment {
  rateBitPerSec?: number;
  delayMs?: number;
  jitterMs?: number;
  delayCorrelationPct?: number;
  distribution?: NetemDistribution;
  loss?:
    | { model: 'random'; pct: number; correlationPct?: number }
    | { model: 'gilbert-elliott'; pPct: number; rPct: number; oneMinusHPct: number; oneMinusKPct: number };
  duplicatePct?: number;
  duplicateCorrelationPct?: number;
  reorderPct?: number;
  reorderCorrelationPct?: number;
  reorderGap?: number;
  corruptPct?: number;
  corruptCorrelationPct?: number;
  limitPackets?: number;
}

export interface EndpointRef {
  node: string;
  ifname: string;
}

export interface ResolvedInterface {
  name: string;
  /** Index of the link in `links`. */
  link: number;
  /** Index of the L2 segment in `segments`. */
  segment: number;
  ipv4: Cidr[];
  ipv6: Cidr[];
  mtu?: number;
  peer: EndpointRef;
  /** True on a switch: the interface is a bridge port and carries no address. */
  bridgePort: boolean;
}

export interface ResolvedRoute {
  family: 4 | 6;
  /** `default` or a CIDR. */
  to: string;
  via?: string;
  dev?: string;
  /** Route priority: with two routes to one prefix the lower metric wins while its link is up (failover). */
  metric?: number;
  /** Where this route came from: the file, or auto routing. */
  origin: 'file' | 'auto' | 'gateway';
}

export type Command = { argv: string[] } | { shell: string };

export interface ResolvedNode {
  name: string;
  kind: NodeKind;
  netns: string;
  interfaces: ResolvedInterface[];
  routes: ResolvedRoute[];
  sysctls: Record<string, string>;
  exec: Command[];
  start: Command[];
  env: Record<string, string>;
  stp: boolean;
  /**
   * Directories private to this node: every process nslab runs in the node (services, exec, start, `nslab exec`)
   * sees them mounted over `target`. Absent when the node has none.
   */
  dirs?: PrivateDir[];
}

/** A directory that a node sees at `target`, kept in the lab's state folder, with the files nslab writes into it. */
export interface PrivateDir {
  /** Where the node's processes see it, e.g. /etc/frr. */
  target: string;
  /** User that owns it (daemons that drop privileges must write to it), e.g. frr. Root when absent. */
  owner?: string;
  /** File name → content, written before any service of the node starts. */
  files: Record<string, string>;
}

/**
 * A long-running daemon of a node: started once the lab is wired, after the services it names in `after` are
 * ready, journaled, and stopped (SIGTERM, then SIGKILL) before the lab is taken down.
 */
export interface ResolvedService {
  node: string;
  /** Unique within the node, e.g. `zebra`. */
  name: string;
  argv: string[];
  /** Names of services of the same node that must be ready first. */
  after: string[];
  /** Ready when this file exists, as the node sees it (inside one of its private dirs), e.g. /var/run/frr/zebra.vty. */
  readyFile?: string;
  /** Run once in the node before the service starts; a non-zero exit fails `up` with its output (a config check). */
  check?: string[];
  /** Which feature produced it, for messages. */
  feature: string;
  /** The Debian package that provides argv[0], for the hint when it is missing. */
  package?: string;
}

export interface ResolvedLink {
  index: number;
  a: EndpointRef;
  b: EndpointRef;
  mtu?: number;
  /** Impairment applied where packets leave `a` (towards b) and leave `b` (towards a). */
  aToB: Impairment;
  bToA: Impairment;
}

export interface Segment {
  index: number;
  /** `p2p`: one veth between two non-switch nodes; `lan`: one or more switches and all attached. */
  kind: 'p2p' | 'lan';
  switches: string[];
  /** Non-switch endpoints on the segment, in address order. */
  members: EndpointRef[];
  ipv4?: Cidr;
  ipv6?: Cidr;
}

export interface ResolvedTopology {
  name: string;
  routing: RoutingMode;
  addressing: { ipv4?: Cidr; ipv6?: Cidr };
  nodes: ResolvedNode[];
  links: ResolvedLink[];
  segments: Segment[];
  /** Daemons, in start order (a journal written before services existed has none). */
  services?: ResolvedService[];
  /**
   * htb burst (and cburst) as time at the class's rate; absent: 1 ms. tc-tbf(8) asks for burst ≥ rate/HZ: a kernel
   * with a coarse tick (Debian's user-mode Linux: HZ=100) needs one tick's worth, or every late timer wake-up costs
   * throughput. Lab.up sets it for such a kernel; kept in the journal so runtime changes shape alike.
   */
  shapingBurstMs?: number;
  /** Where the topology came from, for messages and `ls`. */
  source: string;
}

/** Maps a document path (`links[2].endpoints[0]`) to a position in the source file. */
export type LocateFn = (path: (string | number)[]) => SourceLocation | undefined;
