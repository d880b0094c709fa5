// The library surface without a kernel: topology sources (Lab.up/Lab.plan take a path, YAML, an object or a
// resolved topology, and refuse the rest clearly), expectMetrics over measurements, and withLab's argument checks.
import t from 'tap';
import { pathToFileURL } from 'node:url';
import { Lab, expectMetrics, checkMetrics, resolveTopologySource, shippedTopology, withLab, type PingMeasurement, type Iperf3Measurement } from '../../src/api/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { netnsName, NslabError } from '../../src/model/index.js';

const TWO = 'topologies/two-hosts.yaml';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (!(e instanceof NslabError)) throw e; // a TypeError here is the defect these tests guard against
    return e.code;
  }
  return undefined;
}

t.test('a topology comes as a path, file URL, YAML text, object or resolved topology', async (t) => {
  t.equal(resolveTopologySource(TWO).name, 'two-hosts');
  t.equal(resolveTopologySource(pathToFileURL(TWO)).name, 'two-hosts');
  t.equal(resolveTopologySource(shippedTopology('two-hosts')).nodes.length, 2);
  t.equal(resolveTopologySource('name: y1\nnodes: { a: {}, b: {} }\nlinks: [[a, b]]\n').name, 'y1');
  t.equal(resolveTopologySource('{ name: y2, nodes: { a: {}, b: {} }, links: [[a, b]] }').name, 'y2');
  t.equal(resolveTopologySource({ name: 'o1', nodes: { a: {}, b: {} }, links: [['a', 'b']] }).name, 'o1');
  const resolved = loadTopology(TWO);
  t.equal(resolveTopologySource(resolved), resolved, 'a resolved topology is used as it is');
  const renamed = resolveTopologySource(TWO, { name: 'api1' });
  t.equal(renamed.name, 'api1');
  t.equal(renamed.nodes[0].netns, netnsName('api1', 'h1'), 'the name is applied before resolving: namespaces follow it');
});

t.test('Lab.plan and Lab.up take a path (was a TypeError in compilePlan)', async (t) => {
  const plan = Lab.plan(TWO);
  t.ok(plan.netns.includes(netnsName('two-hosts', 'h1')), 'Lab.plan(path) compiles the file');
  await t.rejects(Lab.up(42 as never), { code: 'E_BAD_ARGUMENT', hint: /path/ });
  await t.rejects(Lab.up('topologies/no-such.yaml'), { code: 'E_READ' });
  await t.rejects(Lab.up(TWO, null as never), { code: 'E_BAD_ARGUMENT' });
});

t.test('wrong topologies are refused with a code and a hint', async (t) => {
  for (const [what, src, code] of [
    ['a number', 42, 'E_BAD_ARGUMENT'],
    ['null', null, 'E_BAD_ARGUMENT'],
    ['an array', [], 'E_BAD_ARGUMENT'],
    ['an empty string', '  ', 'E_BAD_ARGUMENT'],
    ['an http URL', new URL('https://example.com/t.yaml'), 'E_BAD_ARGUMENT'],
    ['a missing file', 'nope/none.yaml', 'E_READ'],
    ['an object without nodes', { name: 'x' }, 'E_INVALID_TOPOLOGY'],
    ['an object with nodes as an array', { name: 'x', nodes: ['a'] }, 'E_INVALID_TOPOLOGY'],
  ] as const)
    t.equal(codeOf(() => resolveTopologySource(src)), code, what);
  t.equal(codeOf(() => resolveTopologySource(TWO, { name: 'Bad_Name' })), 'E_INVALID_TOPOLOGY', 'a bad name is reported like one in the file');
  t.equal(codeOf(() => resolveTopologySource(TWO, { name: 7 as never })), 'E_BAD_ARGUMENT');
  t.equal(codeOf(() => resolveTopologySource(loadTopology(TWO), { name: 'other' })), 'E_BAD_ARGUMENT', 'a resolved topology cannot be renamed');
  t.equal(codeOf(() => shippedTopology('../etc/passwd')), 'E_BAD_ARGUMENT');
});

const ping = (over: Partial<PingMeasurement> = {}): PingMeasurement => {
  const base = { lossPct: 10, rttMinMs: 39.5, rttAvgMs: 40.2, rttMaxMs: 41.9, rttMdevMs: 0.4, rttP50Ms: 40.1, rttP95Ms: 41.5, transmitted: 1000, received: 900, duplicates: 0, outOfOrder: 0, reachable: true };
  const m = { ...base, ...over };
  return {
    kind: 'ping', from: 'h1', to: 'h2', address: '10.10.0.2', ...m,
    lossCounts: { sent: m.transmitted, lost: m.transmitted - m.received },
    samples: [],
    metrics: { loss: m.lossPct, rtt_min: m.rttMinMs, rtt_avg: m.rttAvgMs, rtt_max: m.rttMaxMs, rtt_mdev: m.rttMdevMs, rtt_p50: m.rttP50Ms, rtt_p95: m.rttP95Ms, duplicates: 0, out_of_order: 0, received: m.received, transmitted: m.transmitted, reachable: m.reachable },
  };
};

t.test('expectMetrics: the scenario forms, by scenario name or typed field name', async (t) => {
  const ok = expectMetrics(ping(), { loss: '<= 12%', rtt_p50: '40ms ± 2ms', rttP95Ms: '38ms..46ms', received: '> 800', reachable: true });
  t.same(ok.map((c) => c.ok), [true, true, true, true, true]);
  t.same(ok[1], { metric: 'rtt_p50', ok: true, expected: '40 ms ± 2 ms', measured: '40.1 ms' });
  t.equal(checkMetrics(ping(), { loss: '< 1%' })[0].ok, false, 'checkMetrics reports without throwing');
});

t.test('expectMetrics: the binomial loss check judges the packet counts', async (t) => {
  t.ok(expectMetrics(ping(), { loss: '~10%' })[0].ok, '100/1000 lost is consistent with 10%');
  t.ok(expectMetrics(ping({ received: 905, lossPct: 9.5 }), { lossPct: '~10%' })[0].ok, '95/1000 too');
  const e = (() => {
    try {
      expectMetrics(ping({ received: 700, lossPct: 30 }), { loss: '~10%' });
    } catch (err) {
      return err as NslabError;
    }
  })();
  t.equal(e?.code, 'E_EXPECTATION_FAILED', '300/1000 is not 10% random loss');
  t.match(e?.message, /loss: expected ~10% \(random loss, 99% confidence\), measured 30% \(300\/1000 lost; 99% interval/);
});

t.test('expectMetrics: every failed check is listed in one NslabError', async (t) => {
  try {
    expectMetrics(ping(), { loss: '<= 5%', rtt_p50: '20ms ± 2ms', rtt_max: '< 100ms' });
    t.fail('should throw');
  } catch (e) {
    const err = e as NslabError;
    t.equal(err.code, 'E_EXPECTATION_FAILED');
    t.equal(err.message, 'ping h1 → h2: 2 of 3 expectations failed\n  loss: expected <= 5%, measured 10%\n  rtt_p50: expected 20 ms ± 2 ms, measured 40.1 ms');
    t.equal((err.details.checks as unknown[]).length, 3, 'all outcomes in details.checks');
    t.ok(err.hint);
  }
  const rttless = ping({ received: 0, lossPct: 100, rttP50Ms: null });
  t.equal(checkMetrics(rttless, { rtt_p50: '< 50ms' })[0].measured, 'n/a (not measured)', 'a missing value fails, never passes');
});

t.test('expectMetrics: iperf3 rates in tc units', async (t) => {
  const tcp: Iperf3Measurement = {
    kind: 'iperf3', client: 'h1', server: 'h2', protocol: 'TCP', durationS: 5, throughputBitPerSec: 9.56e6, sentBitPerSec: 9.6e6, retransmits: 3, jitterMs: null, lostPackets: null, lossPct: null, intervals: [],
    metrics: { throughput: 9.56e6, sent: 9.6e6, retransmits: 3, jitter: null, loss: null, lost_packets: null },
  };
  t.ok(expectMetrics(tcp, { throughput: '>= 9mbit', throughputBitPerSec: '9.5mbit..10mbit', retransmits: '< 10' }).every((c) => c.ok));
  t.throws(() => expectMetrics(tcp, { throughput: '>= 10mbit' }), { code: 'E_EXPECTATION_FAILED', message: /throughput: expected >= 10 Mbit\/s, measured 9.56 Mbit\/s/ });
});

t.test('expectMetrics: wrong input is an NslabError with a hint', async (t) => {
  t.equal(codeOf(() => expectMetrics(ping(), { rtt: '< 5ms' })), 'E_EXPECT_METRIC');
  t.equal(codeOf(() => expectMetrics(ping(), { loss: '< 5' })), 'E_BAD_EXPECTATION', 'a bare number on a percentage is ambiguous');
  t.equal(codeOf(() => expectMetrics(ping(), { loss: 'about 5%' })), 'E_BAD_EXPECTATION');
  t.equal(codeOf(() => expectMetrics(ping(), {})), 'E_BAD_ARGUMENT');
  t.equal(codeOf(() => expectMetrics(ping(), null as never)), 'E_BAD_ARGUMENT');
  t.equal(codeOf(() => expectMetrics(ping(), { loss: { max: 5 } } as never)), 'E_BAD_ARGUMENT');
  t.equal(codeOf(() => expectMetrics({ loss: 5 } as never, { loss: '< 5%' })), 'E_BAD_ARGUMENT');
  t.equal(codeOf(() => expectMetrics(undefined as never, { loss: '< 5%' })), 'E_BAD_ARGUMENT');
});

t.test('withLab refuses wrong arguments before building anything', async (t) => {
  await t.rejects(withLab(TWO, 'not a function' as never), { code: 'E_BAD_ARGUMENT', hint: /async \(lab\)/ });
  await t.rejects(withLab(TWO, async () => undefined, 5 as never), { code: 'E_BAD_ARGUMENT' });
  await t.rejects(withLab(TWO, async () => undefined, { signal: 'soon' as never }), { code: 'E_BAD_ARGUMENT', hint: /t\.signal/ });
  await t.rejects(withLab(TWO, async () => undefined, { timeoutMs: -1 }), { code: 'E_BAD_ARGUMENT' });
  await t.rejects(withLab('topologies/no-such.yaml', async () => undefined), { code: 'E_READ' });
  await t.rejects(withLab({ name: 'x', nodes: {} }, async () => undefined), { code: 'E_INVALID_TOPOLOGY' });
});
