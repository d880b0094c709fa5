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
// - A router that runs FRR in nslab (routing: ospf, bgp, isis) runs DEFAULT_FRR_IMAGE, FRR's own image, whose
//   entrypoint starts the daemons that /etc/frr/daemons enables under watchfrr. Its generated frr.conf (interface
//   names shifted like the links), a daemons file enabling what nslab starts, and vtysh.conf are bind-mounted
//   from FRR_DIR/NODE/ beside the exported file (containerlab resolves relative binds against the topology file):
//   containerlabFiles() gives their text, the CLI writes them. netlab and containerlab's own FRR labs do the same.

import { commandArgv } from '../plan/compile.js';
import { compilePlan } from '../plan/index.js';
import { IFNAMSIZ_USABLE, NslabError, renderOperation, type Operation, type ResolvedTopology } from '../model/index.js';

export const DEFAULT_IMAGE = 'ghcr.io/srl-labs/network-multitool';
/** FRR's own image (quay.io/frrouting/frr); nslab's configs are written for FRR 8.4 and read by later versions alike. */
export const DEFAULT_FRR_IMAGE = 'quay.io/frrouting/frr:8.5.0';

export interface ContainerlabOptions {
  /** Container image for every node (default DEFAULT_IMAGE); it needs iproute2 with tc. */
  image?: string;
  /** Container image for FRR routers (default DEFAULT_FRR_IMAGE). */
  frrImage?: string;
}

export interface ClabNode {
  kind: 'linux';
  image?: string;
  labels?: Record<string, string>;
  sysctls?: Record<string, string>;
  env?: Record<string, string>;
  exec?: string[];
  binds?: string[];
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
function inContainer(op: Operation, subinterfaces: Map<string, string>): string {
  // Interface names follow dev, and in `link add link eth0 name eth0.10 type vlan` also link and name; a VLAN
  // subinterface follows its parent (eth0.10 becomes eth1.10).
  const rename = (a: string) => subinterfaces.get(a) ?? clabInterfaceName(a);
  const args = op.args.map((a, i) => (i > 1 && ['dev', 'link', 'name'].includes(op.args[i - 1]) ? rename(a) : a));
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
  const frrNodes = new Set(frrRouters(t).map((r) => r.node));
  const nodes: Record<string, ClabNode> = {};
  for (const n of t.nodes) {
    const exec: string[] = [];
    const subinterfaces = new Map(n.interfaces.filter((i) => i.vlan).map((i) => [i.name, `${clabInterfaceName(i.vlan!.parent)}.${i.vlan!.id}`]));
    for (const stage of plan.stages)
      for (const op of stage.ops) {
        if (op.netns !== n.netns) continue;
        // The veths are containerlab's links, sysctls its `sysctls:`, and exec/start come from the node below.
        // VLAN subinterfaces, bonds and VRFs are ip lines, a switch's VLAN table bridge lines: all run in the node.
        if (op.tool === 'ip' || op.tool === 'tc' || op.tool === 'bridge') exec.push(inContainer(op, subinterfaces));
      }
    exec.push(...n.exec.map((c) => renderOperation({ kind: 'proc.exec', tool: 'exec', netns: null, args: commandArgv(c), subject: '', undo: null })));
    exec.push(...n.start.map((c, i) => startCommand(commandArgv(c), i)));
    const sysctls: Record<string, string> = { ...n.sysctls };
    // Docker turns IPv6 off in a container unless its network has IPv6; links moved into the container take the
    // `default` values, so both are set where the node has IPv6 addresses (unless the file says otherwise).
    if (n.interfaces.some((i) => i.ipv6.length > 0))
      for (const k of ['net.ipv6.conf.all.disable_ipv6', 'net.ipv6.conf.default.disable_ipv6']) sysctls[k] ??= '0';
    const node: ClabNode = { kind: 'linux', labels: { 'nslab.kind': n.kind } };
    if (frrNodes.has(n.name)) {
      node.image = opts.frrImage ?? DEFAULT_FRR_IMAGE;
      node.binds = Object.keys(FRR_FILES).map((f) => `${frrDir(t)}/${n.name}/${f}:/etc/frr/${f}`);
    }
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

/** The folder, beside the exported file, that holds each FRR router's files: `LAB-frr`. */
export function frrDir(t: ResolvedTopology): string {
  return `${t.name}-frr`;
}

const FRR_FILES = { 'frr.conf': true, daemons: true, 'vtysh.conf': true } as const;

/** The routers nslab runs FRR on: their config and the daemons it starts besides zebra. */
function frrRouters(t: ResolvedTopology): { node: string; config: string; vtysh: string; daemons: string[] }[] {
  return t.nodes.flatMap((n) => {
    const dir = n.dirs?.find((d) => d.target === '/etc/frr');
    const config = dir?.files['frr.conf'];
    if (config === undefined) return [];
    const daemons = (t.services ?? []).filter((s) => s.node === n.name && s.feature === 'frr' && s.name !== 'zebra').map((s) => s.name);
    return [{ node: n.name, config, vtysh: dir!.files['vtysh.conf'] ?? '', daemons }];
  });
}

/** Every daemon FRR's daemons file knows (FRR 8.x); the ones nslab starts are `yes`, the rest `no`. */
const FRR_DAEMONS = ['bgpd', 'ospfd', 'ospf6d', 'ripd', 'ripngd', 'isisd', 'pimd', 'ldpd', 'nhrpd', 'eigrpd', 'babeld', 'sharpd', 'pbrd', 'bfdd', 'fabricd', 'vrrpd', 'pathd', 'staticd'];

/**
 * The files of each FRR router, by path relative to the exported file: frr.conf with containerlab's interface
 * names (`interface eth0` becomes `interface eth1`), the daemons file, vtysh.conf. Empty for a lab without FRR.
 */
export function containerlabFiles(t: ResolvedTopology): Record<string, string> {
  const files: Record<string, string> = {};
  for (const r of frrRouters(t)) {
    const base = `${frrDir(t)}/${r.node}`;
    files[`${base}/frr.conf`] = r.config.replace(/^interface (\S+)$/gm, (_m, name: string) => `interface ${clabInterfaceName(name)}`);
    files[`${base}/daemons`] = [
      '# generated by nslab: the daemons nslab starts for this router (zebra always runs)',
      ...FRR_DAEMONS.map((d) => `${d}=${r.daemons.includes(d) ? 'yes' : 'no'}`),
      'vtysh_enable=yes',
      // As nslab runs them: vty on loopback only, zebra with a large netlink buffer.
      'zebra_options=" -A 127.0.0.1 -s 90000000"',
      ...r.daemons.map((d) => `${d}_options=" -A ${d === 'ospf6d' ? '::1' : '127.0.0.1'}"`),
      '',
    ].join('\n');
    files[`${base}/vtysh.conf`] = r.vtysh;
  }
  return files;
}
