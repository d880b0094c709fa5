// The netlink relay against the real kernel: a lab configured through it has exactly the kernel state the iproute2
// path (NSLAB_NO_RELAY=1) gives, and its failures name the operation that failed, with the kernel's message.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { Lab } from '../../src/api/index.js';
import { runRelay, relayGroup } from '../../src/exec/relay.js';
import type { Operation } from '../../src/model/index.js';
import { ExecaRunner } from '../../src/sys/index.js';
import { netnsName } from '../../src/model/index.js';
import { hostSnapshot, hostUnchanged } from '../helpers/host.js';
import { ownTopology, skipUnlessRoot } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

const box = sandbox();

type Json = Record<string, unknown>;
const ip = (netns: string, args: string[]): Json[] => JSON.parse(execFileSync('ip', ['-n', netns, '-j', '-d', ...args], { encoding: 'utf8' }) || '[]') as Json[];

/** What a namespace's configuration is, without what differs between two builds (indexes, MACs, timers, counters). */
function kernelState(netns: string): unknown {
  const links = ip(netns, ['link', 'show']).map((l) => {
    const info = (l.linkinfo ?? {}) as Json;
    const data = (info.info_data ?? {}) as Json;
    const slave = (info.info_slave_data ?? {}) as Json;
    return {
      ifname: l.ifname,
      // NO-CARRIER is iproute2's reading of IFF_RUNNING, which linkwatch sets asynchronously after LOWER_UP: when,
      // not what (LOWER_UP, the carrier itself, stays compared).
      flags: ((l.flags ?? []) as string[]).filter((f) => f !== 'NO-CARRIER'),
      mtu: l.mtu,
      master: l.master,
      addrgenmode: (l.inet6_addr_gen_mode ?? l.addr_gen_mode) as unknown,
      kind: info.info_kind,
      stp: data.stp_state,
      forwardDelay: data.forward_delay,
      port: slave.state,
    };
  });
  const addrs = ip(netns, ['addr', 'show']).map((l) => ({
    ifname: l.ifname,
    addrs: ((l.addr_info ?? []) as Json[]).map((a) => `${String(a.local)}/${String(a.prefixlen)} ${String(a.scope)} ${a.nodad ? 'nodad' : ''}`).sort(),
  }));
  const routes = [...ip(netns, ['-4', 'route', 'show', 'table', 'all']), ...ip(netns, ['-6', 'route', 'show', 'table', 'all'])]
    // linkdown follows carrier through linkwatch, asynchronously after the link comes up: when, not what.
    .map((r) => JSON.stringify({ ...r, expires: undefined, flags: ((r.flags ?? []) as string[]).filter((f) => f !== 'linkdown') }))
    .sort();
  const sysctl = execFileSync('ip', ['netns', 'exec', netns, 'sysctl', '-n', 'net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'], { encoding: 'utf8' });
  return { links, addrs, routes, sysctl };
}

async function build(file: string, relay: boolean): Promise<Record<string, unknown>> {
  const saved = process.env.NSLAB_NO_RELAY;
  if (relay) delete process.env.NSLAB_NO_RELAY;
  else process.env.NSLAB_NO_RELAY = '1';
  const lab = await Lab.up(ownTopology(file));
  try {
    return Object.fromEntries(lab.topology.nodes.map((n) => [n.name, kernelState(n.netns)]));
  } finally {
    await lab.down();
    if (saved === undefined) delete process.env.NSLAB_NO_RELAY;
    else process.env.NSLAB_NO_RELAY = saved;
  }
}

t.test('the relay builds the same kernel state as iproute2', async (t) => {
  if (skipUnlessRoot(t)) return;
  const before = hostSnapshot();
  for (const f of ['topologies/lan-router-lan.yaml', 'topologies/router-chain.yaml', 'topologies/dumbbell.yaml']) {
    const viaIp = await build(f, false);
    const viaRelay = await build(f, true);
    t.same(viaRelay, viaIp, `${f}: links, addresses, routes and forwarding are identical`);
    t.ok(Object.keys(viaIp).length >= 3, `${f}: compared ${Object.keys(viaIp).length} nodes`);
  }
  hostUnchanged(t, before, 'host as before');
});

const op = (netns: string, tool: Operation['tool'], args: string[]): Operation => ({ kind: 'link.set', tool, netns, args, subject: `node ${netns}`, undo: 'netns' });

t.test('relay failures: the failing operation, the kernel message, and what was applied before it', async (t) => {
  if (skipUnlessRoot(t)) return;
  const before = hostSnapshot();
  const a = netnsName(box.lab('relay'), 'h1');
  execFileSync('ip', ['netns', 'add', a]);
  try {
    const runner = new ExecaRunner();
    const up = op(a, 'ip', ['link', 'set', 'dev', 'lo', 'up']);
    const cases: [Operation, RegExp][] = [
      [op(a, 'ip', ['addr', 'add', '127.0.0.1/8', 'dev', 'lo']), /File exists|Address already assigned/],
      [op(a, 'ip', ['link', 'set', 'dev', 'nosuch0', 'up']), /No such device/],
      [op(a, 'ip', ['link', 'set', 'dev', 'lo', 'master', 'nosuch0']), /Cannot find device "nosuch0"/],
      [op(a, 'ip', ['route', 'add', '10.9.0.0/16', 'via', '10.1.1.1']), /Nexthop has invalid gateway|Network is unreachable/],
      [op(a, 'sysctl', ['net.ipv4.no_such_knob=1']), /cannot stat \/proc\/sys\/net\/ipv4\/no_such_knob: No such file or directory/],
    ];
    for (const [bad, message] of cases) {
      const after = op(a, 'ip', ['link', 'set', 'dev', 'lo', 'down']);
      const r = await runRelay(runner, [relayGroup(a, [up, bad, after])!], 10_000);
      t.equal(r.failure?.op, bad, `${bad.args.join(' ')}: the failing operation is named`);
      t.match(r.failure?.stderr ?? '', message, `${bad.args.join(' ')}: ${r.failure?.stderr}`);
      t.same(r.applied, [up], 'applied: only what came before it');
    }
    const missing = await runRelay(runner, [relayGroup(netnsName(box.lab('relay'), 'absent'), [up])!], 10_000);
    t.match(missing.failure?.stderr ?? '', `Cannot open network namespace "${netnsName(box.lab('relay'), 'absent')}"`, 'a missing namespace is an error, not a silent skip');
    const optional = { ...op(a, 'sysctl', ['net.nosuch.knob=0']), optional: true };
    const ok = await runRelay(runner, [relayGroup(a, [up, optional, op(a, 'ip', ['addr', 'add', '10.77.0.1/24', 'dev', 'lo']), op(a, 'sysctl', ['net.ipv4.ip_forward=1'])])!], 10_000);
    t.equal(ok.failure, undefined, 'a good batch succeeds (an optional sysctl the kernel lacks is skipped)');
    t.equal(ok.applied.length, 4);
    t.match(execFileSync('ip', ['-n', a, 'addr', 'show', 'dev', 'lo'], { encoding: 'utf8' }), /10\.77\.0\.1\/24/, 'and its address is there');
    t.equal(execFileSync('ip', ['netns', 'exec', a, 'cat', '/proc/sys/net/ipv4/ip_forward'], { encoding: 'utf8' }).trim(), '1', 'and its sysctl, in that namespace only');
  } finally {
    execFileSync('ip', ['netns', 'del', a]);
    // `ip netns add` made /run/netns (a shared bind mount of itself) if it was not there: undo that too.
    if (before.netns === 'absent') execFileSync('sh', ['-c', 'umount /run/netns 2>/dev/null; rmdir /run/netns']);
  }
  hostUnchanged(t, before, 'host as before');
});
