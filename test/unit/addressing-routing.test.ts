// Auto-addressing and auto-routing, computed without a kernel.
import t from 'tap';
import { formatCidr, type ResolvedTopology } from '../../src/model/index.js';
import { loadTopology, loadTopologyText, resolveRawTopology } from '../../src/topology/index.js';

const addrs = (topo: ResolvedTopology, node: string) =>
  topo.nodes.find((n) => n.name === node)!.interfaces.map((i) => `${i.name} ${[...i.ipv4, ...i.ipv6].map(formatCidr).join(' ')}`);
const routes = (topo: ResolvedTopology, node: string) => topo.nodes.find((n) => n.name === node)!.routes.map((r) => `${r.to} via ${r.via}`);

t.test('one subnet per segment; routers take the first address', async (t) => {
  const topo = loadTopology('topologies/lan-router-lan.yaml');
  t.equal(topo.segments.length, 2, 'two LANs, each with its switch and everything on it');
  t.same(addrs(topo, 'r1'), ['eth0 10.10.0.1/24 fd00:10::1/64', 'eth1 10.10.1.1/24 fd00:10:0:1::1/64']);
  t.same(addrs(topo, 'h1'), ['eth0 10.10.0.2/24 fd00:10::2/64']);
  t.same(addrs(topo, 'h4'), ['eth0 10.10.1.3/24 fd00:10:0:1::3/64']);
  t.same(routes(topo, 'h3'), ['default via 10.10.1.1', 'default via fd00:10:0:1::1']);
  t.same(addrs(topo, 's1'), ['eth0 ', 'eth1 ', 'eth2 '], 'switch ports carry no address');
});

t.test('router chain: shortest-path static routes on every router, v4 and v6', async (t) => {
  const topo = loadTopology('topologies/router-chain.yaml');
  t.same(routes(topo, 'r1'), [
    '10.20.23.0/30 via 10.20.12.2',
    'fd00:20:23::/64 via fd00:20:12::2',
    '10.20.1.0/24 via 10.20.12.2',
    'fd00:20:0:1::/64 via fd00:20:12::2',
  ]);
  t.same(routes(topo, 'r2'), [
    '10.20.0.0/24 via 10.20.12.1',
    'fd00:20::/64 via fd00:20:12::1',
    '10.20.1.0/24 via 10.20.23.2',
    'fd00:20:0:1::/64 via fd00:20:23::2',
  ]);
  t.same(routes(topo, 'h1'), ['default via 10.20.0.1', 'default via fd00:20::1']);
  t.same(addrs(topo, 'r2')[1], 'eth1 10.20.23.1/30 fd00:20:23::1/64', 'explicit addresses are kept');
  t.equal(topo.links[2].mtu, 9000);
});

t.test('auto subnets skip the ones given explicitly', async (t) => {
  const topo = loadTopologyText(
    'name: x\nnodes: {a: {}, b: {}, c: {}}\nlinks:\n  - endpoints: [a, b]\n    ipv4: [10.10.0.1/24, 10.10.0.2/24]\n  - [b, c]\n',
    'x.yaml',
  );
  t.same(addrs(topo, 'c'), ['eth0 10.10.1.2/24 fd00:10:0:1::2/64']);
});

t.test('a LAN larger than a /24 gets a larger prefix', async (t) => {
  const topo = resolveRawTopology({ name: 'big', topo: 'single,300' }, () => undefined, 'gen');
  t.equal(formatCidr(topo.segments[0].ipv4!), '10.10.0.0/23');
  t.equal(topo.nodes.filter((n) => n.kind === 'host').length, 300);
  const all = new Set(topo.nodes.flatMap((n) => n.interfaces.flatMap((i) => i.ipv4.map(formatCidr))));
  t.equal(all.size, 300, 'every host has its own address');
});

t.test('families can be turned off', async (t) => {
  const topo = loadTopologyText('name: x\naddressing: {ipv6: false}\nnodes: {a: {}, b: {}}\nlinks: [[a, b]]\n', 'x.yaml');
  t.same(addrs(topo, 'a'), ['eth0 10.10.0.1/24']);
});

t.test('routing: none leaves only the routes the file gives', async (t) => {
  const topo = loadTopologyText(
    'name: x\nrouting: none\nnodes:\n  a: {routes: [{to: 10.99.0.0/16, via: 10.10.0.2}]}\n  r: {kind: router}\nlinks: [[a, r]]\n',
    'x.yaml',
  );
  t.same(routes(topo, 'a'), ['10.99.0.0/16 via 10.10.0.2']);
  t.same(routes(topo, 'r'), []);
});

t.test('generators name nodes like Mininet', async (t) => {
  const tree = resolveRawTopology({ name: 't', topo: 'tree,2,3' }, () => undefined, 'gen');
  t.same(tree.nodes.map((n) => n.name), ['s1', 's2', 'h1', 'h2', 'h3', 's3', 'h4', 'h5', 'h6', 's4', 'h7', 'h8', 'h9']);
  const ring = resolveRawTopology({ name: 'r', topo: 'ring,4' }, () => undefined, 'gen');
  t.equal(ring.nodes.filter((n) => n.kind === 'router').length, 4);
  t.ok(ring.nodes.find((n) => n.name === 'r1')!.routes.length > 0, 'ring routers are routed');
  const ft = resolveRawTopology({ name: 'f', topo: 'fattree,4' }, () => undefined, 'gen');
  t.equal(ft.nodes.filter((n) => n.kind === 'host').length, 16, 'k^3/4 hosts');
});
