// `nslab show LAB` for the library: the journal says what the lab is, the kernel says now which links are up.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATAPATH_FILE } from '../features/openflow/index.js';
import { NslabError, privateDirSource, type Journal } from '../model/index.js';
import { readLinkStates } from '../exec/linkstate.js';
import { buildShowReport, type KernelView, type ShowReport } from '../report/show.js';
import { ExecaRunner, isAlive, StateStore } from '../sys/index.js';
import { deserializeTopology } from '../topology/index.js';
import type { LabDeps } from './lab.js';

/** A running lab's nodes, interfaces, addresses, peers, link states (read now), impairments and processes. */
export async function showLab(name: string, deps: LabDeps = {}): Promise<ShowReport> {
  const store = deps.store ?? new StateStore();
  const found = store.inspect(name);
  if (found.state === 'missing')
    throw new NslabError('E_NO_SUCH_LAB', `no lab named '${name}' is up`, { hint: `'nslab ls' lists the labs on this machine` });
  if (found.state === 'corrupt')
    throw new NslabError('E_JOURNAL_CORRUPT', `lab '${name}': its journal is unreadable (${found.reason})`, {
      hint: `look at ${store.labDir(name)}/journal.json; 'nslab clean' reports what it cannot undo`,
    });
  const j: Journal = found.journal;
  if (j.status !== 'up')
    throw new NslabError('E_LAB_NOT_UP', `lab '${name}' is ${j.status}, not up`, { hint: `'nslab ls' shows its state; 'nslab clean' removes what a dead builder left` });
  let t;
  try {
    t = deserializeTopology(j.topology);
    if (!Array.isArray(t.nodes) || !Array.isArray(t.links)) throw new Error('no nodes or links');
  } catch (e) {
    throw new NslabError('E_JOURNAL_CORRUPT', `lab '${name}': the topology in its journal is unreadable (${(e as Error).message})`, { cause: e });
  }
  let kernel: KernelView | { error: string };
  if (j.kernel === 'uml') kernel = { error: 'the lab runs inside user-mode Linux, whose namespaces the host cannot enter' };
  else if (typeof process.geteuid === 'function' && process.geteuid() !== 0) kernel = { error: 'entering the namespaces needs root (CAP_SYS_ADMIN)' };
  else {
    try {
      const s = await readLinkStates(deps.runner ?? new ExecaRunner(), t.nodes.map((n) => n.netns));
      kernel = { link: (ns, ifname) => s.byNetns.get(ns)?.get(ifname), present: (ns) => s.byNetns.has(ns) };
    } catch (e) {
      kernel = { error: `reading them failed: ${(e as Error).message}` };
    }
  }
  // The datapath each OpenFlow switch's OVS was given (features/openflow writes it when the switch starts).
  const datapathOf = (node: string): string | undefined => {
    try {
      return readFileSync(join(store.labDir(name), privateDirSource(node, 'ovs/run'), DATAPATH_FILE), 'utf8').trim();
    } catch {
      return undefined;
    }
  };
  return buildShowReport(j, t, kernel, (p) => isAlive(p.pid, p.startTime), datapathOf);
}
