// cgroups for nodes with `cpu:` or `memory:` (features/cgroup): find where the host keeps each controller, make one
// directory per lab in each hierarchy it needs, named with the build id, and remove it (after killing whatever is
// still inside) at teardown.
//
// Hosts differ: pure cgroup v2 (/sys/fs/cgroup, controllers listed in cgroup.controllers), v1 (one mount per
// controller, /sys/fs/cgroup/cpu, or co-mounted /sys/fs/cgroup/cpu,cpuacct), and hybrids such as this machine:
// cgroup2 at /sys/fs/cgroup/unified with no controllers, cpu, cpuacct and memory on v1. Each controller is taken
// from v2 when v2 has it, else from v1; CPU time is read from v2's cpu.stat (every v2 cgroup has it) when the cpu
// controller is there, else from v1's cpuacct.
//
// Layout: <hierarchy>/nslab/<lab>.<build id>/<node>. The build id is the journal's random 64-bit id, so a directory
// of that name can only be this build's (the same proof as the namespaces' tags); teardown removes only directories
// of exactly that shape under a cgroup mount.

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { NslabError } from '../model/errors.js';

export type CgroupController = 'cpu' | 'memory' | 'cpuacct';

export interface Hierarchy {
  version: 1 | 2;
  /** Where it is mounted, e.g. /sys/fs/cgroup/cpu or /sys/fs/cgroup. */
  mount: string;
}

export interface CgroupLayout {
  cpu?: Hierarchy;
  memory?: Hierarchy;
  /** Where a node's CPU time is read: v2 (cpu.stat usage_usec) or v1 cpuacct (cpuacct.usage). */
  usage?: Hierarchy;
}

/** The parent of every lab's cgroup directory in each hierarchy. */
export const CGROUP_PARENT = 'nslab';

/** cgroup mounts from /proc/self/mounts: type cgroup2, or type cgroup with its controllers among the options. */
export function cgroupMounts(mountsText: string): { v2?: string; v1: Map<string, string> } {
  let v2: string | undefined;
  const v1 = new Map<string, string>();
  for (const line of mountsText.split('\n')) {
    const [, mount, type, options] = line.split(' ');
    if (!mount) continue;
    const path = mount.replace(/\\040/g, ' ');
    if (type === 'cgroup2') v2 ??= path;
    else if (type === 'cgroup') for (const o of options.split(',')) if (['cpu', 'cpuacct', 'memory'].includes(o) && !v1.has(o)) v1.set(o, path);
  }
  return { v2, v1 };
}

/** Which hierarchy serves each need on this host (read from /proc/self/mounts and v2's root cgroup.controllers). */
export function detectCgroups(read: (path: string) => string | undefined = readText): CgroupLayout {
  const { v2, v1 } = cgroupMounts(read('/proc/self/mounts') ?? '');
  const v2ctl = new Set((v2 && read(join(v2, 'cgroup.controllers'))?.trim().split(/\s+/)) || []);
  const pick = (c: 'cpu' | 'memory'): Hierarchy | undefined =>
    v2 && v2ctl.has(c) ? { version: 2, mount: v2 } : v1.has(c) ? { version: 1, mount: v1.get(c)! } : undefined;
  const cpu = pick('cpu');
  const memory = pick('memory');
  const usage: Hierarchy | undefined = cpu?.version === 2 ? cpu : v1.has('cpuacct') ? { version: 1, mount: v1.get('cpuacct')! } : v2 ? { version: 2, mount: v2 } : undefined;
  return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}), ...(usage ? { usage } : {}) };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** What a lab's nodes need, refused before anything is built when the host lacks it. */
export function requireCgroups(layout: CgroupLayout, needs: { node: string; cpu: boolean; memory: boolean }[]): void {
  for (const n of needs)
    for (const c of ['cpu', 'memory'] as const)
      if (n[c] && !layout[c])
        throw new NslabError('E_NO_CGROUP', `node '${n.node}' has a ${c} limit, but this host has no ${c} cgroup controller mounted (neither in cgroup v2 nor as a v1 hierarchy)`, {
          hint: `mount it (cgroup v2: echo +${c} > /sys/fs/cgroup/cgroup.subtree_control; v1: mount -t cgroup -o ${c} cgroup /sys/fs/cgroup/${c}), or remove ${c}: from '${n.node}'`,
        });
}

/** The lab's directory in each hierarchy it uses (distinct mounts only: co-mounted cpu,cpuacct is one). */
export function labCgroupDirs(layout: CgroupLayout, lab: string, buildId: string, needs: { cpu: boolean; memory: boolean }): string[] {
  const hs = [needs.cpu ? layout.cpu : undefined, needs.memory ? layout.memory : undefined, layout.usage].filter((h): h is Hierarchy => !!h);
  return [...new Set(hs.map((h) => join(h.mount, CGROUP_PARENT, `${lab}.${buildId}`)))];
}

const isV2 = (dir: string) => existsSync(join(dir, 'cgroup.subtree_control'));

/** mkdir that tolerates EEXIST; in v2, also delegates the controllers to the new directory's children. */
function makeDir(dir: string, v2Controllers: string[]): void {
  try {
    mkdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (v2Controllers.length && isV2(dir)) writeFileSync(join(dir, 'cgroup.subtree_control'), v2Controllers.map((c) => `+${c}`).join(' '));
}

/**
 * Create the lab's directories and one per node in each, with the node's limits. `dirs` come from labCgroupDirs
 * and are journaled before this runs. In v2 the controllers are delegated down from the root (a host with systemd
 * has them there already); v1 needs nothing but the directories.
 */
export function createNodeCgroups(layout: CgroupLayout, dirs: string[], nodes: { node: string; cpuQuotaUs?: number; cpuPeriodUs: number; memoryBytes?: number }[]): void {
  for (const labDir of dirs) {
    const parent = dirname(labDir);
    const root = dirname(parent);
    const v2 = isV2(root);
    const ctl = v2 ? (['cpu', 'memory'] as const).filter((c) => layout[c]?.version === 2 && layout[c]!.mount === root) : [];
    if (v2 && ctl.length) writeFileSync(join(root, 'cgroup.subtree_control'), ctl.map((c) => `+${c}`).join(' '));
    // A parallel teardown may remove an empty parent between our mkdirs: try again once.
    for (let attempt = 0; ; attempt++) {
      try {
        makeDir(parent, [...ctl]);
        makeDir(labDir, [...ctl]);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 2) throw e;
      }
    }
    for (const n of nodes) {
      const d = join(labDir, n.node);
      makeDir(d, []);
      const cpuHere = layout.cpu && join(layout.cpu.mount, CGROUP_PARENT) === parent;
      const memHere = layout.memory && join(layout.memory.mount, CGROUP_PARENT) === parent;
      if (cpuHere && n.cpuQuotaUs !== undefined) {
        if (v2) writeFileSync(join(d, 'cpu.max'), `${n.cpuQuotaUs} ${n.cpuPeriodUs}`);
        else {
          writeFileSync(join(d, 'cpu.cfs_period_us'), String(n.cpuPeriodUs));
          writeFileSync(join(d, 'cpu.cfs_quota_us'), String(n.cpuQuotaUs));
        }
      }
      if (memHere && n.memoryBytes !== undefined) {
        if (v2) {
          writeFileSync(join(d, 'memory.max'), String(n.memoryBytes));
          // No swapping around the limit: beyond it the node is OOM-killed, as on a machine of that size without swap.
          if (existsSync(join(d, 'memory.swap.max'))) writeFileSync(join(d, 'memory.swap.max'), '0');
        } else {
          writeFileSync(join(d, 'memory.limit_in_bytes'), String(n.memoryBytes));
          // memsw (memory + swap) exists only with swap accounting; it must not be below limit_in_bytes.
          if (existsSync(join(d, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(d, 'memory.memsw.limit_in_bytes'), String(n.memoryBytes));
        }
      }
    }
  }
}

/** The files a node's entry wrapper writes its pid to (see nodeEntryArgv); none for a node without limits. */
export function nodeCgroupProcs(cg: { dirs: string[]; nodes: string[] } | undefined, node: string): string[] {
  return cg && cg.nodes.includes(node) ? cg.dirs.map((d) => join(d, node, 'cgroup.procs')) : [];
}

/** CPU time used so far in a node's cgroup, from whichever of the lab's hierarchies accounts it; undefined without one. */
export function nodeCpuNs(cg: { dirs: string[]; nodes: string[] } | undefined, node: string): number | undefined {
  if (!cg?.nodes.includes(node)) return undefined;
  for (const d of cg.dirs) {
    const ns = cgroupCpuNs(join(d, node));
    if (ns !== undefined) return ns;
  }
  return undefined;
}

/** True when `dir` is a lab directory nslab makes for `lab` and `buildId` (teardown acts on nothing else). */
export function isLabCgroupDir(dir: string, lab: string, buildId: string | undefined, mountsText = readText('/proc/self/mounts') ?? ''): boolean {
  if (!buildId || basename(dir) !== `${lab}.${buildId}` || basename(dirname(dir)) !== CGROUP_PARENT) return false;
  const { v2, v1 } = cgroupMounts(mountsText);
  return [v2, ...v1.values()].includes(dirname(dirname(dir)));
}

const pidsIn = (dir: string): number[] =>
  (readText(join(dir, 'cgroup.procs')) ?? '')
    .split('\n')
    .filter(Boolean)
    .map(Number);

/**
 * Remove a lab's cgroup directory: kill what is still inside each node's directory (a process that escaped the
 * namespace sweep, e.g. one that left the namespace), then rmdir the nodes, the lab directory and, when it is empty,
 * the shared parent. "Already gone" is success. Returns the problems, for the teardown report.
 */
export async function removeLabCgroup(dir: string, kill: (pids: number[]) => void, waitMs = 5_000): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const errors: string[] = [];
  const children = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  for (const d of [...children, dir]) {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const pids = pidsIn(d);
      if (pids.length) kill(pids);
      try {
        rmdirSync(d);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY' || Date.now() > deadline) {
          errors.push(`cannot remove cgroup ${d}: ${code}${pids.length ? ` (processes ${pids.join(' ')} still in it)` : ''}`);
          break;
        }
        // The killed are still exiting: a cgroup is busy until its last task has left it.
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }
  try {
    rmdirSync(dirname(dir));
  } catch {
    /* another lab's directory is still there, or it is gone already */
  }
  return errors;
}

/** CPU time used so far by the processes of a node's cgroup (and those that have left it), in nanoseconds. */
export function cgroupCpuNs(nodeDir: string): number | undefined {
  const v1 = readText(join(nodeDir, 'cpuacct.usage'));
  if (v1 !== undefined) return Number(v1.trim());
  const m = /^usage_usec (\d+)$/m.exec(readText(join(nodeDir, 'cpu.stat')) ?? '');
  return m ? Number(m[1]) * 1000 : undefined;
}
