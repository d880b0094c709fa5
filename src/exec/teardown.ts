// Teardown from the journal, for `down`, rollback after a failed `up`, and `clean` after a dead builder.
// Everything a lab creates lives inside its namespaces, so undo is: stop the processes in them, then delete the
// namespaces (their veths, bridges and qdiscs go with them). Only namespaces the journal proves are ours are
// touched: a recorded inode must match; "already gone" counts as success; every failure is reported at the end.

import { NslabError, type Journal } from '../model/index.js';
import { killAll, listNetns, netnsInode, pidsByNetnsInode, pidsTagged, waitExited, type Runner, type StateStore } from '../sys/index.js';

/** The host-side look-ups teardown needs; injected so tests can stand in for /run/netns and /proc. */
export interface HostView {
  listNetns(): string[];
  netnsInode(name: string): number | undefined;
  pidsByNetnsInode(inodes: Set<number>): Map<number, number[]>;
  killAll(pids: number[]): number;
  /** Processes carrying the lab's OWNER_ENV tag, wherever they are. */
  pidsTagged?(lab: string): number[];
  waitExited?(pids: number[], timeoutMs: number): Promise<void>;
}

export const realHost: HostView = { listNetns, netnsInode, pidsByNetnsInode, killAll, pidsTagged, waitExited };

/**
 * SIGKILL the lab's tagged processes and every process in `inodes`, again and again until none is left: a process
 * may fork (or enter a namespace) between one look and the kill, and a namespace lives on, out of sight, as long as
 * one process is inside it. Each round waits for the killed to be gone, so nothing acts after we move on.
 */
async function stopProcesses(host: HostView, lab: string, inodes: Set<number>): Promise<number> {
  let killed = 0;
  for (let round = 0; round < 50; round++) {
    const pids = [...new Set([...(host.pidsTagged?.(lab) ?? []), ...[...host.pidsByNetnsInode(inodes).values()].flat()])].filter((p) => p !== process.pid);
    if (!pids.length) break;
    killed += host.killAll(pids);
    await host.waitExited?.(pids, 2_000);
  }
  return killed;
}

export interface TeardownReport {
  lab: string;
  namespacesDeleted: string[];
  /** Names recorded in the journal that exist but are not the namespace we created: left alone. */
  namespacesSkipped: string[];
  processesKilled: number;
  errors: string[];
}

/** Which of the journal's namespaces are ours to delete now. */
export function ownedNamespaces(j: Journal, existing: Set<string>, host: HostView = realHost): { owned: string[]; skipped: string[] } {
  const nsStage = j.stages.find((s) => s.name === 'namespaces');
  // While the namespace stage was in flight (builder killed), inodes were not yet recorded: the names were checked
  // free before the stage began and the lab name is locked, so the ones that exist are ours.
  const inFlight = nsStage?.state === 'intent';
  const owned: string[] = [];
  const skipped: string[] = [];
  for (const ns of j.netns) {
    if (!existing.has(ns.name)) continue;
    if (ns.inode !== undefined) (host.netnsInode(ns.name) === ns.inode ? owned : skipped).push(ns.name);
    else if (inFlight) owned.push(ns.name);
    else skipped.push(ns.name);
  }
  return { owned, skipped };
}

export async function destroyLab(j: Journal, deps: { runner: Runner; store: StateStore; timeoutMs?: number; host?: HostView }): Promise<TeardownReport> {
  const host = deps.host ?? realHost;
  const report: TeardownReport = { lab: j.lab, namespacesDeleted: [], namespacesSkipped: [], processesKilled: 0, errors: [] };
  j.status = 'tearing-down';
  try {
    deps.store.write(j);
  } catch {
    /* the state directory may already be gone; teardown goes on */
  }
  // A dead builder's children may still be at work in the host's namespace (creating namespaces after we list
  // them, entering one after we scan it): stop them before looking.
  report.processesKilled = await stopProcesses(host, j.lab, new Set());
  const existing = new Set(host.listNetns());
  const { owned, skipped } = ownedNamespaces(j, existing, host);
  report.namespacesSkipped = skipped;
  // Processes first: a namespace lives on while a process is inside it.
  const inodes = new Set(owned.map((n) => host.netnsInode(n)).filter((i): i is number => i !== undefined));
  report.processesKilled += await stopProcesses(host, j.lab, inodes);
  if (owned.length) {
    // -force: keep going past a failing line so one stuck namespace does not strand the rest.
    const r = await deps.runner.run('ip', ['-force', '-batch', '-'], {
      input: owned.map((n) => `netns del ${n}`).join('\n') + '\n',
      timeoutMs: deps.timeoutMs ?? 60_000,
    });
    const failed = new Set<string>();
    for (const line of r.stderr.split('\n')) {
      const m = /"\/run\/netns\/([^"]+)"/.exec(line);
      if (!m) continue;
      if (/No such file or directory/.test(line)) continue; // already gone: fine
      failed.add(m[1]);
      report.errors.push(line.trim());
    }
    if (r.exitCode !== 0 && failed.size === 0 && r.stderr.trim() && !/No such file/.test(r.stderr)) report.errors.push(r.stderr.trim());
    report.namespacesDeleted = owned.filter((n) => !failed.has(n));
  }
  if (report.errors.length === 0) deps.store.remove(j.lab);
  else {
    j.status = 'failed';
    deps.store.write(j);
  }
  return report;
}

export function teardownError(r: TeardownReport): NslabError {
  return new NslabError('E_TEARDOWN', `teardown of lab '${r.lab}' left ${r.errors.length} problem(s): ${r.errors.join('; ')}`, {
    exitCode: 2,
    hint: `run 'nslab clean' to retry; the journal in /run/nslab/${r.lab} still lists what remains`,
  });
}
