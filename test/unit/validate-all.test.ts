// `validate` reports every problem at once: schema and semantic problems together, scenarios with their topology
// (issue 12, defect 4); and it refuses what validated but then failed at `up` (defect 5), for topology files,
// scenario impair steps and runtime impairments alike.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import type { NslabError } from '../../src/model/index.js';
import { problemsOf } from '../helpers/problems.js';
import { htbBurstBytes } from '../../src/plan/shape.js';
import { loadScenario, loadScenarioOrTopology, loadScenarioText } from '../../src/scenario/load.js';
import { parseImpairment } from '../../src/topology/impair.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';
import { parseDocPath } from '../../src/topology/salvage.js';
import { formatDocPath } from '../../src/topology/yaml.js';

const codes = (e: NslabError) => e.problems.map((p) => p.code);

t.test('the README validate example is exactly what `nslab validate` prints', async (t) => {
  const m = /```\n\$ nslab validate lab\.yaml\n([\s\S]*?)```/.exec(readFileSync('README.md', 'utf8'));
  if (!m) return t.fail('README.md has no `$ nslab validate lab.yaml` example');
  const cwd = process.cwd();
  const write = process.stderr.write;
  let stderr = '';
  let code: number;
  process.chdir('test/fixtures/readme');
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  try {
    code = await main(['validate', 'lab.yaml']);
  } finally {
    process.stderr.write = write;
    process.chdir(cwd);
  }
  t.not(code, 0);
  t.equal(stderr, m[1]);
});

t.test('a schema error does not hide the semantic ones: both are reported, each where it is written', async (t) => {
  const e = problemsOf(() => loadTopology('test/fixtures/readme/lab.yaml'));
  t.same(e.problems.map((p) => [p.code, p.path, p.location?.line, p.location?.col]), [
    ['E_SCHEMA_ENUM', 'nodes.h2.kind', 4, 15],
    ['E_UNKNOWN_NODE', 'links[3][1]', 12, 10],
  ]);
});

t.test('links the schema refuses are left out of the checks, and the rest keep their places in the file', async (t) => {
  const text = [
    'name: lab', //                                1
    'nodes: { h1: {}, h2: 5, s1: {kind: switch} }', // 2: h2 is emptied, not lost
    'links:', //                                   3
    '  - ["h1:$$", h2]', //                        4: dropped (bad endpoint)
    '  - endpoints: [h1, h2]', //                  5
    '    delay: 5', //                             6: the key goes, the link stays
    '  - [h2, h9]', //                             7: links[2] in the file, links[1] once links[0] is out
    '  - {endpoints: [h1, s1], ipv4: [10.0.0.1/24, 10.0.0.2/24]}', // 8
  ].join('\n');
  const e = problemsOf(() => loadTopologyText(text, 'x.yaml'));
  t.same(e.problems.map((p) => [p.code, p.path, p.location?.line]), [
    ['E_SCHEMA_TYPE', 'nodes.h2', 2],
    ['E_SCHEMA_PATTERN', 'links[0][0]', 4],
    ['E_SCHEMA_TYPE', 'links[1].delay', 6],
    ['E_UNKNOWN_NODE', 'links[2][1]', 7],
    ['E_ADDRESS_ON_SWITCH_PORT', 'links[3].ipv4[1]', 8],
  ]);
});

t.test('document paths read back as they were written', async (t) => {
  for (const p of [['links', 3, 'endpoints', 0], ['nodes', 'a b', 'kind'], ['nodes', 'h1', 'sysctls', 'net.ipv4.ip_forward'], ['x', '3', 3]])
    t.same(parseDocPath(formatDocPath(p)), p, formatDocPath(p));
});

t.test('validate takes a scenario: its schema, its topology and its steps, all at once', async (t) => {
  const e = problemsOf(() => loadScenario('test/fixtures/scenarios/all-problems.yaml'));
  t.equal(e.code, 'E_INVALID_SCENARIO');
  t.same(codes(e), [
    'E_SCHEMA_MINIMUM', // steps[0].ping.count: 0
    'E_RATE_BYTE_UNIT', // steps[1].impair.rate: 20mbps
    'E_SCHEMA_ENUM', // the inline topology: kind: hots
    'E_UNKNOWN_NODE', // the inline topology: link to h9
    'E_DURATION_TOO_LONG', // steps[2].impair.delay
    'E_UNKNOWN_STEP', // steps[3].stop
  ]);
  for (const p of e.problems) t.ok(p.location && p.location.file === 'test/fixtures/scenarios/all-problems.yaml' && p.location.line > 0, `${p.code} is located`);
  // told apart from a topology by content
  const loaded = loadScenarioOrTopology('scenarios/quickstart.yaml');
  t.equal(loaded.kind, 'scenario');
  t.equal(loaded.kind === 'scenario' && loaded.scenario.topology.name, 'star');
  t.equal(loadScenarioOrTopology('topologies/star.yaml').kind, 'topology');
  t.equal(problemsOf(() => loadScenarioOrTopology('test/fixtures/scenarios/all-problems.yaml')).problems.length, 6);
});

t.test('a scenario whose topology alone is wrong gets the topology error, unchanged', async (t) => {
  const e = problemsOf(() => loadScenarioText('topology: { name: a, nodes: { h1: {} }, links: [[h1, h9]] }\nsteps:\n  - sleep: 1s\n', 's.yaml'));
  t.equal(e.code, 'E_INVALID_TOPOLOGY');
  t.same(codes(e), ['E_UNKNOWN_NODE']);
});

const lab = (extra: string, links = '  - [h1, r1]\n  - [r1, h2]\n') => `name: d\n${extra}nodes: {h1: {}, r1: {kind: router}, h2: {}, s1: {kind: switch}, s2: {kind: switch}}\nlinks:\n${links}`;

t.test('files that would fail at up are refused, located, with the fix', async (t) => {
  const cases: [string, string, string, string, RegExp][] = [
    ['MTU below 1280 with IPv6 on', lab('', '  - {endpoints: [h1, r1], mtu: 1000}\n'), 'E_MTU_TOO_SMALL_FOR_IPV6', 'links[0].mtu', /ipv6: false/],
    ['a default MTU below 1280', lab('defaults: {link: {mtu: 1279}}\n'), 'E_MTU_TOO_SMALL_FOR_IPV6', 'defaults.link.mtu', /1280 or more/],
    ['rate under 8 bit/s', lab('', '  - {endpoints: [h1, r1], rate: 7bit}\n'), 'E_RATE_TOO_LOW', 'links[0].rate', /8bit or more/],
    ['a numeric 0.5', lab('', '  - {endpoints: [h1, r1], rate: 0.5}\n'), 'E_RATE_TOO_LOW', 'links[0].rate', /8bit or more/],
    ['100tbit', lab('', '  - {endpoints: [h1, r1], rate: 100tbit}\n'), 'E_RATE_TOO_HIGH', 'links[0].rate', /lower rate/],
    ['35tbit, per direction', lab('', '  - {endpoints: [h1, r1], from: {h1: {rate: 35tbit}}}\n'), 'E_RATE_TOO_HIGH', 'links[0].from.h1.rate', /lower rate/],
    ['20mbps', lab('', '  - {endpoints: [h1, r1], rate: 20mbps}\n'), 'E_RATE_BYTE_UNIT', 'links[0].rate', /20mbit/],
    ['20MBPS in defaults', lab('defaults: {link: {rate: 20MBPS}}\n'), 'E_RATE_BYTE_UNIT', 'defaults.link.rate', /20mbit/],
    ['delay 99999999999s', lab('', '  - {endpoints: [h1, r1], delay: 99999999999s}\n'), 'E_DURATION_TOO_LONG', 'links[0].delay', /274877ms/],
    ['jitter 275s', lab('', '  - {endpoints: [h1, r1], delay: 1s, jitter: 275s}\n'), 'E_DURATION_TOO_LONG', 'links[0].jitter', /274877ms/],
    ['interface all', lab('', '  - ["h1:all", r1]\n'), 'E_RESERVED_IFNAME', 'links[0][0]', /leave the name out/],
    ['interface default', lab('', '  - {endpoints: [h1, "r1:default"]}\n'), 'E_RESERVED_IFNAME', 'links[0].endpoints[1]', /leave the name out/],
    ['pool 0.0.0.0/0', lab('addressing: {ipv4: 0.0.0.0/0}\n'), 'E_UNUSABLE_POOL', 'addressing.ipv4', /private range/],
    ['pool 127.0.0.0/8', lab('addressing: {ipv4: 127.0.0.0/8}\n'), 'E_UNUSABLE_POOL', 'addressing.ipv4', /private range/],
    ['pool 224.0.0.0/8', lab('addressing: {ipv4: 224.0.0.0/8}\n'), 'E_UNUSABLE_POOL', 'addressing.ipv4', /private range/],
    ['pool fe80::/10', lab('addressing: {ipv6: "fe80::/10"}\n'), 'E_UNUSABLE_POOL', 'addressing.ipv6', /fd00/],
    ['pool ::/48 (hands out ::1)', lab('addressing: {ipv6: "::/48"}\n'), 'E_UNUSABLE_POOL', 'addressing.ipv6', /fd00/],
    ['pool ff00::/8', lab('addressing: {ipv6: "ff00::/8"}\n'), 'E_UNUSABLE_POOL', 'addressing.ipv6', /fd00/],
    ['an explicit loopback address', lab('', '  - {endpoints: [h1, r1], ipv4: [127.0.0.2/24, 127.0.0.3/24]}\n'), 'E_UNUSABLE_ADDRESS', 'links[0].ipv4[0]', /private range/],
    ['an explicit IPv4-mapped address', lab('', '  - {endpoints: [h1, r1], ipv6: ["::ffff:10.0.0.1/120", null]}\n'), 'E_UNUSABLE_ADDRESS', 'links[0].ipv6[0]', /fd00/],
  ];
  for (const [what, yaml, code, path, fix] of cases) {
    const e = problemsOf(() => loadTopologyText(yaml, `${what}.yaml`));
    const p = e.problems.find((x) => x.code === code);
    if (!p) {
      t.fail(`${what}: ${code} (got ${codes(e).join(', ')})`);
      continue;
    }
    t.equal(p.path, path, `${what}: at ${path}`);
    t.ok(p.location && p.location.line > 0 && p.location.col > 0, `${what}: located`);
    t.match(p.hint, fix, `${what}: says how to fix it`);
  }
});

t.test('what does come up is left alone', async (t) => {
  const ok = [
    lab('addressing: {ipv4: 240.0.0.0/4, ipv6: "fec0::/10"}\n'), // class E and site-local: Linux routes them (measured)
    lab('addressing: {ipv4: 169.254.0.0/16}\n'), // forwarded by Linux routers (measured)
    lab('addressing: {ipv6: false}\ndefaults: {link: {mtu: 576}}\n'), // small MTU without IPv6
    lab('', '  - [h1, s1]\n  - {endpoints: [s1, s2], mtu: 1000}\n  - [s2, h2]\n'), // switch ports carry no address
    lab('', '  - {endpoints: [h1, r1], rate: 8bit, delay: 274877ms, jitter: 1s}\n  - {endpoints: [r1, h2], rate: 34tbit}\n'),
    lab('', '  - ["h1:All", "r1:defaults"]\n'),
  ];
  for (const yaml of ok) t.doesNotThrow(() => loadTopologyText(yaml, 'ok.yaml'), yaml.split('\n').slice(1, 2).join(''));
});

t.test('the same bounds apply to impairments given at runtime (nslab impair, scenario impair steps)', async (t) => {
  const problems = (raw: Record<string, unknown>) => {
    const got: string[] = [];
    parseImpairment(raw, [], (_p, code) => got.push(code));
    return got;
  };
  t.same(problems({ rate: '20mbps' }), ['E_RATE_BYTE_UNIT']);
  t.same(problems({ rate: '4bit' }), ['E_RATE_TOO_LOW']);
  t.same(problems({ rate: 0.5 }), ['E_RATE_TOO_LOW']);
  t.same(problems({ rate: '100tbit' }), ['E_RATE_TOO_HIGH']);
  t.same(problems({ delay: '99999999999s' }), ['E_DURATION_TOO_LONG']);
  t.same(problems({ rate: '10mbit', delay: '20ms' }), []);
  const e = problemsOf(() => loadScenarioText('topology: ../../topologies/two-hosts.yaml\nsteps:\n  - impair: { link: h1-h2, rate: 0.5 }\n  - impair: { link: h1-h2, delay: 300s }\n', 'test/fixtures/s.yaml'));
  t.same(e.problems.map((p) => [p.code, p.path, p.location?.line]), [
    ['E_RATE_TOO_LOW', 'steps[0].impair.rate', 3],
    ['E_DURATION_TOO_LONG', 'steps[1].impair.delay', 4],
  ]);
});

t.test('htb burst never wraps its 32-bit tick count at low rates', async (t) => {
  // 2^32 ticks of 64 ns = 274.877906944 s: a burst must be sendable at the rate within that.
  for (const rate of [8, 15, 16, 88, 96, 1000])
    t.ok(htbBurstBytes(rate) / Math.floor(rate / 8) < 274.877906944, `${rate} bit/s: burst ${htbBurstBytes(rate)} bytes`);
  t.equal(htbBurstBytes(10e6), 3028, 'unchanged where it fits: two frames');
  t.equal(htbBurstBytes(1e9), 125000, 'unchanged where it fits: 1 ms at the rate');
});
