// Reliability and safety guarantees, proved against the real kernel (root only): a builder SIGKILLed at random
// points leaves nothing that `nslab clean` cannot remove; SIGINT/SIGTERM roll `up` back and let `down` finish;
// processes die with their lab; labs with the same node names and addresses are isolated; look-alikes are never
// touched; concurrent `up`s of one name have one winner; no root means one clear error and nothing created; the
// state directory is private and its journal atomic; a hanging node command is killed at its timeout.
// Every part is bounded (trial counts from NSLAB_CRASH_TRIALS / NSLAB_SIGNAL_TRIALS) and cleans up after itself in
// `finally`, also when an assertion fails. It runs on the real host, but in its own state directory and with its own
// lab-name prefix (test/helpers/sandbox.ts): its clean and clean --all see only its own labs. A user's lab, up
// before the first test in a state directory of its own, must be exactly as it was after the last one.
import t, { type Test } from 'tap';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, type CliResult } from '../helpers/cli.js';
import { bystanderDown, bystanderUp, checkBystander, type Bystander } from '../helpers/bystander.js';
import { hostSnapshot, hostUnchanged, isRoot, type HostSnapshot } from '../helpers/host.js';
import { sandbox } from '../helpers/sandbox.js';
import { fidelity, underHealth } from '../helpers/health.js';
import { cleanLabs, Lab, listLabs } from '../../src/api/index.js';
import { loadTopology } from '../../src/topology/index.js';
import { netnsLabPrefix, netnsName, NslabError, type Journal } from '../../src/model/index.js';

const TRIALS = Number(process.env.NSLAB_CRASH_TRIALS ?? 20);
const SIGNAL_TRIALS = Number(process.env.NSLAB_SIGNAL_TRIALS ?? 5);
const SEED = Number(process.env.NSLAB_CRASH_SEED ?? 20240611);
const box = sandbox();
const STATE = box.stateDir;
const L = (name: string) => box.lab(name);
const dir = mkdtempSync(join(tmpdir(), 'nslab-rel-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------- helpers

/** mulberry32: a small seeded generator, so a failing trial can be replayed with NSLAB_CRASH_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function sh(file: string, args: string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
}
function trySh(file: string, args: string[]): void {
  try {
    execFileSync(file, args, { stdio: 'ignore', timeout: 30_000 });
  } catch {
    /* cleanup of something that may not exist */
  }
}

function netnsList(): string[] {
  try {
    return readdirSync('/run/netns').sort();
  } catch {
    return [];
  }
}
const labNetns = (lab: string) => netnsList().filter((n) => n.startsWith(netnsLabPrefix(lab)));

function nsInode(name: string): number | undefined {
  try {
    return statSync(`/run/netns/${name}`).ino;
  } catch {
    return undefined;
  }
}

interface Proc {
  pid: number;
  cmd: string;
  netns?: number;
}
function processes(): Proc[] {
  const out: Proc[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue; // a zombie holds nothing
      let netns: number | undefined;
      try {
        netns = Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${e}/ns/net`))?.[1]);
      } catch {
        /* gone */
      }
      out.push({ pid: Number(e), cmd, netns });
    } catch {
      /* exited while we looked */
    }
  }
  return out;
}

/** What the host snapshot does not cover but a lab could leak: host qdiscs, bridges, and nsfs mounts (those under
 * /run/netns only of the test's own namespaces: everybody else's are covered by the snapshot's loss check). */
function hostExtra(): Record<string, string> {
  const run = (f: string, a: string[]) => {
    try {
      return sh(f, a);
    } catch {
      return '<unavailable>';
    }
  };
  return {
    qdiscs: run('tc', ['qdisc', 'show']),
    bridges: run('ip', ['-br', 'link', 'show', 'type', 'bridge']),
    veths: run('ip', ['-br', 'link', 'show', 'type', 'veth']),
    nsfsMounts: readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => (f.includes('nsfs') || f[4]?.startsWith('/run/netns/')) && (!f[4]?.startsWith('/run/netns/') || box.owns(f[4].slice('/run/netns/'.length))))
      .map((f) => f.slice(3, 5).join(' '))
      .sort()
      .join('\n'),
  };
}

interface Baseline {
  snap: HostSnapshot;
  extra: Record<string, string>;
}
const baseline = (): Baseline => ({ snap: hostSnapshot(), extra: hostExtra() });

/**
 * Everything of lab `lab` still on the machine: its namespaces, its state directory, processes in the namespace
 * inodes it had, processes whose command line names the lab or carries one of `markers`.
 */
function residue(lab: string, opts: { inodes?: Iterable<number>; markers?: RegExp } = {}): string[] {
  const found: string[] = [];
  for (const n of labNetns(lab)) found.push(`namespace ${n}`);
  if (existsSync(join(STATE, lab))) found.push(`state dir ${join(STATE, lab)}: ${readdirSync(join(STATE, lab), { withFileTypes: true }).map((d) => d.name).join(',')}`);
  const inodes = new Set(opts.inodes ?? []);
  for (const p of processes()) {
    if (p.pid === process.pid) continue;
    if (p.netns !== undefined && inodes.has(p.netns)) found.push(`process ${p.pid} in a lab namespace: ${p.cmd}`);
    else if (p.cmd.includes(netnsLabPrefix(lab))) found.push(`process ${p.pid} naming the lab: ${p.cmd}`);
    else if (opts.markers?.test(p.cmd)) found.push(`process ${p.pid} of the lab: ${p.cmd}`);
  }
  return found;
}

function sameHost(t: Test, before: Baseline, what = 'host'): void {
  hostUnchanged(t, before.snap, `${what}: links, addresses, routes, nftables, sysctls, own namespaces and state as before`);
  t.same(hostExtra(), before.extra, `${what}: host qdiscs, bridges, veths and nsfs mounts as before`);
}

/** Best-effort removal of a lab, whatever state the test left it in (runs in finally). */
async function forceRemove(labs: string[]): Promise<void> {
  for (const lab of labs) {
    for (let i = 0; i < 3 && (existsSync(join(STATE, lab)) || labNetns(lab).length); i++) {
      await cli(['down', lab], { timeoutMs: 60_000 });
      await cli(['clean'], { timeoutMs: 60_000 });
    }
  }
}

function readJournal(lab: string): Journal | undefined {
  try {
    return JSON.parse(readFileSync(join(STATE, lab, 'journal.json'), 'utf8')) as Journal;
  } catch {
    return undefined;
  }
}

/** Where a build was: no claim yet, claimed without a journal, the last stage and its state, or up. */
function buildStage(lab: string): string {
  if (!existsSync(join(STATE, lab))) return 'not-claimed';
  const j = readJournal(lab);
  if (!j) return 'claimed-no-journal';
  if (j.status === 'up') return 'up';
  const s = j.stages[j.stages.length - 1];
  return s ? `${s.name}:${s.state}` : 'journal-before-stages';
}

function spawnCli(args: string[]): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, ['dist/cli/bin.js', ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ pid: child.pid ?? 0, code, signal, stdout, stderr })));
  return { child, done };
}

/** Poll (every 2 ms) until `cond` holds or `timeoutMs` passes; returns whether it held. */
async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(2);
  }
  return cond();
}

/** A mid-size lab: tree,2,6 (7 switches, 36 hosts), six hosts with a start process that forks a child and a
 * grandchild, and an exec on each of them, so every stage (namespaces, links, configure, exec, start) is hit. */
function midTopology(name: string, marker: number): string {
  const file = join(dir, `${name}.yaml`);
  const hosts = [1, 2, 3, 4, 5, 6]
    .map((i) => `  h${i}:\n    exec: ["true"]\n    start: ["sleep ${marker}1 & (sleep ${marker}2 &) ; sleep ${marker}3"]`)
    .join('\n');
  writeFileSync(file, `name: ${name}\ntopo: tree,2,6\nnodes:\n${hosts}\n`);
  return file;
}
const markerRe = (marker: number) => new RegExp(`sleep ${marker}[123]`);

if (!isRoot) {
  t.test('reliability guarantees', { skip: 'needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to build real labs; run the tests as root' }, async () => undefined);
} else {
  // -------------------------------------------------------------------------------------------- 0. a user's lab
  // Up before everything else, in a state directory of its own (a stand-in for the real /run/nslab, see
  // bystander.ts); checked again by the last test, after every crash, clean and clean --all below.
  let bystander: Bystander | undefined;
  t.teardown(async () => {
    if (bystander) await bystanderDown(bystander);
  });
  t.test("a user's lab is up before the suite's tests, in a state directory of its own", async (t) => {
    bystander = await bystanderUp();
    t.ok(Object.keys(bystander.netns).length === 3, `${bystander.lab} is up with its 3 namespaces`);
    checkBystander(t, bystander, 'before the tests');
  });

  // -------------------------------------------------------------------------------------------- 1. crash
  t.test(`crash-proof teardown: SIGKILL of nslab up at ${TRIALS} seeded random points, then nslab clean`, async (t) => {
    const lab = L('rlcrash');
    const marker = 7310;
    const file = midTopology(lab, marker);
    const before = baseline();
    const random = rng(SEED);
    const stages = new Map<string, number>();
    let residueCount = 0;
    try {
      // The build's duration, measured from the process start as the kills are timed: when the name is claimed
      // (node has loaded and parsed by then) and when the lab is up. Kills are spread over that window.
      const t0 = performance.now();
      const full = spawnCli(['up', file]);
      await until(() => existsSync(join(STATE, lab)), 30_000);
      const claimMs = performance.now() - t0;
      await until(() => readJournal(lab)?.status === 'up', 60_000);
      const buildMs = performance.now() - t0;
      const fr = await full.done;
      t.equal(fr.code, 0, `a full build works\n${fr.stderr}`);
      t.equal((await cli(['down', lab])).code, 0);
      t.comment(`full build of ${lab} (43 namespaces): claimed at ${Math.round(claimMs)} ms, up at ${Math.round(buildMs)} ms`);
      for (let i = 0; i < TRIALS; i++) {
        // Node's start-up time varies with the machine's load, so the delay counts from the claim of the name
        // (the lab directory appearing); one trial in ten kills before or at the claim instead.
        const early = random() < 0.1;
        const delay = Math.round(random() * (buildMs - claimMs));
        const { child, done } = spawnCli(['up', file]);
        if (early) await sleep(Math.round(claimMs * (0.7 + 0.35 * random())));
        else {
          await until(() => existsSync(join(STATE, lab)) || child.exitCode !== null, 30_000);
          await sleep(delay);
        }
        child.kill('SIGKILL');
        await done;
        const stage = buildStage(lab);
        stages.set(stage, (stages.get(stage) ?? 0) + 1);
        const j = readJournal(lab);
        const inodes = [...(j?.netns.map((n) => n.inode).filter((x): x is number => !!x) ?? []), ...labNetns(lab).map(nsInode).filter((x): x is number => !!x)];
        // Half the trials clean at once in this process (no node start-up delay: whatever the dead builder's
        // children are still doing races the clean), half through the CLI as a user would.
        let cleanOut = '';
        if (i % 2 === 0) {
          try {
            await cleanLabs();
          } catch (e) {
            cleanOut = (e as Error).message;
          }
        } else {
          const c = await cli(['clean']);
          if (c.code !== 0) cleanOut = c.stderr;
        }
        t.equal(cleanOut, '', `trial ${i} (kill ${early ? 'early' : `${delay} ms after the claim`}, stage ${stage}): clean succeeds`);
        if (stage === 'up') t.equal((await cli(['down', lab])).code, 0, 'the build had finished: down removes it');
        await sleep(50); // an orphan of the dead builder that outlived clean would show itself now
        const left = residue(lab, { inodes, markers: markerRe(marker) });
        residueCount += left.length;
        t.same(left, [], `trial ${i} (kill ${early ? 'early' : `${delay} ms after the claim`}, stage ${stage}): nothing of the lab is left`);
        if (left.length) await forceRemove([lab]);
      }
      sameHost(t, before);
    } finally {
      await forceRemove([lab]);
    }
    t.comment(`crash trials: ${TRIALS}; stages hit (${stages.size}): ${[...stages].map(([s, n]) => `${s}×${n}`).join(', ')}; residue found: ${residueCount}`);
    t.ok(stages.size >= Math.min(4, TRIALS), `the kills landed in at least ${Math.min(4, TRIALS)} different stages`);
  });

  // -------------------------------------------------------------------------------------------- 2. signals
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    t.test(`${sig} during up rolls the build back (${SIGNAL_TRIALS} stages), during down lets it finish; no clean needed`, async (t) => {
      const lab = sig === 'SIGINT' ? L('rlint') : L('rlterm');
      const marker = sig === 'SIGINT' ? 7320 : 7330;
      const file = midTopology(lab, marker);
      const before = baseline();
      try {
        const targets = ['namespaces', 'links', 'configure', 'exec', 'start'].slice(0, Math.max(1, SIGNAL_TRIALS));
        for (const target of targets) {
          const { child, done } = spawnCli(['up', file]);
          // Signal as soon as the journal says the target stage is in flight (or at the latest moment we saw).
          await until(() => {
            const j = readJournal(lab);
            return !!j?.stages.some((s) => s.name === target) || j?.status === 'up' || child.exitCode !== null;
          }, 30_000);
          const at = buildStage(lab);
          child.kill(sig);
          const r = await done;
          if (at === 'up' || r.code === 0) {
            t.equal(at, 'up', `${sig} at ${at}: the build went on only if the signal came after it finished (exit ${r.code})`);
            await cli(['down', lab]);
            continue;
          }
          t.equal(r.code, 2, `${sig} at ${at}: exit 2\n${r.stderr}`);
          t.match(r.stderr, new RegExp(`${sig} received, rolling back`), 'says it rolls back');
          t.match(r.stderr, /E_INTERRUPTED/, 'reports the interruption');
          t.same(residue(lab, { markers: markerRe(marker) }), [], `${sig} at ${at}: nothing left, without clean`);
        }
        // down: signalled while it tears down, it finishes anyway.
        t.equal((await cli(['up', file])).code, 0);
        const inodes = labNetns(lab).map(nsInode).filter((x): x is number => !!x);
        t.ok(processes().some((p) => markerRe(marker).test(p.cmd)), 'the start processes run');
        const { child, done } = spawnCli(['down', lab]);
        t.ok(await until(() => readJournal(lab)?.status === 'tearing-down' || child.exitCode !== null, 30_000), 'down began');
        child.kill(sig);
        await sleep(5);
        child.kill(sig); // a second one too: still ignored while teardown runs
        const r = await done;
        t.equal(r.code, 0, `down finishes after ${sig}\n${r.stderr}`);
        t.same(residue(lab, { inodes, markers: markerRe(marker) }), [], 'nothing left after the signalled down');
        sameHost(t, before);
      } finally {
        await forceRemove([lab]);
      }
    });
  }

  // -------------------------------------------------------------------------------------------- 3. processes
  t.test('processes die with the lab: start (children, grandchildren, setsid), background steps, exec with a timeout', async (t) => {
    const lab = L('rlproc');
    const before = baseline();
    const topo = join(dir, 'proc.yaml');
    writeFileSync(
      topo,
      `name: ${lab}\nnodes:\n  h1:\n    start: ["sleep 7341 & (sleep 7342 &) ; sleep 7343", "setsid sleep 7344 & exec sleep 7345"]\n  h2: {}\nlinks: [[h1, h2]]\n`,
    );
    const scen = join(dir, 'proc-scenario.yaml');
    writeFileSync(
      scen,
      `name: procs\ntopology: ${topo}\nsteps:\n  - background: { node: h2, cmd: "sleep 7346 & (setsid sleep 7347 &) ; sleep 7348" }\n    name: bg\n  - exec: { node: h2, cmd: "sleep 7349 & sleep 7350" }\n    timeout: 500ms\n    name: hangs\n`,
    );
    const markers = /sleep 73(4\d|50)/;
    try {
      // The scenario's exec step times out (exit 2) and --keep leaves the lab up with whatever escaped.
      const r = await cli(['run', '--keep', scen]);
      t.equal(r.code, 2, `the exec step timed out\n${r.stdout}${r.stderr}`);
      t.match(r.stdout, /timed out after 500 ms/);
      const inodes = labNetns(lab).map(nsInode).filter((x): x is number => !!x);
      t.equal(inodes.length, 2, 'the kept lab is up');
      const running = processes().filter((p) => markers.test(p.cmd)).map((p) => p.cmd.replace(/^.*(sleep \d+).*$/, '$1'));
      for (const s of ['sleep 7341', 'sleep 7342', 'sleep 7343', 'sleep 7344', 'sleep 7345']) t.ok(running.includes(s), `${s} runs before down`);
      // A library exec with a timeout whose command leaves a grandchild behind.
      const l = Lab.open(lab);
      const x = await l.exec('h1', ['sh', '-c', 'sleep 7351 & sleep 7352'], { timeoutMs: 300 });
      t.ok(x.timedOut, 'the exec timed out');
      const d = await cli(['down', lab]);
      t.equal(d.code, 0, d.stderr);
      await sleep(50);
      t.same(residue(lab, { inodes, markers: /sleep 73(4\d|5\d)/ }), [], 'no process in the lab namespaces, none by command line');
      // And without --keep: the scenario's own teardown.
      const r2 = await cli(['run', scen]);
      t.equal(r2.code, 2);
      await sleep(50);
      t.same(residue(lab, { markers: /sleep 73(4\d|5\d)/ }), [], 'nothing left after a scenario run either');
      sameHost(t, before);
    } finally {
      await forceRemove([lab]);
    }
  });

  // -------------------------------------------------------------------------------------------- 4. isolation
  const ISO = 5;
  t.test(`isolation: ${ISO} labs with the same nodes and addresses up at once`, async (t) => {
    const labs = Array.from({ length: ISO }, (_, i) => L(`rliso${i + 1}`));
    const before = baseline();
    const counters = (lab: string, node: string) => {
      const j = JSON.parse(sh('ip', ['-n', netnsName(lab, node), '-s', '-j', 'link', 'show', 'dev', 'eth0'])) as { stats64: { rx: { packets: number }; tx: { packets: number } } }[];
      return { rx: j[0].stats64.rx.packets, tx: j[0].stats64.tx.packets };
    };
    try {
      const files = labs.map((lab) => {
        const f = join(dir, `${lab}.yaml`);
        // IPv6 off in the nodes: no DAD, router solicitations or listener reports moving the counters on their own.
        const node = `{ sysctls: { net.ipv6.conf.all.disable_ipv6: 1, net.ipv6.conf.default.disable_ipv6: 1 } }`;
        writeFileSync(f, `name: ${lab}\naddressing: { ipv6: false }\nnodes:\n  h1: ${node}\n  h2: ${node}\nlinks:\n  - endpoints: ["h1:eth0", "h2:eth0"]\n    ipv4: [10.77.0.1/24, 10.77.0.2/24]\n`);
        return f;
      });
      const ups = await Promise.all(files.map((f) => cli(['up', f])));
      ups.forEach((u, i) => t.equal(u.code, 0, `${labs[i]} is up (all ${ISO} built at once)\n${u.stderr}`));
      if (ups.some((u) => u.code !== 0)) return;
      // Wait for quiet: counters unchanged over 300 ms (at most 5 s).
      const all = () => JSON.stringify(labs.map((lab) => [counters(lab, 'h1'), counters(lab, 'h2')]));
      for (let i = 0, prev = all(); i < 16; i++) {
        await sleep(300);
        const now = all();
        if (now === prev) break;
        prev = now;
      }
      const start = labs.map((lab) => ({ h1: counters(lab, 'h1'), h2: counters(lab, 'h2') }));
      sh('ip', ['netns', 'exec', netnsName(labs[0], 'h1'), 'ping', '-c', '200', '-i', '0.002', '-q', '-W', '1', '10.77.0.2']);
      const after = labs.map((lab) => ({ h1: counters(lab, 'h1'), h2: counters(lab, 'h2') }));
      t.ok(after[0].h2.rx - start[0].h2.rx >= 200, `lab 1's h2 received the 200 pings (${after[0].h2.rx - start[0].h2.rx})`);
      for (let i = 1; i < ISO; i++)
        t.same(after[i], start[i], `${labs[i]}: not one packet moved on h1 or h2 (${JSON.stringify(start[i])})`);
      t.equal((await cli(['down', labs[2]])).code, 0, `down ${labs[2]}`);
      for (const [i, lab] of labs.entries()) {
        if (i === 2) {
          t.same(labNetns(lab), [], `${lab} is gone`);
          continue;
        }
        t.equal(labNetns(lab).length, 2, `${lab} still has its 2 namespaces`);
        t.doesNotThrow(() => sh('ip', ['netns', 'exec', netnsName(lab, 'h1'), 'ping', '-c', '1', '-W', '2', '10.77.0.2']), `${lab} still works`);
      }
      for (const lab of labs) if (lab !== labs[2]) t.equal((await cli(['down', lab])).code, 0, `down ${lab}`);
      sameHost(t, before);
    } finally {
      await forceRemove(labs);
    }
  });

  // -------------------------------------------------------------------------------------------- 5. ownership
  t.test('ownership: look-alike namespaces and host links are left alone by down, clean and clean --all', async (t) => {
    const before = baseline();
    const [own, own2, own3, ghost] = ['own', 'own2', 'own3', 'ghost'].map(L);
    const planted = [netnsName(ghost, 'h1'), netnsName(own, 'h9')];
    const replaced = netnsName(own2, 'h1');
    // A host link named like one of the lab's namespaces (IFNAMSIZ: at most 15 characters).
    const hostLink = netnsName(own, 'h1');
    const twoHosts = (name: string) => {
      const f = join(dir, `${name}.yaml`);
      writeFileSync(f, `name: ${name}\nnodes:\n  h1: {}\n  h2: {}\nlinks: [[h1, h2]]\n`);
      return f;
    };
    try {
      t.equal((await cli(['up', twoHosts(own)])).code, 0);
      t.equal((await cli(['up', twoHosts(own2)])).code, 0);
      for (const n of planted) sh('ip', ['netns', 'add', n]);
      sh('ip', ['-n', planted[0], 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
      sh('ip', ['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', `${box.prefix}-peer`]);
      // A look-alike with a name the journal lists: the lab's own h1 replaced by hand with a new namespace.
      sh('ip', ['netns', 'del', replaced]);
      sh('ip', ['netns', 'add', replaced]);
      const inodes = new Map([...planted, replaced].map((n) => [n, nsInode(n)]));
      const still = (what: string) => {
        for (const [n, ino] of inodes) t.equal(nsInode(n), ino, `${what}: ${n} is still there, the same namespace`);
        t.doesNotThrow(() => sh('ip', ['-n', planted[0], 'link', 'show', 'eth0']), `${what}: the look-alike's own link is intact`);
        t.doesNotThrow(() => sh('ip', ['link', 'show', hostLink]), `${what}: the host link ${hostLink} is intact`);
      };
      const d = await cli(['down', own, '--json']);
      t.equal(d.code, 0, d.stderr);
      still(`down ${own}`);
      const d2 = await cli(['down', own2, '--json']);
      t.equal(d2.code, 0, d2.stderr);
      t.same((JSON.parse(d2.stdout) as { namespacesSkipped: string[] }).namespacesSkipped, [replaced], 'down reports the replaced namespace as not ours');
      still(`down ${own2}`);
      t.equal((await cli(['clean'])).code, 0);
      still('clean');
      const refused = await cli(['up', twoHosts(ghost)]);
      t.equal(refused.code, 2, 'up of a lab whose namespace name is taken by a look-alike is refused');
      t.match(refused.stderr, /E_NETNS_EXISTS/);
      t.notOk(existsSync(join(STATE, ghost)), 'and leaves no claim behind');
      t.equal((await cli(['up', twoHosts(own3)])).code, 0);
      const all = await cli(['clean', '--all']);
      t.equal(all.code, 0, all.stderr);
      t.match(all.stdout, new RegExp(`cleaned lab '${own3}'`));
      still('clean --all');
      t.same(labNetns(own3), []);
    } finally {
      for (const n of [...planted, replaced]) trySh('ip', ['netns', 'del', n]);
      trySh('ip', ['link', 'del', hostLink]);
      await forceRemove([own, own2, own3, ghost]);
      // The look-alikes kept /run/netns busy when the last lab went: now nslab can release the /run/netns it made.
      await cli(['clean']);
    }
    sameHost(t, before);
  });

  // -------------------------------------------------------------------------------------------- 6. concurrency
  t.test('concurrency: two ups of one name (one wins, E_LAB_EXISTS), ls and down during an up (E_LAB_BUSY)', async (t) => {
    const lab = L('rlrace');
    const marker = 7360;
    const file = midTopology(lab, marker);
    const before = baseline();
    try {
      for (let round = 0; round < 3; round++) {
        const [a, b] = await Promise.all([cli(['up', file]), cli(['up', file])]);
        const codes = [a.code, b.code].sort();
        t.same(codes, [0, 2], `round ${round}: exactly one up wins (exit codes ${a.code}, ${b.code})`);
        const loser = a.code === 0 ? b : a;
        t.match(loser.stderr, /E_LAB_EXISTS/, `round ${round}: the other says E_LAB_EXISTS\n${loser.stderr}`);
        const ls = JSON.parse((await cli(['ls', '--json'])).stdout) as { name: string; status: string; nodes: number }[];
        t.same(ls.filter((l) => l.name === lab).map((l) => [l.status, l.nodes]), [['up', 43]], 'ls shows one good lab');
        t.equal(labNetns(lab).length, 43);
        t.equal((await cli(['down', lab])).code, 0, 'down works');
        t.same(residue(lab, { markers: markerRe(marker) }), []);
      }
      // ls and down while an up builds: a node command of 6 s keeps the build going long enough (the CLIs' own
      // start-up takes seconds on a loaded machine; whether they ran during the build is checked, not assumed).
      writeFileSync(file, readFileSync(file, 'utf8').replace('exec: ["true"]', 'exec: ["sleep 6"]'));
      const { child, done } = spawnCli(['up', file]);
      t.ok(await until(() => readJournal(lab)?.stages.some((s) => s.name === 'exec') ?? false, 30_000), 'the build reached the exec stage');
      t.match(listLabs().find((l) => l.name === lab), { status: 'building', ownerAlive: true }, 'listLabs shows the lab as building by a live process');
      await t.rejects(Lab.open(lab).down(), { code: 'E_LAB_BUSY' }, 'Lab.down of a lab being built is refused');
      const [ls, down, clean] = await Promise.all([cli(['ls', '--json']), cli(['down', lab]), cli(['clean', '--all'])]);
      const stillBuilding = readJournal(lab)?.status === 'building';
      if (!stillBuilding) t.comment('the CLI checks of ls/down/clean during a build were not made: the build finished before they started (machine under load)');
      else {
        const entry = (JSON.parse(ls.stdout) as { name: string; status: string; ownerAlive: boolean }[]).find((l) => l.name === lab);
        t.match(entry, { status: 'building', ownerAlive: true }, 'nslab ls shows the lab as building by a live process');
        t.equal(down.code, 2, 'nslab down of a lab being built is refused');
        t.match(down.stderr, /E_LAB_BUSY/);
        t.equal(clean.code, 0, 'clean --all leaves a lab being built alone');
      }
      t.equal((await done).code, 0, 'the build goes on and finishes');
      if (down.code !== 0) {
        t.equal(labNetns(lab).length, 43, 'the lab is whole');
        t.equal((await cli(['down', lab])).code, 0);
      }
      t.same(residue(lab, { markers: markerRe(marker) }), []);
      sameHost(t, before);
    } finally {
      await forceRemove([lab]);
    }
  });

  // -------------------------------------------------------------------------------------------- 7. privilege, state
  t.test('privilege and state: no root is one clear error; state is 0700; journal atomic; garbage journals do not crash clean', async (t) => {
    const before = baseline();
    const hasSetpriv = (() => {
      try {
        sh('setpriv', ['--version']);
        return true;
      } catch {
        return false;
      }
    })();
    const labs = [L('rlpriv'), L('rlmode'), L('rljunk'), L('rljunk2'), L('rljunk3'), L('rldead')];
    const saved = new Map<string, string>();
    try {
      if (!hasSetpriv) t.comment('SKIP the unprivileged case: setpriv (util-linux) is not installed');
      else {
        let out = '';
        let code = 0;
        try {
          // `env -i`: only what a user's shell would have (the test runner injects NODE_OPTIONS hooks into children).
          execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, 'NO_COLOR=1', ...(process.env.NSLAB_STATE_DIR ? [`NSLAB_STATE_DIR=${process.env.NSLAB_STATE_DIR}`] : []), process.execPath, 'dist/cli/bin.js', 'up', '--topo', 'single,2', '--name', L('rlpriv')], {
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            // Only what a user's shell would have: the test runner's NODE_OPTIONS hooks would write as root.
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1', ...(process.env.NSLAB_STATE_DIR ? { NSLAB_STATE_DIR: process.env.NSLAB_STATE_DIR } : {}) },
          });
        } catch (e) {
          const err = e as { status: number; stderr: string; stdout: string };
          code = err.status;
          out = err.stderr + err.stdout;
        }
        t.equal(code, 2, 'exit 2 without root');
        const mentions = out.split('\n').filter((l) => l.includes('--kernel uml'));
        t.equal(mentions.length, 1, `one line mentions --kernel uml:\n${out}`);
        t.match(out.split('\n')[0], /^error E_NOT_ROOT: .*root/, 'the first line says root is needed');
        t.notMatch(out, /internal error|at .*\.js:\d+/, 'no stack trace');
        t.same(labNetns(L('rlpriv')), [], 'no namespace created');
        t.notOk(existsSync(join(STATE, L('rlpriv'))), 'no state created');
      }
      // Modes, and no temporary journal left after a build with many journal writes.
      t.equal((await cli(['up', midTopology(L('rlmode'), 7370)])).code, 0);
      t.equal(statSync(STATE).mode & 0o777, 0o700, `${STATE} is 0700`);
      t.equal(statSync(join(STATE, L('rlmode'))).mode & 0o777, 0o700, 'the lab dir is 0700');
      t.equal(statSync(join(STATE, L('rlmode'), 'journal.json')).mode & 0o777, 0o600, 'the journal is 0600');
      t.equal(statSync(join(STATE, L('rlmode'), 'logs')).mode & 0o777, 0o700, 'the logs dir is 0700');
      t.same(readdirSync(join(STATE, L('rlmode'))).filter((f) => f.includes('tmp')), [], 'no temporary journal left');
      t.equal((await cli(['down', L('rlmode')])).code, 0);

      // Garbage journals: truncated JSON, valid JSON of the wrong shape, binary. Plus a crashed build next to them.
      const f = join(dir, 'junk.yaml');
      const junks = [L('rljunk'), L('rljunk2'), L('rljunk3')];
      for (const j of junks) {
        writeFileSync(f, `name: ${j}\nnodes:\n  h1: {}\n  h2: {}\nlinks: [[h1, h2]]\n`);
        t.equal((await cli(['up', f])).code, 0);
      }
      for (const j of junks) saved.set(j, readFileSync(join(STATE, j, 'journal.json'), 'utf8'));
      const junkJournal = saved.get(L('rljunk'))!;
      const junkInodes = junks.flatMap((j) => labNetns(j).map((n) => [n, nsInode(n)] as const));
      writeFileSync(join(STATE, L('rljunk'), 'journal.json'), junkJournal.slice(0, Math.floor(junkJournal.length / 2)));
      writeFileSync(join(STATE, L('rljunk2'), 'journal.json'), JSON.stringify({ lab: L('rljunk2'), status: 'building', netns: 'x' }));
      writeFileSync(join(STATE, L('rljunk3'), 'journal.json'), Buffer.from([0, 255, 1, 2, 0x7b, 0x22]));
      const { child, done } = spawnCli(['up', midTopology(L('rldead'), 7380)]);
      await until(() => readJournal(L('rldead'))?.stages.some((s) => s.name === 'configure') ?? false, 30_000);
      child.kill('SIGKILL');
      await done;
      const ls = await cli(['ls']);
      t.equal(ls.code, 0, `ls copes with the garbage\n${ls.stderr}`);
      const c = await cli(['clean']);
      t.notMatch(c.stderr, /internal error|TypeError|SyntaxError/, `clean does not crash\n${c.stderr}`);
      for (const j of junks) t.match(c.stdout + c.stderr, new RegExp(j), `clean reports ${j}`);
      t.same(residue(L('rldead'), { markers: markerRe(7380) }), [], 'clean still cleans the crashed build next to the garbage');
      for (const [n, ino] of junkInodes) t.equal(nsInode(n), ino, `${n}: an unprovable namespace is left alone`);
      for (const j of junks) t.ok(existsSync(join(STATE, j)), `${j}: its state is kept for inspection`);
      const c2 = await cli(['clean', '--all']);
      t.notMatch(c2.stderr, /internal error|TypeError|SyntaxError/, 'clean --all does not crash either');
      t.equal(c.code, 2, 'clean exits 2: something is left that needs a person');
    } finally {
      // Restore the journals (their namespaces are ours) and remove everything.
      for (const [j, text] of saved) if (existsSync(join(STATE, j))) writeFileSync(join(STATE, j, 'journal.json'), text);
      await forceRemove(labs);
    }
    sameHost(t, before);
  });

  // -------------------------------------------------------------------------------------------- 8. timeouts
  t.test('timeouts: a node command that never returns is killed at its timeout, reported, and rolled back', async (t) => {
    const before = baseline();
    const f = join(dir, 'hang.yaml');
    writeFileSync(f, `name: ${L('rlhang')}\nnodes:\n  h1:\n    exec: ["true", "sleep 7391"]\n    start: ["sleep 7392"]\n  h2:\n    exec: ["setsid sleep 7393 &"]\nlinks: [[h1, h2]]\n`);
    try {
      const started = performance.now();
      let err: unknown;
      // The machine's health over the attempt: how soon the kill lands is a timing figure.
      const { health } = await underHealth(async () => {
        try {
          await Lab.up(loadTopology(f), { execTimeoutMs: 1500 });
        } catch (e) {
          err = e;
        }
      });
      const ms = performance.now() - started;
      t.ok(err instanceof NslabError, `up fails\n${String(err)}`);
      t.equal((err as NslabError).code, 'E_KERNEL_OP');
      t.match((err as NslabError).message, /timed out after 1500 ms/, 'the timeout is reported');
      t.match((err as NslabError).message, /node h[12]/, 'with the node');
      fidelity(t, health, `killed at its timeout (${Math.round(ms)} ms)`, ms < 1500 + 5000);
      t.same((err as NslabError).details.rollbackErrors, undefined, 'the rollback had no errors');
      t.same(residue(L('rlhang'), { markers: /sleep 739\d/ }), [], 'rolled back: nothing left, the hanging commands included');
      sameHost(t, before);
    } finally {
      await forceRemove([L('rlhang')]);
    }
  });

  // -------------------------------------------------------------------------------------------- 9. the user's lab
  t.test("the user's lab is untouched by the suite's crashes, cleans and clean --all", async (t) => {
    if (!bystander) return t.fail('the bystander never came up');
    checkBystander(t, bystander, 'after the tests');
  });
}
