// VLANs, trunks, link aggregation and VRFs (issue 16) on a kernel that has them: this host has no 8021q, bonding,
// VRF or bridge VLAN filtering, so CI runs these under user-mode Linux (`--kernel uml`, which loads 8021q, bonding
// and vrf itself). One boot runs four scenarios: VLAN isolation and trunk routing, VLANs with routing: none (over an
// active-backup bond), LACP member failover with the outage measured, and VRF separation with overlapping addresses.
// Each step's expectation is the check; the measured values are printed for the record. On the host kernel, the
// same labs are refused before anything is built, naming the feature, the node and both fixes.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { umlAvailable } from '../../src/sys/uml.js';
import type { ScenarioResult } from '../../src/scenario/model.js';
import { loadTopology } from '../../src/topology/index.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { cli } from '../helpers/cli.js';
import { kernelFeatureSkip } from '../helpers/kernel.js';
import { ownTopologyFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

sandbox();
const uml = umlAvailable();
const out = mkdtempSync(join(tmpdir(), 'nslab-l2-'));
t.teardown(() => rmSync(out, { recursive: true, force: true }));

const SCENARIOS = ['scenarios/vlan-isolation.yaml', 'test/fixtures/scenarios/vlan-norouting.yaml', 'scenarios/lag-failover.yaml', 'test/fixtures/scenarios/vrf-separation.yaml'];

t.test('VLANs, trunks, LACP and VRFs under --kernel uml', async (t) => {
  if (!uml.ok) return t.skip(`user-mode Linux is not available: ${uml.reason}`);
  const before = hostSnapshot();
  const json = join(out, 'l2.json');
  const r = await cli(['run', '--kernel', 'uml', ...SCENARIOS, '--report', `json=${json}`], { timeoutMs: 20 * 60_000 });
  t.comment(r.stdout);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { scenarios: ScenarioResult[] };
  t.same(report.scenarios.map((s) => s.name), ['vlan-isolation', 'vlan-norouting', 'lag-failover', 'vrf-separation'], 'all four scenarios ran, in one boot');
  // Steps inside a parallel group are listed too (2.1, 2.2, …).
  for (const s of report.scenarios)
    for (const step of s.steps) {
      const figures = step.checks.map((c) => `${c.metric} ${c.measured} (expected ${c.expected})`).join('; ');
      t.equal(step.status, 'pass', `${s.name} ${step.id} ${step.name}: ${figures}`);
    }
  const outage = report.scenarios.find((s) => s.name === 'lag-failover')?.steps.flatMap((s) => s.checks).find((c) => c.metric === 'outage');
  t.ok(outage, 'the LACP failover outage was measured');
  t.comment(`LACP member failover: outage ${outage?.measured}`);
  t.equal(r.code, 0, 'exit 0');
  hostUnchanged(t, before, 'host unchanged: the labs lived inside user-mode Linux');
});

t.test('on a kernel without them, up is refused before anything is built', async (t) => {
  if (!isRoot) return t.skip('needs root to probe the kernel');
  for (const f of ['topologies/campus-vlans.yaml', 'topologies/vrf-lite.yaml']) {
    if (!(await kernelFeatureSkip(loadTopology(f)))) {
      t.skip(`${f}: this kernel has what the lab needs`);
      continue;
    }
    const before = hostSnapshot();
    const own = ownTopologyFile(f);
    const r = await cli(['up', own.file]);
    t.equal(r.code, 2, `${f}: exit 2`);
    t.match(r.stderr, /E_KERNEL_FEATURE_MISSING/, 'the error code');
    if (f.includes('campus')) {
      t.match(r.stderr, /node r1: eth0\.10, eth0\.20 \(VLAN subinterfaces \(802\.1Q\), module 8021q\)/, 'feature, node and interfaces');
      t.match(r.stderr, /node access: bond0 \(802\.3ad\) \(bonding/, 'the bond and its node');
      t.match(r.stderr, /modprobe 8021q bonding/, 'fix 1: load the modules');
    } else {
      t.match(r.stderr, /node pe1: vrf red, vrf blue \(VRF devices, module vrf\)/, 'feature, node and VRFs');
      t.match(r.stderr, /modprobe vrf/, 'fix 1: load the module');
    }
    t.match(r.stderr, /nslab up --kernel uml /, 'fix 2: user-mode Linux');
    hostUnchanged(t, before, 'nothing was built');
  }
});
