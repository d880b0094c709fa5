// Topology → Plan. Stage order is what the kernel needs: namespaces exist before veths are created inside them;
// a veth end must exist before its addresses and routes; shaping and processes come last, on a wired lab.

import {
  formatCidr,
  nodeBinds,
  labFileSource,
  privateDirSource,
  type Bind,
  renderOperation,
  SWITCH_BRIDGE_NAME,
  type Cidr,
  type Command,
  type Operation,
  type Plan,
  type ResolvedNode,
  type ResolvedRoute,
  type ResolvedTopology,
} from '../model/index.js';
import { shapingOps } from './shape.js';
import { bondOps } from '../features/lag/index.js';
import { subinterfaceOps, switchVlanOps, VLAN_BRIDGE_ARGS } from '../features/vlan/index.js';
import { vrfOps } from '../features/vrf/index.js';
import { segmentInterfaces, staticNeighbourOps } from '../features/mac/index.js';
import { cgroupOps } from '../features/cgroup/index.js';

const inNetns = (netns: string, kind: Operation['kind'], args: string[], subject: string, tool: Operation['tool'] = 'ip'): Operation => ({
  kind,
  tool,
  netns,
  args,
  subject,
  undo: 'netns',
});

/** `route add|replace TO via VIA [dev DEV] [metric M]`. */
export function routeArgs(verb: 'add' | 'replace', r: ResolvedRoute): string[] {
  // `default` is ambiguous between families inside a batch (no -4/-6 per line), so spell it as a prefix.
  const to = r.to === 'default' ? (r.family === 4 ? '0.0.0.0/0' : '::/0') : r.to;
  return ['route', verb, to, ...(r.via ? ['via', r.via] : []), ...(r.dev ? ['dev', r.dev] : []), ...(r.metric !== undefined ? ['metric', String(r.metric)] : []), ...(r.vrf ? ['vrf', r.vrf] : [])];
}

/** fe80::/64 with the interface identifier (low 64 bits) of a global address. */
export function linkLocalFor(global: Cidr): Cidr {
  return { family: 6, address: (0xfe80n << 112n) | (global.address & ((1n << 64n) - 1n)), prefixLen: 64 };
}

export function commandArgv(c: Command): string[] {
  return 'argv' in c ? c.argv : ['sh', '-c', c.shell];
}

function nodeConfigOps(node: ResolvedNode): Operation[] {
  const subject = `node ${node.name}`;
  const ops: Operation[] = [inNetns(node.netns, 'link.set', ['link', 'set', 'dev', 'lo', 'up'], subject)];
  if (node.kind === 'switch' && node.openflow) {
    // An OpenFlow switch: its ports are Open vSwitch's (features/openflow), added by its ovs-vswitchd; here they
    // only come up, without addresses (as a Linux bridge's ports, below).
    for (const i of node.interfaces) {
      ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', i.name, 'addrgenmode', 'none'], `${subject} port ${i.name}`));
      ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', i.name, 'up'], `${subject} port ${i.name}`));
    }
    return ops;
  }
  if (node.kind === 'switch') {
    // With STP off a bridge port forwards as soon as it is up; with STP on, forward_delay is the kernel's minimum
    // (2 s, i.e. 200 centiseconds) rather than the 15 s default, so the lab converges in ~4 s (listening+learning).
    const stp = node.stp ? ['stp_state', '1', 'forward_delay', '200'] : ['stp_state', '0'];
    ops.push(inNetns(node.netns, 'link.add', ['link', 'add', 'name', SWITCH_BRIDGE_NAME, 'type', 'bridge', ...stp, ...(node.vlanAware ? VLAN_BRIDGE_ARGS : [])], subject));
    // A switch has no addresses: without addrgenmode none every port and the bridge would get a link-local address,
    // run duplicate address detection and join multicast groups — kernel work (and MLD traffic on the LAN) that a
    // Linux bridge used as a switch does not need.
    ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', SWITCH_BRIDGE_NAME, 'addrgenmode', 'none'], subject));
    ops.push(...bondOps(node));
    for (const i of node.interfaces) {
      ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', i.name, 'addrgenmode', 'none'], `${subject} port ${i.name}`));
      // A bond's members are its ports, not the bridge's.
      ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', i.name, ...(i.bondOf ? [] : ['master', SWITCH_BRIDGE_NAME]), 'up'], `${subject} port ${i.name}`));
    }
    ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', SWITCH_BRIDGE_NAME, 'up'], subject));
    ops.push(...switchVlanOps(node));
    return ops;
  }
  // Bonds, VLAN subinterfaces and VRFs exist, and their members are enslaved, before anything is up or addressed.
  ops.push(...bondOps(node), ...subinterfaceOps(node), ...vrfOps(node));
  for (const i of node.interfaces) {
    const s = `${subject} ${i.name}`;
    if (i.ipv6.length) {
      // The kernel's own link-local address would go through duplicate address detection: ~1 s tentative plus
      // a retransmit (RetransTimer 1000 ms), during which neighbour discovery stalls and the first v6 packets across
      // a router wait ~2 s. So no automatic link-local (addrgenmode none, set while the link is down) and our own,
      // fe80:: plus the global address's interface identifier (unique on the segment by construction), with nodad.
      ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', i.name, 'addrgenmode', 'none'], s));
      ops.push(inNetns(node.netns, 'addr.add', ['addr', 'add', formatCidr(linkLocalFor(i.ipv6[0])), 'dev', i.name, 'nodad'], s));
    }
    // Up before the addresses: an address added to a running device joins its solicited-node multicast group at
    // once; added while down, the join waits for the asynchronous link-ready work after carrier, and a neighbour
    // solicitation in that window is dropped — the first v6 packet then waits for the 1 s NS retransmit (measured:
    // first ping 1008 ms with addresses first, 9-11 ms with the link up first).
    ops.push(inNetns(node.netns, 'link.set', ['link', 'set', 'dev', i.name, 'up'], s));
    for (const a of i.ipv4) ops.push(inNetns(node.netns, 'addr.add', ['addr', 'add', formatCidr(a), 'dev', i.name], s));
    // nodad: duplicate address detection would hold a v6 address "tentative" for ~1 s after link-up, and the lab
    // assigns addresses itself, so a duplicate is caught at load time instead.
    for (const a of i.ipv6) ops.push(inNetns(node.netns, 'addr.add', ['addr', 'add', formatCidr(a), 'dev', i.name, 'nodad'], s));
  }
  for (const r of node.routes) {
    ops.push(inNetns(node.netns, 'route.add', routeArgs('add', r), `${subject} route ${r.to}`));
  }
  return ops;
}

const withBinds = (t: ResolvedTopology, n: ResolvedNode): { binds?: Bind[] } => {
  const binds = nodeBinds(n, t.files);
  return binds.length ? { binds } : {};
};

/**
 * Node services: first each node's private directories with their files (config), then the daemons in the order
 * the topology lists them; the executor starts a daemon once those it comes `after` are ready. Undo of a start is
 * its stop (SIGTERM, then SIGKILL); the directories go with the lab's state folder.
 */
function serviceOps(t: ResolvedTopology): Operation[] {
  const byName = new Map(t.nodes.map((n) => [n.name, n]));
  const dirs: Operation[] = t.nodes.flatMap((n) =>
    (n.dirs ?? []).map((d) => ({
      kind: 'files.write' as const,
      tool: 'files' as const,
      netns: null,
      args: [privateDirSource(n.name, d.target)],
      subject: `node ${n.name}`,
      undo: null,
      dir: { source: privateDirSource(n.name, d.target), target: d.target, ...(d.owner ? { owner: d.owner } : {}), files: d.files },
    })),
  );
  const starts: Operation[] = (t.services ?? []).map((svc) => {
    const n = byName.get(svc.node)!;
    const subject = `node ${n.name} service ${svc.name}`;
    const service = { node: n.name, name: svc.name, after: svc.after, ...(svc.readyFile ? { readyFile: svc.readyFile } : {}), ...(svc.check ? { check: svc.check } : {}) };
    return {
      kind: 'service.start',
      tool: 'service',
      netns: n.netns,
      args: svc.argv,
      subject,
      undo: { kind: 'service.stop', tool: 'service', netns: n.netns, args: [], subject, undo: null, service },
      env: n.env,
      ...withBinds(t, n),
      service,
    };
  });
  // The lab's shared files (its hosts file): world-readable, since unprivileged processes resolve names too.
  const shared: Operation[] = (t.files ?? []).map((f) => ({
    kind: 'files.write' as const,
    tool: 'files' as const,
    netns: null,
    args: [labFileSource(f.name)],
    subject: `lab ${t.name}`,
    undo: null,
    dir: { source: labFileSource(f.name).replace(/\/[^/]*$/, ''), target: f.target, files: { [f.name]: f.text }, mode: 0o644 },
  }));
  return [...shared, ...dirs, ...starts];
}

export function compilePlan(t: ResolvedTopology): Plan {
  const nodeByName = new Map(t.nodes.map((n) => [n.name, n]));
  const netnsOps: Operation[] = t.nodes.map((n) => ({
    kind: 'netns.add',
    tool: 'ip',
    netns: null,
    args: ['netns', 'add', n.netns],
    subject: `node ${n.name}`,
    undo: { kind: 'netns.del', tool: 'ip', netns: null, args: ['netns', 'del', n.netns], subject: `node ${n.name}`, undo: null },
  }));
  // Both veth ends are created directly in their namespaces, so no name ever appears in the host's namespace.
  // Each end gets an ifindex of its own (see vethIndex), so the kernel brings the pair up at once.
  const linkOps: Operation[] = t.links.map((l) => {
    const a = nodeByName.get(l.a.node)!;
    const b = nodeByName.get(l.b.node)!;
    const mtu = l.mtu ? ['mtu', String(l.mtu)] : [];
    // Each end's address is set as it is created (features/mac): no extra operation, and no random address first.
    const mac = (end: typeof l.a, n: ResolvedNode) => {
      const m = n.interfaces.find((i) => i.name === end.ifname)?.mac;
      return m ? ['address', m] : [];
    };
    const [ia, ib] = [vethIndex(t, a, l.a.ifname), vethIndex(t, b, l.b.ifname)];
    const index = (i: number) => (ia !== ib ? ['index', String(i)] : []);
    return {
      kind: 'link.add',
      tool: 'ip',
      netns: null,
      args: ['link', 'add', 'name', l.a.ifname, ...mtu, ...mac(l.a, a), ...index(ia), 'netns', a.netns, 'type', 'veth', 'peer', 'name', l.b.ifname, ...mtu, ...mac(l.b, b), ...index(ib), 'netns', b.netns],
      subject: `link ${l.a.node}:${l.a.ifname} <-> ${l.b.node}:${l.b.ifname}`,
      undo: 'netns',
    };
  });
  // Static neighbour entries (arp: static) follow each node's addresses, in the same per-namespace batch.
  const segIndex = segmentInterfaces(t);
  const configOps = t.nodes.flatMap((n) => [...nodeConfigOps(n), ...staticNeighbourOps(n, segIndex)]);
  // A switch forwards frames; it does not run them through iptables. With br_netfilter loaded on the host (Docker
  // loads it) every bridged frame would go through the switch namespace's iptables, ip6tables and arptables hooks,
  // and IPv6 ones through a route lookup too: the lab would behave, and cost, differently on a host with Docker.
  // Measured on tree,3,10 (one L2 domain of 1111 nodes, where every MLD report floods to every port): the configure
  // stage took 3.5-3.6 s with the hooks on, 1.5-2.0 s with them off. Optional: without br_netfilter the keys do not
  // exist. A node's own sysctls come after, so a user can turn them back on.
  const bridgeNetfilterOff = (n: ResolvedNode): Operation[] =>
    n.kind !== 'switch' || n.openflow
      ? []
      : ['iptables', 'ip6tables', 'arptables'].map((f) => ({
          ...inNetns(n.netns, 'sysctl.set', [`net.bridge.bridge-nf-call-${f}=0`], `node ${n.name} sysctl net.bridge.bridge-nf-call-${f}`, 'sysctl'),
          optional: true,
        }));
  const sysctlOps: Operation[] = t.nodes.flatMap((n) => [
    ...bridgeNetfilterOff(n),
    ...Object.entries(n.sysctls).map(([k, v]) => inNetns(n.netns, 'sysctl.set', [`${k}=${v}`], `node ${n.name} sysctl ${k}`, 'sysctl')),
  ]);
  const shaping = shapingOps(t);
  const procOp = (n: ResolvedNode, c: Command, kind: 'proc.exec' | 'proc.start'): Operation => ({
    kind,
    tool: kind === 'proc.exec' ? 'exec' : 'start',
    netns: n.netns,
    args: commandArgv(c),
    subject: `node ${n.name} ${kind === 'proc.exec' ? 'exec' : 'start'}`,
    undo: kind === 'proc.start' ? 'netns' : null,
    env: n.env,
    ...withBinds(t, n),
  });
  const stages = [
    { name: 'namespaces', ops: netnsOps },
    { name: 'links', ops: linkOps },
    { name: 'configure', ops: [...sysctlOps, ...configOps] },
    { name: 'shaping', ops: shaping },
    // Nodes' cgroups exist before any process is started in a node (services, exec and start all enter them).
    { name: 'cgroups', ops: cgroupOps(t) },
    // Daemons start on a wired, addressed lab, before the user's commands (which may talk to them).
    { name: 'services', ops: serviceOps(t) },
    { name: 'exec', ops: t.nodes.flatMap((n) => n.exec.map((c) => procOp(n, c, 'proc.exec'))) },
    { name: 'start', ops: t.nodes.flatMap((n) => n.start.map((c) => procOp(n, c, 'proc.start'))) },
  ].filter((s) => s.ops.length > 0);
  return { lab: t.name, netns: t.nodes.map((n) => n.netns), stages };
}

export { renderOperation };

/**
 * The ifindex of a veth end: 4096 × (the node's number + 1) + the interface's number on the node. Unique within the
 * node's namespace, and different from its peer's. Why set it: ifindexes are per namespace, so both ends of a lab
 * link are often ifindex 2, and the kernel's linkwatch takes a veth whose peer has its own ifindex for a device
 * without a lower link (dev->ifindex == dev_get_iflink(dev)): its carrier event is then not urgent and waits for the
 * next batch, up to a second (HZ) later. Until it runs the veth stays operationally DOWN/UNKNOWN and a bridge does
 * not forward on the port: `up` had to wait for it (star.yaml, 5 nodes: 0.55-0.62 s of the 0.74-0.76 s build), or
 * return before the lab carried frames (the first ARP lost, the first ping 1009 ms). With distinct indexes the event
 * is urgent and handled at once. 4096 interfaces per node and 524,287 nodes fit in a 32-bit ifindex.
 */
function vethIndex(t: ResolvedTopology, n: ResolvedNode, ifname: string): number {
  return 4096 * (t.nodes.indexOf(n) + 1) + Math.max(0, n.interfaces.findIndex((i) => i.name === ifname));
}
