import t from 'tap';
import { formatRate, parseDurationMs, parsePercent, parseRateBitPerSec } from '../../src/model/index.js';

t.test('rates in tc units', async (t) => {
  t.equal(parseRateBitPerSec('10mbit'), 10_000_000);
  t.equal(parseRateBitPerSec('1gbit'), 1e9);
  t.equal(parseRateBitPerSec('1mbps'), 8e6, 'mbps is megabytes per second in tc');
  t.equal(parseRateBitPerSec('512kibit'), 512 * 1024);
  t.equal(parseRateBitPerSec('fast'), undefined);
  t.equal(parseRateBitPerSec('0mbit'), undefined);
  t.equal(formatRate(10_000_000), '10mbit');
  t.equal(formatRate(1_500_000), '1500kbit');
});

t.test('durations need a unit', async (t) => {
  t.equal(parseDurationMs('20ms'), 20);
  t.equal(parseDurationMs('1s'), 1000);
  t.equal(parseDurationMs('500us'), 0.5);
  t.equal(parseDurationMs('20'), undefined);
  t.equal(parseDurationMs(20 as unknown as string), undefined);
});

t.test('percentages', async (t) => {
  t.equal(parsePercent('10%'), 10);
  t.equal(parsePercent(0.5), 0.5);
  t.equal(parsePercent('101%'), undefined);
  t.equal(parsePercent('ten'), undefined);
});
