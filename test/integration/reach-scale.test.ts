// Mininet's test_treeping64 as nslab's reach: tree,2,8 (64 hosts on one layer-2 domain), all 4032 ordered pairs, over
// IPv4 and IPv6. Every pair must answer (issue 12 saw 2828-3287 of 4032). The ARP/ND tables are global with
// gc_thresh3 = 1024 entries and the matrix makes 64 × 63 per family; the prober deletes the entries it made as the
// table fills (see exec/prober.ts), so this takes seconds, not minutes. single,200 (199 × 200 = 39,800 pairs per
// family, the second size) takes about a minute.
// The times go to stdout for the closing note; they are not asserted (timing goals belong in benchmarks).
import t, { type Test } from 'tap';
import { skipUnlessRoot, withLab } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

// Before the first snapshot, so that it already compares this file's own state directory.
sandbox();

async function allPairs(t: Test, yaml: string, what: string, hosts: number): Promise<void> {
  // withLab takes YAML text (it renames the lab into this file's sandbox).
  await withLab(t, yaml, async (lab) => {
    const names = lab.topology.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
    t.equal(names.length, hosts, 'hosts');
    for (const family of [4, 6] as const) {
      const t0 = performance.now();
      const pairs = await lab.reachPairs({ from: names, to: names, families: [family] });
      const s = ((performance.now() - t0) / 1000).toFixed(1);
      const bad = pairs.filter((p) => !p.reachable).map((p) => `${p.from}>${p.to}`);
      t.comment(`${what} IPv${family}: ${pairs.length - bad.length}/${pairs.length} in ${s} s`);
      t.equal(pairs.length, hosts * (hosts - 1), `IPv${family}: every ordered pair`);
      t.same(bad.slice(0, 20), [], `IPv${family}: every pair answers`);
    }
  });
}

t.test('tree,2,8: all pairs, v4 and v6', { timeout: 10 * 60_000 }, async (t) => {
  if (skipUnlessRoot(t)) return;
  await allPairs(t, 'name: rfscale\ntopo: tree,2,8\n', 'tree,2,8', 64);
});

t.test('single,200: all pairs, v4 and v6', { timeout: 15 * 60_000 }, async (t) => {
  if (skipUnlessRoot(t)) return;
  await allPairs(t, 'name: rfscale2\ntopo: single,200\n', 'single,200', 200);
});
