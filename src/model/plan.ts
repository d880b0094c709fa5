// A plan is an ordered list of stages; each stage holds kernel operations that may run in any order
// relative to each other (the executor batches and parallelises them), but only after the previous stage.

import { entrySource, SYSCALLS } from './entry.js';

export type OperationKind =
  | 'netns.add'
  | 'netns.del'
  | 'link.add'
  | 'link.set'
  | 'link.del'
  | 'addr.add'
  | 'route.add'
  | 'neigh.add'
  | 'sysctl.set'
  | 'qdisc.replace'
  | 'qdisc.del'
  | 'offload.set'
  | 'proc.exec'
  | 'proc.start'
  | 'nft.apply'
  | 'files.write'
  | 'service.start'
  | 'service.stop'
  | 'cgroup.add';

/** Which program carries the operation: ip and tc lines are batched; sysctl/ethtool are grouped per namespace. */
export type Tool = 'ip' | 'tc' | 'bridge' | 'sysctl' | 'ethtool' | 'exec' | 'start' | 'nft' | 'files' | 'service' | 'cgroup';

/** A node's private directory as mounted: `source` is relative to the lab's state folder. */
export interface Bind {
  source: string;
  target: string;
  /** Given to the process as this environment variable (the host path) instead of mounted over `target`. */
  env?: string;
}

export interface Operation {
  kind: OperationKind;
  tool: Tool;
  /** The namespace the operation runs in; null for the host's namespace (only netns.* and link.add). */
  netns: string | null;
  /** ip/tc/nft: one batch line as tokens; sysctl: `key=value` tokens; ethtool: its argv; exec/start: the node command argv. */
  args: string[];
  /** What the operation is about, for messages: `node h1`, `link h1:eth0 <-> s1:eth1`. */
  subject: string;
  /** How to reverse it: an operation, `netns` when deleting its namespace undoes it, or null when nothing to undo. */
  undo: Operation | 'netns' | null;
  /** sysctl only: skipped when the kernel has no such key (its module is not loaded), instead of failing. */
  optional?: boolean;
  /** exec/start only: environment and timeout. */
  env?: Record<string, string>;
  timeoutMs?: number;
  /** exec/start/service: the node's private directories, mounted over their targets for this process. */
  binds?: Bind[];
  /** files.write: the directory (relative to the lab's state folder), its owner, and the files to write in it. */
  dir?: { source: string; target: string; owner?: string; files: Record<string, string>; mode?: number };
  /** service.start/stop: which service, and how to tell it is ready. */
  service?: { node: string; name: string; after: string[]; readyFile?: string; check?: string[] };
  /** cgroup.add: the node's limits (features/cgroup); the executor finds the hierarchies and makes the directory. */
  cgroup?: { node: string; cpuQuotaUs?: number; cpuPeriodUs: number; memoryBytes?: number };
}

/** Where a node's private directory lives, relative to the lab's state folder: nodes/r1/etc_frr for /etc/frr. */
export function privateDirSource(node: string, target: string): string {
  return `nodes/${node}/${target.replace(/^\/+/, '').replace(/\//g, '_')}`;
}

/** Where the lab's shared files live, relative to its state folder: lab/hosts. */
export function labFileSource(name: string): string {
  return `lab/${name}`;
}

/**
 * What every process that runs in a node sees mounted: the lab's shared files (its /etc/hosts), then the node's
 * private directories. `files` is the topology's (a journal written before they existed has none).
 */
export function nodeBinds(n: { name: string; dirs?: { target: string; env?: string }[] }, files: readonly { name: string; target: string }[] = []): Bind[] {
  return [
    ...files.map((f) => ({ source: labFileSource(f.name), target: f.target })),
    ...(n.dirs ?? []).map((d) => ({ source: privateDirSource(n.name, d.target), target: d.target, ...(d.env ? { env: d.env } : {}) })),
  ];
}

/**
 * The argv that runs `argv` in a node. Without binds, `ip netns exec` (which also gives the process the
 * namespace's /sys and /etc/netns files). With binds, the entry program (model/entry.ts), one process that also
 * bind-mounts them, in the private mount namespace it creates (with / as a slave), so they are seen by this
 * process and its children only and vanish with them: nothing to undo on the host. `arch` null (or one
 * without known system call numbers) gives the equivalent shell form, which is also how a plan is printed:
 * `ip netns exec` and a shell that runs `mount --bind` for each, then exec()s the command.
 * Why mounts rather than FRR's `-N <pathspace>`: `-N` keeps the daemons' config in /etc/frr/<pathspace>/ and their
 * sockets in /var/run/frr/<pathspace>/, on the host, so those would have to be journaled and removed, and every
 * vtysh would need `-N` too: `nslab exec LAB r1 -- vtysh` could not reach r1's FRR as typed. With the mounts the
 * node's processes see plain /etc/frr and /var/run/frr, which are r1's own, and the files live in the lab's state
 * folder, removed with it. The same holds for /etc/hosts, which iproute2's /etc/netns/NS/hosts would put under the
 * host's /etc.
 */
export function nodeEntryArgv(netns: string, binds: readonly Bind[], labDir: string, argv: string[], cgroupProcs: readonly string[] = [], arch: string | null = process.arch): string[] {
  const inNode = nodeEntryInner(netns, binds, labDir, argv, arch);
  if (!cgroupProcs.length) return inNode;
  // A node with cpu/memory limits (features/cgroup): the shell moves itself into the node's cgroup in each hierarchy
  // (writing its pid to cgroup.procs), then execs, so the command and everything it forks start inside, and the pid
  // stays the command's own. Before entering the namespace, which remounts /sys (and with it /sys/fs/cgroup) for it.
  // The cost is one dash: measured in the commit that added it.
  return ['sh', '-c', 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 126; shift; done; shift; exec "$@"', 'sh', ...cgroupProcs, '--', ...inNode];
}

function nodeEntryInner(netns: string, binds: readonly Bind[], labDir: string, argvIn: string[], arch: string | null): string[] {
  // Directories given by environment (Bind.env, e.g. OVS_RUNDIR) cost one exec of env(1), not a mount.
  const vars = binds.filter((b) => b.env).map((b) => `${b.env}=${labDir}/${b.source}`);
  const argv = vars.length ? ['env', ...vars, ...argvIn] : argvIn;
  const mounts = binds.filter((b) => !b.env);
  if (!mounts.length) return ['ip', 'netns', 'exec', netns, ...argv];
  const pairs = mounts.flatMap((b) => [`${labDir}/${b.source}`, b.target]);
  const n = arch ? SYSCALLS[arch] : undefined;
  if (n) return ['perl', '-e', entrySource(n), '--', netns, ...pairs, '--', ...argv];
  const script = 'while [ "$1" != -- ]; do [ -f "$1" ] && [ ! -e "$2" ] || mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"';
  return ['ip', 'netns', 'exec', netns, 'sh', '-c', script, 'sh', ...pairs, '--', ...argv];
}

export interface Stage {
  name: string;
  ops: Operation[];
}

export interface Plan {
  lab: string;
  /** Every namespace the plan creates, in creation order. */
  netns: string[];
  stages: Stage[];
}

/** Shell-quote a token for display so that a printed command can be copied and pasted. */
export function shellQuote(token: string): string {
  if (token !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(token)) return token;
  return `'${token.replace(/'/g, `'\\''`)}'`;
}

/** Stands for the lab's state folder (/run/nslab/LAB) in rendered commands: the plan itself knows no paths. */
const LAB_DIR = '$LAB_DIR';

/** The command a user could type to perform the operation by hand. */
export function renderOperation(op: Operation): string {
  const q = (a: string[]) => a.map(shellQuote).join(' ');
  const nsOpt = op.netns ? ['-n', op.netns] : [];
  switch (op.tool) {
    case 'ip':
      return q(['ip', ...nsOpt, ...op.args]);
    case 'tc':
      return q(['tc', ...nsOpt, ...op.args]);
    case 'bridge':
      return q(['bridge', ...nsOpt, ...op.args]);
    case 'nft':
      return q(['ip', 'netns', 'exec', op.netns ?? '', 'nft', ...op.args]);
    case 'sysctl':
      return q(['ip', 'netns', 'exec', op.netns ?? '', 'sysctl', ...(op.optional ? ['-e'] : []), '-qw', ...op.args]);
    case 'ethtool':
    case 'exec':
    case 'start':
    case 'service':
      if (op.kind === 'service.stop') return `kill -TERM <pid of ${op.subject}>`;
      return q(op.netns ? (op.binds?.length ? nodeEntryArgv(op.netns, op.binds, LAB_DIR, op.args, [], null) : ['ip', 'netns', 'exec', op.netns, ...(op.tool === 'ethtool' ? ['ethtool'] : []), ...op.args]) : op.args).replaceAll(`'${LAB_DIR}/`, `"$LAB_DIR"'/`)
        // A directory given by environment (Bind.env): 'OVS_RUNDIR=$LAB_DIR/x' would not expand when pasted.
        .replace(/'([A-Za-z_][A-Za-z0-9_]*)=\$LAB_DIR\/([^']*)'/g, `$1="$LAB_DIR"/'$2'`) +
        (op.tool === 'start' || op.tool === 'service' ? ' &' : '');
    case 'cgroup': {
      const c = op.cgroup!;
      const dir = `"$CGROUP"/${shellQuote(c.node)}`;
      const parts = [`mkdir ${dir}`];
      if (c.cpuQuotaUs !== undefined) parts.push(`echo '${c.cpuQuotaUs} ${c.cpuPeriodUs}' > ${dir}/cpu.max`);
      if (c.memoryBytes !== undefined) parts.push(`echo ${c.memoryBytes} > ${dir}/memory.max`);
      return `${parts.join(' && ')}  # $CGROUP: <mount>/nslab/<lab>.<build id>; on cgroup v1 cpu.cfs_quota_us/cfs_period_us and memory.limit_in_bytes`;
    }
    case 'files': {
      const d = op.dir!;
      const dir = `"$LAB_DIR"/${shellQuote(d.source)}`;
      const lines = [`mkdir -p ${dir}${d.owner ? ` && chown ${shellQuote(d.owner)}: ${dir}` : ''}  # ${d.target} of ${op.subject}`];
      for (const [name, text] of Object.entries(d.files)) lines.push(`cat > ${dir}/${shellQuote(name)} <<'NSLAB_EOF'`, text.replace(/\n$/, ''), 'NSLAB_EOF');
      return lines.join('\n');
    }
  }
}

export function planOperationCount(plan: Plan): number {
  return plan.stages.reduce((n, s) => n + s.ops.length, 0);
}
