// The executor against a fake kernel: batching (process counts), journal before acting, and rollback that
// undoes exactly what was applied when operation N fails — for every N.
import t from 'tap';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, destroyLab, newJournal } from '../../src/exec/index.js';
import { compilePlan } from '../../src/plan/index.js';
import { netnsName, planOperationCount, NslabError, type Journal } from '../../src/model/index.js';
import { StateStore } from '../../src/sys/index.js';
import { loadTopology, resolveRawTopology, serializeTopology } from '../../src/topology/index.js';
import { FakeKernel } from '../helpers/fake.js';

const topo = loadTopology('topologies/dumbbell.yaml');
const plan = compilePlan(topo);
// Kernel operations; the lab's files (its hosts file) are written by nslab itself, not by a process.
const files = plan.stages.flatMap((st) => st.ops).filter((o) => o.kind === 'files.write').length;
const total = planOperationCount(plan) - files;

const roots: string[] = [];
t.teardown(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
const tempRoot = () => {
  const r = mkdtempSync(join(tmpdir(), 'nslab-test-'));
  roots.push(r);
  return r;
};

function fresh(): { store: StateStore; journal: Journal } {
  const store = new StateStore(tempRoot());
  store.claim(plan.lab);
  const journal = newJournal(plan, { source: 'x', topology: serializeTopology(topo), lifetime: 'persistent' });
  return { store, journal };
}

t.test('a clean build applies every operation in a handful of processes', async (t) => {
  const k = new FakeKernel();
  const { store, journal } = fresh();
  await applyPlan(plan, journal, { runner: k, store, workers: 2, netnsInode: (n) => k.inodes.get(n) });
  // Each namespace also gets its ownership tag (the loopback's alias), one more operation per namespace.
  t.equal(k.opsExecuted, total + plan.netns.length, 'every operation ran once, and every namespace was tagged');
  // namespaces: 1 ip -batch; links: 1 ip -batch; configure: 2 scripts (one per worker); shaping: r1 and r2, 2 scripts;
  // then the link waiter, once.
  t.equal(k.linkWaits, 1, 'the build waited for its links once');
  t.equal(k.spawned, 7, 'processes spawned from nslab');
  const onDisk = JSON.parse(readFileSync(join(store.root, plan.lab, 'journal.json'), 'utf8')) as Journal;
  t.same(onDisk.stages.map((s) => s.state), plan.stages.map(() => 'done'));
  t.ok(onDisk.netns.every((n) => typeof n.inode === 'number'), 'every namespace inode is journaled');
  t.match(onDisk.buildId, /^[0-9a-f]{16}$/, 'the build id is journaled');
  t.same([...k.aliases.values()], plan.netns.map(() => `nslab:${plan.lab}:${onDisk.buildId}`), 'every namespace carries the tag');
  t.equal(files, 2, 'the hosts file and gai.conf');
  t.match(readFileSync(join(store.labDir(plan.lab), 'lab', 'hosts'), 'utf8'), /^10\.\S+\th1 h1-eth0$/m, "the lab's hosts file is written");
});

t.test('the relay, iproute2 scripts (NSLAB_NO_RELAY=1) and the fallback without perl apply the same operations', async (t) => {
  const build = async (k: FakeKernel) => {
    const { store, journal } = fresh();
    await applyPlan(plan, journal, { runner: k, store, workers: 2, netnsInode: (n) => k.inodes.get(n) });
    return k;
  };
  const relay = await build(new FakeKernel());
  t.ok(relay.commands.some((c) => c.startsWith('perl -')), 'configure went through the relay');
  process.env.NSLAB_NO_RELAY = '1';
  const scripted = await build(new FakeKernel()).finally(() => delete process.env.NSLAB_NO_RELAY);
  // The link waiter is not the relay: it only reads, and without perl the build goes on without it.
  t.equal(scripted.commands.filter((c) => c.startsWith('perl')).length, scripted.linkWaits, 'NSLAB_NO_RELAY=1: no relay');
  const noPerl = new FakeKernel();
  noPerl.hasPerl = false;
  await build(noPerl);
  t.ok(noPerl.commands.filter((c) => c.startsWith('sh -s')).length > relay.commands.filter((c) => c.startsWith('sh -s')).length, 'without perl the namespaces went through scripts');
  for (const [name, k] of [['NSLAB_NO_RELAY=1', scripted], ['no perl', noPerl]] as const) {
    t.equal(k.opsExecuted, relay.opsExecuted, `${name}: as many operations`);
    // Each build has its own id, hence its own tag.
    const untagged = (log: string[]) => log.map((l) => l.replace(/alias nslab:\S+$/, 'alias TAG')).sort();
    t.same(untagged(k.log), untagged(relay.log), `${name}: the same operations in the same namespaces`);
  }
});

t.test('failure at any operation rolls back to nothing', async (t) => {
  const firstConfigure = plan.stages[0].ops.length + plan.stages[1].ops.length;
  // Every op in the host batches, and a spread of per-namespace ones.
  const points = [...Array.from({ length: firstConfigure + 3 }, (_, i) => i + 1), 30, 45, 60, 70];
  for (const n of points) {
    const k = new FakeKernel(n);
    const { store, journal } = fresh();
    let err: unknown;
    try {
      await applyPlan(plan, journal, { runner: k, store, workers: 2, netnsInode: (x) => k.inodes.get(x) });
    } catch (e) {
      err = e;
    }
    t.ok(err instanceof NslabError && err.code === 'E_KERNEL_OP', `op ${n}: the build stops with E_KERNEL_OP`);
    const e = err as NslabError;
    t.match(String(e.details.command), /ip|tc|sysctl/, `op ${n}: the error names the command`);
    t.match(e.message, /failed for (node|link) /, `op ${n}: the error names the node or link`);
    const report = await destroyLab(journal, { runner: k, store, host: k.host() });
    t.same([...k.netns], [], `op ${n}: no namespace left`);
    t.same(report.errors, [], `op ${n}: rollback reported no errors`);
    t.notOk(existsSync(join(store.root, plan.lab)), `op ${n}: state removed`);
  }
});

t.test('a namespace that existed before is never deleted by rollback', async (t) => {
  const k = new FakeKernel();
  const h1 = netnsName('dumbbell', 'h1');
  k.netns.add(h1);
  k.inodes.set(h1, 42);
  const { store, journal } = fresh();
  await t.rejects(applyPlan(plan, journal, { runner: k, store, workers: 2, netnsInode: (x) => k.inodes.get(x) }), { code: 'E_KERNEL_OP' });
  const report = await destroyLab(journal, { runner: k, store, host: k.host() });
  t.same([...k.netns], [h1], 'the look-alike survives');
  t.same(report.namespacesSkipped, [h1]);
});

t.test('a look-alike with a different inode than journaled survives', async (t) => {
  const k = new FakeKernel();
  const { store, journal } = fresh();
  journal.stages.push({ name: 'namespaces', state: 'done', ops: 8 });
  journal.netns = journal.netns.map((n, i) => ({ ...n, inode: 100 + i }));
  const s1 = netnsName('dumbbell', 's1');
  k.netns.add(s1);
  k.inodes.set(s1, 999);
  const r = await destroyLab(journal, { runner: k, store, host: k.host() });
  t.same([...k.netns], [s1]);
  t.same(r.namespacesSkipped, [s1]);
});

t.test('process count for a 200-host star stays bounded (no process per operation)', async (t) => {
  const star = resolveRawTopology({ name: 'star', topo: 'single,200' }, () => undefined, 'gen');
  const p = compilePlan(star);
  const k = new FakeKernel();
  const store = new StateStore(tempRoot());
  store.claim(p.lab);
  const j = newJournal(p, { source: 'x', topology: {}, lifetime: 'persistent' });
  await applyPlan(p, j, { runner: k, store, workers: 2, netnsInode: (x) => k.inodes.get(x) });
  const ops = planOperationCount(p);
  t.ok(ops > 1400, `the plan has ${ops} operations`);
  // At most 4 for the operations, and 1 for the link waiter.
  t.ok(k.spawned <= 5, `up spawned ${k.spawned} processes from nslab for ${ops} operations`);
  const downBefore = k.spawned;
  await destroyLab(j, { runner: k, store, host: k.host() });
  t.equal(k.spawned - downBefore, 1, 'down is one ip -batch');
  t.same([...k.netns], []);
});
