// The expectation language and the binomial loss check. Interval reference values come from
// scipy.stats.binomtest(k, n).proportion_ci(confidence_level=0.99, method='exact') (= R's binom.test).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { check, expectValue, parseExpectation, unitKindForMetric } from '../../src/scenario/expect.js';
import { binomialInterval, lossConsistent, regularizedIncompleteBeta } from '../../src/scenario/stats.js';
import { parseIperf3, parsePing } from '../../src/scenario/parse/index.js';

const ping = (name: string) => parsePing(readFileSync(new URL(`../fixtures/ping/${name}`, import.meta.url), 'utf8'));
const iperf3 = (name: string) => parseIperf3(readFileSync(new URL(`../fixtures/iperf3/${name}`, import.meta.url), 'utf8'));

t.test('parsing: every form becomes a typed expectation in base units', async (t) => {
  t.same(parseExpectation('< 5%'), { op: '<', value: 5, unit: 'percent', text: '< 5%' });
  t.same(parseExpectation('<= 5%'), { op: '<=', value: 5, unit: 'percent', text: '<= 5%' });
  t.same(parseExpectation('>= 9mbit'), { op: '>=', value: 9e6, unit: 'rateBitPerSec', text: '>= 9mbit' });
  t.same(parseExpectation('> 1'), { op: '>', value: 1, unit: 'count', text: '> 1' });
  t.same(parseExpectation('== 0'), { op: '==', value: 0, unit: 'count', text: '== 0' });
  t.same(parseExpectation('!= 0'), { op: '!=', value: 0, unit: 'count', text: '!= 0' });
  t.same(parseExpectation('38ms..46ms'), { op: 'range', min: 38, max: 46, unit: 'durationMs', text: '38ms..46ms' });
  t.same(parseExpectation('40ms ± 2ms'), { op: '±', value: 40, tolerance: 2, unit: 'durationMs', text: '40ms ± 2ms' });
  t.same(parseExpectation('40ms +- 2ms'), { op: '±', value: 40, tolerance: 2, unit: 'durationMs', text: '40ms +- 2ms' });
  t.same(parseExpectation('~10%'), { op: '~', value: 10, unit: 'percent', confidence: 0.99, text: '~10%' });
  t.same(parseExpectation('~ 10%', { confidence: 0.999 }), { op: '~', value: 10, unit: 'percent', confidence: 0.999, text: '~ 10%' });
  t.match(parseExpectation('≤ 3'), { op: '<=' });
  t.match(parseExpectation('≥ 3'), { op: '>=' });
  t.match(parseExpectation('≠ 3'), { op: '!=' });
  t.match(parseExpectation('= 3'), { op: '==' });
  t.match(parseExpectation('0.5..1.5'), { op: 'range', min: 0.5, max: 1.5, unit: 'count' });
});

t.test('units: tc spellings, iperf3 spellings, times', async (t) => {
  t.equal((parseExpectation('< 1s') as { value: number }).value, 1000);
  t.equal((parseExpectation('< 500us') as { value: number }).value, 0.5);
  t.equal((parseExpectation('< 20msec') as { value: number }).value, 20);
  t.equal((parseExpectation('>= 1gbit') as { value: number }).value, 1e9);
  t.equal((parseExpectation('>= 100kbit') as { value: number }).value, 1e5);
  t.equal((parseExpectation('>= 500bit') as { value: number }).value, 500);
  t.equal((parseExpectation('>= 9.5 Mbits/sec') as { value: number }).value, 9.5e6, 'iperf3 prints Mbits/sec');
  t.equal((parseExpectation('>= 9 Mbit/s') as { value: number }).value, 9e6);
  t.throws(() => parseExpectation('>= 9mbps'), { code: 'E_BAD_EXPECTATION', message: /'mbps' as bytes per second \(72 Mbit\/s\).*means 9 Mbit\/s/ }, 'mbps is refused: tc reads it as bytes/s, people mean bits');
  t.throws(() => parseExpectation('>= 9 Mbps'), { hint: /write 9mbit/ }, 'any case');
  t.equal((parseExpectation('> 0mbit') as { value: number }).value, 0, 'a zero rate bound is allowed');
  t.equal((parseExpectation('< .5%') as { value: number }).value, 0.5);
});

t.test('the metric name fixes the unit kind', async (t) => {
  t.equal(unitKindForMetric('lossPct'), 'percent');
  t.equal(unitKindForMetric('rttP95Ms'), 'durationMs');
  t.equal(unitKindForMetric('throughputBitPerSec'), 'rateBitPerSec');
  t.equal(unitKindForMetric('duplicates'), 'count');
  t.same(parseExpectation('== 0', { metric: 'lossPct' }), { op: '==', value: 0, unit: 'percent', text: '== 0' }, 'zero needs no unit');
  t.match(parseExpectation('> 0', { metric: 'throughputBitPerSec' }), { unit: 'rateBitPerSec' });
});

t.test('unit mismatches are refused with E_BAD_EXPECTATION and a hint', async (t) => {
  t.throws(() => parseExpectation('< 5ms', { metric: 'lossPct' }), {
    code: 'E_BAD_EXPECTATION',
    message: "expectation '< 5ms' for lossPct: '5ms' is a duration, but lossPct is a percentage",
    hint: "write it in the metric's unit, e.g. '< 5%'",
    exitCode: 2,
  });
  t.throws(() => parseExpectation('>= 9mbit', { metric: 'rttAvgMs' }), { code: 'E_BAD_EXPECTATION', message: /is a rate, but rttAvgMs is a duration/ });
  t.throws(() => parseExpectation('< 5ms', { metric: 'duplicates' }), { code: 'E_BAD_EXPECTATION', message: /duplicates is a plain count/ });
  t.throws(() => parseExpectation('< 5', { metric: 'lossPct' }), { code: 'E_BAD_EXPECTATION', message: /'5' has no unit/, hint: /'< 5%'/ });
  t.throws(() => parseExpectation('< 40', { metric: 'rttAvgMs' }), { code: 'E_BAD_EXPECTATION', hint: /50ms/ });
  t.throws(() => parseExpectation('38ms..46%'), { code: 'E_BAD_EXPECTATION', message: /'46%' is a percentage, but the other bound is a duration/, hint: /one unit/ });
  t.throws(() => parseExpectation('40ms ± 2'), { code: 'E_BAD_EXPECTATION', message: /'2' has no unit/ });
  t.throws(() => parseExpectation('~10ms', { metric: 'rttAvgMs' }), { code: 'E_BAD_EXPECTATION', hint: /tolerance or a range/ });
  t.throws(() => parseExpectation('~10%', { metric: 'rttAvgMs' }), { code: 'E_BAD_EXPECTATION' });
  t.throws(() => parseExpectation('~10'), { code: 'E_BAD_EXPECTATION', hint: /'~10%'/ });
});

t.test('malformed expectations are refused', async (t) => {
  t.throws(() => parseExpectation('5%'), { code: 'E_BAD_EXPECTATION', message: /no comparison/ });
  t.throws(() => parseExpectation('< 5furlongs'), { code: 'E_BAD_EXPECTATION', message: /unknown unit 'furlongs'/ });
  t.throws(() => parseExpectation('< abc'), { code: 'E_BAD_EXPECTATION', message: /not a number/ });
  t.throws(() => parseExpectation('< 150%'), { code: 'E_BAD_EXPECTATION', message: /between 0 and 100/ });
  t.throws(() => parseExpectation('46ms..38ms'), { code: 'E_BAD_EXPECTATION', message: /range is empty/, hint: /38ms\.\.46ms/ });
  t.throws(() => parseExpectation('~10%', { confidence: 1 }), { code: 'E_BAD_EXPECTATION', message: /confidence/ });
});

t.test('check: pass and fail, both sides in the same unit', async (t) => {
  const rtt = parseExpectation('< 50ms', { metric: 'rttAvgMs' });
  t.same(check(rtt, 41.234), { ok: true, expected: '< 50 ms', measured: '41.2 ms' });
  t.same(check(rtt, 50), { ok: false, expected: '< 50 ms', measured: '50 ms' });
  t.same(check(rtt, 49.9996), { ok: true, expected: '< 50 ms', measured: '49.9996 ms' }, 'never prints "50 ms" for a value under 50');
  t.same(check(parseExpectation('<= 5%'), 5), { ok: true, expected: '<= 5%', measured: '5%' });
  t.same(check(parseExpectation('> 1'), 1), { ok: false, expected: '> 1', measured: '1' });
  t.same(check(parseExpectation('== 0'), 2), { ok: false, expected: '== 0', measured: '2' });
  t.same(check(parseExpectation('== 0'), 0), { ok: true, expected: '== 0', measured: '0' });
  t.same(check(parseExpectation('!= 0'), 0), { ok: false, expected: '!= 0', measured: '0' });
  t.same(check(parseExpectation('!= 0'), 3), { ok: true, expected: '!= 0', measured: '3' });
  t.same(check(parseExpectation('38ms..46ms'), 38), { ok: true, expected: '38 ms..46 ms', measured: '38 ms' }, 'inclusive low end');
  t.same(check(parseExpectation('38ms..46ms'), 46), { ok: true, expected: '38 ms..46 ms', measured: '46 ms' }, 'inclusive high end');
  t.same(check(parseExpectation('38ms..46ms'), 47.2), { ok: false, expected: '38 ms..46 ms', measured: '47.2 ms' });
  t.same(check(parseExpectation('40ms ± 2ms'), 42), { ok: true, expected: '40 ms ± 2 ms', measured: '42 ms' });
  t.same(check(parseExpectation('40ms ± 2ms'), 37.9), { ok: false, expected: '40 ms ± 2 ms', measured: '37.9 ms' });
  t.same(check(parseExpectation('40ms +- 2ms'), 42.004), { ok: false, expected: '40 ms ± 2 ms', measured: '42.004 ms' });
  t.same(check(parseExpectation('< 1s'), 1234), { ok: false, expected: '< 1 s', measured: '1.23 s' });
  t.same(check(parseExpectation('< 500us'), 0.0476), { ok: true, expected: '< 500 us', measured: '47.6 us' });
});

t.test('check: rates display in the expectation\'s scale', async (t) => {
  const e = parseExpectation('>= 9mbit', { metric: 'throughputBitPerSec' });
  t.same(check(e, 8947100.050990313), { ok: false, expected: '>= 9 Mbit/s', measured: '8.95 Mbit/s' });
  t.same(check(e, 9e6), { ok: true, expected: '>= 9 Mbit/s', measured: '9 Mbit/s' });
  t.same(check(parseExpectation('> 0', { metric: 'throughputBitPerSec' }), 10477688980.3504), {
    ok: true,
    expected: '> 0 Gbit/s',
    measured: '10.5 Gbit/s',
  }, 'a zero bound takes the measurement\'s scale');
  t.same(check(parseExpectation('>= 8000kbit'), 7.9e6), { ok: false, expected: '>= 8 Mbit/s', measured: '7.9 Mbit/s' }, 'shown in one scale');
});

t.test('check: a missing measurement fails every form', async (t) => {
  for (const text of ['< 50ms', '!= 5ms', '38ms..46ms', '40ms ± 2ms']) {
    t.same(check(parseExpectation(text), null), { ok: false, expected: check(parseExpectation(text), 1).expected, measured: 'n/a (not measured)' }, text);
  }
  t.match(check(parseExpectation('< 5ms'), undefined), { ok: false });
  t.match(check(parseExpectation('< 5ms'), Number.NaN), { ok: false });
  t.match(check(parseExpectation('~10%'), null), { ok: false, measured: 'n/a (not measured)' });
  t.match(check(parseExpectation('~10%'), { sent: 0, lost: 0 }), { ok: false, measured: 'n/a (no packets sent)' });
  t.match(check(parseExpectation('< 5%'), { sent: 0, lost: 0 }), { ok: false, measured: 'n/a (no packets sent)' });
  t.match(check(parseExpectation('< 5'), { sent: 10, lost: 0 }), { ok: false, measured: /non-percentage/ });
});

t.test('check: percent forms accept packet counts', async (t) => {
  t.same(check(parseExpectation('< 5%'), { sent: 893, lost: 94 }), { ok: false, expected: '< 5%', measured: '10.5%' });
});

t.test('~N%: loss consistent with a random-loss process', async (t) => {
  const e = parseExpectation('~10%', { metric: 'lossPct' });
  t.same(check(e, { sent: 100, lost: 14 }), {
    ok: true,
    expected: '~10% (random loss, 99% confidence)',
    measured: '14% (14/100 lost; 99% interval 6.45%..25.1%)',
  });
  t.same(check(e, { sent: 100, lost: 30 }), {
    ok: false,
    expected: '~10% (random loss, 99% confidence)',
    measured: '30% (30/100 lost; 99% interval 18.9%..43.1%)',
  });
  t.match(check(e, { sent: 100, lost: 2 }), { ok: false }, 'too little loss is as wrong as too much');
  t.throws(() => check(e, 10.5), { code: 'E_BAD_EXPECTATION', message: /needs packet counts/ });
});

t.test('~N% on real measurements', async (t) => {
  // iperf3 UDP through a 10% random drop (nftables numgen) on loopback: 94 of 893 lost.
  const udp = iperf3('udp-loss.json');
  const lossy = { sent: udp.packets!, lost: udp.lostPackets! };
  t.match(expectValue('~10%', lossy, { metric: 'lossPct' }), { ok: true });
  t.match(expectValue('~20%', lossy, { metric: 'lossPct' }), { ok: false });
  t.match(expectValue('~0%', lossy, { metric: 'lossPct' }), { ok: false });
  t.match(expectValue('< 5%', udp.lostPct, { metric: 'lossPct' }), { ok: false, expected: '< 5%', measured: '10.5%' });
  // ping dropping 3 of 6: consistent with 50%, and — with only 6 packets — even with 20% (the interval is wide).
  const p = ping('v4-loss.txt');
  const counts = { sent: p.transmitted, lost: p.transmitted - p.received };
  t.match(expectValue('~50%', counts), { ok: true });
  t.match(expectValue('~20%', counts), { ok: true });
  t.match(expectValue('~1%', counts), { ok: false });
  t.match(expectValue('< 10ms', ping('v4-loopback.txt').rttMaxMs, { metric: 'rttMaxMs' }), { ok: true, measured: '0.234 ms' });
  t.match(expectValue('< 10ms', ping('v4-loss-100.txt').rttMaxMs, { metric: 'rttMaxMs' }), { ok: false, measured: 'n/a (not measured)' });
});

const close = (a: number, b: number, eps = 1e-6): boolean => Math.abs(a - b) < eps;

t.test('Clopper-Pearson interval matches R/scipy', async (t) => {
  const cases: [number, number, number, number][] = [
    [14, 100, 6.454856336758401, 25.128474454389483],
    [30, 100, 18.901476186012413, 43.06135536165194],
    [94, 893, 8.041977697534625, 13.442079077085644],
    [0, 10, 0, 41.129598134752534],
    [10, 10, 58.87040186524746, 100],
    [3, 7, 5.5299349980557535, 88.22962483310522],
    [0, 5, 0, 65.34275784224278],
  ];
  for (const [k, n, lo, hi] of cases) {
    const ci = binomialInterval({ trials: n, successes: k });
    t.ok(close(ci.lowPct, lo) && close(ci.highPct, hi), `${k}/${n}: ${ci.lowPct}..${ci.highPct} vs ${lo}..${hi}`);
    t.equal(ci.method, 'clopper-pearson');
  }
  const ci95 = binomialInterval({ trials: 100, successes: 14, confidence: 0.95 });
  t.ok(close(ci95.lowPct, 7.870540492695436) && close(ci95.highPct, 22.37279813705804), '95% level');
  // Closed form at k = 0: the upper bound solves (1-p)^n = α/2.
  t.ok(close(binomialInterval({ trials: 50, successes: 0 }).highPct, (1 - 0.005 ** (1 / 50)) * 100));
  t.ok(close(regularizedIncompleteBeta(0.3, 1, 1), 0.3, 1e-12), 'I_x(1,1) = x');
  t.ok(close(regularizedIncompleteBeta(0.5, 2, 2), 0.5, 1e-12), 'symmetric');
});

t.test('lossConsistent: the brief\'s cases and input checks', async (t) => {
  t.match(lossConsistent({ sent: 100, lost: 14, expectedPct: 10 }), { consistent: true, observedPct: 14, confidence: 0.99 });
  t.match(lossConsistent({ sent: 100, lost: 30, expectedPct: 10 }), { consistent: false, observedPct: 30 });
  t.match(lossConsistent({ sent: 100, lost: 0, expectedPct: 0 }), { consistent: true });
  t.match(lossConsistent({ sent: 100, lost: 1, expectedPct: 0 }), { consistent: false }, 'a lossless process never loses');
  t.match(lossConsistent({ sent: 100, lost: 100, expectedPct: 100 }), { consistent: true });
  t.throws(() => lossConsistent({ sent: 0, lost: 0, expectedPct: 10 }), { code: 'E_STATS_INPUT' });
  t.throws(() => lossConsistent({ sent: 10, lost: 11, expectedPct: 10 }), { code: 'E_STATS_INPUT' });
  t.throws(() => lossConsistent({ sent: 10.5, lost: 1, expectedPct: 10 }), { code: 'E_STATS_INPUT' });
  t.throws(() => lossConsistent({ sent: 10, lost: 1, expectedPct: 110 }), { code: 'E_STATS_INPUT' });
  t.throws(() => lossConsistent({ sent: 10, lost: 1, expectedPct: 10, confidence: 0 }), { code: 'E_STATS_INPUT' });
});

// Binomial pmf by the recurrence P(k+1) = P(k)·(n-k)/(k+1)·p/(1-p): independent of the beta-function code.
function pmf(n: number, p: number): number[] {
  const out = [Math.pow(1 - p, n)];
  for (let k = 0; k < n; k++) out.push((out[k] * (n - k) * p) / ((k + 1) * (1 - p)));
  return out;
}

t.test('a correct link fails "~p%" at most 1% of the time (exact, not simulated)', async (t) => {
  for (const n of [20, 100, 500, 893]) {
    for (const pct of [1, 10, 30]) {
      const probs = pmf(n, pct / 100);
      let falseAlarm = 0;
      for (let k = 0; k <= n; k++) if (!lossConsistent({ sent: n, lost: k, expectedPct: pct }).consistent) falseAlarm += probs[k];
      t.ok(falseAlarm <= 0.01, `n=${n} p=${pct}%: P(check fails on a correct link) = ${falseAlarm.toFixed(5)}`);
    }
  }
  // ...and it has teeth: a link losing 30% instead of 10% fails at n=100 with probability > 90%.
  const probs = pmf(100, 0.3);
  let detect = 0;
  for (let k = 0; k <= 100; k++) if (!lossConsistent({ sent: 100, lost: k, expectedPct: 10 }).consistent) detect += probs[k];
  t.ok(detect > 0.9, `power against 30% at n=100: ${detect.toFixed(3)}`);
});

t.test('the interval bounds solve the defining tail equations', async (t) => {
  const { lowPct, highPct } = binomialInterval({ trials: 100, successes: 14 });
  const upperTail = pmf(100, lowPct / 100).slice(14).reduce((a, b) => a + b, 0);
  const lowerTail = pmf(100, highPct / 100).slice(0, 15).reduce((a, b) => a + b, 0);
  t.ok(close(upperTail, 0.005, 1e-9), `P(X >= 14 | low) = ${upperTail}`);
  t.ok(close(lowerTail, 0.005, 1e-9), `P(X <= 14 | high) = ${lowerTail}`);
});
