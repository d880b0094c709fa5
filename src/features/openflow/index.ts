// OpenFlow switches: a node of kind ovs (or kind switch with openflow: true) is an Open vSwitch bridge that talks
// OpenFlow to a controller, instead of a Linux bridge. Pure: it resolves each switch's settings and produces its
// private directories and services; exec/ starts them like FRR's daemons.
//
// Where Open vSwitch runs, and why: one ovsdb-server and one ovs-vswitchd in each OpenFlow switch's namespace.
// - The kernel here has no openvswitch module, so the datapath is OVS's userspace one (datapath_type=netdev). Its
//   ports are AF_PACKET sockets that ovs-vswitchd opens on the interfaces of its own network namespace: a port in
//   another namespace cannot be opened by name at all. So one ovs-vswitchd per lab would need every switch's ports in
//   one namespace — every s1-eth0 beside every s2-eth0, as Mininet's root-namespace switches are — and `nslab exec
//   LAB s1`, captures, impairments and link changes on a switch would all stop seeing "s1's" interfaces. One instance
//   per switch keeps the lab's model (a switch is a namespace with its ports), at a cost measured here: ovsdb-server
//   10 MB and ovs-vswitchd 21 MB RSS (shared library pages counted in each), started in ~0.1 s, per switch.
// - Its directories (OVS_RUNDIR for the database socket, pid files and the bridge's br0.mgmt; OVS_DBDIR for
//   conf.db; OVS_LOGDIR) are the switch's own, in the lab's state folder, given to every process of the node by
//   environment (PrivateDir.env): `nslab exec LAB s1 -- ovs-ofctl dump-flows br0` then talks to s1's OVS and no
//   other. Not bind mounts as for FRR: /var/run/openvswitch does not exist on a host where the system's OVS never
//   ran, and creating it would touch the system's OVS. The system's OVS (its database in /etc/openvswitch, its
//   sockets in /var/run/openvswitch) is never opened: every daemon and tool nslab runs gets these variables.
// - Controllers nslab starts (learning: ovs-testcontroller; run: a command such as osken-manager) run in the
//   switch's namespace too and listen on its loopback: control traffic never reaches a lab link or leaves the
//   machine. Each switch has its own instance (a controller app that needs one view of all switches needs
//   controller: { address } towards a controller reachable from every switch).
// - The database is built before ovs-vswitchd starts (ovs-vsctl --no-wait against ovsdb-server), so the bridge,
//   its ports with their OpenFlow numbers, the datapath ID and the controller exist from ovs-vswitchd's first moment.

import { posix } from 'node:path';
import type { NodeKind, OpenFlowController, OpenFlowSwitch, PrivateDir, RawNode, ResolvedNode, ResolvedService } from '../../model/index.js';
import { SWITCH_BRIDGE_NAME, shellQuote } from '../../model/index.js';
import type { DocPath, WithInterfaces } from '../../topology/passes/draft.js';

export const OVS_PACKAGE = 'openvswitch-switch';
export const OVS_CONTROLLER_PACKAGE = 'openvswitch-testcontroller';
/** The OpenFlow port controllers listen on (IANA's, and Open vSwitch's default). */
export const OPENFLOW_PORT = 6653;

/** The environment variables that point every OVS daemon and tool at the switch's own directories. */
export const OVS_DIRS: { target: string; env: string }[] = [
  { target: 'ovs/run', env: 'OVS_RUNDIR' },
  { target: 'ovs/db', env: 'OVS_DBDIR' },
  { target: 'ovs/log', env: 'OVS_LOGDIR' },
  // ovs-vswitchd reads $OVS_SYSCONFDIR/openvswitch/system-id.conf: never the host's /etc.
  { target: 'ovs/etc', env: 'OVS_SYSCONFDIR' },
];

/** A file in the switch's run directory that records the datapath ovs-vswitchd was given (for show and doctor). */
export const DATAPATH_FILE = 'nslab.datapath';
/** Created once the switch is connected to a controller that nslab runs: the switch's readiness. */
export const CONNECTED_FILE = 'nslab.connected';

type RawController = 'none' | 'learning' | { address: string } | { run: string; port?: number };

/** The kind a raw node resolves to: kind ovs is a switch (with openflow). */
export function resolvedKind(raw: RawNode | null | undefined): NodeKind {
  const k = raw?.kind;
  return k === 'ovs' ? 'switch' : (k ?? 'host');
}

export function isOpenFlowNode(raw: RawNode | null | undefined): boolean {
  return raw?.kind === 'ovs' || raw?.openflow === true;
}

/** Node keys that only mean something on an OpenFlow switch. */
const OPENFLOW_KEYS = ['controller', 'protocols', 'fail_mode', 'dpid', 'ofports', 'datapath'] as const;

function controllerOf(raw: RawController | undefined): OpenFlowController {
  if (raw === undefined || raw === 'none') return { type: 'none' };
  const local = (port: number) => `tcp:127.0.0.1:${port}`;
  if (raw === 'learning') return { type: 'learning', target: local(OPENFLOW_PORT) };
  if ('address' in raw) return { type: 'address', target: raw.address };
  return { type: 'run', command: raw.run, target: local(raw.port ?? OPENFLOW_PORT) };
}

/** A datapath ID as 16 hex digits, from a number or a hex string. */
export function dpidText(v: string | number): string {
  const hex = typeof v === 'number' ? v.toString(16) : v.replace(/^0x/i, '');
  return hex.toLowerCase().padStart(16, '0');
}

/**
 * Resolve every OpenFlow switch's settings (set on the node as `openflow`) and report misplaced or conflicting
 * keys. The default datapath ID is Mininet's: the number in the switch's name (s1 → 1); a name without one, or a
 * number another switch already has, takes the switch's position among the OpenFlow switches, and two switches
 * given the same ID are refused (a controller would take them for one).
 */
export function resolveOpenFlow(d: WithInterfaces): void {
  const P = d.problems;
  const topController = d.raw.controller as RawController | undefined;
  const taken = new Map<string, string>();
  let position = 0;
  const pending: { node: ResolvedNode; raw: RawNode; at: DocPath }[] = [];
  for (const n of d.nodeNames) {
    const raw = d.raw.nodes[n] ?? {};
    const at: DocPath = ['nodes', n];
    if (!isOpenFlowNode(raw)) {
      for (const k of OPENFLOW_KEYS)
        if (raw[k] !== undefined)
          P.add([...at, k], 'E_NOT_OPENFLOW', `'${k}' applies to OpenFlow switches; '${n}' is ${raw.openflow === false ? 'a Linux bridge (openflow: false)' : `a ${d.kindOf.get(n)}`}`, `make it kind: ovs, or remove ${k} from '${n}'`);
      continue;
    }
    if (raw.openflow === true && d.kindOf.get(n) !== 'switch') {
      P.add([...at, 'openflow'], 'E_NOT_A_SWITCH', `openflow: true applies to switches; '${n}' is a ${d.kindOf.get(n)}`, 'make it kind: switch (or kind: ovs)');
      continue;
    }
    if (raw.stp === true) P.add([...at, 'stp'], 'E_OPENFLOW_STP', `'${n}' is an OpenFlow switch: its forwarding is the controller's, and nslab does not turn on Open vSwitch's STP`, `remove stp from '${n}', or make it a Linux bridge (kind: switch)`);
    pending.push({ node: d.byName.get(n)!, raw, at });
  }
  for (const { node, raw, at } of pending) {
    position++;
    let dpid: string;
    if (raw.dpid !== undefined) {
      dpid = dpidText(raw.dpid as string | number);
      const other = taken.get(dpid);
      if (other) P.add([...at, 'dpid'], 'E_DUPLICATE_DPID', `datapath ID ${dpid} is also ${other}'s`, 'give every OpenFlow switch its own dpid');
    } else {
      const digits = /([0-9]+)$/.exec(node.name)?.[1];
      dpid = dpidText(digits && Number(digits) > 0 && !taken.has(dpidText(Number(digits))) ? Number(digits) : position);
      // A position that collides with a later explicit one is reported there.
    }
    taken.set(dpid, node.name);
    const names = node.interfaces.map((i) => i.name);
    const given = (raw.ofports ?? {}) as Record<string, number>;
    const ports: Record<string, number> = {};
    const used = new Map<number, string>();
    for (const [ifname, num] of Object.entries(given)) {
      if (!names.includes(ifname)) P.add([...at, 'ofports', ifname], 'E_UNKNOWN_DEV', `'${node.name}' has no interface '${ifname}'`, `interfaces of ${node.name}: ${names.join(', ') || 'none'}`);
      else if (used.has(num)) P.add([...at, 'ofports', ifname], 'E_DUPLICATE_OFPORT', `OpenFlow port ${num} is also ${used.get(num)}'s`, 'give each interface its own port number');
      else {
        ports[ifname] = num;
        used.set(num, ifname);
      }
    }
    // The rest: their position on the switch (1-based, file order), skipping numbers given to others.
    let next = 1;
    names.forEach((ifname, i) => {
      if (ports[ifname] !== undefined) return;
      next = Math.max(next, i + 1);
      while (used.has(next)) next++;
      ports[ifname] = next;
      used.set(next, ifname);
    });
    const controller = controllerOf((raw.controller as RawController | undefined) ?? topController);
    const dp = (raw.datapath as string | undefined) ?? 'auto';
    node.openflow = {
      bridge: SWITCH_BRIDGE_NAME,
      dpid,
      protocols: (raw.protocols as string[] | undefined) ?? [],
      failMode: (raw.fail_mode as 'secure' | 'standalone' | undefined) ?? (controller.type === 'none' ? 'standalone' : 'secure'),
      datapath: dp === 'userspace' ? 'netdev' : dp === 'kernel' ? 'system' : 'auto',
      controller,
      ports,
    };
  }
}

/** ovs-vsctl's arguments that build the switch's bridge, ports and controller in the database (before ovs-vswitchd). */
export function bridgeArgs(of: OpenFlowSwitch, datapathVar: string): string[] {
  const br = of.bridge;
  // userspace-tso-enable: the userspace datapath reads and writes its ports with virtio-net headers, which carry
  // the kernel's checksum offload. Without it a TCP segment from a host (checksum left to the "hardware", as veth
  // does) leaves the switch with its checksum never filled in and is dropped: ping works, TCP does not connect.
  const args = ['--no-wait', '--', 'init', '--', 'set', 'Open_vSwitch', '.', 'other_config:userspace-tso-enable=true', '--', 'add-br', br, '--', 'set', 'bridge', br, `datapath_type=${datapathVar}`, `other-config:datapath-id=${of.dpid}`, `fail_mode=${of.failMode}`];
  if (of.protocols.length) args.push(`protocols=${of.protocols.join(',')}`);
  // Port numbers as the file says; the bridge's own internal port (br0, LOCAL) stays down and unused.
  for (const [ifname, num] of Object.entries(of.ports)) args.push('--', 'add-port', br, ifname, '--', 'set', 'interface', ifname, `ofport_request=${num}`);
  if (of.controller.type !== 'none')
    // out-of-band: the controller is reached over the namespace's loopback (or its routes), never through the
    // bridge's own ports, so no hidden in-band flows; max_backoff 1 s (default 8 s): a controller that starts
    // later (a scenario step) is found within a second.
    args.push('--', '--id=@c', 'create', 'Controller', `target="${of.controller.target}"`, 'max_backoff=1000', 'connection_mode=out-of-band', '--', 'set', 'bridge', br, 'controller=@c');
  return args;
}

const OVS_LOG = ['-vconsole:info', '-vsyslog:off'];

/** The script that records the datapath, builds the database and then becomes ovs-vswitchd (same pid). */
export function vswitchdScript(of: OpenFlowSwitch, waitConnected: boolean): string {
  const dp =
    of.datapath === 'auto'
      ? // The kernel datapath where the openvswitch module is loaded (user-mode Linux loads it), else userspace.
        'dp=netdev; [ -d /sys/module/openvswitch ] && dp=system'
      : `dp=${of.datapath}`;
  const vsctl = ['ovs-vsctl', ...bridgeArgs(of, '$dp')].map((a) => (a.includes('$dp') ? a.replace('$dp', '"$dp"') : shellQuote(a))).join(' ');
  const lines = [dp, `echo "$dp" > "$OVS_RUNDIR/${DATAPATH_FILE}"`, `${vsctl} >/dev/null || exit 1`];
  if (waitConnected)
    // Ready once connected to its controller (the controller installs its flows then), as ovs-vswitchd's own log
    // (its stdout, the service's log file) says: "br0<->tcp:127.0.0.1:6653: connected". Not the database's
    // Controller is_connected, which ovs-vswitchd sometimes writes only ~5 s after connecting (measured: up of
    // single,2 took 5.9 s instead of 0.6-0.7 s in 1 of 3 runs with `ovs-vsctl wait-until`). The waiter looks 20 times
    // a second for at most 30 s, only while the switch starts; it is a grandchild (double fork), so that it is not
    // left a zombie of ovs-vswitchd, which does not reap children it did not start.
    lines.push(
      'log=$(readlink /proc/$$/fd/1)',
      // …and once every port (and the bridge's own) is in the datapath: under user-mode Linux the kernel datapath's
      // ports were added after the connection, and a pingall right after `up` lost the first packets.
      `( ( i=0; until grep -q 'rconn|INFO|${of.bridge}<->.*: connected$' "$log" && [ "$(grep -c 'bridge ${of.bridge}: added interface' "$log")" -ge ${Object.keys(of.ports).length + 1} ]; do i=$((i+1)); [ $i -gt 600 ] && exit 1; sleep 0.05; done; : > "$OVS_RUNDIR/${CONNECTED_FILE}" ) & )`,
    );
  lines.push(['exec', 'ovs-vswitchd', '--pidfile', ...OVS_LOG].join(' '));
  return lines.join('\n');
}

/**
 * The services pass's hook: each OpenFlow switch's directories and daemons — ovsdb-server (its database created
 * first), the controller nslab runs for it if any, then ovs-vswitchd. The switch is ready when its bridge exists
 * (br0.mgmt) or, with a controller nslab runs, once the switch is connected to it.
 */
export function openflowServices(d: WithInterfaces): ResolvedService[] {
  resolveOpenFlow(d);
  const services: ResolvedService[] = [];
  for (const node of d.nodes) {
    const of = node.openflow;
    if (!of) continue;
    const dirs: PrivateDir[] = OVS_DIRS.map((x) => ({ target: x.target, env: x.env, files: {} }));
    node.dirs = [...(node.dirs ?? []), ...dirs];
    const common = { node: node.name, feature: 'openflow', package: OVS_PACKAGE };
    services.push({
      ...common,
      name: 'ovsdb-server',
      argv: ['sh', '-c', `ovsdb-tool create "$OVS_DBDIR/conf.db" && exec ovsdb-server "$OVS_DBDIR/conf.db" --remote=punix:"$OVS_RUNDIR/db.sock" --pidfile ${OVS_LOG.join(' ')}`],
      after: [],
      readyFile: '$OVS_RUNDIR/db.sock',
      program: '/usr/sbin/ovsdb-server',
    });
    const c = of.controller;
    const port = c.type === 'learning' || c.type === 'run' ? c.target.split(':')[2] : '';
    // --wildcards: the learning controller's flows match in_port and the two MAC addresses only, not every header
    // (its default): one flow per pair of hosts instead of one per ARP, ICMP and TCP exchange. pingall on single,50
    // (2450 pairs, measured under load ~20): 2455 flows instead of 7321, 7903 packets dropped on the way to the
    // controller instead of 12686 (Open vSwitch queues at most 100 packet-ins per controller connection).
    if (c.type === 'learning')
      services.push({
        ...common,
        name: 'controller',
        argv: ['/usr/bin/ovs-testcontroller', '--pidfile', '--wildcards', ...OVS_LOG, `ptcp:${port}:127.0.0.1`],
        after: [],
        readyFile: '$OVS_RUNDIR/ovs-testcontroller.pid',
        package: OVS_CONTROLLER_PACKAGE,
      });
    else if (c.type === 'run') {
      const { package: _ovs, ...rest } = common;
      // In the topology file's folder, so that a command can name an app file next to it.
      services.push({ ...rest, name: 'controller', argv: ['sh', '-c', `cd ${shellQuote(posix.dirname(d.source))} && exec ${c.command}`], after: [], program: '/bin/sh' });
    }
    const ours = c.type === 'learning' || c.type === 'run';
    services.push({
      ...common,
      name: 'ovs-vswitchd',
      argv: ['sh', '-c', vswitchdScript(of, ours)],
      after: ['ovsdb-server', ...(ours ? ['controller'] : [])],
      readyFile: ours ? `$OVS_RUNDIR/${CONNECTED_FILE}` : `$OVS_RUNDIR/${of.bridge}.mgmt`,
      program: '/usr/sbin/ovs-vswitchd',
    });
  }
  return services;
}

/** `ovs-ofctl` arguments for a switch: the OpenFlow version it speaks when OpenFlow10 is not among them. */
export function ofctlArgs(of: OpenFlowSwitch, cmd: string[]): string[] {
  const v = of.protocols.length && !of.protocols.includes('OpenFlow10') ? ['-O', of.protocols.join(',')] : [];
  return ['ovs-ofctl', ...v, ...cmd];
}
