// Real iperf 3.12 `-J` output in, exact values out. Captured against 127.0.0.1 only: tcp/udp/tcp-reverse on the
// host's loopback; udp-loss (nftables `numgen random mod 100 < 10 drop` on the UDP data port), tcp-retransmits
// (0.5% TCP drop) and the error-* cases inside a throwaway network namespace (unshare -n). error-partial is a
// 3-second test whose server was killed after ~1.6 s; error-busy is a second client while a test was running.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { parseIperf3 } from '../../src/scenario/parse/index.js';
import { NslabError } from '../../src/model/index.js';

const text = (name: string): string => readFileSync(new URL(`../fixtures/iperf3/${name}`, import.meta.url), 'utf8');
const json = (name: string): Record<string, any> => JSON.parse(text(name)) as Record<string, any>;

t.test('TCP: receiver-side throughput, sender rate, retransmits', async (t) => {
  const r = parseIperf3(text('tcp.json'));
  t.same(r, {
    protocol: 'TCP',
    reverse: false,
    durationS: 1.002972,
    throughputBitPerSec: 10477688980.3504,
    sentBitPerSec: 10507626004.0587,
    retransmits: 1,
    jitterMs: null,
    lostPackets: null,
    packets: null,
    lostPct: null,
    intervals: [{ startS: 0, endS: 1.000813, bitPerSec: 10507625926.84066 }],
  });
});

t.test('TCP -R: still the receiver side, which is now the client', async (t) => {
  const r = parseIperf3(text('tcp-reverse.json'));
  t.match(r, { protocol: 'TCP', reverse: true, throughputBitPerSec: 11394670287.934816, sentBitPerSec: 11412730844.558735, retransmits: 3, durationS: 1.000018 });
});

t.test('TCP with drops on the path: retransmits counted', async (t) => {
  const r = parseIperf3(text('tcp-retransmits.json'));
  t.equal(r.retransmits, 5);
  t.equal(r.throughputBitPerSec, 200222154.0190287);
});

t.test('UDP: jitter, loss, received vs sent rate', async (t) => {
  const clean = parseIperf3(text('udp.json'));
  t.same(clean, {
    protocol: 'UDP',
    reverse: false,
    durationS: 1.000575,
    throughputBitPerSec: 10217740.799040552,
    sentBitPerSec: 10222511.968707379,
    retransmits: null,
    jitterMs: 0.034880921916083725,
    lostPackets: 0,
    packets: 39,
    lostPct: 0,
    intervals: [{ startS: 0, endS: 1.000108, bitPerSec: 10222511.931743365 }],
  });

  const lossy = parseIperf3(text('udp-loss.json'));
  t.match(lossy, {
    lostPackets: 94,
    packets: 893,
    lostPct: 10.526315789473685,
    jitterMs: 0.014759197735948559,
    throughputBitPerSec: 8947100.050990313,
    sentBitPerSec: 10000679.937445756,
  });
  t.ok(lossy.throughputBitPerSec < lossy.sentBitPerSec, 'loss shows as received < sent');
});

t.test('UDP from an iperf3 without sum_sent/sum_received: received rate estimated from delivered datagrams', async (t) => {
  const doc = json('udp-loss.json');
  delete doc.end.sum_sent;
  delete doc.end.sum_received;
  const r = parseIperf3(doc);
  t.equal(r.throughputBitPerSec, (10000679.937445756 * (893 - 94)) / 893);
  t.equal(r.sentBitPerSec, 10000679.937445756);
  t.equal(r.durationS, 1.00019);
});

t.test('warm-up intervals (-O) are left out like iperf3 leaves them out of its sums', async (t) => {
  const doc = json('tcp.json');
  const first = doc.intervals[0];
  doc.intervals = [
    { ...first, sum: { ...first.sum, end: 0.5, omitted: true } },
    first,
  ];
  t.equal(parseIperf3(doc).intervals.length, 1);
  t.equal(parseIperf3(doc).intervals[0].endS, 1.000813);
});

t.test('a warning line before the JSON is tolerated', async (t) => {
  const r = parseIperf3('warning: something iperf3 prints\n' + text('tcp.json'));
  t.equal(r.throughputBitPerSec, 10477688980.3504);
});

t.test('iperf3 error JSON becomes E_IPERF3 with a hint that points at the cause', async (t) => {
  t.throws(() => parseIperf3(text('error-connect.json')), {
    code: 'E_IPERF3',
    message: 'iperf3 failed: unable to connect to server: Connection refused',
    hint: /check the server step/,
    exitCode: 2,
  });
  t.throws(() => parseIperf3(text('error-busy.json')), {
    code: 'E_IPERF3',
    message: 'iperf3 failed: the server is busy running a test. try again later',
    hint: /its own port/,
  });
  t.throws(() => parseIperf3({ error: 'something new' }), { code: 'E_IPERF3', hint: /by hand/ });
  t.throws(() => parseIperf3({ error: 'unable to connect to server: No route to host' }), { code: 'E_IPERF3', hint: /check the server step/ });
  t.throws(() => parseIperf3({ error: 'unable to send control message: Network is unreachable' }), { code: 'E_IPERF3', hint: /routes between the two nodes/ });
  t.throws(() => parseIperf3({ error: 'unable to receive control message: Connection reset by peer' }), { code: 'E_IPERF3', hint: /server went away/ });
});

t.test('an error next to partial data keeps the partial intervals in details', async (t) => {
  try {
    parseIperf3(text('error-partial.json'));
    t.fail('should have thrown');
  } catch (e) {
    t.ok(e instanceof NslabError);
    const err = e as NslabError;
    t.equal(err.code, 'E_IPERF3');
    t.equal(err.message, 'iperf3 failed: control socket has closed unexpectedly');
    t.match(err.hint, /server went away/);
    t.same(err.details.partialIntervals, [
      { startS: 0, endS: 1.00012, bitPerSec: 100651213.45043461 },
      { startS: 0, endS: 1.00012, bitPerSec: 100651213.45043461 },
    ]);
  }
});

t.test('output that is not what nslab reads fails loudly with located problems', async (t) => {
  t.throws(() => parseIperf3('iperf3: error - unable to connect'), { code: 'E_IPERF3_OUTPUT', message: /not JSON/, hint: /-J/ });
  t.throws(() => parseIperf3(''), { code: 'E_IPERF3_OUTPUT', message: /not JSON: \(empty\)/ });
  t.throws(() => parseIperf3(text('tcp.json').slice(0, 500)), { code: 'E_IPERF3_OUTPUT' }, 'truncated output');

  const noReceiver = json('tcp.json');
  delete noReceiver.end.sum_received;
  try {
    parseIperf3(noReceiver);
    t.fail('should have thrown');
  } catch (e) {
    const err = e as NslabError;
    t.equal(err.code, 'E_IPERF3_OUTPUT');
    t.match(err.problems, [{ path: 'end', message: "missing required key 'sum_received'" }]);
  }

  const udpNoJitter = json('udp.json');
  delete udpNoJitter.end.sum.jitter_ms;
  t.throws(() => parseIperf3(udpNoJitter), { code: 'E_IPERF3_OUTPUT', problems: [{ path: 'end.sum', message: /jitter_ms/ }] });

  const badProtocol = json('tcp.json');
  badProtocol.start.test_start.protocol = 'QUIC';
  t.throws(() => parseIperf3(badProtocol), { code: 'E_IPERF3_OUTPUT', problems: [{ path: 'start.test_start.protocol' }] });

  t.throws(() => parseIperf3({}), { code: 'E_IPERF3_OUTPUT' }, 'neither data nor error');
});
