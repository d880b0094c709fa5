// The expectation language of scenario checks: a short string is parsed once into a typed Expectation, then
// `check` compares a measured value against it and formats both sides in the same unit for side-by-side reports.
// Pure: no I/O, no clock.
//
// Forms (whitespace optional):
//   "< 5%"  "<= 5%"  "> 1"  ">= 9mbit"  "== 0"  "!= 0"     comparisons (≤ ≥ ≠ and a single "=" are accepted too)
//   "38ms..46ms"                                            inclusive range
//   "40ms ± 2ms"   "40ms +- 2ms"                            value with tolerance, inclusive
//   "~10%"                                                  loss consistent with a 10% random-loss process
//
// "~N%" is for loss metrics measured in packets: it passes when N lies in the 99% Clopper-Pearson interval of the
// observed lost/sent (see stats.ts), so a correctly configured N% link fails it at most 1% of the time instead of
// making a flaky test; a link losing 3×N% fails it with any reasonable packet count. It needs the counts, not a
// percentage: `check(exp, { sent, lost })`. Few packets give a wide interval (the report shows it), so send
// hundreds for a meaningful verdict. For ping, N is the round-trip probability: 1-(1-p)² when both directions lose p.
//
// Units are tc's (parsed by model/units.ts): % ; s, ms, us (and sec/msec/usec) ; bit, kbit, mbit, gbit, tbit,
// kibit, mibit, gibit. bps, kbps, mbps and gbps are refused: tc(8) defines them as *bytes* per second ("8mbps" is
// 64 Mbit/s) while people mean bits, so the error gives both readings. iperf3's own spellings "Mbits/sec" and
// "Mbit/s" are accepted as bits. A plain number is a count. Zero needs no unit ("== 0" works for a
// loss, a delay or a rate), but any other plain number for a unit-carrying metric is refused: "< 5" on a loss
// could mean 5% or a fraction of 0.05, and a bare delay is microseconds in tc but milliseconds in ping.

import { byteRateUnit, NslabError, parseDurationMs, parsePercent, parseRateBitPerSec } from '../model/index.js';
import { lossConsistent } from './stats.js';

export type UnitKind = 'percent' | 'durationMs' | 'rateBitPerSec' | 'count';
export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type Expectation =
  | { op: CompareOp; value: number; unit: UnitKind; text: string }
  | { op: 'range'; min: number; max: number; unit: UnitKind; text: string }
  | { op: '±'; value: number; tolerance: number; unit: UnitKind; text: string }
  | { op: '~'; value: number; unit: 'percent'; confidence: number; text: string };

export interface ExpectationContext {
  /** Metric name, used in messages and (through its unit suffix) to fix the unit kind. */
  metric?: string;
  /** Unit kind the metric is measured in; defaults to `unitKindForMetric(metric)`, else whatever the text says. */
  unit?: UnitKind;
  /** Confidence for "~N%"; 0.99 unless set. */
  confidence?: number;
}

/** Packet counts for loss checks: "~N%" needs them; plain percent forms accept them too. */
export interface LossCounts {
  sent: number;
  lost: number;
}

export type Measured = number | null | undefined | LossCounts;

export interface CheckResult {
  ok: boolean;
  /** The expectation in display units, e.g. "< 50 ms". */
  expected: string;
  /** The measurement in the same units, e.g. "41.2 ms". */
  measured: string;
}

/** Names carry units (model convention), so the suffix says the kind: lossPct, rttAvgMs, throughputBitPerSec. */
export function unitKindForMetric(metric: string): UnitKind {
  if (/Pct$/.test(metric)) return 'percent';
  if (/Ms$/.test(metric)) return 'durationMs';
  if (/BitPerSec$/.test(metric)) return 'rateBitPerSec';
  return 'count';
}

const KIND_NAMES: Record<UnitKind, string> = {
  percent: 'a percentage',
  durationMs: 'a duration',
  rateBitPerSec: 'a rate',
  count: 'a plain count',
};

const EXAMPLES: Record<UnitKind, string> = {
  percent: "'< 5%'",
  durationMs: "'< 50ms', '38ms..46ms' or '40ms ± 2ms'",
  rateBitPerSec: "'>= 9mbit'",
  count: "'== 0' or '> 1'",
};

interface Quantity {
  value: number;
  unit: UnitKind;
  /** No unit was written. */
  bare: boolean;
  token: string;
}

function bad(text: string, ctx: ExpectationContext, message: string, hint: string): NslabError {
  const where = ctx.metric ? ` for ${ctx.metric}` : '';
  return new NslabError('E_BAD_EXPECTATION', `expectation '${text}'${where}: ${message}`, {
    hint,
    details: { expectation: text, metric: ctx.metric },
  });
}

/** iperf3 prints rates as "Mbits/sec"; tc calls the same thing "mbit". */
function normalizeRateUnit(unit: string): string {
  const m = /^([kmgt]?)bits?\/s(?:ec)?$/i.exec(unit);
  return m ? `${m[1]}bit` : unit;
}

function parseQuantity(token: string, text: string, ctx: ExpectationContext): Quantity {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*([A-Za-z%/]*)$/.exec(token.trim());
  if (!m) {
    throw bad(text, ctx, `'${token.trim()}' is not a number with an optional unit`,
      `write a number and a unit, e.g. ${EXAMPLES[ctx.unit ?? 'count']}`);
  }
  const num = Number(m[1]);
  const unit = m[2];
  if (unit === '') return { value: num, unit: 'count', bare: true, token };
  if (unit === '%') {
    const pct = parsePercent(`${m[1]}%`);
    if (pct === undefined) throw bad(text, ctx, `${token.trim()} is not a percentage between 0 and 100`, "use 0%..100%");
    return { value: pct, unit: 'percent', bare: false, token };
  }
  // Scale factors come from model/units.ts (parsed at 1 so that a zero bound, which tc refuses as a rate, works).
  const msPerUnit = parseDurationMs(`1${unit}`);
  if (msPerUnit !== undefined) return { value: num * msPerUnit, unit: 'durationMs', bare: false, token };
  const bytes = byteRateUnit(`${m[1]}${unit}`);
  if (bytes) throw bad(text, ctx, bytes.message, bytes.hint);
  const bitPerUnit = parseRateBitPerSec(`1${normalizeRateUnit(unit)}`);
  if (bitPerUnit !== undefined) return { value: num * bitPerUnit, unit: 'rateBitPerSec', bare: false, token };
  throw bad(text, ctx, `unknown unit '${unit}'`,
    'units: % ; s, ms, us ; bit, kbit, mbit, gbit (bits/s) ; none for counts');
}

/** All quantities of one expectation must share a kind, and it must be the metric's kind when that is known. */
function reconcile(qs: Quantity[], text: string, ctx: ExpectationContext): UnitKind {
  const written = qs.filter((q) => !q.bare).map((q) => q.unit);
  const target: UnitKind = ctx.unit ?? written[0] ?? 'count';
  const what = ctx.metric ?? 'this metric';
  for (const q of qs) {
    if (q.bare) {
      if (q.value === 0 || target === 'count') continue;
      throw bad(text, ctx, `'${q.token.trim()}' has no unit, but ${what} is ${KIND_NAMES[target]}`,
        `add the unit, e.g. ${EXAMPLES[target]}`);
    }
    if (q.unit !== target) {
      const metricSide = ctx.unit ? `${what} is ${KIND_NAMES[target]}` : `the other bound is ${KIND_NAMES[target]}`;
      throw bad(text, ctx, `'${q.token.trim()}' is ${KIND_NAMES[q.unit]}, but ${metricSide}`,
        ctx.unit ? `write it in the metric's unit, e.g. ${EXAMPLES[target]}` : `write every bound in one unit, e.g. ${EXAMPLES[target]}`);
    }
  }
  return target;
}

const OPS: Record<string, CompareOp> = {
  '<': '<', '<=': '<=', '≤': '<=', '>': '>', '>=': '>=', '≥': '>=', '==': '==', '=': '==', '!=': '!=', '≠': '!=',
};

/** Parse an expectation string once, up front (scenario load time), so unit mistakes surface before the lab runs. */
export function parseExpectation(text: string, ctx: ExpectationContext = {}): Expectation {
  const c: ExpectationContext = { ...ctx, unit: ctx.unit ?? (ctx.metric ? unitKindForMetric(ctx.metric) : undefined) };
  const s = text.trim();

  let m = /^~\s*(.+)$/.exec(s);
  if (m) {
    const q = parseQuantity(m[1], text, c);
    if ((c.unit !== undefined && c.unit !== 'percent') || q.unit !== 'percent') {
      throw bad(text, c, "'~' means \"consistent with a random loss probability\" and takes a percentage on a loss metric",
        c.unit && c.unit !== 'percent' ? `for ${KIND_NAMES[c.unit]} use a tolerance or a range, e.g. ${EXAMPLES[c.unit]}` : "write it like '~10%'");
    }
    const confidence = c.confidence ?? 0.99;
    if (!(confidence > 0 && confidence < 1)) {
      throw bad(text, c, `confidence ${confidence} is not between 0 and 1`, 'use e.g. 0.99');
    }
    return { op: '~', value: q.value, unit: 'percent', confidence, text };
  }

  m = /^(<=|>=|==|!=|≤|≥|≠|<|>|=)\s*(.+)$/.exec(s);
  if (m) {
    const q = parseQuantity(m[2], text, c);
    return { op: OPS[m[1]], value: q.value, unit: reconcile([q], text, c), text };
  }

  m = /^(.+?)\s*\.\.\s*(.+)$/.exec(s);
  if (m) {
    const lo = parseQuantity(m[1], text, c);
    const hi = parseQuantity(m[2], text, c);
    const unit = reconcile([lo, hi], text, c);
    if (lo.value > hi.value) throw bad(text, c, 'the range is empty: its lower end is above its upper end', `swap them: '${m[2].trim()}..${m[1].trim()}' is backwards`);
    return { op: 'range', min: lo.value, max: hi.value, unit, text };
  }

  m = /^(.+?)\s*(?:±|\+\/-|\+-)\s*(.+)$/.exec(s);
  if (m) {
    const v = parseQuantity(m[1], text, c);
    const tol = parseQuantity(m[2], text, c);
    return { op: '±', value: v.value, tolerance: tol.value, unit: reconcile([v, tol], text, c), text };
  }

  throw bad(text, c, 'no comparison found',
    "write one of '< 5%', '<= 5%', '>= 9mbit', '== 0', '!= 0', '38ms..46ms', '40ms ± 2ms', or '~10%' for a loss");
}

// ---- display ----

interface Scale {
  label: string;
  /** Divide a value in the kind's base unit (%, ms, bit/s, 1) by this to display it. */
  div: number;
}

function scaleFor(unit: UnitKind, reference: number): Scale {
  const a = Math.abs(reference);
  switch (unit) {
    case 'percent':
      return { label: '%', div: 1 };
    case 'count':
      return { label: '', div: 1 };
    case 'durationMs':
      if (a >= 1000) return { label: ' s', div: 1000 };
      if (a > 0 && a < 1) return { label: ' us', div: 0.001 };
      return { label: ' ms', div: 1 };
    case 'rateBitPerSec':
      for (const [label, div] of [[' Gbit/s', 1e9], [' Mbit/s', 1e6], [' kbit/s', 1e3]] as const) if (a >= div) return { label, div };
      return { label: ' bit/s', div: 1 };
  }
}

function num(x: number, precision: number): string {
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(Math.abs(x) >= 1000 ? Math.max(precision, 6) : precision)));
}

/**
 * Format the bounds and the measurement with 3 significant digits, adding digits while a measurement that differs
 * from a bound would print identically to it (so a failing "< 50 ms" never shows "measured 50 ms").
 */
function formatSide(bounds: number[], edges: number[], measured: number | undefined, scale: Scale): { b: string[]; m?: string } {
  for (let p = 3; p <= 12; p++) {
    const b = bounds.map((v) => num(v / scale.div, p));
    if (measured === undefined) return { b };
    const m = num(measured / scale.div, p);
    const clash = edges.some((v) => v !== measured && num(v / scale.div, p) === m);
    if (!clash || p === 12) return { b, m };
  }
  /* c8 ignore next */
  return { b: bounds.map(String) };
}

/** The numbers shown in the expectation, and the edges where the verdict flips. */
function boundsOf(e: Exclude<Expectation, { op: '~' }>): { shown: number[]; edges: number[] } {
  if (e.op === 'range') return { shown: [e.min, e.max], edges: [e.min, e.max] };
  if (e.op === '±') return { shown: [e.value, e.tolerance], edges: [e.value - e.tolerance, e.value + e.tolerance] };
  return { shown: [e.value], edges: [e.value] };
}

function describeExpected(e: Exclude<Expectation, { op: '~' }>, b: string[], label: string): string {
  if (e.op === 'range') return `${b[0]}${label}..${b[1]}${label}`;
  if (e.op === '±') return `${b[0]}${label} ± ${b[1]}${label}`;
  return `${e.op} ${b[0]}${label}`;
}

function compare(e: Exclude<Expectation, { op: '~' }>, v: number): boolean {
  switch (e.op) {
    case '<': return v < e.value;
    case '<=': return v <= e.value;
    case '>': return v > e.value;
    case '>=': return v >= e.value;
    case '==': return v === e.value;
    case '!=': return v !== e.value;
    case 'range': return v >= e.min && v <= e.max;
    case '±': return v >= e.value - e.tolerance && v <= e.value + e.tolerance;
  }
}

function isCounts(m: Measured): m is LossCounts {
  return typeof m === 'object' && m !== null;
}

function checkApprox(e: Extract<Expectation, { op: '~' }>, measured: Measured): CheckResult {
  const confPct = num(e.confidence * 100, 4);
  const expected = `~${num(e.value, 3)}% (random loss, ${confPct}% confidence)`;
  if (!isCounts(measured)) {
    if (measured === null || measured === undefined || Number.isNaN(measured)) return { ok: false, expected, measured: 'n/a (not measured)' };
    throw new NslabError('E_BAD_EXPECTATION', `expectation '${e.text}' needs packet counts, got a bare percentage (${measured})`, {
      hint: "'~N%' judges lost/sent with a binomial interval; use it on a packet-loss metric (ping, iperf3 UDP), or write '< N%' for a plain bound",
      details: { expectation: e.text },
    });
  }
  if (measured.sent === 0) return { ok: false, expected, measured: 'n/a (no packets sent)' };
  const r = lossConsistent({ sent: measured.sent, lost: measured.lost, expectedPct: e.value, confidence: e.confidence });
  return {
    ok: r.consistent,
    expected,
    measured: `${num(r.observedPct, 3)}% (${measured.lost}/${measured.sent} lost; ${confPct}% interval ${num(r.lowPct, 3)}%..${num(r.highPct, 3)}%)`,
  };
}

/**
 * Compare a measurement with an expectation. A missing measurement (null: e.g. rtt after 100% loss) fails every
 * form, including "!=": a check that could not be made must not pass.
 */
export function check(e: Expectation, measured: Measured): CheckResult {
  if (e.op === '~') return checkApprox(e, measured);
  let value: number | undefined;
  if (isCounts(measured)) value = measured.sent > 0 && e.unit === 'percent' ? (measured.lost * 100) / measured.sent : undefined;
  else if (typeof measured === 'number' && !Number.isNaN(measured)) value = measured;

  const { shown, edges } = boundsOf(e);
  const reference = e.op === 'range' ? Math.max(Math.abs(e.min), Math.abs(e.max)) : e.value;
  // A zero bound gives no scale ("> 0" on a rate); then the measurement picks it.
  const scale = scaleFor(e.unit, reference !== 0 ? reference : (value ?? 0));
  const side = formatSide(shown, edges, value, scale);
  const expected = describeExpected(e, side.b, scale.label);
  if (value === undefined) {
    const why = isCounts(measured) ? (measured.sent === 0 ? 'no packets sent' : 'counts given for a non-percentage') : 'not measured';
    return { ok: false, expected, measured: `n/a (${why})` };
  }
  return { ok: compare(e, value), expected, measured: `${side.m}${scale.label}` };
}

/** Parse and check in one call, for ad-hoc use; scenario loading should parse once and keep the Expectation. */
export function expectValue(text: string, measured: Measured, ctx: ExpectationContext = {}): CheckResult {
  return check(parseExpectation(text, ctx), measured);
}
