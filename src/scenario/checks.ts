// Metric checks, shared by scenario files and the library's expectMetrics: which metrics each measurement has,
// the unit each is measured in, turning `metric: "<= 5%"` into a typed check, and evaluating checks against a
// measurement. Pure: no I/O, no clock.

import { NslabError } from '../model/index.js';
import { check, parseExpectation, type LossCounts, type UnitKind } from './expect.js';
import type { CheckOutcome, MetricCheck } from './model.js';
import { checkQuery, parseQuery } from './query.js';

/** The metrics each kind of measurement reports (names as written in scenario files). */
export const METRICS: Record<string, string[]> = {
  ping: ['loss', 'rtt_min', 'rtt_avg', 'rtt_max', 'rtt_mdev', 'rtt_p50', 'rtt_p95', 'duplicates', 'out_of_order', 'received', 'reachable'],
  iperf3: ['throughput', 'sent', 'retransmits', 'jitter', 'loss', 'lost_packets'],
  exec: ['exit', 'stdout', 'stderr', 'stdout_not', 'cpu_time'],
  route: ['present', 'via', 'nexthops', 'protocol'],
  converge: ['time'],
  vtysh: ['query', 'exit', 'stdout', 'stdout_not'],
  flows: ['count', 'packets', 'bytes', 'query', 'stdout', 'stdout_not'],
  ofctl: ['exit', 'stdout', 'stderr', 'stdout_not'],
};
METRICS.ping.push('outage');

/** The unit each scenario metric is measured in (names in files are snake_case, without unit suffixes). */
export const METRIC_UNITS: Record<string, UnitKind> = {
  loss: 'percent',
  rtt_min: 'durationMs',
  rtt_avg: 'durationMs',
  rtt_max: 'durationMs',
  rtt_mdev: 'durationMs',
  rtt_p50: 'durationMs',
  rtt_p95: 'durationMs',
  jitter: 'durationMs',
  outage: 'durationMs',
  time: 'durationMs',
  cpu_time: 'durationMs',
  throughput: 'rateBitPerSec',
  sent: 'rateBitPerSec',
};

export type MetricValue = number | string | boolean | null;

/**
 * One `metric: value` pair of an `expect:` block as a typed check. stdout/stderr take a regular expression,
 * `reachable` a boolean, `exit` a number or an expectation, every other metric an expectation string in the
 * metric's unit. Throws NslabError (E_BAD_REGEX, E_BAD_EXPECTATION) with a hint.
 */
export function parseMetricCheck(metric: string, value: unknown): MetricCheck {
  if (metric === 'stdout' || metric === 'stderr' || metric === 'stdout_not') {
    try {
      new RegExp(String(value));
    } catch (e) {
      throw new NslabError('E_BAD_REGEX', `${JSON.stringify(value)} is not a regular expression: ${(e as Error).message}`, { hint: 'escape special characters with \\\\' });
    }
    return { metric, expectation: { op: 'regex', pattern: String(value), negate: metric === 'stdout_not', text: String(value) } };
  }
  if (metric === 'reachable' || metric === 'present') return { metric, expectation: { op: 'bool', value: value === true, text: String(value) } };
  if (metric === 'via' || metric === 'protocol') return { metric, expectation: { op: 'equals', value: String(value), text: String(value) } };
  const text = typeof value === 'number' ? `== ${value}` : String(value);
  return { metric, expectation: parseExpectation(text, { metric, unit: METRIC_UNITS[metric] ?? 'count' }) };
}

/**
 * One `query:` entry per check (vtysh JSON): a JMESPath expression and its expectation. Throws NslabError
 * (E_BAD_QUERY, E_BAD_EXPECTATION).
 */
export function parseQueryChecks(value: Record<string, string | number | boolean>): MetricCheck[] {
  return Object.entries(value).map(([expr, want]) => ({ metric: `query ${expr}`, expectation: { op: 'query', query: parseQuery(expr, want), text: String(want) } }));
}

/**
 * Evaluate checks against metrics; `counts` carries packet counts for "~N%" loss checks, `text` the outputs, `json`
 * the parsed output that query checks read.
 */
export function evaluateChecks(checks: MetricCheck[], metrics: Record<string, MetricValue>, counts: Record<string, LossCounts>, text: Record<string, string>, json?: unknown): CheckOutcome[] {
  return checks.map(({ metric, expectation: e }) => {
    if (e.op === 'query') return json === undefined ? { metric, ok: false, expected: e.text, measured: 'n/a (the output is not JSON)' } : checkQuery(e.query, json);
    if (e.op === 'equals') return { metric, ok: String(metrics[metric]) === e.value, expected: `== ${e.value}`, measured: String(metrics[metric] ?? 'n/a') };
    if (e.op === 'regex') {
      const hay = text[metric === 'stdout_not' ? 'stdout' : metric] ?? '';
      const found = new RegExp(e.pattern, 'm').test(hay);
      const shown = hay.trim().split('\n').slice(0, 3).join(' ⏎ ').slice(0, 120);
      return { metric, ok: e.negate ? !found : found, expected: `${e.negate ? 'no match for' : 'matches'} /${e.pattern}/`, measured: shown || '(empty)' };
    }
    if (e.op === 'bool') return { metric, ok: metrics[metric] === e.value, expected: String(e.value), measured: String(metrics[metric]) };
    const m = counts[metric] ?? metrics[metric];
    const r = check(e, typeof m === 'object' && m !== null ? m : typeof m === 'number' ? m : null);
    return { metric, ...r };
  });
}
