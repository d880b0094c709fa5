// OpenFlow switches for real (root, Open vSwitch installed; the host kernel has no openvswitch module, so this is
// OVS's userspace datapath): the learning controller gives pingall; secure mode without a controller passes
// nothing, and a controller process started later (an external one, on the switch's loopback) makes it pass;
// `nslab exec LAB s1 -- ovs-ofctl` reaches s1's own OVS; datapath IDs and OpenFlow port numbers are the documented
// ones; no OVS process, socket or file outlives its lab (after down, and after SIGKILL of `up` plus clean); the
// system's OVS (/etc/openvswitch, /var/run/openvswitch) is never touched.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { Lab } from '../../src/api/index.js';
import type { Journal } from '../../src/model/index.js';
import { StateStore } from '../../src/sys/index.js';
import { cli } from '../helpers/cli.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { ownTopology, ownTopologyFile } from '../helpers/lab.js';
import { umlAvailable } from '../../src/sys/uml.js';
import { writeFileSync } from 'node:fs';
import { sandbox } from '../helpers/sandbox.js';

const box = sandbox();
const env = { NSLAB_STATE_DIR: box.stateDir };

if (!isRoot) t.plan(0, 'needs root (CAP_NET_ADMIN) to create namespaces');
else if (!existsSync('/usr/sbin/ovs-vswitchd') || !existsSync('/usr/bin/ovs-testcontroller'))
  t.plan(0, 'Open vSwitch is not installed (apt-get install openvswitch-switch openvswitch-testcontroller, or scripts/install.sh --dev)');

/** Running (a zombie waiting for a slow pid 1 to reap it has exited). */
function alive(pid: number): boolean {
  try {
    return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Live processes whose command line names an OVS program and this sandbox's state directory or lab names. */
function ovsProcessesOf(pids: number[]): number[] {
  return pids.filter(alive);
}

/** The system's OVS, which no lab may touch: what exists there, with modification times. */
function systemOvs(): string[] {
  return ['/etc/openvswitch', '/var/run/openvswitch', '/var/log/openvswitch'].flatMap((d) =>
    existsSync(d) ? [d, ...readdirSync(d).map((f) => `${d}/${f}@${lstatSync(join(d, f)).mtimeMs}`)] : [],
  );
}

const servicePids = (lab: Lab) => (lab.journal() as Journal).processes.filter((p) => p.service).map((p) => p.pid);

t.test('learning controller: pingall, flows, dpid and port numbers, exec reaches s1 own OVS; nothing left after down', async (t) => {
  const before = hostSnapshot();
  const sys = systemOvs();
  const lab = await Lab.up(ownTopology('topologies/sdn-learning.yaml'));
  let pids: number[] = [];
  let labDir = '';
  try {
    pids = servicePids(lab);
    labDir = new StateStore(box.stateDir).labDir(lab.name);
    t.equal(pids.length, 6, 'ovsdb-server, ovs-testcontroller and ovs-vswitchd in each of 2 switches');
    const r = await lab.reach('all', 'all', { family: 4, timeoutS: 2 });
    t.ok(r.allReachable, `pingall: ${r.pairs.filter((p) => p.reachable).length}/${r.pairs.length}`);
    const flows = await lab.exec('s1', ['ovs-ofctl', 'dump-flows', 'br0']);
    t.equal(flows.exitCode, 0, flows.stderr);
    t.match(flows.stdout, /actions=output:\d/, 'the controller installed flows in s1');
    t.match(flows.stdout, /actions=CONTROLLER/, 'table miss goes to the controller');
    const show1 = await lab.exec('s1', ['ovs-ofctl', 'show', 'br0']);
    t.match(show1.stdout, /dpid:0000000000000001/, 's1 has dpid 1');
    t.match(show1.stdout, / 1\(eth0\):[\s\S]* 2\(eth1\):[\s\S]* 3\(eth2\):/, 'ports numbered in file order');
    const show2 = await lab.exec('s2', ['ovs-ofctl', 'show', 'br0']);
    t.match(show2.stdout, /dpid:0000000000000002/, 's2 has dpid 2 (its own OVS, not s1)');
    const dp = readFileSync(join(labDir, 'nodes/s1/ovs_run/nslab.datapath'), 'utf8').trim();
    t.equal(dp, existsSync('/sys/module/openvswitch') ? 'system' : 'netdev', `datapath ${dp}`);
    // TCP across the userspace datapath (checksum offload carried by userspace-tso-enable).
    const tcp = await lab.iperf3('h1', 'h4', { durationS: 1 });
    t.ok(tcp.throughputBitPerSec > 10e6, `TCP through two OVS switches: ${(tcp.throughputBitPerSec / 1e6).toFixed(0)} Mbit/s`);
  } finally {
    await lab.down();
  }
  await new Promise((res) => setTimeout(res, 200));
  t.same(ovsProcessesOf(pids), [], 'no OVS or controller process is left');
  t.notOk(existsSync(labDir), 'the lab folder (database, sockets, logs) is gone');
  t.same(systemOvs(), sys, "the system's OVS directories are as before");
  hostUnchanged(t, before);
});

t.test('secure mode: no controller passes nothing; a controller process started later makes it pass', async (t) => {
  const before = hostSnapshot();
  const yaml = `name: ofsec
nodes:
  s1: { kind: ovs, controller: none, fail_mode: secure }
  s2: { kind: switch, openflow: true, controller: { address: "tcp:127.0.0.1:6653" } }
  h1: {}
  h2: {}
  h3: {}
  h4: {}
links:
  - [h1, s1]
  - [h2, s1]
  - [h3, s2]
  - [h4, s2]
`;
  const lab = await Lab.up(ownTopology(yaml));
  try {
    const none = await lab.reach(['h1'], ['h2'], { family: 4, timeoutS: 1 });
    t.notOk(none.allReachable, 'controller none, fail_mode secure: h1 cannot reach h2');
    const away = await lab.reach(['h3'], ['h4'], { family: 4, timeoutS: 1 });
    t.notOk(away.allReachable, 'controller address with nobody listening (secure by default): h3 cannot reach h4');
    const flows = await lab.exec('s2', ['ovs-ofctl', 'dump-flows', 'br0']);
    t.notMatch(flows.stdout, /actions=/, 'no flows at all in s2');
    // An external controller: a process of the user's, on s2's loopback.
    const ctl = lab.start('s2', ['ovs-testcontroller', 'ptcp:6653:127.0.0.1']);
    try {
      let ok = false;
      const start = performance.now();
      while (!ok && performance.now() - start < 15_000) ok = (await lab.reach(['h3'], ['h4'], { family: 4, timeoutS: 1 })).allReachable;
      t.ok(ok, `h3 reaches h4 ${Math.round(performance.now() - start)} ms after the controller started`);
      const after = await lab.reach(['h1'], ['h2'], { family: 4, timeoutS: 1 });
      t.notOk(after.allReachable, 's1 (no controller) still passes nothing');
    } finally {
      ctl.kill('SIGKILL');
    }
  } finally {
    await lab.down();
  }
  hostUnchanged(t, before);
});

t.test('os-ken app as the controller (run:)', { skip: existsSync('/usr/bin/osken-manager') ? false : 'python3-os-ken is not installed' }, async (t) => {
  const before = hostSnapshot();
  const lab = await Lab.up(ownTopology('topologies/sdn-osken.yaml'));
  try {
    const r = await lab.reach('all', 'all', { family: 4, timeoutS: 2 });
    t.ok(r.allReachable, `pingall with simple_switch_13: ${r.pairs.filter((p) => p.reachable).length}/${r.pairs.length}`);
    const flows = await lab.exec('s1', ['ovs-ofctl', '-O', 'OpenFlow13', 'dump-flows', 'br0']);
    t.match(flows.stdout, /priority=1,in_port=/, 'the app installed its flows');
  } finally {
    await lab.down();
  }
  hostUnchanged(t, before);
});

t.test('SIGKILL of up while OVS starts, then clean: no OVS process or file is left', async (t) => {
  const before = hostSnapshot();
  const { file, lab } = ownTopologyFile('topologies/sdn-learning.yaml');
  let seen: number[] = [];
  const child = spawn(process.execPath, ['dist/cli/bin.js', 'up', file], { env: { ...process.env, ...env }, stdio: 'ignore' });
  const store = new StateStore(box.stateDir);
  // Killed once the first daemons are journaled (the others may be starting): watch the journal.
  for (let i = 0; i < 1200; i++) {
    seen = store.read(lab)?.processes.filter((p) => p.service).map((p) => p.pid) ?? [];
    if (seen.length >= 3) break;
    await new Promise((res) => setTimeout(res, 25));
  }
  child.kill('SIGKILL');
  await new Promise((res) => child.on('exit', res));
  t.ok(seen.length >= 3, `OVS daemons were running when up was killed (${seen.length})`);
  const clean = await cli(['clean'], { env });
  t.equal(clean.code, 0, clean.stderr);
  await new Promise((res) => setTimeout(res, 200));
  t.same(seen.filter(alive), [], 'every OVS daemon is gone');
  t.notOk(existsSync(join(box.stateDir, lab)), 'the lab folder is gone');
  hostUnchanged(t, before);
});

t.test('kernel datapath under user-mode Linux (openvswitch.ko): pingall, and the switch says system', { skip: umlAvailable().ok ? false : 'user-mode Linux is not installed' }, async (t) => {
  const before = hostSnapshot();
  const { file: topo } = ownTopologyFile('topologies/sdn-learning.yaml');
  const file = join(box.filesDir, 'sdn-uml.yaml');
  writeFileSync(
    file,
    `topology: ${topo}\nsteps:\n  - reach: { from: all, to: all, family: 4 }\n    expect: reachable\n  - exec: { node: s1, cmd: 'cat "$OVS_RUNDIR/nslab.datapath"' }\n    expect: { stdout: "^system$" }\n  - flows: { switch: s2 }\n    expect: { count: ">= 3" }\n`,
  );
  const r = await cli(['run', '--kernel', 'uml', file], { env, timeoutMs: 600_000 });
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.match(r.stdout, /PASS/);
  hostUnchanged(t, before);
});
