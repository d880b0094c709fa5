// Routing features (src/features/): generated FRR configs against golden files, the services and private
// directories they produce, their plan operations, the schema merge, and their located errors. No root, no FRR.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { NslabError, type ResolvedTopology } from '../../src/model/index.js';
import { compilePlan, renderPlan } from '../../src/plan/index.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';
import { checkServicePrograms } from '../../src/api/lab.js';

/** Compare with test/fixtures/frr/NAME; UPDATE_GOLDEN=1 rewrites the file (then read the diff). */
function golden(t: Tap.Test, name: string, text: string): void {
  const path = `test/fixtures/frr/${name}`;
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(path)) writeFileSync(path, text);
  t.equal(text, readFileSync(path, 'utf8'), `${name} matches its golden file`);
}
const conf = (topo: ResolvedTopology, node: string) => topo.nodes.find((n) => n.name === node)!.dirs!.find((d) => d.target === '/etc/frr')!.files['frr.conf'];

function problems(yaml: string): { code: string; path: string; message: string }[] {
  try {
    loadTopologyText(yaml, 'x.yaml');
  } catch (e) {
    if (e instanceof NslabError) return e.problems.map((p) => ({ code: p.code, path: p.path, message: p.message }));
    throw e;
  }
  return [];
}

t.test('ospf-ring: every router gets FRR, hosts a default route to their LAN router', async (t) => {
  const topo = loadTopology('topologies/ospf-ring.yaml');
  t.equal(topo.routing, 'ospf');
  golden(t, 'ospf-ring.r1.conf', conf(topo, 'r1'));
  golden(t, 'ospf-ring.r4.conf', conf(topo, 'r4'));
  t.match(conf(topo, 'r1'), /interface eth0\n ip ospf area 0.0.0.0\n ip ospf network point-to-point\n ip ospf hello-interval 1\n ip ospf dead-interval 3\n ip ospf cost 30\n/, 'the r1-r2 link has its cost');
  t.match(conf(topo, 'r1'), /interface eth2\n ip ospf area 0.0.0.0\n ip ospf passive\n/, 'the LAN of hosts is passive');
  t.match(conf(topo, 'r1'), / timers throttle lsa all 0\n timers lsa min-arrival 0\n timers throttle spf 0 50 500\n/);
  t.same(topo.nodes.find((n) => n.name === 'r1')!.routes, [], 'routers get no static routes');
  t.same(topo.nodes.find((n) => n.name === 'h3')!.routes.map((r) => `${r.to} via ${r.via}`), ['default via 10.10.7.1', 'default via fd00:10:0:7::1']);
  const services = topo.services!;
  t.same(services.filter((s) => s.node === 'r1').map((s) => [s.name, s.after, s.readyFile]), [
    ['zebra', [], '/var/run/frr/zserv.api'],
    ['ospfd', ['zebra'], '/var/run/frr/ospfd.vty'],
    ['ospf6d', ['zebra'], '/var/run/frr/ospf6d.vty'],
  ]);
  t.equal(services.length, 18, 'three daemons on each of six routers, none on hosts or switches');
  t.same(topo.nodes.find((n) => n.name === 'r1')!.dirs!.map((d) => [d.target, d.owner]), [['/etc/frr', 'frr'], ['/var/run/frr', 'frr'], ['/var/log/frr', 'frr']]);
  t.notOk(topo.nodes.find((n) => n.name === 'h1')!.dirs, 'hosts have no private directories');
});

t.test('ospf settings override the defaults; bfd adds bfdd and a profile', async (t) => {
  const topo = loadTopologyText(
    `name: x\nrouting: ospf\naddressing: { ipv6: false }\nnodes:\n  r1: { kind: router, ospf: { area: 1, router_id: 1.1.1.1, hello: 2, dead: 8, spf: [10, 100, 1000], lsa_min_arrival: 50 } }\n  r2: { kind: router, bfd: true }\n  s1: { kind: switch }\n  r3: { kind: router }\nlinks:\n  - endpoints: [r1, r2]\n    cost: { r1: 5, r2: 7 }\n    bfd: true\n  - [r2, s1]\n  - [r3, s1]\n`,
    'x.yaml',
  );
  golden(t, 'ospf-settings.r1.conf', conf(topo, 'r1'));
  golden(t, 'ospf-settings.r2.conf', conf(topo, 'r2'));
  t.notMatch(conf(topo, 'r1'), /ospf6/, 'no IPv6 addresses: no OSPFv3');
  t.match(conf(topo, 'r2'), /interface eth1\n ip ospf area 0.0.0.0\n ip ospf hello-interval 1/, 'a LAN with two routers is a broadcast network, not passive');
  t.same(topo.services!.filter((s) => s.node === 'r2').map((s) => s.name), ['zebra', 'ospfd', 'bfdd']);
});

t.test('bgp: a private AS per router, eBGP on every router-router link, connected networks advertised', async (t) => {
  const topo = loadTopologyText(
    `name: x\nrouting: bgp\nnodes:\n  h1: {}\n  r1: { kind: router }\n  r2: { kind: router, bgp: { as: 65100 } }\n  r3: { kind: router }\n  h2: {}\nlinks: [[h1, r1], [r1, r2], [r2, r3], [r3, h2]]\n`,
    'x.yaml',
  );
  golden(t, 'bgp-chain.r2.conf', conf(topo, 'r2'));
  t.match(conf(topo, 'r1'), /router bgp 64512\n/);
  t.match(conf(topo, 'r3'), /router bgp 64514\n/, '64512 + the index among routers, in file order');
  t.match(conf(topo, 'r1'), / neighbor 10\.10\.1\.2 remote-as 65100\n/);
  t.same(topo.services!.filter((s) => s.node === 'r1').map((s) => s.name), ['zebra', 'bgpd']);
});

t.test('isis: level 2 on every router link, point-to-point, passive to hosts, metric from cost, system IDs by index', async (t) => {
  const topo = loadTopology('topologies/isis.yaml');
  t.equal(topo.routing, 'isis');
  golden(t, 'isis.r1.conf', conf(topo, 'r1'));
  t.match(conf(topo, 'r1'), /interface eth0\n ip router isis nslab\n ipv6 router isis nslab\n isis network point-to-point\n isis hello-interval 1\n isis hello-multiplier 3\n isis metric 30\n/, 'the r1-r2 link has its metric');
  t.match(conf(topo, 'r1'), /interface eth2\n ip router isis nslab\n ipv6 router isis nslab\n isis passive\n isis metric 10\n/, 'the host LAN is passive');
  t.match(conf(topo, 'r1'), / is-type level-2-only\n net 49\.0001\.0000\.0000\.0001\.00\n/);
  t.match(conf(topo, 'r4'), / net 49\.0002\.0000\.0000\.0004\.00\n/);
  t.same(topo.services!.filter((s) => s.node === 'r1').map((s) => s.name), ['zebra', 'isisd']);
  t.same(topo.nodes.find((n) => n.name === 'h2')!.routes.map((r) => r.to), ['default', 'default'], 'hosts get a default route per family');
  const levels = loadTopologyText(`name: x\nrouting: isis\naddressing: { ipv6: false }\nnodes:\n  r1: { kind: router, bfd: true, isis: { level: "1-2", system_id: 0000.0000.00AA, hello: 2, hello_multiplier: 4 } }\n  r2: { kind: router, isis: { level: 1 } }\nlinks: [[r1, r2]]\n`, 'x.yaml');
  t.match(conf(levels, 'r1'), / is-type level-1-2\n net 49\.0001\.0000\.0000\.00aa\.00\n/);
  t.match(conf(levels, 'r1'), / isis hello-interval 2\n isis hello-multiplier 4\n isis metric 10\n isis bfd\n isis bfd profile nslab\n/);
  t.notMatch(conf(levels, 'r1'), /ipv6 router isis/, 'no IPv6 addresses: IPv4 only');
  t.match(conf(levels, 'r2'), / is-type level-1\n/);
  t.same(levels.services!.filter((s) => s.node === 'r1').map((s) => s.name), ['zebra', 'isisd', 'bfdd']);
});

t.test("a router's own frr: config replaces the generated one and is checked with vtysh -C", async (t) => {
  const topo = loadTopologyText('name: x\nrouting: ospf\nnodes:\n  r1:\n    kind: router\n    frr: |\n      router bgp 65000\n  r2: { kind: router }\nlinks: [[r1, r2]]\n', 'x.yaml');
  t.equal(conf(topo, 'r1'), 'router bgp 65000\n');
  const r1 = topo.services!.filter((s) => s.node === 'r1');
  t.same(r1.map((s) => s.name), ['zebra', 'bgpd'], 'daemons follow the config');
  t.same(r1[0].check, ['vtysh', '-C', '-f', '/etc/frr/frr.conf']);
  t.same(r1[0].argv.slice(1, 3), ['-f', '/etc/frr/frr.conf'], "zebra reads a router's own config whole");
  const r2 = topo.nodes.find((n) => n.name === 'r2')!.dirs![0].files;
  t.equal(r2['zebra.conf'], '! generated by nslab\nfrr defaults datacenter\nhostname r2\n!\n', 'a generated one: zebra reads only its header (no protocol lines logged as unknown)');
  t.same(topo.services!.find((s) => s.node === 'r2')!.argv.slice(1, 3), ['-f', '/etc/frr/zebra.conf']);
  t.notOk(topo.services!.find((s) => s.node === 'r2')!.check, 'generated configs are golden-tested, not checked at each up');
  t.same(problems('name: x\nrouting: ospf\nnodes:\n  r1: { kind: router, frr: missing.conf }\n'), [{ code: 'E_FRR_CONFIG_READ', path: 'nodes.r1.frr', message: `cannot read ${process.cwd()}/missing.conf: no such file` }]);
});

t.test('the plan writes the configs and starts the daemons, each start undone by a stop', async (t) => {
  const plan = compilePlan(loadTopology('topologies/ospf-ring.yaml'));
  const stage = plan.stages.find((s) => s.name === 'services')!;
  t.ok(stage, 'a services stage');
  t.same(plan.stages.map((s) => s.name), ['namespaces', 'links', 'configure', 'services']);
  const zebra = stage.ops.find((o) => o.kind === 'service.start')!;
  t.equal(zebra.subject, 'node r1 service zebra');
  t.equal((zebra.undo as { kind: string }).kind, 'service.stop');
  t.same(zebra.binds!.map((b) => b.target), ['/etc/hosts', '/etc/gai.conf', '/etc/frr', '/var/run/frr', '/var/log/frr']);
  const text = renderPlan(plan);
  t.match(text, /cat > "\$LAB_DIR"\/nodes\/r1\/etc_frr\/frr\.conf <<'NSLAB_EOF'\n! generated by nslab\n/, 'the dry run shows the configs');
  t.match(text, /ip netns exec nslab-ospfring\.r1 (perl -e|sh -c) .* -- \/usr\/lib\/frr\/zebra -f \/etc\/frr\/zebra\.conf/);
});

t.test('a missing FRR is reported before anything is built, with the install command', async (t) => {
  const topo = loadTopology('topologies/ospf-ring.yaml');
  t.throws(() => checkServicePrograms(topo, () => false), { code: 'E_SERVICE_MISSING', hint: /apt-get install frr/ });
  t.doesNotThrow(() => checkServicePrograms(topo, () => true));
});

t.test('located errors', async (t) => {
  const routers = 'r1: { kind: router }\n  r2: { kind: router }\nlinks: [[r1, r2]]\n';
  t.match(problems(`name: x\nrouting: ospf\nnodes:\n  r1: { kind: router, ospf: { aera: 1 } }\n  r2: { kind: router }\n`), [{ path: 'nodes.r1.ospf' }], 'an unknown ospf key (schema)');
  t.match(problems(`name: x\nrouting: rip\nnodes:\n  ${routers}`), [{ path: 'routing' }], 'an unknown protocol (schema)');
  t.same(problems(`name: x\nrouting: ospf\nnodes:\n  r1: { kind: router, ospf: { area: 0.0.0.256 } }\n  r2: { kind: router }\nlinks: [[r1, r2]]\n`).map((p) => [p.code, p.path]), [['E_BAD_AREA', 'nodes.r1.ospf.area']]);
  t.same(problems(`name: x\nrouting: ospf\nnodes:\n  r1: { kind: router, ospf: { hello: 5, dead: 5 } }\n  r2: { kind: router }\nlinks: [[r1, r2]]\n`).map((p) => p.code), ['E_OSPF_TIMERS']);
  t.same(problems(`name: x\nrouting: ospf\nnodes:\n  r1: { kind: router, bgp: { as: 1 } }\n  r2: { kind: router }\nlinks: [[r1, r2]]\n`).map((p) => [p.code, p.path]), [['E_OTHER_PROTOCOL', 'nodes.r1.bgp']]);
  t.same(problems(`name: x\nnodes:\n  r1: { kind: router, ospf: { area: 0 } }\n  r2: { kind: router }\nlinks: [[r1, r2]]\n`).map((p) => [p.code, p.path]), [['E_NEEDS_ROUTING_PROTOCOL', 'nodes.r1.ospf']]);
  t.same(problems(`name: x\nrouting: ospf\nnodes:\n  h1: { ospf: { area: 0 } }\n  r2: { kind: router }\nlinks: [[h1, r2]]\n`).map((p) => p.code), ['E_NOT_A_ROUTER']);
  t.same(problems(`name: x\nrouting: isis\nnodes:\n  r1: { kind: router, isis: { level: 1, area: "49.0001" } }\n  r2: { kind: router, isis: { level: 1, area: "49.0002" } }\n  r3: { kind: router, isis: { system_id: 0000.0000.0001, passive: [eth9] } }\nlinks: [[r1, r2], [r2, r3]]\n`).map((p) => [p.code, p.path]), [
    ['E_ISIS_NO_ADJACENCY', 'nodes.r1.isis.level'],
    ['E_ISIS_NO_ADJACENCY', 'nodes.r2.isis.level'],
    ['E_ISIS_NO_ADJACENCY', 'nodes.r2.isis.level'],
    ['E_UNKNOWN_DEV', 'nodes.r3.isis.passive[0]'],
    ['E_ISIS_NO_ADJACENCY', 'nodes.r3.isis.level'],
    ['E_ISIS_SYSTEM_ID', 'nodes.r3.isis.system_id'],
  ], 'level 1 across areas, level 1 against level 2, an unknown interface, a system ID used twice');
  t.match(problems(`name: x\nrouting: isis\nnodes:\n  r1: { kind: router, isis: { area: 49-1, level: 3 } }\n`), [{ path: 'nodes.r1.isis.area' }, { path: 'nodes.r1.isis.level' }], 'area and level syntax (schema)');
  t.same(problems(`name: x\nrouting: bgp\nnodes:\n  r1: { kind: router, bgp: { neighbors: [h1, r3] } }\n  r2: { kind: router }\n  r3: { kind: router }\n  h1: {}\nlinks: [[r1, r2], [r2, r3], [h1, r1]]\n`).map((p) => [p.code, p.path]), [['E_BGP_NEIGHBOR', 'nodes.r1.bgp.neighbors[0]'], ['E_BGP_NEIGHBOR', 'nodes.r1.bgp.neighbors[1]']]);
});

t.test('the topology schema holds every feature fragment (scripts/merge-schema.mjs --check)', async (t) => {
  t.doesNotThrow(() => execFileSync('node', ['scripts/merge-schema.mjs', '--check'], { stdio: 'pipe' }));
});
