// Capability probe: what this kernel can do, tried for real in a scratch namespace. The namespace is tagged (its
// loopback's alias, probeTag: our pid and start time) right after it is made, and removed however the probe ends:
// by the script's trap, and again from here in `finally` (a probe killed at its timeout runs no trap). `nslab clean`
// removes a probe namespace left by a probe that died, once its tag proves it was a probe's and that probe is gone.
// Used by `nslab doctor` and before building a lab that needs qdiscs.

import { NslabError, probeNetnsName, probeTag } from '../model/index.js';
import { netnsInode, procStartTime } from './netns.js';
import type { Runner } from './proc.js';

export const PROBED_QDISCS = ['htb', 'tbf', 'netem', 'pfifo', 'bfifo', 'prio', 'sfq', 'fq', 'fq_codel', 'cake', 'hfsc', 'ingress', 'clsact'] as const;
export const PROBED_FEATURES = ['8021q', 'bridge-vlan', 'bonding', 'vrf'] as const;
export type QdiscName = (typeof PROBED_QDISCS)[number];

export interface KernelCapabilities {
  netns: boolean;
  veth: boolean;
  bridge: boolean;
  qdiscs: Record<string, boolean>;
  /** Link types beyond veth and bridge (tried by creating one): 8021q, bridge-vlan, bonding, vrf. */
  features?: Record<string, boolean>;
  /** The kernel's timer tick (CONFIG_HZ), when known (a private kernel's configuration); the probe does not learn it. */
  timerHz?: number;
  /** stderr of the scratch namespace creation, when netns failed. */
  error?: string;
}

const QDISC_ARGS: Record<QdiscName, string> = {
  htb: 'root handle 1: htb default 1',
  tbf: 'root tbf rate 1mbit burst 10kb latency 10ms',
  netem: 'root netem delay 1ms',
  pfifo: 'root pfifo limit 10',
  bfifo: 'root bfifo limit 10000',
  prio: 'root prio',
  sfq: 'root sfq',
  fq: 'root fq',
  fq_codel: 'root fq_codel',
  cake: 'root cake',
  hfsc: 'root handle 1: hfsc',
  ingress: 'ingress',
  clsact: 'clsact',
};

export const PROBE_TIMEOUT_MS = 20_000;

/** The probe could not finish: say what failed (never "no such qdisc" for a probe that did not get that far). */
function probeFailed(what: string, stderr: string): NslabError {
  return new NslabError('E_PROBE', `the kernel capability probe ${what}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' / ')}` : ''}`, {
    hint: 'run nslab doctor to see what this kernel supports; on a busy machine, try again',
  });
}

/** Remove the probe's namespace if it is still there and carries our tag (untagged: not proven ours, left alone). */
async function removeProbeNetns(runner: Runner, ns: string, tag: string): Promise<void> {
  if (netnsInode(ns) === undefined) return;
  const r = await runner.run('ip', ['-n', ns, '-j', 'link', 'show', 'dev', 'lo'], { timeoutMs: 10_000 });
  let alias: string | undefined;
  try {
    alias = (JSON.parse(r.stdout) as { ifalias?: string }[])[0]?.ifalias;
  } catch {
    /* unreadable: not proven */
  }
  if (alias === tag) await runner.run('ip', ['netns', 'del', ns], { timeoutMs: 10_000 });
}

export async function probeKernel(runner: Runner, opts: { timeoutMs?: number } = {}): Promise<KernelCapabilities> {
  const ns = probeNetnsName(process.pid);
  const tag = probeTag(process.pid, procStartTime(process.pid) ?? '');
  const timeoutMs = opts.timeoutMs ?? PROBE_TIMEOUT_MS;
  // Each qdisc: add it (line 2k+1), then delete it (line 2k+2). -force keeps going and reports failed lines.
  const tcLines = PROBED_QDISCS.flatMap((q) => {
    const args = QDISC_ARGS[q];
    const del = q === 'ingress' ? 'qdisc del dev p0 ingress' : q === 'clsact' ? 'qdisc del dev p0 clsact' : 'qdisc del dev p0 root';
    return [`qdisc add dev p0 ${args}`, del];
  });
  const script = [
    // If /run/netns did not exist before, `ip netns add` creates and mounts it: undo that too on the way out.
    'had=0; [ -d /run/netns ] && had=1',
    `ip netns add ${ns} || exit 10`,
    `trap 'ip netns del ${ns} 2>/dev/null; [ $had = 1 ] || { [ -z "$(ls -A /run/netns)" ] && umount /run/netns 2>/dev/null; rmdir /run/netns 2>/dev/null; }' EXIT`,
    `ip -n ${ns} link set dev lo alias ${tag} || exit 11`,
    `echo "@@probe-tagged"`,
    `ip -n ${ns} link add name p0 type veth peer name p1 2>/dev/null; echo "veth=$?"`,
    `ip -n ${ns} link add name b0 type bridge 2>/dev/null; echo "bridge=$?"`,
    // Creating a device is the test (a module the kernel can autoload is loaded by it, as the lab would).
    `ip -n ${ns} link add link p0 name p0.2 type vlan id 2 2>/dev/null; echo "8021q=$?"`,
    `ip -n ${ns} link add name b1 type bridge vlan_filtering 1 2>/dev/null; echo "bridge-vlan=$?"`,
    `ip -n ${ns} link add name bd0 type bond 2>/dev/null; echo "bonding=$?"`,
    `ip -n ${ns} link add name vr0 type vrf table 10 2>/dev/null; echo "vrf=$?"`,
    `tc -n ${ns} -force -batch - <<'NSLAB_EOF'`,
    ...tcLines,
    'NSLAB_EOF',
    'echo "@@probe-done"',
  ].join('\n');
  let r;
  try {
    r = await runner.run('sh', ['-s'], { input: script + '\n', timeoutMs });
  } finally {
    await removeProbeNetns(runner, ns, tag);
  }
  const qdiscs: Record<string, boolean> = {};
  if (r.exitCode === 10) {
    for (const q of PROBED_QDISCS) qdiscs[q] = false;
    return { netns: false, veth: false, bridge: false, qdiscs, error: r.stderr.trim() || 'ip netns add failed' };
  }
  if (r.timedOut) throw probeFailed(`timed out after ${timeoutMs} ms${/@@probe-tagged/.test(r.stdout) ? ' while testing qdiscs' : ' while creating its namespace'}`, r.stderr);
  if (r.exitCode === 11) throw probeFailed('could not tag its namespace (ip link set dev lo alias)', r.stderr);
  if (!/@@probe-done/.test(r.stdout)) throw probeFailed(`stopped early (exit ${r.exitCode})`, r.stderr);
  const veth = /veth=0/.test(r.stdout);
  const failed = new Set([...r.stderr.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1])));
  PROBED_QDISCS.forEach((q, k) => (qdiscs[q] = veth && !failed.has(2 * k + 1)));
  const features = Object.fromEntries(PROBED_FEATURES.map((f) => [f, new RegExp(`^${f}=0$`, 'm').test(r.stdout)]));
  return { netns: true, veth, bridge: /^bridge=0$/m.test(r.stdout), qdiscs, features };
}
