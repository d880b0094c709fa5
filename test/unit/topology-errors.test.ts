// Malformed files: every problem at once, each with FILE:LINE:COL, document path and a fix (golden output).
import t from 'tap';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';
import { problemsOf } from '../helpers/problems.js';

t.test('schema problems are located and come with a fix, and do not hide the semantic ones', async (t) => {
  const e = problemsOf(() => loadTopology('test/fixtures/topologies/many-problems.yaml'));
  t.equal(e.exitCode, 2);
  t.matchSnapshot(e.format(), 'formatted');
  t.same(e.problems.map((p) => [p.code, p.path, p.location?.line, p.location?.col]), [
    ['E_SCHEMA_PATTERN', 'name', 1, 7],
    ['E_SCHEMA_ENUM', 'nodes.h2.kind', 4, 15],
    ['E_SCHEMA_ADDITIONALPROPERTIES', 'nodes.r1.gatway', 5, 31],
    ['E_UNKNOWN_NODE', 'links[3][1]', 12, 10],
    ['E_IFNAME_TOO_LONG', 'links[4].endpoints[0]', 13, 17],
    ['E_DUPLICATE_IFNAME', 'links[6].endpoints[0]', 16, 17],
    ['E_SWITCH_LOOP', 'links[2]', 11, 5],
    ['E_ADDRESS_OUTSIDE_SEGMENT', 'links[5].ipv4[1]', 15, 25],
  ]);
  t.match(e.problems[1].hint, /did you mean 'host'/);
  t.match(e.problems[2].hint, /did you mean 'gateway'/);
});

t.test('semantic problems are all reported together', async (t) => {
  const e = problemsOf(() => loadTopology('test/fixtures/topologies/semantic-problems.yaml'));
  t.matchSnapshot(e.format(), 'formatted');
  t.same(e.problems.map((p) => p.code), [
    'E_UNKNOWN_NODE',
    'E_IFNAME_TOO_LONG',
    'E_DUPLICATE_IFNAME',
    'E_SWITCH_LOOP',
    'E_ADDRESS_OUTSIDE_SEGMENT',
    'E_OVERLAPPING_SUBNETS',
  ]);
  for (const p of e.problems) {
    t.ok(p.location && p.location.line > 0 && p.location.col > 0, `${p.code} is located`);
    t.ok(p.hint && p.hint.length > 5, `${p.code} says how to fix it`);
  }
});

t.test('YAML syntax errors are located', async (t) => {
  const e = problemsOf(() => loadTopologyText('name: x\nnodes:\n  h1: {\n', 'broken.yaml'));
  t.equal(e.problems[0].code, 'E_YAML_SYNTAX');
  t.equal(e.problems[0].location?.file, 'broken.yaml');
});

t.test('duplicate keys are refused', async (t) => {
  const e = problemsOf(() => loadTopologyText('name: x\nname: y\nnodes: { h1: {} }\n', 'dup.yaml'));
  t.match(e.problems[0].message, /unique|duplicate/i);
  t.equal(e.problems[0].location?.line, 2);
});

t.test('missing file', async (t) => {
  const e = problemsOf(() => loadTopology('test/fixtures/nope.yaml'));
  t.equal(e.code, 'E_READ');
  t.equal(e.exitCode, 2);
});

t.test('more focused semantic checks', async (t) => {
  const cases: [string, string, string][] = [
    ['duplicate address', 'name: d\nnodes: {a: {}, b: {}, c: {}}\nlinks:\n  - endpoints: [a, b]\n    ipv4: [10.0.0.1/24, 10.0.0.2/24]\n  - endpoints: [a, c]\n    ipv4: [10.0.1.1/24, 10.0.1.1/24]\n', 'E_DUPLICATE_ADDRESS'],
    ['network address', 'name: d\nnodes: {a: {}, b: {}}\nlinks:\n  - endpoints: [a, b]\n    ipv4: [10.0.0.0/24, 10.0.0.2/24]\n', 'E_RESERVED_ADDRESS'],
    ['address on a switch port', 'name: d\nnodes: {a: {}, s: {kind: switch}}\nlinks:\n  - endpoints: [a, s]\n    ipv4: [10.0.0.1/24, 10.0.0.2/24]\n', 'E_ADDRESS_ON_SWITCH_PORT'],
    ['self link', 'name: d\nnodes: {a: {}}\nlinks:\n  - [a, a]\n', 'E_SELF_LINK'],
    ['gateway off-link', 'name: d\nnodes: {a: {gateway: 192.168.9.1}, b: {}}\nlinks:\n  - [a, b]\n', 'E_GATEWAY_NOT_ON_LINK'],
    ['route dev unknown', 'name: d\nnodes: {a: {routes: [{to: 10.9.0.0/16, dev: eth7}]}, b: {}}\nlinks:\n  - [a, b]\n', 'E_UNKNOWN_DEV'],
    ['route family mix', 'name: d\nnodes: {a: {routes: [{to: 10.9.0.0/16, via: "fd00::1"}]}, b: {}}\nlinks:\n  - [a, b]\n', 'E_ROUTE_FAMILY'],
    ['pool exhausted', 'name: d\naddressing: {ipv4: 10.0.0.0/24}\nnodes: {a: {}, b: {}, c: {}}\nlinks:\n  - [a, b]\n  - [b, c]\n', 'E_POOL_EXHAUSTED'],
    ['jitter without delay', 'name: d\nnodes: {a: {}, b: {}}\nlinks:\n  - endpoints: [a, b]\n    jitter: 5ms\n', 'E_JITTER_WITHOUT_DELAY'],
    ['from a non-end', 'name: d\nnodes: {a: {}, b: {}, c: {}}\nlinks:\n  - endpoints: [a, b]\n    from: {c: {delay: 5ms}}\n', 'E_FROM_NOT_ENDPOINT'],
    ['stp on a host', 'name: d\nnodes: {a: {stp: true}, b: {}}\nlinks:\n  - [a, b]\n', 'E_STP_NOT_SWITCH'],
    ['reserved interface name', 'name: d\nnodes: {a: {}, b: {}}\nlinks:\n  - endpoints: ["a:lo", b]\n', 'E_BAD_IFNAME'],
    ['no nodes', 'name: d\nnodes: {}\n', 'E_NO_NODES'],
  ];
  for (const [what, yaml, code] of cases) {
    const e = problemsOf(() => loadTopologyText(yaml, `${what}.yaml`));
    t.ok(e.problems.some((p) => p.code === code), `${what}: ${code} (got ${e.problems.map((p) => p.code).join(', ')})`);
    t.ok(e.problems.every((p) => p.location), `${what}: located`);
  }
});
