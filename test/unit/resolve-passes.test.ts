// Resolution's passes, each run on the output of the passes before it (no loader, no schema).
import t from 'tap';
import { formatCidr, type NodeKind, type RawTopology } from '../../src/model/index.js';
import { addressing } from '../../src/topology/passes/addressing.js';
import { checks } from '../../src/topology/passes/checks.js';
import { Problems, type Base } from '../../src/topology/passes/draft.js';
import { interfaces } from '../../src/topology/passes/interfaces.js';
import { nodes } from '../../src/topology/passes/nodes.js';
import { normalise } from '../../src/topology/passes/normalise.js';
import { routing } from '../../src/topology/passes/routing.js';
import { segments } from '../../src/topology/passes/segments.js';
import { resolveTopology } from '../../src/topology/resolve.js';

const base = (raw: RawTopology): Base => {
  const nodeNames = Object.keys(raw.nodes);
  return { raw, lab: raw.name, source: 'x', problems: new Problems(() => undefined), nodeNames, kindOf: new Map(nodeNames.map((n) => [n, (raw.nodes[n]?.kind ?? 'host') as NodeKind])) };
};
const raw: RawTopology = { name: 'p', nodes: { h1: {}, s1: { kind: 'switch' }, r1: { kind: 'router' }, h2: {} }, links: [['h1', 's1'], ['r1', 's1'], ['r1:up', 'h2'], ['h1', 'nope']] };

t.test('normalise names every endpoint and leaves broken links out', async (t) => {
  const d = normalise(base(raw));
  t.equal(d.allLinks.length, 4);
  t.same(d.links.map((l) => l.index), [0, 1, 2]);
  t.same(d.endRefs[2], [{ node: 'r1', ifname: 'up' }, { node: 'h2', ifname: 'eth0' }]);
  t.same(d.problems.list.map((p) => p.code), ['E_UNKNOWN_NODE']);
});

t.test('segments merge links through a switch; routers come first on a segment', async (t) => {
  const d = segments(nodes(normalise(base(raw))));
  t.same(d.segments.map((s) => [s.kind, s.members.map((m) => m.node)]), [['lan', ['r1', 'h1']], ['p2p', ['r1', 'h2']]]);
  t.same(d.linkSegment, [0, 0, 1]);
});

t.test('addressing and interfaces: the router takes .1; routing adds the hosts\' default routes', async (t) => {
  const d = routing(interfaces(addressing(segments(nodes(normalise(base({ ...raw, links: raw.links!.slice(0, 3) })))))));
  t.equal(formatCidr(d.addrOf[4].get('r1:eth0')!), '10.10.0.1/24');
  t.same(d.byName.get('h1')!.interfaces.map((i) => i.name), ['eth0']);
  t.same(d.byName.get('h1')!.routes.map((r) => `${r.to} via ${r.via}`), ['default via 10.10.0.1', 'default via fd00:10::1']);
});

t.test('the checks pass runs every check on the resolved topology', async (t) => {
  const seen: string[] = [];
  const P = new Problems(() => undefined);
  const topo = resolveTopology({ ...raw, links: raw.links!.slice(0, 3) }, () => undefined, 'x');
  if ('problems' in topo) return t.fail('no problems expected');
  checks(topo, raw, P, [(tt, _r, p) => { seen.push(tt.name); p.add(['nodes'], 'E_TEST', 'a check reported this'); }]);
  t.same(seen, ['p']);
  t.same(P.list.map((p) => [p.code, p.path]), [['E_TEST', 'nodes']]);
});
