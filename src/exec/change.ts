// Apply a runtime change (impairment, link state) to a running lab: journal the intent, run the operations in
// batches, then record the new state in the journal so the next change starts from the truth.

import { availableParallelism } from 'node:os';
import { NslabError, renderOperation, type Journal, type Operation } from '../model/index.js';
import type { Runner, StateStore } from '../sys/index.js';
import { groupJobs, runBatches } from './batch.js';

export async function applyChange(
  journal: Journal,
  what: string,
  ops: Operation[],
  deps: { runner: Runner; store: StateStore; timeoutMs?: number },
  commit: (j: Journal) => void,
): Promise<void> {
  if (journal.status !== 'up')
    throw new NslabError('E_LAB_NOT_UP', `lab '${journal.lab}' is ${journal.status}, not up`, { hint: `check it with 'nslab ls'` });
  const change = { at: new Date().toISOString(), what, ops: ops.map(renderOperation) };
  journal.changes.push(change);
  deps.store.write(journal);
  if (ops.length) {
    const r = await runBatches(deps.runner, groupJobs(ops), availableParallelism(), deps.timeoutMs ?? 30_000);
    if (r.failure)
      throw new NslabError('E_KERNEL_OP', `${what}: ${r.failure.op.kind} failed for ${r.failure.op.subject}: ${r.failure.stderr.split('\n')[0]}`, {
        hint: 'the lab is otherwise unchanged; nslab doctor checks which qdiscs this kernel has',
        details: { command: r.failure.command, stderr: r.failure.stderr },
      });
  }
  commit(journal);
  deps.store.write(journal);
}
