// Typed measurements on a running lab (lab.ping, lab.iperf3, lab.reach) and the expect-style check of their
// metrics. The measuring is the scenario's own (scenario/measure.ts, api/reach.ts) and the checking is the
// scenario's expectation language (scenario/checks.ts, expect.ts): a library user gets the same numbers and the
// same statistics-aware verdicts as a scenario author. This file only validates arguments and shapes results.

import { NslabError, type Family } from '../model/index.js';
import { evaluateChecks, METRICS, parseMetricCheck, type MetricValue } from '../scenario/checks.js';
import type { CheckOutcome, MetricCheck } from '../scenario/model.js';
import type { LossCounts } from '../scenario/expect.js';
import type { Iperf3Result, PingResult } from '../scenario/parse/index.js';
import { IPERF3_DEFAULTS, measureIperf3, measurePing, PING_DEFAULTS } from '../scenario/measure.js';
import type { ReachPair } from './reach.js';
import type { Lab } from './lab.js';
import { describeValue } from './source.js';

export interface PingOptions {
  /** Echo requests to send (default 10). */
  count?: number;
  /** Time between requests in milliseconds (default 200). */
  intervalMs?: number;
  /** ICMP payload size in bytes (ping -s). */
  sizeBytes?: number;
  /** Address family of the target's address; default IPv4, else IPv6. */
  family?: Family;
  /** Kill ping after this long (default: count × interval + 15 s). */
  timeoutMs?: number;
}

/** The metrics of a ping, under the names scenario files use (what expectMetrics reads). */
export interface PingMetrics {
  loss: number;
  rtt_min: number | null;
  rtt_avg: number | null;
  rtt_max: number | null;
  rtt_mdev: number | null;
  rtt_p50: number | null;
  rtt_p95: number | null;
  duplicates: number;
  out_of_order: number;
  received: number;
  transmitted: number;
  reachable: boolean;
}

/** The parser's fields a ping measurement carries as they are (loss in percent, round-trip times in ms). */
const PING_FIELDS = ['lossPct', 'rttMinMs', 'rttAvgMs', 'rttMaxMs', 'rttMdevMs', 'rttP50Ms', 'rttP95Ms', 'transmitted', 'received', 'duplicates', 'outOfOrder'] as const;
type PingFields = (typeof PING_FIELDS)[number];

export interface PingMeasurement extends Pick<PingResult, PingFields> {
  kind: 'ping';
  from: string;
  /** The node (or address) pinged, and the address used. */
  to: string;
  address: string;
  /** At least one reply came back. */
  reachable: boolean;
  /** Packet counts behind lossPct: what the "~N%" binomial check judges. */
  lossCounts: LossCounts;
  /** One entry per reply (duplicates left out); `atMs` is when the request was sent, from the first one. */
  samples: { seq: number; rttMs: number | null; atMs: number }[];
  metrics: PingMetrics;
}

export interface Iperf3Options {
  /** Test length in seconds (default 5). */
  durationS?: number;
  protocol?: 'tcp' | 'udp';
  /** Target bitrate in iperf3's notation, e.g. '10M' (UDP defaults to '1M'). */
  bitrate?: string;
  /** Parallel streams (-P). */
  parallel?: number;
  /** The server sends (-R). */
  reverse?: boolean;
  /** Seconds of warm-up left out of the result (-O). */
  omitS?: number;
  family?: Family;
  /** Server port (default: 5201, 5202, … per lab). */
  port?: number;
  /** Kill the client after this long (default: duration + omit + 30 s). */
  timeoutMs?: number;
}

export interface Iperf3Metrics {
  throughput: number;
  sent: number;
  retransmits: number | null;
  jitter: number | null;
  loss: number | null;
  lost_packets: number | null;
}

/** The parser's fields an iperf3 measurement carries as they are (rates in bit/s, jitter in ms). */
const IPERF3_FIELDS = ['protocol', 'durationS', 'throughputBitPerSec', 'sentBitPerSec', 'retransmits', 'jitterMs', 'lostPackets', 'intervals'] as const;
type Iperf3Fields = (typeof IPERF3_FIELDS)[number];

export interface Iperf3Measurement extends Pick<Iperf3Result, Iperf3Fields> {
  kind: 'iperf3';
  client: string;
  server: string;
  /** UDP only: lost datagrams in percent; null for TCP. */
  lossPct: number | null;
  /** UDP only: datagrams sent and lost, for the "~N%" check; undefined for TCP. */
  lossCounts?: LossCounts;
  metrics: Iperf3Metrics;
}

export interface ReachOptions {
  /** Families to probe; default: every family the lab addresses. */
  family?: Family;
  /** Seconds each probe waits for its reply (default 2). */
  timeoutS?: number;
}

export interface ReachMetrics {
  pairs: number;
  unreachable: number;
}

export interface ReachMeasurement {
  kind: 'reach';
  pairs: ReachPair[];
  /** Every pair answered. */
  allReachable: boolean;
  unreachablePairs: ReachPair[];
  metrics: ReachMetrics;
}

export type AnyMeasurement = PingMeasurement | Iperf3Measurement | ReachMeasurement;

function pick<T, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

function bad(message: string, hint: string): NslabError {
  return new NslabError('E_BAD_ARGUMENT', message, { hint });
}

export function requireNodeName(v: unknown, what: string): string {
  if (typeof v !== 'string' || v === '') throw bad(`${what} must be a node name (a string), not ${describeValue(v)}`, "e.g. lab.ping('h1', 'h2')");
  return v;
}

function requireOptions<T extends object>(v: unknown, what: string, allowed: (keyof T)[]): Partial<T> {
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw bad(`${what} options must be an object, not ${describeValue(v)}`, `keys: ${allowed.join(', ')}`);
  const unknown = Object.keys(v).filter((k) => !(allowed as string[]).includes(k));
  if (unknown.length) throw bad(`${what} has no option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`, `keys: ${allowed.join(', ')}`);
  return v as Partial<T>;
}

function positive(v: unknown, what: string, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v)))
    throw bad(`${what} must be a positive ${integer ? 'integer' : 'number'}, not ${describeValue(v)}`, `e.g. ${what}: ${integer ? 10 : 0.5}`);
  return v;
}

function family(v: unknown): Family | undefined {
  if (v === undefined || v === 4 || v === 6) return v;
  throw bad(`family must be 4 or 6, not ${describeValue(v)}`, 'leave it out for IPv4 (IPv6 when the node has no IPv4)');
}

function requireNode(lab: Lab, name: string): void {
  lab.netnsOf(name); // throws E_UNKNOWN_NODE with the node list as hint
}

export async function pingOnLab(lab: Lab, from: unknown, to: unknown, options?: unknown): Promise<PingMeasurement> {
  const f = requireNodeName(from, 'ping: from');
  const t = requireNodeName(to, 'ping: to');
  const o = requireOptions<PingOptions>(options, 'ping', ['count', 'intervalMs', 'sizeBytes', 'family', 'timeoutMs']);
  requireNode(lab, f);
  // `to` may be an address as in scenario files; anything else must be a node.
  if (!/^[0-9a-fA-F:.]+$/.test(t)) requireNode(lab, t);
  const count = positive(o.count, 'count', true) ?? PING_DEFAULTS.count;
  const intervalS = (positive(o.intervalMs, 'intervalMs', false) ?? PING_DEFAULTS.intervalS * 1000) / 1000;
  const m = await measurePing(lab, { from: f, to: t, count, intervalS, family: family(o.family), size: positive(o.sizeBytes, 'sizeBytes', true) }, { timeoutMs: positive(o.timeoutMs, 'timeoutMs', false) });
  const p = m.ping;
  return {
    kind: 'ping',
    from: f,
    to: t,
    address: m.address,
    ...pick(p, PING_FIELDS),
    reachable: p.received > 0,
    lossCounts: m.counts.loss,
    samples: m.series?.rttMs ?? [],
    metrics: m.metrics as unknown as PingMetrics,
  };
}

export async function iperf3OnLab(lab: Lab, client: unknown, server: unknown, port: number, options?: unknown): Promise<Iperf3Measurement> {
  const c = requireNodeName(client, 'iperf3: client');
  const s = requireNodeName(server, 'iperf3: server');
  const o = requireOptions<Iperf3Options>(options, 'iperf3', ['durationS', 'protocol', 'bitrate', 'parallel', 'reverse', 'omitS', 'family', 'port', 'timeoutMs']);
  requireNode(lab, c);
  requireNode(lab, s);
  if (c === s) throw new NslabError('E_SAME_NODE', `iperf3: client and server are both '${c}'`, { hint: 'measure between two nodes' });
  if (o.protocol !== undefined && o.protocol !== 'tcp' && o.protocol !== 'udp') throw bad(`protocol must be 'tcp' or 'udp', not ${describeValue(o.protocol)}`, "e.g. { protocol: 'udp', bitrate: '10M' }");
  if (o.bitrate !== undefined && (typeof o.bitrate !== 'string' || !/^\d+(\.\d+)?[KMGkmg]?$/.test(o.bitrate)))
    throw bad(`bitrate must be iperf3's notation as a string, not ${describeValue(o.bitrate)}`, "e.g. '10M' or '500K'");
  if (o.reverse !== undefined && typeof o.reverse !== 'boolean') throw bad(`reverse must be true or false, not ${describeValue(o.reverse)}`, '{ reverse: true } makes the server send');
  const m = await measureIperf3(
    lab,
    {
      client: c,
      server: s,
      durationS: positive(o.durationS, 'durationS', false) ?? IPERF3_DEFAULTS.durationS,
      protocol: o.protocol ?? IPERF3_DEFAULTS.protocol,
      bitrate: o.bitrate,
      parallel: positive(o.parallel, 'parallel', true),
      reverse: o.reverse,
      omitS: positive(o.omitS, 'omitS', false),
      family: family(o.family),
      port: positive(o.port, 'port', true),
    },
    { port, timeoutMs: positive(o.timeoutMs, 'timeoutMs', false) },
  );
  const p = m.iperf3;
  return {
    kind: 'iperf3',
    client: c,
    server: s,
    ...pick(p, IPERF3_FIELDS),
    lossPct: p.lostPct,
    ...(m.counts.loss ? { lossCounts: m.counts.loss } : {}),
    metrics: m.metrics as unknown as Iperf3Metrics,
  };
}

function nodeList(lab: Lab, v: unknown, what: string): string[] {
  if (v === 'all') return lab.topology.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) throw bad(`reach: ${what} must be a node name, a non-empty array of them, or 'all', not ${describeValue(v)}`, "e.g. lab.reach('all', 'all') or lab.reach('h1', ['h2', 'h3'])");
  for (const n of list) requireNode(lab, requireNodeName(n, `reach: ${what}`));
  return list as string[];
}

export async function reachOnLab(lab: Lab, from: unknown, to: unknown, options?: unknown): Promise<ReachMeasurement> {
  const f = nodeList(lab, from, 'from');
  const t = nodeList(lab, to, 'to');
  const o = requireOptions<ReachOptions>(options, 'reach', ['family', 'timeoutS']);
  const fam = family(o.family);
  // The same families a scenario's reach step probes.
  const families = fam ? [fam] : ([4, 6] as const).filter((x) => lab.topology.addressing[x === 4 ? 'ipv4' : 'ipv6']);
  // timeoutS: how long a silent pair is waited for in all, over two attempts (a lost probe is not an answer).
  const timeoutS = positive(o.timeoutS, 'timeoutS', false);
  const pairs = await lab.reachPairs({ from: f, to: t, families: [...families], ...(timeoutS ? { timeoutsS: [timeoutS / 2, timeoutS / 2] } : {}) });
  const unreachablePairs = pairs.filter((p) => !p.reachable);
  return { kind: 'reach', pairs, allReachable: unreachablePairs.length === 0, unreachablePairs, metrics: { pairs: pairs.length, unreachable: unreachablePairs.length } };
}

// ---- expectations ----

/** Typed field names accepted as well as the scenario's metric names: { lossPct: '<= 5%' } = { loss: '<= 5%' }. */
const FIELD_TO_METRIC: Record<string, string> = {
  lossPct: 'loss',
  rttMinMs: 'rtt_min',
  rttAvgMs: 'rtt_avg',
  rttMaxMs: 'rtt_max',
  rttMdevMs: 'rtt_mdev',
  rttP50Ms: 'rtt_p50',
  rttP95Ms: 'rtt_p95',
  outOfOrder: 'out_of_order',
  throughputBitPerSec: 'throughput',
  sentBitPerSec: 'sent',
  jitterMs: 'jitter',
  lostPackets: 'lost_packets',
};

const METRICS_OF: Record<AnyMeasurement['kind'], string[]> = { ping: [...METRICS.ping, 'transmitted'], iperf3: METRICS.iperf3, reach: ['pairs', 'unreachable'] };

/** Expectations by metric: '<= 5%', '40ms ± 2ms', '38ms..46ms', '>= 9mbit', '~10%' (binomial loss check), '== 0'; `reachable: true`. */
export type MetricExpectations = Record<string, string | number | boolean>;

function isMeasurement(v: unknown): v is AnyMeasurement {
  const m = v as Partial<AnyMeasurement> | null;
  return !!m && typeof m === 'object' && typeof m.kind === 'string' && m.kind in METRICS_OF && !!m.metrics && typeof m.metrics === 'object';
}

/**
 * Check a measurement against expectations, as a scenario's `expect:` block would, and return every outcome
 * (passed or not). Throws only for a wrong argument, an unknown metric or an expectation that does not parse.
 */
export function checkMetrics(result: AnyMeasurement, expectations: MetricExpectations): CheckOutcome[] {
  if (!isMeasurement(result)) throw bad(`expectMetrics needs the result of lab.ping, lab.iperf3 or lab.reach, not ${describeValue(result)}`, "e.g. expectMetrics(await lab.ping('h1', 'h2'), { loss: '== 0%' })");
  if (!expectations || typeof expectations !== 'object' || Array.isArray(expectations) || Object.keys(expectations).length === 0)
    throw bad(`expectations must be a non-empty object of metric: expectation, not ${describeValue(expectations)}`, "e.g. { loss: '<= 5%', rtt_p50: '40ms ± 2ms' }");
  const allowed = METRICS_OF[result.kind];
  const checks: MetricCheck[] = [];
  for (const [key, value] of Object.entries(expectations)) {
    const metric = FIELD_TO_METRIC[key] ?? key;
    if (!allowed.includes(metric))
      throw new NslabError('E_EXPECT_METRIC', `a ${result.kind} measurement has no metric '${key}'`, { hint: `metrics of ${result.kind}: ${allowed.join(', ')}` });
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw bad(`the expectation for ${key} must be a string such as '<= 5%', not ${describeValue(value)}`, "forms: '< 5%', '40ms ± 2ms', '38ms..46ms', '>= 9mbit', '~10%', '== 0'");
    const c = parseMetricCheck(metric, value);
    checks.push({ ...c, metric: key });
  }
  const metrics: Record<string, MetricValue> = {};
  const counts: Record<string, LossCounts> = {};
  const lossCounts = 'lossCounts' in result ? result.lossCounts : undefined;
  for (const key of Object.keys(expectations)) {
    const metric = FIELD_TO_METRIC[key] ?? key;
    metrics[key] = (result.metrics as unknown as Record<string, MetricValue>)[metric];
    if (metric === 'loss' && lossCounts) counts[key] = lossCounts;
  }
  return evaluateChecks(checks, metrics, counts, {});
}

/** Describe a measurement for messages: "ping h1 → h2", "iperf3 h1 → h2". */
function describeMeasurement(r: AnyMeasurement): string {
  if (r.kind === 'ping') return `ping ${r.from} → ${r.to}`;
  if (r.kind === 'iperf3') return `iperf3 ${r.client} → ${r.server}`;
  return 'reach';
}

/**
 * Assert a measurement meets every expectation, with the scenario's expectation forms and statistics (the
 * "~N%" loss form passes when N lies in the 99% binomial interval of lost/sent). Returns the outcomes when all
 * pass; otherwise throws NslabError E_EXPECTATION_FAILED listing every failed check, expected against measured.
 */
export function expectMetrics(result: AnyMeasurement, expectations: MetricExpectations): CheckOutcome[] {
  const outcomes = checkMetrics(result, expectations);
  const failed = outcomes.filter((o) => !o.ok);
  if (failed.length) {
    const lines = failed.map((o) => `${o.metric}: expected ${o.expected}, measured ${o.measured}`);
    throw new NslabError('E_EXPECTATION_FAILED', `${describeMeasurement(result)}: ${failed.length} of ${outcomes.length} expectation${outcomes.length > 1 ? 's' : ''} failed\n  ${lines.join('\n  ')}`, {
      hint: 'the measurement is in the error’s details.measurement; the checks in details.checks',
      details: { checks: outcomes, measurement: result },
    });
  }
  return outcomes;
}
