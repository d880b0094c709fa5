// Routed labs for real (root, FRR installed): IS-IS forms its adjacencies and installs its routes; `nslab up` of a
// routed lab returns only once routing has converged (and --no-wait returns before); the shipped OSPF failover
// scenario measures its outages under the bounds it states. Timing goals are in the bench, not here: the bounds
// below are the scenario's own, generous for a loaded machine, and the ratios (BFD faster than the dead interval).
import { existsSync, writeFileSync } from 'node:fs';
import t from 'tap';
import { waitConverged } from '../../src/api/index.js';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario } from '../../src/scenario/run.js';
import { cli } from '../helpers/cli.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { ownScenarioFile, ownTopologyFile, withLab } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

const box = sandbox();
const frrMissing = !existsSync('/usr/lib/frr/zebra') || !existsSync('/usr/lib/frr/isisd') || !existsSync('/usr/bin/vtysh');
if (!isRoot) t.plan(0, 'needs root (CAP_NET_ADMIN) to create namespaces and mount private directories');
else if (frrMissing) t.plan(0, 'FRR is not installed (apt-get install frr, or scripts/install.sh)');

t.test('IS-IS (topologies/isis.yaml): level-2 adjacencies on every ring link, routes by metric, every pair reaches', async (t) => {
  await withLab(t, 'topologies/isis.yaml', async (lab) => {
    const c = await waitConverged(lab, { timeoutMs: 60_000 });
    t.ok(c.converged, `converged (${Math.round(c.timeMs)} ms, ${c.rounds} rounds)`);
    const nb = await lab.exec('r1', ['vtysh', '-c', 'show isis neighbor json']);
    type Circuit = { adj?: string; level?: number; state?: string };
    const circuits = (JSON.parse(nb.stdout) as { areas: { circuits: Circuit[] }[] }).areas.flatMap((a) => a.circuits).filter((x) => x.adj);
    t.same(circuits.map((x) => [x.adj, x.level, x.state]).sort(), [['r2', 2, 'Up'], ['r5', 2, 'Up']], 'r1 has level-2 adjacencies with r2 and r5, across areas for r5');
    // h1 -> h2's LAN (on r3): via r5 (metric 10+10+10) rather than r2 (30+10), in IPv4 and IPv6.
    const route = await lab.exec('r1', ['sh', '-c', 'ip -j route show proto isis; ip -j -6 route show proto isis']);
    const lines = route.stdout.trim().split('\n').map((l) => JSON.parse(l) as { dst: string; gateway?: string; dev?: string; nexthops?: unknown[] }[]);
    const lan = lab.topology.nodes.find((n) => n.name === 'h2')!.interfaces[0];
    const v4 = lines[0].find((r) => r.dst === `10.10.${lan.segment}.0/24`);
    t.equal(v4?.dev, lab.topology.nodes.find((n) => n.name === 'r1')!.interfaces.find((i) => i.peer.node === 'r5')!.name, "IPv4: r1 reaches h2's LAN towards r5");
    t.ok(lines[1].some((r) => r.dst.startsWith(`fd00:10:0:${lan.segment}::`)), 'IPv6: the LAN is an IS-IS route too');
    const reach = await lab.reach('all', 'all');
    t.ok(reach.allReachable && reach.metrics.pairs > 0, `every pair reaches (${reach.metrics.pairs - reach.metrics.unreachable}/${reach.metrics.pairs})`);
  });
});

t.test('nslab up waits for convergence by default (usable when it returns); --no-wait returns before', async (t) => {
  const ring = `name: upwait\nrouting: ospf\nnodes:\n  r1: { kind: router }\n  r2: { kind: router }\n  r3: { kind: router }\n  r4: { kind: router }\n  h1: {}\n  h2: {}\nlinks: [[r1, r2], [r2, r3], [r3, r4], [r4, r1], [h1, r1], [h2, r3]]\n`;
  const file = `${box.filesDir}/upwait.yaml`;
  writeFileSync(file, ring);
  const { file: own, lab } = ownTopologyFile(file);
  const before = hostSnapshot();
  const probe = async () => (await cli(['exec', lab, 'h1', '--', 'ping', '-c1', '-W1', '10.10.5.2'])).code;
  try {
    const up = await cli(['up', own, '--json']);
    t.equal(up.code, 0, up.stderr);
    const out = JSON.parse(up.stdout) as { upMs: number; builtMs?: number; convergedMs?: number };
    t.type(out.convergedMs, 'number', `up reports the convergence time (${out.convergedMs} ms after ${out.builtMs} ms of building)`);
    t.ok(out.upMs >= (out.builtMs ?? 0) + (out.convergedMs ?? 0), 'and waited for it');
    t.equal(await probe(), 0, 'h1 reaches h2 (across the ring) as soon as up has returned');
    t.equal((await cli(['down', lab])).code, 0);

    const quick = await cli(['up', own, '--json', '--no-wait']);
    t.equal(quick.code, 0, quick.stderr);
    const q = JSON.parse(quick.stdout) as { upMs: number; convergedMs?: number };
    t.notOk('convergedMs' in q, '--no-wait: no convergence wait');
    t.ok(q.upMs < out.upMs, `--no-wait returns sooner (${q.upMs} ms against ${out.upMs} ms)`);
  } finally {
    await cli(['down', lab]);
  }
  hostUnchanged(t, before);
});

t.test('a --wait-timeout that is not a duration is a usage error (exit 2) before anything is built', async (t) => {
  const file = `${box.filesDir}/badwait.yaml`;
  writeFileSync(file, `name: ${box.lab('badwait')}\nrouting: ospf\nnodes:\n  r1: { kind: router }\n  r2: { kind: router }\nlinks: [[r1, r2]]\n`);
  const before = hostSnapshot();
  const r = await cli(['up', file, '--wait-timeout', 'soon']);
  t.equal(r.code, 2);
  t.match(r.stderr, /E_USAGE.*--wait-timeout soon is not a duration/);
  t.equal((await cli(['ls'])).stdout.includes(box.lab('badwait')), false, 'no lab was built');
  hostUnchanged(t, before);
});

t.test('scenarios/ospf-failover.yaml: outages of carrier loss, BFD and dead-interval failures within their bounds', async (t) => {
  const scenario = loadScenario(ownScenarioFile('scenarios/ospf-failover.yaml').file);
  const before = hostSnapshot();
  const result = await runScenario(scenario);
  hostUnchanged(t, before);
  const failed = result.steps.filter((s) => s.status !== 'pass').map((s) => `${s.id} ${s.name}: ${s.message ?? JSON.stringify(s.checks.filter((c) => !c.ok))}`);
  t.equal(result.status, 'pass', failed.join('\n') || String(result.error ?? ''));
  const outages = result.steps.filter((s) => s.kind === 'ping').map((s) => s.metrics.outage as number);
  t.equal(outages.length, 3, 'three failures measured');
  const [carrier, bfd, silent] = outages;
  t.comment(`outage: carrier loss ${carrier} ms, blackhole with BFD ${bfd} ms, blackhole without BFD ${silent} ms`);
  t.ok(carrier < 1000 && bfd < 1000 && silent < 4000, 'each under its bound (1 s, 1 s, 4 s)');
  t.ok(bfd < silent, 'BFD notices a silent failure sooner than the dead interval does');
  t.ok(silent >= 500, 'a blackholed link without BFD does lose traffic until the dead interval (the measurement can fail)');
});
