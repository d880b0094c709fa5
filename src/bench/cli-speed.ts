// How fast the CLI answers: `nslab ls` and `nslab exec LAB h1 -- true` against `node -e 0`, with labs of 21 and
// 201 nodes up. Measured as ratios in one run, the three commands alternating, so that a loaded machine slows
// all three alike; the goal is ≤ 1.5× node's own start-up at any lab size.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../api/index.js';
import { generated } from './nslab.js';
import { runTimed } from './spawn.js';
import { median } from './stats.js';

export interface CliSpeed {
  /** Nodes in the lab that was up while measuring. */
  nodes: number;
  nodeStartMs: number[];
  lsMs: number[];
  execMs: number[];
  /**
   * Instructions executed (callgrind, children included), one run each, where valgrind is installed: a count that
   * does not depend on what else the machine is doing, unlike the wall times above (the same total twice here, with
   * the other core loaded). Undefined without valgrind.
   */
  instructions?: { nodeStart: number; ls: number; exec: number };
}

/** Instructions a command executes, its children included, counted by callgrind; undefined without valgrind. */
async function instructionsOf(file: string, args: string[]): Promise<number | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'nslab-cg-'));
  try {
    const r = await runTimed('valgrind', ['--tool=callgrind', '--trace-children=yes', `--callgrind-out-file=${dir}/cg.%p`, file, ...args], { timeoutMs: 300_000 });
    const counts = [...r.stderr.matchAll(/Collected : (\d+)/g)].map((m) => Number(m[1]));
    return r.exitCode === 0 && counts.length ? counts.reduce((a, b) => a + b, 0) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const CLI_SPEED_GOAL = 1.5;

/** One lab per size (single,N: N hosts and a switch), `runs` alternating rounds each, lab torn down after. */
export async function cliSpeed(cliPath: string, hostsPerLab: number[], runs: number, signal: AbortSignal, owned: { labs: Set<string> }): Promise<CliSpeed[]> {
  const out: CliSpeed[] = [];
  for (const hosts of hostsPerLab) {
    if (signal.aborted) break;
    const name = `bcli${hosts}`;
    owned.labs.add(name);
    const lab = await Lab.up(generated(name, `single,${hosts}`), { signal });
    try {
      const m: CliSpeed = { nodes: lab.topology.nodes.length, nodeStartMs: [], lsMs: [], execMs: [] };
      for (let i = 0; i < runs && !signal.aborted; i++) {
        m.nodeStartMs.push((await runTimed(process.execPath, ['-e', '0'])).wallMs);
        const ls = await runTimed(process.execPath, [cliPath, 'ls']);
        if (ls.exitCode !== 0 || !ls.stdout.includes(name)) throw new Error(`nslab ls: exit ${ls.exitCode} ${ls.stderr}`);
        m.lsMs.push(ls.wallMs);
        const ex = await runTimed(process.execPath, [cliPath, 'exec', name, 'h1', '--', 'true']);
        if (ex.exitCode !== 0) throw new Error(`nslab exec: exit ${ex.exitCode} ${ex.stderr}`);
        m.execMs.push(ex.wallMs);
      }
      const node = await instructionsOf(process.execPath, ['-e', '0']);
      const ls = node && (await instructionsOf(process.execPath, [cliPath, 'ls']));
      const exec = ls && (await instructionsOf(process.execPath, [cliPath, 'exec', name, 'h1', '--', 'true']));
      if (node && ls && exec) m.instructions = { nodeStart: node, ls, exec };
      out.push(m);
    } finally {
      await lab.down();
      owned.labs.delete(name);
    }
  }
  return out;
}

/** Goal lines for the bench's table: each command's median over node's median, per lab size. */
export function cliSpeedGoals(results: CliSpeed[]): { goal: string; value: string; target: string; met: boolean }[] {
  return results.flatMap((r) => {
    const node = median(r.nodeStartMs);
    return (['ls', 'exec'] as const).map((cmd) => {
      const ms = median(cmd === 'ls' ? r.lsMs : r.execMs);
      return {
        goal: `nslab ${cmd} vs node -e 0, ${r.nodes}-node lab up`,
        value: `${ms.toFixed(0)} / ${node.toFixed(0)} ms = ${(ms / node).toFixed(2)} (medians of ${r.nodeStartMs.length})`,
        target: `≤ ${CLI_SPEED_GOAL}`,
        met: ms / node <= CLI_SPEED_GOAL,
      };
    });
  }).concat(
    results.flatMap((r) =>
      !r.instructions
        ? []
        : (['ls', 'exec'] as const).map((cmd) => {
            const { nodeStart, [cmd]: n } = r.instructions!;
            return {
              goal: `nslab ${cmd} vs node -e 0, ${r.nodes}-node lab up, by instructions (callgrind)`,
              value: `${(n / 1e6).toFixed(0)}M / ${(nodeStart / 1e6).toFixed(0)}M = ${(n / nodeStart).toFixed(2)}`,
              target: `≤ ${CLI_SPEED_GOAL}`,
              met: n / nodeStart <= CLI_SPEED_GOAL,
            };
          }),
    ),
  );
}
