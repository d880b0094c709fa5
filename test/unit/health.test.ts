// Emulation health, pure parts: the sampler's lines parsed (recorded fixtures), the verdict and its thresholds, the
// queue observations, and the exit code of --strict-health.
import t from 'tap';
import { readFileSync } from 'node:fs';
import {
  CPU_PRESSURE_PCT,
  MIN_TIMER_PROBES,
  SOFTIRQ_CORE_PCT,
  STEAL_PCT,
  TIMER_LATE_P95_MS,
  judge,
  parseSamplerOutput,
  shapedInterfaces,
  windowRounds,
  type SampleRound,
  type ShapedInterface,
} from '../../src/health/index.js';
import { runExitCode } from '../../src/cli/run.js';
import { loadTopologyText } from '../../src/topology/index.js';

const loaded = parseSamplerOutput(readFileSync('test/fixtures/health/loaded-htb.txt', 'utf8'));
const quiet = parseSamplerOutput(readFileSync('test/fixtures/health/quiet.txt', 'utf8'));

/** Synthetic rounds: 250 ms apart, 2 cores; each round's figures from `at(i)`. */
function rounds(n: number, at: (i: number) => { lateUs?: number[]; busy?: number; steal?: number; softirq1?: number; psiPct?: number; running?: number; q?: { bytes: number; backlog: number; drops?: number; kind?: string } }): SampleRound[] {
  const out: SampleRound[] = [];
  const c = { cpu: [0, 0, 0, 0, 0, 0, 0, 0], cpu0: [0, 0, 0, 0, 0, 0, 0, 0], cpu1: [0, 0, 0, 0, 0, 0, 0, 0] };
  let psi = 0;
  for (let i = 0; i < n; i++) {
    const f = at(i);
    // 25 ticks per core per round; busy% of them user time, steal% stolen, softirq1% of cpu1 in softirq.
    const busy = Math.round(((f.busy ?? 10) / 100) * 25);
    const steal = Math.round(((f.steal ?? 0) / 100) * 25);
    const si = Math.round(((f.softirq1 ?? 0) / 100) * 25);
    if (i) {
      for (const k of ['cpu0', 'cpu1'] as const) {
        const s = k === 'cpu1' ? si : 0;
        const u = Math.max(0, busy - steal - s);
        c[k][0] += u;
        c[k][7] += steal;
        c[k][6] += s;
        c[k][3] += 25 - u - steal - s;
      }
      c.cpu = c.cpu0.map((x, j) => x + c.cpu1[j]);
      psi += ((f.psiPct ?? 2) / 100) * 250_000;
    }
    const ticks = (a: number[]) => ({ user: a[0], nice: a[1], system: a[2], idle: a[3], iowait: a[4], irq: a[5], softirq: a[6], steal: a[7] });
    out.push({
      atMs: 1000 + i * 250,
      tag: '-',
      cpus: { cpu: ticks(c.cpu), cpu0: ticks(c.cpu0), cpu1: ticks(c.cpu1) },
      procsRunning: (f.running ?? 1) + 1,
      ...(f.psiPct === -1 ? {} : { psiSomeUs: Math.round(psi) }),
      timerLateUs: i ? (f.lateUs ?? Array(24).fill(100)) : [],
      qdiscs: f.q ? [{ netns: 'ns', ifname: 'eth0', kind: f.q.kind ?? 'htb', handle: '1:0', parent: 'root', bytes: f.q.bytes, packets: 0, drops: f.q.drops ?? 0, overlimits: 0, qlen: 0, backlog: f.q.backlog }] : [],
    });
  }
  return out;
}

t.test('the recorded output parses: rounds, per-CPU ticks, PSI, probes and qdisc counters', async (t) => {
  t.ok(loaded.rounds.length >= 9, 'about 2.5 s of 250 ms rounds');
  t.ok(loaded.helloMs! > 0);
  const r = loaded.rounds[1];
  t.same(Object.keys(r.cpus).sort(), ['cpu', 'cpu0', 'cpu1']);
  t.ok(r.psiSomeUs! > 0, 'PSI read');
  t.ok(r.timerLateUs.length > 10, 'probes between rounds');
  t.same(
    r.qdiscs.map((q) => [q.netns, q.ifname, q.kind, q.parent]),
    [
      ['nslab-hfix.h1', 'eth0', 'htb', 'root'],
      ['nslab-hfix.h2', 'eth0', 'htb', 'root'],
    ],
  );
  t.same(parseSamplerOutput('W cannot enter x: No such file\nR 5000000 -\nC cpu 1 2 3 4 5 6 7 8\n'), { rounds: [], warnings: ['cannot enter x: No such file'] }, 'an unfinished round is not a round');
});

t.test('a loaded machine is at risk, with the measured reason; a quiet one is faithful', async (t) => {
  const shaped: ShapedInterface[] = [{ netns: 'nslab-hfix.h1', ifname: 'eth0', label: 'h1:eth0', rateBitPerSec: 10e6, delayLineMs: 0, dropsOnPurpose: false }];
  const h = judge(loaded.rounds, shaped);
  t.equal(h.verdict, 'at risk');
  t.match(h.reasons.join('\n'), /timer late by [\d.]+ ms p95 \(max [\d.]+ ms, \d+ probes\) while 2 cores were \d+% busy/);
  t.match(h.reasons.join('\n'), /waited for a CPU \d+% of the time/);
  t.ok(h.figures.cpuPressurePct! > CPU_PRESSURE_PCT, `pressure ${h.figures.cpuPressurePct}%`);
  const q = h.queues.find((x) => x.iface === 'h1:eth0')!;
  t.ok(q.backloggedSentBitPerSec! > 9.5e6 && q.backloggedSentBitPerSec! < 10.5e6, `the host kernel's htb kept its 10 mbit while backlogged (${q.backloggedSentBitPerSec})`);
  t.same(q.notes, [], 'no shaper deficit: htb kept pace');

  const qh = judge(quiet.rounds, [{ netns: 'nslab-q.h1', ifname: 'eth0', label: 'h1:eth0', rateBitPerSec: 1e6, delayLineMs: 0, dropsOnPurpose: false }]);
  t.equal(qh.verdict, 'faithful', JSON.stringify(qh.reasons));
  t.same(qh.reasons, []);
  t.ok(qh.figures.timerLateP95Ms! < 0.2, `p95 ${qh.figures.timerLateP95Ms} ms`);
  t.equal(Math.round(qh.queues[0].sentBitPerSec), 1e6, 'htb sent its 1 Mbit/s');
});

t.test('each threshold: just under is faithful, just over is at risk, and says why', async (t) => {
  const late = (p95Us: number) => Array.from({ length: 20 }, (_, i) => (i >= 18 ? p95Us : 100));
  t.equal(judge(rounds(5, () => ({ lateUs: late(TIMER_LATE_P95_MS * 1000) }))).verdict, 'faithful', 'p95 exactly at the limit');
  const over = judge(rounds(5, () => ({ lateUs: late(TIMER_LATE_P95_MS * 1000 + 200), busy: 100 })));
  t.equal(over.verdict, 'at risk');
  t.match(over.reasons[0], /^timer late by 1\.2 ms p95 \(max 1\.2 ms, 80 probes\) while 2 cores were 100% busy$/);

  t.equal(judge(rounds(5, () => ({ psiPct: CPU_PRESSURE_PCT - 1 }))).verdict, 'faithful');
  t.match(judge(rounds(5, () => ({ psiPct: CPU_PRESSURE_PCT + 1 }))).reasons[0], /waited for a CPU 31% of the time/);

  // Without PSI (user-mode Linux): the run queue stands in.
  t.equal(judge(rounds(5, () => ({ psiPct: -1, running: 3 }))).verdict, 'faithful', '3 runnable on 2 cores');
  t.match(judge(rounds(5, () => ({ psiPct: -1, running: 4 }))).reasons[0], /^run queue 4 on 2 cores/);

  t.equal(judge(rounds(5, () => ({ steal: STEAL_PCT - 4, busy: 20 }))).verdict, 'faithful');
  t.match(judge(rounds(5, () => ({ steal: STEAL_PCT + 10, busy: 30 }))).reasons.join(), /\d+% of CPU time stolen/);
  t.equal(judge(rounds(5, () => ({ softirq1: 80, busy: 80 }))).verdict, 'faithful');
  t.match(judge(rounds(5, () => ({ softirq1: SOFTIRQ_CORE_PCT + 8, busy: 100 }))).reasons.join(), /a core spent \d+% of its time in softirq/);
});

t.test('too little evidence is unmeasured, never faithful', async (t) => {
  t.equal(judge(rounds(1, () => ({}))).verdict, 'unmeasured');
  const few = judge(rounds(2, () => ({ lateUs: Array(MIN_TIMER_PROBES - 1).fill(100), psiPct: -1, running: undefined })).map((r) => ({ ...r, procsRunning: undefined })));
  t.equal(few.verdict, 'unmeasured');
  t.match(few.reasons[0], /only 9 timer probes/);
});

t.test('queue observations explain an at-risk verdict but never make one', async (t) => {
  const conf: ShapedInterface[] = [{ netns: 'ns', ifname: 'eth0', label: 'h1:eth0', rateBitPerSec: 10e6, delayLineMs: 0, dropsOnPurpose: false }];
  // Backlogged all along (60 kB queued) but sending 5 Mbit/s = 156250 bytes per 250 ms where 10 mbit is configured.
  const behind = (i: number, extra: object) => ({ q: { bytes: i * 156_250, backlog: 60_000 }, ...extra });
  const calm = judge(rounds(6, (i) => behind(i, {})), conf);
  t.equal(calm.verdict, 'faithful', 'a shaper behind its rate on a calm machine is the configuration’s business: it stays a failure');
  t.match(calm.queues[0].notes[0], /h1:eth0 sent 5 Mbit\/s with a standing queue where 10 Mbit\/s is configured/);
  const busy = judge(rounds(6, (i) => behind(i, { psiPct: 80 })), conf);
  t.equal(busy.verdict, 'at risk');
  t.match(busy.reasons.at(-1), /h1:eth0 sent 5 Mbit\/s with a standing queue/);
  // The delay line is not a standing queue: at 10 mbit and 50 ms, 62.5 kB sit in netem legitimately.
  const line = judge(rounds(6, (i) => behind(i, {})), [{ ...conf[0], delayLineMs: 50 }]);
  t.same(line.queues[0].notes, [], 'backlog within the delay line');
  // netem without rate or loss that drops: its queue overflowed.
  const netem = judge(rounds(4, (i) => ({ q: { bytes: i * 1000, backlog: 0, drops: i * 3, kind: 'netem' } })), [{ netns: 'ns', ifname: 'eth0', label: 'h1:eth0', delayLineMs: 30, dropsOnPurpose: false }]);
  t.match(netem.queues[0].notes[0], /netem dropped 9 packets with no loss configured/);
});

t.test('a short step is judged over the last second before its end', async (t) => {
  const rs = rounds(12, () => ({}));
  const w = windowRounds(rs, 2000, 2010);
  t.equal(w[0].atMs, 1000, 'starts at the round at or before end − 1 s');
  t.equal(w.at(-1)!.atMs, 2250, 'ends at the first round at or after the end');
  t.same(windowRounds(rs, 1250, 2750).map((r) => r.atMs), [1250, 1500, 1750, 2000, 2250, 2500, 2750]);
});

t.test('shaped interfaces: the sending end of every impaired direction, and links a scenario impairs later', async (t) => {
  const topo = loadTopologyText('name: s\nnodes: {h1: , h2: , h3: }\nlinks:\n  - {endpoints: [h1, h2], rate: 10mbit, delay: 20ms, jitter: 5ms}\n  - [h2, h3]\n', 's.yaml');
  t.same(
    shapedInterfaces(topo).map((s) => [s.label, s.rateBitPerSec, s.delayLineMs]),
    [
      ['h1:eth0', 10e6, 25],
      ['h2:eth0', 10e6, 25],
    ],
  );
  t.same(shapedInterfaces(topo, [1]).map((s) => s.label), ['h1:eth0', 'h2:eth0', 'h2:eth1', 'h3:eth0']);
});

t.test('--strict-health: at risk anywhere is exit 2; without it the checks decide', async (t) => {
  const atRisk = { verdict: 'at risk' as const, reasons: ['x'], figures: { windowMs: 1, cores: 2, timerProbes: 20 }, queues: [] };
  const pass = { status: 'pass' as const, name: 'a', steps: [{ id: '1', health: atRisk }] };
  t.equal(runExitCode([pass] as never, 1), 0, 'a pass while at risk is still a pass');
  t.equal(runExitCode([pass] as never, 1, { strictHealth: true }), 2);
  t.equal(runExitCode([{ status: 'pass', name: 'b', steps: [] }] as never, 1, { strictHealth: true }), 0, 'no verdict, nothing at risk');
  t.equal(runExitCode([{ status: 'fail', name: 'c', steps: [], health: atRisk }] as never, 1), 1, 'failed, at risk is still a failed check (1)');
});

t.test('the link model: RTT from the delays there and back, goodput from the lowest rate', async (t) => {
  const { predictedRttMs, predictedGoodput, compareWithModel } = await import('../../src/health/index.js');
  const topo = loadTopologyText(
    'name: m\nnodes: {h1: , s1: {kind: switch}, r1: {kind: router}, h2: , h3: }\nlinks:\n  - {endpoints: [h1, s1], delay: 20ms}\n  - [s1, r1]\n  - {endpoints: [r1, h2], rate: 10mbit, from: {r1: {delay: 5ms}}}\n  - {endpoints: [s1, h3], delay: 10ms, jitter: 2ms}\n',
    'm.yaml',
  );
  // h1→h2: 20 ms + 5 ms (r1's side only); back: 20 ms. Through the switch and the router.
  t.equal(predictedRttMs(topo, 'h1', 'h2'), 45);
  t.equal(predictedRttMs(topo, 'h1', 'h3'), undefined, 'jitter on the path: no prediction of the median');
  t.equal(predictedGoodput(topo, 'h1', 'h2', 'tcp'), (10e6 * 1448) / 1514);
  t.equal(predictedGoodput(topo, 'h1', 'h2', 'udp', 1e6), 1e6, 'UDP below the rate: its own bitrate');
  t.equal(predictedGoodput(topo, 'h1', 'h3', 'tcp'), undefined, 'no rate on the path');
  t.same(compareWithModel('rtt_p50', 60, 62.5), { metric: 'rtt_p50', predicted: 60, measured: 62.5, deviationPct: 4.2 });
});
