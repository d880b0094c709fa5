// Runtime changes (impair, link) against a fake kernel that models tc and gso_max_segs: a change that fails at
// operation N, for every N, is rolled back to exactly the state before it; the error's hint says so; the journal
// records it; and a later change and --clear work. (Defect 6 of issue 11.)
import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../../src/api/index.js';
import { applyPlan, newJournal } from '../../src/exec/index.js';
import { compilePlan } from '../../src/plan/index.js';
import { netnsName, NslabError, type Journal } from '../../src/model/index.js';
import { StateStore } from '../../src/sys/index.js';
import { loadTopology, serializeTopology } from '../../src/topology/index.js';
import { FakeKernel } from '../helpers/fake.js';

const topo = loadTopology('topologies/dumbbell.yaml');
const plan = compilePlan(topo);
const roots: string[] = [];
t.teardown(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A dumbbell lab "up" on a fake kernel (r1-r2 shaped to 10mbit by the build). */
async function upLab(): Promise<{ k: FakeKernel; store: StateStore; lab: Lab }> {
  const store = new StateStore(mkdtempSync(join(tmpdir(), 'nslab-change-')));
  roots.push(store.root);
  store.claim(plan.lab);
  const journal = newJournal(plan, { source: 'x', topology: serializeTopology(topo), lifetime: 'persistent' });
  const k = new FakeKernel();
  await applyPlan(plan, journal, { runner: k, store, workers: 2, netnsInode: (n) => k.inodes.get(n) });
  journal.status = 'up';
  journal.qdiscs = { htb: true, netem: true, tbf: true };
  store.write(journal);
  return { k, store, lab: Lab.open(plan.lab, { runner: k, store }) };
}

const bottleneck = topo.links.find((l) => l.a.node === 'r1' && l.b.node === 'r2')!;
/** The two ends of r1-r2 as the fake kernel keys them. */
const ends = [`${netnsName('dumbbell', 'r1')} ${bottleneck.a.ifname}`, `${netnsName('dumbbell', 'r2')} ${bottleneck.b.ifname}`];
const onLink = (k: FakeKernel) => ends.map((e) => k.shapingState()[e]);

const journalOf = (store: StateStore): Journal => store.read(plan.lab)!;
const linkOf = (store: StateStore) => (journalOf(store).topology as { links: { a: { node: string }; b: { node: string }; aToB: object; bToA: object }[] }).links.find((l) => l.a.node === 'r1' && l.b.node === 'r2')!;

// 10mbit → 100mbit with 5ms delay: a gso change on both ends (1 → 8 segments), a class replace and a new netem leaf on each.
const change = { rate: '100mbit', delay: '5ms' };

t.test('an impair that fails at any operation is rolled back to the state before it', async (t) => {
  const probe = await upLab();
  const startOps = probe.k.opsExecuted;
  await probe.lab.impair('r1-r2', change);
  const opsOfChange = probe.k.opsExecuted - startOps;
  t.ok(opsOfChange >= 6, `the change has ${opsOfChange} operations`);
  for (let n = 1; n <= opsOfChange; n++) {
    const { k, store, lab } = await upLab();
    const before = k.shapingState();
    const linkBefore = linkOf(store);
    k.failAtOp = k.opsExecuted + n;
    const err = await lab.impair('r1-r2', change).then(
      () => undefined,
      (e: unknown) => e,
    );
    t.ok(err instanceof NslabError && err.code === 'E_KERNEL_OP', `op ${n}: E_KERNEL_OP`);
    t.match((err as NslabError).hint, /rolled back: the lab is as it was before/, `op ${n}: the hint says it was rolled back`);
    t.same(k.shapingState(), before, `op ${n}: qdiscs, classes and gso_max_segs are as before`);
    t.same(linkOf(store), linkBefore, `op ${n}: the journal's link is unchanged`);
    t.equal(journalOf(store).changes.at(-1)?.state, 'rolled-back', `op ${n}: the journal says rolled back`);
    // A later change and --clear work.
    await lab.impair('r1-r2', { rate: '2mbit' });
    t.match(onLink(k)[0], /rate 2mbit/, `op ${n}: a later change applies`);
    await lab.impair('r1-r2', {}, { clear: true });
    t.same(onLink(k), [undefined, undefined], `op ${n}: --clear leaves the link unshaped`);
  }
});

t.test('a change whose rollback fails too says so, and --clear then rebuilds the link from a clean root', async (t) => {
  const { k, store, lab } = await upLab();
  const at = k.opsExecuted;
  k.failAtOp = at + 4; // in the change
  k.failAtOps = [at + 8]; // in its rollback
  const err = (await lab.impair('r1-r2', change).catch((e: unknown) => e)) as NslabError;
  t.equal(err.code, 'E_KERNEL_OP');
  t.match(err.hint, /rolling the change back failed too/, 'the hint does not claim the lab is unchanged');
  t.equal(journalOf(store).changes.at(-1)?.state, 'failed');
  k.failAtOp = undefined;
  k.failAtOps = [];
  const opsBefore = k.opsExecuted;
  await lab.impair('r1-r2', {}, { clear: true });
  t.ok(k.opsExecuted > opsBefore, '--clear touches the kernel');
  t.same(onLink(k), [undefined, undefined], 'after --clear the link has no qdisc, class or gso limit left');
  t.equal(journalOf(store).changes.at(-1)?.state, 'done');
});

t.test('link down that fails half-way is rolled back (the link is up again)', async (t) => {
  const { k, lab } = await upLab();
  const before = k.log.length;
  k.failAtOp = k.opsExecuted + 2;
  const err = (await lab.setLink('r1-r2', 'down').catch((e: unknown) => e)) as NslabError;
  t.equal(err.code, 'E_KERNEL_OP');
  const after = k.log.slice(before);
  t.ok(after.some((l) => / link set dev \S+ down$/.test(l)), 'one end went down');
  t.ok(after.some((l) => / link set dev \S+ up$/.test(l)), 'and was brought back up');
});
