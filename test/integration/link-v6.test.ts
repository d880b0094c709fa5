// `nslab link LAB X down` then `up` on a dual-stack lab: the kernel deletes a link's IPv6 addresses when it goes
// down (keep_addr_on_down = 0) and nothing re-adds them by itself (addrgenmode none), so `up` must, or IPv6 across
// that link stays dead and `nslab show` lists the addresses as not in the kernel. Checked on the real kernel: the
// lab's IPv6 addresses (and the link-local one nslab assigns) are back in both ends and ping6 across works at once.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import type { ShowReport } from '../../src/report/show.js';
import { sandbox } from '../helpers/sandbox.js';

// Its own state directory and lab-name prefix: the host checks compare only this file's namespaces.
const box = sandbox();

type KernelAddr = { family: string; local: string; prefixlen: number; scope: string };

function v6Addresses(netns: string, ifname: string): { global: string[]; linkLocal: string[] } {
  const r = spawnSync('ip', ['-j', '-n', netns, 'addr', 'show', 'dev', ifname], { encoding: 'utf8' });
  const info = ((JSON.parse(r.stdout || '[]') as { addr_info: KernelAddr[] }[])[0]?.addr_info ?? []).filter((a) => a.family === 'inet6');
  const of = (scope: string) => info.filter((a) => a.scope === scope).map((a) => `${a.local}/${a.prefixlen}`).sort();
  return { global: of('global'), linkLocal: of('link') };
}

const cases = [
  // Both ends are hosts: every address of the link is lost on down.
  { topo: 'two-hosts', rename: /^name: two-hosts$/m, lab: box.lab('v6th'), links: ['h1-h2'], from: 'h1', to: 'h2' },
  // A host's LAN port and the router's: h1's default route via r1 goes with the link too, and ping6 crosses r1.
  { topo: 'lan-router-lan', rename: /^name: lrl$/m, lab: box.lab('v6lrl'), links: ['h1-s1', 'r1-s2'], from: 'h1', to: 'h3' },
];

for (const c of cases) {
  t.test(`${c.topo}: link down, link up, the IPv6 addresses are back and ping6 across works`, async (t) => {
    if (!isRoot) return t.skip('needs root to build labs');
    const dir = mkdtempSync(join(tmpdir(), 'nslab-link-v6-'));
    const env = { NSLAB_STATE_DIR: box.stateDir };
    const file = join(dir, `${c.topo}.yaml`);
    writeFileSync(file, readFileSync(`topologies/${c.topo}.yaml`, 'utf8').replace(c.rename, `name: ${c.lab}`));
    const before = hostSnapshot();
    let up = false;
    try {
      const u = await cli(['up', file], { env });
      t.equal(u.code, 0, u.stderr);
      up = u.code === 0;
      if (!up) return;
      const s = await cli(['show', c.lab, '--json'], { env });
      t.equal(s.code, 0, s.stderr);
      const report = JSON.parse(s.stdout) as ShowReport;
      const node = (name: string) => report.nodes.find((n) => n.name === name)!;
      const target = node(c.to).interfaces.find((i) => i.ipv6.length)!.ipv6[0].split('/')[0];
      // The ends of link `a-b` that carry IPv6 addresses (a switch's port has none).
      const ends = (l: string) => {
        const [a, b] = l.split('-');
        return [[a, b], [b, a]].flatMap(([x, y]) => node(x).interfaces.filter((i) => i.peer.startsWith(`${y}:`) && i.ipv6.length).map((i) => ({ n: node(x), i })));
      };

      for (const l of c.links) {
        const d = await cli(['link', c.lab, l, 'down'], { env });
        t.equal(d.code, 0, d.stderr);
        // The premise: down really took them (else this test proves nothing).
        for (const { n, i } of ends(l)) t.same(v6Addresses(n.netns, i.name).global, [], `${l} down: ${n.name}:${i.name} has lost its IPv6 addresses`);
        const u2 = await cli(['link', c.lab, l, 'up'], { env });
        t.equal(u2.code, 0, u2.stderr);
      }

      // blackhole keeps the carrier, so the addresses never go; its `up` re-adds them over themselves (addr replace).
      for (const st of ['blackhole', 'up']) {
        const r = await cli(['link', c.lab, c.links[0], st], { env });
        t.equal(r.code, 0, `${c.links[0]} ${st}: ${r.stderr}`);
      }

      // Every address-bearing end of the links touched has the lab's IPv6 addresses again, and a link-local one.
      for (const l of c.links)
        for (const { n, i } of ends(l)) {
          const got = v6Addresses(n.netns, i.name);
          t.same(got.global, i.ipv6.slice().sort(), `${n.name}:${i.name}: the lab's IPv6 addresses are back`);
          t.equal(got.linkLocal.length, 1, `${n.name}:${i.name}: its link-local address is back`);
        }

      // The first ping6 answers (one probe, 2 s): no lost neighbour solicitation, no tentative address.
      const p = spawnSync('ip', ['netns', 'exec', node(c.from).netns, 'ping', '-6', '-n', '-c', '1', '-W', '2', target], { encoding: 'utf8' });
      t.equal(p.status, 0, `ping6 ${c.from} -> ${c.to} (${target}) after down/up: ${p.stdout}${p.stderr}`);
      const rtt = /time=([\d.]+) ms/.exec(p.stdout)?.[1];
      t.comment(`first ping6 ${c.from} -> ${c.to} after down/up: ${rtt ?? '-'} ms`);

      const after = await cli(['show', c.lab], { env });
      t.notMatch(after.stdout, /not in the kernel/, 'show finds every address in the kernel');
    } finally {
      if (up) {
        const d = await cli(['down', c.lab], { env });
        t.equal(d.code, 0, d.stderr);
      }
      rmSync(dir, { recursive: true, force: true });
      hostUnchanged(t, before);
    }
  });
}
