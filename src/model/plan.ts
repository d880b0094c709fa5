// A plan is an ordered list of stages; each stage holds kernel operations that may run in any order
// relative to each other (the executor batches and parallelises them), but only after the previous stage.

export type OperationKind =
  | 'netns.add'
  | 'netns.del'
  | 'link.add'
  | 'link.set'
  | 'link.del'
  | 'addr.add'
  | 'route.add'
  | 'sysctl.set'
  | 'qdisc.replace'
  | 'qdisc.del'
  | 'offload.set'
  | 'proc.exec'
  | 'proc.start'
  | 'nft.apply'
  | 'files.write'
  | 'service.start'
  | 'service.stop';

/** Which program carries the operation: ip and tc lines are batched; sysctl/ethtool are grouped per namespace. */
export type Tool = 'ip' | 'tc' | 'sysctl' | 'ethtool' | 'exec' | 'start' | 'nft' | 'files' | 'service';

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
  dir?: { source: string; target: string; owner?: string; files: Record<string, string> };
  /** service.start/stop: which service, and how to tell it is ready. */
  service?: { node: string; name: string; after: string[]; readyFile?: string; check?: string[] };
}

/** Where a node's private directory lives, relative to the lab's state folder: nodes/r1/etc_frr for /etc/frr. */
export function privateDirSource(node: string, target: string): string {
  return `nodes/${node}/${target.replace(/^\/+/, '').replace(/\//g, '_')}`;
}

/** A node's private directories as bind mounts, for every process that runs in it. */
export function nodeBinds(n: { name: string; dirs?: { target: string; env?: string }[] }): Bind[] {
  return (n.dirs ?? []).map((d) => ({ source: privateDirSource(n.name, d.target), target: d.target, ...(d.env ? { env: d.env } : {}) }));
}

/**
 * The argv that runs `argv` in a node: `ip netns exec` (which also gives the process the namespace's /sys and
 * /etc/netns files), and for a node with private directories a shell that bind-mounts them first. The mounts are
 * made inside the private mount namespace that `ip netns exec` creates (with / as a slave), so they are seen by
 * this process and its children only and vanish with them: nothing to undo on the host.
 * Why mounts rather than FRR's `-N <pathspace>`: `-N` keeps the daemons' config in /etc/frr/<pathspace>/ and their
 * sockets in /var/run/frr/<pathspace>/, on the host, so those would have to be journaled and removed, and every
 * vtysh would need `-N` too: `nslab exec LAB r1 -- vtysh` could not reach r1's FRR as typed. With the mounts the
 * node's processes see plain /etc/frr and /var/run/frr, which are r1's own, and the files live in the lab's state
 * folder, removed with it. The cost, measured on the loaded 2-core machine: `ip netns exec NS true` 52 ms, with
 * the shell and three bind mounts 165 ms; only nodes that have private directories pay it.
 */
export function nodeEntryArgv(netns: string, binds: readonly Bind[], labDir: string, argv: string[]): string[] {
  // Directories given by environment (Bind.env) cost one exec of env(1), not a shell and mounts.
  const vars = binds.filter((b) => b.env).map((b) => `${b.env}=${labDir}/${b.source}`);
  const enter = ['ip', 'netns', 'exec', netns, ...(vars.length ? ['env', ...vars] : [])];
  const mounts = binds.filter((b) => !b.env);
  if (!mounts.length) return [...enter, ...argv];
  const script = 'while [ "$1" != -- ]; do mount --bind "$1" "$2" || exit 126; shift 2; done; shift; exec "$@"';
  return [...enter, 'sh', '-c', script, 'sh', ...mounts.flatMap((b) => [`${labDir}/${b.source}`, b.target]), '--', ...argv];
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
    case 'nft':
      return q(['ip', 'netns', 'exec', op.netns ?? '', 'nft', ...op.args]);
    case 'sysctl':
      return q(['ip', 'netns', 'exec', op.netns ?? '', 'sysctl', ...(op.optional ? ['-e'] : []), '-qw', ...op.args]);
    case 'ethtool':
    case 'exec':
    case 'start':
    case 'service':
      if (op.kind === 'service.stop') return `kill -TERM <pid of ${op.subject}>`;
      return q(op.netns ? (op.binds?.length ? nodeEntryArgv(op.netns, op.binds, LAB_DIR, op.args) : ['ip', 'netns', 'exec', op.netns, ...(op.tool === 'ethtool' ? ['ethtool'] : []), ...op.args]) : op.args).replaceAll(`'${LAB_DIR}/`, `"$LAB_DIR"'/`)
        // A directory given by environment (Bind.env): 'OVS_RUNDIR=$LAB_DIR/x' would not expand when pasted.
        .replace(/'([A-Za-z_][A-Za-z0-9_]*)=\$LAB_DIR\/([^']*)'/g, `$1="$LAB_DIR"/'$2'`) +
        (op.tool === 'start' || op.tool === 'service' ? ' &' : '');
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
