// Live human output: one line per step with status, duration and the key figures, expected vs measured.
// No spinner and no colour unless the stream is a terminal; CI logs get plain lines.

import type { RunHooks } from '../scenario/run.js';
import type { ScenarioResult, StepHealth, StepResult } from '../scenario/model.js';

/** "faithful", "at risk: timer late by …", "unmeasured: …" (also in the JUnit, TAP and HTML reports). */
export function healthLine(h: StepHealth): string {
  return h.verdict === 'faithful' ? 'faithful' : `${h.verdict}: ${h.reasons.join('; ')}`;
}

/** The word for a step's outcome in every report: a failure while health was at risk is "failed, at risk". */
export function outcomeText(r: Pick<StepResult, 'status' | 'atRisk'>): string {
  return r.status === 'fail' && r.atRisk ? 'failed, at risk' : r.status === 'fail' ? 'failed' : r.status === 'pass' ? 'passed' : r.status === 'error' ? 'error' : 'skipped';
}

/** Counts for summaries: failed steps, and how many of them failed while at risk. */
export function failCounts(steps: StepResult[]): { failed: number; atRisk: number; healthAtRisk: number } {
  return {
    failed: steps.filter((s) => s.status === 'fail').length,
    atRisk: steps.filter((s) => s.status === 'fail' && s.atRisk).length,
    healthAtRisk: steps.filter((s) => s.health?.verdict === 'at risk').length,
  };
}

const SYMBOL: Record<StepResult['status'], string> = { pass: 'ok  ', fail: 'FAIL', error: 'ERR ', skipped: 'skip' };

const dur = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`);

/**
 * The figures a reader looks for first even when no expectation names them: how long convergence took, how long
 * traffic was lost (a ping's outage). Checked metrics are already shown with their checks.
 */
export function keyFigures(r: StepResult): string[] {
  const checked = new Set(r.checks.map((c) => c.metric));
  const out: string[] = [];
  if (r.kind === 'converge' && typeof r.metrics.time === 'number' && !checked.has('time')) out.push(`converged in ${dur(r.metrics.time)}`);
  if (r.kind === 'ping' && typeof r.metrics.outage === 'number' && r.metrics.outage > 0 && !checked.has('outage')) out.push(`outage ${dur(r.metrics.outage)}`);
  return out;
}

export function formatStepLine(r: StepResult, color = false): string {
  const c = (code: number, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  // A failure while at risk is still FAIL in the status column (scripts grep for it), marked `[at risk]` after the
  // name, in yellow, with the reason on the next line.
  const status = r.status === 'pass' ? c(32, SYMBOL.pass) : r.status === 'fail' ? c(r.atRisk ? 33 : 31, SYMBOL.fail) : r.status === 'error' ? c(31, SYMBOL.error) : c(33, SYMBOL.skipped);
  const dur = r.status === 'skipped' ? '' : `${(r.durationMs / 1000).toFixed(2)}s`;
  const figures = [...r.checks.map((k) => `${k.metric} ${k.measured}${k.ok ? '' : c(31, ` (expected ${k.expected})`)}${k.ok ? c(2, ` (${k.expected})`) : ''}`), ...keyFigures(r)];
  const lines = [`${status} ${r.id.padEnd(4)} ${r.name}${r.status === 'fail' && r.atRisk ? c(33, ' [at risk]') : ''}  ${c(2, dur)}${figures.length ? '  ' + figures.join('; ') : ''}`];
  if (r.message && (r.status !== 'pass' || !figures.length)) lines.push(`          ${c(2, r.message)}`);
  if (r.status === 'fail' && r.atRisk) lines.push(`          ${c(33, `failed, at risk: ${r.health!.reasons.join('; ')}`)}`);
  else if (r.health?.verdict === 'at risk') lines.push(`          ${c(33, `health ${healthLine(r.health)}`)}`);
  return lines.join('\n');
}

export function formatSummary(res: ScenarioResult): string {
  const n = (s: StepResult['status']) => res.steps.filter((x) => x.status === s).length;
  // The scenario's own error (the lab did not come up, a timeout, teardown) counts too: an ERROR line that says
  // "0 errors" contradicts itself.
  const errors = n('error') + (res.error ? 1 : 0);
  const fc = failCounts(res.steps);
  const head = `${res.status.toUpperCase()} ${res.name}: ${n('pass')} passed, ${n('fail')} failed${fc.atRisk ? ` (${fc.atRisk} at risk)` : ''}, ${errors} error${errors === 1 ? '' : 's'}, ${n('skipped')} skipped`;
  const times = `lab up ${(res.setupMs / 1000).toFixed(2)}s, steps ${(res.stepsMs / 1000).toFixed(2)}s, teardown ${(res.teardownMs / 1000).toFixed(2)}s, total ${(res.totalMs / 1000).toFixed(2)}s`;
  const err = res.error ? `\n  error ${res.error.code}: ${res.error.message}${res.error.hint ? `\n  fix: ${res.error.hint}` : ''}` : '';
  const kept = res.kept ? `\n  the lab is still up (--keep): enter it with 'nslab shell ${res.lab} NODE', remove it with 'nslab down ${res.lab}'` : '';
  const health = res.health ? `\n  health: ${healthLine(res.health)}${fc.healthAtRisk ? ` (${fc.healthAtRisk} step${fc.healthAtRisk === 1 ? '' : 's'} at risk)` : ''}` : '';
  return `${head}\n  ${times}${health}${err}${kept}`;
}

export function humanHooks(write: (s: string) => void, color: boolean): RunHooks {
  return {
    onSetup: (s, onLab) =>
      write(onLab ? `scenario ${s.name} (${s.file}): on lab '${onLab}', already up (neither built nor torn down)\n` : `scenario ${s.name} (${s.file}): building lab '${s.topology.name}', ${s.topology.nodes.length} nodes\n`),
    onLabUp: (_lab, ms) => write(`lab up in ${(ms / 1000).toFixed(2)}s\n`),
    onStepEnd: (r) => write(formatStepLine(r, color) + '\n'),
    onTeardown: (res) => write(formatSummary(res) + '\n'),
  };
}
