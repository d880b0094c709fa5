// Traffic measurements on a running lab — ping and iperf3 — as the scenario steps and the library's lab.ping /
// lab.iperf3 both run them: one command line, one parser, one set of metric names. Orchestrates through Lab
// (exec/start); the parsing is in parse/.

import { NslabError } from '../model/index.js';
import type { Lab } from '../api/index.js';
import type { ManagedProcess, RunResult } from '../sys/index.js';
import type { LossCounts } from './expect.js';
import type { MetricValue } from './checks.js';
import type { StepResult, StepSpec } from './model.js';
import { outageMs, parseIperf3, parsePing, type Iperf3Result, type PingResult } from './parse/index.js';
import { nodeAddress } from './reach.js';

export type PingSpec = Omit<Extract<StepSpec, { kind: 'ping' }>, 'kind'>;
export type Iperf3Spec = Omit<Extract<StepSpec, { kind: 'iperf3' }>, 'kind'>;

/** Defaults of a ping: the scenario step's and lab.ping's. */
export const PING_DEFAULTS = { count: 10, intervalS: 0.2 } as const;
/** Defaults of an iperf3 test: the scenario step's and lab.iperf3's. */
export const IPERF3_DEFAULTS = { durationS: 5, protocol: 'tcp' } as const;

/** What a measurement gives a scenario step: metrics by their scenario names, loss counts, series, a summary. */
export interface Measurement {
  metrics: Record<string, MetricValue>;
  /** Packet counts behind the loss metrics, for the "~N%" binomial check. */
  counts: Record<string, LossCounts>;
  series?: StepResult['series'];
  message?: string;
}

/** A node's address (IPv4 unless `family` says otherwise, IPv6 when it has no IPv4), or `to` itself if not a node. */
export function targetAddress(lab: Lab, to: string, family?: 4 | 6): string {
  const node = lab.topology.nodes.find((n) => n.name === to);
  if (!node) return to;
  const a = nodeAddress(node, family ?? 4) ?? (family ? undefined : nodeAddress(node, 6));
  if (!a) throw new NslabError('E_NO_ADDRESS', `node '${to}' has no IPv${family ?? 4} address`, { hint: 'pick another family or node' });
  return a;
}

export async function stopProcess(p: ManagedProcess): Promise<RunResult> {
  p.kill('SIGTERM');
  const t = setTimeout(() => p.kill('SIGKILL'), 5000);
  const r = await p.done;
  clearTimeout(t);
  return r;
}

/** Ping `s.to` from `s.from`; `startMs` places the samples on the scenario's timeline. */
export async function measurePing(lab: Lab, s: PingSpec, opts: { timeoutMs?: number; startMs?: number } = {}): Promise<Measurement & { address: string; ping: PingResult }> {
  const address = targetAddress(lab, s.to, s.family);
  // -D: each reply's receive time, from which the outage is timed (outageMs).
  const argv = ['ping', '-n', '-D', '-c', String(s.count), '-i', String(s.intervalS), '-W', '2', ...(s.size !== undefined ? ['-s', String(s.size)] : []), address];
  const r = await lab.exec(s.from, argv, { timeoutMs: opts.timeoutMs ?? (s.count * s.intervalS + 15) * 1000 });
  if (r.exitCode > 1 && !/packets transmitted/.test(r.stdout))
    throw new NslabError('E_STEP', `ping failed (exit ${r.exitCode}): ${(r.stderr || r.stdout).trim().split('\n')[0]}`, { details: { command: r.command } });
  const p = parsePing(r.stdout);
  const startMs = opts.startMs ?? 0;
  const outage = outageMs(p.samples, p.transmitted, s.intervalS * 1000);
  return {
    address,
    ping: p,
    metrics: {
      loss: p.lossPct,
      rtt_min: p.rttMinMs,
      rtt_avg: p.rttAvgMs,
      rtt_max: p.rttMaxMs,
      rtt_mdev: p.rttMdevMs,
      rtt_p50: p.rttP50Ms,
      rtt_p95: p.rttP95Ms,
      duplicates: p.duplicates,
      out_of_order: p.outOfOrder,
      received: p.received,
      transmitted: p.transmitted,
      reachable: p.received > 0,
      // The failover gap: the longest stretch without replies, timed from ping -D (see outageMs).
      outage,
    },
    counts: { loss: { sent: p.transmitted, lost: p.transmitted - p.received } },
    series: { rttMs: p.samples.filter((x) => !x.dup).map((x) => ({ seq: x.seq, rttMs: x.rttMs, atMs: startMs + (x.seq - 1) * s.intervalS * 1000 })) },
    message: `${address}: ${p.received}/${p.transmitted} replies${p.longestLossRun ? `, outage ${Math.round(outage)} ms (${p.longestLossRun} probes in a row lost)` : ''}`,
  };
}

/** Run an iperf3 server on `s.server` (one test, then it exits) and a client on `s.client`, on `port`. */
export async function measureIperf3(lab: Lab, s: Iperf3Spec, opts: { port: number; timeoutMs?: number }): Promise<Measurement & { iperf3: Iperf3Result }> {
  const addr = targetAddress(lab, s.server, s.family);
  const port = s.port ?? opts.port;
  const server = lab.start(s.server, ['iperf3', '-s', '-1', '--forceflush', '-p', String(port)], { timeoutMs: (s.durationS + (s.omitS ?? 0) + 60) * 1000 });
  try {
    await server.waitForOutput(/Server listening/, 10_000);
    const argv = ['iperf3', '-c', addr, '-p', String(port), '-t', String(s.durationS), '-J'];
    if (s.protocol === 'udp') argv.push('-u', '-b', s.bitrate ?? '1M');
    else if (s.bitrate) argv.push('-b', s.bitrate);
    if (s.parallel) argv.push('-P', String(s.parallel));
    if (s.reverse) argv.push('-R');
    if (s.omitS) argv.push('-O', String(s.omitS));
    const r = await lab.exec(s.client, argv, { timeoutMs: opts.timeoutMs ?? (s.durationS + (s.omitS ?? 0) + 30) * 1000 });
    const p = parseIperf3(r.stdout || r.stderr);
    return {
      iperf3: p,
      metrics: {
        throughput: p.throughputBitPerSec,
        sent: p.sentBitPerSec,
        retransmits: p.retransmits,
        jitter: p.jitterMs,
        loss: p.lostPct,
        lost_packets: p.lostPackets,
      },
      counts: p.packets !== null && p.lostPackets !== null ? { loss: { sent: p.packets, lost: p.lostPackets } } : {},
      series: { throughput: p.intervals },
    };
  } finally {
    await stopProcess(server);
  }
}
