// Real iputils 20221126 output in, exact values out. Fixtures named v4-*/v6-* were captured on loopback inside a
// throwaway network namespace (unshare -n), with nftables dropping, duplicating (`dup to 127.0.0.1`) or rejecting
// chosen icmp sequence numbers; crafted-reorder.txt is hand-written in the same format (netem is not available
// on the capture host) to cover reordering, a late duplicate, two-decimal-free times and ", pipe 2".
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { longestLossRun, outageMs, parsePing, percentile } from '../../src/scenario/parse/index.js';
import { NslabError } from '../../src/model/index.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/ping/${name}`, import.meta.url), 'utf8');
const close = (t: Test, got: number | null, want: number, msg: string): void => {
  t.ok(got !== null && Math.abs(got - want) < 1e-9, `${msg}: ${got} ≈ ${want}`);
};

t.test('IPv4 loopback, all replies', async (t) => {
  const r = parsePing(fixture('v4-loopback.txt'));
  t.match(r, { transmitted: 5, received: 5, duplicates: 0, errors: 0, lossPct: 0, outOfOrder: 0 });
  t.same([r.rttMinMs, r.rttAvgMs, r.rttMaxMs, r.rttMdevMs], [0.036, 0.079, 0.234, 0.077]);
  t.same(r.samples[0], { seq: 1, rttMs: 0.234, ttl: 64, dup: false });
  t.same(r.samples.map((s) => s.seq), [1, 2, 3, 4, 5]);
  t.same(r.samples.map((s) => s.rttMs), [0.234, 0.04, 0.039, 0.05, 0.036]);
  // sorted: 0.036 0.039 0.040 0.050 0.234 → p50 is the middle one; p95 sits 80% of the way from 0.050 to 0.234
  t.equal(r.rttP50Ms, 0.04);
  close(t, r.rttP95Ms, 0.05 + 0.8 * (0.234 - 0.05), 'p95 interpolated');
  t.same(r.errorMessages, []);
});

t.test('IPv6 loopback (ping -6 ::1)', async (t) => {
  const r = parsePing(fixture('v6-loopback.txt'));
  t.match(r, { transmitted: 3, received: 3, duplicates: 0, lossPct: 0, rttMinMs: 0.036, rttAvgMs: 0.042, rttMaxMs: 0.049, rttMdevMs: 0.005 });
  t.same(r.samples, [
    { seq: 1, rttMs: 0.036, ttl: 64, dup: false },
    { seq: 2, rttMs: 0.049, ttl: 64, dup: false },
    { seq: 3, rttMs: 0.043, ttl: 64, dup: false },
  ]);
  t.equal(r.rttP50Ms, 0.043);
});

t.test('ping -D timestamps do not hide the replies', async (t) => {
  const r = parsePing(fixture('v4-timestamps.txt'));
  t.same(r.samples.map((s) => s.rttMs), [0.092, 0.049]);
  t.equal(r.received, 2);
});

t.test('partial loss, v4 and v6', async (t) => {
  const v4 = parsePing(fixture('v4-loss.txt'));
  t.match(v4, { transmitted: 6, received: 3, lossPct: 50, errors: 0, outOfOrder: 0 });
  t.same(v4.samples.map((s) => s.seq), [1, 3, 6], 'the gaps are the dropped sequence numbers');
  const v6 = parsePing(fixture('v6-loss.txt'));
  t.match(v6, { transmitted: 5, received: 4, lossPct: 20 });
  t.same(v6.samples.map((s) => s.seq), [1, 2, 4, 5]);
});

t.test('100% loss: no rtt line, so rtt fields are null, not 0', async (t) => {
  const r = parsePing(fixture('v4-loss-100.txt'));
  t.match(r, { transmitted: 3, received: 0, lossPct: 100, errors: 0 });
  t.same(
    [r.rttMinMs, r.rttAvgMs, r.rttMaxMs, r.rttMdevMs, r.rttP50Ms, r.rttP95Ms],
    [null, null, null, null, null, null],
  );
  t.same(r.samples, []);
});

t.test('DUP! replies are duplicates, not extra receptions', async (t) => {
  const r = parsePing(fixture('v4-dup.txt'));
  t.match(r, { transmitted: 4, received: 4, duplicates: 2, lossPct: 0, outOfOrder: 0 });
  t.equal(r.samples.length, 6);
  t.same(r.samples.map((s) => s.dup), [false, false, true, false, true, false]);
  // Percentiles use the 4 distinct replies only: 0.041 0.046 0.057 0.184 → median halfway between 0.046 and 0.057.
  close(t, r.rttP50Ms, 0.0515, 'p50 of non-duplicates');

  const mixed = parsePing(fixture('v4-dup-loss.txt'));
  t.match(mixed, { transmitted: 6, received: 4, duplicates: 1 });
  // ping prints 33.3333%; the counts give the exact value.
  t.equal(mixed.lossPct, 200 / 6);
});

t.test('unreachable: ICMP errors counted, messages kept, nothing received', async (t) => {
  const v4 = parsePing(fixture('v4-unreachable.txt'));
  t.match(v4, { transmitted: 3, received: 0, errors: 3, lossPct: 100, rttAvgMs: null });
  t.same(v4.errorMessages, [1, 2, 3].map((n) => `From 127.0.0.1 icmp_seq=${n} Destination Host Unreachable`));
  t.same(v4.samples, []);

  const v6 = parsePing(fixture('v6-unreachable.txt'));
  t.match(v6, { transmitted: 3, received: 0, errors: 3, lossPct: 100 });
  t.equal(v6.errorMessages[0], 'From ::1 icmp_seq=1 Destination unreachable: Address unreachable');

  const partial = parsePing(fixture('v4-partial-unreachable.txt'));
  t.match(partial, { transmitted: 4, received: 3, errors: 1, lossPct: 25, rttMinMs: 0.047, rttMaxMs: 0.065 });
  t.same(partial.samples.map((s) => s.seq), [1, 3, 4]);
  t.same(partial.errorMessages, ['From 127.0.0.1 icmp_seq=2 Destination Host Unreachable']);
});

t.test('reordering is counted; a late duplicate is not a reordering', async (t) => {
  const r = parsePing(fixture('crafted-reorder.txt'));
  // arrival order 1 3 2 4 6 4(DUP) 5 7 8: seq 2 and seq 5 arrive after a higher one
  t.equal(r.outOfOrder, 2);
  t.match(r, { transmitted: 8, received: 8, duplicates: 1, lossPct: 0, rttMinMs: 40.1, rttAvgMs: 47.2, rttMaxMs: 61.2, rttMdevMs: 9.782 });
  t.same(r.samples[2], { seq: 2, rttMs: 60.9, ttl: 63, dup: false });
  // non-dup sorted: 40.1 40.2 40.2 40.3 40.4 40.5 60.9 61.2
  close(t, r.rttP50Ms, 40.35, 'p50');
  close(t, r.rttP95Ms, 60.9 + 0.65 * (61.2 - 60.9), 'p95');
});

t.test('a 16-bit sequence wrap is not a reordering', async (t) => {
  const text = [
    'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.',
    '64 bytes from 10.0.0.2: icmp_seq=65535 ttl=64 time=1.05 ms',
    '64 bytes from 10.0.0.2: icmp_seq=0 ttl=64 time=1.10 ms',
    '64 bytes from 10.0.0.2: icmp_seq=2 ttl=64 time=1.00 ms',
    '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=3.00 ms',
    '',
    '--- 10.0.0.2 ping statistics ---',
    '4 packets transmitted, 4 received, 0% packet loss, time 3004ms',
    'rtt min/avg/max/mdev = 1.000/1.537/3.000/0.846 ms',
  ].join('\n');
  t.equal(parsePing(text).outOfOrder, 1, 'only seq 1 after seq 2');
});

t.test('no statistics block is an error carrying ping\'s own message and a hint', async (t) => {
  t.throws(() => parsePing(fixture('v4-no-route.txt')), {
    code: 'E_PING_OUTPUT',
    message: 'ping printed no statistics: ping: connect: Network is unreachable',
    hint: /no route/,
  });
  t.throws(() => parsePing(fixture('v6-bad-name.txt')), { code: 'E_PING_OUTPUT', hint: /does not resolve/ });
  t.throws(() => parsePing(''), { code: 'E_PING_OUTPUT', message: 'ping printed no statistics: (no output)' });
  t.throws(() => parsePing('garbage'), NslabError);
});

t.test('percentile edge cases', async (t) => {
  t.equal(percentile([], 50), null);
  t.equal(percentile([7], 95), 7);
  t.equal(percentile([1, 2, 3, 4], 50), 2.5);
  t.equal(percentile([1, 2, 3, 4], 100), 4);
  t.equal(percentile([1, 2, 3, 4], 0), 1);
});

t.test('outage is timed from ping -D where replies bound the gap, and counted in probes at the ends', async (t) => {
  // 10 ms asked, but ping sent every 20 ms (a loaded machine): probes 3-7 lost.
  const line = (seq: number, sentS: number) => `[${(sentS + 0.0005).toFixed(6)}] 64 bytes from 10.0.0.2: icmp_seq=${seq} ttl=63 time=0.500 ms`;
  const text = (seqs: number[], transmitted: number) =>
    [...seqs.map((q) => line(q, 1000 + (q - 1) * 0.02)), '', `${transmitted} packets transmitted, ${seqs.length} received, ${Math.round((100 * (transmitted - seqs.length)) / transmitted)}% packet loss, time 200ms`].join('\n');
  const p = parsePing(text([1, 2, 8, 9, 10], 10));
  t.equal(p.samples[0].sentAtS, 1000, 'the send time: receive time less the rtt');
  t.equal(longestLossRun(p.samples, 10), 5);
  // Requests 2 and 8 were sent 120 ms apart: 110 ms without an answer, where 5 probes × 10 ms would say 50 ms.
  t.equal(outageMs(p.samples, 10, 10), 110);
  t.equal(outageMs(parsePing(text([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 10)).samples, 10, 10), 0, 'late sends without a loss are no outage');
  t.equal(outageMs(parsePing(text([1, 2, 3], 10)).samples, 10, 10), 70, 'lost to the end: 7 probes × 10 ms');
  const plain = parsePing(fixture('v4-loss.txt'));
  t.equal(outageMs(plain.samples, plain.transmitted, 200), longestLossRun(plain.samples, plain.transmitted) * 200, 'without -D: probes × interval');
});
