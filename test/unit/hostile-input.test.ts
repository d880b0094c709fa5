// Hostile topology files: each is refused quickly, with exit code 1, a located problem and the limit it broke named.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { LIMITS, NslabError, type Problem } from '../../src/model/index.js';
import { generateTopology, parseTopoSpec } from '../../src/topology/generators.js';
import { loadTopology, loadTopologyText, resolveRawTopology } from '../../src/topology/index.js';
import { threadCpuMs } from '../helpers/cpu.js';

/**
 * Run `fn`, expect it to refuse with exit code 1 and located problems; return the error and the CPU time it took
 * (ms of this thread's CPU, not wall time: on a loaded machine the wall clock measures the queue for a CPU).
 */
function refused(t: Test, fn: () => unknown): { e: NslabError; ms: number; text: string } {
  const t0 = threadCpuMs();
  try {
    fn();
  } catch (e) {
    const ms = threadCpuMs() - t0;
    if (!(e instanceof NslabError)) throw e;
    t.equal(e.exitCode, 2, 'exit code 2');
    t.ok(e.problems.length > 0, 'has problems');
    t.ok(e.problems.every((p) => p.location && p.location.line >= 1 && p.location.col >= 1), 'every problem is located');
    const text = [e.message, ...e.problems.map((p: Problem) => `${p.message} ${p.hint ?? ''}`)].join('\n');
    return { e, ms, text };
  }
  throw new Error('expected the document to be refused');
}

const warm = () => loadTopologyText('name: warm\nnodes: {h1: , h2: }\nlinks: [[h1, h2]]\n', 'warm.yaml');

t.before(() => {
  warm(); // compile the schema once, so that timings below measure the refusal
});

t.test('YAML alias bomb (billion laughs) is refused, naming the alias limit', async (t) => {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) {
    const prev = String.fromCharCode(96 + i);
    const me = String.fromCharCode(97 + i);
    lines.push(`${me}: &${me} [${Array(9).fill(`*${prev}`).join(', ')}]`);
  }
  const text = `name: bomb\n${lines.join('\n')}\nnodes: {h1: *i}\n`;
  const { e, ms, text: msg } = refused(t, () => loadTopologyText(text, 'bomb.yaml'));
  t.equal(e.code, 'E_YAML_ALIASES');
  t.match(msg, new RegExp(`limit is ${LIMITS.yamlAliasValues}`), 'names the expansion limit');
  t.match(msg, String(LIMITS.yamlAliasCount), 'names the alias count limit');
  t.equal(e.problems[0].location?.file, 'bomb.yaml');
  t.ok(ms < 1000, `refused in ${ms.toFixed(0)} ms of CPU`);
});

t.test('a wide alias fan-out (many aliases of one big list) is refused too', async (t) => {
  const text = `name: fan\nx: &l [${'1,'.repeat(50_000)}1]\nlinks: [${'*l,'.repeat(900)}*l]\n`;
  const { e, text: msg } = refused(t, () => loadTopologyText(text, 'fan.yaml'));
  t.equal(e.code, 'E_YAML_ALIASES');
  t.match(msg, `limit is ${LIMITS.yamlAliasValues}`);
});

t.test('many uses of one anchor are refused by the alias count', async (t) => {
  const text = `name: many\nx: &x 1\ny: [${Array(LIMITS.yamlAliasCount + 5).fill('*x').join(',')}]\n`;
  const { e, text: msg } = refused(t, () => loadTopologyText(text, 'many.yaml'));
  t.equal(e.code, 'E_YAML_ALIASES');
  t.match(msg, `the limit is ${LIMITS.yamlAliasCount}`);
});

t.test('an alias inside the collection it names is refused, not followed forever', async (t) => {
  for (const text of ['name: c\nlinks: &l [*l]\n', 'name: c\nnodes: &n {h1: *n}\n']) {
    const { e, text: msg } = refused(t, () => loadTopologyText(text, 'cycle.yaml'));
    t.equal(e.code, 'E_YAML_ALIASES');
    t.match(msg, /contains it/);
  }
});

t.test('an unresolved alias is a located problem', async (t) => {
  const { e } = refused(t, () => loadTopologyText('name: u\nnodes: *nowhere\n', 'u.yaml'));
  t.equal(e.code, 'E_YAML_ALIASES');
  t.same([e.problems[0].location?.line, e.problems[0].location?.col], [2, 8]);
});

t.test('a file over the size limit is refused, naming the limit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nslab-hostile-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'big.yaml');
  writeFileSync(file, `name: big\n# ${'x'.repeat(LIMITS.fileBytes)}\n`);
  const { e, ms, text } = refused(t, () => loadTopology(file));
  t.equal(e.code, 'E_FILE_TOO_LARGE');
  t.match(text, `the limit is ${LIMITS.fileBytes}`);
  t.equal(e.problems[0].location?.file, file);
  t.ok(ms < 500, `refused in ${ms.toFixed(0)} ms of CPU, before parsing`);
});

t.test('topo: single,1000000 is refused before a million nodes are built', async (t) => {
  const { e, ms, text } = refused(t, () => loadTopologyText('name: huge\ntopo: single,1000000\n', 'huge.yaml'));
  t.match(text, `the limit is ${LIMITS.nodes}`);
  t.match(text, '1000001 nodes');
  t.equal(e.problems[0].path, 'topo');
  t.same([e.problems[0].location?.line, e.problems[0].location?.col], [2, 7]);
  t.ok(ms < 200, `refused in ${ms.toFixed(0)} ms of CPU`);
});

t.test('the generator checks the size before building anything', async (t) => {
  for (const spec of ['single,1000000', 'linear,1000000', 'tree,100,100', 'tree,20000,1', 'ring,1000000', 'fattree,1000', 'dumbbell,1000000']) {
    const t0 = threadCpuMs();
    t.throws(() => generateTopology(parseTopoSpec(spec)), { code: 'E_TOO_MANY_NODES', message: new RegExp(`limit is ${LIMITS.nodes}`) }, spec);
    // 50 ms of CPU: five clock ticks (USER_HZ 100), where building the nodes would take seconds.
    t.ok(threadCpuMs() - t0 < 50, `${spec} refused at once`);
  }
  // At the limit it still builds, and a deep tree does not overflow the call stack.
  const chain = generateTopology(parseTopoSpec(`tree,${LIMITS.nodes - 1},1`));
  t.equal(Object.keys(chain.nodes).length, LIMITS.nodes);
  t.equal(chain.links.length, LIMITS.nodes - 1);
});

t.test('a document with 1,000,000 nodes is refused quickly, naming the node limit', async (t) => {
  const nodes: Record<string, null> = {};
  for (let i = 0; i < 1_000_000; i++) nodes[`n${i}`] = null;
  const { ms, text } = refused(t, () => resolveRawTopology({ name: 'million', nodes }, () => ({ file: 'million.yaml', line: 3, col: 1 }), 'million.yaml'));
  t.match(text, '1000000 nodes; the limit is 10000');
  // Object.keys of a million-key object alone takes ~0.5 s (seconds on a loaded machine); the point is that the
  // schema and the resolver, which would take far longer, never see it.
  t.ok(ms < 5000, `refused in ${ms.toFixed(0)} ms of CPU, before the schema looks at each node`);
});

t.test('many nodes written as YAML are refused with the node limit, not one schema error per node', async (t) => {
  // 100,000 rather than 1,000,000: a million keys fit in the 8 MB file limit (6.9 MB of flow mapping), but the
  // yaml library parses about 100,000 values a second, so that file costs ~10 s of parsing before any check.
  const keys: string[] = [];
  for (let i = 0; i < 100_000; i++) keys.push(`n${i.toString(36)}`);
  const text = `name: many\nnodes: {${keys.join(', ')}}\n`;
  const { e, ms, text: msg } = refused(t, () => loadTopologyText(text, 'many.yaml'));
  t.equal(e.problems.length, 1);
  t.match(msg, `100000 nodes; the limit is ${LIMITS.nodes}`);
  t.same([e.problems[0].location?.line, e.problems[0].location?.col], [2, 8]);
  t.comment(`100,000-node YAML refused in ${ms.toFixed(0)} ms`);
});

t.test('a netem limit of 1000000000 packets is refused, naming the limit', async (t) => {
  const text = 'name: q\nnodes: {h1: , h2: }\nlinks:\n  - endpoints: [h1, h2]\n    limit: 1000000000\n';
  const { e, text: msg } = refused(t, () => loadTopologyText(text, 'q.yaml'));
  t.equal(e.problems[0].path, 'links[0].limit');
  t.same([e.problems[0].location?.line, e.problems[0].location?.col], [5, 12]);
  t.match(msg, String(LIMITS.netemLimitPackets));
});

t.test('names with shell metacharacters, path traversal, spaces or a leading - are refused where they are written', async (t) => {
  const bad = ['$(reboot)', '`id`', ';rm -rf /', 'a|b', 'a&b', '../../etc', '../x', 'a/b', 'a b', ' a', '-n', '--help', '-rf', 'a"b', "a'b", 'a\nb', 'a\u0000b', '..'];
  for (const name of bad) {
    const lab = refused(t, () => loadTopologyText(`name: ${JSON.stringify(name)}\nnodes: {h1: , h2: }\nlinks: [[h1, h2]]\n`, 'lab.yaml'));
    t.equal(lab.e.problems[0].path, 'name', `lab name ${JSON.stringify(name)}`);
    t.same([lab.e.problems[0].location?.line, lab.e.problems[0].location?.col], [1, 7]);

    const node = refused(t, () => loadTopologyText(`name: lab\nnodes:\n  h1:\n  ${JSON.stringify(name)}: {}\n`, 'node.yaml'));
    t.equal(node.e.problems[0].path, `nodes[${JSON.stringify(name)}]`, `node name ${JSON.stringify(name)}`);
    t.match(node.e.problems[0].message, 'is not allowed');
    t.equal(node.e.problems[0].location?.line, 4);

    const iface = refused(t, () => loadTopologyText(`name: lab\nnodes: {h1: , h2: }\nlinks:\n  - [h1, ${JSON.stringify(`h2:${name}`)}]\n`, 'if.yaml'));
    t.equal(iface.e.problems[0].path, 'links[0][1]', `interface name ${JSON.stringify(name)}`);
    t.same([iface.e.problems[0].location?.line, iface.e.problems[0].location?.col], [4, 10]);
  }
});

t.test('interface names the kernel would refuse or that are taken are refused', async (t) => {
  for (const ifname of ['a'.repeat(16), 'lo', '0eth', 'eth:0', 'eth0/1']) {
    const { e } = refused(t, () => loadTopologyText(`name: lab\nnodes: {h1: , h2: }\nlinks:\n  - [h1, "h2:${ifname}"]\n`, 'if.yaml'));
    t.equal(e.problems[0].path, 'links[0][1]', ifname);
  }
});

t.test('hostile values deeper in the document are refused, not crashed on', async (t) => {
  const cases: [string, RegExp][] = [
    ['name: d\nx: ' + '['.repeat(20000) + ']'.repeat(20000) + '\n', /./],
    ['name: d\nx:\n' + Array.from({ length: 3000 }, (_, i) => ' '.repeat(i + 1) + '- k:\n').join(''), /./],
    ['name: d\nnodes: {h1: , h2: }\nlinks:\n  - endpoints: [h1, h2]\n    rate: ' + '9'.repeat(400) + 'mbit\n', /not a rate/],
    ['name: d\nnodes: {h1: , h2: }\nlinks:\n  - endpoints: [h1, h2]\n    delay: 10ms\n    reorder: {percent: 5, gap: .inf}\n', /4294967295/],
    ['name: d\nnodes: {h1: , h2: }\nlinks:\n  - {endpoints: [h1, h2], ipv4: [bogus, null]}\n', /not an IPv4 address/],
    ['name: d\nnodes: {1: {}, "1": {}}\n', /unique/],
    ['name: d\nnodes: {? [a, b] : {}}\n', /plain value/],
  ];
  for (const [text, re] of cases) {
    const { text: msg, ms } = refused(t, () => loadTopologyText(text, 'deep.yaml'));
    t.match(msg, re);
    t.ok(ms < 2000, `refused in ${ms.toFixed(0)} ms of CPU`);
  }
});

t.test('an explicit subnet covering the whole pool does not make allocation walk it', async (t) => {
  const text = 'name: p\naddressing: {ipv6: "::/0"}\nnodes: {h1: , h2: , h3: , h4: }\nlinks:\n  - {endpoints: [h1, h2], ipv6: ["::1/0", "::2/0"]}\n  - [h3, h4]\n';
  const { e, ms } = refused(t, () => loadTopologyText(text, 'pool.yaml'));
  t.equal(e.problems[0].code, 'E_POOL_EXHAUSTED');
  t.ok(ms < 1000, `refused in ${ms.toFixed(0)} ms of CPU`);
});

t.test('auto routing that would need millions of routes is refused, naming the limit', async (t) => {
  const t0 = performance.now();
  const { e } = refused(t, () => loadTopologyText('name: r\ntopo: ring,2000\naddressing: {ipv4: 10.0.0.0/8}\n', 'ring.yaml'));
  t.equal(e.problems[0].code, 'E_TOO_MANY_ROUTES');
  t.match(e.problems[0].message, `the limit is ${LIMITS.routes}`);
  t.comment(`ring,2000 refused in ${(performance.now() - t0).toFixed(0)} ms`);
});
