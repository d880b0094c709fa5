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
  /** `static`: every node's neighbour tables filled at build time (features/mac). */
  arp?: ArpMode;
  /** Feature keys at the top (controller:, …): checked by the schema, read by each feature's resolution hook. */
  [feature: string]: unknown;
}

/** `dynamic`: the kernel resolves neighbours (ARP, ND) on first use; `static`: PERMANENT entries made at build time. */
export type ArpMode = 'static' | 'dynamic';

export interface RawNode {
  /** `ovs` is an OpenFlow switch (the openflow feature): resolved as kind switch with `openflow` set. */
  kind?: NodeKind | 'ovs';
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
  /** Index of the L2 segment in `segments`; -1 for a bond member or a trunk without a native VLAN (no address). */
  segment: number;
  ipv4: Cidr[];
  ipv6: Cidr[];
  mtu?: number;
  peer: EndpointRef;
  /** True on a switch: the interface is a bridge port and carries no address. */
  bridgePort: boolean;
  /** An 802.1Q subinterface (eth0.10) on a trunk: its parent interface and VLAN id (features/vlan). */
  vlan?: { parent: string; id: number };
  /** A switch port (or a switch's bond) of a VLAN-aware switch: the VLANs it carries tagged, and its untagged one. */
  bridgeVlans?: { tagged: number[]; untagged?: number };
  /** A bond (link aggregation, features/lag): its mode and member interfaces. */
  bond?: { mode: LagMode; members: string[] };
  /** A member of this bond: it carries no address (segment -1) and is not a bridge port itself. */
  bondOf?: string;
  /** The VRF this interface is enslaved to (features/vrf). */
  vrf?: string;
  /** Ethernet address, lower case with colons (features/mac); absent in journals written before MACs were set. */
  mac?: string;
}

export type LagMode = '802.3ad' | 'active-backup';

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
  /** The VRF whose table holds the route (features/vrf); absent: the main table. */
  vrf?: string;
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
  /** A switch with a VLAN on any port: its bridge filters by VLAN (features/vlan). */
  vlanAware?: boolean;
  /** VRFs of the node, each with its routing table (features/vrf). */
  vrfs?: { name: string; table: number }[];
  /**
   * Directories private to this node: every process nslab runs in the node (services, exec, start, `nslab exec`)
   * sees them mounted over `target`. Absent when the node has none.
   */
  dirs?: PrivateDir[];
  /** `static`: PERMANENT neighbour entries for every address on its segments, made at build time (features/mac). */
  arp?: ArpMode;
  /** Resource limits, enforced with a cgroup of the node's own (features/cgroup). Absent: no cgroup. */
  limits?: NodeLimits;
  /** An OpenFlow switch (Open vSwitch bridge) instead of a Linux bridge: see features/openflow. */
  openflow?: OpenFlowSwitch;
}

/** A node's share of the machine. */
export interface NodeLimits {
  /** CFS quota as a share of one core: 0.5 is 50 ms of CPU time per 100 ms period. */
  cpuCores?: number;
  /** Memory (RSS plus page cache) the node's processes may use; beyond it the kernel reclaims, then OOM-kills. */
  memoryBytes?: number;
}

/** An OpenFlow switch's resolved settings (features/openflow). */
export interface OpenFlowSwitch {
  /** The OVS bridge's name inside the switch's namespace. */
  bridge: string;
  /** 16 hex digits. */
  dpid: string;
  /** OpenFlow versions the bridge speaks (OVS's names, OpenFlow10..OpenFlow15); empty: OVS's default. */
  protocols: string[];
  failMode: 'secure' | 'standalone';
  /** auto: the kernel datapath where the kernel has the openvswitch module, else the userspace one (netdev). */
  datapath: 'auto' | 'netdev' | 'system';
  controller: OpenFlowController;
  /** Interface name → OpenFlow port number. */
  ports: Record<string, number>;
}

/** Where an OpenFlow switch's controller is: none, one nslab runs in the switch's namespace, or an address. */
export type OpenFlowController =
  | { type: 'none' }
  | { type: 'learning'; target: string }
  | { type: 'run'; command: string; target: string }
  | { type: 'address'; target: string };

/** A directory that a node sees at `target`, kept in the lab's state folder, with the files nslab writes into it. */
export interface PrivateDir {
  /** Where the node's processes see it, e.g. /etc/frr. */
  target: string;
  /** User that owns it (daemons that drop privileges must write to it), e.g. frr. Root when absent. */
  owner?: string;
  /** File name → content, written before any service of the node starts. */
  files: Record<string, string>;
  /**
   * Not mounted: the directory's path is given to the node's processes in this environment variable instead (for
   * daemons that take their directories from the environment, like Open vSwitch's OVS_RUNDIR, where the default
   * target may not exist on the host). `target` then only names the directory.
   */
  env?: string;
}

/** A file that every node of the lab sees at `target`: one copy, in the lab's state folder (the lab's hosts file). */
export interface LabFile {
  /** Its name in the lab's state folder (under lab/). */
  name: string;
  /** Where the nodes' processes see it, e.g. /etc/hosts. */
  target: string;
  text: string;
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
  /** The program checked before the lab is built, when argv[0] is a shell that runs it (default argv[0]). */
  program?: string;
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
  /** Files every node sees (its /etc/hosts); a journal written before they existed has none. */
  files?: LabFile[];
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
