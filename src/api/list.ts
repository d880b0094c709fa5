// Listing labs: the journals in the state directory and whether each owner process still lives. Cheap on
// purpose (`nslab ls` answers at the speed of `node -e 0`): one read per journal and one /proc/<pid>/stat per
// owner; no walk of /proc, no namespace probed, and none of the compiler or the schema validator loaded.

import { NslabError } from '../model/errors.js';
import type { Journal } from '../model/journal.js';
import { isAlive } from '../sys/netns.js';
import { StateStore } from '../sys/state.js';
// A type only (erased from the JavaScript): lab.ts and what it loads stay out of `nslab ls`.
import type { LabDeps } from './lab.js';

export interface LabInfo {
  name: string;
  status: Journal['status'] | 'unknown';
  nodes: number;
  links: number;
  source: string;
  createdAt: string;
  ownerPid: number;
  ownerAlive: boolean;
  lifetime: Journal['lifetime'] | 'unknown';
}

export function listLabs(deps: LabDeps = {}): LabInfo[] {
  const store = deps.store ?? new StateStore();
  return store.list().map((name) => {
    let j: Journal | undefined;
    try {
      j = store.read(name);
    } catch (e) {
      if (!(e instanceof NslabError && e.code === 'E_STATE_UNTRUSTED')) throw e; // shown as unknown; clean explains
    }
    if (!j) return { name, status: 'unknown', nodes: 0, links: 0, source: '', createdAt: '', ownerPid: 0, ownerAlive: false, lifetime: 'unknown' };
    const t = j.topology as { nodes?: unknown[]; links?: unknown[] };
    return {
      name,
      status: j.status,
      nodes: t.nodes?.length ?? 0,
      links: t.links?.length ?? 0,
      source: j.source,
      createdAt: j.createdAt,
      ownerPid: j.ownerPid,
      ownerAlive: isAlive(j.ownerPid, j.ownerStartTime),
      lifetime: j.lifetime,
    };
  });
}
