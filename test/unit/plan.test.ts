// Plan compilation is pure and deterministic: snapshots of the exact commands for every shipped topology and
// for every impairment key.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { compilePlan, renderPlan, netemLimitPackets, htbQuantumBytes } from '../../src/plan/index.js';
import { loadTopology, loadTopologyText } from '../../src/topology/index.js';

for (const f of readdirSync('topologies').filter((x) => x.endsWith('.yaml')).sort()) {
  t.test(`plan for ${f}`, async (t) => {
    const a = renderPlan(compilePlan(loadTopology(`topologies/${f}`)));
    const b = renderPlan(compilePlan(loadTopology(`topologies/${f}`)));
    t.equal(a, b, 'byte-identical on a second compile');
    t.matchSnapshot(a, 'commands');
  });
}

const shaped = (linkYaml: string) =>
  renderPlan(compilePlan(loadTopologyText(`name: s\nnodes: {a: {}, b: {}}\nlinks:\n  - endpoints: [a, b]\n${linkYaml}`, 's.yaml')))
    .split('\n')
    .filter((l) => l.startsWith('tc ') || l.includes('gso_max_segs'))
    .join('\n');

t.test('tc commands for every impairment key', async (t) => {
  const cases: Record<string, string> = {
    rate: '    rate: 10mbit\n',
    delay: '    delay: 20ms\n',
    jitter: '    delay: 20ms\n    jitter: 5ms\n    correlation: 25%\n    distribution: normal\n',
    loss: '    loss: 1%\n',
    lossCorrelated: '    loss: { percent: 5%, correlation: 25% }\n',
    gilbertElliott: '    loss: { model: gilbert-elliott, p: 1%, r: 20%, "1-h": 70%, "1-k": 0.1% }\n',
    duplicate: '    duplicate: 2%\n',
    reorder: '    delay: 10ms\n    reorder: { percent: 25%, correlation: 50%, gap: 5 }\n',
    corrupt: '    corrupt: 0.1%\n',
    limit: '    delay: 10ms\n    limit: 500\n',
    rateAndNetem: '    rate: 100mbit\n    delay: 50ms\n    loss: 0.5%\n',
    perDirection: '    rate: 10mbit\n    from:\n      a: { delay: 40ms }\n',
  };
  for (const [name, yaml] of Object.entries(cases)) t.matchSnapshot(shaped(yaml), name);
});

t.test('netem limit is sized from the bandwidth-delay product', async (t) => {
  // 2 × 100 Mbit/s × 0.1 s / (8 × 1514 B) = 1651.3 → 1652
  t.equal(netemLimitPackets({ rateBitPerSec: 100e6, delayMs: 100 }), 1652);
  // never below netem's default
  t.equal(netemLimitPackets({ rateBitPerSec: 1e6, delayMs: 10 }), 1000);
  // without a rate, sized for a 10 Gbit/s veth: 2 × 1e10 × 0.2 / 12112 = 330251
  t.equal(netemLimitPackets({ delayMs: 200 }), 330251);
  t.equal(netemLimitPackets({ delayMs: 200, limitPackets: 77 }), 77, 'an explicit limit wins');
  t.equal(htbQuantumBytes(), 1514, 'one full frame, not rate/r2q');
  t.equal(htbQuantumBytes(9000), 9014);
});
