// Ownership on a real kernel (issue 11, defects 2, 3, 8, 10): a hand-made namespace that takes a lab's name (and
// its inode) survives down and clean with its process alive; a probe that times out leaves no namespace and says so;
// clean removes a dead probe's namespace only when its tag proves it; E_NETNS_EXISTS never sends a person to delete
// a running lab's namespaces. Root only. Labs run in a private state directory, named own*.
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { isRoot } from '../helpers/host.js';
import { cleanLabs } from '../../src/api/index.js';
import { netnsName, probeNetnsName, probeTag, type Journal } from '../../src/model/index.js';
import { ExecaRunner, probeKernel, procStartTime, StateStore, type RunOptions, type Runner } from '../../src/sys/index.js';

const skip = isRoot ? false : 'needs root';
const sh = (file: string, args: string[]) => execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const trySh = (file: string, args: string[]) => {
  try {
    sh(file, args);
  } catch {
    /* already gone */
  }
};
const inode = (ns: string) => statSync(`/run/netns/${ns}`).ino;
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
/** A process of someone else's, sleeping inside namespace `ns`. */
function squatter(ns: string): number {
  const p = spawn('ip', ['netns', 'exec', ns, 'sleep', '300'], { detached: true, stdio: 'ignore' });
  p.unref();
  return p.pid!;
}
function waitInside(pid: number, ns: string): void {
  const want = `net:[${inode(ns)}]`;
  for (let i = 0; i < 200; i++) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) === want) return;
    } catch {
      /* not yet */
    }
    execFileSync('sleep', ['0.02']);
  }
}

const stateDir = mkdtempSync(join(tmpdir(), 'nslab-own-int-'));
const env = { NSLAB_STATE_DIR: stateDir };
const cleanup: (() => void)[] = [];
t.teardown(() => {
  for (const f of cleanup.reverse()) f();
  rmSync(stateDir, { recursive: true, force: true });
});

/** Bring a lab up, then replace its namespace `node` by a hand-made one with the same name and inode, and a process. */
async function labWithLookAlike(lab: string, node: string): Promise<{ ns: string; pid: number }> {
  const up = await cli(['up', '--topo', 'single,3', '--name', lab], { env });
  if (up.code !== 0) throw new Error(up.stderr);
  const ns = netnsName(lab, node);
  sh('ip', ['netns', 'del', ns]);
  sh('ip', ['netns', 'add', ns]);
  cleanup.push(() => trySh('ip', ['netns', 'del', ns]));
  // The kernel often hands the new namespace the old inode; make it certain, as the journal would then say.
  const store = new StateStore(stateDir);
  const j = store.read(lab)!;
  j.netns.find((n) => n.name === ns)!.inode = inode(ns);
  store.write(j);
  const pid = squatter(ns);
  cleanup.push(() => trySh('kill', ['-9', String(pid)]));
  waitInside(pid, ns);
  return { ns, pid };
}

t.test('a look-alike with the same name and inode survives down, with its process', { skip }, async (t) => {
  const { ns, pid } = await labWithLookAlike('owndn', 'h2');
  const down = await cli(['down', 'owndn', '--json'], { env });
  t.equal(down.code, 0, down.stderr);
  const r = JSON.parse(down.stdout) as { namespacesDeleted: string[]; namespacesSkipped: string[]; notOurs: string[] };
  t.same(r.namespacesSkipped, [ns], 'down reports it as not ours');
  t.match(r.notOurs[0], `ip netns del ${ns}`, 'with the command to remove it by hand');
  t.equal(r.namespacesDeleted.length, 3, "the lab's own namespaces are deleted");
  t.ok(existsSync(`/run/netns/${ns}`), 'the look-alike is still there');
  t.ok(alive(pid), 'its process lives');
});

t.test('a look-alike with the same name and inode survives clean of a dead build, with its process', { skip }, async (t) => {
  const { ns, pid } = await labWithLookAlike('owncl', 'h1');
  // The builder "died" mid-build: clean takes the lab as abandoned.
  const store = new StateStore(stateDir);
  const j = store.read('owncl') as Journal;
  j.status = 'building';
  j.ownerPid = 2 ** 22 + 1; // above pid_max's default: no such process
  store.write(j);
  const reports = await cleanLabs({ store });
  const r = reports.find((x) => x.lab === 'owncl')!;
  t.same(r.namespacesSkipped, [ns]);
  t.ok(existsSync(`/run/netns/${ns}`), 'the look-alike is still there');
  t.ok(alive(pid), 'its process lives');
  t.notOk(existsSync(join(stateDir, 'owncl')), 'the lab is cleaned');
});

t.test("E_NETNS_EXISTS never points at another running lab's namespaces", { skip }, async (t) => {
  const otherDir = mkdtempSync(join(tmpdir(), 'nslab-own-int2-'));
  cleanup.push(() => rmSync(otherDir, { recursive: true, force: true }));
  const a = await cli(['up', '--topo', 'single,2', '--name', 'ownsame'], { env: { NSLAB_STATE_DIR: otherDir } });
  t.equal(a.code, 0, a.stderr);
  cleanup.push(() => void execFileSync(process.execPath, ['dist/cli/bin.js', 'down', 'ownsame'], { env: { ...process.env, NSLAB_STATE_DIR: otherDir }, stdio: 'ignore' }));
  const b = await cli(['up', '--topo', 'single,2', '--name', 'ownsame', '--json'], { env });
  t.not(b.code, 0);
  t.match(b.stderr, /E_NETNS_EXISTS/);
  t.notMatch(b.stderr, /remove them by hand|ip netns del/, 'the hint does not say to delete them');
  t.match(b.stderr, /another state directory/, 'it says whose they are');
  t.ok(existsSync(`/run/netns/${netnsName('ownsame', 'h1')}`), 'the running lab is untouched');
});

/** A runner whose probe script stalls after tagging its namespace, so that the probe times out there. */
class StallingRunner extends ExecaRunner {
  async run(file: string, args: string[], opts: RunOptions = {}) {
    if (file === 'sh' && opts.input?.includes('@@probe-tagged')) opts = { ...opts, input: opts.input.replace('echo "@@probe-tagged"', 'echo "@@probe-tagged"; sleep 30') };
    return super.run(file, args, opts);
  }
}

t.test('a probe that times out leaves no namespace and says it timed out', { skip }, async (t) => {
  const runner: Runner = new StallingRunner();
  const ns = probeNetnsName(process.pid);
  await t.rejects(probeKernel(runner, { timeoutMs: 1500 }), { code: 'E_PROBE', message: /timed out after 1500 ms while testing qdiscs/ });
  t.notOk(existsSync(`/run/netns/${ns}`), 'no probe namespace is left');
});

t.test("clean removes a dead probe's namespace when its tag proves it, and names an untagged one", { skip }, async (t) => {
  // Two pids that are gone: short-lived processes, waited for.
  const dead = [0, 1].map(() => {
    const p = spawn('true');
    return new Promise<{ pid: number; st: string }>((resolve) => {
      const st = procStartTime(p.pid!) ?? '1';
      p.on('exit', () => resolve({ pid: p.pid!, st }));
    });
  });
  const [a, b] = await Promise.all(dead);
  const [nsA, nsB] = [probeNetnsName(a.pid), probeNetnsName(b.pid)];
  for (const ns of [nsA, nsB]) {
    sh('ip', ['netns', 'add', ns]);
    cleanup.push(() => trySh('ip', ['netns', 'del', ns]));
  }
  sh('ip', ['-n', nsA, 'link', 'set', 'dev', 'lo', 'alias', probeTag(a.pid, a.st)]);
  const reports = await cleanLabs({ store: new StateStore(stateDir) });
  const r = reports.find((x) => x.lab === '(capability probes)');
  t.ok(r?.namespacesDeleted.includes(nsA), 'the tagged probe namespace is removed');
  t.notOk(existsSync(`/run/netns/${nsA}`));
  t.ok(existsSync(`/run/netns/${nsB}`), 'the untagged one is left alone');
  t.match(r?.notOurs.join('\n') ?? '', `ip netns del ${nsB}`, 'and named, with the command');
});

