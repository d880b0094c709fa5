import t from 'tap';
import { buildGraph, GROUP_THRESHOLD, mermaidText, toDot, toMermaid, toSvg, dotString } from '../../src/graph/index.js';
import { loadTopology, loadTopologyText, resolveRawTopology } from '../../src/topology/index.js';

const dumbbell = loadTopology('topologies/dumbbell.yaml');
const generated = (topo: string) => resolveRawTopology({ name: 'big', topo }, () => undefined, 'x');

/** Enough of XML to catch a broken document: every tag closed in order, attributes quoted, one root. */
function checkWellFormed(xml: string): string[] {
  const problems: string[] = [];
  const body = xml.replace(/<\?xml[\s\S]*?\?>/, '').replace(/<!DOCTYPE[\s\S]*?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/g;
  let last = 0;
  for (let m = tag.exec(body); m; m = tag.exec(body)) {
    const between = body.slice(last, m.index);
    if (/[<>]/.test(between)) problems.push(`stray markup near ${JSON.stringify(between.slice(0, 40))}`);
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(between)) problems.push(`bare & in ${JSON.stringify(between.slice(0, 40))}`);
    last = tag.lastIndex;
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open}>`);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (/[<>]/.test(body.slice(last).trim())) problems.push('markup after the root element');
  if (stack.length) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

t.test('DOT: every node, drawn by kind; edges carry interfaces, addresses and impairments', async (t) => {
  const dot = toDot(dumbbell);
  t.match(dot, /^graph "dumbbell" \{/);
  for (const n of dumbbell.nodes) t.match(dot, new RegExp(`^  "${n.name}" \\[label="${n.name}", shape="[a-z]+"`, 'm'), `node ${n.name}`);
  const shapeOf = (name: string) => new RegExp(`^  "${name}" \\[[^\\n]*shape="([a-z]+)"`, 'm').exec(dot)?.[1];
  t.equal(shapeOf('h1'), 'box');
  t.equal(shapeOf('r1'), 'oval');
  t.equal(shapeOf('s1'), 'hexagon');
  t.match(dot, /"r1" \[[^\n]*class="router"/);
  // The bottleneck link r1:eth1 <-> r2:eth0 with both ends' addresses and the 10mbit rate.
  const bottleneck = dot.split('\n').find((l) => l.startsWith('  "r1" -- "r2"'));
  t.ok(bottleneck, 'the r1 -- r2 edge is drawn');
  t.match(bottleneck, '<b>r1</b>:eth1');
  t.match(bottleneck, '10.10.1.1/24');
  t.match(bottleneck, 'fd00:10:0:1::1/64');
  t.match(bottleneck, '<b>r2</b>:eth0');
  t.match(bottleneck, '10.10.1.2/24');
  t.match(bottleneck, '>10mbit<');
  // Switch ports carry no address; the host end of h1's link does.
  const h1 = dot.split('\n').find((l) => l.startsWith('  "h1" -- "s1"'))!;
  t.match(h1, '10.10.0.2/24');
  t.notMatch(h1, '10mbit', 'an unimpaired link has no impairment label');
  t.equal(dot.split('\n').filter((l) => l.includes(' -- ')).length, dumbbell.links.length, 'one edge per link');
  t.equal(toDot(dumbbell), dot, 'deterministic');
});

t.test('impairments: one label when both directions match, both with arrows when they differ', async (t) => {
  const lab = loadTopologyText(
    `name: dirs
nodes: { a: {}, b: {}, c: {} }
links:
  - endpoints: [a, b]
    rate: 10mbit
    delay: 20ms
    loss: 1%
  - endpoints: [b, c]
    rate: 10mbit
    from: { c: { rate: 2mbit, delay: 5ms } }
`,
    'dirs.yaml',
  );
  const g = buildGraph(lab);
  t.same(g.edges[0].impairment, ['10mbit 20ms 1% loss']);
  t.same(g.edges[1].impairment, ['b→c: 10mbit', 'c→b: 2mbit 5ms']);
  const dot = toDot(lab);
  t.match(dot, '10mbit 20ms 1% loss');
  t.match(dot, 'b→c: 10mbit');
  t.match(dot, 'c→b: 2mbit 5ms');
  const mmd = toMermaid(lab);
  t.match(mmd, 'b→c: 10mbit<br/>c→b: 2mbit 5ms');
});

t.test('Mermaid: graph LR, generated ids, same labels, escaped', async (t) => {
  const mmd = toMermaid(dumbbell);
  const lines = mmd.trimEnd().split('\n');
  t.equal(lines[0], 'graph LR');
  t.ok(lines.includes('  n0{{"s1"}}:::switch'), 'switch as a hexagon');
  t.ok(lines.includes('  n2(["r1"]):::router'), 'router as a stadium');
  t.ok(lines.includes('  n4["h1"]:::host'), 'host as a box');
  t.ok(lines.includes('  n2 ---|"r1:eth1 10.10.1.1/24 fd00:10:0:1::1/64<br/>r2:eth0 10.10.1.2/24 fd00:10:0:1::2/64<br/>10mbit"| n3'), 'bottleneck edge label');
  t.equal(lines.filter((l) => l.includes('---|')).length, dumbbell.links.length);
  for (const k of ['host', 'router', 'switch']) t.ok(lines.some((l) => l.startsWith(`  classDef ${k} `)), `classDef ${k}`);
  // Each label is one quoted string: no raw quote inside it.
  for (const l of lines.filter((x) => x.includes('|"'))) t.match(l, /\|"[^"]*"\|/, l);
  t.equal(mermaidText(['a"b#c<d>e&f|g`h', 'x']), 'a#quot;b#35;c#lt;d#gt;e#amp;f#124;g#96;h<br/>x');
  // A node named like Mermaid syntax never becomes an id.
  const tricky = loadTopologyText('name: tricky\nnodes: { end: {}, o1: {} }\nlinks: [[end, o1]]\n', 't.yaml');
  const tm = toMermaid(tricky);
  t.match(tm, '  n0["end"]:::host');
  t.match(tm, /n0 ---\|"end:eth0 /);
  t.notMatch(tm, /^\s*end\b/m);
});

t.test('DOT strings are escaped', async (t) => {
  t.equal(dotString('a"b\\c\nd'), '"a\\"b\\\\c\\nd"');
});

t.test('SVG: well-formed, every node named, kinds as classes', async (t) => {
  for (const file of ['topologies/dumbbell.yaml', 'topologies/router-chain.yaml']) {
    const lab = loadTopology(file);
    const svg = await toSvg(lab);
    t.match(svg, /^<\?xml/);
    t.match(svg, /<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    t.same(checkWellFormed(svg), [], `${file}: well-formed`);
    for (const n of lab.nodes) t.match(svg, new RegExp(`<text[^>]*>${n.name}</text>`), `${file}: ${n.name} is drawn`);
    for (const k of new Set(lab.nodes.map((n) => n.kind))) t.match(svg, `class="node ${k}"`, `${file}: a ${k} node`);
  }
  t.not(checkWellFormed('<svg><g></svg>').length, 0, 'the checker itself rejects a broken document');
});

t.test('large labs: leaf hosts grouped per switch, addresses dropped', async (t) => {
  const big = generated('single,200');
  t.equal(big.nodes.length, 201);
  const g = buildGraph(big);
  t.ok(g.grouped);
  t.equal(g.nodes.length, 2, 's1 and one group');
  const group = g.nodes.find((n) => n.members.length > 1)!;
  t.equal(group.label, 'h1..h200 (200 hosts)');
  t.equal(group.members.length, 200);
  t.equal(g.edges.length, 1);
  t.equal(g.edges[0].links, 200);
  const dot = toDot(big);
  t.match(dot, '"h1..h200 (200 hosts)"');
  t.notMatch(dot, /"h57"/, 'no per-host node');
  t.notMatch(dot, /10\.\d+\.\d+\.\d+\//, 'no address labels');
  t.match(toMermaid(big), '[["h1..h200 (200 hosts)"]]:::host');
  const svg = await toSvg(big);
  t.same(checkWellFormed(svg), []);
  t.match(svg, 'h1..h200 (200 hosts)');
  t.ok(svg.length < 20_000, `small picture (${svg.length} bytes)`);

  t.equal(buildGraph(big, { group: 'never' }).nodes.length, 201, 'grouping can be turned off');
  const forced = buildGraph(dumbbell, { group: 'always' });
  t.same(forced.nodes.map((n) => n.label), ['s1', 's2', 'r1', 'r2', 'h1, h2 (2 hosts)', 'h3, h4 (2 hosts)'], 'and forced on a small lab');
  t.equal(forced.edges.length, 5, 'the bottleneck and router links stay; each group has one edge');
});

t.test('grouping threshold and hosts on routers', async (t) => {
  t.notOk(buildGraph(generated(`single,${GROUP_THRESHOLD - 1}`)).grouped, `${GROUP_THRESHOLD} nodes: drawn in full`);
  t.ok(buildGraph(generated(`single,${GROUP_THRESHOLD}`)).grouped, `${GROUP_THRESHOLD + 1} nodes: grouped`);
  const ft = buildGraph(generated('fattree,6'));
  t.ok(ft.grouped);
  const groups = ft.nodes.filter((n) => n.members.length > 1);
  t.equal(groups.length, 18, 'one group per edge router');
  t.ok(groups.every((n) => n.members.length === 3));
  // Every topology node is drawn exactly once, alone or in a group.
  const drawn = ft.nodes.flatMap((n) => n.members).sort();
  t.same(drawn, generated('fattree,6').nodes.map((n) => n.name).sort());
});
