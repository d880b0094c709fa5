// Link impairment keys (as written) → per-direction Impairment (base units). Pure.

import {
  byteRateUnit,
  formatRate,
  humanRate,
  NETEM_TIME_MAX_US,
  parseDurationMs,
  parsePercent,
  parseRateBitPerSec,
  RATE_MAX_BIT_PER_SEC,
  RATE_MIN_BIT_PER_SEC,
  type Impairment,
  type Problem,
  type RawImpairment,
} from '../model/index.js';

export const IMPAIRMENT_KEYS = ['rate', 'delay', 'jitter', 'correlation', 'distribution', 'loss', 'duplicate', 'reorder', 'corrupt', 'limit'] as const;

type Report = (path: (string | number)[], code: string, message: string, hint?: string) => void;

function pct(v: unknown, path: (string | number)[], report: Report): number | undefined {
  if (v === undefined) return undefined;
  const n = parsePercent(v as string | number);
  if (n === undefined) report(path, 'E_BAD_PERCENT', `${JSON.stringify(v)} is not a percentage`, 'write e.g. 1% or 0.5%');
  return n;
}

/** Parse the impairment keys of one object; keys that are absent stay absent. */
export function parseImpairment(raw: RawImpairment, path: (string | number)[], report: Report): Impairment {
  const out: Impairment = {};
  if (raw.rate !== undefined) {
    const r = parseRateBitPerSec(raw.rate);
    const bytes = byteRateUnit(raw.rate);
    if (bytes) report([...path, 'rate'], 'E_RATE_BYTE_UNIT', bytes.message, bytes.hint);
    else if (r === undefined) report([...path, 'rate'], 'E_BAD_RATE', `${JSON.stringify(raw.rate)} is not a rate`, 'use tc units: 10mbit, 1gbit, 512kbit');
    else if (r < RATE_MIN_BIT_PER_SEC)
      report([...path, 'rate'], 'E_RATE_TOO_LOW', `rate ${JSON.stringify(raw.rate)} is ${r} bit/s; tc counts whole bytes per second, so the least it can shape to is 8 bit/s`, `write ${RATE_MIN_BIT_PER_SEC}bit or more (a bare number is bit/s)`);
    else if (r > RATE_MAX_BIT_PER_SEC)
      report([...path, 'rate'], 'E_RATE_TOO_HIGH', `rate ${JSON.stringify(raw.rate)} (${humanRate(r)}) is more than tc can shape: htb's 1 ms burst would pass tc's 32-bit byte count above ${formatRate(RATE_MAX_BIT_PER_SEC)} (about 34.36 Tbit/s)`, 'write a lower rate, or leave rate out for an unshaped link (veth carries tens of Gbit/s)');
    else out.rateBitPerSec = r;
  }
  for (const key of ['delay', 'jitter'] as const) {
    const v = raw[key];
    if (v === undefined) continue;
    const ms = parseDurationMs(v);
    if (ms === undefined) report([...path, key], 'E_BAD_DURATION', `${JSON.stringify(v)} is not a duration`, 'write it with a unit: 20ms, 1s, 500us');
    else if (Math.round(ms * 1000) > NETEM_TIME_MAX_US)
      report([...path, key], 'E_DURATION_TOO_LONG', `${key} ${JSON.stringify(v)} is longer than netem can take: tc holds it in 32 bits of 64 ns ticks, at most ${NETEM_TIME_MAX_US / 1e6} s`, `write at most ${Math.floor(NETEM_TIME_MAX_US / 1000)}ms`);
    else if (key === 'delay') out.delayMs = ms;
    else out.jitterMs = ms;
  }
  const corr = pct(raw.correlation, [...path, 'correlation'], report);
  if (corr !== undefined) out.delayCorrelationPct = corr;
  if (raw.distribution !== undefined) out.distribution = raw.distribution;
  if (raw.loss !== undefined) {
    const l = raw.loss;
    if (typeof l === 'object' && l !== null && 'model' in l) {
      const p = pct(l.p, [...path, 'loss', 'p'], report);
      // Gilbert-Elliott defaults per tc-netem(8): r = 100 - p, 1-h = 100, 1-k = 0.
      const r = l.r === undefined ? (p === undefined ? undefined : 100 - p) : pct(l.r, [...path, 'loss', 'r'], report);
      const h = l['1-h'] === undefined ? 100 : pct(l['1-h'], [...path, 'loss', '1-h'], report);
      const k = l['1-k'] === undefined ? 0 : pct(l['1-k'], [...path, 'loss', '1-k'], report);
      if (p !== undefined && r !== undefined && h !== undefined && k !== undefined)
        out.loss = { model: 'gilbert-elliott', pPct: p, rPct: r, oneMinusHPct: h, oneMinusKPct: k };
    } else if (typeof l === 'object' && l !== null) {
      const p = pct(l.percent, [...path, 'loss', 'percent'], report);
      const c = pct(l.correlation, [...path, 'loss', 'correlation'], report);
      if (p !== undefined) out.loss = c === undefined ? { model: 'random', pct: p } : { model: 'random', pct: p, correlationPct: c };
    } else {
      const p = pct(l, [...path, 'loss'], report);
      if (p !== undefined) out.loss = { model: 'random', pct: p };
    }
  }
  const dup = pct(raw.duplicate, [...path, 'duplicate'], report);
  if (dup !== undefined) out.duplicatePct = dup;
  const cor = pct(raw.corrupt, [...path, 'corrupt'], report);
  if (cor !== undefined) out.corruptPct = cor;
  if (raw.reorder !== undefined) {
    const r = raw.reorder;
    if (typeof r === 'object' && r !== null) {
      const p = pct(r.percent, [...path, 'reorder', 'percent'], report);
      const c = pct(r.correlation, [...path, 'reorder', 'correlation'], report);
      if (p !== undefined) out.reorderPct = p;
      if (c !== undefined) out.reorderCorrelationPct = c;
      if (r.gap !== undefined) out.reorderGap = r.gap;
    } else {
      const p = pct(r, [...path, 'reorder'], report);
      if (p !== undefined) out.reorderPct = p;
    }
  }
  if (raw.limit !== undefined) out.limitPackets = raw.limit;
  if (out.jitterMs !== undefined && out.delayMs === undefined)
    report([...path, 'jitter'], 'E_JITTER_WITHOUT_DELAY', 'jitter needs a delay', 'add delay: (jitter varies the delay around it)');
  if (out.distribution !== undefined && out.jitterMs === undefined)
    report([...path, 'distribution'], 'E_DISTRIBUTION_WITHOUT_JITTER', 'distribution needs jitter', 'add jitter: (the distribution shapes the jitter)');
  if (out.reorderPct !== undefined && out.delayMs === undefined)
    report([...path, 'reorder'], 'E_REORDER_WITHOUT_DELAY', 'reorder needs a delay: netem sends reordered packets at once and delays the rest', 'add delay: 10ms (or more)');
  if (out.jitterMs !== undefined && out.delayMs !== undefined && out.jitterMs > out.delayMs * 10)
    report([...path, 'jitter'], 'E_JITTER_TOO_LARGE', `jitter ${out.jitterMs} ms is far larger than delay ${out.delayMs} ms`, 'keep jitter at or below the delay');
  return out;
}

/** Overlay `over` on `base`: keys present in `over` win. */
export function mergeImpairment(base: Impairment, over: Impairment): Impairment {
  return { ...base, ...over };
}

export function isImpaired(i: Impairment): boolean {
  return Object.keys(i).length > 0;
}

/** Does this direction need sch_netem (everything but pure rate)? */
export function needsNetem(i: Impairment): boolean {
  return Object.keys(i).some((k) => k !== 'rateBitPerSec');
}

export type { Problem };
