// Scenarios end to end through the CLI: every shipped scenario passes (the ones needing netem run under
// user-mode Linux, or are skipped with the reason when it is missing), failure and error cases give the right exit
// code and message, signals and timeouts tear the lab down, and the host is unchanged after each.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { requiredQdiscs } from '../../src/plan/index.js';
import { netnsName } from '../../src/model/index.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { cli } from '../helpers/cli.js';
import { ownScenarioFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';
import { kernelFeatureSkip } from '../helpers/kernel.js';
import { fidelity, scenarioPassed, underHealth } from '../helpers/health.js';
import type { ScenarioResult } from '../../src/scenario/model.js';

// Every scenario runs from a copy whose lab carries the test's prefix (and in the test's own state directory).
sandbox();
const own = (file: string) => ownScenarioFile(file).file;

const out = mkdtempSync(join(tmpdir(), 'nslab-scen-'));
t.teardown(() => rmSync(out, { recursive: true, force: true }));
const needsNetem = (file: string) => {
  const s = loadScenario(file);
  const steps = JSON.stringify(s.steps);
  return requiredQdiscs(s.topology).some((q) => q.qdisc === 'netem') || /"(delay|loss|jitter|duplicate|reorder|corrupt)":/.test(steps);
};

for (const f of readdirSync('scenarios').filter((x) => x.endsWith('.yaml')).sort()) {
  t.test(`scenarios/${f}`, async (t) => {
    if (!isRoot) return t.skip('needs root to build labs');
    if (needsNetem(`scenarios/${f}`)) return t.skip('needs sch_netem: runs under --kernel uml in test/integration/netem-uml.test.ts');
    const skip = await kernelFeatureSkip(loadScenario(`scenarios/${f}`).topology);
    if (skip) return t.skip(skip);
    const before = hostSnapshot();
    const junit = join(out, `${f}.xml`);
    const json = join(out, `${f}.json`);
    const r = await cli(['run', own(`scenarios/${f}`), '--report', `junit=${junit}`, '--report', `json=${json}`]);
    const report = JSON.parse(readFileSync(json, 'utf8')) as { scenarios: ScenarioResult[] };
    // Every step passed (exit 0), or the only failures were "failed, at risk" on a busy machine: skipped, with why.
    scenarioPassed(t, r.code, report.scenarios, `${r.stdout}\n${r.stderr}`);
    t.doesNotThrow(() => execFileSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit/junit.xsd', junit], { stdio: 'pipe' }), 'JUnit report is valid against the JUnit XSD');
    hostUnchanged(t, before, 'host unchanged');
  });
}

t.test('a scenario written to fail fails, exits 1, and says expected vs measured', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  const junit = join(out, 'fails.xml');
  const tap = join(out, 'fails.tap');
  const r = await cli(['run', own('test/fixtures/scenarios/fails.yaml'), '--report', `junit=${junit}`, '--report', `tap=${tap}`]);
  t.equal(r.code, 1);
  t.match(r.stdout, /FAIL 1 +ping h1 → h2 .*rtt_avg [\d.]+ us \(expected < 1 us\)/);
  t.match(r.stdout, /FAIL 2 +exec h1: exit 3 .*exit 3 \(expected == 0 \(default\)\)/);
  t.match(r.stdout, /FAIL 3 .*stdout hello \(expected matches \/goodbye\/\)/);
  t.match(r.stdout, /FAIL 4 .*unreachable 0\/2/);
  t.match(r.stdout, /FAIL fails: 0 passed, 4 failed/);
  const xml = readFileSync(junit, 'utf8');
  t.equal((xml.match(/<failure /g) ?? []).length, 4, 'four JUnit failures');
  t.doesNotThrow(() => execFileSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit/junit.xsd', junit], { stdio: 'pipe' }));
  // On a busy machine the failures are "failed, at risk": still failures, marked as such.
  t.match(readFileSync(tap, 'utf8'), /not ok 1 - fails: 1 ping h1 → h2( \(failed, at risk\))?\n  ---\n  status: fail/);
  hostUnchanged(t, before, 'host unchanged');
});

t.test('a step that times out is an error (exit 2), the rest is skipped, the lab is gone', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  const r = await cli(['run', own('test/fixtures/scenarios/errors.yaml')]);
  t.equal(r.code, 2);
  t.match(r.stdout, /ERR  1 +hangs/);
  t.match(r.stdout, /E_TIMEOUT: command timed out after 1000 ms/);
  t.match(r.stdout, /skip 2/);
  hostUnchanged(t, before, 'host unchanged');
});

t.test('an invalid scenario reports every problem, located, and builds nothing', async (t) => {
  const before = hostSnapshot();
  const r = await cli(['run', 'test/fixtures/scenarios/invalid.yaml']);
  t.equal(r.code, 2, 'an invalid file is an error (2), not a failed expectation (1)');
  t.match(r.stderr, /invalid\.yaml:4:27: E_UNKNOWN_NODE/);
  t.match(r.stderr, /invalid\.yaml:5:24: E_BAD_EXPECTATION/);
  t.match(r.stderr, /E_EXPECT_METRIC: a ping step has no metric 'throughput'/);
  t.match(r.stderr, /E_UNKNOWN_STEP/);
  hostUnchanged(t, before);
});

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  t.test(`${sig} during a run tears the lab down, processes and grandchildren included`, async (t) => {
    if (!isRoot) return t.skip('needs root to build labs');
    const before = hostSnapshot();
    let sent = false;
    const r = await cli(['run', own('test/fixtures/scenarios/slow.yaml')], {
      onStdout: (text, child) => {
        if (!sent && /ok   1 /.test(text)) {
          sent = true;
          child.kill(sig);
        }
      },
    });
    t.ok(sent, 'the signal was sent after the lab was up');
    t.equal(r.code, 2, `exit 2\n${r.stdout}${r.stderr}`);
    t.match(r.stdout + r.stderr, /E_INTERRUPTED|interrupted/);
    t.equal(execFileSync('sh', ['-c', 'pgrep -f "sleep (300|400)" || true'], { encoding: 'utf8' }).trim(), '', 'no process of the lab survives');
    hostUnchanged(t, before, 'host unchanged');
  });
}

t.test('a scenario timeout tears the lab down and exits 2', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  const started = Date.now();
  const { value: r, health } = await underHealth(() => cli(['run', own('test/fixtures/scenarios/slow.yaml')]));
  t.equal(r.code, 2);
  t.match(r.stdout, /E_TIMEOUT: scenario timed out after 3000 ms/);
  const ms = Date.now() - started;
  fidelity(t, health, `it did not wait for the 20 s sleep (${ms} ms)`, ms < 15_000);
  t.equal(execFileSync('sh', ['-c', 'pgrep -f "sleep (300|400)" || true'], { encoding: 'utf8' }).trim(), '');
  hostUnchanged(t, before);
});

t.test('--keep leaves the lab up and says how to enter and remove it', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  const { file, lab } = ownScenarioFile('scenarios/ipv6.yaml');
  const r = await cli(['run', '--keep', file]);
  t.equal(r.code, 0);
  t.match(r.stdout, `nslab shell ${lab} NODE`);
  t.match(r.stdout, `nslab down ${lab}`);
  t.ok(existsSync(`/run/netns/${netnsName(lab, 'h1')}`), 'the lab is still there');
  const d = await cli(['down', lab]);
  t.equal(d.code, 0);
  hostUnchanged(t, before);
});

t.test('capture saves a pcap in the artifacts folder; background steps stop by name; parallel runs on a timeline', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  const dir = join(out, 'artifacts');
  const r = await cli(['run', own('test/fixtures/scenarios/capture.yaml'), '--artifacts', dir]);
  t.equal(r.code, 0, r.stdout + r.stderr);
  const pcap = join(dir, 'cap.pcap');
  t.ok(existsSync(pcap), 'the pcap is there');
  const lines = execFileSync('tcpdump', ['-n', '-r', pcap], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
  t.equal(lines.filter((l) => /ICMP echo request/.test(l)).length, 5, 'five echo requests captured');
  t.equal(lines.filter((l) => /ICMP echo reply/.test(l)).length, 5, 'five echo replies captured');
  hostUnchanged(t, before);
});
