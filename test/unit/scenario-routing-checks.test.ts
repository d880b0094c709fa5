// The protocol-independent pieces of issue 13's scenario checks, on fixtures: the ping outage (longest run of lost
// probes), the route a node uses (ip -j route show; r2-*/h1-* captured from topologies/router-chain.yaml with
// routing: auto, ecmp-ospf-v4.json hand-written in iproute2's format for FRR-installed routes), and JMESPath queries
// on vtysh JSON (ospf-neighbor.json hand-written in FRR 8.4's `show ip ospf neighbor json` shape).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { longestLossRun, mapProtocol, parsePing, selectRoute } from '../../src/scenario/parse/index.js';
import { checkQuery, parseQuery } from '../../src/scenario/query.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { NslabError, netnsName } from '../../src/model/index.js';

const fixture = (p: string): string => readFileSync(new URL(`../fixtures/${p}`, import.meta.url), 'utf8');

t.test('outage: the longest run of unanswered probes', async (t) => {
  const s = (seqs: number[]) => seqs.map((seq) => ({ seq, rttMs: 0.1, ttl: 64, dup: false }));
  t.equal(longestLossRun(s([1, 2, 3, 4, 5]), 5), 0, 'no loss');
  t.equal(longestLossRun(s([1, 2, 6, 7, 9, 10]), 10), 3, '3,4,5 lost; 8 alone');
  t.equal(longestLossRun(s([1, 2]), 5), 3, 'the tail counts');
  t.equal(longestLossRun(s([]), 4), 4, 'all lost');
  t.equal(longestLossRun([...s([1, 3]), { seq: 3, rttMs: 0.1, ttl: 64, dup: true }], 3), 1, 'a duplicate is no extra reply');
  // 16-bit icmp_seq: probe 65537 is seq 1 again.
  const wrapped = s([...Array.from({ length: 65535 }, (_, i) => i + 1), 0, 3]);
  t.equal(longestLossRun(wrapped, 65539), 2, 'seq wraps: probes 65537 (seq 1) and 65538 (seq 2) lost, 65539 (seq 3) back');
  const r = parsePing(fixture('ping/v4-loss.txt'));
  t.equal(r.longestLossRun, 2, 'real output: replies to 1, 3 and 6 of 6, so 4 and 5 were lost in a row');
});

t.test('route: nslab static routes, connected prefixes, longest match', async (t) => {
  const v4 = fixture('route/r2-v4.json');
  t.same(selectRoute(v4, '10.20.1.2'), { dst: '10.20.1.0/24', protocol: 'static', protocolRaw: 'boot', hops: [{ gateway: '10.20.23.2', dev: 'eth1' }] });
  t.match(selectRoute(v4, '10.20.12.1'), { dst: '10.20.12.0/30', protocol: 'connected', hops: [{ gateway: undefined, dev: 'eth0' }] });
  t.equal(selectRoute(v4, '192.0.2.1'), null, 'no default route on r2: nothing covers it');
  t.match(selectRoute(v4, '10.20.1.0/24'), { dst: '10.20.1.0/24' }, 'a prefix matches exactly');
  t.equal(selectRoute(v4, '10.20.0.0/16'), null, 'a prefix is not matched by a longer one');
  t.match(selectRoute(fixture('route/h1-v4.json'), '10.20.1.2'), { dst: 'default', protocol: 'static', hops: [{ gateway: '10.20.0.1' }] });
  t.match(selectRoute(fixture('route/r2-v6.json'), 'fd00:20:0:1::2'), { dst: 'fd00:20:0:1::/64', protocol: 'static', hops: [{ gateway: 'fd00:20:23::2' }] });
});

t.test('route: ECMP next hops and routing protocols', async (t) => {
  const j = fixture('route/ecmp-ospf-v4.json');
  const r = selectRoute(j, '10.0.3.9');
  t.equal(r?.protocol, 'ospf');
  t.equal(r?.hops.length, 2, 'two paths');
  t.same(r?.hops.map((h) => h.gateway), ['10.0.12.2', '10.0.13.2']);
  t.match(selectRoute(j, '10.0.3.7'), { protocol: 'bgp', hops: [{ gateway: '10.0.13.2' }] }, 'a host route beats the /24');
  t.match(selectRoute(j, '10.9.1.1'), { dst: 'default' }, 'an unreachable route is no path');
  t.match(selectRoute(j, '10.8.1.1'), { protocol: 'static', protocolRaw: '196' }, "FRR staticd's proto 196");
  t.equal(mapProtocol('isis', true), 'isis');
  t.equal(mapProtocol('dhcp', true), 'other');
  t.throws(() => selectRoute(j, 'h3'), NslabError);
  t.throws(() => selectRoute('not json', '10.0.0.1'), { code: 'E_ROUTE_OUTPUT' });
});

t.test('vtysh JSON: JMESPath queries with the usual expectation forms', async (t) => {
  const data = JSON.parse(fixture('vtysh/ospf-neighbor.json'));
  const ok = (expr: string, want: string | number | boolean) => checkQuery(parseQuery(expr, want), data);
  t.match(ok('length(neighbors.*[])', '>= 2'), { ok: true, measured: '2' });
  t.match(ok('length(neighbors.*[])', '>= 3'), { ok: false });
  t.match(ok('length(neighbors.*[])', 2), { ok: true }, 'a number means ==');
  t.match(ok("neighbors.\"10.0.0.2\"[0].converged", 'Full'), { ok: true }, 'a plain string means equal');
  t.match(ok('length(neighbors.*[?converged==`Full`][])', '== 2'), { ok: true });
  t.match(ok('neighbors', '> 1'), { ok: false, measured: /not a number/ }, 'an object is not compared as a number');
  t.match(ok('neighbors."10.9.9.9"', 'Full'), { ok: false, measured: /null/ });
  t.match(ok('length(`5`)', '>= 1'), { ok: false, measured: /failed/ }, 'a run-time error fails the check');
  t.throws(() => parseQuery('length(', '>= 1'), { code: 'E_BAD_QUERY' });
});

const LAB = `topology:
  name: rc
  routing: auto
  nodes: { h1: {}, r1: { kind: router }, h2: {} }
  links: [{ endpoints: [h1, r1] }, { endpoints: [r1, h2] }]
`;

t.test('scenario files: route, converge, vtysh, blackhole and outage load', async (t) => {
  const s = loadScenarioText(
    LAB +
      `steps:
  - converge: { timeout: 30s, settle: 500ms }
    expect: { time: "< 10s" }
  - route: { node: r1, to: h2 }
    expect: { present: true, via: direct, nexthops: 1, protocol: connected }
  - route: { node: h1, to: "10.0.0.0/8" }
  - vtysh: { node: r1, cmd: "show ip ospf neighbor json" }
    expect: { query: { "length(neighbors.*[])": ">= 2", "neighbors.*[0].converged | [0]": Full } }
  - link: { link: h1-r1, state: blackhole }
  - ping: { from: h1, to: h2, count: 100, interval: 10ms }
    expect: { outage: "< 2s" }
`,
    'x.yaml',
  );
  t.same(s.steps.map((x) => x.spec.kind), ['converge', 'route', 'route', 'vtysh', 'link', 'ping']);
  t.match(s.steps[0].spec, { timeoutMs: 30_000, settleMs: 500 });
  t.match(s.steps[0].checks[0], { metric: 'time', expectation: { op: '<', value: 10_000, unit: 'durationMs' } });
  t.same(s.steps[1].checks.map((c) => c.expectation.op), ['bool', 'equals', '==', 'equals']);
  t.same(s.steps[3].checks.map((c) => c.metric), ['query length(neighbors.*[])', 'query neighbors.*[0].converged | [0]']);
  t.match(s.steps[4].spec, { kind: 'link', state: 'blackhole' });
  t.match(s.steps[5].checks[0], { metric: 'outage', expectation: { op: '<', value: 2000 } });
});

t.test('scenario files: the new steps are checked like the others', async (t) => {
  const bad = (steps: string) => {
    try {
      loadScenarioText(LAB + 'steps:\n' + steps, 'x.yaml');
    } catch (e) {
      return (e as NslabError).problems;
    }
    return [];
  };
  t.match(bad('  - route: { node: r9, to: h2 }\n'), [{ code: 'E_UNKNOWN_NODE' }]);
  t.match(bad('  - route: { node: r1, to: nowhere }\n'), [{ code: 'E_UNKNOWN_NODE' }]);
  t.match(bad('  - route: { node: r1, to: h2 }\n    expect: { protocol: rip }\n'), [{ path: /protocol/ }], 'schema: protocol names');
  t.match(bad('  - vtysh: { node: r1, cmd: "show x json" }\n    expect: { query: { "length(": ">= 1" } }\n'), [{ code: 'E_BAD_QUERY' }]);
  t.match(bad('  - converge: { timeout: soon }\n'), [{ path: /timeout/ }]);
  t.match(bad('  - link: { link: h1-r1, state: broken }\n'), [{ path: /state/ }]);
  t.match(bad('  - ping: { from: h1, to: h2 }\n    expect: { outage: "< 2" }\n'), [{ code: 'E_BAD_EXPECTATION' }], 'an outage needs a unit');
  t.match(bad('  - exec: { node: h1, cmd: "true" }\n    expect: { outage: "< 2s" }\n'), [{ code: 'E_EXPECT_METRIC' }]);
});

t.test('reports show convergence and outage times even when no expectation names them', async (t) => {
  const { keyFigures, formatStepLine, toTap, toJUnit } = await import('../../src/report/index.js');
  const step = (kind: 'converge' | 'ping', metrics: Record<string, number>, checks: { metric: string; ok: boolean; expected: string; measured: string }[] = []) =>
    ({ id: '1', name: kind, kind, status: 'pass' as const, startMs: 0, durationMs: 1, metrics, checks });
  t.same(keyFigures(step('converge', { time: 1950 })), ['converged in 1.95 s']);
  t.same(keyFigures(step('ping', { outage: 320 })), ['outage 320 ms']);
  t.same(keyFigures(step('ping', { outage: 0 })), [], 'no loss, no outage line');
  t.same(keyFigures(step('ping', { outage: 320 }, [{ metric: 'outage', ok: true, expected: '< 2 s', measured: '320 ms' }])), [], 'a checked outage is shown by its check');
  t.match(formatStepLine(step('converge', { time: 1950 })), /converged in 1\.95 s/);
  const res = { name: 's', file: 's.yaml', lab: 'l', status: 'pass' as const, startedAt: new Date(0).toISOString(), setupMs: 0, stepsMs: 0, teardownMs: 0, totalMs: 0, steps: [step('ping', { outage: 320 })], events: [] };
  t.match(toTap([res]), /ok 1 - s: 1 ping\n# outage 320 ms/);
  t.match(toJUnit([res]), /<system-out>outage 320 ms<\/system-out>/);
});

t.test('blackhole compiles to an nft netdev ingress drop on both ends; up and down remove it first', async (t) => {
  const { compileLinkState } = await import('../../src/plan/index.js');
  const { renderOperation } = await import('../../src/model/index.js');
  const { resolveRawTopology } = await import('../../src/topology/index.js');
  const topo = resolveRawTopology({ name: 'bh', nodes: { h1: {}, s1: { kind: 'switch' } }, links: [{ endpoints: ['h1', 's1'] }] } as never, () => undefined, 'test');
  const link = topo.links[0];
  const on = compileLinkState(topo, link, 'blackhole');
  t.same(on.map((o) => [o.tool, o.netns]), [['nft', netnsName('bh', 'h1')], ['nft', netnsName('bh', 's1')]]);
  t.match(renderOperation(on[1]), /^ip netns exec nslab-bh\.s1 nft add table netdev nslab_bh_[0-9a-f]+ ';' add chain netdev nslab_bh_[0-9a-f]+ in '\{' type filter hook ingress device \S+ priority -500 ';' policy drop ';' '\}'$/);
  const up = compileLinkState(topo, link, 'up');
  t.same(up.slice(0, 2).map((o) => o.args.join(' ')), on.map((o) => `add table netdev ${o.args[3]} ; delete table netdev ${o.args[3]}`), 'removal first, idempotent (add + delete)');
  t.same(up.slice(2, 4).map((o) => o.args.slice(-1)), [['up'], ['up']]);
});
