// `npm run bench -- --routing`: the routing goals of issue 13, measured with real FRR — a 4-router OSPF ring
// (all pairs reachable within 3 s of the links being up), a 50-router OSPF ring (converged within 20 s, FRR PSS per
// router under 10 MB, the orchestrator's CPU, down within 2 s), a 20-AS BGP chain (converged within 15 s), and the
// failover outages of scenarios/ospf-failover.yaml (carrier loss < 100 ms, silent failure < 4 s, with BFD < 1 s),
// each repeated, as medians with their spread.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Lab, waitConverged } from '../api/index.js';
import type { Journal } from '../model/index.js';
import { loadScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/run.js';
import { loadTopologyText } from '../topology/index.js';
import { median, spread } from './stats.js';

export interface RoutingGoal {
  goal: string;
  value: string;
  target: string;
  met: boolean;
}

/** A ring of `n` OSPF routers with a host on r1 and one half-way round. */
function ospfRing(name: string, n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => `  r${i + 1}: { kind: router }`).join('\n');
  const links = Array.from({ length: n }, (_, i) => `  - [r${i + 1}, r${((i + 1) % n) + 1}]`).join('\n');
  return `name: ${name}\nrouting: ospf\naddressing: { ipv4: 10.0.0.0/8 }\nnodes:\n${nodes}\n  h1: {}\n  h2: {}\nlinks:\n${links}\n  - [h1, r1]\n  - [h2, r${Math.floor(n / 2) + 1}]\n`;
}

/** A chain of `n` routers, each its own AS (eBGP on every link), a host at each end. */
function bgpChain(name: string, n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => `  r${i + 1}: { kind: router }`).join('\n');
  const links = Array.from({ length: n - 1 }, (_, i) => `  - [r${i + 1}, r${i + 2}]`).join('\n');
  return `name: ${name}\nrouting: bgp\naddressing: { ipv4: 10.0.0.0/8 }\nnodes:\n${nodes}\n  h1: {}\n  h2: {}\nlinks:\n${links}\n  - [h1, r1]\n  - [h2, r${n}]\n`;
}

/** Proportional set size (shared pages divided among their users) of a process, in kB. */
function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

interface Routed {
  /** From the links being up (the services stage starting) to converged: every pair reached, routes still. */
  fromLinksMs: number;
  upMs: number;
  convergeMs: number;
  downMs: number;
  pssPerRouterMb: number;
  /** The orchestrator's own CPU (user + system) from up to converged. */
  cpuMs: number;
  daemons: number;
}

/** Up, converge, measure, down: one routed lab. */
async function routedRun(text: string, owned: { labs: Set<string> }, signal: AbortSignal): Promise<Routed> {
  const topo = loadTopologyText(text, 'bench.yaml');
  owned.labs.add(topo.name);
  let servicesAt = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const lab = await Lab.up(topo, { onProgress: (phase) => (phase === 'services' && !servicesAt ? (servicesAt = performance.now()) : undefined), signal });
  const upMs = performance.now() - t0;
  try {
    const callAt = performance.now();
    const c = await waitConverged(lab, { timeoutMs: 120_000, signal });
    if (!c.converged) throw new Error(`${topo.name} did not converge in 120 s (${c.unreachable.length} pairs unreachable)`);
    const cpu = process.cpuUsage(cpu0);
    const pids = ((lab.journal() as Journal).processes ?? []).filter((p) => p.service).map((p) => p.pid);
    const routers = topo.nodes.filter((n) => n.kind === 'router').length;
    const pss = pids.reduce((a, p) => a + pssKb(p), 0);
    const result = { fromLinksMs: callAt + c.timeMs - servicesAt, upMs, convergeMs: c.timeMs, pssPerRouterMb: pss / 1024 / routers, cpuMs: (cpu.user + cpu.system) / 1000, daemons: pids.length };
    const d0 = performance.now();
    await lab.down();
    owned.labs.delete(topo.name);
    return { ...result, downMs: performance.now() - d0 };
  } catch (e) {
    await lab.down().catch(() => undefined);
    owned.labs.delete(topo.name);
    throw e;
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const stat = (xs: number[], fmt: (x: number) => string) => `median ${fmt(median(xs))}, spread ${(spread(xs) * 100).toFixed(0)}% (${xs.map(fmt).join(', ')})`;

export async function routingBench(reps: number, repoRoot: string, owned: { labs: Set<string> }, signal: AbortSignal): Promise<{ goals: RoutingGoal[]; runs: Record<string, unknown> }> {
  const goals: RoutingGoal[] = [];
  const runs: Record<string, unknown> = {};
  const log = (m: string) => console.log(`routing: ${m}`);

  const ring4: Routed[] = [];
  for (let i = 0; i < reps && !signal.aborted; i++) ring4.push(await routedRun(ospfRing('bring4', 4), owned, signal));
  runs.ring4 = ring4;
  const r4 = ring4.map((r) => r.fromLinksMs);
  log(`4-router OSPF ring: reachable after links up ${stat(r4, s)}`);
  goals.push({ goal: '4-router OSPF ring: all pairs reachable after the links are up', value: stat(r4, s), target: '< 3 s', met: median(r4) < 3000 });

  if (!signal.aborted) {
    const r50 = await routedRun(ospfRing('bring50', 50), owned, signal);
    runs.ring50 = r50;
    log(`50-router OSPF ring: ${JSON.stringify(r50)}`);
    goals.push({ goal: '50-router OSPF ring: converged after the links are up', value: s(r50.fromLinksMs), target: '< 20 s', met: r50.fromLinksMs < 20_000 });
    goals.push({ goal: '50-router OSPF ring: FRR PSS per router', value: `${r50.pssPerRouterMb.toFixed(1)} MB (${r50.daemons} daemons)`, target: '< 10 MB', met: r50.pssPerRouterMb < 10 });
    goals.push({ goal: '50-router OSPF ring: orchestrator CPU, up to converged', value: s(r50.cpuMs), target: '(reported)', met: true });
    goals.push({ goal: '50-router OSPF ring: down', value: s(r50.downMs), target: '< 2 s', met: r50.downMs < 2000 });
  }
  if (!signal.aborted) {
    const b20 = await routedRun(bgpChain('bbgp20', 20), owned, signal);
    runs.bgp20 = b20;
    log(`20-AS BGP chain: ${JSON.stringify(b20)}`);
    goals.push({ goal: '20-AS BGP chain: converged after the links are up', value: s(b20.fromLinksMs), target: '< 15 s', met: b20.fromLinksMs < 15_000 });
  }

  const outages: number[][] = [[], [], []];
  for (let i = 0; i < reps && !signal.aborted; i++) {
    const result = await runScenario(loadScenario(join(repoRoot, 'scenarios/ospf-failover.yaml')), { signal });
    const pings = result.steps.filter((x) => x.kind === 'ping').map((x) => x.metrics.outage);
    if (pings.length !== 3 || pings.some((x) => typeof x !== 'number')) throw new Error(`ospf-failover run ${i + 1}: ${result.status} ${String(result.error ?? '')}`);
    pings.forEach((x, k) => outages[k].push(x as number));
    log(`ospf-failover run ${i + 1}: outages ${pings.join(' / ')} ms (${result.status})`);
  }
  runs.failover = { carrierMs: outages[0], bfdMs: outages[1], silentMs: outages[2] };
  const ms = (x: number) => `${Math.round(x)} ms`;
  if (outages[0].length) {
    goals.push({ goal: 'failover, carrier loss (link down), 10 ms ping outage', value: stat(outages[0], ms), target: '< 100 ms', met: median(outages[0]) < 100 });
    goals.push({ goal: 'failover, silent (blackhole), lab timers', value: stat(outages[2], ms), target: '< 4 s', met: median(outages[2]) < 4000 });
    goals.push({ goal: 'failover, silent (blackhole), BFD', value: stat(outages[1], ms), target: '< 1 s', met: median(outages[1]) < 1000 });
  }
  return { goals, runs };
}
