// A lab per test with node:test: `node --test` (as root). withLab tears the lab down whatever happens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLab, expectMetrics, shippedTopology } from 'nslab';

test('two hosts: no loss, low latency, fast', async (t) => {
  await withLab(
    shippedTopology('two-hosts'), // or a path, YAML text, or a topology object
    async (lab) => {
      const ping = await lab.ping('h1', 'h2', { count: 20, intervalMs: 50 });
      assert.equal(ping.lossPct, 0);
      expectMetrics(ping, { loss: '== 0%', rtt_p50: '< 5ms' });

      await lab.impair('h1-h2', { rate: '10mbit' });
      const tcp = await lab.iperf3('h1', 'h2', { durationS: 2 });
      expectMetrics(tcp, { throughput: '8mbit..10.5mbit' });

      await lab.link('h1-h2', 'down');
      const cut = await lab.reach('h1', 'h2', { family: 4, timeoutS: 1 });
      assert.equal(cut.allReachable, false);
    },
    // A name of its own (test files run in parallel); t.signal tears the lab down when the test times out.
    { name: 'ex-node', signal: t.signal },
  );
});
