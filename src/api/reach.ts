// Reachability matrix (pingall and segmentation checks), shared by the scenario `reach` step and lab.reach():
// every (source, target, family) is echoed by one prober process (exec/prober.ts) with a bounded window and
// retries, so a lost probe is not read as "unreachable" and an all-pairs matrix of 200 hosts costs one process.
// Where the prober cannot run (no perl, an unknown architecture), ping(8) does it, still bounded and retried.

import { availableParallelism } from 'node:os';
import { formatAddress, type Family, type ResolvedNode } from '../model/index.js';
import { probeEcho, DEFAULT_PROBE_TIMEOUTS_S, DEFAULT_PROBE_WINDOW, type ProbeTarget } from '../exec/prober.js';
import type { Runner } from '../sys/index.js';
import type { Lab } from './lab.js';

export interface ReachPair {
  from: string;
  to: string;
  family: Family;
  address: string;
  reachable: boolean;
}

export interface ReachMatrixOptions {
  from: string[];
  to: string[];
  families?: Family[];
  /** Probes in flight at once (default 64). */
  window?: number;
  /** Seconds per attempt; the number of entries is the number of attempts (default 1, 1, 2: 4 s for a dead pair). */
  timeoutsS?: number[];
}

/** The address a node is reached by: its first interface's first address of the family. */
export function nodeAddress(n: ResolvedNode, family: Family): string | undefined {
  for (const i of n.interfaces) {
    const c = family === 4 ? i.ipv4[0] : i.ipv6[0];
    if (c) return formatAddress(family, c.address);
  }
  return undefined;
}

/** The (from, to, family) pairs of a matrix, in source order, skipping a node to itself and missing addresses. */
export function reachTargets(nodes: readonly ResolvedNode[], opts: ReachMatrixOptions): Omit<ReachPair, 'reachable'>[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const families = opts.families ?? [4, 6];
  const out: Omit<ReachPair, 'reachable'>[] = [];
  for (const from of opts.from)
    for (const to of opts.to) {
      if (to === from) continue;
      for (const family of families) {
        const address = nodeAddress(byName.get(to)!, family);
        if (address) out.push({ from, to, family, address });
      }
    }
  return out;
}

export async function reachMatrix(lab: Lab, runner: Runner, opts: ReachMatrixOptions): Promise<ReachPair[]> {
  const pairs = reachTargets(lab.topology.nodes, opts);
  const targets: ProbeTarget[] = pairs.map((p) => ({ netns: lab.netnsOf(p.from), family: p.family, address: p.address }));
  const timeoutsS = opts.timeoutsS ?? DEFAULT_PROBE_TIMEOUTS_S;
  // Every addressed node may hold entries the matrix made (targets, and routers on routed paths' first and last hops).
  const namespaces = lab.topology.nodes.filter((n) => n.interfaces.some((i) => i.ipv4.length || i.ipv6.length)).map((n) => n.netns);
  const ok = (await probeEcho(runner, targets, { window: opts.window, timeoutsS, namespaces })) ?? (await pingEach(lab, pairs, opts.window ?? DEFAULT_PROBE_WINDOW, timeoutsS));
  return pairs.map((p, i) => ({ ...p, reachable: ok[i] }));
}

/** The fallback: one shell per source (a pool sized from the cores), at most `window` pings in flight overall. */
async function pingEach(lab: Lab, pairs: Omit<ReachPair, 'reachable'>[], window: number, timeoutsS: number[]): Promise<boolean[]> {
  const ok = new Array<boolean>(pairs.length).fill(false);
  const sources = [...new Set(pairs.map((p) => p.from))];
  const shells = Math.max(1, Math.min(sources.length, availableParallelism() * 2));
  const perShell = Math.max(1, Math.floor(window / shells));
  for (const waitS of timeoutsS) {
    const todo = sources.map((from) => ({ from, idx: pairs.flatMap((p, i) => (p.from === from && !ok[i] ? [i] : [])) })).filter((s) => s.idx.length);
    if (!todo.length) break;
    let next = 0;
    await Promise.all(
      Array.from({ length: shells }, async () => {
        while (next < todo.length) {
          const { from, idx } = todo[next++];
          // Addresses come from the resolved topology (validated) and reach the shell as arguments, never as script text.
          const script = `printf '%s\\n' "$@" | xargs -P ${perShell} -n 1 sh -c 'ping -n -q -c 1 -W ${Math.ceil(waitS)} "$1" >/dev/null 2>&1 && echo "OK $1"' ping`;
          const r = await lab.exec(from, ['sh', '-c', script, 'reach', ...idx.map((i) => pairs[i].address)], { timeoutMs: (Math.ceil(idx.length / perShell) * waitS + 10) * 1000 });
          const got = new Set([...r.stdout.matchAll(/^OK (\S+)$/gm)].map((m) => m[1]));
          for (const i of idx) if (got.has(pairs[i].address)) ok[i] = true;
        }
      }),
    );
  }
  return ok;
}
