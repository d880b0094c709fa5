// `nslab show` without a kernel: the report built from a fixture journal and a fake kernel view, its JSON shape
// and human table, the link-state reader's output parser, and the errors for a lab that is not up.
import t from 'tap';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildShowReport, formatShow, type KernelView } from '../../src/report/show.js';
import { parseLinkStates, type KernelLink } from '../../src/exec/linkstate.js';
import { showLab } from '../../src/api/show.js';
import { deserializeTopology } from '../../src/topology/index.js';
import { formatCidr, NslabError, type Journal } from '../../src/model/index.js';
import { StateStore } from '../../src/sys/index.js';

const FIXTURE = 'test/fixtures/show/lrl-journal.json';
const journal = (): Journal => JSON.parse(readFileSync(FIXTURE, 'utf8')) as Journal;
const UP: KernelLink = { adminUp: true, operstate: 'UP', carrier: true, mtu: 1500, addresses: [] };

/** Every interface up with the lab's addresses, except those named `netns/ifname` in `states`. */
function fakeKernel(states: Record<string, KernelLink | undefined> = {}, gone: string[] = []): KernelView {
  const topo = deserializeTopology(journal().topology);
  const own = (ns: string, ifname: string) => {
    const i = topo.nodes.find((n) => n.netns === ns)!.interfaces.find((x) => x.name === ifname)!;
    return [...i.ipv4, ...i.ipv6].map(formatCidr);
  };
  return {
    link: (ns, ifname) => (gone.includes(ns) ? undefined : `${ns}/${ifname}` in states ? states[`${ns}/${ifname}`] : { ...UP, addresses: own(ns, ifname) }),
    present: (ns) => !gone.includes(ns),
  };
}

t.test('links: kernel state per end, the journal\'s requested state, impairments per direction', async (t) => {
  const j = journal();
  // As the kernel leaves a link taken down: IPv6 addresses flushed (keep_addr_on_down=0), IPv4 kept.
  const down: KernelLink = { adminUp: false, operstate: 'DOWN', carrier: false, mtu: 1500, addresses: ['10.10.0.2/24'] };
  const s1down: KernelLink = { ...down, addresses: [] };
  const r = buildShowReport(j, deserializeTopology(j.topology), fakeKernel({ 'nslab-show1-h1/eth0': down, 'nslab-show1-s1/eth0': s1down }), (p) => p.pid === 4242);
  t.equal(r.lab, 'show1');
  t.equal(r.kernelRead, true);
  t.same(r.nodes.map((n) => [n.name, n.kind, n.interfaces.length]), [['r1', 'router', 2], ['s1', 'switch', 3], ['s2', 'switch', 3], ['h1', 'host', 1], ['h2', 'host', 1], ['h3', 'host', 1], ['h4', 'host', 1]]);
  const h1 = r.nodes.find((n) => n.name === 'h1')!.interfaces[0];
  t.same({ peer: h1.peer, ipv4: h1.ipv4, ipv6: h1.ipv6, state: h1.kernel?.state, adminUp: h1.kernel?.adminUp }, { peer: 's1:eth0', ipv4: ['10.10.0.2/24'], ipv6: ['fd00:10::2/64'], state: 'down', adminUp: false });
  t.same(r.links.map((l) => `${l.a}-${l.b}:${l.state}`), ['h1:eth0-s1:eth0:down', 'h2:eth0-s1:eth1:up', 's1:eth2-r1:eth0:up', 'r1:eth1-s2:eth0:up', 'h3:eth0-s2:eth1:up', 'h4:eth0-s2:eth2:up']);
  t.equal(r.links[0].requested, 'down', 'the journal asked for it down');
  t.equal(r.links[1].requested, undefined);
  t.same(r.links[3].impairments, { 'r1->s2': '10mbit 20ms' }, 'one direction impaired, the other not listed');
  t.same(r.links[3].aToB, { rateBitPerSec: 10_000_000, delayMs: 20 });
  t.same(r.processes, [
    { node: 'h3', pid: 4242, argv: ['iperf3', '-s'], alive: true },
    { node: 'h4', pid: 4343, argv: ['sleep', 'infinity'], alive: false },
  ]);
  t.equal(r.changes.length, 2);
  t.same(JSON.parse(JSON.stringify(r)), r, 'the report is plain JSON');

  const text = formatShow(r);
  t.match(text, /^lab 'show1' up \(kernel host, from topologies\/lan-router-lan\.yaml, .*\): 7 nodes, 6 links, 1 down$/m);
  t.match(text, /^h1 +host +eth0 +down \(admin down\) +s1:eth0 +10\.10\.0\.2\/24 fd00:10::2\/64 \(not in the kernel: fd00:10::2\/64\)$/m);
  t.match(text, /^h2 +host +eth0 +up +s1:eth1 +10\.10\.0\.3\/24 fd00:10::3\/64$/m, 'no note where the kernel has the lab\'s addresses');
  t.match(text, /^r1 +router +eth0 +up +s1:eth2 +10\.10\.0\.1\/24/m);
  t.match(text, /^ +eth1 +up +s2:eth0 +10\.10\.1\.1\/24/m, 'a node\'s second interface on its own line');
  t.match(text, /^h1:eth0 <-> s1:eth0 +down$/m);
  t.match(text, /^r1:eth1 <-> s2:eth0 +up +r1->s2: 10mbit 20ms$/m);
  t.match(text, /^4242 +h3 +alive +iperf3 -s$/m);
  t.match(text, /^4343 +h4 +dead +sleep infinity$/m);
  t.match(text, /link h1-s1 down/);
});

t.test('a link whose kernel state disagrees with the journal says so; lost carrier is not admin down', async (t) => {
  const j = journal();
  const noCarrier: KernelLink = { adminUp: true, operstate: 'LOWERLAYERDOWN', carrier: false, mtu: 1500, addresses: [] };
  // The journal asked h1-s1 down, but the kernel has it up (someone brought it back by hand); h2's peer lost carrier.
  const r = buildShowReport(j, deserializeTopology(j.topology), fakeKernel({ 'nslab-show1-s1/eth1': noCarrier }), () => false);
  t.equal(r.links[0].state, 'up');
  t.equal(r.links[1].state, 'down');
  const text = formatShow(r);
  t.match(text, /^h1:eth0 <-> s1:eth0 +up \(asked down\)/m);
  t.match(text, /^ +eth1 +down \(no carrier\) +h2:eth0$/m);
});

t.test('a namespace that is gone, and link states that could not be read', async (t) => {
  const j = journal();
  const topo = deserializeTopology(j.topology);
  const gone = buildShowReport(j, topo, fakeKernel({}, ['nslab-show1-h4']), () => true);
  t.equal(gone.nodes.find((n) => n.name === 'h4')!.present, false);
  t.equal(gone.links[5].state, 'down');
  t.match(formatShow(gone), /^namespaces gone: h4$/m);
  t.match(formatShow(gone), /^h4 +host +eth0 +missing/m);
  const unread = buildShowReport(j, topo, { error: 'needs root' }, () => true);
  t.equal(unread.kernelRead, false);
  t.equal(unread.kernelError, 'needs root');
  t.ok(unread.links.every((l) => l.state === 'unknown'));
  t.ok(unread.nodes.every((n) => n.present === null && n.interfaces.every((i) => i.kernel === null)));
  t.match(formatShow(unread), /^link states not read from the kernel: needs root$/m);
  t.notMatch(formatShow(unread), /asked/, 'no disagreement is claimed without the kernel');
});

t.test('the link-state reader\'s output', async (t) => {
  const s = parseLinkStates(
    [
      'ns\tnslab-a-h1',
      'if\tlo\t1\t0\t1\t65536\t1',
      'if\teth0\t0\t2\t0\t1500\t2',
      'addr\t1\t2\t8\t254\t7f000001', // loopback scope: not the lab's
      'addr\t2\t2\t24\t0\t0a0a0002',
      'addr\t2\t10\t64\t0\tfd000010000000000000000000000002',
      'addr\t2\t10\t64\t253\tfe800000000000000000000000000001', // link-local
      'missing\tnslab-a-h2',
      'ns\tnslab-a-h3',
      'if\teth0\t1\t6\t1\t9000\t2',
      '@@nslab-done',
    ].join('\n'),
  );
  t.same([...s.byNetns.keys()], ['nslab-a-h1', 'nslab-a-h3']);
  t.same(s.missing, ['nslab-a-h2']);
  t.same(s.byNetns.get('nslab-a-h1')!.get('eth0'), { adminUp: false, operstate: 'DOWN', carrier: false, mtu: 1500, addresses: ['10.10.0.2/24', 'fd00:10::2/64'] });
  t.same(s.byNetns.get('nslab-a-h1')!.get('lo'), { adminUp: true, operstate: 'UNKNOWN', carrier: true, mtu: 65536, addresses: [] });
  t.same(s.byNetns.get('nslab-a-h3')!.get('eth0'), { adminUp: true, operstate: 'UP', carrier: true, mtu: 9000, addresses: [] }, 'ifindex 2 of another namespace is another link');
});

t.test('a lab that is not up, a missing lab and a corrupt journal are NslabErrors with exit 2', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'nslab-show-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const store = new StateStore(root);
  const err = async (name: string) => {
    try {
      await showLab(name, { store });
    } catch (e) {
      if (!(e instanceof NslabError)) throw e;
      return { code: e.code, exit: e.exitCode, message: e.message };
    }
    return undefined;
  };
  t.match(await err('nosuch'), { code: 'E_NO_SUCH_LAB', exit: 2 });
  const building = { ...journal(), lab: 'show-b', status: 'building' };
  mkdirSync(join(root, 'show-b'));
  writeFileSync(join(root, 'show-b', 'journal.json'), JSON.stringify(building));
  t.match(await err('show-b'), { code: 'E_LAB_NOT_UP', exit: 2, message: /is building, not up/ });
  mkdirSync(join(root, 'show-c'));
  writeFileSync(join(root, 'show-c', 'journal.json'), '{"lab": "show-c", "sta');
  t.match(await err('show-c'), { code: 'E_JOURNAL_CORRUPT', exit: 2, message: /not JSON/ });
  mkdirSync(join(root, 'show-d'));
  writeFileSync(join(root, 'show-d', 'journal.json'), JSON.stringify({ ...journal(), lab: 'show-d', topology: { nodes: 'x' } }));
  t.match(await err('show-d'), { code: 'E_JOURNAL_CORRUPT', exit: 2, message: /topology/ });
});
