// The cgroups stage: journal the lab's cgroup directories, then make them with each node's limits (sys/cgroup.ts).
// Undo is teardown's removeLabCgroup, which acts only on directories named with this build's id.

import type { Journal, Stage } from '../model/index.js';
import { createNodeCgroups, detectCgroups, isLabCgroupDir, killAll, labCgroupDirs, removeLabCgroup, type StateStore } from '../sys/index.js';

export function runCgroupStage(stage: Stage, journal: Journal, store: StateStore): void {
  const nodes = stage.ops.map((o) => o.cgroup!);
  const layout = detectCgroups();
  const dirs = labCgroupDirs(layout, journal.lab, journal.buildId!, {
    cpu: nodes.some((n) => n.cpuQuotaUs !== undefined),
    memory: nodes.some((n) => n.memoryBytes !== undefined),
  });
  // Journaled before the first mkdir: a crash in between leaves nothing that teardown would not find.
  journal.cgroups = { dirs, nodes: nodes.map((n) => n.node) };
  store.write(journal);
  createNodeCgroups(layout, dirs, nodes);
}

/** Teardown's part: every journaled cgroup directory proven this build's, emptied and removed. */
export async function removeCgroups(j: Journal): Promise<{ errors: string[]; notOurs: string[] }> {
  const errors: string[] = [];
  const notOurs: string[] = [];
  for (const dir of j.cgroups?.dirs ?? []) {
    if (!isLabCgroupDir(dir, j.lab, j.buildId)) {
      notOurs.push(`${JSON.stringify(dir)}: not a cgroup directory nslab makes for this build of lab '${j.lab}'; ignored`);
      continue;
    }
    // Whatever is still inside (the namespace sweep ran first) is killed; rmdir waits for it to leave.
    errors.push(...(await removeLabCgroup(dir, killAll)));
  }
  return { errors, notOurs };
}
