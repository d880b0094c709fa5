// nslab topology → containerlab topology (https://containerlab.dev/manual/topo-def-file/), for running the same lab
// under containerlab on one Docker host or under clabernetes on Kubernetes.
//
// Decisions, and why:
// - Every node is `kind: linux` running DEFAULT_IMAGE, ghcr.io/srl-labs/network-multitool: containerlab's own docs
//   use it for Linux nodes; it is Alpine with the full iproute2 (ip *and* tc with htb/netem — busybox's `ip`/`tc`
//   in plain alpine:3 lack `nodad`, htb classes and netem), iperf3, ping and tcpdump, and its entrypoint keeps the
//   container running (alpine:3's /bin/sh would exit at once). Override with `image`.
// - A switch is a linux container holding a Linux bridge (`br0`, built by the same `ip link` commands nslab runs
//   in a switch's namespace), not containerlab's `kind: bridge`. `kind: bridge` points at a bridge that must
//   already exist on the container host (containerlab does not create it): an extra manual step, and under
//   clabernetes — each node in its own pod, links turned into VXLAN tunnels between pods — there is no shared
//   host to put it on. A bridge inside a node is an ordinary node there, so the same file runs in both places.
// - Interface names: containerlab gives every linux container eth0 on its management network, so data links
//   start at eth1. nslab's `ethN` becomes `eth(N+1)` on every node (all of a node's ethN shift together, so names
//   stay unique and in order); other names (`uplink`, `eth0.100`) are kept. See clabInterfaceName.
// - Addresses, routes, the bridge and tc shaping are the plan's own operations (compilePlan), rendered without
//   `-n NETNS` and with the interface renamed, as node `exec:` commands: the tc lines are byte for byte the ones
//   `nslab up` runs. Routes use `ip route replace`, because the management network already installed a default
//   route in each container and `add` would fail with "File exists"; a host's lab default route therefore
//   replaces the management one, as in nslab, where a node has no other way out.
// - Sysctls (forwarding on routers) go in `sysctls:`, which Docker sets before the container starts.
// - Every link carries `mtu` (nslab's, or 1500): containerlab's veth default is 9500, nslab's is the kernel's 1500,
//   and htb's quantum and netem's queue are sized for the MTU.

import { commandArgv } from '../plan/compile.js';
import { compilePlan } from '../plan/index.js';
import { IFNAMSIZ_USABLE, NslabError, renderOperation, type Operation, type ResolvedTopology } from '../model/index.js';

export const DEFAULT_IMAGE = 'ghcr.io/srl-labs/network-multitool';

export interface ContainerlabOptions {
  /** Container image for every node (default DEFAULT_IMAGE); it needs iproute2 with tc. */
  image?: string;
}

export interface ClabNode {
  kind: 'linux';
  image?: string;
  labels?: Record<string, string>;
  sysctls?: Record<string, string>;
  env?: Record<string, string>;
  exec?: string[];
}

export interface ClabLink {
  endpoints: [string, string];
  mtu: number;
}

export interface ClabTopology {
  name: string;
  topology: {
    kinds: { linux: { image: string } };
    nodes: Record<string, ClabNode>;
    links?: ClabLink[];
  };
}

const DEFAULT_MTU = 1500;
const ETH_N = /^eth(0|[1-9][0-9]*)$/;

/** nslab interface name → containerlab's: `ethN` → `eth(N+1)` (eth0 is containerlab's management port). */
export function clabInterfaceName(ifname: string): string {
  const m = ETH_N.exec(ifname);
  if (!m) return ifname;
  const name = `eth${Number(m[1]) + 1}`;
  if (name.length > IFNAMSIZ_USABLE)
    throw new NslabError('E_EXPORT_IFNAME', `interface ${ifname} would become ${name} in containerlab, longer than ${IFNAMSIZ_USABLE} characters`, {
      hint: 'rename the interface in the topology file (endpoints: ["node:ethX", ...]) to a shorter ethN or a name that is not ethN',
    });
  return name;
}

/** A plan operation as it runs inside the node's container: no `-n NETNS`, containerlab's interface names. */
function inContainer(op: Operation): string {
  const args = op.args.map((a, i) => (i > 0 && op.args[i - 1] === 'dev' ? clabInterfaceName(a) : a));
  if (op.tool === 'ip' && args[0] === 'route' && args[1] === 'add') args[1] = 'replace';
  return renderOperation({ ...op, netns: null, args });
}

/**
 * nslab `start:` commands run in the background for the life of the lab; containerlab's exec waits for each command
 * (and splits it with shlex, no shell), so a start command is wrapped in `sh -c '… &'` with its output in a log.
 */
function startCommand(argv: string[], i: number): string {
  const cmd = renderOperation({ kind: 'proc.exec', tool: 'exec', netns: null, args: argv, subject: '', undo: null });
  return renderOperation({ kind: 'proc.exec', tool: 'exec', netns: null, args: ['sh', '-c', `${cmd} </dev/null >/tmp/nslab-start-${i}.log 2>&1 &`], subject: '', undo: null });
}

export function toContainerlab(t: ResolvedTopology, opts: ContainerlabOptions = {}): ClabTopology {
  // OpenFlow switches are not exported (a stated limitation, not a silent Linux bridge): containerlab's ovs-bridge
  // kind points at an Open vSwitch bridge that must already exist on the Docker host (containerlab neither creates it
  // nor sets its controller, datapath ID or port numbers), and under clabernetes there is no shared host to put it
  // on; the default image has no Open vSwitch to run one inside a linux node as nslab does.
  const openflow = t.nodes.filter((n) => n.openflow).map((n) => n.name);
  if (openflow.length)
    throw new NslabError('E_EXPORT_OPENFLOW', `${openflow.join(', ')} ${openflow.length > 1 ? 'are OpenFlow switches' : 'is an OpenFlow switch'}, which the containerlab export does not carry over`, {
      hint: "containerlab's ovs-bridge kind needs the bridge (and its controller) made by hand on the Docker host: create them there and refer to them as kind: ovs-bridge, or make the switches kind: switch to export them as Linux bridges",
    });
  const plan = compilePlan(t);
  const nodes: Record<string, ClabNode> = {};
  for (const n of t.nodes) {
    const exec: string[] = [];
    for (const stage of plan.stages)
      for (const op of stage.ops) {
        if (op.netns !== n.netns) continue;
        // The veths are containerlab's links, sysctls its `sysctls:`, and exec/start come from the node below.
        if (op.tool === 'ip' || op.tool === 'tc') exec.push(inContainer(op));
      }
    exec.push(...n.exec.map((c) => renderOperation({ kind: 'proc.exec', tool: 'exec', netns: null, args: commandArgv(c), subject: '', undo: null })));
    exec.push(...n.start.map((c, i) => startCommand(commandArgv(c), i)));
    const sysctls: Record<string, string> = { ...n.sysctls };
    // Docker turns IPv6 off in a container unless its network has IPv6; links moved into the container take the
    // `default` values, so both are set where the node has IPv6 addresses (unless the file says otherwise).
    if (n.interfaces.some((i) => i.ipv6.length > 0))
      for (const k of ['net.ipv6.conf.all.disable_ipv6', 'net.ipv6.conf.default.disable_ipv6']) sysctls[k] ??= '0';
    const node: ClabNode = { kind: 'linux', labels: { 'nslab.kind': n.kind } };
    if (Object.keys(sysctls).length) node.sysctls = sysctls;
    if (Object.keys(n.env).length) node.env = { ...n.env };
    if (exec.length) node.exec = exec;
    nodes[n.name] = node;
  }
  const links: ClabLink[] = t.links.map((l) => ({
    endpoints: [`${l.a.node}:${clabInterfaceName(l.a.ifname)}`, `${l.b.node}:${clabInterfaceName(l.b.ifname)}`],
    mtu: l.mtu ?? DEFAULT_MTU,
  }));
  return {
    name: t.name,
    topology: { kinds: { linux: { image: opts.image ?? DEFAULT_IMAGE } }, nodes, ...(links.length ? { links } : {}) },
  };
}
