import t from 'tap';
import { byteRateUnit, formatRate, parseDurationMs, parsePercent, parseRateBitPerSec } from '../../src/model/index.js';

t.test('rates in tc units', async (t) => {
  t.equal(parseRateBitPerSec('10mbit'), 10_000_000);
  t.equal(parseRateBitPerSec('1gbit'), 1e9);
  t.equal(parseRateBitPerSec('1mbps'), undefined, 'mbps (megabytes per second in tc) is not taken as a rate');
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

t.test('kbps, mbps, gbps (any case) are refused with both readings and the unit to write', async (t) => {
  for (const text of ['20mbps', '20Mbps', '20MBPS', '1.5kbps', '2gbps', '8bps', '1tbps']) {
    t.equal(parseRateBitPerSec(text), undefined, `${text} is not a rate`);
    t.ok(byteRateUnit(text), `${text} is explained`);
  }
  const m = byteRateUnit('20Mbps')!;
  t.match(m.message, /tc reads 'Mbps' as bytes per second \(160 Mbit\/s\)/);
  t.match(m.message, /a network engineer means 20 Mbit\/s/);
  t.match(m.hint, /write 20mbit for 20 Mbit\/s/);
  t.match(m.hint, /160mbit/);
  t.match(byteRateUnit('1.5kbps')!.hint, /write 1\.5kbit .*12kbit/);
  for (const ok of ['20mbit', '20', 20, 'fast', '20mibit']) t.equal(byteRateUnit(ok), undefined, `${ok} is not a bytes unit`);
});
