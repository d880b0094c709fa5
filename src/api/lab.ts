// Lab: the object a library user holds. Lab.up builds from a resolved topology (rolling back on any failure or
// interruption), Lab.open finds a running lab by name, lab.exec runs argv in a node, lab.down removes it all.

import { existsSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labNotUp, NslabError, nodeBinds, nodeEntryArgv, PROBE_NETNS_PATTERN, type Impairment, type Journal, type Operation, type Plan, type RawImpairment, type ResolvedLink, type ResolvedTopology } from '../model/index.js';
import { compileImpairChange, compileLinkState, compilePlan, impairmentNeeds, impairmentSummary, requiredQdiscs, requiredKernelFeatures, describeFeature, FEATURE_MODULE, type FeatureNeed, type Direction, type LinkState, type QdiscNeed } from '../plan/index.js';
import { applyChange, applyPlan, destroyLab, newJournal, waitLinksUp, type Progress, type TeardownReport } from '../exec/index.js';
import { readNetnsTags } from '../exec/batch.js';
import { teardownError } from '../exec/teardown.js';
import { cgroupNeeds } from '../features/cgroup/index.js';
import { deserializeTopology, findLink, lastLinkStates, serializeTopology } from '../topology/index.js';
import { parseImpairment } from '../topology/impair.js';
import { iperf3OnLab, pingOnLab, reachOnLab, requireNodeName, type Iperf3Measurement, type Iperf3Options, type PingMeasurement, type PingOptions, type ReachMeasurement, type ReachOptions } from './measure.js';
import { describeValue, resolveTopologySource, type TopologySource } from './source.js';
import { reachMatrix, type ReachMatrixOptions, type ReachPair } from './reach.js';
import {
  ExecaRunner,
  fileExists,
  isAlive,
  listNetns,
  NETNS_DIR,
  netnsDirExists,
  probeKernel,
  detectCgroups,
  requireCgroups,
  nodeCgroupProcs,
  nodeCpuNs,
  type KernelCapabilities,
  StateStore,
  type ManagedProcess,
  type RunOptions,
  type RunResult,
  type Runner,
  withLabLock,
} from '../sys/index.js';

export interface LabDeps {
  runner?: Runner;
  store?: StateStore;
}

export interface UpOptions extends LabDeps {
  /** Run the topology under this lab name instead of its own (not for an already-resolved topology). */
  name?: string;
  /** `ephemeral` labs (scenario runs) are cleaned once their owner process is gone. */
  lifetime?: Journal['lifetime'];
  workers?: number;
  onProgress?: Progress;
  signal?: AbortSignal;
  /** Per-command timeout for the topology's `exec` commands (default EXEC_TIMEOUT_MS, 60 s). */
  execTimeoutMs?: number;
}

/** Creating namespaces and links needs CAP_NET_ADMIN (and CAP_SYS_ADMIN to mount /run/netns). */
export function requireRoot(): void {
  if (typeof process.geteuid === 'function' && process.geteuid() !== 0)
    // One line, on purpose: the why (CAP_NET_ADMIN) and the way out (sudo, or a user-mode kernel without root).
    throw new NslabError('E_NOT_ROOT', `nslab needs root: creating network namespaces, veth links and qdiscs requires CAP_NET_ADMIN (run it with sudo, or without root as: ${UML_COMMAND})`);
}

/**
 * How errors name the user-mode Linux way out. The library does not know which command was typed; the CLI replaces
 * this with it (`nslab run --kernel uml FILE` after `nslab run FILE`).
 */
export const UML_COMMAND = 'nslab up --kernel uml FILE';

const NETNS_MARKER = '.netns-dir-created';

/** The fixes for a missing qdisc, in the order people can apply them. */
export const QDISC_FIX_HINT =
  "install your distribution's extra kernel modules (linux-modules-extra-$(uname -r) on Ubuntu, kernel-modules-extra on RHEL/Fedora), or run the lab in user-mode Linux, which has them: " + UML_COMMAND;

/** Fail before creating anything when the kernel lacks a qdisc that the lab's links need. */
export function checkQdiscs(needs: QdiscNeed[], caps: KernelCapabilities): void {
  // A probe that could not even make its namespace learned nothing about qdiscs: say what failed.
  if (!caps.netns)
    throw new NslabError('E_PROBE', `the kernel capability probe could not create a network namespace: ${caps.error ?? 'ip netns add failed'}`, {
      hint: 'run nslab doctor; creating namespaces needs root and a kernel with CONFIG_NET_NS',
    });
  const missing = needs.filter((n) => !caps.qdiscs[n.qdisc]);
  if (!missing.length) return;
  const lines = missing.map((m) => `link ${m.link} (from ${m.from}) asks for "${m.impairment}", which needs the ${m.qdisc} qdisc (sch_${m.qdisc})`);
  throw new NslabError('E_QDISC_MISSING', `this kernel has no ${[...new Set(missing.map((m) => m.qdisc))].join(' or ')} qdisc:\n  ${lines.join('\n  ')}`, {
    hint: QDISC_FIX_HINT,
    details: { missing },
  });
}

/** Fail before creating anything when the kernel lacks a device type the lab needs (VLANs, bonds, VRFs). */
export function checkKernelFeatures(needs: FeatureNeed[], caps: KernelCapabilities): void {
  const missing = needs.filter((n) => caps.features?.[n.feature] === false);
  if (!missing.length) return;
  const feats = [...new Set(missing.map((m) => m.feature))];
  const lines = missing.map((m) => `node ${m.node}: ${m.what} (${describeFeature(m.feature)}, module ${FEATURE_MODULE[m.feature]})`);
  // Bridge VLAN filtering is a build option of the bridge module (CONFIG_BRIDGE_VLAN_FILTERING), not a module.
  const mods = [...new Set(feats.filter((f) => f !== 'bridge-vlan').map((f) => FEATURE_MODULE[f]))];
  const load = [...(mods.length ? [`modprobe ${mods.join(' ')}`] : []), ...(feats.includes('bridge-vlan') ? ['a kernel built with CONFIG_BRIDGE_VLAN_FILTERING'] : [])].join(', and ');
  throw new NslabError('E_KERNEL_FEATURE_MISSING', `this kernel has no ${feats.map(describeFeature).join(', no ')}, which this lab needs:\n  ${lines.join('\n  ')}`, {
    hint: `load what is missing on the host (${load}), or run the lab in user-mode Linux, which has them and loads them itself: ${UML_COMMAND}`,
    details: { missing },
  });
}

/**
 * E_NETNS_EXISTS, with a hint that never sends a person to delete a running lab's namespaces: names of this lab
 * that carry an nslab tag belong to a lab of the same name kept in another state directory (NSLAB_STATE_DIR).
 */
async function clashError(lab: string, clash: string[], runner: Runner, store: StateStore): Promise<NslabError> {
  const proofs = await readNetnsTags(runner, clash).catch(() => new Map<string, { tag?: string }>());
  const tagged = clash.filter((n) => proofs.get(n)?.tag?.startsWith(`nslab:${lab}:`));
  const list = (names: string[]) => `${names.slice(0, 5).join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}`;
  const message = `namespace${clash.length > 1 ? 's' : ''} ${list(clash)} already exist${clash.length > 1 ? '' : 's'}, but lab '${lab}' is not running in ${store.root}`;
  const hint = tagged.length
    ? `${list(tagged)} carr${tagged.length > 1 ? 'y' : 'ies'} the tag of an nslab lab '${lab}' that is kept in another state directory (NSLAB_STATE_DIR): do not delete them by hand; take that lab down with NSLAB_STATE_DIR=ITS_DIR nslab down ${lab}, or give this lab another name`
    : `nslab never touches what it did not create: remove them by hand (ip netns del NAME) if they are leftovers, or rename the lab`;
  return new NslabError('E_NETNS_EXISTS', message, { hint, details: { clash, tagged } });
}

/** Fail before creating anything when a service's program is not installed (FRR for routing: ospf). */
export function checkServicePrograms(t: ResolvedTopology, exists: (path: string) => boolean = fileExists): void {
  const missing = new Map<string, string | undefined>();
  const features = new Set<string>();
  for (const s of t.services ?? []) {
    const program = s.program ?? s.argv[0];
    if (!missing.has(program) && !exists(program)) {
      missing.set(program, s.package);
      features.add(s.feature === 'frr' ? `routing: ${t.routing}` : s.feature);
    }
  }
  if (!missing.size) return;
  const pkgs = [...new Set([...missing.values()].filter((p): p is string => !!p))];
  throw new NslabError('E_SERVICE_MISSING', `this lab runs ${[...missing.keys()].join(', ')}, which ${missing.size > 1 ? 'are' : 'is'} not installed (${[...features].join(', ')})`, {
    hint: pkgs.length ? `install it: apt-get install ${pkgs.join(' ')} (or run scripts/install.sh)` : 'install it, or remove the service from the topology',
  });
}

export class Lab {
  private constructor(
    private t: ResolvedTopology,
    private readonly runner: Runner,
    private readonly store: StateStore,
  ) {}

  /** Next iperf3 server port: each lab.iperf3 call without a port gets its own, as scenario steps do. */
  private nextIperf3Port = 5201;
  /** Set by down(): a change still in flight then (a test body after withLab's abort) must not write the journal back. */
  private closed = false;
  /** The nodes' cgroups (features/cgroup), from the journal, once read. */
  private cgroups: Journal['cgroups'];

  /** The lab as of the last look at its journal (a change under the lab's lock reloads it first). */
  get topology(): ResolvedTopology {
    return this.t;
  }

  get name(): string {
    return this.t.name;
  }

  static plan(source: TopologySource): Plan {
    return compilePlan(resolveTopologySource(source));
  }

  /**
   * Build a lab and return it running. `source` is a path, YAML text, a topology object or a resolved topology
   * (loadTopology's result). On any failure or abort (`opts.signal`) what was built is rolled back before the
   * error is thrown.
   */
  static async up(source: TopologySource, opts: UpOptions = {}): Promise<Lab> {
    if (opts === null || typeof opts !== 'object') throw new NslabError('E_BAD_ARGUMENT', `Lab.up options must be an object, not ${describeValue(opts)}`, { hint: "e.g. Lab.up('topologies/two-hosts.yaml', { name: 'ci1' })" });
    const resolved = resolveTopologySource(source, { name: opts.name });
    const runner: Runner = opts.runner ?? new ExecaRunner();
    // In a private kernel (user-mode Linux) we are root inside, whoever we are on the host.
    const isolated = !!runner.privateKernel;
    // A coarse timer tick needs htb bursts of a tick (see ResolvedTopology.shapingBurstMs). Measured in UML under
    // load (2 cores, load 25-30), 100mbit TCP: 65.9 and 53.4 Mbit/s with 1 ms bursts, 92.1 and 91.8 with 10 ms.
    const hz = runner.kernelCapabilities?.timerHz;
    const t = hz && hz < 1000 && resolved.shapingBurstMs === undefined ? { ...resolved, shapingBurstMs: 1000 / hz } : resolved;
    const plan = compilePlan(t);
    if (!isolated) requireRoot();
    else if (t.services?.length || plan.stages.some((s) => s.name === 'start' && s.ops.length))
      throw new NslabError('E_UML_UNSUPPORTED', `lab '${t.name}' starts long-running processes (services or start commands), which run --kernel uml does not support yet`, {
        hint: 'nslab up --kernel uml FILE builds it inside user-mode Linux, with a shell there',
      });
    const store = opts.store ?? new StateStore();
    checkServicePrograms(t);
    const needs = requiredQdiscs(t);
    const featureNeeds = requiredKernelFeatures(t);
    const caps = needs.length || featureNeeds.length ? (runner.kernelCapabilities ?? (await probeKernel(runner))) : undefined;
    if (caps) {
      checkQdiscs(needs, caps);
      checkKernelFeatures(featureNeeds, caps);
    }
    // cpu/memory limits: the host must have the controllers (v2 or v1), checked before anything is built.
    const cgNeeds = cgroupNeeds(t);
    if (cgNeeds.length) requireCgroups(detectCgroups(), cgNeeds);
    const journal = newJournal(plan, { source: t.source, topology: serializeTopology(t), lifetime: opts.lifetime ?? 'persistent' });
    if (caps) journal.qdiscs = caps.qdiscs;
    // Claim the name first, then look for clashes: checked the other way round, a second `up` of a lab being built
    // sees the winner's fresh namespaces and reports E_NETNS_EXISTS ("not running") instead of E_LAB_EXISTS.
    // The journal is written straight after the claim, so a claim without a journal (which clean removes) lives
    // for microseconds only.
    store.claim(t.name);
    try {
      store.write(journal);
    } catch (e) {
      store.remove(t.name);
      throw e;
    }
    // A private kernel was booted for this lab: nothing there can clash, and the host's /run/netns is not its.
    const existing = new Set(isolated ? [] : listNetns());
    const clash = plan.netns.filter((n) => existing.has(n));
    if (clash.length) {
      store.remove(t.name);
      throw await clashError(t.name, clash, runner, store);
    }
    try {
      if (!isolated && !netnsDirExists()) writeFileSync(join(store.root, NETNS_MARKER), '');
      await applyPlan(plan, journal, {
        runner,
        store,
        // A user-mode Linux guest has one CPU (`nproc` there says 1): parallel batch scripts only interleave, and
        // each extra one is a fork inside the guest, its costliest operation.
        workers: opts.workers ?? (isolated ? 1 : undefined),
        onProgress: opts.onProgress,
        signal: opts.signal,
        execTimeoutMs: opts.execTimeoutMs,
        // The host's /run/netns says nothing about the private kernel's namespaces.
        ...(isolated ? { netnsInode: () => undefined } : {}),
      });
    } catch (e) {
      // In a private kernel the lab goes with the kernel's halt; only our journal is left to remove.
      if (isolated) {
        store.remove(t.name);
        throw e;
      }
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
    const found = store.inspect(name);
    if (found.state === 'corrupt') throw store.corruptError(name, found.reason);
    if (found.state === 'missing')
      throw new NslabError('E_NO_SUCH_LAB', `no lab named '${name}' is running`, {
        hint: `'nslab ls' lists the labs on this machine`,
      });
    return new Lab(deserializeTopology(found.journal.topology), deps.runner ?? new ExecaRunner(), store);
  }

  journal(): Journal | undefined {
    return this.store.read(this.name);
  }

  netnsOf(node: string): string {
    requireNodeName(node, 'node');
    const n = this.topology.nodes.find((x) => x.name === node);
    if (!n)
      throw new NslabError('E_UNKNOWN_NODE', `lab '${this.name}' has no node '${node}'`, {
        hint: `nodes: ${this.topology.nodes.map((x) => x.name).slice(0, 20).join(', ')}`,
      });
    return n.netns;
  }

  /** The argv that runs `argv` in the node: its namespace, the lab's hosts file, and its private directories (e.g. its own /etc/frr). */
  entryArgv(node: string, argv: string[]): string[] {
    const ns = this.netnsOf(node);
    // Only nodes with limits have cgroups; the journal (read once) says where they are.
    const cg = this.topology.nodes.find((x) => x.name === node)!.limits ? (this.cgroups ??= this.store.read(this.name)?.cgroups) : undefined;
    return nodeEntryArgv(ns, nodeBinds(this.topology.nodes.find((x) => x.name === node)!, this.topology.files), this.store.labDir(this.name), argv, nodeCgroupProcs(cg, node));
  }

  /**
   * CPU time (user + system, ms) used so far by the processes of a node with cpu: or memory: limits, read from its
   * cgroup; undefined for a node without one. The difference of two reads is what ran in the node meanwhile.
   */
  cpuTimeMs(node: string): number | undefined {
    this.netnsOf(node);
    const ns = nodeCpuNs((this.cgroups ??= this.store.read(this.name)?.cgroups), node);
    return ns === undefined ? undefined : ns / 1e6;
  }

  /** Run argv inside a node's namespace (no shell), with the node's env. */
  async exec(node: string, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.requireUp();
    requireArgv(argv, 'exec');
    const [file, ...args] = this.entryArgv(node, argv);
    const env = this.topology.nodes.find((x) => x.name === node)!.env;
    return this.runner.run(file, args, { ...opts, env: { ...env, ...opts.env } });
  }

  /**
   * Each node's main routing tables (`ip -j route show`, IPv4 then IPv6) as JSON text, by node name, read by one
   * shell on the host (`ip -n NS` enters each namespace itself): for 50 routers that is one spawn instead of 50
   * `ip netns exec` entries of 50-165 ms each on this 2-core machine. Default: every router.
   */
  async routeTables(nodes: string[] = this.topology.nodes.filter((n) => n.kind === 'router').map((n) => n.name)): Promise<Map<string, string>> {
    this.requireUp();
    if (!nodes.length) return new Map();
    const namespaces = nodes.map((n) => this.netnsOf(n));
    // A separator line per namespace, so that one output splits back into tables without guessing.
    const script = 'for ns; do echo "#NSLAB# $ns"; ip -n "$ns" -j route show; ip -n "$ns" -j -6 route show; done';
    const r = await this.runner.run('sh', ['-c', script, 'sh', ...namespaces], { timeoutMs: 30_000 });
    if (r.exitCode !== 0) throw new NslabError('E_EXEC', `reading the routing tables failed: ${r.stderr.trim()}`, { details: { command: r.command } });
    const byNs = new Map<string, string>();
    for (const part of r.stdout.split('#NSLAB# ').slice(1)) {
      const nl = part.indexOf('\n');
      byNs.set(part.slice(0, nl), part.slice(nl + 1));
    }
    return new Map(nodes.map((n, i) => [n, byNs.get(namespaces[i]) ?? '']));
  }

  /** Start a long-running process in a node, watched by nslab (servers, background steps, captures). */
  start(node: string, argv: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): ManagedProcess {
    this.requireUp();
    requireArgv(argv, 'start');
    const [file, ...args] = this.entryArgv(node, argv);
    const env = this.topology.nodes.find((x) => x.name === node)!.env;
    return this.runner.start(file, args, { ...opts, env: { ...env, ...opts.env } });
  }

  /**
   * Change a link's impairments while the lab runs. Keys given replace the current ones for the chosen
   * direction(s); keys not given stay; `clear` removes them all. `direction` is 'both', or `X->Y` with X and Y the
   * link's nodes.
   */
  async impair(linkSpec: string, change: RawImpairment, opts: { direction?: string; clear?: boolean } = {}): Promise<void> {
    requireLinkSpec(linkSpec, 'impair');
    if (change === null || typeof change !== 'object' || Array.isArray(change))
      throw new NslabError('E_BAD_ARGUMENT', `impair: the change must be an object, not ${describeValue(change)}`, { hint: "e.g. lab.impair('h1-h2', { rate: '10mbit' }), or { } with { clear: true }" });
    const problems: string[] = [];
    const parsed = parseImpairment(change, [], (_p, code, message, hint) => problems.push(`${code}: ${message}${hint ? ` (${hint})` : ''}`));
    if (problems.length) throw new NslabError('E_BAD_IMPAIRMENT', problems.join('; '), { hint: 'values use tc units: 80ms, 2%, 10mbit' });
    await this.change(linkSpec, async (j, link) => {
      const dir = parseDirection(opts.direction, link.a.node, link.b.node);
      const apply = (cur: Impairment, applies: boolean): Impairment => (!applies ? cur : opts.clear ? {} : { ...cur, ...parsed });
      const next = { aToB: apply(link.aToB, dir !== 'b->a'), bToA: apply(link.bToA, dir !== 'a->b') };
      const needs = [...new Set([...impairmentNeeds(next.aToB), ...impairmentNeeds(next.bToA)])];
      if (needs.length) {
        // The kernel does not change under a running lab: probe once and keep the answer in the journal (a probe is
        // a few processes, which costs seconds inside user-mode Linux).
        j.qdiscs ??= (this.runner.kernelCapabilities ?? (await probeKernel(this.runner))).qdiscs;
        checkQdiscs(needs.map((q) => ({ qdisc: q, link: linkSpec, from: dir, impairment: impairmentSummary(parsed) })), { netns: true, veth: true, bridge: true, qdiscs: j.qdiscs });
      }
      const before = { aToB: link.aToB, bToA: link.bToA };
      // After a change that failed and could not be rolled back (or died half-way), the link's state is unknown:
      // rebuild it from a clean root. So does --clear, which must leave the link clean whatever the journal says.
      const last = j.changes.filter((c) => c.link === linkKey(link)).at(-1);
      const reset = !!opts.clear || last?.state === 'failed' || last?.state === 'intent';
      return {
        what: `impair ${linkSpec} ${opts.clear ? 'clear' : JSON.stringify(change)} (${dir})`,
        ops: compileImpairChange(this.t, link, next, { reset }),
        // Whatever part was applied, the state before is rebuilt from a clean root.
        undo: () => compileImpairChange(this.t, link, before, { reset: true }),
        commit: () => {
          this.requireOpen();
          link.aToB = next.aToB;
          link.bToA = next.bToA;
        },
      };
    });
  }

  /**
   * Take a link down (both ends lose carrier), bring it back up, or blackhole it: the carrier stays up and both ends
   * drop every frame (nftables netdev ingress), a silent failure; `up` removes it. The link is `nodeA-nodeB` or
   * `node:ifname`.
   */
  async link(linkSpec: string, state: LinkState): Promise<void> {
    return this.setLink(linkSpec, state);
  }

  async setLink(linkSpec: string, state: LinkState): Promise<void> {
    requireLinkSpec(linkSpec, 'link');
    if (state !== 'up' && state !== 'down' && state !== 'blackhole')
      throw new NslabError('E_BAD_ARGUMENT', `link state must be 'up', 'down' or 'blackhole', not ${describeValue(state)}`, { hint: "e.g. lab.link('h1-h2', 'down')" });
    let changed: ResolvedLink | undefined;
    await this.change(linkSpec, (j, link) => {
      changed = link;
      const blackholed = lastLinkStates(this.t, j.changes).get(link.index) === 'blackhole';
      return {
        what: `link ${linkSpec} ${state}`,
        ops: compileLinkState(this.t, link, state, blackholed),
        // Taking it down (or blackholing it) is undone by bringing it up, which also restores its routes and removes
        // the drop rules. Bringing it up is undone link by link.
        undo: (applied) =>
          state !== 'up'
            ? applied.length
              ? compileLinkState(this.t, link, 'up', blackholed || state === 'blackhole')
              : []
            : applied.flatMap((op) => (op.undo && typeof op.undo === 'object' ? [op.undo] : [])).reverse(),
        commit: () => this.requireOpen(),
      };
    });
    // Return once both ends carry frames (see waitLinksUp): a ping right after `link up` must not lose its first ARP.
    if (state === 'up' && changed) await waitLinksUp(this.runner, [...new Set([this.netnsOf(changed.a.node), this.netnsOf(changed.b.node)])]).catch(() => []);
  }

  /**
   * Ping from one node to another (or to an address) and return the scenario ping step's metrics, typed:
   * loss in percent with the packet counts behind it, rtt min/avg/max/mdev/p50/p95 in ms, and every sample.
   */
  async ping(from: string, to: string, opts?: PingOptions): Promise<PingMeasurement> {
    return pingOnLab(this, from, to, opts);
  }

  /** Run iperf3 (server on `server`, client on `client`) and return the scenario iperf3 step's metrics, typed. */
  async iperf3(client: string, server: string, opts?: Iperf3Options): Promise<Iperf3Measurement> {
    return iperf3OnLab(this, client, server, this.nextIperf3Port++, opts);
  }

  /**
   * Probe every from→to pair (one ping each, every addressed family), as a scenario's reach step does. `from`
   * and `to` are a node, an array of nodes, or 'all' (every host).
   */
  async reach(from: string | string[], to: string | string[], opts?: ReachOptions): Promise<ReachMeasurement> {
    return reachOnLab(this, from, to, opts);
  }

  /** The reach matrix as pairs (the scenario step's and lab.reach's engine): bounded, retried, one prober process. */
  reachPairs(opts: ReachMatrixOptions): Promise<ReachPair[]> {
    return reachMatrix(this, this.runner, opts);
  }

  private requireOpen(): void {
    if (this.closed) throw new NslabError('E_LAB_DOWN', `lab '${this.name}' was taken down while this change ran`, { hint: 'a test body that outlived its withLab (timeout or abort) ends here' });
  }

  /**
   * A runtime change of one link, as one read-modify-write of the journal under the lab's lock: another change (or
   * `down`) waits, and this one starts from the journal as it is now, with every earlier change in it.
   */
  private async change(
    linkSpec: string,
    compile: (j: Journal, link: ResolvedLink) => Promise<ChangeOps> | ChangeOps,
  ): Promise<void> {
    await withLabLock(this.store, this.name, async () => {
      const j = this.requireUp();
      this.t = deserializeTopology(j.topology);
      const link = findLink(this.t, linkSpec);
      const c = await compile(j, link);
      this.requireOpen();
      await applyChange(j, { what: c.what, link: linkKey(link), ops: c.ops, undo: c.undo }, { runner: this.runner, store: this.store }, (jj) => {
        c.commit();
        jj.topology = serializeTopology(this.t);
      });
    });
  }

  /** The journal, read now, of a lab that is up (every way into a lab goes through here; see labNotUp). */
  private requireUp(): Journal {
    const j = this.store.read(this.name);
    if (!j) throw new NslabError('E_NO_SUCH_LAB', `no lab named '${this.name}' is running`, { hint: `'nslab ls' lists the labs on this machine` });
    const notUp = labNotUp(j);
    if (notUp) throw notUp;
    return j;
  }

  /** Refuse a lab that is going down (or not up yet): for callers that enter a node by other means (the CLI's shell). */
  assertUp(): void {
    this.requireUp();
  }

  async down(): Promise<TeardownReport> {
    if (!this.runner.privateKernel) requireRoot();
    this.closed = true;
    const j = this.store.read(this.name);
    if (!j) throw new NslabError('E_NO_SUCH_LAB', `no lab named '${this.name}' is running`);
    if (this.runner.privateKernel) {
      // The lab lives in a kernel of its own, booted for it: its owner halts that kernel, which removes every
      // namespace, link and process at once. Only the journal is ours to remove here.
      this.store.remove(this.name);
      return { lab: this.name, namespacesDeleted: [], namespacesSkipped: [], notOurs: [], processesKilled: 0, errors: [] };
    }
    return downJournal(j, this.runner, this.store);
  }
}


function requireArgv(argv: unknown, what: string): void {
  if (!Array.isArray(argv) || argv.length === 0 || !argv.every((a) => typeof a === 'string'))
    throw new NslabError('E_BAD_ARGUMENT', `${what}: the command must be a non-empty array of strings (argv, no shell), not ${describeValue(argv)}`, {
      hint: "e.g. lab.exec('h1', ['ip', 'addr']); for a shell line: ['sh', '-c', 'ip addr | grep inet']",
    });
}

function requireLinkSpec(v: unknown, what: string): void {
  if (typeof v !== 'string' || v === '')
    throw new NslabError('E_BAD_ARGUMENT', `${what}: the link must be a string, nodeA-nodeB or node:ifname, not ${describeValue(v)}`, { hint: "e.g. 'h1-h2' or 'h1:eth0'" });
}

interface ChangeOps {
  what: string;
  ops: Operation[];
  undo: (applied: Operation[]) => Operation[];
  commit: () => void;
}

const linkKey = (l: ResolvedLink) => `${l.a.node}:${l.a.ifname}-${l.b.node}:${l.b.ifname}`;

function parseDirection(d: string | undefined, a: string, b: string): Direction {
  if (!d || d === 'both') return 'both';
  const m = /^(.+?)\s*->\s*(.+)$/.exec(d);
  if (m && m[1] === a && m[2] === b) return 'a->b';
  if (m && m[1] === b && m[2] === a) return 'b->a';
  throw new NslabError('E_BAD_DIRECTION', `direction '${d}' is not one of both, ${a}->${b}, ${b}->${a}`, { hint: `write it as ${a}->${b}` });
}

async function downJournal(j: Journal, runner: Runner, store: StateStore): Promise<TeardownReport> {
  if (j.status === 'building' && isAlive(j.ownerPid, j.ownerStartTime) && j.ownerPid !== process.pid)
    throw new NslabError('E_LAB_BUSY', `lab '${j.lab}' is being built by pid ${j.ownerPid}`, {
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
    let found: ReturnType<StateStore['inspect']>;
    try {
      found = store.inspect(name);
    } catch (e) {
      // One lab's untrusted state stops nothing else: it is reported, and left alone.
      if (!(e instanceof NslabError && e.code === 'E_STATE_UNTRUSTED')) throw e;
      errors.push(`${e.message}: ${e.hint}`);
      continue;
    }
    if (found.state === 'missing') {
      // A claim whose builder died before the first journal write: nothing was created yet.
      store.remove(name);
      continue;
    }
    if (found.state === 'corrupt') {
      // Without a journal nothing proves which namespaces are ours: report it, keep the directory for a person to
      // read, and go on with the other labs (an unreadable journal used to be removed with its directory,
      // orphaning the lab's namespaces for good).
      const e = store.corruptError(name, found.reason);
      errors.push(`${e.message}: ${e.hint}`);
      continue;
    }
    const j = found.journal;
    const alive = isAlive(j.ownerPid, j.ownerStartTime) && j.ownerPid !== process.pid;
    const abandoned = !alive && (j.status !== 'up' || j.lifetime === 'ephemeral');
    if (!(abandoned || (opts.all && !(alive && j.status === 'building')))) continue;
    const r = await destroyLab(j, { runner, store });
    reports.push(r);
    errors.push(...r.errors);
  }
  const probes = await cleanProbes(runner);
  if (probes) {
    reports.push(probes);
    errors.push(...probes.errors);
  }
  await releaseNetnsDir(runner, store);
  if (errors.length)
    throw new NslabError('E_TEARDOWN', `clean left ${errors.length} problem(s): ${errors.join('; ')}`);
  return reports;
}

/**
 * Scratch namespaces of capability probes that died (a probe killed at its timeout, or by SIGKILL, runs no cleanup of
 * its own). One is removed when its tag proves it a probe's (probeTag: pid and start time, matching its name) and
 * that process is gone; an untagged one is named, with the command, and left alone.
 */
async function cleanProbes(runner: Runner): Promise<TeardownReport | undefined> {
  const names = listNetns().filter((n) => PROBE_NETNS_PATTERN.test(n));
  if (!names.length) return undefined;
  const proofs = await readNetnsTags(runner, names);
  const report: TeardownReport = { lab: '(capability probes)', namespacesDeleted: [], namespacesSkipped: [], notOurs: [], processesKilled: 0, errors: [] };
  for (const n of names) {
    const pid = Number(PROBE_NETNS_PATTERN.exec(n)![1]);
    const p = proofs.get(n);
    if (!p) continue;
    const m = /^nslab:probe:(\d+):(\d*)$/.exec(p.tag ?? '');
    if (!m || Number(m[1]) !== pid) {
      if (isAlive(pid)) continue; // perhaps a probe between `netns add` and its tag
      report.namespacesSkipped.push(n);
      report.notOurs.push(`${n}: carries no probe tag, so nothing proves nslab made it (an older nslab's probe?); if it is one: ip netns del ${n}`);
    } else if (!isAlive(pid, m[2] || undefined)) report.namespacesDeleted.push(n);
  }
  if (report.namespacesDeleted.length) {
    const r = await runner.run('ip', ['-force', '-batch', '-'], { input: report.namespacesDeleted.map((n) => `netns del ${n}`).join('\n') + '\n', timeoutMs: 60_000 });
    if (r.exitCode !== 0) report.errors.push(`removing probe namespaces: ${r.stderr.trim()}`);
  }
  return report.namespacesDeleted.length || report.notOurs.length ? report : undefined;
}
