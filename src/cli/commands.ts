// Command handlers: map parsed options to one library call and an exit code (0 ok; any error is thrown, and
// exits 2; exit 1, a failed expectation, comes only from `nslab run`).

import { existsSync } from 'node:fs';
import { cleanLabs, isRouted, Lab, requireRoot, showLab, summarizeTopology, waitConverged, type ConvergeResult } from '../api/index.js';
import type { TeardownReport } from '../exec/index.js';
import { formatShow } from '../report/show.js';
import { formatCidr, humanDuration, NslabError, parseDurationMs, type ResolvedTopology } from '../model/index.js';
import { compilePlan, describeFeature, FEATURE_MODULE, impairmentSummary, renderPlan, type KernelFeature } from '../plan/index.js';
import { detectCgroups, ExecaRunner, probeKernel } from '../sys/index.js';
import { umlAvailable } from '../sys/uml.js';
import { findLink, loadTopology, resolveRawTopology } from '../topology/index.js';
import { loadScenarioOrTopology } from '../scenario/load.js';
import { ABORT_SIGNALS, abortOnSignals, progressReporter } from './output.js';
import { passThrough } from './passthrough.js';

type Argv = Record<string, unknown>;
const out = (s: string) => process.stdout.write(s.endsWith('\n') ? s : s + '\n');

function loadFromArgv(argv: Argv): ResolvedTopology {
  const topo = argv.topo as string | undefined;
  const file = argv.file as string | undefined;
  if (topo) {
    const name = (argv.name as string | undefined) ?? topo.split(',')[0];
    return resolveRawTopology({ name, topo }, () => undefined, `--topo ${topo}`);
  }
  if (!file) throw new NslabError('E_USAGE', 'give a topology file, or --topo SPEC', { hint: 'nslab up topologies/two-hosts.yaml' });
  return loadTopology(file);
}

function topologyJson(t: ResolvedTopology): unknown {
  return {
    lab: t.name,
    nodes: t.nodes.map((n) => ({
      name: n.name,
      kind: n.kind,
      netns: n.netns,
      interfaces: n.interfaces.map((i) => ({ name: i.name, peer: `${i.peer.node}:${i.peer.ifname}`, ipv4: i.ipv4.map(formatCidr), ipv6: i.ipv6.map(formatCidr) })),
      routes: n.routes.map((r) => ({ to: r.to, via: r.via, dev: r.dev })),
    })),
  };
}

export async function validate(argv: Argv): Promise<number> {
  const loaded = loadScenarioOrTopology(argv.file as string);
  const t = loaded.kind === 'scenario' ? loaded.scenario.topology : loaded.topology;
  const scenario = loaded.kind === 'scenario' ? { scenario: loaded.scenario.name, steps: loaded.scenario.steps.length } : {};
  const msg = { file: argv.file, kind: loaded.kind, ...scenario, lab: t.name, nodes: t.nodes.length, links: t.links.length, segments: t.segments.length };
  const what = loaded.kind === 'scenario' ? `scenario '${loaded.scenario.name}', ${loaded.scenario.steps.length} steps, on lab` : 'lab';
  out(argv.json ? JSON.stringify({ ok: true, ...msg }) : `${argv.file}: ok — ${what} '${t.name}', ${t.nodes.length} nodes, ${t.links.length} links, ${t.segments.length} segments`);
  return 0;
}

export async function up(argv: Argv): Promise<number> {
  const t = loadFromArgv(argv);
  if (argv['dry-run']) {
    const plan = compilePlan(t);
    out(argv.json ? JSON.stringify(plan) : renderPlan(plan));
    return 0;
  }
  const waitMs = argv.wait !== false && isRouted(t) ? parseDurationMs((argv['wait-timeout'] as string | undefined) ?? '60s') : undefined;
  if (waitMs === undefined && argv.wait !== false && isRouted(t))
    throw new NslabError('E_USAGE', `--wait-timeout ${String(argv['wait-timeout'])} is not a duration`, { hint: 'write it like 60s or 90000ms' });
  requireRoot();
  const progress = progressReporter();
  const sig = abortOnSignals();
  const started = performance.now();
  try {
    // --console: the lab lives as long as the console (as `mn` does); ephemeral, so that `nslab clean` removes it
    // if this process is killed outright.
    const lab = await Lab.up(t, { onProgress: progress, signal: sig.signal, ...(argv.console ? { lifetime: 'ephemeral' as const } : {}) });
    sig.done(); // built: a signal from here on has nothing to roll back
    const builtMs = Math.round(performance.now() - started);
    const converged = waitMs === undefined ? undefined : await waitForRouting(lab, waitMs, progress);
    progress.end();
    const ms = Math.round(performance.now() - started);
    if (argv.console) {
      out(`lab '${lab.name}' is up (${t.nodes.length} nodes, ${t.links.length} links, ${ms} ms); it goes down when the console ends`);
      sig.dispose();
      try {
        return await (await import('./console.js')).runConsole(lab);
      } finally {
        const stop = abortOnSignals(); // teardown runs to the end whatever arrives
        try {
          const r = await lab.down();
          out(`lab '${r.lab}' is down (${r.namespacesDeleted.length} namespaces deleted, ${r.processesKilled} processes stopped)${leftAlone(r)}`);
        } finally {
          stop.dispose();
        }
      }
    }
    const conv = converged ? { convergedMs: Math.round(converged.timeMs) } : {};
    if (argv.json) out(JSON.stringify({ ...(topologyJson(lab.topology) as object), upMs: ms, ...(converged ? { builtMs } : {}), ...conv }));
    else {
      const timing = converged ? `built in ${builtMs} ms, routing converged ${humanDuration(converged.timeMs)} later` : `${ms} ms`;
      out(`lab '${lab.name}' is up (${t.nodes.length} nodes, ${t.links.length} links, ${timing})\n\n${summarizeTopology(t)}\n\nenter a node:  nslab shell ${lab.name} ${t.nodes.find((n) => n.kind !== 'switch')?.name ?? t.nodes[0].name}\nconsole:       nslab console ${lab.name}    (pingall, NODE CMD, link A B down|up, help)\nremove it:     nslab down ${lab.name}`);
    }
    if (argv.web) return (await import('./web.js')).serveWeb(lab.name, argv, { upped: true });
    return 0;
  } finally {
    progress.end();
    sig.dispose();
  }
}

/**
 * A routed lab is usable once its protocol has converged: wait for it (every host reaches every host, the routes
 * hold still for 1 s). Ctrl-C stops the wait, not the lab, which is built and stays up. Not converged in time: an
 * error (exit 2) that leaves the lab up for a look at why.
 */
async function waitForRouting(lab: Lab, timeoutMs: number, progress: (phase: string, done: number, total: number) => void): Promise<ConvergeResult> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  for (const s of ABORT_SIGNALS) process.on(s, onSignal);
  progress('converging', 0, 1);
  try {
    const c = await waitConverged(lab, { timeoutMs, signal: stop.signal });
    if (c.converged) return c;
    const pairs = c.unreachable.slice(0, 6).map((p) => `${p.from}→${p.to}${p.family === 6 ? ' (IPv6)' : ''}`).join(', ');
    throw new NslabError('E_NOT_CONVERGED', `lab '${lab.name}' is up, but routing (${lab.topology.routing}) did not converge within ${humanDuration(timeoutMs)}: ${pairs ? `unreachable ${pairs}${c.unreachable.length > 6 ? ', …' : ''}` : 'the routes kept changing'}`, {
      hint: `the lab stays up: look with nslab exec ${lab.name} ROUTER -- vtysh -c 'show ip route', wait longer with --wait-timeout, or remove it with nslab down ${lab.name}`,
    });
  } catch (e) {
    if (e instanceof NslabError && e.code === 'E_INTERRUPTED')
      throw new NslabError('E_INTERRUPTED', `lab '${lab.name}' is up; stopped waiting for routing to converge`, { hint: `nslab down ${lab.name} removes it` });
    throw e;
  } finally {
    for (const s of ABORT_SIGNALS) process.off(s, onSignal);
  }
}

export async function down(argv: Argv): Promise<number> {
  const lab = Lab.open(argv.lab as string);
  const sig = abortOnSignals(); // teardown runs to the end whatever arrives
  try {
    const r = await lab.down();
    out(argv.json ? JSON.stringify(r) : `lab '${r.lab}' is down (${r.namespacesDeleted.length} namespaces deleted, ${r.processesKilled} processes stopped)${leftAlone(r)}`);
    return 0;
  } finally {
    sig.dispose();
  }
}

export async function show(argv: Argv): Promise<number> {
  const r = await showLab(argv.lab as string);
  out(argv.json ? JSON.stringify(r) : formatShow(r));
  return 0;
}

export async function openConsole(argv: Argv): Promise<number> {
  requireRoot();
  const lab = Lab.open(argv.lab as string);
  lab.assertUp();
  return (await import('./console.js')).runConsole(lab);
}

export async function exec(argv: Argv): Promise<number> {
  const cmd = [...((argv.cmd as string[] | undefined) ?? []), ...((argv['--'] as string[] | undefined) ?? [])].map(String);
  if (!cmd.length) throw new NslabError('E_USAGE', 'no command given', { hint: 'nslab exec LAB NODE -- ping -c1 h2' });
  requireRoot();
  const lab = Lab.open(argv.lab as string);
  lab.assertUp();
  const [file, ...args] = lab.entryArgv(argv.node as string, cmd);
  const env = lab.topology.nodes.find((n) => n.name === argv.node)!.env;
  return passThrough(file, args, env);
}

export async function shell(argv: Argv): Promise<number> {
  requireRoot();
  const lab = Lab.open(argv.lab as string);
  lab.assertUp();
  const node = argv.node as string;
  const [file, ...enter] = lab.entryArgv(node, []);
  const env = lab.topology.nodes.find((n) => n.name === node)!.env;
  const prompt = `[${lab.name}:${node}] \\w \\$ `;
  // -i only on a terminal: piped, an interactive bash finds no terminal to control and says "cannot set terminal
  // process group … no job control"; without -i it reads the commands from stdin just the same.
  const mode = process.stdin.isTTY ? '-i' : '-s';
  return passThrough(file, [...enter, 'env', `PS1=${prompt}`, `NSLAB_LAB=${lab.name}`, `NSLAB_NODE=${node}`, 'bash', '--norc', '--noprofile', mode], env);
}

export async function impair(argv: Argv): Promise<number> {
  requireRoot();
  const lab = Lab.open(argv.lab as string);
  const change: Record<string, unknown> = {};
  for (const k of ['rate', 'delay', 'jitter', 'distribution', 'loss', 'duplicate', 'reorder', 'corrupt', 'limit'])
    if (argv[k] !== undefined) change[k] = argv[k];
  if (!argv.clear && Object.keys(change).length === 0)
    throw new NslabError('E_USAGE', 'nothing to change', { hint: 'give at least one of --delay --loss --rate ..., or --clear' });
  await lab.impair(argv.link as string, change, { direction: argv.direction as string | undefined, clear: !!argv.clear });
  const l = findLink(lab.topology, argv.link as string);
  out(`${argv.link}: ${l.a.node}->${l.b.node}: ${impairmentSummary(l.aToB) || 'none'}; ${l.b.node}->${l.a.node}: ${impairmentSummary(l.bToA) || 'none'}`);
  return 0;
}

/**
 * `LINK up|down` or `NODE NODE up|down`: Mininet writes `link s1 h1 down`, and a person coming from it should not
 * have to learn another order. Two nodes become `s1-h1`, which names the link whichever end comes first.
 */
export function parseLinkWords(words: string[]): { link: string; state: 'up' | 'down' | 'blackhole' } {
  const state = words[words.length - 1];
  const ends = words.slice(0, -1);
  if ((state !== 'up' && state !== 'down' && state !== 'blackhole') || ends.length < 1 || ends.length > 2)
    throw new NslabError('E_USAGE', `expected LINK up|down|blackhole or NODE NODE up|down|blackhole, got '${words.join(' ')}'`, { hint: 'nslab link LAB h1-s1 down, nslab link LAB h1 s1 down, or nslab link LAB h1:eth0 up' });
  return { link: ends.join('-'), state };
}

export async function link(argv: Argv): Promise<number> {
  const { link: spec, state } = parseLinkWords(((argv.words as string[] | undefined) ?? []).map(String));
  requireRoot();
  const lab = Lab.open(argv.lab as string);
  await lab.setLink(spec, state);
  out(`${spec} is ${state}`);
  return 0;
}

export async function clean(argv: Argv): Promise<number> {
  const reports = await cleanLabs({ all: !!argv.all });
  if (argv.json) out(JSON.stringify(reports));
  else if (!reports.length) out('nothing to clean');
  else for (const r of reports) out(`cleaned ${r.lab.startsWith('(') ? r.lab : `lab '${r.lab}'`}: ${r.namespacesDeleted.length} namespaces deleted, ${r.processesKilled} processes stopped${leftAlone(r)}`);
  return 0;
}

/** The namespaces teardown left alone because nothing proves them ours, each with why and what to do. */
function leftAlone(r: TeardownReport): string {
  return r.notOurs.length ? `\nleft alone, not proven ours (${r.notOurs.length}):\n${r.notOurs.map((n) => `  ${n}`).join('\n')}` : '';
}

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
  required: boolean;
}

export async function doctor(argv: Argv): Promise<number> {
  const runner = new ExecaRunner();
  const checks: Check[] = [];
  const root = process.geteuid?.() === 0;
  checks.push({ name: 'root', ok: root, detail: root ? 'running as root' : `uid ${process.geteuid?.()}`, fix: 'run as root (sudo), or use --kernel uml, which needs no root', required: true });
  const has = async (tool: string, args: string[]) => {
    try {
      const r = await runner.run(tool, args, { timeoutMs: 5000 });
      return { ok: r.exitCode === 0 || r.stdout.length + r.stderr.length > 0, text: (r.stdout + r.stderr).trim().split('\n')[0] };
    } catch {
      return { ok: false, text: 'not found' };
    }
  };
  const ip = await has('ip', ['-V']);
  checks.push({ name: 'iproute2', ok: ip.ok, detail: ip.text, fix: 'apt-get install iproute2', required: true });
  if (root && ip.ok) {
    const caps = await probeKernel(runner);
    checks.push({ name: 'kernel: network namespaces', ok: caps.netns, detail: caps.netns ? 'yes' : caps.error ?? 'no', fix: 'a kernel with CONFIG_NET_NS, or --kernel uml', required: true });
    checks.push({ name: 'kernel: veth', ok: caps.veth, detail: caps.veth ? 'yes' : 'no', fix: 'CONFIG_VETH, or --kernel uml', required: true });
    checks.push({ name: 'kernel: bridge', ok: caps.bridge, detail: caps.bridge ? 'yes' : 'no', fix: 'CONFIG_BRIDGE (needed by switch nodes), or --kernel uml', required: false });
    for (const [q, ok] of Object.entries(caps.qdiscs)) {
      const what = q === 'netem' ? ' — delay, jitter, loss, duplicate, reorder, corrupt' : q === 'htb' ? ' — rate' : '';
      checks.push({
        name: `qdisc: ${q}${what}`,
        ok,
        detail: ok ? 'yes' : 'missing',
        fix: q === 'netem' || q === 'htb' ? `install the kernel's extra modules (linux-modules-extra-$(uname -r) on Ubuntu, kernel-modules-extra on RHEL), or run labs with --kernel uml` : undefined,
        required: false,
      });
    }
    for (const [f, ok] of Object.entries(caps.features ?? {})) {
      const feature = f as KernelFeature;
      checks.push({
        name: `kernel: ${describeFeature(feature)} — ${{ '8021q': 'trunks to hosts and routers', 'bridge-vlan': 'switch ports with vlan or vlans', bonding: 'links with lag', vrf: 'nodes with vrfs' }[feature]}`,
        ok,
        detail: ok ? 'yes' : 'missing',
        fix: feature === 'bridge-vlan' ? 'a kernel built with CONFIG_BRIDGE_VLAN_FILTERING, or run labs with --kernel uml' : `modprobe ${FEATURE_MODULE[feature]}, or run labs with --kernel uml`,
        required: false,
      });
    }
  }
  // cpu:/memory: on nodes (features/cgroup): which hierarchy each controller comes from.
  const cg = detectCgroups();
  for (const c of ['cpu', 'memory'] as const)
    checks.push({ name: `cgroup: ${c} — ${c}: limits on nodes`, ok: !!cg[c], detail: cg[c] ? `v${cg[c]!.version} at ${cg[c]!.mount}` : 'no controller mounted', fix: `mount the ${c} controller (cgroup v2: echo +${c} > /sys/fs/cgroup/cgroup.subtree_control)`, required: false });
  for (const [tool, args, pkg] of [['ping', ['-V'], 'iputils-ping'], ['iperf3', ['--version'], 'iperf3'], ['tcpdump', ['--version'], 'tcpdump'], ['sysctl', ['--version'], 'procps']] as const) {
    const r = await has(tool, [...args]);
    checks.push({ name: `tool: ${tool}`, ok: r.ok, detail: r.text, fix: `apt-get install ${pkg}`, required: tool === 'sysctl' });
  }
  // FRR for routing: ospf | bgp (its daemons are not on PATH: Debian keeps them in /usr/lib/frr).
  const frr = await has('/usr/lib/frr/zebra', ['--version']);
  checks.push({ name: 'FRR (routing: ospf, bgp)', ok: frr.ok, detail: frr.ok ? frr.text : 'not installed', fix: 'apt-get install frr', required: false });
  // Open vSwitch for OpenFlow switches (kind: ovs), and which datapath they get here.
  const ovs = await has('/usr/sbin/ovs-vswitchd', ['--version']);
  const kernelDp = existsSync('/sys/module/openvswitch');
  checks.push({
    name: 'Open vSwitch (kind: ovs)',
    ok: ovs.ok,
    detail: ovs.ok ? `${ovs.text}; datapath here: ${kernelDp ? 'kernel (the openvswitch module is loaded)' : 'userspace (netdev; the kernel has no openvswitch module loaded)'}` : 'not installed',
    fix: 'apt-get install openvswitch-switch openvswitch-testcontroller',
    required: false,
  });
  const uml = umlAvailable();
  checks.push({ name: 'user-mode Linux (--kernel uml)', ok: uml.ok, detail: uml.ok ? `${uml.kernel}, modules in ${uml.modulesDir}` : (uml.reason ?? 'not installed'), fix: 'apt-get install user-mode-linux kmod', required: false });
  if (argv.json) out(JSON.stringify({ checks }));
  else
    for (const c of checks) out(`${c.ok ? 'ok  ' : c.required ? 'FAIL' : 'warn'}  ${c.name}: ${c.detail}${!c.ok && c.fix ? `\n      fix: ${c.fix}` : ''}`);
  return checks.some((c) => c.required && !c.ok) ? 2 : 0;
}


export async function schema(argv: Argv): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const { schemaPath } = await import('../topology/schema.js');
  out(readFileSync(schemaPath(argv.which as 'topology' | 'scenario'), 'utf8'));
  return 0;
}
