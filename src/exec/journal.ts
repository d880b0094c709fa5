// A new journal for a lab about to be built; the executor updates and rewrites it as it goes.

import { randomBytes } from 'node:crypto';
import type { Journal, Plan } from '../model/index.js';
import { procStartTime } from '../sys/index.js';

export function newJournal(plan: Plan, opts: { source: string; topology: unknown; lifetime: Journal['lifetime']; kernel?: Journal['kernel'] }): Journal {
  return {
    version: 1,
    lab: plan.lab,
    buildId: newBuildId(),
    source: opts.source,
    status: 'building',
    ownerPid: process.pid,
    ownerStartTime: procStartTime(process.pid) ?? '',
    lifetime: opts.lifetime,
    createdAt: new Date().toISOString(),
    kernel: opts.kernel ?? 'host',
    netns: plan.netns.map((name) => ({ name })),
    stages: [],
    processes: [],
    changes: [],
    topology: opts.topology,
  };
}

/** 64 random bits: no two builds share an id, so one build's tag never proves another's namespace. */
export function newBuildId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The value of OWNER_ENV in every process a build starts: the lab and its build id, so that `down` of one lab never
 * kills the processes of a same-named lab kept in another state directory (NSLAB_STATE_DIR). Undefined for journals
 * from before build ids: their processes are then found only inside proven namespaces.
 */
export function ownerEnvValue(j: Pick<Journal, 'lab' | 'buildId'>): string | undefined {
  return j.buildId ? `${j.lab}:${j.buildId}` : undefined;
}
