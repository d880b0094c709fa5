// Deleting a namespace returns before the kernel has destroyed it: cleanup_net runs later on a workqueue
// (synchronize_rcu, per-device unregister), and on 2 cores it competes with whatever runs next. So after every run
// the bench waits for the count of live net namespaces (the net_namespace slab's active objects) to fall back,
// and reports that wait as the deferred kernel teardown, instead of letting it land on the next tool's clock.

import { readFileSync } from 'node:fs';

export function liveNetNamespaces(): number | undefined {
  try {
    const line = readFileSync('/proc/slabinfo', 'utf8').split('\n').find((l) => l.startsWith('net_namespace '));
    return line ? Number(line.split(/\s+/)[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Wait until the count is back to `target` or has stopped falling for `stablePolls` polls; returns the ms waited. */
export async function settleNamespaces(target: number | undefined, maxMs = 20_000, pollMs = 50, stablePolls = 6): Promise<number> {
  const t0 = performance.now();
  let last = liveNetNamespaces();
  if (last === undefined || target === undefined) return 0;
  let stable = 0;
  while (performance.now() - t0 < maxMs && last > target && stable < stablePolls) {
    await new Promise((r) => setTimeout(r, pollMs));
    const now = liveNetNamespaces()!;
    stable = now < last ? 0 : stable + 1;
    last = now;
  }
  return performance.now() - t0;
}
