// The console's pingall on single,50 (50 hosts: 2450 pairs), as a user types it: `nslab console LAB` with the line
// `pingall` against the same console given no line (start-up and exit), alternating; the difference is pingall's
// own time. Goal (issue 14): under 2 s, and correct (every pair received).

import { Lab } from '../api/index.js';
import { generated } from './nslab.js';
import { runTimed } from './spawn.js';
import { median } from './stats.js';

export interface ConsoleSpeed {
  hosts: number;
  pingallMs: number[];
  emptyMs: number[];
  summary: string;
}

export const CONSOLE_PINGALL_GOAL_MS = 2000;

export async function consoleSpeed(cliPath: string, hosts: number, runs: number, signal: AbortSignal, owned: { labs: Set<string> }): Promise<ConsoleSpeed> {
  const name = `bcon${hosts}`;
  owned.labs.add(name);
  const lab = await Lab.up(generated(name, `single,${hosts}`), { signal });
  try {
    const m: ConsoleSpeed = { hosts, pingallMs: [], emptyMs: [], summary: '' };
    const pairs = hosts * (hosts - 1);
    for (let i = 0; i < runs && !signal.aborted; i++) {
      m.emptyMs.push((await runTimed(process.execPath, [cliPath, 'console', name], { input: '' })).wallMs);
      const r = await runTimed(process.execPath, [cliPath, 'console', name], { input: 'pingall\n' });
      m.summary = r.stdout.trim().split('\n').pop() ?? '';
      if (r.exitCode !== 0 || m.summary !== `*** Results: 0% dropped (${pairs}/${pairs} received)`) throw new Error(`console pingall: exit ${r.exitCode}: ${m.summary} ${r.stderr}`);
      m.pingallMs.push(r.wallMs);
    }
    return m;
  } finally {
    await lab.down();
    owned.labs.delete(name);
  }
}

export function consoleSpeedGoal(m: ConsoleSpeed): { goal: string; value: string; target: string; met: boolean } {
  const own = median(m.pingallMs) - median(m.emptyMs);
  return {
    goal: `console pingall, single,${m.hosts}`,
    value: `${own.toFixed(0)} ms (console with pingall ${median(m.pingallMs).toFixed(0)} ms - without ${median(m.emptyMs).toFixed(0)} ms, medians of ${m.pingallMs.length}); ${m.summary}`,
    target: `< ${CONSOLE_PINGALL_GOAL_MS} ms`,
    met: own < CONSOLE_PINGALL_GOAL_MS,
  };
}
