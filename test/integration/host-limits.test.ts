// MACs, static ARP and per-node cgroups on the host kernel (issue 16): the generated and the given MACs are the
// kernel's; with arp: static the neighbour entries are PERMANENT and the first ping sends no ARP or neighbour
// solicitation (a node with arp: dynamic, in the same capture, does); a busy loop in a node with cpu: 0.5 gets
// 45-55% of a core (Mininet's testCPULimits), measured as CPU time from the node's cgroup, not wall clock; a node
// over its memory: is OOM-killed; the cgroup directories are gone after down (the host snapshot compares them).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withLab } from '../helpers/lab.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { sandbox } from '../helpers/sandbox.js';
import { cli } from '../helpers/cli.js';
import { StateStore } from '../../src/sys/state.js';
import { generatedMac } from '../../src/features/mac/index.js';
import { nodeCpuNs } from '../../src/sys/cgroup.js';
import type { Lab } from '../../src/api/index.js';
import { formatAddress } from '../../src/model/index.js';

const TOPOLOGY = `
name: hlim
arp: static
nodes:
  h1: {}
  h2: {}
  h3: {}
  h4: { arp: dynamic }
  c1: { cpu: 0.5, memory: 32M }
  s1: { kind: switch }
links:
  - [h1, s1]
  - [h2, s1]
  - [h4, s1]
  - [c1, s1]
  - endpoints: [h3, h1]
    mac: ["02:00:00:00:00:33", null]
`;

const json = async (lab: Lab, node: string, argv: string[]) => JSON.parse((await lab.exec(node, argv)).stdout);

t.test('MACs, static ARP, cpu and memory limits', { timeout: 240_000 }, async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  await withLab(t, TOPOLOGY, async (lab) => {
    // --- MACs: generated (node number, interface number) and given.
    const links = async (node: string) => Object.fromEntries((await json(lab, node, ['ip', '-j', 'link', 'show'])).map((l: { ifname: string; address: string }) => [l.ifname, l.address]));
    const h1 = await links('h1');
    t.equal(h1.eth0, generatedMac(lab.name, 1, 0), "h1:eth0 has the generated address (node 1, interface 0)");
    t.equal(h1.eth1, generatedMac(lab.name, 1, 1), 'h1:eth1: interface 1');
    t.equal((await links('h3')).eth0, '02:00:00:00:00:33', 'h3:eth0 has the address its link gives');
    t.equal((await links('s1')).eth3, generatedMac(lab.name, 6, 3), 'a switch port too');

    // --- Static ARP: PERMANENT entries for every address of the segment, v4, v6 and link-local.
    const topo = lab.topology;
    const h2if = topo.nodes.find((n) => n.name === 'h2')!.interfaces[0];
    const neigh = (await json(lab, 'h1', ['ip', '-j', 'neigh', 'show', 'dev', 'eth0'])) as { dst: string; lladdr: string; state: string[] }[];
    const toH2 = neigh.filter((e) => e.lladdr === h2if.mac);
    t.equal(toH2.length, 3, `h1 knows h2 by 3 addresses (v4, v6, link-local): ${JSON.stringify(toH2)}`);
    t.ok(toH2.every((e) => e.state.includes('PERMANENT')), 'all PERMANENT');
    t.equal(neigh.filter((e) => e.lladdr === topo.nodes.find((n) => n.name === 'h4')!.interfaces[0].mac).length, 3, 'h1 has entries for h4 too (h4 only resolves dynamically itself)');
    t.same(await json(lab, 'h4', ['ip', '-j', 'neigh', 'show']), [], 'h4 (arp: dynamic) starts with an empty table');

    // The first ping sends no ARP and no neighbour solicitation: captured at h2 while h1 pings it (v4, then v6),
    // while h4 (arp: dynamic), the control, pings it too and must be seen asking.
    const h2v4 = formatAddress(4, h2if.ipv4[0].address);
    const h2v6 = formatAddress(6, h2if.ipv6[0].address);
    const cap = lab.start('h2', ['tcpdump', '-l', '-n', '-e', '-i', 'eth0', 'arp or icmp or icmp6']);
    try {
      await cap.waitForOutput(/listening on/, 20_000);
      // Three echoes and a generous wait: at load 20 on 2 cores a veth's packets can sit in the softirq backlog for
      // seconds (ksoftirqd competes with everything else), and single pings with -W2 were lost in 2 of 4 runs. The
      // no-ARP assertions below hold either way.
      const p4 = await lab.exec('h1', ['ping', '-c3', '-i0.2', '-W5', h2v4]);
      const p6 = await lab.exec('h1', ['ping', '-6', '-c3', '-i0.2', '-W5', h2v6]);
      t.equal(p4.exitCode, 0, `h1 reaches h2 (v4): ${p4.stdout}${p4.stderr}`);
      t.equal(p6.exitCode, 0, `h1 reaches h2 (v6): ${p6.stdout}${p6.stderr}`);
      const p4ctl = await lab.exec('h4', ['ping', '-c3', '-i0.2', '-W5', h2v4]);
      t.equal(p4ctl.exitCode, 0, 'h4 reaches h2');
      await new Promise((r) => setTimeout(r, 500));
    } finally {
      cap.kill('SIGINT');
    }
    const lines = (await cap.done).stdout.split('\n');
    const h1mac = h1.eth0;
    const h4mac = topo.nodes.find((n) => n.name === 'h4')!.interfaces[0].mac!;
    const from = (mac: string) => lines.filter((l) => l.startsWith(`${l.split(' ')[0]} ${mac} >`));
    t.ok(from(h1mac).some((l) => /echo request/.test(l)), `the capture saw h1's echo requests: ${lines.join(' | ')}`);
    t.same(from(h1mac).filter((l) => /ARP|neighbor solicitation/.test(l)), [], 'h1 sent no ARP request and no neighbour solicitation');
    t.ok(from(h4mac).some((l) => /ARP.*Request/.test(l)), 'the control: h4 (arp: dynamic) asked by ARP first');

    // The kernel flushes even PERMANENT entries when a device goes down: `link … up` puts them back.
    await lab.link('h1-s1', 'down');
    t.equal(((await json(lab, 'h1', ['ip', '-j', 'neigh', 'show', 'dev', 'eth0'])) as unknown[]).length, 0, 'down flushed them');
    await lab.link('h1-s1', 'up');
    const back = (await json(lab, 'h1', ['ip', '-j', 'neigh', 'show', 'dev', 'eth0'])) as { lladdr: string; state: string[] }[];
    t.equal(back.filter((e) => e.lladdr === h2if.mac && e.state.includes('PERMANENT')).length, 3, 'up restored the entries for h2');

    // --- cgroups: where the node's processes are.
    const cg = lab.journal()!.cgroups!;
    t.same(cg.nodes, ['c1'], 'only the node with limits has a cgroup');
    const inside = (await lab.exec('c1', ['cat', '/proc/self/cgroup'])).stdout;
    for (const d of cg.dirs) t.match(inside, `${d.split('/').slice(-2).join('/')}/c1`, `lab.exec runs in ${d}/c1`);
    t.notMatch((await lab.exec('h1', ['cat', '/proc/self/cgroup'])).stdout, /nslab/, 'a node without limits is in no lab cgroup');

    // --- CPU: a busy loop for 3 s of wall clock; its share is CPU time (the cgroup's) over wall time.
    const cpuStat = () => {
      const d = cg.dirs.find((x) => { try { return /nr_throttled/.test(readFileSync(join(x, 'c1', 'cpu.stat'), 'utf8')); } catch { return false; } });
      const text = d ? readFileSync(join(d, 'c1', 'cpu.stat'), 'utf8') : '';
      const v = (k: string) => Number(new RegExp(`^${k} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
      return { periods: v('nr_periods'), throttled: v('nr_throttled') };
    };
    const cpu0 = nodeCpuNs(cg, 'c1')!;
    const st0 = cpuStat();
    const w0 = process.hrtime.bigint();
    const loop = await lab.exec('c1', ['timeout', '3', 'sh', '-c', 'while :; do :; done']);
    const wallNs = Number(process.hrtime.bigint() - w0);
    const usedNs = nodeCpuNs(cg, 'c1')! - cpu0;
    const st1 = cpuStat();
    t.equal(loop.exitCode, 124, 'the loop ran until timeout stopped it');
    // Over the loop's own 3 s (timeout's clock): the wall time around lab.exec also holds the process start-up,
    // which at load 20 is a good part of a second and would make a correct limit look like 40%.
    const share = usedNs / 3e9;
    const periods = st1.periods - st0.periods;
    const throttled = st1.throttled - st0.throttled;
    t.comment(`cpu: 0.5 → ${(share * 100).toFixed(1)}% of a core (${(usedNs / 1e6).toFixed(0)} ms CPU in the loop's 3 s; ${(wallNs / 1e6).toFixed(0)} ms around lab.exec), throttled in ${throttled}/${periods} periods; load ${readFileSync('/proc/loadavg', 'utf8').trim()}`);
    // A loop that reached its quota was throttled in most periods. One that was not got less only because the
    // machine had no more to give: then the test cannot judge the limit, and says so.
    if (share < 0.45 && throttled < periods / 2)
      t.skip(`the machine is too loaded to give the loop its share: it got ${(share * 100).toFixed(1)}% and was throttled in only ${throttled} of ${periods} periods`);
    else t.ok(share >= 0.45 && share <= 0.55, `the loop got ${(share * 100).toFixed(1)}% of a core: within 45-55%`);

    // --- Memory: 32M; a process holding 200 MB is OOM-killed (tail keeps the whole newline-less input).
    const mem = await lab.exec('c1', ['sh', '-c', 'head -c 200000000 /dev/zero | tail -n 1 > /dev/null']);
    t.equal(mem.exitCode, 137, `the process over memory: 32M was killed (SIGKILL): exit ${mem.exitCode} ${mem.stderr}`);
    const mdir = cg.dirs.find((d) => d.includes('memory')) ?? cg.dirs[0];
    const events = ['memory.oom_control', 'memory.events'].map((f) => { try { return readFileSync(join(mdir, 'c1', f), 'utf8'); } catch { return ''; } }).join('');
    t.match(events, /oom_kill [1-9]/, 'the kernel counted an OOM kill in the node\'s cgroup');
  });
});

t.test('clean after a crashed builder kills what is left in the cgroups and removes them', { timeout: 120_000 }, async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const name = sandbox().lab('hlcrash');
  const before = hostSnapshot();
  // An ephemeral lab (a scenario run's) whose builder is SIGKILLed with a process still running in a limited node.
  const script = `import { Lab } from ${JSON.stringify(resolve('dist/index.js'))};
const lab = await Lab.up({ name: ${JSON.stringify(name)}, nodes: { h1: { cpu: 0.2, memory: '64M' }, h2: {} }, links: [['h1', 'h2']] }, { lifetime: 'ephemeral' });
lab.start('h1', ['sleep', '300']);
await new Promise((r) => setTimeout(r, 300));
process.kill(process.pid, 'SIGKILL');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 60_000 });
  t.equal(r.signal, 'SIGKILL', `the builder died: ${r.stderr}`);
  const j = new StateStore().read(name)!;
  t.ok(j.cgroups?.dirs.length, 'its journal lists the cgroups');
  const pids = [...new Set(j.cgroups!.dirs.flatMap((d) => readFileSync(join(d, 'h1', 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)))];
  t.ok(pids.length >= 1, `a process is still in h1's cgroup: ${pids.join(' ')}`);
  const c = await cli(['clean'], { env: { NSLAB_STATE_DIR: sandbox().stateDir } });
  t.equal(c.code, 0, c.stdout + c.stderr);
  for (const d of j.cgroups!.dirs) t.notOk(existsSync(d), `${d} is gone`);
  // Dead, or a zombie its new parent has not reaped yet (state Z in /proc/PID/stat).
  const alive = (p: string) => { try { return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${p}/stat`, 'utf8')); } catch { return false; } };
  for (const p of pids) t.notOk(alive(p), `process ${p} was killed`);
  hostUnchanged(t, before);
});
