// Apply a runtime change (impairment, link state) to a running lab like a build: journal the intent, run the
// operations in batches, and on failure run the change's undo (which puts back the state before it) before
// reporting; then record the outcome in the journal, so the next change starts from the truth.
// The caller holds the lab's lock (withLabLock) around the whole read-modify-write.

import { availableParallelism } from 'node:os';
import { labNotUp, NslabError, renderOperation, type Journal, type JournalChange, type Operation } from '../model/index.js';
import type { Runner, StateStore } from '../sys/index.js';
import { groupJobs, runBatches, type BatchOutcome } from './batch.js';

export interface ChangeSpec {
  what: string;
  /** The link it changes (journaled, see JournalChange.link). */
  link?: string;
  ops: Operation[];
  /** Operations that put back the state before the change, given what of it was applied. */
  undo: (applied: Operation[]) => Operation[];
}

const firstLine = (s: string) => s.split('\n')[0] || 'no error text';

export async function applyChange(
  journal: Journal,
  change: ChangeSpec,
  deps: { runner: Runner; store: StateStore; timeoutMs?: number },
  commit: (j: Journal) => void,
): Promise<void> {
  const notUp = labNotUp(journal);
  if (notUp) throw notUp;
  const entry: JournalChange = { at: new Date().toISOString(), what: change.what, ops: change.ops.map(renderOperation), state: 'intent', ...(change.link ? { link: change.link } : {}) };
  journal.changes.push(entry);
  deps.store.write(journal);
  const run = async (ops: Operation[]): Promise<BatchOutcome> =>
    ops.length ? runBatches(deps.runner, groupJobs(ops), availableParallelism(), deps.timeoutMs ?? 30_000) : { applied: [] };
  const r = await run(change.ops);
  if (r.failure) {
    const f = r.failure;
    let undone: BatchOutcome;
    try {
      undone = await run(change.undo(r.applied));
    } catch (e) {
      undone = { applied: [], failure: { op: f.op, command: '', stderr: (e as Error).message } };
    }
    entry.state = undone.failure ? 'failed' : 'rolled-back';
    deps.store.write(journal);
    const u = undone.failure;
    throw new NslabError('E_KERNEL_OP', `${change.what}: ${f.op.kind} failed for ${f.op.subject}: ${firstLine(f.stderr)}`, {
      hint: u
        ? `rolling the change back failed too (${u.op.kind} for ${u.op.subject}: ${firstLine(u.stderr)}): the link's shaping is in an unknown state, and the next change of it rebuilds it from a clean root ('nslab impair LAB LINK --clear' does)`
        : 'the change was rolled back: the lab is as it was before it (nslab doctor checks which qdiscs this kernel has)',
      details: { command: f.command, stderr: f.stderr, ...(u ? { rollbackCommand: u.command, rollbackStderr: u.stderr } : {}) },
    });
  }
  commit(journal);
  entry.state = 'done';
  deps.store.write(journal);
}
