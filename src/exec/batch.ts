// Batching: many kernel operations per process. Host-namespace operations go through one `ip -batch -`.
// Per-namespace operations go, when every one of a namespace's operations can be encoded (netlink.ts), through the
// netlink relay (relay.ts): a few processes for all namespaces. The rest are grouped into one
// `nsenter --net=… ip|tc -batch -` (or one sysctl call) per namespace, chained in a few `sh` scripts run in
// parallel. Either way Node spawns about `workers` processes (one per core), not one per namespace.
// iproute2's batch mode stops at the first failing line and prints "Command failed -:N", so with one operation
// per line we know exactly which operations were applied.

import { NslabError, shellQuote, type Operation } from '../model/index.js';
import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';
import { NETNS_DIR, netnsInode, type Runner } from '../sys/index.js';
import { createGroup, readTagsByRelay, relayGroup, runRelay, setnsSyscall, type NetnsProof, type RelayGroup } from './relay.js';

export interface BatchJob {
  tool: 'ip' | 'tc' | 'bridge' | 'sysctl' | 'nft';
  /** null: the host's namespace (ip only). */
  netns: string | null;
  /** sysctl only: keys the kernel may not have are skipped (`sysctl -e`). */
  optional?: boolean;
  ops: Operation[];
}

export interface BatchFailure {
  op: Operation;
  command: string;
  stderr: string;
}

export interface BatchOutcome {
  applied: Operation[];
  failure?: BatchFailure;
}

const EOF_MARK = 'NSLAB_EOF';
const TOKEN_SAFE = /^[^\s"'\\#]+$/;

/** One batch line. Tokens were validated at load time; this guard keeps a future bug from becoming an injection. */
export function batchLine(op: Operation): string {
  for (const t of op.args)
    if (!TOKEN_SAFE.test(t))
      throw new NslabError('E_INTERNAL_TOKEN', `refusing to batch unsafe token ${JSON.stringify(t)} for ${op.subject}`, {
        hint: 'this is a bug in nslab: please report it with the topology file',
      });
  return op.args.join(' ');
}

/** Parse iproute2's "Command failed -:N" (1-based line). */
export function failedLine(stderr: string): number | undefined {
  const m = /Command failed -:(\d+)/.exec(stderr);
  return m ? Number(m[1]) : undefined;
}

/** The stderr that belongs to the failure, without iproute2's batch bookkeeping line. */
function cleanStderr(s: string): string {
  return s
    .split('\n')
    .filter((l) => l.trim() && !/^Command failed -:\d+$/.test(l.trim()) && !l.startsWith('@@nslab'))
    .join('\n')
    .trim();
}

// Entering a namespace with `ip -n NS` (or `ip netns exec`) also does unshare(CLONE_NEWNS) and remounts /sys: the
// new mount namespace copies every mount, and every lab namespace is one more nsfs mount under /run/netns. With N
// namespaces that is N processes × O(N) mounts, a quadratic term (bench: 1.4 ms of system time per `ip -n` with 10
// namespaces, 5.8 ms with 1000, 9.3 ms with 2000). What is batched here is netlink only (and /proc/sys/net, which
// follows the opener's network namespace), so joining the network namespace alone is enough, at the same cost at
// any lab size. (Users' own commands keep `ip netns exec`: they may expect the namespace's /sys and /etc/netns.)
function jobCommand(job: BatchJob): { file: string; args: string[] } {
  if (job.netns === null) return { file: job.tool, args: ['-batch', '-'] };
  const enter = `--net=${NETNS_DIR}/${job.netns}`;
  if (job.tool === 'sysctl') return { file: 'nsenter', args: [enter, 'sysctl', ...(job.optional ? ['-e'] : []), '-qw', ...job.ops.flatMap((o) => o.args)] };
  // nft reads its script from stdin and applies it as one transaction: all of it, or nothing.
  if (job.tool === 'nft') return { file: 'nsenter', args: [enter, 'nft', '-f', '-'] };
  return { file: 'nsenter', args: [enter, job.tool, '-batch', '-'] };
}

function jobDisplay(job: BatchJob): string {
  const { file, args } = jobCommand(job);
  return [file, ...args].map(shellQuote).join(' ');
}

/** Attribute a failed job's stderr to the operation that failed. */
function failureOf(job: BatchJob, stderr: string, appliedBefore: Operation[]): BatchOutcome {
  if (job.tool === 'sysctl' || job.tool === 'nft') return { applied: appliedBefore, failure: { op: job.ops[0], command: jobDisplay(job), stderr: cleanStderr(stderr) } };
  const line = failedLine(stderr);
  const idx = line !== undefined ? Math.min(line - 1, job.ops.length - 1) : 0;
  const op = job.ops[idx];
  return {
    applied: [...appliedBefore, ...job.ops.slice(0, idx)],
    failure: { op, command: `${jobDisplay(job)}  # line ${idx + 1}: ${batchLine(op)}`, stderr: cleanStderr(stderr) },
  };
}

function script(jobs: BatchJob[]): string {
  const parts: string[] = [];
  jobs.forEach((job, k) => {
    const { file, args } = jobCommand(job);
    const cmd = [file, ...args].map(shellQuote).join(' ');
    if (job.tool === 'sysctl') parts.push(cmd);
    else parts.push(`${cmd} <<'${EOF_MARK}'\n${job.ops.map(batchLine).join('\n')}\n${EOF_MARK}`);
    parts.push(`[ $? -eq 0 ] || { echo "@@nslab-fail ${k}" >&2; exit 3; }`, `echo "@@nslab-done ${k}"`);
  });
  return parts.join('\n') + '\n';
}

async function runScript(runner: Runner, jobs: BatchJob[], timeoutMs: number, env?: Record<string, string>, wrapper?: string[]): Promise<BatchOutcome> {
  // A single job needs no shell around it.
  if (jobs.length === 1 && jobs[0].tool !== 'sysctl') {
    const job = jobs[0];
    const cmd = jobCommand(job);
    const [file, ...args] = wrapper ? [...wrapper, cmd.file, ...cmd.args] : [cmd.file, ...cmd.args];
    const r = await runner.run(file, args, { input: job.ops.map(batchLine).join('\n') + '\n', timeoutMs, env });
    if (r.exitCode === 0) return { applied: job.ops };
    return failureOf(job, r.timedOut ? `timed out after ${timeoutMs} ms\n${r.stderr}` : r.stderr, []);
  }
  const r = await runner.run('sh', ['-s'], { input: script(jobs), timeoutMs, env });
  const done = new Set([...r.stdout.matchAll(/^@@nslab-done (\d+)$/gm)].map((m) => Number(m[1])));
  const applied = jobs.filter((_, k) => done.has(k)).flatMap((j) => j.ops);
  if (r.exitCode === 0) return { applied };
  const fail = /@@nslab-fail (\d+)/.exec(r.stderr);
  const k = fail ? Number(fail[1]) : jobs.findIndex((_, i) => !done.has(i));
  // Only the stderr written after the previous job's marker belongs to this failure.
  const before = r.stderr.slice(0, fail?.index ?? r.stderr.length);
  return failureOf(jobs[Math.max(0, k)], r.timedOut ? `timed out after ${timeoutMs} ms` : before, applied);
}

/**
 * Run jobs, host-namespace ones first and alone, then the per-namespace ones spread over `workers` scripts.
 * Stops at the first failure (other workers finish their current script; what they applied is reported).
 * `env` is added to every process's environment (the executor tags its processes with the lab).
 */
export async function runBatches(runner: Runner, jobs: BatchJob[], workers: number, timeoutMs: number, env?: Record<string, string>): Promise<BatchOutcome> {
  const applied: Operation[] = [];
  for (const job of jobs.filter((j) => j.netns === null)) {
    const r = await runScript(runner, [job], timeoutMs, env);
    applied.push(...r.applied);
    if (r.failure) return { applied, failure: r.failure };
  }
  const nsJobs = jobs.filter((j) => j.netns !== null);
  if (nsJobs.length === 0) return { applied };
  // Jobs of one namespace stay together and in order (sysctl, ip, tc); namespaces are dealt round-robin.
  const byNetns = new Map<string, BatchJob[]>();
  for (const j of nsJobs) byNetns.set(j.netns!, [...(byNetns.get(j.netns!) ?? []), j]);
  const relayed: RelayGroup[] = [];
  const scripted: BatchJob[][] = [];
  // tc is not encoded for the relay: a namespace's tc jobs run after its other jobs (sysctl and ip go first in a
  // namespace anyway, see groupJobs), in a second phase, while those others still go through the relay. Measured in
  // user-mode Linux, where every process start is dear: the wan lab's shaped routers cost 6 processes each through
  // `nsenter … sysctl|ip|tc` scripts, 2 this way.
  const tcLater: BatchJob[][] = [];
  const relay = relayEnabled();
  for (const [netns, group] of byNetns) {
    const tc = group.filter((j) => j.tool === 'tc');
    const rest = group.filter((j) => j.tool !== 'tc');
    // bridge(8) jobs (VLAN filtering) have no relay encoding: such a namespace goes through scripts.
    const bridge = group.some((j) => j.tool === 'bridge');
    const g = relay && rest.length && !bridge ? relayGroup(netns, rest.flatMap((j) => j.ops)) : null;
    if (g) {
      relayed.push(g);
      if (tc.length) tcLater.push(tc);
    } else scripted.push(group);
  }
  const deal = <T>(items: T[]) => dealOut(items, workers);
  const results = await Promise.all([
    ...deal(relayed).map(async (b): Promise<BatchOutcome> => {
      const r = await runRelay(runner, b, timeoutMs, env);
      // No perl on this machine: the same namespaces' non-tc jobs go through iproute2 instead.
      if (r.unavailable) return runScript(runner, b.flatMap((g) => byNetns.get(g.netns!)!.filter((j) => j.tool !== 'tc')), timeoutMs, env);
      return r;
    }),
    ...deal(scripted).map((b) => runScript(runner, b.flat(), timeoutMs, env)),
  ]);
  for (const r of results) applied.push(...r.applied);
  const failure = results.find((r) => r.failure)?.failure;
  if (failure) return { applied, failure };
  const later = await Promise.all(deal(tcLater).map((b) => runScript(runner, b.flat(), timeoutMs, env)));
  for (const r of later) applied.push(...r.applied);
  const tcFailure = later.find((r) => r.failure)?.failure;
  return tcFailure ? { applied, failure: tcFailure } : { applied };
}

/** Items spread round-robin over at most `workers` lists (none for no items). */
function dealOut<T>(items: T[], workers: number): T[][] {
  const n = Math.max(1, Math.min(workers, items.length));
  const buckets: T[][] = Array.from({ length: n }, () => []);
  items.forEach((it, i) => buckets[i % n].push(it));
  return items.length ? buckets : [];
}

/**
 * The namespaces stage: each `netns add` together with its ownership tag (the loopback's alias, see netnsTag).
 * Through the relay a namespace only appears in /run/netns already tagged. The fallback (NSLAB_NO_RELAY=1, or no
 * perl) is one `ip -batch` in which each `netns add` is followed by `netns exec NAME ip link set dev lo alias TAG`:
 * a crash between the two lines leaves an untagged namespace, which teardown leaves alone and names. `applied` holds
 * the `netns add` operations whose namespace exists (tagged or not).
 */
export async function createNamespaces(runner: Runner, ops: Operation[], tag: string, timeoutMs: number, env?: Record<string, string>): Promise<BatchOutcome> {
  if (relayEnabled()) {
    // One process, like the `ip -batch` it replaces: creating namespaces serialises in the kernel (net_rwsem,
    // the nsfs mounts) far more than configuring them does.
    const r = await runRelay(runner, [createGroup(ops, tag)], timeoutMs, env);
    // Without perl nothing ran: fall back to iproute2.
    if (!r.unavailable) return r.failure ? { applied: r.applied, failure: r.failure } : { applied: r.applied };
  }
  const lines = ops.flatMap((op) => [op, { ...op, kind: 'link.set' as const, args: ['netns', 'exec', op.args[2], 'ip', 'link', 'set', 'dev', 'lo', 'alias', tag], undo: null }]);
  // The batch dies with its builder (setpriv --pdeathsig, util-linux, Essential on Debian): a builder killed mid-stage
  // would otherwise leave the batch running, and its next tag line could land on a look-alike that took a name in the
  // meantime (crash trial 17: one foreign namespace tagged, then deleted by `down`). Dead with the builder, the batch
  // leaves at most one untagged namespace, which teardown names and leaves alone.
  const r = await runScript(runner, [{ tool: 'ip', netns: null, ops: lines }], timeoutMs, env, existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'KILL'] : undefined);
  const made = new Set(r.applied.filter((o) => o.args[1] === 'add').map((o) => o.args[2]));
  // A failing tag line leaves its namespace made but untagged: it counts as applied (it exists), unproven.
  if (r.failure?.op.args[1] === 'exec') made.add(r.failure.op.args[2]);
  const applied = ops.filter((o) => made.has(o.args[2]));
  return r.failure ? { applied, failure: r.failure } : { applied };
}

/** The relay needs setns(2)'s number for this architecture; NSLAB_NO_RELAY=1 turns it off (to compare, or to debug). */
function relayEnabled(): boolean {
  return setnsSyscall() !== undefined && process.env.NSLAB_NO_RELAY !== '1';
}

/** Group a stage's operations into jobs: per tool and namespace, preserving order within each group. */
export function groupJobs(ops: Operation[]): BatchJob[] {
  const jobs = new Map<string, BatchJob>();
  for (const op of ops) {
    if (op.tool !== 'ip' && op.tool !== 'tc' && op.tool !== 'bridge' && op.tool !== 'sysctl' && op.tool !== 'nft') continue;
    // Optional sysctls get their own `sysctl -e` call, so that a mistyped key of the user's still fails.
    const key = `${op.tool}|${op.netns ?? ''}|${op.optional ? '?' : ''}`;
    let j = jobs.get(key);
    if (!j) {
      j = { tool: op.tool, netns: op.netns, ops: [], ...(op.optional ? { optional: true } : {}) };
      jobs.set(key, j);
    }
    j.ops.push(op);
  }
  // sysctls before ip before tc inside one namespace: forwarding is on before routes, links are up before shaping.
  // nft (a blackhole) goes first: a link restored to `up` stops dropping before it is set up.
  // bridge (VLANs of switch ports) after ip, which made the ports and the bridge.
  const order = { nft: -1, sysctl: 0, ip: 1, bridge: 1.5, tc: 2 } as const;
  return [...jobs.values()].sort((a, b) => order[a.tool] - order[b.tool]);
}

/**
 * The proof (inode and loopback alias) of each named namespace that exists, read in one process: the relay, or
 * without it one `sh` running `nsenter … ip -j link show dev lo` per namespace (slower, but only where perl is
 * missing or turned off). Teardown of a 1000-namespace lab reads them all before it deletes anything.
 */
export async function readNetnsTags(runner: Runner, names: string[], timeoutMs = 60_000): Promise<Map<string, NetnsProof>> {
  // Names reach a shell below: only what nslab generates (checked by the callers too).
  const safe = names.filter((n) => /^[A-Za-z0-9_.-]+$/.test(n) && n !== '.' && n !== '..');
  if (!safe.length) return new Map();
  if (relayEnabled()) {
    const m = await readTagsByRelay(runner, safe, timeoutMs);
    if (m) return m;
  }
  const script = safe.map((n) => `echo "@@ns ${n}"; nsenter --net=${NETNS_DIR}/${n} ip -j link show dev lo 2>/dev/null; echo`).join('\n');
  const r = await runner.run('sh', ['-s'], { input: script + '\n', timeoutMs });
  const out = new Map<string, NetnsProof>();
  const parts = r.stdout.split(/^@@ns /m).slice(1);
  for (const part of parts) {
    const nl = part.indexOf('\n');
    const name = part.slice(0, nl);
    if (!safe.includes(name)) continue;
    const inode = netnsInode(name);
    if (inode === undefined) {
      if (existsSync(`${NETNS_DIR}/${name}`)) out.set(name, { inode: 0 });
      continue;
    }
    let tag: string | undefined;
    try {
      tag = (JSON.parse(part.slice(nl + 1)) as { ifalias?: string }[])[0]?.ifalias;
    } catch {
      /* no answer: unproven */
    }
    out.set(name, { inode, ...(tag !== undefined ? { tag } : {}) });
  }
  return out;
}
