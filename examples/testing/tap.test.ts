// The same with tap: `tap examples/testing/tap.test.ts` (as root). tap gives no per-test AbortSignal, so the
// fixture's own timeoutMs bounds the body; a tap file timeout (SIGALRM, then SIGKILL) leaves an ephemeral lab that
// `nslab clean` removes, since its owner is gone.
import t from 'tap';
import { withLab, expectMetrics } from 'nslab';

const topology = `
name: ex-tap
nodes: { client: {}, r1: { kind: router }, server: {} }
links:
  - [client, r1]
  - { endpoints: [r1, server], rate: 20mbit }
`;

t.test('through a router, shaped to 20 Mbit/s', async (t) => {
  await withLab(topology, async (lab) => {
    const ping = await lab.ping('client', 'server', { count: 10, intervalMs: 50 });
    expectMetrics(ping, { loss: '== 0%' });
    t.ok(ping.rttP95Ms !== null && ping.rttP95Ms < 5, `p95 ${ping.rttP95Ms} ms`);
    const tcp = await lab.iperf3('client', 'server', { durationS: 2 });
    const [check] = expectMetrics(tcp, { throughputBitPerSec: '15mbit..21mbit' });
    t.ok(check.ok, `throughput ${check.measured}`);
  }, { timeoutMs: 60_000 });
});
