import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import { clabInterfaceName, containerlabFiles, DEFAULT_FRR_IMAGE, DEFAULT_IMAGE, toContainerlab, toContainerlabYaml, type ClabTopology } from '../../src/export/index.js';
import { NslabError, renderOperation } from '../../src/model/index.js';
import { compilePlan } from '../../src/plan/index.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';

// ajv is CommonJS; under NodeNext its default export arrives wrapped (same idiom as src/topology/schema.ts).
const Ajv = ((AjvModule as unknown as { default?: unknown }).default ?? AjvModule) as unknown as typeof AjvModule.default;

// containerlab's own schema: the reference copy when this machine has it, else the copy kept with the tests.
const REFERENCE = '/work/shared/reference/containerlab/clab.schema.json';
const FIXTURE = new URL('../fixtures/containerlab/clab.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(existsSync(REFERENCE) ? REFERENCE : FIXTURE, 'utf8')) as { $schema: string };
// draft-07, which ajv's default class speaks; strict off because the schema uses keywords ajv does not know
// (markdownDescription, and draft-2020's prefixItems on short-form endpoints, which draft-07 ignores).
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const errorsOf = (doc: unknown) => (validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

// OpenFlow labs are refused (E_EXPORT_OPENFLOW, tested in features-openflow.test.ts).
const files = readdirSync('topologies').filter((f) => f.endsWith('.yaml') && !f.startsWith('sdn')).map((f) => `topologies/${f}`);

t.test('the schema is the draft-07 containerlab schema, and it is live', async (t) => {
  t.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const good = toContainerlab(loadTopology('topologies/two-hosts.yaml'));
  t.same(errorsOf(good), []);
  // Mutations containerlab would reject: the validator must say no, or the tests below prove nothing.
  const bad = (f: (d: ClabTopology & Record<string, unknown>) => void) => {
    const d = structuredClone(good) as ClabTopology & Record<string, unknown>;
    f(d);
    return errorsOf(d);
  };
  t.not(bad((d) => ((d.topology.nodes.h1 as unknown as Record<string, unknown>).kind = 'nslab-host')).length, 0, 'unknown kind');
  t.not(bad((d) => delete (d as Partial<ClabTopology>).name).length, 0, 'no name');
  t.not(bad((d) => (d.name = 'bad name')).length, 0, 'name with a space');
  t.not(bad((d) => ((d.topology.nodes.h1 as unknown as Record<string, unknown>).exec = 'ip addr')).length, 0, 'exec not a list');
  t.not(bad((d) => (d.topology.links![0].mtu = 70000)).length, 0, 'mtu out of range');
  t.not(bad((d) => (d.topology.nodes.h1 as unknown as Record<string, unknown>)['sysctl'] = {}).length, 0, 'unknown node key');
});

for (const file of files) {
  t.test(`${file} exports to a valid containerlab topology`, async (t) => {
    const lab = loadTopology(file);
    const doc = toContainerlab(lab);
    t.same(errorsOf(doc), [], 'valid against clab.schema.json');
    const yamlText = toContainerlabYaml(lab);
    const reparsed = parse(yamlText) as unknown;
    t.same(reparsed, doc, 'the YAML says the same as the object');
    t.same(errorsOf(reparsed), []);
    t.equal(doc.name, lab.name);
    t.same(Object.keys(doc.topology.nodes), lab.nodes.map((n) => n.name), 'every node, in order');
    t.equal(doc.topology.kinds.linux.image, DEFAULT_IMAGE);
    t.ok(Object.values(doc.topology.nodes).every((n) => n.kind === 'linux'));
    t.equal(doc.topology.links?.length, lab.links.length, 'one link per link');
    for (const l of doc.topology.links ?? []) {
      t.equal(l.endpoints.length, 2);
      for (const ep of l.endpoints) {
        const [node, ifname] = ep.split(':');
        t.ok(doc.topology.nodes[node], `${ep}: node exists`);
        t.not(ifname, 'eth0', `${ep}: eth0 is containerlab's management interface`);
        t.match(ifname, /^[A-Za-z][\w.-]{0,14}$/);
      }
      t.equal(typeof l.mtu, 'number');
    }
    // Endpoints unique across the lab: one interface, one link.
    const eps = (doc.topology.links ?? []).flatMap((l) => l.endpoints);
    t.equal(new Set(eps).size, eps.length, 'no interface used twice');
    t.match(yamlText, /endpoints: \[ "[^"\s]+:[^"\s]+", "[^"\s]+:[^"\s]+" \]/, 'endpoints in flow style, quoted');
  });
}

t.test('dumbbell: addresses, routes, bridges, forwarding and the exact tc commands', async (t) => {
  const lab = loadTopology('topologies/dumbbell.yaml');
  const doc = toContainerlab(lab);
  const { h1, r1, r2, s1 } = doc.topology.nodes;
  t.ok(h1.exec!.includes('ip addr add 10.10.0.2/24 dev eth1'), 'h1 eth0 is eth1 in containerlab');
  t.ok(h1.exec!.includes('ip addr add fd00:10::2/64 dev eth1 nodad'));
  t.ok(h1.exec!.includes('ip route replace 0.0.0.0/0 via 10.10.0.1'), 'default route replaces the management one');
  t.ok(h1.exec!.includes('ip route replace ::/0 via fd00:10::1'));
  t.ok(r1.exec!.includes('ip route replace 10.10.2.0/24 via 10.10.1.2'), 'router route');
  t.equal(r1.sysctls?.['net.ipv4.ip_forward'], '1', 'forwarding on routers');
  t.equal(h1.sysctls?.['net.ipv4.ip_forward'], undefined, 'not on hosts');
  t.ok(s1.exec!.includes('ip link add name br0 type bridge stp_state 0'), 'the switch is a bridge inside its container');
  t.ok(s1.exec!.includes('ip link set dev eth1 master br0 up'));
  t.notOk(s1.exec!.some((c) => c.includes('addr add')), 'switch ports carry no address');
  t.ok(r1.exec!.includes('tc class replace dev eth2 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028'), 'r1 eth1 (bottleneck) is eth2 here');
  t.ok(r2.exec!.includes('tc qdisc replace dev eth1 root handle 1: htb default 1'));
  t.notOk(h1.exec!.some((c) => c.startsWith('tc ')), 'unshaped links get no qdisc');
  t.notOk(Object.values(doc.topology.nodes).some((n) => n.exec?.some((c) => c.includes(' -n ') || c.includes('netns'))), 'no namespace options inside containers');
  // The tc lines are nslab's own plan, less `-n NETNS`, interface renamed.
  const shaping = compilePlan(lab).stages.find((s) => s.name === 'shaping')!.ops.filter((o) => o.tool === 'tc');
  t.ok(shaping.length >= 4);
  for (const op of shaping) {
    const node = lab.nodes.find((n) => n.netns === op.netns)!;
    const expected = renderOperation(op).replace(` -n ${op.netns}`, '').replace(/dev eth(\d+)/, (_, n) => `dev eth${Number(n) + 1}`);
    t.ok(doc.topology.nodes[node.name].exec!.includes(expected), `${node.name}: ${expected}`);
  }
  t.match(toContainerlabYaml(lab), "tc class replace dev eth2 parent 1: classid 1:1 htb rate 10mbit ceil 10mbit quantum 1514 burst 3028 cburst 3028", 'one line in the YAML');
});

t.test('mtu, image, env, exec and start carry over', async (t) => {
  const lab = loadTopologyText(
    `name: misc
nodes:
  a:
    env: { MODE: test }
    exec: ["echo 'hi there'", [ping, -c1, 10.1.0.2]]
    start: [[iperf3, -s]]
  b: {}
links:
  - endpoints: ["a:uplink", "b:eth3"]
    mtu: 9000
    ipv4: [10.1.0.1/24, 10.1.0.2/24]
`,
    'misc.yaml',
  );
  const doc = toContainerlab(lab, { image: 'alpine:3' });
  t.same(errorsOf(doc), []);
  t.equal(doc.topology.kinds.linux.image, 'alpine:3');
  t.same(doc.topology.links, [{ endpoints: ['a:uplink', 'b:eth4'], mtu: 9000 }]);
  const a = doc.topology.nodes.a;
  t.same(a.env, { MODE: 'test' });
  t.ok(a.exec!.includes("sh -c 'echo '\\''hi there'\\'''"), 'a shell command runs through sh -c, quoted for shlex');
  t.ok(a.exec!.includes('ping -c1 10.1.0.2'));
  t.ok(a.exec!.includes("sh -c 'iperf3 -s </dev/null >/tmp/nslab-start-0.log 2>&1 &'"), 'start runs in the background');
  t.ok(a.exec!.indexOf('ip addr add 10.1.0.1/24 dev uplink') < a.exec!.indexOf('ping -c1 10.1.0.2'), 'addresses before user commands');
});

t.test('interface names: ethN shifts by one, other names stay', async (t) => {
  t.equal(clabInterfaceName('eth0'), 'eth1');
  t.equal(clabInterfaceName('eth9'), 'eth10');
  t.equal(clabInterfaceName('uplink'), 'uplink');
  t.equal(clabInterfaceName('eth01'), 'eth01', 'not ethN: kept, so it cannot collide with eth2');
  t.equal(clabInterfaceName('eth0.100'), 'eth0.100');
  t.throws(() => clabInterfaceName('eth999999999999'), NslabError);
});

t.test('FRR routers: the FRR image, their configs bind-mounted, interface names shifted, the daemons nslab starts', async (t) => {
  const topo = loadTopology('topologies/ospf-ring.yaml');
  const doc = toContainerlab(topo);
  t.same(errorsOf(doc), [], 'valid against containerlab schema');
  const r1 = doc.topology.nodes.r1;
  t.equal(r1.image, DEFAULT_FRR_IMAGE);
  t.same(r1.binds, ['ospfring-frr/r1/frr.conf:/etc/frr/frr.conf', 'ospfring-frr/r1/daemons:/etc/frr/daemons', 'ospfring-frr/r1/vtysh.conf:/etc/frr/vtysh.conf']);
  t.notOk(doc.topology.nodes.h1.image, 'hosts keep the lab image');
  t.notOk(doc.topology.nodes.h1.binds);
  const files = containerlabFiles(topo);
  t.equal(Object.keys(files).length, 18, 'three files for each of six routers');
  const conf = files['ospfring-frr/r1/frr.conf'];
  t.same([...conf.matchAll(/^interface (\S+)$/gm)].map((m) => m[1]), ['eth1', 'eth2', 'eth3'], "nslab's eth0-eth2 are eth1-eth3 in containerlab");
  t.same(conf.replace(/^interface eth(\d)$/gm, (_m, n: string) => `interface eth${Number(n) - 1}`), topo.nodes.find((n) => n.name === 'r1')!.dirs![0].files['frr.conf'], 'otherwise the config nslab runs');
  t.match(files['ospfring-frr/r1/daemons'], /^ospfd=yes$/m);
  t.match(files['ospfring-frr/r1/daemons'], /^ospf6d=yes$/m);
  t.match(files['ospfring-frr/r1/daemons'], /^bgpd=no$/m);
  t.same(containerlabFiles(loadTopology('topologies/two-hosts.yaml')), {}, 'a lab without FRR has no files');
  t.match(toContainerlabYaml(topo, { frrImage: 'frrouting/frr:v8.4.1' }), /image: frrouting\/frr:v8\.4\.1\n/);
});
