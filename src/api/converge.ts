// Convergence: a lab is converged when every host reaches every host (the bounded, retried reach) and the routers'
// routing tables have stayed the same for a settle time. Routing daemons keep changing routes after the first
// packets pass (a better path arrives, ECMP fills in), so reachability alone would call it early.

import { NslabError, type Family, type ResolvedTopology } from '../model/index.js';
import type { Lab } from './lab.js';
import type { ReachPair } from './reach.js';

export interface ConvergeOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** How long the routes must stay unchanged once every pair is reachable (default 1 s). */
  settleMs?: number;
  signal?: AbortSignal;
}

export interface ConvergeResult {
  converged: boolean;
  /** From the call until every pair was reachable with the routes that then held still; the time taken if not converged. */
  timeMs: number;
  rounds: number;
  /** The pairs that failed in the last round (empty when converged). */
  unreachable: ReachPair[];
}

// One probe per pair per round, short: a round is a snapshot, and the next round retries anyway.
const ROUND_TIMEOUTS_S = [0.5, 0.5];

/** Each router's main routing tables (v4 and v6) as one string, without fields that age by themselves. */
async function routeSnapshot(lab: Lab): Promise<string> {
  const tables = await lab.routeTables();
  return [...tables].map(([name, text]) => `${name}\n${text.replace(/"expires":\d+,?/g, '')}`).join('\n');
}

/** A lab whose routers run a routing protocol (FRR): it is usable only once the protocol has converged. */
export function isRouted(t: ResolvedTopology): boolean {
  return (t.services ?? []).some((s) => s.feature === 'frr');
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((res) => {
    if (ms <= 0 || signal?.aborted) return res();
    // The listener goes when the timer fires: a wait of many rounds would otherwise pile one up per round.
    const onAbort = () => (clearTimeout(t), res());
    const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), res()), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export async function waitConverged(lab: Lab, opts: ConvergeOptions = {}): Promise<ConvergeResult> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const settleMs = opts.settleMs ?? 1_000;
  const t0 = performance.now();
  const hosts = lab.topology.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
  const families = ([4, 6] as Family[]).filter((f) => lab.topology.addressing[f === 4 ? 'ipv4' : 'ipv6']);
  let rounds = 0;
  let unreachable: ReachPair[] = [];
  let stableSince: { atMs: number; routes: string } | undefined;
  while (!opts.signal?.aborted) {
    rounds++;
    const before = await routeSnapshot(lab);
    const pairs = await lab.reachPairs({ from: hosts, to: hosts, families, timeoutsS: ROUND_TIMEOUTS_S });
    const reachedMs = performance.now() - t0;
    unreachable = pairs.filter((p) => !p.reachable);
    const after = await routeSnapshot(lab);
    if (!unreachable.length && before === after) {
      if (stableSince && stableSince.routes === after && reachedMs - stableSince.atMs >= settleMs) return { converged: true, timeMs: stableSince.atMs, rounds, unreachable };
      if (!stableSince || stableSince.routes !== after) stableSince = { atMs: reachedMs, routes: after };
      // Wait out the rest of the settle time, then look again.
      await sleep(Math.min(settleMs - (performance.now() - t0 - stableSince.atMs), timeoutMs - (performance.now() - t0)), opts.signal);
    } else stableSince = undefined;
    if (performance.now() - t0 >= timeoutMs) break;
    if (unreachable.length) await sleep(Math.min(200, timeoutMs - (performance.now() - t0)), opts.signal);
  }
  if (opts.signal?.aborted) throw new NslabError('E_INTERRUPTED', 'interrupted while waiting for convergence');
  return { converged: false, timeMs: performance.now() - t0, rounds, unreachable };
}
