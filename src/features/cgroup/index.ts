// Per-node CPU and memory limits (`cpu: 0.5`, `memory: 256M`), enforced with cgroups: the resolution hook
// (resolve.ts) parses them, this module turns them into plan operations, and exec/ makes the directories
// (sys/cgroup.ts: v2 where the host has the controller, v1 otherwise) and puts every process it runs in the node
// into them (nodeEntryArgv). Pure.

import type { Operation, ResolvedTopology } from '../../model/index.js';
import { CFS_PERIOD_US, cfsQuotaUs } from './resolve.js';

export { parseMemoryBytes, resolveLimits, cfsQuotaUs, CFS_PERIOD_US } from './resolve.js';

/** One cgroup.add per node with limits. */
export function cgroupOps(t: ResolvedTopology): Operation[] {
  return t.nodes
    .filter((n) => n.limits)
    .map((n) => ({
      kind: 'cgroup.add' as const,
      tool: 'cgroup' as const,
      netns: null,
      args: [n.name],
      subject: `node ${n.name}`,
      undo: null,
      cgroup: {
        node: n.name,
        ...(n.limits!.cpuCores !== undefined ? { cpuQuotaUs: cfsQuotaUs(n.limits!.cpuCores) } : {}),
        cpuPeriodUs: CFS_PERIOD_US,
        ...(n.limits!.memoryBytes !== undefined ? { memoryBytes: n.limits!.memoryBytes } : {}),
      },
    }));
}

/** What the lab needs of the host's cgroups, for the check before building. */
export function cgroupNeeds(t: ResolvedTopology): { node: string; cpu: boolean; memory: boolean }[] {
  return t.nodes.filter((n) => n.limits).map((n) => ({ node: n.name, cpu: n.limits!.cpuCores !== undefined, memory: n.limits!.memoryBytes !== undefined }));
}
