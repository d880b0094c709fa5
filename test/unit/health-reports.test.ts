// "failed, at risk" in every report format: a failure while health was at risk is told apart from a clean failure
// (human, JSON, JUnit valid against the XSD, TAP, HTML with the at-risk windows on the plots), a pass while at risk
// stays a pass, and the counts stay visible.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatStepLine, formatSummary, toJUnit, toJsonReport, toTap } from '../../src/report/index.js';
import { renderHtmlReport } from '../../src/report/html.js';
import type { ScenarioResult, StepHealth, StepResult } from '../../src/scenario/model.js';

const risky: StepHealth = {
  verdict: 'at risk',
  reasons: ['timer late by 3.1 ms p95 (max 9.2 ms, 150 probes) while 2 cores were 100% busy'],
  figures: { windowMs: 1500, cores: 2, cpuBusyPct: 100, timerProbes: 150, timerLateP50Ms: 0.2, timerLateP95Ms: 3.1, timerLateMaxMs: 9.2, cpuPressurePct: 91 },
  queues: [],
};
const fine: StepHealth = { verdict: 'faithful', reasons: [], figures: { windowMs: 1500, cores: 2, cpuBusyPct: 12, timerProbes: 150, timerLateP95Ms: 0.2 }, queues: [] };
const rtt = (startMs: number, v: number) => Array.from({ length: 10 }, (_, i) => ({ seq: i + 1, rttMs: v, atMs: startMs + i * 100 }));

const step = (id: string, status: StepResult['status'], health: StepHealth, extra: Partial<StepResult> = {}): StepResult => ({
  id,
  name: `ping h1 → h2 no. ${id}`,
  kind: 'ping',
  status,
  startMs: (Number(id) - 1) * 1500,
  durationMs: 1000,
  metrics: { transmitted: 10 },
  checks: [{ metric: 'rtt_p50', ok: status === 'pass', expected: '60ms ± 1.5ms', measured: status === 'pass' ? '60.2 ms' : '64.7 ms', ...(status === 'fail' && health.verdict === 'at risk' ? { atRisk: true } : {}) }],
  health,
  ...(status === 'fail' && health.verdict === 'at risk' ? { atRisk: true } : {}),
  series: { rttMs: rtt((Number(id) - 1) * 1500, status === 'pass' ? 60.2 : 64.7) },
  ...extra,
});

const result: ScenarioResult = {
  name: 'loaded',
  file: 'loaded.yaml',
  lab: 'ld',
  status: 'fail',
  startedAt: '2026-12-02T13:00:00.000Z',
  setupMs: 500,
  stepsMs: 6000,
  teardownMs: 300,
  totalMs: 6800,
  steps: [step('1', 'fail', risky), step('2', 'fail', fine), step('3', 'pass', risky), step('4', 'pass', fine)],
  events: [],
  health: risky,
  healthSeries: Array.from({ length: 24 }, (_, i) => ({ atMs: i * 250, timerLateP95Ms: i < 6 || (i >= 12 && i < 18) ? 3.1 : 0.2, cpuBusyPct: 50 })),
};

t.test('human: FAIL … [at risk] for a failure while at risk, FAIL for a clean one, ok stays ok, and the summary counts them', async (t) => {
  const [a, b, c, d] = result.steps.map((s) => formatStepLine(s));
  t.match(a, /^FAIL 1 +ping h1 → h2 no\. 1 \[at risk\] /);
  t.match(a, /failed, at risk: timer late by 3\.1 ms p95/);
  t.match(b, /^FAIL 2 /);
  t.notMatch(b, /at risk/);
  t.match(c, /^ok {3}3 /, 'a pass is never downgraded');
  t.match(c, /health at risk: timer late/, '…but its health is shown');
  t.notMatch(d, /health/);
  const sum = formatSummary(result);
  t.match(sum, /FAIL loaded: 2 passed, 2 failed \(1 at risk\), 0 errors, 0 skipped/);
  t.match(sum, /health: at risk: timer late by 3\.1 ms p95 .* \(2 steps at risk\)/);
});

t.test('JSON: the verdict on every step and check, as data', async (t) => {
  const j = JSON.parse(toJsonReport([result])) as { scenarios: ScenarioResult[] };
  const s = j.scenarios[0];
  t.equal(s.health!.verdict, 'at risk');
  t.same(s.steps.map((x) => [x.status, x.atRisk ?? false, x.health!.verdict]), [
    ['fail', true, 'at risk'],
    ['fail', false, 'faithful'],
    ['pass', false, 'at risk'],
    ['pass', false, 'faithful'],
  ]);
  t.equal(s.steps[0].checks[0].atRisk, true);
  t.equal(s.steps[2].checks[0].atRisk, undefined, 'a passed check carries no at-risk mark');
});

t.test('JUnit: still a <failure> (CI sees it), typed "expectation, at risk", and valid against the XSD', async (t) => {
  const xml = toJUnit([result]);
  t.equal((xml.match(/<failure /g) ?? []).length, 2, 'both failures are failures');
  t.match(xml, /<failure message="failed, at risk \(timer late by 3\.1 ms p95[^"]*\): rtt_p50: expected 60ms ± 1\.5ms, measured 64\.7 ms" type="expectation, at risk">/);
  t.match(xml, /<failure message="rtt_p50: expected 60ms ± 1\.5ms, measured 64\.7 ms" type="expectation">/);
  t.match(xml, /<property name="health" value="at risk: timer late/);
  t.match(xml, /<testcase name="3 ping h1 → h2 no. 3"[^>]*><system-out>ok +rtt_p50[^<]*health: at risk/, 'a pass stays a pass, with its health in system-out');
  const dir = mkdtempSync(join(tmpdir(), 'nslab-health-junit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'r.xml'), xml);
  t.doesNotThrow(() => execFileSync('xmllint', ['--noout', '--schema', 'test/fixtures/junit/junit.xsd', join(dir, 'r.xml')], { stdio: 'pipe' }), 'valid JUnit');
});

t.test('TAP: not ok with "(failed, at risk)", never a skip or an ok; the plan counts every step', async (t) => {
  const tap = toTap([result]);
  t.match(tap, /^1\.\.4$/m);
  t.match(tap, /^not ok 1 - loaded: 1 ping h1 → h2 no. 1 \(failed, at risk\)\n {2}---\n {2}status: fail\n {2}at_risk: true\n {2}health: "at risk: timer late/m);
  t.match(tap, /^not ok 2 - loaded: 2 ping h1 → h2 no. 2\n {2}---\n {2}status: fail\n {2}health: "faithful"/m);
  t.match(tap, /^ok 3 - loaded: 3 ping h1 → h2 no. 3\n# health at risk: timer late/m);
  t.notMatch(tap, /# SKIP/);
});

t.test('HTML: badge and check cell say "failed, at risk"; at-risk steps are shaded on the plots; the timer plot has its threshold', async (t) => {
  const html = renderHtmlReport([result], {});
  t.match(html, /<tr class="step row-atrisk" data-step-id="1" data-status="fail" data-at-risk="true" data-health="at risk">/);
  t.match(html, /<span class="badge status-atrisk">✘ FAIL, at risk<\/span>/);
  t.match(html, /<td class="result status-atrisk">✘ failed, at risk<\/td>/);
  t.match(html, /<tr class="step row-fail" data-step-id="2" data-status="fail" data-health="faithful">/);
  t.match(html, /<span class="badge status-fail">✘ FAIL<\/span>/);
  t.match(html, /<tr class="step row-pass" data-step-id="3" data-status="pass" data-health="at risk">/, 'a pass stays a pass');
  t.match(html, /emulation health: at risk: timer late by 3\.1 ms p95/);
  t.match(html, /2 failed \(1 at risk\)/);
  // Steps 1 and 3 at risk: one band each on the RTT plot and on the health plot.
  const rttPlot = html.slice(html.indexOf('class="plot plot-rtt"'), html.indexOf('</svg>', html.indexOf('class="plot plot-rtt"')));
  t.same([...rttPlot.matchAll(/<rect class="risk" data-x0="(\d+)" data-x1="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]), [
    [0, 1000],
    [3000, 4000],
  ]);
  t.match(html, /<svg class="plot plot-health"/);
  t.equal((html.match(/data-series="timer"/g) ?? []).length, 25, 'a group and 24 points');
  t.match(html, /<g class="threshold-line">.*at risk above 1 ms/);
});
