// Human units are parsed once, at the edge, into numbers whose names carry the unit.
// The accepted spellings follow tc(8) so users can paste what they know:
// rates: bit, kbit, mbit, gbit, tbit (×1000) and kibit, mibit, gibit, tibit (×1024). tc also takes bps, kbps, mbps,
// gbps and tbps, which it reads as *bytes* per second; a network engineer writing 20mbps means 20 Mbit/s, and tc
// would give 160. Those spellings are refused (byteRateUnit says both readings and what to write instead).
// times: s/sec, ms/msec, us/usec; a bare number is microseconds in tc, which surprises people, so we require a unit.

const RATE_FACTORS_BIT: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  kibit: 1024,
  mibit: 1024 ** 2,
  gibit: 1024 ** 3,
  tibit: 1024 ** 4,
};

/** tc's bytes-per-second units and the bit unit of the same prefix. */
const BYTE_RATE_UNITS: Record<string, string> = { bps: 'bit', kbps: 'kbit', mbps: 'mbit', gbps: 'gbit', tbps: 'tbit' };

const TIME_FACTORS_MS: Record<string, number> = {
  s: 1000,
  sec: 1000,
  secs: 1000,
  ms: 1,
  msec: 1,
  msecs: 1,
  us: 0.001,
  usec: 0.001,
  usecs: 0.001,
  // Not tc units (the topology schema does not allow them there); scenario timeouts and sleeps use them.
  m: 60_000,
  min: 60_000,
};

const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
/** A number and a unit of letters: `10mbit`, `20 ms`. */
const NUMBER_UNIT = new RegExp(`^\\s*${NUMBER}\\s*([a-z]+)\\s*$`, 'i');

/** `10mbit` → 10_000_000. Returns undefined when the text is not a rate. */
export function parseRateBitPerSec(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? text : undefined;
  const m = NUMBER_UNIT.exec(text);
  if (!m) return undefined;
  const factor = RATE_FACTORS_BIT[m[2].toLowerCase()];
  if (factor === undefined) return undefined;
  const v = Number(m[1]) * factor;
  return v > 0 && Number.isFinite(v) ? v : undefined; // 400 digits of '9' are Infinity
}

/**
 * `20mbps` (any case) → why it is refused and what to write; undefined for anything else. tc reads `mbps` as
 * megabytes per second (20mbps = 160 Mbit/s); "Mbps" in networking means megabits (20 Mbit/s). Guessing either
 * way would be wrong for half the readers, so the file must say `mbit` (or `160mbit` for the tc reading).
 */
export function byteRateUnit(text: string | number): { message: string; hint: string } | undefined {
  if (typeof text !== 'string') return undefined;
  const m = NUMBER_UNIT.exec(text);
  const bitUnit = m ? BYTE_RATE_UNITS[m[2].toLowerCase()] : undefined;
  if (!m || !bitUnit) return undefined;
  const n = Number(m[1]);
  const asTc = n * 8 * RATE_FACTORS_BIT[bitUnit];
  return {
    message: `${JSON.stringify(text.trim())} is ambiguous: tc reads '${m[2]}' as bytes per second (${humanRate(asTc)}), while a network engineer means ${humanRate(n * RATE_FACTORS_BIT[bitUnit])}`,
    hint: `write ${m[1]}${bitUnit} for ${humanRate(n * RATE_FACTORS_BIT[bitUnit])} (or ${+(n * 8).toPrecision(12)}${bitUnit} for ${humanRate(asTc)}); rates use bit units: bit, kbit, mbit, gbit, tbit`,
  };
}

/** `20ms` → 20, `1s` → 1000, `500us` → 0.5. A unit is required. */
export function parseDurationMs(text: string | number): number | undefined {
  if (typeof text === 'number') return undefined;
  const m = NUMBER_UNIT.exec(text);
  if (!m) return undefined;
  const factor = TIME_FACTORS_MS[m[2].toLowerCase()];
  if (factor === undefined) return undefined;
  const ms = Number(m[1]) * factor;
  return Number.isFinite(ms) ? ms : undefined;
}

/** `10%` or `10` → 10; `0.5%` → 0.5. Range 0..100. */
export function parsePercent(text: string | number): number | undefined {
  const s = typeof text === 'number' ? String(text) : text;
  const m = new RegExp(`^\\s*${NUMBER}\\s*%?\\s*$`).exec(s);
  if (!m) return undefined;
  const v = Number(m[1]);
  return v >= 0 && v <= 100 ? v : undefined;
}

/** Shortest tc spelling of a rate in bit/s: 10000000 → `10mbit`. */
export function formatRate(rateBitPerSec: number): string {
  for (const [unit, f] of [['tbit', 1e12], ['gbit', 1e9], ['mbit', 1e6], ['kbit', 1e3]] as const) {
    if (rateBitPerSec >= f && Number.isInteger(rateBitPerSec / f)) return `${rateBitPerSec / f}${unit}`;
  }
  return `${Math.round(rateBitPerSec)}bit`;
}

/** A duration in tc syntax: whole milliseconds as `ms`, otherwise microseconds as `us`. */
export function formatDuration(ms: number): string {
  if (Number.isInteger(ms)) return `${ms}ms`;
  return `${Math.round(ms * 1000)}us`;
}

/** Human duration for messages: 812 ms, 1.39 s. */
export function humanDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Human rate for reports: 9.57 Mbit/s. */
export function humanRate(rateBitPerSec: number): string {
  const units: [string, number][] = [['Gbit/s', 1e9], ['Mbit/s', 1e6], ['kbit/s', 1e3]];
  for (const [u, f] of units) if (rateBitPerSec >= f) return `${+(rateBitPerSec / f).toPrecision(3)} ${u}`;
  return `${Math.round(rateBitPerSec)} bit/s`;
}
