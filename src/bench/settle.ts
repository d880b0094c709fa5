// Deleting a namespace returns before the kernel has destroyed it: cleanup_net runs later on a workqueue
// (synchronize_rcu, per-device unregister), and on 2 cores it competes with whatever runs next. So after every run
// the bench waits for the count of live net namespaces (the net_namespace slab's active objects) to fall back,
// and reports that wait as the deferred kernel teardown, instead of letting it land on the next tool's clock.

import { readFileSync } from 'node:fs';

/** net_namespace objects are ~4 KiB, 7 to a slab: a few partly used slabs on each CPU. */
const SLAB_SLACK = 32;

export function liveNetNamespaces(): number | undefined {
  try {
    const line = readFileSync('/proc/slabinfo', 'utf8').split('\n').find((l) => l.startsWith('net_namespace '));
    return line ? Number(line.split(/\s+/)[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Wait until the count is back to `target` (within a few slabs: slabinfo counts objects on per-CPU slabs as active),
 * or has not fallen for `stableMs`, or `maxMs` has passed; returns the ms waited. Cleanup of thousands of namespaces
 * is slow and comes in bursts (device unregistering under rtnl_lock): after linear,1000 (2000 namespaces) the count
 * sat at ~2000 for over 20 s, and with the old limits (20 s, or 300 ms without progress) tree,3,10 began meanwhile and
 * measured 23.7-44 s, its namespace stage waiting on rtnl_lock, instead of 3.6-4.1 s run alone.
 */
export async function settleNamespaces(target: number | undefined, maxMs = 120_000, pollMs = 50, stableMs = 30_000): Promise<number> {
  const t0 = performance.now();
  let last = liveNetNamespaces();
  if (last === undefined || target === undefined) return 0;
  let lastFall = t0;
  while (performance.now() - t0 < maxMs && last > target + SLAB_SLACK && performance.now() - lastFall < stableMs) {
    await new Promise((r) => setTimeout(r, pollMs));
    const now = liveNetNamespaces()!;
    if (now < last) lastFall = performance.now();
    last = now;
  }
  return performance.now() - t0;
}
