// The test-suite policy of test/helpers/health.ts, on a recording stand-in for tap's Test: a fidelity figure that
// holds passes whatever the health; one that misses fails when health was faithful or unmeasured, and is a skip
// with the measured reason only when it was at risk; a scenario's clean failure is never excused.
import t from 'tap';
import type { Test } from 'tap';
import { fidelity, scenarioPassed } from '../helpers/health.js';
import type { ScenarioResult, StepHealth, StepResult } from '../../src/scenario/model.js';

type Call = [string, boolean | string, string?];
function recorder(): { tt: Test; calls: Call[] } {
  const calls: Call[] = [];
  const tt = {
    ok: (v: unknown, m?: string) => calls.push(['ok', !!v, m]),
    equal: (a: unknown, b: unknown, m?: string) => calls.push(['equal', a === b, m]),
    skip: (m: string) => calls.push(['skip', m]),
  } as unknown as Test;
  return { tt, calls };
}
const h = (verdict: StepHealth['verdict']): StepHealth => ({ verdict, reasons: verdict === 'at risk' ? ['timer late by 9 ms p95'] : [], figures: { windowMs: 1, cores: 2, timerProbes: 50 }, queues: [] });

t.test('fidelity: asserted when faithful or unmeasured, a pass stays a pass, a miss at risk is a skip with the reason', async (t) => {
  for (const [verdict, ok, want] of [
    ['faithful', true, ['ok', true]],
    ['faithful', false, ['ok', false]],
    ['unmeasured', false, ['ok', false]],
    ['at risk', true, ['ok', true]],
    ['at risk', false, ['skip']],
  ] as const) {
    const { tt, calls } = recorder();
    fidelity(tt, h(verdict), 'rtt 64 ms is 60 ± 1.5', ok);
    t.same(calls.map((c) => c.slice(0, want.length)), [want], `${verdict}, ${ok ? 'holds' : 'misses'}`);
    if (want[0] === 'skip') t.match(calls[0][1], /failed, at risk, not asserted: timer late by 9 ms p95/);
  }
  const { tt, calls } = recorder();
  fidelity(tt, undefined, 'no health at all', false);
  t.same(calls, [['ok', false, 'no health at all']], 'no verdict: asserted');
});

t.test('scenarioPassed: failures at risk are skipped (exit 1 too); a clean failure or an error fails', async (t) => {
  const step = (id: string, status: StepResult['status'], atRisk = false): StepResult => ({ id, name: `s${id}`, kind: 'ping', status, startMs: 0, durationMs: 1, metrics: {}, checks: [], health: h(atRisk ? 'at risk' : 'faithful'), ...(atRisk ? { atRisk } : {}) });
  const run = (steps: StepResult[], status: ScenarioResult['status']) => [{ name: 'x', status, steps } as ScenarioResult];
  let r = recorder();
  scenarioPassed(r.tt, 1, run([step('1', 'pass'), step('2', 'fail', true)], 'fail'));
  t.same(r.calls.map((c) => [c[0], c[1] === true || c[1] === false ? c[1] : 'text']), [['equal', true], ['skip', 'text'], ['skip', 'text']], 'pass asserted; the at-risk failure and exit 1 skipped');
  r = recorder();
  scenarioPassed(r.tt, 1, run([step('1', 'fail', true), step('2', 'fail')], 'fail'));
  t.same(r.calls.map((c) => [c[0], c[1]]).filter((c) => c[0] === 'equal'), [['equal', false], ['equal', false]], 'a clean failure fails, and so does exit 1');
  r = recorder();
  scenarioPassed(r.tt, 2, run([step('1', 'fail', true), step('2', 'error')], 'error'));
  t.same(r.calls.filter((c) => c[0] === 'equal').map((c) => c[1]), [false, false], 'an error is never excused');
  r = recorder();
  scenarioPassed(r.tt, 0, run([step('1', 'pass')], 'pass'));
  t.same(r.calls.map((c) => [c[0], c[1]]), [['equal', true], ['equal', true]]);
  r = recorder();
  scenarioPassed(r.tt, 1, run([{ ...step('1', 'fail', true), kind: 'exec' }], 'fail'));
  t.same(r.calls.map((c) => [c[0], c[1]]), [['equal', false], ['equal', false]], 'a failed exec is functional: not excused, even at risk');
});
