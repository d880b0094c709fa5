// nslab through its library, as a user's program would call it: Lab.up and lab.down timed separately, with a
// runner that counts and times every process nslab starts and a progress hook that times each stage of the apply.

import { execFileSync } from 'node:child_process';
import { Lab } from '../api/index.js';
import type { ResolvedTopology } from '../model/index.js';
import { resolveRawTopology } from '../topology/index.js';
import { ExecaRunner, type ManagedProcess, type RunOptions, type RunResult, type Runner } from '../sys/index.js';
import { runTimed } from './spawn.js';

/** Every process nslab starts, with how long it ran: the profile of where the wall time goes. */
export interface SpawnRecord {
  what: string;
  /** performance.now() when it started. */
  startAtMs: number;
  wallMs: number;
  inputLines: number;
}

export class TimingRunner implements Runner {
  readonly inner = new ExecaRunner();
  records: SpawnRecord[] = [];
  get spawned(): number {
    return this.inner.spawned;
  }
  start(file: string, args: string[], opts?: { env?: Record<string, string>; timeoutMs?: number }): ManagedProcess {
    return this.inner.start(file, args, opts);
  }
  spawnDetached(file: string, args: string[], opts: { env?: Record<string, string>; logFile: string }): number {
    return this.inner.spawnDetached(file, args, opts);
  }
  async run(file: string, args: string[], opts?: RunOptions): Promise<RunResult> {
    const startAtMs = performance.now();
    const r = await this.inner.run(file, args, opts);
    this.records.push({ what: [file, ...args.slice(0, 4)].join(' '), startAtMs, wallMs: r.durationMs, inputLines: opts?.input ? opts.input.split('\n').length - 1 : 0 });
    return r;
  }
}

export function generated(name: string, topo: string): ResolvedTopology {
  return resolveRawTopology({ name, topo }, () => undefined, 'gen');
}

export interface NslabRun {
  upMs: number;
  downMs: number;
  upProcesses: number;
  downProcesses: number;
  /** Wall time of each stage of applyPlan; `prepare` is Lab.up before the first stage, `finish` after the last. */
  stageMs: Record<string, number>;
  /** Sum of the wall time of the processes nslab waited for, per stage (parallel workers overlap). */
  spawnMs: Record<string, number>;
  spawns: SpawnRecord[];
}

export async function runNslab(t: ResolvedTopology, signal?: AbortSignal): Promise<NslabRun> {
  const runner = new TimingRunner();
  const marks: { phase: string; at: number }[] = [];
  const t0 = performance.now();
  // Lab.up rolls back by itself when it fails or is interrupted: nothing to clean here in that case.
  const lab = await Lab.up(t, { runner, signal, onProgress: (phase) => marks.push({ phase, at: performance.now() }) });
  const upMs = performance.now() - t0;
  const upProcesses = runner.spawned;
  const upSpawns = [...runner.records];
  const t1 = performance.now();
  await lab.down();
  const downMs = performance.now() - t1;
  const stageMs: Record<string, number> = {};
  const spawnMs: Record<string, number> = {};
  const bounds = [{ phase: 'prepare', at: t0 }, ...marks];
  for (let i = 0; i < bounds.length; i++) {
    const end = i + 1 < bounds.length ? bounds[i + 1].at : t0 + upMs;
    const name = bounds[i].phase === 'done' ? 'finish' : bounds[i].phase;
    stageMs[name] = end - bounds[i].at;
    spawnMs[name] = upSpawns.filter((s) => s.startAtMs >= bounds[i].at && s.startAtMs < end).reduce((a, s) => a + s.wallMs, 0);
  }
  return { upMs, downMs, upProcesses, downProcesses: runner.spawned - upProcesses, stageMs, spawnMs, spawns: runner.records };
}

/** lab.exec(node, ['true']) against the bare `ip netns exec NS true`, alternating, `n` each. */
export async function execRoundTrips(lab: Lab, node: string, n: number): Promise<{ libMs: number[]; bareSyncMs: number[]; bareAsyncMs: number[] }> {
  const ns = lab.netnsOf(node);
  const libMs: number[] = [];
  const bareSyncMs: number[] = [];
  const bareAsyncMs: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    const r = await lab.exec(node, ['true']);
    libMs.push(performance.now() - t);
    if (r.exitCode !== 0) throw new Error(`lab.exec true: exit ${r.exitCode} ${r.stderr}`);
    t = performance.now();
    execFileSync('ip', ['netns', 'exec', ns, 'true']);
    bareSyncMs.push(performance.now() - t);
    // The same bare command without blocking the event loop: what the library could at best achieve.
    const a = await runTimed('ip', ['netns', 'exec', ns, 'true']);
    bareAsyncMs.push(a.wallMs);
  }
  return { libMs, bareSyncMs, bareAsyncMs };
}
