// withLab, the test fixture: the lab is torn down on return, throw, runner abort, timeout, abort during the
// build, and SIGINT/SIGTERM/SIGHUP; and the typed measurements (ping, iperf3, reach, impair, link) on a real lab.
import { netnsLabPrefix } from '../../src/model/index.js';
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withLab, shippedTopology, expectMetrics, Lab } from '../../src/api/index.js';
import { NslabError } from '../../src/model/index.js';
import { isRoot } from '../helpers/host.js';

// A private state directory: these labs are ours alone, and leftovers are easy to see.
const stateDir = mkdtempSync(join(tmpdir(), 'api-withlab-state-'));
process.env.NSLAB_STATE_DIR = stateDir;
t.teardown(() => rmSync(stateDir, { recursive: true, force: true }));

const TWO = shippedTopology('two-hosts');
const ourNetns = (lab: string) => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(netnsLabPrefix(lab))) : []);
const labsInState = () => (existsSync(stateDir) ? readdirSync(stateDir).filter((n) => !n.startsWith('.')) : []);

/** Nothing of lab `name` is left: no namespace, no state. */
function assertGone(t: Test, name: string): void {
  t.same(ourNetns(name), [], `no namespace of lab ${name} is left`);
  t.notOk(labsInState().includes(name), `no state of lab ${name} is left`);
}
const skip = isRoot ? false : 'needs root (CAP_NET_ADMIN) to create namespaces';

t.test('return: the body’s value comes back and the lab is gone', { skip }, async (t) => {
  let ns = '';
  const v = await withLab(TWO, async (lab) => {
    ns = lab.netnsOf('h1');
    t.ok(ourNetns('apiwl1').includes(ns), 'the lab is up inside the body');
    t.equal(lab.name, 'apiwl1', 'the name option renames the shipped topology');
    return 42;
  }, { name: 'apiwl1' });
  t.equal(v, 42);
  assertGone(t, 'apiwl1');
  t.throws(() => Lab.open('apiwl1'), { code: 'E_NO_SUCH_LAB' });
});

t.test('throw: the body’s own error comes back, the lab is gone', { skip }, async (t) => {
  const boom = new Error('boom');
  await t.rejects(withLab(TWO, async () => { throw boom; }, { name: 'apiwl2' }), boom);
  assertGone(t, 'apiwl2');
});

t.test('runner abort mid-body: rejects E_ABORTED at once, lab gone, the stray body fails quietly', { skip }, async (t) => {
  const ac = new AbortController();
  const late: string[] = [];
  let bodyDone!: () => void;
  const bodyEnded = new Promise<void>((r) => (bodyDone = r));
  const started = Date.now();
  const run = withLab(TWO, async (lab) => {
    setTimeout(() => ac.abort(new Error('test timed out')), 200);
    try {
      // A command that outlives the abort: teardown kills it with the namespace's processes.
      await lab.exec('h1', ['sleep', '30']).catch((e) => late.push(`exec: ${e.code ?? e.message}`));
      // Changes after the teardown must not write the lab's journal back.
      await lab.link('h1-h2', 'down').catch((e) => late.push(`link: ${e.code}`));
      await lab.impair('h1-h2', { rate: '1mbit' }).catch((e) => late.push(`impair: ${e.code}`));
    } finally {
      bodyDone();
    }
  }, { name: 'apiwl3', signal: ac.signal });
  await t.rejects(run, { code: 'E_ABORTED', message: /test timed out/ });
  t.ok(Date.now() - started < 20_000, 'did not wait for the 30 s command');
  assertGone(t, 'apiwl3');
  await bodyEnded;
  t.match(late.filter((l) => !l.startsWith('exec')), [/^link: E_(NO_SUCH_LAB|LAB_DOWN|LAB_NOT_UP)$/, /^impair: E_(NO_SUCH_LAB|LAB_DOWN|LAB_NOT_UP)$/], `the body's later changes were refused (${late.join(', ')})`);
  assertGone(t, 'apiwl3');
});

t.test('timeoutMs: rejects E_TIMEOUT and tears down', { skip }, async (t) => {
  await t.rejects(withLab(TWO, () => new Promise(() => undefined), { name: 'apiwl4', timeoutMs: 300 }), { code: 'E_TIMEOUT' });
  assertGone(t, 'apiwl4');
});

t.test('abort while the lab is being built: rolled back, nothing left', { skip }, async (t) => {
  for (const delayMs of [0, 5, 50, 150]) {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('cancelled')), delayMs);
    let ran = false;
    await withLab(TWO, async () => { ran = true; await new Promise((r) => setTimeout(r, 2000)); }, { name: 'apiwl5', signal: ac.signal }).then(
      () => t.fail('should reject'),
      (e: NslabError) => t.equal(e.code, 'E_ABORTED', `abort after ${delayMs} ms: E_ABORTED (body ${ran ? 'had started' : 'never ran'})`),
    );
    assertGone(t, 'apiwl5');
  }
});

t.test('an aborted signal before the start: nothing is built', { skip }, async (t) => {
  await t.rejects(withLab(TWO, () => t.fail('body must not run'), { name: 'apiwl6', signal: AbortSignal.abort() }), { code: 'E_ABORTED' });
  assertGone(t, 'apiwl6');
});

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  t.test(`${sig}: the lab is torn down, then the process ends by the signal`, { skip }, async (t) => {
    const name = `apisig${sig.slice(3, 6).toLowerCase()}`;
    const child = spawn(process.execPath, ['test/fixtures/api/signal-child.mjs', name], { env: { ...process.env, NSLAB_STATE_DIR: stateDir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d));
    await new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`child not ready: ${out} ${err}`)), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        out += d;
        if (out.includes('ready')) (clearTimeout(timer), res());
      });
      child.on('exit', () => rej(new Error(`child exited early: ${out} ${err}`)));
    });
    t.equal(ourNetns(name).length, 2, 'both namespaces exist before the signal');
    child.kill(sig);
    // A second signal while tearing down is ignored (once), not a second, overlapping teardown.
    setTimeout(() => child.kill(sig), 20);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
    t.equal(signal, sig, `the process ended by ${sig} (code ${code}; stderr: ${err.trim().split('\n').pop()})`);
    t.match(err, new RegExp(`${sig} received, tearing down 1 lab`));
    assertGone(t, name);
  });
}

t.test('measurements: ping, iperf3, reach, impair and link, with expectMetrics', { skip }, async (t) => {
  await withLab(TWO, async (lab) => {
    const ping = await lab.ping('h1', 'h2', { count: 10, intervalMs: 20 });
    t.match(ping, { kind: 'ping', from: 'h1', to: 'h2', address: '10.10.0.2', lossPct: 0, transmitted: 10, received: 10, reachable: true, lossCounts: { sent: 10, lost: 0 } });
    t.equal(ping.samples.length, 10);
    t.equal(ping.metrics.rtt_p50, ping.rttP50Ms, 'the scenario names carry the same numbers');
    t.same(expectMetrics(ping, { loss: '== 0%', rtt_p50: '< 10ms', lossPct: '~0%' }).map((c) => c.ok), [true, true, true]);
    const wrong = (() => {
      try {
        expectMetrics(ping, { loss: '>= 50%', rtt_p50: '40ms ± 2ms', received: '== 10' });
      } catch (e) {
        return e as NslabError;
      }
    })();
    t.equal(wrong?.code, 'E_EXPECTATION_FAILED');
    t.match(wrong?.message, /2 of 3 expectations failed\n {2}loss: expected >= 50%, measured 0%\n {2}rtt_p50: expected 40 ms ± 2 ms, measured/);

    await lab.impair('h1-h2', { rate: '10mbit' });
    const tcp = await lab.iperf3('h1', 'h2', { durationS: 2 });
    t.match(tcp, { kind: 'iperf3', client: 'h1', server: 'h2', protocol: 'TCP', jitterMs: null });
    expectMetrics(tcp, { throughput: '7mbit..10.5mbit' });
    const udp = await lab.iperf3('h1', 'h2', { durationS: 1, protocol: 'udp', bitrate: '2M' });
    t.ok(udp.lossCounts && udp.lossCounts.sent > 0, 'UDP carries packet counts for the ~N% check');
    expectMetrics(udp, { lossPct: '< 5%', throughputBitPerSec: '>= 1.5mbit' });

    // IPv4 only: the reach helper owns IPv6's just-after-up behaviour (DAD) in the scenario's reach.
    t.match(await lab.reach('all', 'all', { family: 4 }), { kind: 'reach', allReachable: true, metrics: { pairs: 2, unreachable: 0 } });
    await lab.link('h1-h2', 'down');
    const down = await lab.reach('h1', 'h2', { family: 4, timeoutS: 1 });
    t.match(down, { allReachable: false, metrics: { pairs: 1, unreachable: 1 } });
    await lab.link('h1-h2', 'up');
  }, { name: 'apiwl7' });
  assertGone(t, 'apiwl7');
});

t.test('wrong arguments and unknown names: NslabError with code and hint, never a TypeError', { skip }, async (t) => {
  await withLab(TWO, async (lab) => {
    const cases: [string, () => unknown, string][] = [
      ['ping from a number', () => lab.ping(1 as unknown as string, 'h2'), 'E_BAD_ARGUMENT'],
      ['ping an unknown node', () => lab.ping('h1', 'h9'), 'E_UNKNOWN_NODE'],
      ['ping with an unknown option', () => lab.ping('h1', 'h2', { cnt: 3 } as never), 'E_BAD_ARGUMENT'],
      ['ping with a negative count', () => lab.ping('h1', 'h2', { count: -1 }), 'E_BAD_ARGUMENT'],
      ['iperf3 to itself', () => lab.iperf3('h1', 'h1'), 'E_SAME_NODE'],
      ['iperf3 with a bad protocol', () => lab.iperf3('h1', 'h2', { protocol: 'sctp' as never }), 'E_BAD_ARGUMENT'],
      ['reach from an unknown node', () => lab.reach(['h1', 'nope'], 'all'), 'E_UNKNOWN_NODE'],
      ['reach from nothing', () => lab.reach([], 'all'), 'E_BAD_ARGUMENT'],
      ['link unknown', () => lab.link('h1-h9', 'down'), 'E_UNKNOWN_LINK'],
      ['link state wrong', () => lab.link('h1-h2', 'sideways' as never), 'E_BAD_ARGUMENT'],
      ['impair a number', () => lab.impair(3 as unknown as string, {}), 'E_BAD_ARGUMENT'],
      ['impair with a string', () => lab.impair('h1-h2', '10mbit' as never), 'E_BAD_ARGUMENT'],
      ['exec a string', () => lab.exec('h1', 'ls' as never), 'E_BAD_ARGUMENT'],
      ['exec in an unknown node', () => lab.exec('h7', ['true']), 'E_UNKNOWN_NODE'],
    ];
    for (const [what, f, code] of cases) {
      try {
        await f();
        t.fail(`${what}: no error`);
      } catch (e) {
        t.ok(e instanceof NslabError, `${what}: an NslabError (${(e as Error).name}: ${(e as Error).message})`);
        t.equal((e as NslabError).code, code, `${what}: ${code}`);
        t.ok((e as NslabError).hint, `${what}: has a hint`);
      }
    }
  }, { name: 'apiwl8' });
  assertGone(t, 'apiwl8');
});
