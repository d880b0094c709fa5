// OpenFlow switches (src/features/openflow): resolution (kind ovs, dpid, port numbers, controllers, fail mode),
// located errors, the services each switch gets and the directories given by environment, the dump-flows parser,
// and the containerlab export's stated limitation. No root, no Open vSwitch.
import t from 'tap';
import { NslabError, nodeEntryArgv, nodeBinds } from '../../src/model/index.js';
import { toContainerlab } from '../../src/export/index.js';
import { compilePlan, renderPlan } from '../../src/plan/index.js';
import { parseDumpFlows } from '../../src/scenario/parse/index.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';

function problems(yaml: string): { code: string; path: string }[] {
  try {
    loadTopologyText(yaml, 'x.yaml');
  } catch (e) {
    if (e instanceof NslabError) return e.problems.map((p) => ({ code: p.code, path: p.path }));
    throw e;
  }
  return [];
}

t.test('sdn-learning: two OVS switches with the learning controller, dpid from the name, ports in file order', async (t) => {
  const topo = loadTopology('topologies/sdn-learning.yaml');
  const s1 = topo.nodes.find((n) => n.name === 's1')!;
  t.equal(s1.kind, 'switch');
  t.same(s1.openflow, {
    bridge: 'br0',
    dpid: '0000000000000001',
    protocols: ['OpenFlow10', 'OpenFlow13'],
    failMode: 'secure',
    datapath: 'auto',
    controller: { type: 'learning', target: 'tcp:127.0.0.1:6653' },
    ports: { eth0: 1, eth1: 2, eth2: 3 },
  });
  t.equal(topo.nodes.find((n) => n.name === 's2')!.openflow!.dpid, '0000000000000002');
  t.same(
    (topo.services ?? []).filter((s) => s.node === 's1').map((s) => [s.name, s.after]),
    [['ovsdb-server', []], ['controller', []], ['ovs-vswitchd', ['ovsdb-server', 'controller']]],
  );
  t.same(s1.dirs!.map((d) => d.env), ['OVS_RUNDIR', 'OVS_DBDIR', 'OVS_LOGDIR', 'OVS_SYSCONFDIR']);
  // Every process of the node gets the switch's own OVS directories, by environment (no mounts, no /var/run/openvswitch).
  const argv = nodeEntryArgv(s1.netns, nodeBinds(s1), '/run/nslab/sdn', ['ovs-ofctl', 'dump-flows', 'br0']);
  t.same(argv.slice(0, 5), ['ip', 'netns', 'exec', 'nslab-sdn.s1', 'env']);
  t.ok(argv.includes('OVS_RUNDIR=/run/nslab/sdn/nodes/s1/ovs_run'));
  t.notOk(argv.includes('mount'), 'no mounts');
  const plan = renderPlan(compilePlan(topo));
  t.notMatch(plan, /type bridge/, 'no Linux bridge');
  t.match(plan, /other-config:datapath-id=0000000000000001/);
  t.match(plan, /add-port br0 eth2 -- set interface eth2 ofport_request=3/);
  t.notMatch(plan, /\/var\/run\/openvswitch|\/etc\/openvswitch/, "the system's OVS paths appear nowhere");
});

t.test('controllers, fail mode, explicit dpid and ports, per-switch override', async (t) => {
  const topo = loadTopologyText(
    `name: x
controller: { address: "tcp:10.0.0.9:6633" }
nodes:
  a: { kind: switch, openflow: true, dpid: "0xA1", ofports: { eth1: 10 } }
  b: { kind: ovs, controller: none }
  c: { kind: ovs, controller: { run: "osken-manager app.py", port: 6700 }, fail_mode: standalone, datapath: userspace }
  h1: {}
  h2: {}
links: [[h1, a], [h2, a], [a, b], [b, c]]
`,
    'x.yaml',
  );
  const of = (n: string) => topo.nodes.find((x) => x.name === n)!.openflow!;
  t.equal(of('a').dpid, '00000000000000a1');
  t.same(of('a').ports, { eth1: 10, eth0: 1, eth2: 3 });
  t.same(of('a').controller, { type: 'address', target: 'tcp:10.0.0.9:6633' });
  t.equal(of('a').failMode, 'secure');
  t.same(of('b').controller, { type: 'none' });
  t.equal(of('b').failMode, 'standalone', 'no controller: standalone by default');
  t.same(of('c').controller, { type: 'run', command: 'osken-manager app.py', target: 'tcp:127.0.0.1:6700' });
  t.equal(of('c').datapath, 'netdev');
  const svc = (topo.services ?? []).filter((s) => s.node === 'c').map((s) => s.name);
  t.same(svc, ['ovsdb-server', 'controller', 'ovs-vswitchd']);
  t.same((topo.services ?? []).filter((s) => s.node === 'a').map((s) => s.name), ['ovsdb-server', 'ovs-vswitchd'], 'an address: nslab runs no controller');
});

t.test('located errors', async (t) => {
  t.same(
    problems(`name: x
nodes:
  s1: { kind: ovs, dpid: 5, ofports: { eth9: 1 }, stp: true }
  s5: { kind: ovs }
  h1: { openflow: true, fail_mode: secure }
  br: { kind: switch, protocols: [OpenFlow13] }
links: [[h1, s1], [s1, s5], [s5, br]]
`),
    [
      { code: 'E_OPENFLOW_STP', path: 'nodes.s1.stp' },
      { code: 'E_NOT_A_SWITCH', path: 'nodes.h1.openflow' },
      { code: 'E_NOT_OPENFLOW', path: 'nodes.br.protocols' },
      { code: 'E_UNKNOWN_DEV', path: 'nodes.s1.ofports.eth9' },
    ],
  );
  // s1 takes dpid 5 explicitly; s5's name would give 5 too: it takes its position instead (2).
  const topo = loadTopologyText('name: x\nnodes:\n  s1: { kind: ovs, dpid: 5 }\n  s5: { kind: ovs }\n  h1: {}\nlinks: [[h1, s1], [s1, s5]]\n', 'x.yaml');
  t.same(topo.nodes.filter((n) => n.openflow).map((n) => n.openflow!.dpid), ['0000000000000005', '0000000000000002']);
  t.same(problems('name: x\nnodes:\n  s1: { kind: ovs }\n  s2: { kind: ovs, dpid: 1 }\nlinks: [[s1, s2]]\n'), [{ code: 'E_DUPLICATE_DPID', path: 'nodes.s2.dpid' }]);
});

t.test('flows and ofctl steps: only on OpenFlow switches', async (t) => {
  const base = 'topology:\n  name: x\n  nodes:\n    s1: { kind: ovs }\n    s2: { kind: switch }\n    h1: {}\n  links: [[h1, s1], [s1, s2]]\n';
  const sc = loadScenarioText(`${base}steps:\n  - flows: { switch: s1, match: icmp }\n    expect: { count: ">= 1" }\n  - ofctl: { switch: s1, cmd: dump-ports }\n`, 'x.yaml');
  t.same(sc.steps.map((s) => s.spec.kind), ['flows', 'ofctl']);
  t.throws(() => loadScenarioText(`${base}steps:\n  - flows: { switch: s2 }\n`, 'x.yaml'), { code: 'E_INVALID_SCENARIO', problems: [{ code: 'E_NOT_OPENFLOW' }] });
});

t.test('dump-flows parser', async (t) => {
  const text = `NXST_FLOW reply (xid=0x4):
 cookie=0x0, duration=0.481s, table=0, n_packets=3, n_bytes=294, idle_timeout=60, idle_age=0, priority=1,icmp,in_port=1,dl_src=46:8c:b1:b3:f2:83 actions=output:2
 cookie=0x0, duration=0.807s, table=0, n_packets=5, n_bytes=370, idle_age=0, priority=0 actions=CONTROLLER:128
 cookie=0x0, duration=1s, table=3, n_packets=0, n_bytes=0, in_port=2 actions=drop
`;
  t.same(parseDumpFlows(text), [
    { table: 0, priority: 1, match: 'icmp,in_port=1,dl_src=46:8c:b1:b3:f2:83', actions: 'output:2', packets: 3, bytes: 294 },
    { table: 0, priority: 0, match: '', actions: 'CONTROLLER:128', packets: 5, bytes: 370 },
    { table: 3, priority: 32768, match: 'in_port=2', actions: 'drop', packets: 0, bytes: 0 },
  ]);
  t.same(parseDumpFlows('NXST_FLOW reply (xid=0x4):\n'), []);
});

t.test('containerlab export: OpenFlow switches are a stated limitation', async (t) => {
  t.throws(() => toContainerlab(loadTopology('topologies/sdn-learning.yaml')), { code: 'E_EXPORT_OPENFLOW' });
});
