// The reach prober deletes the neighbour entries its probes made (issue 12: the ARP/ND tables are global, 1024
// entries, and an all-pairs matrix needs N×(N−1) of them), and nothing else: after a matrix every namespace of the
// lab holds exactly the entries it held before, a user's PERMANENT entry and an entry that predates the matrix
// included. On a routed lab the entries are on the first and last hops' segments (hosts and routers).
import t from 'tap';
import type { Lab } from '../../src/api/index.js';
import { nodeAddress } from '../../src/api/index.js';
import { skipUnlessRoot, withLab } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

// Before the first snapshot, so that it already compares this file's own state directory.
sandbox();

/** Every neighbour entry of every addressed node, as `node dst dev`, with its state beside it. */
async function neighbours(lab: Lab): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const n of lab.topology.nodes) {
    if (!n.interfaces.some((i) => i.ipv4.length || i.ipv6.length)) continue;
    for (const fam of ['-4', '-6']) {
      const r = await lab.exec(n.name, ['ip', fam, 'neigh', 'show', 'nud', 'all']);
      for (const line of r.stdout.split('\n').filter(Boolean)) {
        const [dst, , dev] = line.split(' ');
        out.set(`${n.name} ${dst} ${dev}`, line);
      }
    }
  }
  return out;
}

function leftovers(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((k) => !before.has(k));
}

t.test('a switched lab: the matrix leaves no entry behind, and keeps permanent and earlier ones', async (t) => {
  if (skipUnlessRoot(t)) return;
  await withLab(t, 'name: rfng1\ntopo: single,4\n', async (lab) => {
    const node = (name: string) => lab.topology.nodes.find((n) => n.name === name)!;
    const hosts = lab.topology.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
    const dev = node('h1').interfaces[0].name;
    const mac = async (h: string) => (await lab.exec(h, ['cat', `/sys/class/net/${node(h).interfaces[0].name}/address`])).stdout.trim();
    // h1: a user's static entry for h2 (used by the probes) and an entry for h3 made before the matrix.
    await lab.exec('h1', ['ip', 'neigh', 'replace', nodeAddress(node('h2'), 4)!, 'dev', dev, 'lladdr', await mac('h2'), 'nud', 'permanent']);
    await lab.exec('h1', ['ping', '-n', '-c', '1', '-W', '2', nodeAddress(node('h3'), 4)!]);
    const before = await neighbours(lab);
    t.ok([...before.values()].some((l) => l.includes('PERMANENT')), 'the static entry is there');
    t.ok(before.has(`h1 ${nodeAddress(node('h3'), 4)} ${dev}`), 'the earlier entry is there');
    const pairs = await lab.reachPairs({ from: hosts, to: hosts });
    t.equal(pairs.filter((p) => p.reachable).length, 4 * 3 * 2, 'all pairs, v4 and v6');
    const after = await neighbours(lab);
    t.same(leftovers(before, after), [], 'no entry the matrix made is left');
    t.same([...before.keys()].filter((k) => k.startsWith('h1 ') && !after.has(k)), [], "h1's static and earlier entries stay");
    t.match(after.get(`h1 ${nodeAddress(node('h2'), 4)} ${dev}`), /PERMANENT/, 'still permanent');
  });
});

t.test('a routed lab: entries on the first and last hops (hosts and routers) are cleaned too', async (t) => {
  if (skipUnlessRoot(t)) return;
  const yaml = `name: rfng2
routing: auto
addressing: { ipv4: 10.32.0.0/16, ipv6: "fd00:32::/48" }
nodes: { h1: {}, h2: {}, r1: { kind: router }, r2: { kind: router }, h3: {}, h4: {} }
links: [{ endpoints: [h1, r1] }, { endpoints: [h2, r1] }, { endpoints: [r1, r2] }, { endpoints: [r2, h3] }, { endpoints: [r2, h4] }]
`;
  await withLab(t, yaml, async (lab) => {
    const hosts = ['h1', 'h2', 'h3', 'h4'];
    const before = await neighbours(lab);
    const pairs = await lab.reachPairs({ from: hosts, to: hosts });
    t.equal(pairs.filter((p) => p.reachable).length, 4 * 3 * 2, 'all pairs, v4 and v6');
    t.same(leftovers(before, await neighbours(lab)), [], 'no entry the matrix made is left, on hosts or routers');
  });
});
