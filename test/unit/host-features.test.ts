// MACs, static ARP and cgroup limits, without root: the address scheme, `mac:` and `arp:` through the loader (with
// located errors), the neighbour operations, their netlink encoding, memory sizes, and cgroup layout detection.
import t from 'tap';
import { NslabError } from '../../src/model/index.js';
import { loadTopologyText } from '../../src/topology/index.js';
import { compilePlan } from '../../src/plan/index.js';
import { generatedMac, labMacTag } from '../../src/features/mac/index.js';
import { parseMemoryBytes } from '../../src/features/cgroup/index.js';
import { encodeIpLine } from '../../src/exec/netlink.js';
import { cgroupMounts, detectCgroups, isLabCgroupDir, labCgroupDirs, nodeCgroupProcs } from '../../src/sys/cgroup.js';

const problems = (text: string) => {
  try {
    loadTopologyText(text, 'x.yaml');
    return [];
  } catch (e) {
    return (e as NslabError).problems.map((p) => `${p.code}@${p.location?.line}`);
  }
};

t.test('generated MACs: locally administered unicast, readable node and interface numbers', async (t) => {
  const tag = labMacTag('lab').toString(16).padStart(4, '0');
  t.equal(generatedMac('lab', 1, 0), `02:${tag.slice(0, 2)}:${tag.slice(2)}:00:01:00`);
  t.equal(generatedMac('lab', 258, 3), `02:${tag.slice(0, 2)}:${tag.slice(2)}:01:02:03`);
  const big = generatedMac('lab', 1, 300);
  const first = parseInt(big.slice(0, 2), 16);
  t.equal(first & 3, 2, 'interface numbers above 255 keep the first octet locally administered and unicast');
  t.not(big, generatedMac('lab', 1, 300 - 256), 'and distinct');
  t.not(labMacTag('lab'), labMacTag('lac'), 'the lab name changes the tag');
});

t.test('mac: and arp: through the loader; the plan sets both', async (t) => {
  const topo = loadTopologyText('name: m\narp: static\nnodes: {a: {}, b: {arp: dynamic}, s: {kind: switch}, c: {}}\nlinks:\n  - endpoints: [a, b]\n    mac: ["0A:00:00:00:00:01", null]\n  - [a, s]\n  - [c, s]\n', 'x.yaml');
  const a = topo.nodes.find((n) => n.name === 'a')!;
  t.equal(a.interfaces[0].mac, '0a:00:00:00:00:01', 'given, lower-cased');
  t.equal(a.arp, 'static');
  t.equal(topo.nodes.find((n) => n.name === 'b')!.arp, undefined, "b's own arp: dynamic wins");
  const plan = compilePlan(topo);
  const link = plan.stages.find((s) => s.name === 'links')!.ops[0].args.join(' ');
  t.match(link, /address 0a:00:00:00:00:01 index 4096 netns nslab-m\.a .* address 02:..:..:00:02:00 index 8192 netns nslab-m\.b/);
  const neigh = plan.stages.find((s) => s.name === 'configure')!.ops.filter((o) => o.kind === 'neigh.add').map((o) => `${o.netns} ${o.args.join(' ')}`);
  // a: b on the p2p link (v4, link-local, v6) and c on the LAN (3); c: a (3); b: none (dynamic); the switch: none.
  t.equal(neigh.length, 9, neigh.join('\n'));
  t.ok(neigh.every((l) => / nud permanent$/.test(l)));
  t.ok(neigh.some((l) => l.startsWith('nslab-m.c neigh replace 10.10.1.1 lladdr ')), 'c knows a by its LAN address');
});

t.test('bad MACs are refused where they are written', async (t) => {
  t.same(problems('name: m\nnodes: {a: {}, b: {}}\nlinks:\n  - endpoints: [a, b]\n    mac: ["01:00:00:00:00:01", null]\n'), ['E_MAC_MULTICAST@5']);
  t.same(problems('name: m\nnodes: {a: {}, b: {}}\nlinks:\n  - endpoints: [a, b]\n    mac: ["02:00:00:00:00:01", "02:00:00:00:00:01"]\n'), ['E_DUPLICATE_MAC@5']);
  t.same(problems('name: m\nnodes: {a: {}, b: {}}\nlinks:\n  - endpoints: [a, b]\n    mac: ["02:00:00:00:00", null]\n').map((p) => p.split('@')[0]).filter((c) => c.startsWith('E_SCHEMA')).length > 0, true, 'format checked by the schema');
  t.same(problems('name: m\nnodes: {a: {}, b: {}, c: {}}\nlinks:\n  - endpoints: [a, b]\n    mac: ["02:00:00:00:00:01", null]\n  - endpoints: [c, a]\n    mac: ["02:00:00:00:00:01", null]\n'), [], 'the same address on two segments is fine');
});

t.test('neigh replace is encoded for the relay as iproute2 sends it', async (t) => {
  const r = encodeIpLine(['neigh', 'replace', '10.0.0.2', 'lladdr', '02:aa:00:02:00:00', 'dev', 'va', 'nud', 'permanent'], true)!;
  // Checked against `strace -X raw ip neigh replace 10.0.0.2 lladdr 02:aa:00:02:00:00 dev va nud permanent`.
  t.equal(Buffer.from(r.bytes).toString('hex'), '300000001c0005050000000000000000' + '02000000' + '00000000' + '80000000' + '080001000a000002' + '0a00020002aa000200000000');
  t.same(r.ifindexAt, [{ offset: 20, ifname: 'va' }]);
  t.equal(encodeIpLine(['neigh', 'replace', '10.0.0.2', 'lladdr', 'zz', 'dev', 'va', 'nud', 'permanent']), null);
});

t.test('cpu and memory: parsed once, refused with the place', async (t) => {
  t.equal(parseMemoryBytes('256M'), 256 * 1024 ** 2);
  t.equal(parseMemoryBytes('1.5G'), 1.5 * 1024 ** 3);
  t.equal(parseMemoryBytes('64Mi'), 64 * 1024 ** 2);
  t.equal(parseMemoryBytes('12x'), undefined);
  const topo = loadTopologyText('name: m\nnodes: {a: {cpu: 0.5, memory: 256M}, b: {}}\n', 'x.yaml');
  t.same(topo.nodes[0].limits, { cpuCores: 0.5, memoryBytes: 256 * 1024 ** 2 });
  t.equal(topo.nodes[1].limits, undefined);
  const op = compilePlan(topo).stages.find((s) => s.name === 'cgroups')!.ops;
  t.same(op.map((o) => o.cgroup), [{ node: 'a', cpuQuotaUs: 50000, cpuPeriodUs: 100000, memoryBytes: 268435456 }]);
  t.same(problems('name: m\nnodes: {a: {memory: 100k}}\n'), ['E_BAD_MEMORY@2']);
});

t.test('cgroup layouts: hybrid (this machine), pure v2, co-mounted v1', async (t) => {
  const hybrid = 'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0\ncgroup /sys/fs/cgroup/cpuacct cgroup rw,relatime,cpuacct 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\n';
  const files = (mounts: string, controllers: string) => (p: string) => (p === '/proc/self/mounts' ? mounts : p.endsWith('cgroup.controllers') ? controllers : undefined);
  t.same(detectCgroups(files(hybrid, '')), { cpu: { version: 1, mount: '/sys/fs/cgroup/cpu' }, memory: { version: 1, mount: '/sys/fs/cgroup/memory' }, usage: { version: 1, mount: '/sys/fs/cgroup/cpuacct' } });
  const v2 = 'cgroup2 /sys/fs/cgroup cgroup2 rw 0 0\n';
  const l2 = detectCgroups(files(v2, 'cpuset cpu io memory pids\n'));
  t.same(l2, { cpu: { version: 2, mount: '/sys/fs/cgroup' }, memory: { version: 2, mount: '/sys/fs/cgroup' }, usage: { version: 2, mount: '/sys/fs/cgroup' } });
  t.same(labCgroupDirs(l2, 'lab', 'abcd', { cpu: true, memory: true }), ['/sys/fs/cgroup/nslab/lab.abcd'], 'one directory when everything is in v2');
  t.same(cgroupMounts('cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0\n').v1, new Map([['cpu', '/sys/fs/cgroup/cpu,cpuacct'], ['cpuacct', '/sys/fs/cgroup/cpu,cpuacct']]));
  t.ok(isLabCgroupDir('/sys/fs/cgroup/cpu/nslab/lab.abcd', 'lab', 'abcd', hybrid));
  t.notOk(isLabCgroupDir('/sys/fs/cgroup/cpu/nslab/lab.abce', 'lab', 'abcd', hybrid), 'another build');
  t.notOk(isLabCgroupDir('/sys/fs/cgroup/cpu/other/lab.abcd', 'lab', 'abcd', hybrid), 'not under nslab/');
  t.notOk(isLabCgroupDir('/tmp/nslab/lab.abcd', 'lab', 'abcd', hybrid), 'not a cgroup mount');
  t.same(nodeCgroupProcs({ dirs: ['/x/nslab/l.1'], nodes: ['a'] }, 'a'), ['/x/nslab/l.1/a/cgroup.procs']);
  t.same(nodeCgroupProcs({ dirs: ['/x/nslab/l.1'], nodes: ['a'] }, 'b'), [], 'a node without limits enters no cgroup');
});
