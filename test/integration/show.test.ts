// `nslab show` on a real lab: link states come from the kernel now (a link taken down with `nslab link`, and one
// taken down by hand behind nslab's back), addresses match the kernel's, impairments and errors show.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { hostSnapshot, isRoot } from '../helpers/host.js';
import type { ShowReport } from '../../src/report/show.js';
import { sandbox } from '../helpers/sandbox.js';

// Its own state directory and lab-name prefix: the host checks compare only this file's namespaces.
const box = sandbox();

t.test('show --json: a link down, the others up, addresses as in the kernel, an impairment', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const dir = mkdtempSync(join(tmpdir(), 'nslab-show-it-'));
  const env = { NSLAB_STATE_DIR: box.stateDir };
  const lab = box.lab('shlrl');
  const file = join(dir, 'lrl.yaml');
  writeFileSync(file, readFileSync('topologies/lan-router-lan.yaml', 'utf8').replace(/^name: lrl$/m, `name: ${lab}`));
  const before = hostSnapshot();
  let up = false;
  try {
    const u = await cli(['up', file], { env });
    t.equal(u.code, 0, u.stderr);
    up = u.code === 0;
    const show = async () => {
      const r = await cli(['show', lab, '--json'], { env });
      t.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as ShowReport;
    };
    const first = await show();
    t.equal(first.kernelRead, true, first.kernelError);
    t.same(first.links.map((l) => l.state), ['up', 'up', 'up', 'up', 'up', 'up'], 'all up after up');

    t.equal((await cli(['link', lab, 'h1-s1', 'down'], { env })).code, 0);
    t.equal((await cli(['impair', lab, 'r1-s2', '--rate', '10mbit'], { env })).code, 0);
    const r = await show();
    const state = Object.fromEntries(r.links.map((l) => [`${l.a.split(':')[0]}-${l.b.split(':')[0]}`, l.state]));
    t.same(state, { 'h1-s1': 'down', 'h2-s1': 'up', 's1-r1': 'up', 'r1-s2': 'up', 'h3-s2': 'up', 'h4-s2': 'up' });
    t.equal(r.links[0].requested, 'down');
    t.same(r.links.find((l) => l.a === 'r1:eth1')!.impairments, { 'r1->s2': '10mbit', 's2->r1': '10mbit' });
    t.equal(r.nodes.find((n) => n.name === 'h1')!.interfaces[0].kernel?.adminUp, false);

    // Addresses: what show reports is what `ip -j addr` finds in each node (global scope; link-local is the kernel's own).
    for (const n of r.nodes) {
      t.equal(n.present, true, `${n.name}'s namespace is there`);
      const k = JSON.parse(spawnSync('ip', ['-j', '-n', n.netns, 'addr', 'show'], { encoding: 'utf8' }).stdout) as { ifname: string; addr_info: { family: string; local: string; prefixlen: number; scope: string }[] }[];
      for (const i of n.interfaces) {
        const got = (k.find((x) => x.ifname === i.name)?.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`).sort();
        t.same(i.kernel?.addresses.slice().sort(), got, `${n.name}:${i.name}: the addresses show read are the kernel's`);
        // The kernel flushes a link's IPv6 addresses when it goes down (net.ipv6.conf.*.keep_addr_on_down = 0).
        if (n.name !== 'h1') t.same(got, [...i.ipv4, ...i.ipv6].sort(), `${n.name}:${i.name}: the lab's addresses are there`);
      }
    }

    // Read from the kernel, not the journal: a link taken down by hand shows as down (its peer loses carrier).
    const h2 = r.nodes.find((n) => n.name === 'h2')!;
    t.equal(spawnSync('ip', ['-n', h2.netns, 'link', 'set', 'eth0', 'down']).status, 0);
    const byHand = await show();
    t.equal(byHand.links[1].state, 'down', 'h2-s1 is down though the journal never heard of it');
    t.equal(byHand.links[1].requested, undefined);
    t.equal(byHand.nodes.find((n) => n.name === 's1')!.interfaces.find((i) => i.peer === 'h2:eth0')!.kernel?.carrier, false, "the switch's port lost carrier");

    const human = await cli(['show', lab], { env });
    t.equal(human.code, 0);
    t.match(human.stdout, /^h1:eth0 <-> s1:eth0 +down$/m);
    t.match(human.stdout, /^h1 +host +eth0 +down \(admin down\) +s1:eth0 +10\.10\.0\.2\/24 fd00:10::2\/64 \(not in the kernel: fd00:10::2\/64\)$/m);
    t.match(human.stdout, /^r1:eth1 <-> s2:eth0 +up +r1->s2: 10mbit; s2->r1: 10mbit$/m);
  } finally {
    if (up) {
      const d = await cli(['down', lab], { env });
      t.equal(d.code, 0, d.stderr);
    }
    const gone = await cli(['show', lab], { env });
    t.equal(gone.code, 2, 'a lab that is not up is exit 2');
    t.match(gone.stderr, /E_NO_SUCH_LAB/);
    rmSync(dir, { recursive: true, force: true });
    t.same(hostSnapshot(), before, 'host links, addresses, routes, /run/netns, nftables and sysctls are as before');
  }
});
