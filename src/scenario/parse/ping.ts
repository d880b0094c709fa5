// Parses the text output of iputils `ping` (IPv4 and IPv6, `ping -6`, `ping6`) into one flat result.
// Pure: a string in, an object out. The summary lines are authoritative for counts (they survive `-q`);
// the per-reply lines give the samples that percentiles and reordering are computed from.
//
// Formats covered, as printed by iputils 2022xxxx (and older icmp_req= spellings):
//   64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.159 ms
//   64 bytes from ::1: icmp_seq=2 ttl=64 time=0.047 ms (DUP!)
//   64 bytes from localhost (::1): icmp_seq=1 ttl=64 time=0.036 ms
//   [1700000000.123456] 64 bytes from ...          (ping -D)
//   From 127.0.0.1 icmp_seq=2 Destination Host Unreachable
//   From ::1 icmp_seq=1 Destination unreachable: Address unreachable
//   6 packets transmitted, 4 received, +1 duplicates, +2 errors, 33.3333% packet loss, time 1019ms
//   rtt min/avg/max/mdev = 0.041/0.076/0.195/0.059 ms[, pipe 2]
// With 100% loss iputils prints no rtt line, so every rtt field is null rather than 0 (0 ms would pass "< 50ms").

import { NslabError } from '../../model/index.js';

export interface PingSample {
  seq: number;
  /** null when ping printed no time (payloads under 16 bytes carry no timestamp). */
  rttMs: number | null;
  /** null when the line had no ttl (never seen from iputils, but cheap to tolerate). */
  ttl: number | null;
  dup: boolean;
  /** When the request was sent (the reply's receive time from ping -D, less its rtt), in seconds; absent without -D. */
  sentAtS?: number;
}

export interface PingResult {
  transmitted: number;
  /** Distinct replies, as ping counts them: a duplicate is not received twice. */
  received: number;
  duplicates: number;
  /** ICMP errors (unreachable, TTL exceeded) that came back instead of replies. */
  errors: number;
  /** (transmitted - received) / transmitted × 100, computed from the counts (ping prints it rounded to %g). */
  lossPct: number;
  rttMinMs: number | null;
  rttAvgMs: number | null;
  rttMaxMs: number | null;
  rttMdevMs: number | null;
  /** Percentiles of the non-duplicate samples' rtt, linearly interpolated; null without samples. */
  rttP50Ms: number | null;
  rttP95Ms: number | null;
  samples: PingSample[];
  /** Non-duplicate replies whose seq is lower than one already seen (reordering on the path). */
  outOfOrder: number;
  /** The ICMP error lines as printed, e.g. "From 10.0.0.1 icmp_seq=1 Destination Host Unreachable". */
  errorMessages: string[];
  /** The longest run of consecutive probes without a reply (the failover gap in probes; × interval = outage). */
  longestLossRun: number;
}

const TIMESTAMP = String.raw`(?:\[\d+(?:\.\d+)?\]\s*)?`;
const STAMP = /^\[(\d+(?:\.\d+)?)\]/;
const REPLY = new RegExp(
  `^${TIMESTAMP}\\d+ bytes from (.+?): icmp_(?:seq|req)=(\\d+)(?: ttl=(\\d+))?(?: time[=<]([\\d.]+) ms)?(.*)$`,
);
const ICMP_ERROR = new RegExp(`^${TIMESTAMP}From (.+?) icmp_(?:seq|req)=(\\d+) (.+)$`);
const SUMMARY = /^(\d+) packets transmitted, (\d+) (?:packets )?received(.*)$/;
const RTT = /^(?:rtt|round-trip) min\/avg\/max(?:\/(?:mdev|stddev))? = ([\d.]+)\/([\d.]+)\/([\d.]+)(?:\/([\d.]+))? ms/;

/** Linear interpolation between closest ranks (numpy's default, R type 7): p in 0..100. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/**
 * icmp_seq is 16 bits, so a long run wraps 65535 → 0. A drop of more than half the space is a wrap, not a
 * reordering: reordering windows are a few packets, never 32768.
 */
const SEQ_HALF_SPACE = 32768;

function countOutOfOrder(samples: PingSample[]): number {
  let highest: number | undefined;
  let count = 0;
  for (const s of samples) {
    if (s.dup) continue; // a duplicate is already counted in `duplicates`; it is not a reordering
    if (highest === undefined || s.seq > highest) highest = s.seq;
    else if (highest - s.seq > SEQ_HALF_SPACE) highest = s.seq;
    else if (s.seq < highest) count++;
  }
  return count;
}

/**
 * The longest run of consecutive probes 1..transmitted with no reply. The 16-bit icmp_seq wraps (probe 65537 is seq
 * 1 again), so replies are numbered in output order: a seq far below the last one seen (more than half the space)
 * has wrapped. Probes still unanswered when ping stopped count as lost, as ping counts them.
 */
export function longestLossRun(samples: PingSample[], transmitted: number): number {
  const got = new Set<number>();
  let base = 0;
  let last = 0;
  for (const s of samples) {
    if (s.dup) continue;
    let k = s.seq + base;
    if (k < last - SEQ_HALF_SPACE) {
      base += 65536;
      k += 65536;
    }
    last = Math.max(last, k);
    got.add(k);
  }
  let run = 0;
  let longest = 0;
  for (let k = 1; k <= transmitted; k++) {
    if (got.has(k)) run = 0;
    else longest = Math.max(longest, ++run);
  }
  return longest;
}

/**
 * The failover gap in milliseconds: the longest stretch without replies. Between two replies it is the time between
 * their requests, less one interval, from ping -D's timestamps: on a loaded machine ping sends more slowly than
 * asked (600 probes at 10 ms took 10 s here), and a count of lost probes times the interval would understate the
 * gap by as much. Before the first reply, after the last, or without timestamps: lost probes times the interval.
 */
export function outageMs(samples: PingSample[], transmitted: number, intervalMs: number): number {
  const byCount = longestLossRun(samples, transmitted) * intervalMs;
  const timed = samples.filter((x) => !x.dup && x.sentAtS !== undefined).sort((a, b) => a.sentAtS! - b.sentAtS!);
  if (timed.length !== samples.filter((x) => !x.dup).length || timed.length < 2) return byCount;
  let longest = 0;
  for (let i = 1; i < timed.length; i++) {
    // Only where probes went unanswered: ping sending late without loss is no outage. (seq wraps at 65536.)
    const lost = (timed[i].seq - timed[i - 1].seq + 65536) % 65536 - 1;
    if (lost > 0) longest = Math.max(longest, (timed[i].sentAtS! - timed[i - 1].sentAtS!) * 1000 - intervalMs);
  }
  // The ends have no reply on one side: those stretches are counted in probes (the sends were not timed).
  const first = Math.min(...timed.map((x) => x.seq));
  const lastLost = transmitted - Math.max(...timed.map((x) => x.seq));
  const ends = Math.max(first - 1, lastLost) * intervalMs;
  return Math.round(Math.max(longest, ends) * 100) / 100;
}

function firstMeaningfulLine(lines: string[]): string {
  return lines.find((l) => l.trim() !== '')?.trim() ?? '(no output)';
}

export function parsePing(text: string): PingResult {
  const lines = text.split(/\r?\n/);
  const samples: PingSample[] = [];
  const errorMessages: string[] = [];
  let summary: { transmitted: number; received: number; duplicates: number; errors: number; lossPct: number } | undefined;
  let rtt: { min: number; avg: number; max: number; mdev: number | null } | undefined;

  for (const raw of lines) {
    const line = raw.trim();
    let m = REPLY.exec(line);
    if (m) {
      const at = STAMP.exec(line);
      const rttMs = m[4] === undefined ? null : Number(m[4]);
      samples.push({
        seq: Number(m[2]),
        rttMs,
        ttl: m[3] === undefined ? null : Number(m[3]),
        dup: m[5].includes('(DUP!)'),
        ...(at && rttMs !== null ? { sentAtS: Number(at[1]) - rttMs / 1000 } : {}),
      });
      continue;
    }
    m = ICMP_ERROR.exec(line);
    if (m) {
      errorMessages.push(line.replace(/^\[[\d.]+\]\s*/, ''));
      continue;
    }
    m = SUMMARY.exec(line);
    if (m) {
      const transmitted = Number(m[1]);
      const received = Number(m[2]);
      let duplicates = 0;
      let errors = 0;
      let printedLossPct: number | undefined;
      // The middle parts are optional and ordered "+N duplicates, +N corrupted, +N errors, X% packet loss".
      for (const part of m[3].split(',').map((p) => p.trim())) {
        const plus = /^\+(\d+) (duplicates|corrupted|errors)$/.exec(part);
        if (plus?.[2] === 'duplicates') duplicates = Number(plus[1]);
        else if (plus?.[2] === 'errors') errors = Number(plus[1]);
        const loss = /^([\d.]+)% packet loss$/.exec(part);
        if (loss) printedLossPct = Number(loss[1]);
      }
      const lossPct = transmitted > 0 ? ((transmitted - received) * 100) / transmitted : (printedLossPct ?? 0);
      summary = { transmitted, received, duplicates, errors, lossPct };
      continue;
    }
    m = RTT.exec(line);
    if (m) rtt = { min: Number(m[1]), avg: Number(m[2]), max: Number(m[3]), mdev: m[4] === undefined ? null : Number(m[4]) };
  }

  if (!summary) {
    // No statistics block means ping never started the run (bad name, no route, no permission) or was killed
    // hard; its own first line says which.
    const first = firstMeaningfulLine(lines);
    throw new NslabError('E_PING_OUTPUT', `ping printed no statistics: ${first}`, {
      hint: /unknown host|Name or service not known|Temporary failure in name resolution|Address family for hostname/i.test(first)
        ? 'the target name does not resolve inside the namespace; use an address or a node name nslab knows'
        : /Network is unreachable|No route/i.test(first)
          ? "the source namespace has no route to the target; check the lab's addressing and routes (nslab up --dry-run FILE prints them; nslab exec LAB NODE -- ip route shows them live)"
          : 'pass the complete stdout of iputils ping, including the "--- ... ping statistics ---" block',
      details: { firstLine: first },
    });
  }

  const rtts = samples
    .filter((s) => !s.dup && s.rttMs !== null)
    .map((s) => s.rttMs as number)
    .sort((a, b) => a - b);

  return {
    ...summary,
    rttMinMs: rtt?.min ?? null,
    rttAvgMs: rtt?.avg ?? null,
    rttMaxMs: rtt?.max ?? null,
    rttMdevMs: rtt?.mdev ?? null,
    rttP50Ms: percentile(rtts, 50),
    rttP95Ms: percentile(rtts, 95),
    samples,
    outOfOrder: countOutOfOrder(samples),
    errorMessages,
    longestLossRun: longestLossRun(samples, summary.transmitted),
  };
}
