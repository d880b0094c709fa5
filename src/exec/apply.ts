// Apply a plan stage by stage: journal the intent, run the stage in batches, journal the result.
// The first failure stops everything and is thrown with the operation, its subject, the command and stderr;
// the caller rolls back with destroyLab, which undoes from the journal.

import { availableParallelism } from 'node:os';
import { netnsTag, nodeEntryArgv, NslabError, renderOperation, type Journal, type Operation, type Plan, type Stage } from '../model/index.js';
import { netnsInode, OWNER_ENV, procStartTime, renderCommand, type Runner, type StateStore } from '../sys/index.js';
import { createNamespaces, groupJobs, runBatches } from './batch.js';
import { newBuildId, ownerEnvValue } from './journal.js';
import { runServiceStage } from './services.js';
import { waitLinksUp } from './linkstate.js';
import { runCgroupStage } from './cgroups.js';
import { nodeCgroupProcs } from '../sys/index.js';

export type Progress = (phase: string, done: number, total: number) => void;

export interface ApplyDeps {
  runner: Runner;
  store: StateStore;
  /** Parallel scripts for per-namespace batches; defaults to the number of cores. */
  workers?: number;
  timeoutMs?: number;
  /** Per-command timeout of the exec stage (default: timeoutMs, else EXEC_TIMEOUT_MS). */
  execTimeoutMs?: number;
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
    hint: 'everything already built was rolled back; run the command below by hand to investigate, or nslab doctor to check kernel support',
    details: { operation: op.kind, subject: op.subject, command, stderr, rendered: renderOperation(op) },
  });
}

/** How long after its timeout a node command may still hold its output pipes before we stop waiting for it. */
const EXEC_GRACE_MS = 2_000;

function interrupted(where: string): NslabError {
  return new NslabError('E_INTERRUPTED', `interrupted ${where}`, { hint: 'the partly built lab was rolled back' });
}

async function runProcessStage(stage: Stage, journal: Journal, deps: ApplyDeps): Promise<void> {
  const tag = { [OWNER_ENV]: ownerEnvValue(journal)! };
  const timeoutMs = deps.execTimeoutMs ?? deps.timeoutMs ?? EXEC_TIMEOUT_MS;
  if (stage.name === 'start') {
    stage.ops.forEach((op, i) => {
      const node = op.subject.split(' ')[1];
      const [file, ...args] = nodeEntryArgv(op.netns!, op.binds ?? [], deps.store.labDir(journal.lab), op.args, nodeCgroupProcs(journal.cgroups, node));
      const pid = deps.runner.spawnDetached(file, args, {
        env: { ...op.env, ...tag },
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
  // The runner kills a command's process group at its timeout, but waits for the output pipes to close: a
  // grandchild in its own session (`setsid daemon &`) keeps them open and the wait would outlast any timeout. So the
  // wait is bounded here too, and a Ctrl-C stops it at once; whatever still runs lives in the lab's namespace, and
  // the rollback kills it there (which also closes the pipes and settles the abandoned wait).
  let failed: () => void = () => undefined;
  const stop = new Promise<'aborted' | 'failed'>((resolve) => {
    failed = () => resolve('failed');
    if (deps.signal?.aborted) resolve('aborted');
    deps.signal?.addEventListener('abort', () => resolve('aborted'), { once: true });
  });
  // The first failure is the one reported; it also stops the other nodes' waits (the rollback kills their commands).
  const fail = (e: NslabError) => {
    failure ??= e;
    failed();
  };
  const timers: NodeJS.Timeout[] = [];
  const worker = async () => {
    for (let q = queues.shift(); q && !failure; q = queues.shift())
      for (const op of q) {
        const deadline = new Promise<'deadline'>((resolve) => timers.push(setTimeout(() => resolve('deadline'), timeoutMs + EXEC_GRACE_MS)));
        const [file, ...args] = nodeEntryArgv(op.netns!, op.binds ?? [], deps.store.labDir(journal.lab), op.args, nodeCgroupProcs(journal.cgroups, op.subject.split(' ')[1]));
        const run = deps.runner.run(file, args, { env: { ...op.env, ...tag }, timeoutMs });
        run.catch(() => undefined); // an abandoned wait must not end as an unhandled rejection
        const r = await Promise.race([run, deadline, stop]);
        if (r === 'failed') return;
        if (r === 'aborted') {
          fail(interrupted(`during stage ${stage.name} (${op.subject})`));
          return;
        }
        if (r === 'deadline') {
          fail(opFailed(stage.name, op, renderCommand(file, args), `timed out after ${timeoutMs} ms (still holding its output ${EXEC_GRACE_MS} ms later)`));
          return;
        }
        if (r.exitCode !== 0) {
          fail(opFailed(stage.name, op, r.command, r.timedOut ? `timed out after ${timeoutMs} ms` : `exit ${r.exitCode}: ${r.stderr.trim() || r.stdout.trim()}`));
          return;
        }
      }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, deps.workers ?? availableParallelism()) }, worker));
  } finally {
    timers.forEach(clearTimeout);
  }
  if (failure) throw failure;
}

export async function applyPlan(plan: Plan, journal: Journal, deps: ApplyDeps): Promise<void> {
  const workers = deps.workers ?? availableParallelism();
  // The tag written into each namespace comes from the journal, written before anything is created.
  journal.buildId ??= newBuildId();
  const total = plan.stages.reduce((n, s) => n + s.ops.length, 0);
  let done = 0;
  // Daemons and the user's commands start on links that carry frames, and so does the user after `up` returns:
  // see waitLinksUp. The waiter starts once the configure stage has set the links up (the links stage makes them
  // down) and sleeps while shaping runs. Measured with single,200 (400 veths): up 2.6-2.8 s without the wait and
  // 3.2-4.0 s with it at load 8, 3.3-3.5 s and 3.4-4.7 s at load 16; the difference is the kernel's linkwatch work,
  // which `up` used to leave to the user's first packets. Best effort: the lab is built correctly either way, so a
  // waiter that cannot run (no perl) costs only the first ARP retry it would have saved.
  let linksReady: Promise<unknown> | undefined;
  try {
    for (const stage of plan.stages) {
      if (deps.signal?.aborted) throw interrupted(`before stage ${stage.name}`);
      if (stage.name === 'exec' || stage.name === 'start' || stage.name === 'services') await linksReady;
      const entry = { name: stage.name, state: 'intent' as const, ops: stage.ops.length };
      journal.stages.push(entry);
      deps.store.write(journal);
      deps.onProgress?.(stage.name, done, total);
      if (stage.name === 'exec' || stage.name === 'start' || stage.name === 'services' || stage.name === 'cgroups') {
        try {
          if (stage.name === 'cgroups') runCgroupStage(stage, journal, deps.store);
          else if (stage.name === 'services') await runServiceStage(stage, journal, deps);
          else await runProcessStage(stage, journal, deps);
        } catch (e) {
          journal.stages[journal.stages.length - 1] = { ...entry, state: 'failed' };
          deps.store.write(journal);
          throw e;
        }
      } else {
        const timeoutMs = deps.timeoutMs ?? STAGE_TIMEOUT_MS;
        const env = { [OWNER_ENV]: ownerEnvValue(journal)! };
        const outcome =
          stage.name === 'namespaces'
            ? await createNamespaces(deps.runner, stage.ops, netnsTag(journal.lab, journal.buildId!), timeoutMs, env)
            : await runBatches(deps.runner, groupJobs(stage.ops), workers, timeoutMs, env);
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
      if (stage.name === 'configure') linksReady = waitLinksUp(deps.runner, plan.netns).catch(() => []);
      done += stage.ops.length;
      deps.store.write(journal);
    }
  } catch (e) {
    // The caller rolls back next: let the waiter finish first (it holds each namespace open until it exits).
    await linksReady;
    throw e;
  }
  // A signal during the last stages would otherwise go unnoticed: the start stage never yields to the event loop,
  // so a SIGINT that arrived during it is only dispatched later, after "up" (the CLI then says "rolling back" and
  // leaves the lab up). Let pending signal handlers run, then look.
  await linksReady;
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
  if (deps.signal?.aborted) throw interrupted('at the end of the build');
  deps.onProgress?.('done', total, total);
}
