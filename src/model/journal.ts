// The journal is the lab's state on disk: written before each stage acts, so that `down` and `clean`
// can undo exactly what was done even when the process that built the lab died half-way.

import { NslabError } from './errors.js';

export type LabStatus = 'building' | 'up' | 'tearing-down' | 'failed';

export interface JournalNetns {
  name: string;
  /** nsfs inode of /run/netns/<name> once created. Not a proof by itself (the kernel reuses a deleted namespace's
   * inode at once): teardown also requires the build's tag (netnsTag) inside the namespace. */
  inode?: number;
}

export interface JournalStage {
  name: string;
  /** `intent` is written before the stage runs; `done` after it succeeded. */
  state: 'intent' | 'done' | 'failed';
  ops: number;
}

export interface JournalProcess {
  node: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat: with the pid, identifies the process across pid reuse. */
  startTime: string;
  argv: string[];
  /** Set for a node service (e.g. zebra): stopped gently (SIGTERM, then SIGKILL) before the lab's namespaces go. */
  service?: string;
}

/** Runtime changes (impair, link down) that are not in the compiled plan; each with its undo. */
export interface JournalChange {
  at: string;
  what: string;
  ops: string[];
  /**
   * `intent` before the kernel is touched, `done` after; `rolled-back` when it failed and was undone; `failed` when
   * the undo failed too (the link's state is then unknown, and the next change of it starts from a clean root).
   * Absent in journals written before changes were rolled back.
   */
  state?: 'intent' | 'done' | 'rolled-back' | 'failed';
  /** The link it changed (`node:if-node:if`), so a later change knows that link's state is unknown. */
  link?: string;
}

export interface Journal {
  version: 1;
  lab: string;
  source: string;
  status: LabStatus;
  /** Random id of this build (16 hex digits): part of the tag written into each namespace and of the processes'
   * owner tag, so that only what this build made is ever deleted or killed. Absent in journals from before tags. */
  buildId?: string;
  /** The process that is building or tearing down the lab; after `up` finishes, the lab is persistent. */
  ownerPid: number;
  ownerStartTime: string;
  /** `ephemeral` labs (scenario runs) are removed by `clean` once their owner is gone. */
  lifetime: 'persistent' | 'ephemeral';
  createdAt: string;
  /** Where the lab's kernel lives: the host, or a user-mode Linux instance. */
  kernel: 'host' | 'uml';
  netns: JournalNetns[];
  stages: JournalStage[];
  processes: JournalProcess[];
  changes: JournalChange[];
  /** Which qdiscs the kernel has, from the probe at build time (absent when the lab needed none yet). */
  qdiscs?: Record<string, boolean>;
  /**
   * cgroups of the nodes with cpu/memory limits (features/cgroup): the lab's directory in each hierarchy
   * (<mount>/nslab/<lab>.<buildId>, written before it is made) and the nodes that have one inside each.
   */
  cgroups?: { dirs: string[]; nodes: string[] };
  /** The resolved topology, serialised (bigints as strings), for summaries and runtime changes. */
  topology: unknown;
}

/**
 * Every way into a lab (exec, shell, lab.exec, impair, link) refuses a lab that is not up: once `down` has marked it
 * `tearing-down`, nothing new may enter the namespaces it is about to empty and delete.
 */
export function labNotUp(j: Pick<Journal, 'lab' | 'status'>): NslabError | undefined {
  if (j.status === 'up') return undefined;
  const why =
    j.status === 'tearing-down'
      ? `lab '${j.lab}' is going down`
      : j.status === 'building'
        ? `lab '${j.lab}' is still being built`
        : `lab '${j.lab}' is ${j.status} (a teardown of it failed)`;
  return new NslabError('E_LAB_NOT_UP', `${why}: it cannot be entered or changed`, {
    hint: j.status === 'building' ? `wait for 'nslab up' to finish ('nslab ls' shows it)` : `'nslab ls' shows its state; 'nslab clean' removes what is left of it`,
  });
}
