// The user-mode Linux agent (sys/uml-agent.ts): nslab on the host drives a UML kernel through a small Perl agent.
// - Equivalence: a lab built through the agent has the same kernel state inside UML as the same lab built by nslab's
//   host executor running inside UML (the previous design), apart from the htb burst, which the agent's path sets
//   to one timer tick on purpose (checked separately).
// - Crash and teardown: a killed UML kernel leaves no process and no temp dir; a SIGKILLed nslab (rootless) takes
//   its kernel with it (setpriv --pdeathsig), and the next boot sweeps the temp dir it could not remove.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../../src/api/index.js';
// The previous design runs the compiled CLI inside UML (cliEntry is relative to the module): take it from dist/.
import { runScriptInUml } from '../../dist/api/index.js';
import { StateStore } from '../../src/sys/index.js';
import { agentStateDir, UmlAgent } from '../../src/sys/uml-agent.js';
import { umlAvailable } from '../../src/sys/uml.js';
import { loadTopologyText } from '../../src/topology/index.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { sandbox } from '../helpers/sandbox.js';

const avail = umlAvailable();
const skip = avail.ok ? false : `user-mode Linux not installed: ${avail.reason}`;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
if (avail.ok) sandbox(); // own state dir; and the host checks then leave other people's UML kernels out of it

const files = mkdtempSync(join(tmpdir(), 'nslab-agent-test-'));
chmodSync(files, 0o755); // the rootless run (uid 65534) reads its scenario here
t.teardown(() => rmSync(files, { recursive: true, force: true }));

// A switch (bridge), a router, a shaped link (htb + netem below it) and a netem-only link.
const TOPOLOGY = `name: agq
nodes:
  h1: {}
  h2: {}
  h3: {}
  s1: { kind: switch }
  r1: { kind: router }
links:
  - [h1, s1]
  - [h3, s1]
  - endpoints: [s1, r1]
    rate: 20mbit
    delay: 5ms
  - endpoints: [r1, h2]
    delay: 3ms
    loss: 1%
`;

// Every namespace's links, addresses, routes, qdiscs, classes and forwarding, in a stable order.
// First let linkwatch catch up (a veth's carrier is reported a moment after `ip link set up`, later under load).
const DUMP = `for i in $(seq 100); do ip -all netns exec ip -o link show 2>/dev/null | grep -q NO-CARRIER || break; sleep 0.05; done
for ns in $(ip netns list | cut -d' ' -f1 | sort); do
  echo "== $ns"
  ip -n $ns -d -o link show
  ip -n $ns -o addr show
  ip -n $ns route show table all
  ip -n $ns -6 route show table all
  tc -n $ns qdisc show
  for d in $(ip -n $ns -o link show | cut -d: -f2 | cut -d@ -f1); do tc -n $ns class show dev $d; done
  ip netns exec $ns sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding
done
`;

/**
 * What may differ between two builds of one lab: interface indexes, MACs, link-local addresses, the loopback tag,
 * and the order of lines within a namespace (routes appear in the order links came up). One string per namespace.
 */
function normalise(dump: string): string[] {
  return normaliseLines(dump)
    .split('\n== ')
    .map((section) => section.split('\n').sort().join('\n'));
}

function normaliseLines(dump: string): string {
  return dump
    .split('\n')
    .filter((l) => !/scope link/.test(l) || !/fe80::/.test(l))
    .map((l) =>
      l
        .replace(/^\d+: /, 'N: ')
        .replace(/link\/ether \S+ brd \S+/g, 'link/ether MAC')
        .replace(/(link-netns(id)?) \S+/g, '$1 X')
        .replace(/\balias \S+/g, 'alias TAG')
        .replace(/\b(altname|bridge_id|designated_root|designated_bridge|root_id) \S+/g, '$1 X')
        .replace(/\b(hello_timer|tcn_timer|topology_change_timer|gc_timer|forward_delay_timer|hold_timer|message_age_timer)\s+\S+/g, '$1 X')
        .replace(/\bburst \S+ cburst \S+/g, 'burst B cburst B')
        .replace(/ +$/, ''),
    )
    .join('\n');
}

function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

t.test('a lab built through the agent has the kernel state of the host executor run inside UML', { skip }, async (t) => {
  const before = hostSnapshot();
  const file = join(files, 'agq.yaml');
  writeFileSync(file, TOPOLOGY);

  // The previous design: nslab itself (Node) inside UML, building with the host executor.
  const old = await runScriptInUml(`nslab up ${file} >/dev/null || exit 9\n${DUMP}\nnslab down agq >/dev/null`, { timeoutMs: 10 * 60_000 });
  t.equal(old.exitCode, 0, 'nslab inside UML built, dumped and removed the lab', { output: old.output.slice(-3000) });

  const agent = await UmlAgent.boot();
  const pgid = (agent as unknown as { child: { pid: number } }).child.pid;
  try {
    const lab = await Lab.up(loadTopologyText(TOPOLOGY, 'agq.yaml'), { runner: agent.runner, store: new StateStore(agentStateDir(agent)) });
    const r = await agent.runner.run('sh', ['-s'], { input: DUMP, timeoutMs: 120_000 });
    t.equal(r.exitCode, 0, 'dumped the state through the agent');
    t.same(normalise(r.stdout), normalise(old.output), 'same links, addresses, routes, qdiscs, classes and sysctls');
    t.match(r.stdout, /== nslab-agq\.r1/, 'the dump saw the lab');

    // htb bursts: one UML tick (HZ 100, 10 ms) at 20mbit is 25000 bytes, where the host executor uses 1 ms (at
    // least two frames: 3028).
    t.match(r.stdout, /class htb 1:1 root leaf 10: prio 0 rate 20Mbit ceil 20Mbit burst 25000b cburst 25000b/, 'agent path: 10 ms htb burst');
    // (tc prints the burst back through its tick conversion: 3028 bytes show as 3025b.)
    t.match(old.output, /class htb 1:1 root leaf 10: prio 0 rate 20Mbit ceil 20Mbit burst 302\db cburst 302\db/, 'host executor: 1 ms (two frames)');

    // Runtime changes go the same way: an impairment change, read back inside.
    await lab.impair('r1-h2', { delay: '7ms' });
    const q = await agent.runner.run('tc', ['-n', lab.netnsOf('r1'), 'qdisc', 'show'], { timeoutMs: 30_000 });
    t.match(q.stdout, /netem 10: dev \S+ root .*delay 7ms/, 'impair applied through the agent');

    // The hook for emulation-health sampling inside the guest.
    const late = await agent.timerLateness(5, 20);
    t.equal(late.length, 20, '20 timer-lateness samples from inside UML');
    t.ok(late.every((x) => Number.isFinite(x) && x > -1000), `samples are microseconds after each deadline: ${late.join(' ')}`);
    await lab.down();
  } finally {
    await agent.close();
  }
  t.ok(groupGone(pgid), 'the kernel and all its helper processes are gone after close()');
  t.notOk(existsSync(agent.dir), 'its temp dir is gone');
  hostUnchanged(t, before, 'host unchanged: the lab lived inside user-mode Linux');
});

t.test('a killed UML kernel leaves nothing: no process, no temp dir, nothing on the host', { skip }, async (t) => {
  const before = hostSnapshot();
  const agent = await UmlAgent.boot();
  const pgid = (agent as unknown as { child: { pid: number } }).child.pid;
  const lab = await Lab.up(loadTopologyText(TOPOLOGY, 'agq.yaml'), { runner: agent.runner, store: new StateStore(agentStateDir(agent)) });
  const sleeper = lab.start('h1', ['sleep', '600']);
  await agent.kill();
  const r = await sleeper.done;
  t.not(r.exitCode, 0, `the node's process ended with the kernel (exit ${r.exitCode})`);
  t.ok(groupGone(pgid), 'no process of the kernel left');
  t.notOk(existsSync(agent.dir), 'its temp dir (and the lab state in it) is gone');
  await t.rejects(agent.runner.run('true', []), { code: 'E_UML_AGENT' }, 'the agent refuses work once its kernel is dead');
  hostUnchanged(t, before, 'host unchanged');
});

t.test('nslab killed with SIGKILL (rootless) takes its kernel along; the next boot sweeps its temp dir', { skip }, async (t) => {
  const before = hostSnapshot();
  const scen = join(files, 'sleep.yaml');
  writeFileSync(scen, 'name: agsleep\ntopology:\n  name: agsleep\n  nodes:\n    h1: {}\n    h2: {}\n  links:\n    - [h1, h2]\nsteps:\n  - sleep: 600s\n');
  const base = '/tmp';
  const dirsBefore = new Set(readdirSync(base).filter((e) => e.startsWith('nslab-uml-')));
  // env -u NODE_OPTIONS: tap's coverage hooks would make the child write where `nobody` may not.
  const cmd = ['env', '-u', 'NODE_OPTIONS', `TMPDIR=${base}`, 'HOME=/nonexistent', 'NO_COLOR=1', process.execPath, 'dist/cli/bin.js', 'run', '--kernel', 'uml', scen];
  const [file, args] = isRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...cmd]] : [cmd[0], cmd.slice(1)];
  const child = spawn(file, args as string[], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const up = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 180_000);
    const on = (d: Buffer) => {
      out += d.toString();
      if (/lab up in/.test(out)) {
        clearTimeout(timer);
        resolve(true);
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.on('close', () => (clearTimeout(timer), resolve(false)));
  });
  t.ok(up, `the rootless run built its lab in UML: ${out}`);
  const mine = readdirSync(base).filter((e) => e.startsWith('nslab-uml-') && !dirsBefore.has(e));
  t.equal(mine.length, 1, 'one new temp dir: this run’s kernel');
  const dir = join(base, mine[0] ?? 'none');
  const pid = Number(readFileSync(join(dir, 'nslab', 'pid'), 'utf8'));
  // The node process is setpriv's exec: kill it, not setpriv's parent.
  child.kill('SIGKILL');
  // Generous: under load (2 cores, load 20+) the kernel's SIGTERM handling took over 20 s once.
  const deadline = Date.now() + 90_000;
  const leaderGone = () => !existsSync(`/proc/${pid}`) || /^\S+ \S+ Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/\(.*\)/, 'x'));
  while (Date.now() < deadline && !leaderGone()) await new Promise((r) => setTimeout(r, 100));
  t.ok(leaderGone(), 'the kernel followed nslab (pdeathsig)');
  const helpers = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p) && (() => { try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`uml_dir=${dir}\0`); } catch { return false; } })());
  t.ok(existsSync(dir), 'a SIGKILLed nslab could not remove its temp dir');
  // The sweep runs as the dir's owner (a user's nslab never removes another user's dirs).
  const sweep = `import(${JSON.stringify(join(repoRoot, 'dist/sys/uml.js'))}).then((m) => console.log(JSON.stringify(m.sweepStaleTempDirs(${JSON.stringify(base)}, 0))))`;
  const sw = spawnSync(isRoot ? 'setpriv' : process.execPath, isRoot ? ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-u', 'NODE_OPTIONS', process.execPath, '-e', sweep] : ['-e', sweep], { encoding: 'utf8', timeout: 30_000 });
  const swept = JSON.parse(sw.stdout.trim().split('\n').at(-1) || '[]') as string[];
  t.ok(swept.includes(dir), `the sweep at the next boot removes it (${sw.stdout}${sw.stderr})`);
  t.notOk(existsSync(dir), 'gone');
  t.same(helpers(), [], 'no process of that kernel left anywhere (an orphaned helper is killed by the sweep)');
  hostUnchanged(t, before, 'host unchanged');
});

t.test('a scenario link step takes a link down and up under UML (no nftables netdev family there)', { skip }, async (t) => {
  const before = hostSnapshot();
  const r = spawnSync(process.execPath, [join(repoRoot, 'dist/cli/bin.js'), 'run', '--kernel', 'uml', 'test/fixtures/scenarios/link-uml.yaml'], { encoding: 'utf8', timeout: 180_000, cwd: repoRoot });
  t.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  t.match(r.stdout, /ok\s+2\s+link h2-s1 down/, 'down worked');
  t.match(r.stdout, /ok\s+3\s+ping h1 → h2.*loss 100%/, 'and cut the link');
  t.match(r.stdout, /ok\s+5\s+ping h1 → h2.*loss 0%/, 'up brought it back');
  hostUnchanged(t, before);
});
