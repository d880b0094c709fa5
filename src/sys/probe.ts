// Capability probe: what this kernel can do, tried for real in a scratch namespace that the same script deletes
// (a trap removes it however the script ends). Used by `nslab doctor` and before building a lab that needs qdiscs.

import type { Runner } from './proc.js';

export const PROBED_QDISCS = ['htb', 'tbf', 'netem', 'pfifo', 'bfifo', 'prio', 'sfq', 'fq', 'fq_codel', 'cake', 'hfsc', 'ingress', 'clsact'] as const;
export type QdiscName = (typeof PROBED_QDISCS)[number];

export interface KernelCapabilities {
  netns: boolean;
  veth: boolean;
  bridge: boolean;
  qdiscs: Record<string, boolean>;
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

export async function probeKernel(runner: Runner): Promise<KernelCapabilities> {
  const ns = `nslab-probe-${process.pid}`;
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
    `ip -n ${ns} link add name p0 type veth peer name p1 2>/dev/null; echo "veth=$?"`,
    `ip -n ${ns} link add name b0 type bridge 2>/dev/null; echo "bridge=$?"`,
    `tc -n ${ns} -force -batch - <<'NSLAB_EOF'`,
    ...tcLines,
    'NSLAB_EOF',
    'true',
  ].join('\n');
  const r = await runner.run('sh', ['-s'], { input: script + '\n', timeoutMs: 20_000 });
  const qdiscs: Record<string, boolean> = {};
  if (r.exitCode === 10) {
    for (const q of PROBED_QDISCS) qdiscs[q] = false;
    return { netns: false, veth: false, bridge: false, qdiscs, error: r.stderr.trim() };
  }
  const veth = /veth=0/.test(r.stdout);
  const failed = new Set([...r.stderr.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1])));
  PROBED_QDISCS.forEach((q, k) => (qdiscs[q] = veth && !failed.has(2 * k + 1)));
  return { netns: true, veth, bridge: /bridge=0/.test(r.stdout), qdiscs };
}
