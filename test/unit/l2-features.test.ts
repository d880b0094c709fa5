// VLANs, link aggregation and VRFs (features/vlan, lag, vrf), pure: resolution (segments per VLAN, subinterfaces,
// bonds, VRF address spaces and per-VRF auto routes), their problems, the plan lines, what the kernel must have,
// and the refusal when it does not.
import t from 'tap';
import { checkKernelFeatures } from '../../src/api/lab.js';
import { umlModulesFor } from '../../src/api/uml.js';
import { formatCidr, NslabError, type ResolvedTopology } from '../../src/model/index.js';
import { compilePlan, renderPlan, requiredKernelFeatures } from '../../src/plan/index.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';

const problems = (yaml: string): string[] => {
  try {
    loadTopologyText(yaml);
    return [];
  } catch (e) {
    return ((e as NslabError).problems ?? []).map((p) => p.code);
  }
};
const iface = (t: ResolvedTopology, node: string, name: string) => t.nodes.find((n) => n.name === node)!.interfaces.find((i) => i.name === name)!;
const routes = (t: ResolvedTopology, node: string) => t.nodes.find((n) => n.name === node)!.routes.map((r) => `${r.to} via ${r.via}${r.vrf ? ` vrf ${r.vrf}` : ''}`);

t.test('campus: one segment per VLAN across the bundle, router on a stick, bonds', async (t) => {
  const c = loadTopology('topologies/campus-vlans.yaml');
  t.equal(c.segments.length, 2, 'VLAN 10 and VLAN 20, each across both switches');
  t.same(c.segments.map((s) => [formatCidr(s.ipv4!), s.switches.sort(), s.members.map((m) => `${m.node}:${m.ifname}`)]), [
    ['10.10.0.0/24', ['access', 'dist'], ['r1:eth0.10', 'h1:eth0', 'h3:eth0']],
    ['10.10.1.0/24', ['access', 'dist'], ['r1:eth0.20', 'h2:eth0', 'h4:eth0']],
  ]);
  t.same(iface(c, 'r1', 'eth0').ipv4, [], 'the trunk parent carries no address');
  t.equal(iface(c, 'r1', 'eth0').segment, -1);
  t.same(iface(c, 'r1', 'eth0.20').vlan, { parent: 'eth0', id: 20 });
  t.equal(formatCidr(iface(c, 'r1', 'eth0.20').ipv4[0]), '10.10.1.1/24', 'the router is the gateway of each VLAN');
  t.same(routes(c, 'h4'), ['default via 10.10.1.1', 'default via fd00:10:0:1::1']);
  t.same(routes(c, 'r1'), [], 'both VLANs are connected to r1');
  t.same(iface(c, 'access', 'bond0').bond, { mode: '802.3ad', members: ['po1a', 'po1b'] });
  t.same(iface(c, 'access', 'bond0').bridgeVlans, { tagged: [10, 20] });
  t.equal(iface(c, 'access', 'po1a').bondOf, 'bond0');
  t.same(iface(c, 'access', 'eth1').bridgeVlans, { tagged: [], untagged: 20 });
  t.ok(c.nodes.find((n) => n.name === 'dist')!.vlanAware);
  t.same(
    requiredKernelFeatures(c).map((n) => `${n.node} ${n.feature} ${n.what}`),
    ['r1 8021q eth0.10, eth0.20', 'dist bridge-vlan VLAN-aware bridge', 'dist bonding bond0 (802.3ad)', 'access bridge-vlan VLAN-aware bridge', 'access bonding bond0 (802.3ad)'],
  );
  t.same(umlModulesFor([c]), ['veth', 'bridge', 'sch_netem', 'sch_htb', 'sch_tbf', '8021q', 'bonding']);
  const plan = renderPlan(compilePlan(c));
  t.match(plan, 'ip -n nslab-campus.access link add name br0 type bridge stp_state 0 vlan_filtering 1 vlan_default_pvid 0');
  t.match(plan, 'bridge -n nslab-campus.access vlan add dev eth0 vid 10 pvid untagged');
  t.match(plan, 'bridge -n nslab-campus.dist vlan add dev bond0 vid 20\n');
  t.match(plan, 'ip -n nslab-campus.r1 link add link eth0 name eth0.10 type vlan id 10');
  // Members are enslaved while down (as bonding requires), before they are set up; the bond, not they, joins br0.
  t.ok(plan.indexOf('access link set dev po1a master bond0') < plan.indexOf('access link set dev po1a up'));
  t.notMatch(plan, /po1a master br0/);
});

t.test('a switch without VLANs stays VLAN-unaware; the plan of a plain lab is unchanged', async (t) => {
  const p = loadTopologyText('name: p\nnodes: { s1: { kind: switch }, h1: {}, h2: {} }\nlinks: [[h1, s1], [h2, s1]]\n');
  t.notOk(p.nodes[0].vlanAware);
  t.same(requiredKernelFeatures(p), []);
  t.notMatch(renderPlan(compilePlan(p)), /vlan|bridge -n/);
});

t.test('native VLAN: the host interface itself is on it; trunk to a switch from a host', async (t) => {
  const x = loadTopologyText(`name: n
addressing: { ipv6: false }
nodes: { s1: { kind: switch }, h1: {}, h2: {}, h3: {} }
links:
  - { endpoints: [h1, s1], vlans: [20], native_vlan: 10 }
  - { endpoints: [h2, s1], vlan: 10 }
  - { endpoints: [h3, s1], vlan: 20 }
`);
  t.same(x.segments.map((s) => s.members.map((m) => `${m.node}:${m.ifname}`)), [['h1:eth0', 'h2:eth0'], ['h1:eth0.20', 'h3:eth0']]);
  t.same(iface(x, 's1', 'eth0').bridgeVlans, { tagged: [20], untagged: 10 });
});

t.test('VLANs on switches not joined by a trunk carrying them are separate segments', async (t) => {
  const x = loadTopologyText(`name: n
nodes: { s1: { kind: switch }, s2: { kind: switch }, h1: {}, h2: {}, h3: {}, h4: {} }
links:
  - { endpoints: [s1, s2], vlans: [20] }
  - { endpoints: [h1, s1], vlan: 10 }
  - { endpoints: [h2, s2], vlan: 10 }
  - { endpoints: [h3, s1], vlan: 20 }
  - { endpoints: [h4, s2], vlan: 20 }
`);
  t.same(x.segments.filter((s) => s.members.length).map((s) => s.members.map((m) => m.node)), [['h3', 'h4'], ['h1'], ['h2']]);
});

t.test('LAG between two hosts: one p2p segment, the bond addressed (explicit addresses go to the bond)', async (t) => {
  const x = loadTopologyText(`name: l
addressing: { ipv6: false }
nodes: { h1: {}, h2: {} }
links:
  - { endpoints: [h1, h2], lag: { mode: active-backup }, ipv4: [10.9.0.1/30, 10.9.0.2/30] }
  - { endpoints: [h1, h2], lag: { mode: active-backup } }
`);
  t.equal(x.segments.length, 1);
  t.same(x.segments[0].members, [{ node: 'h1', ifname: 'bond0' }, { node: 'h2', ifname: 'bond0' }]);
  t.equal(formatCidr(iface(x, 'h2', 'bond0').ipv4[0]), '10.9.0.2/30');
  t.same(iface(x, 'h1', 'eth0').ipv4, []);
  t.match(renderPlan(compilePlan(x)), 'ip -n nslab-l.h1 link add name bond0 type bond mode active-backup miimon 100');
});

t.test('two LAG links between switches are one bond, not a loop', async (t) => {
  t.same(problems('name: s\nnodes: { s1: { kind: switch }, s2: { kind: switch } }\nlinks:\n  - { endpoints: [s1, s2], lag: true }\n  - { endpoints: [s1, s2], lag: true }\n'), []);
  t.same(problems('name: s\nnodes: { s1: { kind: switch }, s2: { kind: switch } }\nlinks:\n  - { endpoints: [s1, s2] }\n  - { endpoints: [s1, s2] }\n'), ['E_SWITCH_LOOP']);
});

t.test('problems: each located, with its fix', async (t) => {
  const sw = 'nodes: { s1: { kind: switch }, h1: {}, h2: {} }\n';
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: [h1, h2], vlan: 10 }\n`), ['E_VLAN_NEEDS_SWITCH']);
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: [h1, s1], vlan: 10, vlans: [20] }\n`), ['E_VLAN_ACCESS_AND_TRUNK']);
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: [h1, s1], native_vlan: 10 }\n`), ['E_NATIVE_WITHOUT_TRUNK']);
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: [h1, s1], vlans: [10], native_vlan: 10 }\n`), ['E_NATIVE_ALSO_TAGGED']);
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: [h1, s1], vlans: [10], ipv4: [10.0.0.1/24, null] }\n`), ['E_ADDRESS_ON_TRUNK']);
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: ["h1:verylongname1", s1], vlans: [100] }\n`), ['E_IFNAME_TOO_LONG']);
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: [h1, h2], lag: true }\n`), ['E_LAG_ONE_LINK']);
  t.same(problems(`name: a\n${sw}links:\n  - { endpoints: [h1, h2], lag: { mode: 802.3ad } }\n  - { endpoints: [h1, h2], lag: { mode: active-backup } }\n`), ['E_LAG_MODE_MIXED']);
  t.same(problems(`name: a\nnodes: { r1: { kind: router, vrfs: { red: [eth7] } }, h1: {} }\nlinks: [[r1, h1]]\n`), ['E_UNKNOWN_DEV']);
  t.same(problems(`name: a\nnodes: { r1: { kind: router, vrfs: { red: [eth0], blue: [eth0] } }, h1: {} }\nlinks: [[r1, h1]]\n`), ['E_VRF_TWICE']);
  t.same(problems(`name: a\nnodes: { s1: { kind: switch, vrfs: { red: [eth0] } }, h1: {} }\nlinks: [[s1, h1]]\n`), ['E_VRF_ON_SWITCH']);
});

t.test('VRFs: overlapping addresses across VRFs, auto routes within each, tagged with the VRF', async (t) => {
  const v = loadTopology('topologies/vrf-lite.yaml');
  t.same(routes(v, 'pe1'), ['10.2.0.0/24 via 10.12.0.2 vrf red', '10.2.0.0/24 via 10.12.0.2 vrf blue']);
  t.same(routes(v, 'red1'), ['default via 10.1.0.1']);
  t.same(v.nodes.find((n) => n.name === 'pe1')!.vrfs, [{ name: 'red', table: 1001 }, { name: 'blue', table: 1002 }]);
  t.equal(iface(v, 'pe1', 'eth3').vrf, 'blue');
  t.same(umlModulesFor([v]).slice(-1), ['vrf']);
  const plan = renderPlan(compilePlan(v));
  t.match(plan, 'ip -n nslab-vrf-lite.pe1 route add 10.2.0.0/24 via 10.12.0.2 vrf blue');
  // Enslaved before its addresses: enslaving to a VRF cycles the device, which would drop IPv6 addresses.
  t.ok(plan.indexOf('pe1 link set dev eth2 master red') < plan.indexOf('pe1 addr add 10.1.0.1/24 dev eth2'));
  // The same addresses without the VRFs overlap, as before.
  const flat = `name: o
addressing: { ipv6: false }
nodes: { r1: { kind: router }, a: {}, b: {} }
links:
  - { endpoints: [r1, a], ipv4: [10.1.0.1/24, 10.1.0.10/24] }
  - { endpoints: [r1, b], ipv4: [10.1.0.1/24, 10.1.0.10/24] }
`;
  t.ok(problems(flat).includes('E_OVERLAPPING_SUBNETS') && problems(flat).includes('E_DUPLICATE_ADDRESS'));
  t.same(problems(flat.replace('kind: router }', 'kind: router, vrfs: { red: [eth0], blue: [eth1] } }')), [], 'allowed across VRFs');
});

t.test('the refusal names the feature, the node and both fixes', async (t) => {
  const c = loadTopology('topologies/campus-vlans.yaml');
  const caps = { netns: true, veth: true, bridge: true, qdiscs: {}, features: { '8021q': false, 'bridge-vlan': false, bonding: true, vrf: false } };
  let err: unknown;
  try {
    checkKernelFeatures(requiredKernelFeatures(c), caps);
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof NslabError);
  const e = err as NslabError;
  t.equal(e.code, 'E_KERNEL_FEATURE_MISSING');
  t.match(e.message, 'node r1: eth0.10, eth0.20 (VLAN subinterfaces (802.1Q), module 8021q)');
  t.match(e.message, 'node dist: VLAN-aware bridge (bridge VLAN filtering');
  t.notMatch(e.message, /bond0/, 'bonding is there: not named');
  t.match(e.hint!, 'modprobe 8021q,');
  t.match(e.hint!, 'CONFIG_BRIDGE_VLAN_FILTERING');
  t.match(e.hint!, '--kernel uml');
  t.doesNotThrow(() => checkKernelFeatures(requiredKernelFeatures(c), { ...caps, features: { '8021q': true, 'bridge-vlan': true, bonding: true, vrf: true } }));
});
