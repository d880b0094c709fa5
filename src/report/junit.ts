// JUnit XML, as GitLab, GitHub and Jenkins read it: one <testsuite> per scenario, one <testcase> per step;
// a failed expectation is a <failure> with expected vs measured, a step that could not run is an <error>.
import type { ScenarioResult } from '../scenario/model.js';
import { healthLine, keyFigures } from './human.js';

const esc = (s: string) =>
  // XML 1.0 forbids most control characters even when escaped: drop them.
  s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const secs = (ms: number) => (ms / 1000).toFixed(3);

export function toJUnit(results: ScenarioResult[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const count = (f: (r: ScenarioResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const tests = count((r) => r.steps.length + (r.error && !r.steps.length ? 1 : 0));
  const failures = count((r) => r.steps.filter((s) => s.status === 'fail').length);
  const errors = count((r) => r.steps.filter((s) => s.status === 'error').length + (r.error ? 1 : 0));
  const skipped = count((r) => r.steps.filter((s) => s.status === 'skipped').length);
  out.push(`<testsuites name="nslab" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${secs(count((r) => r.totalMs))}">`);
  for (const r of results) {
    const f = r.steps.filter((s) => s.status === 'fail').length;
    const e = r.steps.filter((s) => s.status === 'error').length + (r.error ? 1 : 0);
    const sk = r.steps.filter((s) => s.status === 'skipped').length;
    out.push(`  <testsuite name="${esc(r.name)}" tests="${r.steps.length + (r.error && !r.steps.length ? 1 : 0)}" failures="${f}" errors="${e}" skipped="${sk}" time="${secs(r.totalMs)}" timestamp="${esc(r.startedAt.replace(/\.\d+Z$/, ''))}">`);
    out.push(`    <properties><property name="file" value="${esc(r.file)}"/><property name="lab" value="${esc(r.lab)}"/><property name="setup_ms" value="${Math.round(r.setupMs)}"/><property name="teardown_ms" value="${Math.round(r.teardownMs)}"/>${r.health ? `<property name="health" value="${esc(healthLine(r.health))}"/>` : ''}</properties>`);
    if (r.error && !r.steps.some((s) => s.status !== 'skipped'))
      out.push(`    <testcase name="lab setup" classname="${esc(r.name)}" time="${secs(r.setupMs)}"><error message="${esc(r.error.message)}" type="${esc(r.error.code)}">${esc(r.error.hint ?? '')}</error></testcase>`);
    for (const s of r.steps) {
      const head = `    <testcase name="${esc(`${s.id} ${s.name}`)}" classname="${esc(r.name)}" time="${secs(s.durationMs)}"`;
      const detail =
        [...s.checks.map((c) => `${c.ok ? 'ok  ' : c.atRisk ? 'FAIL (at risk)' : 'FAIL'} ${c.metric}: measured ${c.measured}, expected ${c.expected}`), ...keyFigures(s), ...(s.health ? [`health: ${healthLine(s.health)}`] : [])].join('\n') +
        (s.message ? `\n${s.message}` : '');
      if (s.status === 'pass') out.push(`${head}>${detail ? `<system-out>${esc(detail)}</system-out>` : ''}</testcase>`);
      else if (s.status === 'skipped') out.push(`${head}><skipped message="${esc(s.message ?? 'not run')}"/></testcase>`);
      else if (s.status === 'fail') {
        const bad = s.checks.filter((c) => !c.ok).map((c) => `${c.metric}: expected ${c.expected}, measured ${c.measured}`).join('; ');
        // A failure while at risk is still a <failure> (CI must see it), typed apart and said first in the message.
        const why = s.atRisk ? `failed, at risk (${s.health!.reasons.join('; ')}): ` : '';
        out.push(`${head}><failure message="${esc(why + (bad || s.message || 'failed'))}" type="${s.atRisk ? 'expectation, at risk' : 'expectation'}">${esc(detail)}</failure></testcase>`);
      } else out.push(`${head}><error message="${esc(s.message ?? 'error')}" type="error">${esc(detail)}</error></testcase>`);
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}
