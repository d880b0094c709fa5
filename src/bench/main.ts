// `npm run bench`: nslab (library) against the bare ip-batch floor and Mininet, alternating, repeated, with
// medians and ratios against the issue's goals, a results JSON, a scaling plot, and a host check before and after.
// By default it re-runs itself in a private sandbox (new network, mount and PID namespaces, tmpfs on /run), so
// the host's namespaces, /run/netns and /run/nslab are never touched and Mininet's `mn -c` reaches only the sandbox.

import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../api/index.js';
import { compilePlan } from '../plan/index.js';
import { StateStore, listNetns } from '../sys/index.js';
import { floorScripts, runFloor } from './floor.js';
import { diffSnapshots, hostSnapshot, type HostSnapshot } from './host.js';
import { installMininet, mininetAvailable, mininetCleanup, runMininet } from './mininet.js';
import { execRoundTrips, generated, runNslab, type NslabRun } from './nslab.js';
import { cliSpeed, cliSpeedGoals, type CliSpeed } from './cli-speed.js';
import { routingBench } from './routing.js';
import { consoleSpeed, consoleSpeedGoal, type ConsoleSpeed } from './console-speed.js';
import { umlSpeed, umlSpeedGoals, type UmlSpeed } from './uml-speed.js';
import { settleNamespaces, liveNetNamespaces } from './settle.js';
import { runTimed } from './spawn.js';
import { median, scalingOf, spread, type Scaling } from './stats.js';
import { lineChartSvg, type Series } from './svg.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const cliPath = join(repoRoot, 'dist/cli/bin.js');

interface Options {
  reps: number;
  sizes: number[];
  tree: string;
  mininet: boolean;
  mininetMax: number;
  installMininet: boolean;
  sandbox: boolean;
  inSandbox: boolean;
  execCount: number;
  cliCount: number;
  /** --cli: only the CLI's answer times (ls, exec against node -e 0), nothing else. */
  cliOnly: boolean;
  /** --routing: only the FRR routing goals (routing.ts), nothing else. */
  routingOnly: boolean;
  /** --uml: only `run --kernel uml` speed (wan lab-up through the UML agent against the host, fixed cost). */
  umlOnly: boolean;
  rssReps: number;
  settleMs: number;
  outDir: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = {
    reps: 5,
    sizes: [10, 50, 100, 200, 500, 1000],
    tree: 'tree,3,10',
    mininet: true,
    mininetMax: 210,
    installMininet: false,
    sandbox: true,
    inSandbox: false,
    execCount: 50,
    cliCount: 20,
    cliOnly: false,
    routingOnly: false,
    umlOnly: false,
    rssReps: 3,
    settleMs: 100,
    outDir: join(repoRoot, 'bench/out'),
  };
  let quick = false;
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      explicit.add(a);
      return v;
    };
    if (a === '--reps') o.reps = Math.max(1, Number(val()));
    else if (a === '--sizes') o.sizes = val().split(',').map(Number).filter((n) => n > 0).sort((x, y) => x - y);
    else if (a === '--tree') o.tree = val();
    else if (a === '--quick') quick = true;
    else if (a === '--cli') o.cliOnly = true;
    else if (a === '--routing') o.routingOnly = true;
    else if (a === '--uml') o.umlOnly = true;
    else if (a === '--no-mininet') o.mininet = false;
    else if (a === '--mininet-max') o.mininetMax = Number(val());
    else if (a === '--install-mininet') o.installMininet = true;
    else if (a === '--no-sandbox') o.sandbox = false;
    else if (a === '--in-sandbox') o.inSandbox = true;
    else if (a === '--exec-count') o.execCount = Number(val());
    else if (a === '--out') o.outDir = resolve(val());
    else if (a === '--help' || a === '-h') {
      console.log(`usage: node dist/bench/main.js [--reps N] [--sizes 10,50,...] [--tree tree,3,10] [--quick]
  [--no-mininet | --mininet-max NODES (default 210) | --install-mininet] [--no-sandbox] [--exec-count N] [--out DIR]
  [--cli]  (only nslab ls / nslab exec against node -e 0, with 21- and 201-node labs up)
  [--routing]  (only the FRR goals: OSPF rings of 4 and 50, a 20-AS BGP chain, failover outages; --reps runs each)
  [--uml]  (only the wan lab-up through the user-mode Linux agent against the host kernel, and a UML lab's fixed cost)
Runs in a private network/mount/PID namespace sandbox unless --no-sandbox. Needs root.`);
      process.exit(0);
    } else throw new Error(`unknown option ${a} (try --help)`);
  }
  if (quick) {
    if (!explicit.has('--reps')) o.reps = 2;
    if (!explicit.has('--sizes')) o.sizes = [10, 50, 200];
    if (!explicit.has('--tree')) o.tree = 'tree,2,10';
    if (!explicit.has('--mininet-max')) o.mininetMax = 60;
    if (!explicit.has('--exec-count')) o.execCount = 20;
    o.cliCount = 10;
    o.rssReps = 1;
  }
  return o;
}

/** Outside the sandbox: check the real host before and after, and run the bench inside a fresh sandbox. */
function runSandboxed(o: Options, argv: string[]): number {
  if (o.installMininet && !mininetAvailable()) installMininet();
  const before = hostSnapshot();
  // The sandbox's node is PID 1 of its PID namespace: when it exits, everything left in the sandbox is killed and
  // its network namespace (with any Mininet residue) goes away with it. Ctrl-C reaches it directly.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  // /run/frr: FRR nodes bind their private run directory over /var/run/frr (a symlink into /run), which the fresh
  // tmpfs lacks; on a host the frr package made it.
  const inner = `mount -t tmpfs tmpfs /run && mkdir -p /run/frr && ip link set lo up && exec "$0" "$@"`;
  const r = spawnSync('unshare', ['--net', '--mount', '--pid', '--fork', '--mount-proc', '--propagation', 'private', '--', 'bash', '-c', inner, process.execPath, fileURLToPath(import.meta.url), '--in-sandbox', ...argv], {
    stdio: 'inherit',
  });
  const diff = diffSnapshots(before, hostSnapshot());
  // Another user's labs come and go on a shared machine while the bench runs: a namespace named like the bench's own
  // labs (b…) would be an escape from the sandbox; anything else that appeared is reported, not blamed on the bench.
  const ours = diff.added.filter((x) => /^netns:nslab-b/.test(x) || !x.startsWith('netns:'));
  const others = diff.added.filter((x) => !ours.includes(x));
  console.log(
    `\nreal host check: ${ours.length ? `LEFT BEHIND ${ours.join(', ')}` : 'nothing left behind'}` +
      `${others.length ? `; added meanwhile by other labs (not the bench's names): ${others.length} namespaces` : ''}` +
      `${diff.removed.length ? `; gone meanwhile (not ours): ${diff.removed.length}` : ''}`,
  );
  return r.status ?? 2;
}

type Tool = 'nslab' | 'floor' | 'mininet';

interface Case {
  family: 'single' | 'linear' | 'tree';
  topo: string;
  nodes: number;
  links: number;
  nslab: NslabRun[];
  floor: { upMs: number; downMs: number }[];
  mininet: { totalMs: number }[];
  /** Deferred kernel teardown after each tool's run (see settle.ts). */
  settleMs: Record<Tool, number[]>;
  failures: string[];
}

const fmt = (ms: number) => (Number.isFinite(ms) ? (ms >= 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}`) : '-');
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-');
const ratio = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function medianOf<T>(xs: T[], f: (x: T) => number): number {
  return xs.length ? median(xs.map(f)) : NaN;
}

async function bench(o: Options, signal: AbortSignal, owned: { labs: Set<string>; floorNetns: Set<string>; mininetRan: boolean }) {
  const mn = o.mininet && mininetAvailable();
  const cases: Case[] = [];
  const mk = (family: Case['family'], topo: string): Case => {
    const t = generated('bx', topo);
    return { family, topo, nodes: t.nodes.length, links: t.links.length, nslab: [], floor: [], mininet: [], settleMs: { nslab: [], floor: [], mininet: [] }, failures: [] };
  };
  for (const n of o.sizes) cases.push(mk('single', `single,${n}`));
  for (const n of o.sizes) cases.push(mk('linear', `linear,${n}`));
  cases.push(mk('tree', o.tree));
  const started = performance.now();
  let k = 0;
  for (let rep = 0; rep < o.reps; rep++) {
    for (const c of cases) {
      const size = Number(c.topo.split(',')[1]);
      const tools: Tool[] = ['nslab', 'floor'];
      // Counted in namespaces, so single,200 (201) and linear,100 (200) are in and linear,200 (400) is out by default.
      if (mn && c.family !== 'tree' && c.nodes <= o.mininetMax) tools.push('mininet');
      // Rotate the order every run, so drift on a shared machine (and the kernel's deferred namespace cleanup of
      // the previous run) falls on every tool alike.
      const order = tools.map((_, i) => tools[(i + rep + k) % tools.length]);
      k++;
      for (const tool of order) {
        if (signal.aborted) return { cases, mn };
        const name = `b${c.family[0]}${size}r${rep}`.slice(0, 12);
        const liveBefore = liveNetNamespaces();
        try {
          if (tool === 'nslab') {
            owned.labs.add(name);
            c.nslab.push(await runNslab(generated(name, c.topo), signal));
            owned.labs.delete(name);
          } else if (tool === 'floor') {
            const f = floorScripts(compilePlan(generated(name, c.topo)), `nbf-${rep}-`);
            f.netns.forEach((n) => owned.floorNetns.add(n));
            const r = await runFloor(f);
            if (!r.ok) throw new Error(r.error);
            f.netns.forEach((n) => owned.floorNetns.delete(n));
            c.floor.push(r);
          } else {
            owned.mininetRan = true;
            const before = hostSnapshot();
            const r = await runMininet(c.topo);
            const left = diffSnapshots(before, hostSnapshot()).added;
            if (!r.ok || left.length) {
              c.failures.push(`mininet ${c.topo} rep ${rep}: ${r.error ?? ''} left: ${left.join(' ')}; ${await mininetCleanup()}`);
            } else c.mininet.push(r);
          }
        } catch (e) {
          c.failures.push(`${tool} ${c.topo} rep ${rep}: ${(e as Error).message.split('\n')[0]}`);
          if (signal.aborted) return { cases, mn };
        }
        c.settleMs[tool].push(await settleNamespaces(liveBefore));
        await sleep(o.settleMs);
      }
      const last = c.nslab[c.nslab.length - 1];
      process.stderr.write(`  rep ${rep + 1}/${o.reps} ${c.topo.padEnd(12)} nslab ${last ? `${fmt(last.upMs)}+${fmt(last.downMs)}` : '-'} floor ${fmt(c.floor.at(-1) ? c.floor.at(-1)!.upMs + c.floor.at(-1)!.downMs : NaN)} mn ${fmt(c.mininet.at(-1)?.totalMs ?? NaN)}  (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
    }
  }
  return { cases, mn };
}

async function execBench(o: Options, signal: AbortSignal, owned: { labs: Set<string> }) {
  const name = 'bexec';
  owned.labs.add(name);
  const lab = await Lab.up(generated(name, 'single,2'), { signal });
  try {
    return { rt: await execRoundTrips(lab, 'h1', o.execCount) };
  } finally {
    await lab.down();
    owned.labs.delete(name);
  }
}

async function rssBench(o: Options, signal: AbortSignal, owned: { labs: Set<string> }) {
  const child = join(here, 'rss-child.js');
  const peaks: number[] = [];
  for (let i = 0; i < o.rssReps && !signal.aborted; i++) {
    const name = `brss${i}`;
    owned.labs.add(name);
    const r = await runTimed(process.execPath, [child, o.tree, name], { timeoutMs: 600_000 });
    if (r.exitCode !== 0) throw new Error(`rss child: ${r.stderr.slice(-400)}`);
    owned.labs.delete(name);
    peaks.push(JSON.parse(r.stdout.trim().split('\n').pop()!).peakRssBytes);
  }
  const base = await runTimed(process.execPath, [child, o.tree, 'brssb', 'baseline']);
  return { topo: o.tree, peakRssBytes: peaks, baselineRssBytes: JSON.parse(base.stdout.trim()).peakRssBytes as number };
}

/** Whatever a failed or interrupted run left: labs by their journals, floor namespaces by name, Mininet by mn -c. */
async function cleanup(owned: { labs: Set<string>; floorNetns: Set<string>; mininetRan: boolean }, before: HostSnapshot): Promise<string[]> {
  const notes: string[] = [];
  const store = new StateStore();
  for (const name of owned.labs)
    if (store.read(name))
      try {
        await Lab.open(name).down();
        notes.push(`removed lab ${name}`);
      } catch (e) {
        notes.push(`could not remove lab ${name}: ${(e as Error).message}`);
      }
  const present = new Set(listNetns());
  const floorLeft = [...owned.floorNetns].filter((n) => present.has(n));
  if (floorLeft.length) {
    spawnSync('ip', ['-force', '-batch', '-'], { input: floorLeft.map((n) => `netns del ${n}`).join('\n') + '\n' });
    notes.push(`removed ${floorLeft.length} floor namespaces`);
  }
  if (owned.mininetRan && diffSnapshots(before, hostSnapshot()).added.some((x) => x.startsWith('links:'))) notes.push(await mininetCleanup());
  return notes;
}

function report(o: Options, cases: Case[], mn: boolean, extra: Record<string, unknown>) {
  const rows = cases.map((c) => {
    const nUp = medianOf(c.nslab, (r) => r.upMs);
    const nDown = medianOf(c.nslab, (r) => r.downMs);
    const nTot = medianOf(c.nslab, (r) => r.upMs + r.downMs);
    const fUp = medianOf(c.floor, (r) => r.upMs);
    const fDown = medianOf(c.floor, (r) => r.downMs);
    const fTot = medianOf(c.floor, (r) => r.upMs + r.downMs);
    const mTot = medianOf(c.mininet, (r) => r.totalMs);
    return {
      topo: c.topo,
      family: c.family,
      nodes: c.nodes,
      links: c.links,
      reps: { nslab: c.nslab.length, floor: c.floor.length, mininet: c.mininet.length },
      nslab: {
        upMs: nUp,
        downMs: nDown,
        totalMs: nTot,
        spread: spread(c.nslab.map((r) => r.upMs + r.downMs)),
        upProcesses: medianOf(c.nslab, (r) => r.upProcesses),
        downProcesses: medianOf(c.nslab, (r) => r.downProcesses),
        stageMs: Object.fromEntries(Object.keys(c.nslab[0]?.stageMs ?? {}).map((s) => [s, medianOf(c.nslab, (r) => r.stageMs[s] ?? 0)])),
        rawTotalMs: c.nslab.map((r) => r.upMs + r.downMs),
        kernelSettleMs: median(c.settleMs.nslab),
      },
      floor: { upMs: fUp, downMs: fDown, totalMs: fTot, spread: spread(c.floor.map((r) => r.upMs + r.downMs)), rawTotalMs: c.floor.map((r) => r.upMs + r.downMs), kernelSettleMs: median(c.settleMs.floor) },
      mininet: { totalMs: mTot, spread: spread(c.mininet.map((r) => r.totalMs)), rawTotalMs: c.mininet.map((r) => r.totalMs), kernelSettleMs: median(c.settleMs.mininet) },
      nslabOverFloor: nTot / fTot,
      nslabOverMininet: nTot / mTot,
      failures: c.failures,
    };
  });
  const head = ['topology', 'nodes', 'links', 'nslab up', 'down', 'total', '±', 'procs', 'floor up', 'down', 'total', '±', 'mininet', '±', 'n/floor', 'n/mn'];
  const table = [head, ...rows.map((r) => [r.topo, r.nodes, r.links, fmt(r.nslab.upMs), fmt(r.nslab.downMs), fmt(r.nslab.totalMs), pct(r.nslab.spread), `${r.nslab.upProcesses}+${r.nslab.downProcesses}`, fmt(r.floor.upMs), fmt(r.floor.downMs), fmt(r.floor.totalMs), pct(r.floor.spread), fmt(r.mininet.totalMs), r.reps.mininet ? pct(r.mininet.spread) : '-', ratio(r.nslabOverFloor), ratio(r.nslabOverMininet)].map(String))];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const text = table.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');

  const scaling: Record<string, Scaling> = {};
  for (const fam of ['single', 'linear'] as const)
    for (const tool of ['nslab', 'floor', 'mininet'] as const) {
      const rs = rows.filter((r) => r.family === fam && Number.isFinite(r[tool].totalMs));
      if (rs.length >= 3) scaling[`${tool} ${fam}`] = scalingOf(rs.map((r) => r.nodes), rs.map((r) => r[tool].totalMs));
    }

  const find = (t: string) => rows.find((r) => r.topo === t);
  const goals: { goal: string; value: string; target: string; met: boolean | null }[] = [];
  for (const t of ['single,200', 'linear,100']) {
    const r = find(t);
    if (!r) continue;
    goals.push({ goal: `${t} build+teardown vs Mininet`, value: ratio(r.nslabOverMininet), target: '≤ 0.10', met: Number.isFinite(r.nslabOverMininet) ? r.nslabOverMininet <= 0.1 : null });
    goals.push({ goal: `${t} build+teardown vs ip-batch floor`, value: ratio(r.nslabOverFloor), target: '≤ 1.5', met: Number.isFinite(r.nslabOverFloor) ? r.nslabOverFloor <= 1.5 : null });
  }
  const tree = rows.find((r) => r.family === 'tree');
  if (tree) {
    goals.push({ goal: `${tree.topo} (${tree.nodes} ns) up`, value: `${Math.round(tree.nslab.upMs)} ms`, target: '< 5000 ms', met: tree.nslab.upMs < 5000 });
    goals.push({ goal: `${tree.topo} down`, value: `${Math.round(tree.nslab.downMs)} ms (+ ${Math.round(tree.nslab.kernelSettleMs)} ms of deferred kernel namespace cleanup after it returns)`, target: '< 3000 ms', met: tree.nslab.downMs < 3000 });
  }
  const rss = extra.rss as { topo: string; peakRssBytes: number[]; baselineRssBytes: number } | undefined;
  if (rss?.peakRssBytes.length) {
    const mb = median(rss.peakRssBytes) / 2 ** 20;
    goals.push({ goal: `orchestrator peak RSS, ${rss.topo}`, value: `${mb.toFixed(0)} MiB (library loaded: ${(rss.baselineRssBytes / 2 ** 20).toFixed(0)} MiB)`, target: '< 150 MB', met: median(rss.peakRssBytes) < 150e6 });
  }
  const ex = extra.exec as { rt: { libMs: number[]; bareSyncMs: number[]; bareAsyncMs: number[] } } | undefined;
  if (ex) {
    const lib = median(ex.rt.libMs);
    const bare = median(ex.rt.bareSyncMs);
    goals.push({ goal: 'lab.exec round trip vs bare ip netns exec', value: `${lib.toFixed(1)} / ${bare.toFixed(1)} ms = ${ratio(lib / bare)} (async bare ${median(ex.rt.bareAsyncMs).toFixed(1)} ms)`, target: '≤ 2', met: lib / bare <= 2 });
  }
  if (extra.cli) goals.push(...cliSpeedGoals(extra.cli as CliSpeed[]));
  if (extra.console) goals.push(consoleSpeedGoal(extra.console as ConsoleSpeed));
  for (const [k, s] of Object.entries(scaling))
    if (!k.startsWith('mininet') || s.nodes.length >= 3)
      goals.push({ goal: `linear scaling, ${k}`, value: `marginal ms/node first→last ${s.marginalMsPerNode.map((m) => m.toFixed(2)).join(' → ')}; avg per-node cost largest/smallest ${ratio(s.perNodeCostRatio)}; fit ${s.fit.slopeMsPerNode.toFixed(2)} ms/node + ${fmt(s.fit.interceptMs)} ms, R² ${s.fit.r2.toFixed(3)}`, target: 'no step > 1.5× earlier marginal', met: s.superlinearSteps.length === 0 });

  const goalText = goals.map((g) => `${g.met === null ? '  ·  ' : g.met ? ' MET ' : 'MISSED'}  ${g.goal}: ${g.value}  (goal ${g.target})`).join('\n');

  const colors = { nslab: '#1f77b4', floor: '#2ca02c', mininet: '#d62728' };
  const series: Series[] = [];
  for (const tool of ['nslab', 'floor', 'mininet'] as const)
    for (const fam of ['single', 'linear'] as const) {
      const pts = rows.filter((r) => r.family === fam && Number.isFinite(r[tool].totalMs)).map((r) => ({ x: r.nodes, y: r[tool].totalMs }));
      if (pts.length) series.push({ label: `${tool} ${fam}`, color: colors[tool], dashed: fam === 'linear', points: pts });
    }
  if (tree) series.push({ label: `nslab ${tree.topo}`, color: '#9467bd', points: [{ x: tree.nodes, y: tree.nslab.totalMs }] });
  const svg = lineChartSvg('build + teardown time against lab size (medians, log-log)', 'namespaces (nodes)', 'build + teardown', series);

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, kernel: release(), node: process.version, iproute2: execFileSync('ip', ['-V'], { encoding: 'utf8' }).trim(), mininet: mn ? spawnSync('mn', ['--version'], { encoding: 'utf8' }).stdout.trim() : null };
  const json = { when: new Date().toISOString(), options: o, machine, rows, scaling, goals, ...extra };
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'results.json'), JSON.stringify(json, null, 1) + '\n');
  writeFileSync(join(o.outDir, 'scaling.svg'), svg);
  writeFileSync(join(o.outDir, 'table.txt'), `${text}\n\n${goalText}\n`);
  const docs = join(repoRoot, 'docs/bench');
  mkdirSync(docs, { recursive: true });
  for (const f of ['results.json', 'scaling.svg', 'table.txt']) copyFileSync(join(o.outDir, f), join(docs, f));
  console.log(`\nmedians of ${o.reps} alternating repetitions; times in ms; ± = (max-min)/median; procs = processes nslab started for up+down\n`);
  console.log(text);
  console.log(`\n${goalText}\n`);
  for (const r of rows) if (r.failures.length) console.log(`failures ${r.topo}: ${r.failures.join(' | ')}`);
  console.log(`wrote ${join(o.outDir, 'results.json')}, scaling.svg, table.txt (copied to docs/bench/)`);
}

/** Lab sizes for the CLI's answer times: single,20 and single,200 are 21 and 201 nodes (the switch counts). */
const CLI_LAB_HOSTS = [20, 200];

/** `--cli`: the goal lines alone, and the measurements in OUT/cli-speed.json (docs/bench is left as it is). */
function reportCli(o: Options, results: CliSpeed[]) {
  const goals = cliSpeedGoals(results);
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'cli-speed.json'), JSON.stringify({ when: new Date().toISOString(), loadavg: loadavg(), results, goals }, null, 1) + '\n');
  console.log(goals.map((g) => `${g.met ? ' MET ' : 'MISSED'}  ${g.goal}: ${g.value}  (goal ${g.target})`).join('\n'));
  console.log(`wrote ${join(o.outDir, 'cli-speed.json')}`);
}

/** `--routing`: the goal lines, and everything measured in OUT/routing.json. */
function reportRouting(o: Options, extra: Record<string, unknown>) {
  const r = extra.routing as Awaited<ReturnType<typeof routingBench>>;
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'routing.json'), JSON.stringify({ when: new Date().toISOString(), loadavgStart: extra.loadavgStart, loadavgEnd: extra.loadavgEnd, ...r }, null, 1) + '\n');
  console.log(r.goals.map((g) => `${g.met ? ' MET ' : 'MISSED'}  ${g.goal}: ${g.value}  (goal ${g.target})`).join('\n'));
  console.log(`load average ${(extra.loadavgStart as number[]).map((x) => x.toFixed(1)).join(' ')} at the start, ${(extra.loadavgEnd as number[]).map((x) => x.toFixed(1)).join(' ')} at the end; wrote ${join(o.outDir, 'routing.json')}`);
}

/** `--uml`: the goal lines, and the measurements in OUT/uml-speed.json. */
function reportUml(o: Options, s: UmlSpeed) {
  const goals = umlSpeedGoals(s);
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'uml-speed.json'), JSON.stringify({ when: new Date().toISOString(), loadavg: loadavg(), results: s, goals }, null, 1) + '\n');
  console.log(goals.map((g) => `${g.met ? ' MET ' : 'MISSED'}  ${g.goal}: ${g.value}  (goal ${g.target})`).join('\n'));
  console.log(`wrote ${join(o.outDir, 'uml-speed.json')}`);
}

async function inner(o: Options): Promise<number> {
  if (process.geteuid?.() !== 0) throw new Error('the bench needs root (namespaces); run it with sudo');
  if (o.installMininet && !mininetAvailable()) installMininet();
  const before = hostSnapshot();
  const ac = new AbortController();
  const onSignal = (sig: string) => {
    if (ac.signal.aborted) return;
    process.stderr.write(`\n${sig}: stopping after the current run and cleaning up\n`);
    ac.abort();
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  const owned = { labs: new Set<string>(), floorNetns: new Set<string>(), mininetRan: false };
  const extra: Record<string, unknown> = { loadavgStart: loadavg() };
  let result: { cases: Case[]; mn: boolean } | undefined;
  let failed: unknown;
  try {
    if (o.cliOnly) extra.cli = await cliSpeed(cliPath, CLI_LAB_HOSTS, o.cliCount, ac.signal, owned);
    else if (o.routingOnly) extra.routing = await routingBench(o.reps, repoRoot, owned, ac.signal);
    else if (o.umlOnly) extra.uml = await umlSpeed(o.reps, ac.signal, owned);
    else {
      result = await bench(o, ac.signal, owned);
      if (!ac.signal.aborted) extra.exec = await execBench(o, ac.signal, owned);
      if (!ac.signal.aborted) extra.cli = await cliSpeed(cliPath, CLI_LAB_HOSTS, o.cliCount, ac.signal, owned);
      if (!ac.signal.aborted) extra.console = await consoleSpeed(cliPath, 50, 3, ac.signal, owned);
      if (!ac.signal.aborted) extra.rss = await rssBench(o, ac.signal, owned);
    }
  } catch (e) {
    failed = e;
  } finally {
    extra.cleanup = await cleanup(owned, before);
    const diff = diffSnapshots(before, hostSnapshot());
    extra.hostCheck = { before, residue: diff.added, removed: diff.removed, sandbox: o.inSandbox };
    extra.loadavgEnd = loadavg();
    console.log(`\n${o.inSandbox ? 'sandbox' : 'host'} check (ip netns list, ip -br link, /run/nslab): ${diff.added.length ? `LEFT BEHIND ${diff.added.join(', ')}` : 'nothing left behind'}`);
  }
  if (result) report(o, result.cases, result.mn, extra);
  else if (extra.cli) reportCli(o, extra.cli as CliSpeed[]);
  else if (extra.routing) reportRouting(o, extra);
  else if (extra.uml) reportUml(o, extra.uml as UmlSpeed);
  if (failed) {
    console.error(`bench failed: ${(failed as Error).stack ?? failed}`);
    return 2;
  }
  return ac.signal.aborted ? 130 : 0;
}

const argv = process.argv.slice(2);
const opts = parseArgs(argv);
const code = opts.sandbox && !opts.inSandbox ? runSandboxed(opts, argv) : await inner(opts);
process.exit(code);
