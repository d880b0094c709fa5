// The bare ip-batch floor: the same kernel operations nslab's plan holds, line for line, run the way a careful
// shell script would — one `ip -batch` for the namespaces, one for the veths (created directly in their
// namespaces), then one `ip -n NS -batch` (and `tc -n NS -batch`, sysctl) per namespace in a single sequential
// bash; teardown is one `ip -batch` of `netns del`. No journal, no rollback, no Node in the loop: what is left
// over when nslab's overhead is taken away. Namespaces are renamed `nbf-…` so they are never mistaken for a lab.

import { netnsLabPrefix, type Plan } from '../model/index.js';
import { runTimed } from './spawn.js';

export interface FloorScripts {
  netns: string[];
  upScript: string;
  downBatch: string;
}

/**
 * `enter: 'ip-n'` is what nslab does today (`ip -n NS -batch`); `'nsenter'` joins only the network namespace
 * (`nsenter --net=… ip -batch`), skipping ip's per-process mount namespace and /sys remount — the proposed change.
 */
export function floorScripts(plan: Plan, prefix: string, enter: 'ip-n' | 'nsenter' = 'ip-n'): FloorScripts {
  const from = netnsLabPrefix(plan.lab);
  const rename = (t: string) => (t.startsWith(from) ? prefix + t.slice(from.length) : t);
  const netns = plan.netns.map(rename);
  const host: string[] = [];
  const perNs = new Map<string, { ip: string[]; tc: string[]; sysctl: string[]; sysctlOptional: string[]; other: string[][] }>();
  for (const stage of plan.stages)
    for (const op of stage.ops) {
      const args = op.args.map(rename);
      if (op.netns === null) {
        host.push(args.join(' '));
        continue;
      }
      const ns = rename(op.netns);
      const g = perNs.get(ns) ?? { ip: [], tc: [], sysctl: [], sysctlOptional: [], other: [] };
      perNs.set(ns, g);
      if (op.tool === 'ip') g.ip.push(args.join(' '));
      else if (op.tool === 'tc') g.tc.push(args.join(' '));
      else if (op.tool === 'sysctl') (op.optional ? g.sysctlOptional : g.sysctl).push(...args);
      else if (op.tool === 'ethtool') g.other.push(['ethtool', ...args]);
      // exec/start stages are not kernel work; the generated topologies have none.
    }
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const out = ['set -e', `ip -batch - <<'EOF'`, ...host, 'EOF'];
  for (const [ns, g] of perNs) {
    const tool = (t: string) => (enter === 'ip-n' ? `${t} -n ${ns}` : `nsenter --net=/run/netns/${ns} ${t}`);
    const sysctl = (keys: string[], flags: string) =>
      keys.length && out.push(`${enter === 'ip-n' ? `ip netns exec ${ns}` : `nsenter --net=/run/netns/${ns}`} sysctl ${flags} ${keys.map(q).join(' ')}`);
    sysctl(g.sysctlOptional, '-e -qw');
    sysctl(g.sysctl, '-qw');
    if (g.ip.length) out.push(`${tool('ip')} -batch - <<'EOF'`, ...g.ip, 'EOF');
    if (g.tc.length) out.push(`${tool('tc')} -batch - <<'EOF'`, ...g.tc, 'EOF');
    for (const o of g.other) out.push(`ip netns exec ${ns} ${o.map(q).join(' ')}`);
  }
  return { netns, upScript: out.join('\n') + '\n', downBatch: netns.map((n) => `netns del ${n}`).join('\n') + '\n' };
}

/** Up then down, timed separately; down always runs (with -force) even when up failed half-way. */
export async function runFloor(f: FloorScripts): Promise<{ upMs: number; downMs: number; ok: boolean; error?: string }> {
  const up = await runTimed('bash', ['-s'], { input: f.upScript, timeoutMs: 600_000 });
  const down = await runTimed('ip', ['-force', '-batch', '-'], { input: f.downBatch, timeoutMs: 600_000 });
  const ok = up.exitCode === 0 && down.exitCode === 0;
  return { upMs: up.wallMs, downMs: down.wallMs, ok, error: ok ? undefined : `${up.stderr}\n${down.stderr}`.trim().slice(0, 500) };
}
