// Teardown from the journal, for `down`, rollback after a failed `up`, and `clean` after a dead builder.
// Everything a lab creates lives inside its namespaces, so undo is: stop the processes in them, then delete the
// namespaces (their veths, bridges and qdiscs go with them). Only namespaces proven ours are touched: the name is one
// nslab generates for the lab, the namespace carries this build's tag (netnsTag, the loopback's alias), and a
// recorded inode matches. Anything else is left alone and named in the report, with the command a person can run.
// "Already gone" counts as success; every failure is reported at the end.

import { isLabNetnsName, netnsName, netnsTag, NslabError, type Journal } from '../model/index.js';
import { stopServices } from './services.js';
import { killAll, listNetns, netnsInode, pidsByNetnsInode, pidsHoldingNetns, pidsTagged, pinNetns, waitExited, withLabLock, type Runner, type StateStore } from '../sys/index.js';
import { readNetnsTags } from './batch.js';
import { ownerEnvValue } from './journal.js';
import { removeCgroups } from './cgroups.js';
import type { NetnsProof } from './relay.js';

/** The host-side look-ups teardown needs; injected so tests can stand in for /run/netns and /proc. */
export interface HostView {
  listNetns(): string[];
  netnsInode(name: string): number | undefined;
  pidsByNetnsInode(inodes: Set<number>): Map<number, number[]>;
  killAll(pids: number[]): number;
  /** Processes carrying OWNER_ENV=value (the lab and its build id), wherever they are. */
  pidsTagged?(value: string): number[];
  waitExited?(pids: number[], timeoutMs: number): Promise<void>;
  /** Each existing namespace's proof (inode, loopback alias); default: read through the runner (readNetnsTags). */
  readTags?(names: string[]): Promise<Map<string, NetnsProof>>;
  /** Processes holding a descriptor of one of the namespaces (they can still enter it after its name is gone). */
  pidsHoldingNetns?(inodes: Set<number>): number[];
  /** Keep the namespaces alive (and their inodes ours) until release(). */
  pinNetns?(names: string[]): { inodes: Set<number>; release(): void };
}

export const realHost: HostView = { listNetns, netnsInode, pidsByNetnsInode, killAll, pidsTagged, waitExited, pidsHoldingNetns, pinNetns };

/** How long a look that found nobody waits before the look that confirms it (see stopProcesses' `quiet`). */
const QUIET_GAP_MS = 20;

/**
 * SIGKILL the lab's tagged processes and every process in `inodes`, again and again until none is left: a process
 * may fork (or enter a namespace) between one look and the kill, and a namespace lives on, out of sight, as long as
 * one process is inside it. Each round waits for the killed to be gone, so nothing acts after we move on.
 */
async function stopProcesses(host: HostView, owner: string | undefined, inodes: Set<number>, opts: { holders?: boolean; quiet?: number } = {}): Promise<number> {
  let killed = 0;
  let quiet = 0;
  for (let round = 0; round < 50; round++) {
    const holders = opts.holders && inodes.size ? (host.pidsHoldingNetns?.(inodes) ?? []) : [];
    const pids = [...new Set([...((owner && host.pidsTagged?.(owner)) || []), ...[...host.pidsByNetnsInode(inodes).values()].flat(), ...holders])].filter((p) => p !== process.pid);
    if (!pids.length) {
      // `quiet` looks in a row that find nobody, a little apart: a process caught inside open(2) of the name when it
      // was deleted gets its descriptor a moment later.
      if (++quiet >= (opts.quiet ?? 1)) break;
      await new Promise((r) => setTimeout(r, QUIET_GAP_MS));
      continue;
    }
    quiet = 0;
    killed += host.killAll(pids);
    await host.waitExited?.(pids, 2_000);
  }
  return killed;
}

export interface TeardownReport {
  lab: string;
  namespacesDeleted: string[];
  /** Names recorded in the journal that exist but are not proven to be the namespace we created: left alone. */
  namespacesSkipped: string[];
  /** For each one left alone: why, and what a person can do about it. */
  notOurs: string[];
  processesKilled: number;
  errors: string[];
}

/** Why an existing namespace is not proven ours, or undefined when it is. */
function unproven(j: Journal, name: string, journaled: number | undefined, p: NetnsProof): string | undefined {
  const byHand = `if it is a leftover of lab '${j.lab}', remove it by hand: ip netns del ${name}`;
  if (p.inode === 0) return `holds no namespace (an empty file, from a crash while it was being created?); ${byHand}`;
  if (!j.buildId) return `the journal is from an nslab without ownership tags, so nothing proves it ours; ${byHand}`;
  if (p.tag === undefined || p.tag === '')
    return `carries no nslab tag: made by someone else, or nslab crashed between creating it and tagging it; ${byHand}`;
  if (p.tag !== netnsTag(j.lab, j.buildId)) return p.tag.startsWith('nslab:') ? `belongs to another nslab build (tag ${p.tag})` : `carries a foreign tag (${JSON.stringify(p.tag)})`;
  if (journaled !== undefined && journaled !== p.inode) return `is not the namespace this build journaled (inode ${p.inode}, journaled ${journaled}); ${byHand}`;
  return undefined;
}

/**
 * Which of the journal's namespaces are ours to delete now: names nslab generates for the lab, that exist, and that
 * carry this build's tag. There is no shortcut for a build that died mid-stage: a namespace without the tag is left
 * alone (through the relay a namespace is never visible untagged; in the iproute2 fallback a crash between
 * `netns add` and its tag line leaves one, and the report says how to remove it).
 */
export async function ownedNamespaces(
  j: Journal,
  existing: Set<string>,
  readTags: (names: string[]) => Promise<Map<string, NetnsProof>>,
): Promise<{ owned: string[]; skipped: string[]; notOurs: string[] }> {
  const owned: string[] = [];
  const skipped: string[] = [];
  const notOurs: string[] = [];
  const candidates = j.netns.filter((ns) => {
    if (isLabNetnsName(j.lab, ns.name)) return existing.has(ns.name);
    // A tampered (or foreign) journal: never act on a name nslab could not have made for this lab.
    skipped.push(ns.name);
    notOurs.push(`${JSON.stringify(ns.name)}: not a name nslab gives a namespace of lab '${j.lab}' (those are named ${netnsName(j.lab, 'NODE')}); ignored`);
    return false;
  });
  const proofs = candidates.length ? await readTags(candidates.map((n) => n.name)) : new Map<string, NetnsProof>();
  for (const ns of candidates) {
    const p = proofs.get(ns.name);
    if (!p) continue; // gone since we listed it
    const why = unproven(j, ns.name, ns.inode, p);
    if (why === undefined) owned.push(ns.name);
    else {
      skipped.push(ns.name);
      notOurs.push(`${ns.name}: ${why}`);
    }
  }
  return { owned, skipped, notOurs };
}

export async function destroyLab(j: Journal, deps: { runner: Runner; store: StateStore; timeoutMs?: number; host?: HostView }): Promise<TeardownReport> {
  const host = deps.host ?? realHost;
  const report: TeardownReport = { lab: j.lab, namespacesDeleted: [], namespacesSkipped: [], notOurs: [], processesKilled: 0, errors: [] };
  const owner = ownerEnvValue(j);
  // Mark the lab as going down, under its lock (an impair in flight finishes first, and none starts after): from
  // here every way in (exec, shell, lab.exec, impair, link) refuses it, see labNotUp.
  j.status = 'tearing-down';
  await withLabLock(deps.store, j.lab, () => {
    try {
      deps.store.write(j);
    } catch {
      /* the state directory may already be gone; teardown goes on */
    }
  });
  // Daemons first, gently and all at once (they are tagged, so the sweep below would SIGKILL them straight away).
  if (j.processes?.some((p) => p.service)) report.processesKilled += await stopServices(j);
  // A dead builder's children may still be at work in the host's namespace (creating namespaces after we list
  // them, entering one after we scan it): stop them before looking.
  report.processesKilled += await stopProcesses(host, owner, new Set());
  const existing = new Set(host.listNetns());
  const { owned, skipped, notOurs } = await ownedNamespaces(j, existing, host.readTags ?? ((names) => readNetnsTags(deps.runner, names)));
  report.namespacesSkipped = skipped;
  report.notOurs = notOurs;
  // Processes first: a namespace lives on while a process is inside it.
  const inodes = new Set(owned.map((n) => host.netnsInode(n)).filter((i): i is number => i !== undefined));
  report.processesKilled += await stopProcesses(host, owner, inodes);
  // Held open until the end, so that the inodes stay ours while we look for them after the names are gone.
  const pinned = host.pinNetns?.(owned);
  try {
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
      // Deleting a name does not close the ways in that are already open: an `nslab exec` that read the journal
      // before the lab was marked, and opened the namespace before it was deleted, enters it now and would live on
      // in an unnamed namespace that no tool lists. Empty the namespaces once more, by inode, descriptors included,
      // until two looks in a row find nobody.
      const all = new Set([...inodes, ...(pinned?.inodes ?? [])]);
      report.processesKilled += await stopProcesses(host, owner, all, { holders: true, quiet: 2 });
    }
  } finally {
    pinned?.release();
  }
  // The nodes' cgroups last: their processes were in the namespaces, and are gone by now.
  if (j.cgroups) {
    const cg = await removeCgroups(j);
    report.errors.push(...cg.errors);
    report.notOurs.push(...cg.notOurs);
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
    hint: `run 'nslab clean' to retry; the journal in /run/nslab/${r.lab} still lists what remains`,
  });
}
