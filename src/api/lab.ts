// Lab: the object a library user holds. Lab.up builds from a resolved topology (rolling back on any failure or
// interruption), Lab.open finds a running lab by name, lab.exec runs argv in a node, lab.down removes it all.

import { existsSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NslabError, type Journal, type Plan, type ResolvedTopology } from '../model/index.js';
import { compilePlan } from '../plan/index.js';
import { applyPlan, destroyLab, newJournal, type Progress, type TeardownReport } from '../exec/index.js';
import { teardownError } from '../exec/teardown.js';
import { deserializeTopology, serializeTopology } from '../topology/index.js';
import {
  ExecaRunner,
  isAlive,
  listNetns,
  NETNS_DIR,
  netnsDirExists,
  StateStore,
  type RunOptions,
  type RunResult,
  type Runner,
} from '../sys/index.js';

export interface LabDeps {
  runner?: Runner;
  store?: StateStore;
}

export interface UpOptions extends LabDeps {
  /** `ephemeral` labs (scenario runs) are cleaned once their owner process is gone. */
  lifetime?: Journal['lifetime'];
  workers?: number;
  onProgress?: Progress;
  signal?: AbortSignal;
}

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

/** Creating namespaces and links needs CAP_NET_ADMIN (and CAP_SYS_ADMIN to mount /run/netns). */
export function requireRoot(): void {
  if (typeof process.geteuid === 'function' && process.geteuid() !== 0)
    throw new NslabError('E_NOT_ROOT', 'nslab needs root: creating network namespaces, veth links and qdiscs requires CAP_NET_ADMIN and CAP_SYS_ADMIN', {
      exitCode: 2,
      hint: 'run it with sudo, or without root on the host: nslab up --kernel uml FILE',
    });
}

const NETNS_MARKER = '.netns-dir-created';

export class Lab {
  private constructor(
    readonly topology: ResolvedTopology,
    private readonly runner: Runner,
    private readonly store: StateStore,
  ) {}

  get name(): string {
    return this.topology.name;
  }

  static plan(t: ResolvedTopology): Plan {
    return compilePlan(t);
  }

  static async up(t: ResolvedTopology, opts: UpOptions = {}): Promise<Lab> {
    requireRoot();
    const runner = opts.runner ?? new ExecaRunner();
    const store = opts.store ?? new StateStore();
    const plan = compilePlan(t);
    const existing = new Set(listNetns());
    const clash = plan.netns.filter((n) => existing.has(n));
    if (clash.length)
      throw new NslabError('E_NETNS_EXISTS', `namespace${clash.length > 1 ? 's' : ''} ${clash.slice(0, 5).join(', ')} already exist${clash.length > 1 ? '' : 's'}, but lab '${t.name}' is not running`, {
        exitCode: 2,
        hint: `nslab never touches what it did not create: remove them by hand (ip netns del NAME) if they are leftovers, or rename the lab`,
      });
    store.claim(t.name);
    const journal = newJournal(plan, { source: t.source, topology: serializeTopology(t), lifetime: opts.lifetime ?? 'persistent' });
    try {
      if (!netnsDirExists()) writeFileSync(join(store.root, NETNS_MARKER), '');
      store.write(journal);
      await applyPlan(plan, journal, { runner, store, workers: opts.workers, onProgress: opts.onProgress, signal: opts.signal });
    } catch (e) {
      const report = await destroyLab(journal, { runner, store });
      await releaseNetnsDir(runner, store);
      if (report.errors.length && e instanceof NslabError) e.details.rollbackErrors = report.errors;
      throw e;
    }
    journal.status = 'up';
    store.write(journal);
    return new Lab(t, runner, store);
  }

  /** A running lab, by name. */
  static open(name: string, deps: LabDeps = {}): Lab {
    const store = deps.store ?? new StateStore();
    const j = store.read(name);
    if (!j)
      throw new NslabError('E_NO_SUCH_LAB', `no lab named '${name}' is running`, {
        exitCode: 1,
        hint: `'nslab ls' lists the labs on this machine`,
      });
    return new Lab(deserializeTopology(j.topology), deps.runner ?? new ExecaRunner(), store);
  }

  journal(): Journal | undefined {
    return this.store.read(this.name);
  }

  netnsOf(node: string): string {
    const n = this.topology.nodes.find((x) => x.name === node);
    if (!n)
      throw new NslabError('E_UNKNOWN_NODE', `lab '${this.name}' has no node '${node}'`, {
        exitCode: 1,
        hint: `nodes: ${this.topology.nodes.map((x) => x.name).slice(0, 20).join(', ')}`,
      });
    return n.netns;
  }

  /** Run argv inside a node's namespace (no shell), with the node's env. */
  async exec(node: string, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    const ns = this.netnsOf(node);
    const env = this.topology.nodes.find((x) => x.name === node)!.env;
    return this.runner.run('ip', ['netns', 'exec', ns, ...argv], { ...opts, env: { ...env, ...opts.env } });
  }

  async down(): Promise<TeardownReport> {
    requireRoot();
    const j = this.store.read(this.name);
    if (!j) throw new NslabError('E_NO_SUCH_LAB', `no lab named '${this.name}' is running`, { exitCode: 1 });
    return downJournal(j, this.runner, this.store);
  }
}

async function downJournal(j: Journal, runner: Runner, store: StateStore): Promise<TeardownReport> {
  if (j.status === 'building' && isAlive(j.ownerPid, j.ownerStartTime) && j.ownerPid !== process.pid)
    throw new NslabError('E_LAB_BUSY', `lab '${j.lab}' is being built by pid ${j.ownerPid}`, {
      exitCode: 2,
      hint: `wait for it to finish, or stop that process (Ctrl-C rolls the build back)`,
    });
  const report = await destroyLab(j, { runner, store });
  await releaseNetnsDir(runner, store);
  if (report.errors.length) throw teardownError(report);
  return report;
}

/** Undo `ip netns add`'s creation of /run/netns when nslab caused it and nothing uses it any more. */
async function releaseNetnsDir(runner: Runner, store: StateStore): Promise<void> {
  const marker = join(store.root, NETNS_MARKER);
  if (!existsSync(marker) || store.list().length > 0 || listNetns().length > 0) return;
  if (netnsDirExists()) {
    await runner.run('umount', [NETNS_DIR], { timeoutMs: 10_000 });
    try {
      rmdirSync(NETNS_DIR);
    } catch {
      /* busy or not empty: leave it */
    }
  }
  rmSync(marker, { force: true });
  try {
    rmdirSync(store.root);
  } catch {
    /* not empty */
  }
}

export function listLabs(deps: LabDeps = {}): LabInfo[] {
  const store = deps.store ?? new StateStore();
  return store.list().map((name) => {
    const j = store.read(name);
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

/**
 * Remove what is left of labs whose owner is gone: builds that died half-way, teardowns that died, scenario labs
 * whose runner died, and failed teardowns. `all` removes every lab, running or not (but never one being built
 * by a live process).
 */
export async function cleanLabs(opts: LabDeps & { all?: boolean } = {}): Promise<TeardownReport[]> {
  requireRoot();
  const runner = opts.runner ?? new ExecaRunner();
  const store = opts.store ?? new StateStore();
  const reports: TeardownReport[] = [];
  const errors: string[] = [];
  for (const name of store.list()) {
    const j = store.read(name);
    if (!j) {
      // A claim whose builder died before the first journal write: nothing was created yet.
      store.remove(name);
      continue;
    }
    const alive = isAlive(j.ownerPid, j.ownerStartTime) && j.ownerPid !== process.pid;
    const abandoned = !alive && (j.status !== 'up' || j.lifetime === 'ephemeral');
    if (!(abandoned || (opts.all && !(alive && j.status === 'building')))) continue;
    const r = await destroyLab(j, { runner, store });
    reports.push(r);
    errors.push(...r.errors);
  }
  await releaseNetnsDir(runner, store);
  if (errors.length)
    throw new NslabError('E_TEARDOWN', `clean left ${errors.length} problem(s): ${errors.join('; ')}`, { exitCode: 2 });
  return reports;
}
