// Node services (daemons such as FRR's zebra and ospfd): write each node's private directories, check configs,
// start the daemons in their nodes once those they come after are ready, journal each one (pid and start time),
// and stop them at teardown — all of them at once, SIGTERM then SIGKILL — before the namespaces go.

import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { NslabError, nodeEntryArgv, renderOperation, type Journal, type Operation, type Stage } from '../model/index.js';
import { ownerEnvValue } from './journal.js';
import { fileExists, isRunning, nodeCgroupProcs, killAll, OWNER_ENV, procStartTime, renderCommand, tailFile, waitExited, writePrivateDir, type Runner, type StateStore } from '../sys/index.js';

export interface ServiceDeps {
  runner: Runner;
  store: StateStore;
  workers?: number;
  signal?: AbortSignal;
  /** How long a daemon may take to become ready (default SERVICE_READY_TIMEOUT_MS). */
  readyTimeoutMs?: number;
}

/** Generous: 50 routers' daemons start at once on a loaded 2-core machine. */
export const SERVICE_READY_TIMEOUT_MS = 30_000;

/**
 * How long stopped daemons get to exit before SIGKILL. zebra needs ~1.8 s after SIGTERM (measured here), spent
 * removing its routes from the kernel; the namespace is deleted right after, which removes them anyway, so the
 * wait only lets the daemons write their last log lines. Everyone is signalled at once, so a 50-router lab waits
 * this long once, not 50 times.
 */
export const SERVICE_STOP_GRACE_MS = 500;

/** The host path of a file a node sees at `target`, through the node's private directory mounted there. */
function hostPathOf(op: Operation, labDir: string, target: string): string | undefined {
  // `$OVS_RUNDIR/db.sock`: a file in a directory given to the node by environment (Bind.env).
  const v = /^\$([A-Za-z_][A-Za-z0-9_]*)(\/.*)?$/.exec(target);
  if (v) {
    const e = (op.binds ?? []).find((x) => x.env === v[1]);
    return e ? join(labDir, e.source, v[2] ?? '') : undefined;
  }
  const b = (op.binds ?? []).find((x) => target === x.target || target.startsWith(x.target + '/'));
  return b ? join(labDir, b.source, target.slice(b.target.length)) : undefined;
}

function serviceFailed(op: Operation, message: string, detail: string, command: string): NslabError {
  return new NslabError('E_SERVICE', `${op.subject}: ${message}${detail ? `:\n${detail}` : ''}`, {
    hint: 'everything already built was rolled back; the log of the attempt is in the lab folder while it is up, and the command below starts the daemon by hand',
    details: { subject: op.subject, command, rendered: renderOperation(op) },
  });
}

export async function runServiceStage(stage: Stage, journal: Journal, deps: ServiceDeps): Promise<void> {
  const labDir = deps.store.labDir(journal.lab);
  for (const op of stage.ops) if (op.kind === 'files.write') writePrivateDir(join(labDir, op.dir!.source), op.dir!.files, op.dir!.owner, op.dir!.mode);
  const starts = stage.ops.filter((o) => o.kind === 'service.start');
  const tag = { [OWNER_ENV]: ownerEnvValue(journal) ?? journal.lab };
  const argvOf = (op: Operation, argv: string[]) => nodeEntryArgv(op.netns!, op.binds ?? [], labDir, argv, nodeCgroupProcs(journal.cgroups, op.service!.node));

  // Config checks first (FRR's dry run): a rejected config fails before any daemon runs. Bounded by cores.
  const checks = starts.filter((o) => o.service?.check);
  const workers = Math.max(1, deps.workers ?? availableParallelism());
  let checkFailure: NslabError | undefined;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let op = checks.shift(); op && !checkFailure; op = checks.shift()) {
        const [file, ...args] = argvOf(op, op.service!.check!);
        const r = await deps.runner.run(file, args, { env: { ...op.env, ...tag }, timeoutMs: 30_000 });
        if (r.exitCode !== 0) checkFailure ??= serviceFailed(op, 'FRR rejected the configuration', (r.stdout + r.stderr).trim(), r.command);
      }
    }),
  );
  if (checkFailure) throw checkFailure;

  const byNode = new Map<string, Operation[]>();
  for (const op of starts) byNode.set(op.service!.node, [...(byNode.get(op.service!.node) ?? []), op]);
  const deadline = Date.now() + (deps.readyTimeoutMs ?? SERVICE_READY_TIMEOUT_MS);
  let failure: NslabError | undefined;

  const startOne = (op: Operation): { pid: number; startTime: string; log: string } => {
    const svc = op.service!;
    const log = deps.store.logPath(journal.lab, `${svc.node}.${svc.name}.log`);
    const [file, ...args] = argvOf(op, op.args);
    // `ip netns exec` and the mount program (perl or sh) both exec() their command, so this pid is the daemon's own.
    const pid = deps.runner.spawnDetached(file, args, { env: { ...op.env, ...tag }, logFile: log });
    const startTime = procStartTime(pid) ?? '';
    journal.processes.push({ node: svc.node, pid, startTime, argv: op.args, service: svc.name });
    return { pid, startTime, log };
  };

  // Readiness is a file the daemon creates (its vty socket). The daemons are not our children (started detached so
  // that they outlive `up`), so there is no exit event to wait on either: a 20 ms stat of a few files per round,
  // only while daemons start, notices both the socket and a daemon that died.
  const waitReady = async (op: Operation, p: { pid: number; startTime: string; log: string }): Promise<void> => {
    const ready = op.service!.readyFile ? hostPathOf(op, labDir, op.service!.readyFile) : undefined;
    for (;;) {
      if (failure) return;
      if (!isRunning(p.pid, p.startTime))
        throw serviceFailed(op, 'the daemon exited while starting', tailFile(p.log), renderCommand('ip', argvOf(op, op.args).slice(1)));
      if (!ready || fileExists(ready)) return;
      if (deps.signal?.aborted) throw new NslabError('E_INTERRUPTED', `interrupted while ${op.subject} was starting`, { hint: 'the partly built lab was rolled back' });
      if (Date.now() > deadline) throw serviceFailed(op, `not ready (no ${op.service!.readyFile}) after ${deps.readyTimeoutMs ?? SERVICE_READY_TIMEOUT_MS} ms`, tailFile(p.log), '');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const runNode = async (ops: Operation[]): Promise<void> => {
    const ready = new Set<string>();
    let pending = ops;
    while (pending.length && !failure) {
      const wave = pending.filter((o) => o.service!.after.every((a) => ready.has(a)));
      if (!wave.length) throw new NslabError('E_INTERNAL_SERVICES', `services of node ${ops[0].service!.node} wait for each other: ${pending.map((o) => o.service!.name).join(', ')}`, { hint: 'this is a bug in nslab: please report it with the topology file' });
      pending = pending.filter((o) => !wave.includes(o));
      const started = wave.map((op) => ({ op, p: startOne(op) }));
      deps.store.write(journal);
      await Promise.all(started.map(({ op, p }) => waitReady(op, p)));
      for (const o of wave) ready.add(o.service!.name);
    }
  };
  await Promise.all(
    [...byNode.values()].map((ops) =>
      runNode(ops).catch((e: unknown) => {
        failure ??= e instanceof NslabError ? e : new NslabError('E_SERVICE', String(e));
      }),
    ),
  );
  if (failure) throw failure;
}

/** What stopping services needs of the host; injected so tests can stand in for /proc and signals. */
export interface ServiceHost {
  /** Alive and not a zombie. */
  isRunning(pid: number, startTime?: string): boolean;
  signal(pid: number, sig: NodeJS.Signals): void;
  killAll(pids: number[]): number;
  waitExited(pids: number[], timeoutMs: number): Promise<void>;
}

export const realServiceHost: ServiceHost = {
  isRunning,
  signal: (pid, sig) => {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  },
  killAll,
  waitExited,
};

/**
 * Stop the journal's services that still run (same pid and start time: never a process that reused the pid):
 * SIGTERM to all of them at once, in reverse start order, then SIGKILL to whoever is left after the grace time.
 * Returns how many were stopped.
 */
export async function stopServices(j: Journal, host: ServiceHost = realServiceHost, graceMs = SERVICE_STOP_GRACE_MS): Promise<number> {
  const live = j.processes.filter((p) => p.service && host.isRunning(p.pid, p.startTime)).reverse();
  if (!live.length) return 0;
  for (const p of live) host.signal(p.pid, 'SIGTERM');
  const pids = live.map((p) => p.pid);
  await host.waitExited(pids, graceMs);
  const left = live.filter((p) => host.isRunning(p.pid, p.startTime)).map((p) => p.pid);
  if (left.length) {
    host.killAll(left);
    await host.waitExited(left, 2_000);
  }
  return live.length;
}
