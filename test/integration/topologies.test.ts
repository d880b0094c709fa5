// Every shipped topology comes up, its kernel state matches the plan, pingall passes in v4 and v6, and the host
// is exactly as before once it is down.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { formatCidr } from '../../src/model/index.js';
import { skipUnlessRoot, withLab } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';
import { kernelFeatureSkip } from '../helpers/kernel.js';
import { loadTopology } from '../../src/topology/index.js';

sandbox();
const files = readdirSync('topologies').filter((f) => f.endsWith('.yaml')).sort();

for (const f of files) {
  t.test(f, async (t) => {
    if (skipUnlessRoot(t)) return;
    const skip = await kernelFeatureSkip(loadTopology(`topologies/${f}`));
    if (skip) return t.skip(skip);
    const services = loadTopology(`topologies/${f}`).services ?? [];
    const routed = services.some((s) => s.feature === 'frr');
    if (routed && !existsSync('/usr/lib/frr/zebra')) return t.skip('routing by FRR, which is not installed (apt-get install frr)');
    const missing = services.find((s) => !existsSync(s.program ?? s.argv[0]));
    if (missing) return t.skip(`${missing.feature} needs ${missing.program ?? missing.argv[0]}, which is not installed (apt-get install ${missing.package})`);
    if (f === 'sdn-osken.yaml' && !existsSync('/usr/bin/osken-manager')) return t.skip('an os-ken controller, which is not installed (apt-get install python3-os-ken)');
    await withLab(t, `topologies/${f}`, async (lab) => {
      const topo = lab.topology;
      for (const n of topo.nodes) {
        const addrs = JSON.parse(execFileSync('ip', ['-n', n.netns, '-j', 'addr', 'show'], { encoding: 'utf8' })) as {
          ifname: string;
          flags: string[];
          mtu: number;
          addr_info: { local: string; prefixlen: number; family: string }[];
        }[];
        for (const i of n.interfaces) {
          const live = addrs.find((a) => a.ifname === i.name);
          t.ok(live, `${n.name}:${i.name} exists`);
          if (!live) continue;
          // operstate trails carrier changes (linkwatch runs asynchronously); the flags are the link's real state.
          t.ok(live.flags.includes('UP') && live.flags.includes('LOWER_UP'), `${n.name}:${i.name} is up with carrier`);
          if (i.ipv6.length) t.equal(live.addr_info.filter((a) => a.local.startsWith('fe80')).length, 1, `${n.name}:${i.name} has one link-local address`);
          if (i.mtu) t.equal(live.mtu, i.mtu, `${n.name}:${i.name} mtu`);
          const have = live.addr_info.filter((a) => a.family !== 'inet6' || !a.local.startsWith('fe80')).map((a) => `${a.local}/${a.prefixlen}`).sort();
          t.same(have, [...i.ipv4, ...i.ipv6].map(formatCidr).sort(), `${n.name}:${i.name} has exactly its addresses`);
        }
        // Every table: a VRF's routes are in its own (vrf-lite.yaml).
        const routes = execFileSync('ip', ['-n', n.netns, 'route', 'show', 'table', 'all'], { encoding: 'utf8' }) + execFileSync('ip', ['-n', n.netns, '-6', 'route', 'show', 'table', 'all'], { encoding: 'utf8' });
        for (const r of n.routes) {
          const to = r.to === 'default' ? 'default' : r.to;
          t.match(routes, new RegExp(`^${to.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} via ${r.via}`, 'm'), `${n.name} route ${r.to} via ${r.via}`);
        }
        if (n.kind === 'switch' && !n.openflow && existsSync('/proc/sys/net/bridge')) {
          // br_netfilter is loaded on this host: the switch must not send bridged frames through iptables.
          const nf = execFileSync('ip', ['netns', 'exec', n.netns, 'sysctl', '-n', 'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables', 'net.bridge.bridge-nf-call-arptables'], { encoding: 'utf8' });
          t.equal(nf, '0\n0\n0\n', `${n.name}: bridge netfilter off`);
        }
        if (n.kind === 'router') {
          const fwd = execFileSync('ip', ['netns', 'exec', n.netns, 'cat', '/proc/sys/net/ipv4/ip_forward', '/proc/sys/net/ipv6/conf/all/forwarding'], { encoding: 'utf8' });
          t.equal(fwd, '1\n1\n', `${n.name} forwards v4 and v6`);
        }
      }
      const hosts = topo.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
      // A lab routed by FRR converges after `up` returns (seconds): its pingall waits for that, up to a minute.
      const deadline = Date.now() + (routed ? 60_000 : 0);
      let pairs = await lab.reachPairs({ from: hosts, to: hosts, families: [4, 6] });
      while (pairs.some((p) => !p.reachable) && Date.now() < deadline) pairs = await lab.reachPairs({ from: hosts, to: hosts, families: [4, 6] });
      t.equal(pairs.length, hosts.length * (hosts.length - 1) * 2, 'every ordered host pair, v4 and v6');
      const failed = pairs.filter((p) => !p.reachable).map((p) => `${p.from}->${p.to} ${p.address}`);
      t.same(failed, [], 'pingall v4 and v6');
    });
  });
}

t.test('the same topology file loads to the same addresses every time', async (t) => {
  const a = JSON.stringify(loadTopology('topologies/router-chain.yaml').nodes.map((n) => n.interfaces.map((i) => [...i.ipv4, ...i.ipv6].map(formatCidr))));
  const b = JSON.stringify(loadTopology('topologies/router-chain.yaml').nodes.map((n) => n.interfaces.map((i) => [...i.ipv4, ...i.ipv6].map(formatCidr))));
  t.equal(a, b);
});
