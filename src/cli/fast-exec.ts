// `nslab exec` is the command people (and scripts) call in loops, so it skips yargs and the loader entirely: read
// the lab's journal, find the node's namespace, enter it (nodeEntryArgv) with the terminal passed through.
// Measured on the loaded 2-core machine: 1.1-2.1 s through yargs and the full CLI, mostly yargs building its
// command tree and the module graph (ajv, yaml, the compiler) that exec never uses.

import { NslabError } from '../model/errors.js';
import { nodeBinds, nodeEntryArgv } from '../model/plan.js';
import { labNotUp } from '../model/journal.js';
import type { ResolvedNode } from '../model/topology.js';
import { StateStore } from '../sys/state.js';
import { nodeCgroupProcs } from '../sys/cgroup.js';
import { passThrough } from './passthrough.js';

/** What exec needs of a node, as the journal's topology holds it. */
type JournalNode = Pick<ResolvedNode, 'name' | 'netns' | 'env' | 'dirs'>;

/** `exec LAB NODE [--] CMD...` → the parts, or undefined when this is not that shape (help, missing parts). */
export function parseExecArgs(args: string[]): { lab: string; node: string; cmd: string[] } | undefined {
  if (args[0] !== 'exec' || args.length < 4) return undefined;
  const [, lab, node, ...rest] = args;
  if (lab.startsWith('-') || node.startsWith('-')) return undefined;
  const cmd = rest[0] === '--' ? rest.slice(1) : rest;
  if (!cmd.length || (rest[0] !== '--' && (cmd[0] === '--help' || cmd[0] === '-h'))) return undefined;
  return { lab, node, cmd };
}

export async function fastExec(p: { lab: string; node: string; cmd: string[] }): Promise<number> {
  if (typeof process.geteuid === 'function' && process.geteuid() !== 0)
    throw new NslabError('E_NOT_ROOT', 'nslab exec needs root to enter a lab namespace (CAP_SYS_ADMIN)');
  const store = new StateStore();
  const j = store.read(p.lab);
  if (!j) throw new NslabError('E_NO_SUCH_LAB', `no lab named '${p.lab}' is running`, { hint: `'nslab ls' lists the labs on this machine` });
  // A lab going down is not entered (down empties its namespaces once more after deleting them, for an exec that
  // read the journal just before down marked it).
  const notUp = labNotUp(j);
  if (notUp) throw notUp;
  const topology = j.topology as { nodes?: JournalNode[]; files?: { name: string; target: string }[] };
  const nodes = topology.nodes ?? [];
  const node = nodes.find((n) => n.name === p.node);
  if (!node) throw new NslabError('E_UNKNOWN_NODE', `lab '${p.lab}' has no node '${p.node}'`, { hint: `nodes: ${nodes.map((n) => n.name).slice(0, 20).join(', ')}` });
  // The lab's hosts file is mounted over /etc/hosts (names resolve), and a node's private directories (an FRR
  // router's /etc/frr, /var/run/frr) over theirs, so that `vtysh` reaches this node's daemons and no other.
  const [file, ...args] = nodeEntryArgv(node.netns, nodeBinds(node, topology.files), store.labDir(p.lab), p.cmd, nodeCgroupProcs(j.cgroups, node.name));
  return passThrough(file, args, node.env);
}
