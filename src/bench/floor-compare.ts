// Evidence for the proposed executor change: the bare floor entering each namespace with `ip -n` (today) against
// `nsenter --net` (proposed), alternating, on one topology. Run it in the sandbox like the bench:
// node dist/bench/floor-compare.js tree,3,10 3

import { compilePlan } from '../plan/index.js';
import { floorScripts, runFloor } from './floor.js';
import { generated } from './nslab.js';
import { liveNetNamespaces, settleNamespaces } from './settle.js';
import { median } from './stats.js';

const topo = process.argv[2] ?? 'single,200';
const reps = Number(process.argv[3] ?? 3);
const plan = compilePlan(generated('bcmp', topo));
const upMs: Record<string, number[]> = { 'ip-n': [], nsenter: [] };
for (let rep = 0; rep < reps; rep++)
  for (const enter of (rep % 2 ? ['nsenter', 'ip-n'] : ['ip-n', 'nsenter']) as ('ip-n' | 'nsenter')[]) {
    const live = liveNetNamespaces();
    const r = await runFloor(floorScripts(plan, `ncmp-${rep}-`, enter));
    if (!r.ok) throw new Error(r.error);
    upMs[enter].push(r.upMs);
    await settleNamespaces(live);
  }
console.log(JSON.stringify({ topo, reps, upMs, medianUpMs: { 'ip-n': median(upMs['ip-n']), nsenter: median(upMs.nsenter) } }));
