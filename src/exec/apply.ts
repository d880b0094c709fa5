// Apply a plan stage by stage: journal the intent, run the stage in batches, journal the result.
// The first failure stops everything and is thrown with the operation, its subject, the command and stderr;
// the caller rolls back with destroyLab, which undoes from the journal.

import { availableParallelism } from 'node:os';
import { NslabError, renderOperation, type Journal, type Operation, type Plan, type Stage } from '../model/index.js';
import { netnsInode, procStartTime, type Runner, type StateStore } from '../sys/index.js';
import { groupJobs, runBatches } from './batch.js';

export type Progress = (phase: string, done: number, total: number) => void;

export interface ApplyDeps {
  runner: Runner;
  store: StateStore;
  /** Parallel scripts for per-namespace batches; defaults to the number of cores. */
  workers?: number;
  timeoutMs?: number;
  onProgress?: Progress;
  /** Reads a new namespace's inode (tests stand in for /run/netns). */
  netnsInode?: (name: string) => number | undefined;
  /** Checked between stages: an abort (Ctrl-C) stops the build, and the caller rolls back. */
  signal?: AbortSignal;
}

export const STAGE_TIMEOUT_MS = 120_000;
export const EXEC_TIMEOUT_MS = 60_000;

function opFailed(stage: string, op: Operation, command: string, stderr: string): NslabError {
  return new NslabError('E_KERNEL_OP', `${op.kind} failed for ${op.subject} (stage ${stage}): ${stderr.split('\n')[0] || 'no error text'}`, {
    exitCode: 2,
    hint: 'everything already built was rolled back; run the command below by hand to investigate, or nslab doctor to check kernel support',
    details: { operation: op.kind, subject: op.subject, command, stderr, rendered: renderOperation(op) },
  });
}

async function runProcessStage(stage: Stage, journal: Journal, deps: ApplyDeps): Promise<void> {
  const timeoutMs = deps.timeoutMs ?? EXEC_TIMEOUT_MS;
  if (stage.name === 'start') {
    stage.ops.forEach((op, i) => {
      const node = op.subject.split(' ')[1];
      const pid = deps.runner.spawnDetached('ip', ['netns', 'exec', op.netns!, ...op.args], {
        env: op.env,
        logFile: deps.store.logPath(journal.lab, `${node}.start${i}.log`),
      });
      journal.processes.push({ node, pid, startTime: procStartTime(pid) ?? '', argv: op.args });
    });
    return;
  }
  // exec: in order within a node, nodes side by side (bounded by cores).
  const byNode = new Map<string, Operation[]>();
  for (const op of stage.ops) byNode.set(op.netns!, [...(byNode.get(op.netns!) ?? []), op]);
  const queues = [...byNode.values()];
  let failure: NslabError | undefined;
  const worker = async () => {
    for (let q = queues.shift(); q && !failure; q = queues.shift())
      for (const op of q) {
        const r = await deps.runner.run('ip', ['netns', 'exec', op.netns!, ...op.args], { env: op.env, timeoutMs });
        if (r.exitCode !== 0) {
          failure = opFailed(stage.name, op, r.command, r.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}`);
          return;
        }
      }
  };
  await Promise.all(Array.from({ length: Math.max(1, deps.workers ?? availableParallelism()) }, worker));
  if (failure) throw failure;
}

export async function applyPlan(plan: Plan, journal: Journal, deps: ApplyDeps): Promise<void> {
  const workers = deps.workers ?? availableParallelism();
  const total = plan.stages.reduce((n, s) => n + s.ops.length, 0);
  let done = 0;
  for (const stage of plan.stages) {
    if (deps.signal?.aborted)
      throw new NslabError('E_INTERRUPTED', `interrupted before stage ${stage.name}`, { exitCode: 2, hint: 'the partly built lab was rolled back' });
    const entry = { name: stage.name, state: 'intent' as const, ops: stage.ops.length };
    journal.stages.push(entry);
    deps.store.write(journal);
    deps.onProgress?.(stage.name, done, total);
    if (stage.name === 'exec' || stage.name === 'start') {
      try {
        await runProcessStage(stage, journal, deps);
      } catch (e) {
        journal.stages[journal.stages.length - 1] = { ...entry, state: 'failed' };
        deps.store.write(journal);
        throw e;
      }
    } else {
      const outcome = await runBatches(deps.runner, groupJobs(stage.ops), workers, deps.timeoutMs ?? STAGE_TIMEOUT_MS);
      if (stage.name === 'namespaces') {
        // Record each namespace's identity as soon as it exists: teardown deletes only these inodes.
        const created = new Set(outcome.applied.map((o) => o.args[2]));
        for (const ns of journal.netns) if (created.has(ns.name)) ns.inode = (deps.netnsInode ?? netnsInode)(ns.name);
      }
      if (outcome.failure) {
        journal.stages[journal.stages.length - 1] = { ...entry, state: 'failed' };
        deps.store.write(journal);
        throw opFailed(stage.name, outcome.failure.op, outcome.failure.command, outcome.failure.stderr);
      }
    }
    journal.stages[journal.stages.length - 1] = { ...entry, state: 'done' };
    done += stage.ops.length;
    deps.store.write(journal);
  }
  deps.onProgress?.('done', total, total);
}
