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
  | 'nft.apply';

/** Which program carries the operation: ip and tc lines are batched; sysctl/ethtool are grouped per namespace. */
export type Tool = 'ip' | 'tc' | 'sysctl' | 'ethtool' | 'exec' | 'start' | 'nft';

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
      return q(op.netns ? ['ip', 'netns', 'exec', op.netns, ...(op.tool === 'ethtool' ? ['ethtool'] : []), ...op.args] : op.args) +
        (op.tool === 'start' ? ' &' : '');
  }
}

export function planOperationCount(plan: Plan): number {
  return plan.stages.reduce((n, s) => n + s.ops.length, 0);
}
