// Ownership (issue 11, defects 2, 3 and 7): teardown deletes, and kills processes in, only namespaces proven ours —
// a name nslab generates for the lab, carrying this build's tag — whatever the journal says, after a crash at any
// point, and whoever took a dead lab's names. Against the fake kernel; no root needed.
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyPlan, destroyLab, newJournal } from '../../src/exec/index.js';
import { compilePlan } from '../../src/plan/index.js';
import { isLabNetnsName, netnsName, netnsTag, type Journal } from '../../src/model/index.js';
import { StateStore } from '../../src/sys/index.js';
import { loadTopology, resolveRawTopology, serializeTopology } from '../../src/topology/index.js';
import type { ResolvedTopology } from '../../src/model/index.js';
import { FakeKernel } from '../helpers/fake.js';

const roots: string[] = [];
t.teardown(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
function fresh(topo: ResolvedTopology): { store: StateStore; journal: Journal; plan: ReturnType<typeof compilePlan> } {
  const root = mkdtempSync(join(tmpdir(), 'nslab-own-'));
  roots.push(root);
  const store = new StateStore(root);
  const plan = compilePlan(topo);
  store.claim(plan.lab);
  return { store, plan, journal: newJournal(plan, { source: 'x', topology: serializeTopology(topo), lifetime: 'persistent' }) };
}
const lab = (name: string, nodes: string[]) =>
  resolveRawTopology({ name, nodes: Object.fromEntries(nodes.map((n) => [n, {}])), links: [] }, () => undefined, 'test');
const dumbbell = loadTopology('topologies/dumbbell.yaml');

t.test('lab and node names cannot combine into another lab\'s namespace name', async (t) => {
  // advq + z-h1 and advq-z + h1 were both nslab-advq-z-h1.
  t.not(netnsName('advq', 'z-h1'), netnsName('advq-z', 'h1'));
  t.notOk(isLabNetnsName('advq', netnsName('advq-z', 'h1')), "advq-z's namespace is not a name of lab advq");
  t.notOk(isLabNetnsName('advq-z', netnsName('advq', 'z-h1')));
  t.ok(isLabNetnsName('advq', netnsName('advq', 'z-h1')));
  t.notOk(isLabNetnsName('probe', 'nslab-probe-123'), "the probe's scratch namespace is no lab's");
});

t.test('a crashed build of one lab never deletes the namespaces of a lab whose names used to collide', async (t) => {
  const k = new FakeKernel();
  const other = fresh(lab('advq-z', ['h1', 'h2']));
  await applyPlan(other.plan, other.journal, { runner: k, store: other.store, netnsInode: (n) => k.inodes.get(n) });
  const crashed = fresh(lab('advq', ['z-h1', 'z-h2', 'z-h3']));
  // The builder died during the namespaces stage: intent written, one namespace made.
  crashed.journal.stages.push({ name: 'namespaces', state: 'intent', ops: 3 });
  k.netns.add(netnsName('advq', 'z-h1'));
  k.aliases.set(netnsName('advq', 'z-h1'), netnsTag('advq', crashed.journal.buildId!));
  const r = await destroyLab(crashed.journal, { runner: k, store: crashed.store, host: k.host() });
  t.same(r.namespacesDeleted, [netnsName('advq', 'z-h1')], 'only its own namespace is deleted');
  t.same([...k.netns].sort(), [netnsName('advq-z', 'h1'), netnsName('advq-z', 'h2')], "the other lab's namespaces are all there");
});

t.test('a crash between netns add and tagging leaves the namespace alone, and says how to remove it', async (t) => {
  // The builder died with the namespaces stage in flight: the old rule took every existing name as ours.
  const k = new FakeKernel();
  const { store, journal } = fresh(dumbbell);
  journal.stages.push({ name: 'namespaces', state: 'intent', ops: journal.netns.length });
  const [tagged, untagged] = [netnsName('dumbbell', 'h1'), netnsName('dumbbell', 's1')];
  for (const n of [tagged, untagged]) {
    k.netns.add(n);
    k.inodes.set(n, k.nextInode++);
  }
  k.aliases.set(tagged, netnsTag('dumbbell', journal.buildId!));
  k.procs.set(4242, k.inodes.get(untagged)!);
  const r = await destroyLab(journal, { runner: k, store, host: k.host() });
  t.same(r.namespacesDeleted, [tagged], 'the tagged namespace is deleted');
  t.same([...k.netns], [untagged], 'the untagged one is left alone');
  t.ok(k.procs.has(4242), 'and so is its process');
  t.same(r.namespacesSkipped, [untagged]);
  t.match(r.notOurs[0], new RegExp(`${untagged}: carries no nslab tag.*ip netns del ${untagged.replace('.', '\\.')}$`), 'the report says why and gives the command');
});

t.test('iproute2 fallback: a failure right after netns add leaves an untagged namespace, which rollback leaves alone and names', async (t) => {
  process.env.NSLAB_NO_RELAY = '1';
  t.teardown(() => delete process.env.NSLAB_NO_RELAY);
  const k = new FakeKernel(2); // line 1: netns add (the first node), line 2: its tag
  const { store, journal, plan } = fresh(dumbbell);
  await t.rejects(applyPlan(plan, journal, { runner: k, store, netnsInode: (n) => k.inodes.get(n) }), { code: 'E_KERNEL_OP' });
  const first = plan.netns[0];
  t.same([...k.netns], [first], 'the namespace exists, untagged');
  const r = await destroyLab(journal, { runner: k, store, host: k.host() });
  t.same([...k.netns], [first], 'rollback left it alone');
  t.match(r.notOurs.join('\n'), `ip netns del ${first}`);
});

t.test('through the relay a namespace is never visible untagged: a failing tag leaves no namespace', async (t) => {
  const k = new FakeKernel(2); // mkns of the first node: its netns add, then its tag fails
  const { store, journal, plan } = fresh(dumbbell);
  await t.rejects(applyPlan(plan, journal, { runner: k, store, netnsInode: (n) => k.inodes.get(n) }), { code: 'E_KERNEL_OP' });
  t.same([...k.netns], [], 'nothing was left');
});

t.test('a look-alike with a reused inode survives down, with its process', async (t) => {
  const k = new FakeKernel();
  const { store, journal, plan } = fresh(dumbbell);
  await applyPlan(plan, journal, { runner: k, store, netnsInode: (n) => k.inodes.get(n) });
  // Someone deletes h1 and makes their own namespace of that name, which the kernel gives the same inode.
  const h1 = netnsName('dumbbell', 'h1');
  const ino = k.inodes.get(h1)!;
  k.aliases.delete(h1);
  k.procs.set(777, ino);
  t.equal(journal.netns.find((n) => n.name === h1)!.inode, ino, 'the journaled inode matches the look-alike');
  const r = await destroyLab(journal, { runner: k, store, host: k.host() });
  t.same([...k.netns], [h1], 'the look-alike survives');
  t.ok(k.procs.has(777), 'its process lives');
  t.notOk(k.killed.includes(777));
  t.same(r.namespacesSkipped, [h1]);
  t.equal(r.namespacesDeleted.length, plan.netns.length - 1, 'the rest of the lab is gone');
});

t.test("a namespace tagged by another build of the same lab is not this build's", async (t) => {
  const k = new FakeKernel();
  const { store, journal } = fresh(dumbbell);
  journal.stages.push({ name: 'namespaces', state: 'done', ops: 8 });
  const h1 = netnsName('dumbbell', 'h1');
  k.netns.add(h1);
  k.inodes.set(h1, 5);
  k.aliases.set(h1, netnsTag('dumbbell', '0123456789abcdef'));
  const r = await destroyLab(journal, { runner: k, store, host: k.host() });
  t.same([...k.netns], [h1]);
  t.match(r.notOurs[0], /another nslab build/);
});

t.test('a tampered journal cannot name what nslab would not have made for the lab', async (t) => {
  const k = new FakeKernel();
  const { store, journal } = fresh(dumbbell);
  journal.stages.push({ name: 'namespaces', state: 'done', ops: 8 });
  const victims = ['advvictim', netnsName('other', 'h1'), 'nslab-dumbbell-h1', '../x', netnsName('dumbbell', 'a b')];
  for (const v of victims) {
    k.netns.add(v);
    k.inodes.set(v, k.nextInode++);
    // Even carrying this build's tag (copied by whoever edited the journal), a foreign name is not acted on.
    k.aliases.set(v, netnsTag('dumbbell', journal.buildId!));
  }
  journal.netns.push(...victims.map((name) => ({ name })));
  const r = await destroyLab(journal, { runner: k, store, host: k.host() });
  t.same([...k.netns].sort(), [...victims].sort(), 'every name the journal should not hold survives');
  t.same(r.namespacesSkipped, victims);
  t.match(r.notOurs[0], /"advvictim": not a name nslab gives a namespace of lab 'dumbbell'/);
});

t.test("processes are found by the build's owner tag, not by the lab name alone", async (t) => {
  const k = new FakeKernel();
  const { store, journal } = fresh(dumbbell);
  const asked: string[] = [];
  await destroyLab(journal, { runner: k, store, host: { ...k.host(), pidsTagged: (v) => (asked.push(v), []) } });
  t.ok(asked.length > 0 && asked.every((v) => v === `dumbbell:${journal.buildId}`), 'OWNER_ENV is matched as LAB:BUILDID');
});
