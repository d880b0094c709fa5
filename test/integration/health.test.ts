// Emulation health on a real run: bounded busy loops inside the lab's own node (8 loops, 6 s, `timeout`) saturate
// the CPU while ping and iperf3 measure a shaped link. The run's health is `at risk` with the measured reason, the
// check written to fail is "failed, at risk" in JSON, TAP and JUnit, the checks that passed stay passed, and
// --strict-health turns the run into exit 2. The host is unchanged afterwards.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioResult } from '../../src/scenario/model.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { cli } from '../helpers/cli.js';
import { ownScenarioFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

sandbox();
const out = mkdtempSync(join(tmpdir(), 'nslab-health-'));
t.teardown(() => rmSync(out, { recursive: true, force: true }));

t.test('a run that saturates the CPU on purpose is at risk, and says why, in every report', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  const json = join(out, 'r.json');
  const tap = join(out, 'r.tap');
  const junit = join(out, 'r.xml');
  const r = await cli(['run', '--strict-health', ownScenarioFile('test/fixtures/scenarios/loaded.yaml').file, '--report', `json=${json}`, '--report', `tap=${tap}`, '--report', `junit=${junit}`, '--report', `html=${join(out, 'html')}`], { timeoutMs: 120_000 });
  t.equal(r.code, 2, `--strict-health: at risk is exit 2\n${r.stdout}${r.stderr}`);
  t.match(r.stdout, /--strict-health: the emulation's health was at risk/);
  const s = (JSON.parse(readFileSync(json, 'utf8')) as { scenarios: ScenarioResult[] }).scenarios[0];
  const step = (name: string) => s.steps.find((x) => x.name === name)!;
  const loaded = step('ping under load');
  t.equal(loaded.health?.verdict, 'at risk', `health under load: ${JSON.stringify(loaded.health)}`);
  t.match(loaded.health!.reasons.join('; '), /timer late by [\d.]+ ms p95|waited for a CPU \d+% of the time|run queue/);
  t.ok(loaded.health!.figures.cpuBusyPct! >= 90, `CPU ${loaded.health!.figures.cpuBusyPct}% busy`);
  t.equal(loaded.status, 'fail');
  t.equal(loaded.atRisk, true, 'the failed step is "failed, at risk"');
  t.same(loaded.checks.map((c) => [c.metric, c.ok, c.atRisk ?? false]), [
    ['loss', true, false],
    ['rtt_avg', false, true],
  ], 'the passed check stays passed; the failed one is marked at risk');
  t.equal(step('iperf3 under load').health?.verdict, 'at risk');
  t.equal(s.health?.verdict, 'at risk', 'the run as a whole');
  t.ok(s.healthSeries!.length > 10, `a health series for the plots (${s.healthSeries!.length} rounds)`);
  t.ok(s.health!.queues.some((q) => q.iface === 'h1:eth0' && q.rateBitPerSec === 10e6), 'the shaped link was watched');
  t.match(readFileSync(tap, 'utf8'), /not ok \d+ - loaded: 4 ping under load \(failed, at risk\)/);
  t.match(readFileSync(junit, 'utf8'), /type="expectation, at risk"/);
  t.doesNotThrow(() => execFileSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit/junit.xsd', junit], { stdio: 'pipe' }), 'JUnit valid');
  const html = readFileSync(join(out, 'html', 'index.html'), 'utf8');
  t.match(html, /✘ FAIL, at risk/);
  t.match(html, /<rect class="risk"/);
  t.equal(execFileSync('sh', ['-c', "pgrep -f '[w]hile :; do :; done' || true"], { encoding: 'utf8' }).trim(), '', 'no busy loop left');
  hostUnchanged(t, before, 'host unchanged');
});
