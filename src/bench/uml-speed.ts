// `run --kernel uml` speed (issue 15): the wan lab's build through the UML agent against the same lab on the host
// kernel (its start has only `rate`, which htb serves on both), the fixed cost of a UML lab (boot, agent hello, a
// one-node lab up and down, halt), and the agent's round trip. Host and UML alternate in each round, so that a
// loaded machine slows both alike; the goals are ratios and a bound, checked on medians.

import { Lab } from '../api/index.js';
import { StateStore } from '../sys/index.js';
import { agentStateDir, UmlAgent } from '../sys/uml-agent.js';
import { loadTopologyText } from '../topology/index.js';
import { median } from './stats.js';

/** scenarios/wan.yaml's topology, under a bench name. */
const WAN = `name: bumlwan
nodes:
  client: {}
  r1: { kind: router }
  r2: { kind: router }
  server: {}
links:
  - [client, r1]
  - endpoints: [r1, r2]
    rate: 20mbit
  - [r2, server]
`;
const ONE = 'name: bumlone\nnodes:\n  h1: {}\n';

export interface UmlSpeed {
  hostUpMs: number[];
  umlUpMs: number[];
  /** boot + agent hello + one-node lab up and down + halt. */
  fixedMs: number[];
  bootMs: number[];
  echoMs: number[];
}

export const UML_UP_RATIO_GOAL = 3;
export const UML_FIXED_GOAL_MS = 5_000;

export async function umlSpeed(runs: number, signal: AbortSignal, owned: { labs: Set<string> }): Promise<UmlSpeed> {
  const m: UmlSpeed = { hostUpMs: [], umlUpMs: [], fixedMs: [], bootMs: [], echoMs: [] };
  for (let i = 0; i < runs && !signal.aborted; i++) {
    owned.labs.add('bumlwan');
    let t = performance.now();
    const host = await Lab.up(loadTopologyText(WAN, 'wan.yaml'), { signal });
    m.hostUpMs.push(performance.now() - t);
    await host.down();

    t = performance.now();
    const agent = await UmlAgent.boot();
    try {
      m.bootMs.push(agent.bootMs);
      const e = performance.now();
      await agent.echo();
      m.echoMs.push(performance.now() - e);
      const deps = { runner: agent.runner, store: new StateStore(agentStateDir(agent)) };
      const one = await Lab.up(loadTopologyText(ONE, 'one.yaml'), deps);
      await one.down();
      const u = performance.now();
      const wan = await Lab.up(loadTopologyText(WAN, 'wan.yaml'), deps);
      m.umlUpMs.push(performance.now() - u);
      await wan.down();
    } finally {
      await agent.close();
    }
    // The wan build is not part of the fixed cost: take it out.
    m.fixedMs.push(performance.now() - t - m.umlUpMs[m.umlUpMs.length - 1]);
  }
  return m;
}

export function umlSpeedGoals(s: UmlSpeed): { goal: string; value: string; target: string; met: boolean }[] {
  const ratio = median(s.umlUpMs) / median(s.hostUpMs);
  const fixed = median(s.fixedMs);
  return [
    {
      goal: 'wan lab-up under UML against the host kernel',
      value: `${ratio.toFixed(2)}× (${Math.round(median(s.umlUpMs))} vs ${Math.round(median(s.hostUpMs))} ms)`,
      target: `≤ ${UML_UP_RATIO_GOAL}×`,
      met: ratio <= UML_UP_RATIO_GOAL,
    },
    {
      goal: 'fixed cost of a UML lab (boot, agent, up+down of one node, halt)',
      value: `${Math.round(fixed)} ms (boot ${Math.round(median(s.bootMs))} ms, agent round trip ${median(s.echoMs).toFixed(2)} ms)`,
      target: `< ${UML_FIXED_GOAL_MS} ms`,
      met: fixed < UML_FIXED_GOAL_MS,
    },
  ];
}
