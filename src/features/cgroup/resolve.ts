// The resolution hook of `cpu:` and `memory:` on nodes: parsed once into NodeLimits (cores, bytes), with the
// problems located. Pure.

import type { ResolvedNode } from '../../model/index.js';
import type { WithInterfaces } from '../../topology/passes/draft.js';

/** The CFS period nslab sets (the kernel's default): the quota is cores × this. */
export const CFS_PERIOD_US = 100_000;
/** The kernel refuses a quota below 1 ms (EINVAL), so the smallest share is 1000 / 100000 = 0.01 of a core. */
export const CFS_QUOTA_MIN_US = 1_000;
/** A node needs room for a shell and `ip netns exec` at least; below this nothing it runs would start. */
export const MEMORY_MIN_BYTES = 1024 * 1024;

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `256M`, `1.5G`, `512k`, `64Mi`, `1GB` (binary units, like cgroups' own memory.max) or a byte count. */
export function parseMemoryBytes(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*([0-9]*\.?[0-9]+)\s*([kmgt]?)(i?b?)\s*$/i.exec(v);
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** The CFS quota in µs for a share of cores. */
export function cfsQuotaUs(cores: number): number {
  return Math.max(CFS_QUOTA_MIN_US, Math.round(cores * CFS_PERIOD_US));
}

export function resolveLimits(d: WithInterfaces): void {
  for (const node of d.nodes) {
    const raw = d.raw.nodes[node.name] ?? {};
    const limits: NonNullable<ResolvedNode['limits']> = {};
    if (raw.cpu !== undefined) {
      const cores = raw.cpu as number;
      if (typeof cores !== 'number' || !(cores >= CFS_QUOTA_MIN_US / CFS_PERIOD_US))
        d.problems.add(['nodes', node.name, 'cpu'], 'E_BAD_CPU', `cpu ${JSON.stringify(raw.cpu)} is not a share of a core of at least 0.01`, 'write e.g. cpu: 0.5 (half a core) or cpu: 2 (two cores)');
      else limits.cpuCores = cores;
    }
    if (raw.memory !== undefined) {
      const bytes = parseMemoryBytes(raw.memory as string | number);
      if (bytes === undefined) d.problems.add(['nodes', node.name, 'memory'], 'E_BAD_MEMORY', `memory ${JSON.stringify(raw.memory)} is not a size`, 'write e.g. memory: 256M (MiB), 1G or a byte count');
      else if (bytes < MEMORY_MIN_BYTES) d.problems.add(['nodes', node.name, 'memory'], 'E_BAD_MEMORY', `memory ${JSON.stringify(raw.memory)} is ${bytes} bytes: below 1M nothing the node runs could start`, 'give the node at least 1M (a shell and ping need a few MiB)');
      else limits.memoryBytes = bytes;
    }
    if (limits.cpuCores !== undefined || limits.memoryBytes !== undefined) node.limits = limits;
  }
}
