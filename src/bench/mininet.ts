// Mininet 2.3 as the reference: `mn` builds the topology with Linux bridges and no controller, runs no test, and
// tears it down; its wall time is build + teardown (Python start-up included: that is what a user waits for).
// Mininet puts switches and switch-side veths in the *host* namespace, so residue is checked after every run and
// `mn -c` runs only when a run failed or left something.

import { execFileSync } from 'node:child_process';
import { runTimed } from './spawn.js';

export function mininetAvailable(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v mn && command -v brctl'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function installMininet(): void {
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'mininet', 'bridge-utils'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

export async function runMininet(topo: string): Promise<{ totalMs: number; ok: boolean; error?: string }> {
  const r = await runTimed('mn', ['--switch', 'lxbr', '--controller', 'none', '--test', 'none', '--topo', topo], { timeoutMs: 900_000 });
  // mn exits 1 after an exception (having run its own cleanup); a normal run ends with "completed in".
  const ok = r.exitCode === 0 && /completed in/.test(r.stdout + r.stderr);
  return { totalMs: r.wallMs, ok, error: ok ? undefined : r.stderr.slice(-500) };
}

/** Mininet's own cleanup. In the bench's sandbox (own PID namespace) its pkill/killall reach only sandbox processes. */
export async function mininetCleanup(): Promise<string> {
  const r = await runTimed('mn', ['-c'], { timeoutMs: 120_000 });
  return `mn -c exit ${r.exitCode}`;
}
