// A new journal for a lab about to be built; the executor updates and rewrites it as it goes.

import type { Journal, Plan } from '../model/index.js';
import { procStartTime } from '../sys/index.js';

export function newJournal(plan: Plan, opts: { source: string; topology: unknown; lifetime: Journal['lifetime']; kernel?: Journal['kernel'] }): Journal {
  return {
    version: 1,
    lab: plan.lab,
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
