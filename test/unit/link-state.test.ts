// compileLinkState on dual-stack labs: `up` puts back the IPv6 addresses the kernel deleted when the link went down
// (link-local first, then the lab's, `addr replace … nodad`), after `link set up` and before the routes through the
// link; `down` and `blackhole` touch no address.
import t from 'tap';
import { compileLinkState } from '../../src/plan/index.js';
import { formatCidr } from '../../src/model/index.js';
import { loadTopology } from '../../src/topology/index.js';

const lines = (ops: { netns: string | null; args: string[] }[]) => ops.map((o) => `${o.netns}: ${o.args.join(' ')}`);

t.test('two-hosts: up re-adds both ends’ IPv6 addresses after the link is up', async (t) => {
  const topo = loadTopology('topologies/two-hosts.yaml');
  const link = topo.links[0];
  const [h1, h2] = ['h1', 'h2'].map((n) => topo.nodes.find((x) => x.name === n)!);
  const v6 = (n: typeof h1) => formatCidr(n.interfaces[0].ipv6[0]);
  t.ok(h1.interfaces[0].ipv6.length && h2.interfaces[0].ipv6.length, 'the lab is dual-stack');
  const up = lines(compileLinkState(topo, link, 'up'));
  const addr = up.filter((l) => / addr /.test(l));
  t.same(
    addr.map((l) => l.replace(/fe80::\S+/, 'fe80::LL')),
    [`${h1.netns}: addr replace fe80::LL dev eth0 nodad`, `${h1.netns}: addr replace ${v6(h1)} dev eth0 nodad`, `${h2.netns}: addr replace fe80::LL dev eth0 nodad`, `${h2.netns}: addr replace ${v6(h2)} dev eth0 nodad`],
  );
  t.match(addr[0], /fe80::[0-9a-f:]+\/64 /, 'the link-local is a /64 in fe80::');
  const lastLinkUp = Math.max(...up.map((l, i) => (/ link set dev \S+ up$/.test(l) ? i : -1)));
  t.ok(up.indexOf(addr[0]) > lastLinkUp, 'addresses come after both ends are up (solicited-node groups joined at once)');
  for (const s of ['down', 'blackhole'] as const) t.same(lines(compileLinkState(topo, link, s)).filter((l) => / addr /.test(l)), [], `${s} touches no address`);
});

t.test('lan-router-lan: a host–switch link re-adds the host’s addresses before its default route; the switch end has none', async (t) => {
  const topo = loadTopology('topologies/lan-router-lan.yaml');
  const link = topo.links.find((l) => l.a.node === 'h1' && l.b.node === 's1')!;
  const h1 = topo.nodes.find((x) => x.name === 'h1')!;
  const s1 = topo.nodes.find((x) => x.name === 's1')!;
  const up = lines(compileLinkState(topo, link, 'up'));
  t.same(up.filter((l) => l.startsWith(`${s1.netns}: addr`)), [], 'no address on a switch port');
  const addrs = up.filter((l) => l.startsWith(`${h1.netns}: addr replace`));
  t.equal(addrs.length, 1 + h1.interfaces[0].ipv6.length, "the link-local and the lab's IPv6 addresses");
  const v6Route = up.findIndex((l) => l.startsWith(`${h1.netns}: route replace ::/0`));
  t.ok(v6Route > up.indexOf(addrs[addrs.length - 1]), 'the IPv6 default route comes after the addresses');
});

t.test('up and down remove a blackhole only where one may be: a kernel without nftables netdev (user-mode Linux) can still take links down and up', async (t) => {
  const topo = loadTopology('topologies/two-hosts.yaml');
  const link = topo.links[0];
  const nft = (ops: { tool: string }[]) => ops.filter((o) => o.tool === 'nft').length;
  for (const s of ['up', 'down'] as const) {
    t.equal(nft(compileLinkState(topo, link, s, false)), 0, `${s} after no blackhole: no nft`);
    t.equal(nft(compileLinkState(topo, link, s, true)), 2, `${s} after a blackhole: removed at both ends`);
    t.equal(nft(compileLinkState(topo, link, s)), 2, `${s} when nobody knows: removed (the safe side)`);
  }
  t.equal(nft(compileLinkState(topo, link, 'blackhole', false)), 2, 'blackhole: added at both ends');
});
