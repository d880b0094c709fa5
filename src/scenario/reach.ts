// Reachability matrix (pingall and segmentation checks): one shell per source node pings every target in
// parallel, so a 10×10 matrix costs 10 processes from nslab (plus the pings), not 100.

import { formatAddress, type Family, type ResolvedNode } from '../model/index.js';
import type { Lab } from '../api/index.js';

export interface ReachPair {
  from: string;
  to: string;
  family: Family;
  address: string;
  reachable: boolean;
}

/** The address a node is reached by: its first interface's first address of the family. */
export function nodeAddress(n: ResolvedNode, family: Family): string | undefined {
  for (const i of n.interfaces) {
    const c = family === 4 ? i.ipv4[0] : i.ipv6[0];
    if (c) return formatAddress(family, c.address);
  }
  return undefined;
}

export async function reachMatrix(
  lab: Lab,
  opts: { from: string[]; to: string[]; families?: Family[]; timeoutS?: number; count?: number },
): Promise<ReachPair[]> {
  const byName = new Map(lab.topology.nodes.map((n) => [n.name, n]));
  const families = opts.families ?? [4, 6];
  const waitS = opts.timeoutS ?? 2;
  const count = opts.count ?? 1;
  const perSource = await Promise.all(
    opts.from.map(async (from) => {
      const targets: { to: string; family: Family; address: string }[] = [];
      for (const to of opts.to) {
        if (to === from) continue;
        for (const family of families) {
          const address = nodeAddress(byName.get(to)!, family);
          if (address) targets.push({ to, family, address });
        }
      }
      if (!targets.length) return [];
      // Addresses come from the resolved topology (validated), and reach the shell as positional parameters,
      // never spliced into the script text.
      const script = `for a in "$@"; do (ping -n -q -c ${count} -i 0.2 -W ${waitS} "$a" >/dev/null 2>&1 && echo "OK $a" || echo "NO $a") & done; wait`;
      const r = await lab.exec(from, ['sh', '-c', script, 'reach', ...targets.map((t) => t.address)], { timeoutMs: (waitS * count + 10) * 1000 });
      const ok = new Set([...r.stdout.matchAll(/^OK (\S+)$/gm)].map((m) => m[1]));
      return targets.map((t) => ({ from, ...t, reachable: ok.has(t.address) }));
    }),
  );
  return perSource.flat();
}
