// umlModuleOrder: which .ko files the user-mode Linux init script insmods, and in what order. Pure: a fixture in,
// a list out.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { NslabError } from '../../src/model/index.js';
import { shQuote, UmlConsoleFilter, umlModuleOrder } from '../../src/sys/uml.js';

const dep = readFileSync(new URL('../fixtures/uml/modules.dep', import.meta.url), 'utf8');

const K = {
  crc: 'kernel/lib/crc-ccitt.ko',
  ipv6: 'kernel/net/ipv6/ipv6.ko',
  llc: 'kernel/net/llc/llc.ko',
  stp: 'kernel/net/802/stp.ko',
  bridge: 'kernel/net/bridge/bridge.ko',
  veth: 'kernel/drivers/net/veth.ko',
  netem: 'kernel/net/sched/sch_netem.ko',
  htb: 'kernel/net/sched/sch_htb.ko',
  tbf: 'kernel/net/sched/sch_tbf.ko',
};

/** Every module appears after everything its modules.dep line names. */
function depsFirst(text: string, order: string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([^#:\s][^:]*):\s*(.*)$/.exec(line.trim());
    if (m) deps.set(m[1], m[2] === '' ? [] : m[2].split(/\s+/));
  }
  const bad: string[] = [];
  order.forEach((mod, i) => {
    for (const d of deps.get(mod) ?? []) if (!order.slice(0, i).includes(d)) bad.push(`${mod} before ${d}`);
  });
  return bad;
}

t.test('bridge brings stp, llc, ipv6 and crc-ccitt, dependencies first', async (t) => {
  t.same(umlModuleOrder(dep, ['bridge']), [K.crc, K.ipv6, K.llc, K.stp, K.bridge]);
});

t.test('the lab set: each module once, in a loadable order', async (t) => {
  const order = umlModuleOrder(dep, ['veth', 'bridge', 'sch_netem', 'sch_htb', 'sch_tbf']);
  t.same(order, [K.veth, K.crc, K.ipv6, K.llc, K.stp, K.bridge, K.netem, K.htb, K.tbf]);
  t.same(depsFirst(dep, order), []);
});

t.test('de-duplication across wanted modules and shared dependencies', async (t) => {
  const order = umlModuleOrder(dep, ['ipv6', 'llc', 'bridge', 'br_netfilter', 'ipv6', '8021q', 'sit', 'ip6_tunnel']);
  t.equal(new Set(order).size, order.length, 'no module twice');
  t.same(depsFirst(dep, order), []);
  t.same(order.slice(0, 3), [K.crc, K.ipv6, K.llc], 'what was asked first comes first, after its own deps');
  t.equal(order.filter((m) => m === K.crc).length, 1);
  t.equal(order.at(-1), 'kernel/net/ipv6/ip6_tunnel.ko');
});

t.test('names: - and _ are the same module, paths and .ko suffixes accepted', async (t) => {
  t.same(umlModuleOrder(dep, ['crc_ccitt']), [K.crc]);
  t.same(umlModuleOrder(dep, ['crc-ccitt.ko']), [K.crc]);
  t.same(umlModuleOrder(dep, [K.stp]), [K.llc, K.stp]);
  t.same(umlModuleOrder(dep, ['nf_tables']), ['kernel/net/netfilter/nfnetlink.ko', 'kernel/net/netfilter/nf_tables.ko']);
  t.same(umlModuleOrder(dep, []), []);
});

t.test('a file that lists only direct dependencies is walked transitively', async (t) => {
  const direct = 'x/a.ko: x/b.ko\nx/b.ko: x/c.ko x/d.ko\nx/c.ko: x/d.ko\nx/d.ko:\n';
  t.same(umlModuleOrder(direct, ['a']), ['x/d.ko', 'x/c.ko', 'x/b.ko', 'x/a.ko']);
});

t.test('unknown modules and cycles are errors with a code', async (t) => {
  let err: unknown;
  try {
    umlModuleOrder(dep, ['sch_cake']);
  } catch (e) {
    err = e;
  }
  t.ok(err instanceof NslabError, 'an NslabError');
  t.throws(() => umlModuleOrder(dep, ['sch_cake']), { code: 'E_UML_MODULE_UNKNOWN', name: 'NslabError', message: /sch_cake/ });
  t.throws(() => umlModuleOrder('a.ko: b.ko\nb.ko: a.ko\n', ['a']), { code: 'E_UML_MODULE_CYCLE', message: /a\.ko -> b\.ko -> a\.ko/ });
});

t.test('the installed modules.dep, when present, gives a loadable lab set', async (t) => {
  let real: string;
  try {
    real = readFileSync('/usr/lib/uml/modules/6.1.176/modules.dep', 'utf8');
  } catch {
    t.skip('user-mode-linux 6.1.176 is not installed here');
    return;
  }
  const order = umlModuleOrder(real, ['veth', 'bridge', 'sch_netem', 'sch_htb', 'sch_tbf', 'nf_tables']);
  t.same(depsFirst(real, order), []);
  t.equal(new Set(order).size, order.length);
});

t.test('init-script quoting: every token single-quoted, nothing expands', async (t) => {
  t.equal(shQuote('plain'), `'plain'`);
  t.equal(shQuote(''), `''`);
  t.equal(shQuote(`it's`), `'it'\\''s'`);
  t.equal(shQuote('$(reboot) `x` "$HOME" *;|&\n'), `'$(reboot) \`x\` "$HOME" *;|&\n'`);
});

t.test('console filter: output between the markers, whatever the chunking', async (t) => {
  const S = '@@nslab-uml-start-0123@@';
  const E = '@@nslab-uml-end-0123:';
  const crlf = (x: string) => x.replace(/\n/g, '\r\n');
  const cases: Array<{ name: string; raw: string; output: string; exit: number }> = [
    { name: 'lines', raw: crlf(`SELinux: noise\nbridge: noise\n${S}\nhello\nworld\n${E}7:\nHalting.\nreboot: System halted\n`), output: 'hello\nworld\n', exit: 7 },
    { name: 'no trailing newline', raw: crlf(`${S}\nno-newline${E}0:\nreboot: System halted\n`), output: 'no-newline', exit: 0 },
    { name: 'empty output', raw: crlf(`boot\n${S}\n${E}125:\n`), output: '', exit: 125 },
    { name: 'utf-8 and blank lines', raw: crlf(`${S}\n\nRTT 60 ms ± 1\n\n${E}3:\n`), output: '\nRTT 60 ms ± 1\n\n', exit: 3 },
  ];
  for (const c of cases) {
    const whole = new UmlConsoleFilter(S, E);
    whole.push(c.raw);
    whole.end();
    t.equal(whole.output, c.output, `${c.name}: in one chunk`);
    t.equal(whole.markerExit, c.exit, `${c.name}: exit code from the marker`);
    let bad = 0;
    for (let cut = 1; cut < c.raw.length; cut++)
      for (const step of [1, 7, c.raw.length]) {
        const streamed: string[] = [];
        const f = new UmlConsoleFilter(S, E, (x) => streamed.push(x));
        f.push(c.raw.slice(0, cut));
        for (let k = cut; k < c.raw.length; k += step) f.push(c.raw.slice(k, k + step));
        f.end();
        if (f.output !== c.output || streamed.join('') !== c.output || f.markerExit !== c.exit) bad++;
      }
    t.equal(bad, 0, `${c.name}: same output, streamed and returned, for every split`);
  }
  const noEnd = new UmlConsoleFilter(S, E);
  noEnd.push(crlf(`${S}\npartial line, then the kernel died`));
  noEnd.end();
  t.equal(noEnd.output, 'partial line, then the kernel died');
  t.equal(noEnd.markerExit, undefined, 'no marker, no exit code');
  const noStart = new UmlConsoleFilter(S, E);
  noStart.push('Kernel panic - not syncing\n');
  noStart.end();
  t.equal(noStart.started, false);
  t.equal(noStart.output, '');
  t.match(noStart.kernelLog, /Kernel panic/);
});
