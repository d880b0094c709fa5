// What "the host is untouched" means, checked before and after every integration test: the host namespace's
// links (without counters), addresses, routes (v4 and v6), nftables rules and forwarding sysctls, exactly; the
// test's own namespaces (its lab prefix, see sandbox.ts) and own state directory, exactly; everybody else's
// namespaces and labs, by the promise nslab makes about them: none disappeared or was replaced (see hostUnchanged
// for what the suite can attribute). Plus no stray user-mode Linux kernels.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Test } from 'tap';
import { DEFAULT_STATE_DIR } from '../../src/model/index.js';
import { activeSandbox } from './sandbox.js';
import { cgroupMounts } from '../../src/sys/cgroup.js';

function run(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return '<unavailable>';
  }
}

export interface HostSnapshot {
  links: string;
  addresses: string;
  routes4: string;
  routes6: string;
  /** The test's own namespaces (their lab names begin with its prefix); none for a test file without a sandbox,
   * which makes no lab on the host (user-mode Linux keeps its namespaces inside the guest). */
  netns: string[] | 'absent';
  /** Everybody else's namespaces with their nsfs inodes: other people come and go, so only losses count. */
  foreignNetns: Record<string, number | null>;
  /** The labs in the test's own state directory ('absent' also for a test file without a sandbox). */
  nslabState: string[] | 'absent';
  /** The labs in the real state directory (/run/nslab), which no test may use: only losses count. */
  foreignState: string[];
  nftables: string;
  /** The test's own labs' cgroup directories (<mount>/nslab/<lab>.<build id>, see sys/cgroup.ts), in every
   * hierarchy; 'absent' for a test file without a sandbox. */
  cgroups: string[] | 'absent';
  sysctls: Record<string, string>;
  umlProcesses: string;
}

const list = (dir: string): string[] | 'absent' => (existsSync(dir) ? readdirSync(dir).sort() : 'absent');

function inode(path: string): number | null {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
}

/** Every lab cgroup directory on the host, in every hierarchy (mounts from /proc/self/mounts). */
function labCgroups(): string[] {
  const { v2, v1 } = cgroupMounts(readFileSync('/proc/self/mounts', 'utf8'));
  const out: string[] = [];
  for (const m of new Set([v2, ...v1.values()].filter((x): x is string => !!x))) {
    const parent = `${m}/nslab`;
    if (existsSync(parent)) for (const e of readdirSync(parent, { withFileTypes: true })) if (e.isDirectory()) out.push(`${parent}/${e.name}`);
  }
  return out.sort();
}

export function hostSnapshot(): HostSnapshot {
  const sysctls: Record<string, string> = {};
  for (const k of ['net/ipv4/ip_forward', 'net/ipv6/conf/all/forwarding']) {
    try {
      sysctls[k] = readFileSync(`/proc/sys/${k}`, 'utf8').trim();
    } catch {
      sysctls[k] = '<unavailable>';
    }
  }
  const box = activeSandbox();
  const netns = list('/run/netns');
  const own = (n: string) => box?.owns(n) ?? false;
  const realState = list(DEFAULT_STATE_DIR);
  return {
    // -br drops counters and flags that change with traffic; state stays.
    links: run('ip', ['-br', 'link']),
    addresses: run('ip', ['-br', 'addr']),
    routes4: run('ip', ['-4', 'route', 'show', 'table', 'all']),
    routes6: run('ip', ['-6', 'route', 'show', 'table', 'all']).split('\n').filter((l) => !/^(local|multicast|anycast) /.test(l) || !/ dev (veth|nslab)/.test(l)).join('\n'),
    netns: netns === 'absent' ? netns : netns.filter(own),
    foreignNetns: netns === 'absent' ? {} : Object.fromEntries(netns.filter((n) => !own(n)).map((n) => [n, inode(`/run/netns/${n}`)])),
    // nslab removes its state directory when the last lab goes (and makes it again): gone is empty.
    nslabState: box ? (existsSync(box.stateDir) ? readdirSync(box.stateDir).sort() : []) : 'absent',
    foreignState: realState === 'absent' ? [] : realState,
    nftables: existsSync('/usr/sbin/nft') ? run('nft', ['list', 'ruleset']) : '<no nft>',
    cgroups: box ? labCgroups().filter((d) => box.owns(`nslab-${d.split('/').pop()!.split('.')[0]}.x`)) : 'absent',
    sysctls,
    // Test files that build labs on the host (those with a sandbox) boot no user-mode kernel, and other people's
    // runs boot theirs meanwhile: only the user-mode Linux test files, which have no sandbox, count kernels.
    umlProcesses: box ? '<not compared: no user-mode kernel in this test file>' : run('pgrep', ['-x', 'linux']).trim(),
  };
}

/** Everybody else's namespaces and labs that were there before and are gone, or were replaced, now. */
export function foreignLosses(before: HostSnapshot, after: HostSnapshot): string[] {
  const gone = Object.entries(before.foreignNetns)
    .filter(([n, ino]) => after.foreignNetns[n] !== ino)
    .map(([n, ino]) => (n in after.foreignNetns ? `namespace ${n} replaced (inode ${ino} -> ${after.foreignNetns[n]})` : `namespace ${n} gone`));
  for (const lab of before.foreignState) if (!after.foreignState.includes(lab)) gone.push(`lab ${lab} gone from ${DEFAULT_STATE_DIR}`);
  return gone;
}

/**
 * Namespaces that are not the test's and that nobody but the test itself will remove while it runs: a user's lab
 * that a test brought up to stand by (bystander.ts), name → nsfs inode. Losing one of these is the suite's doing.
 */
const guarded = new Map<string, number>();
export function guardForeign(netns: Record<string, number>): void {
  for (const [n, ino] of Object.entries(netns)) guarded.set(n, ino);
}
export function unguardForeign(names: Iterable<string>): void {
  for (const n of names) guarded.delete(n);
}

/**
 * The host as before: everything the test could have changed compared exactly (host namespace, own namespaces, own
 * state), and nothing of anybody else's lost. Other people's labs come and go on a shared machine, and the suite
 * cannot tell their own `down` from a lab it destroyed: a loss fails the test when the namespace was guarded (a
 * stand-by lab only the test controls), and is listed in a comment otherwise, for a person to judge.
 */
export function hostUnchanged(t: Test, before: HostSnapshot, what = 'host links, addresses, routes, own namespaces and state, nftables and sysctls are as before'): HostSnapshot {
  const after = hostSnapshot();
  const { foreignNetns: _a, foreignState: _b, ...mine } = after;
  const { foreignNetns: _c, foreignState: _d, ...was } = before;
  t.same(mine, was, what);
  const lost = foreignLosses(before, after);
  const guardedLost = [...guarded].filter(([n, ino]) => after.foreignNetns[n] !== ino).map(([n]) => n);
  if (guarded.size) t.same(guardedLost, [], `${what}: the stand-by labs' namespaces (${guarded.size}) are all there, the same ones`);
  const others = lost.filter((l) => !guardedLost.some((n) => l.startsWith(`namespace ${n} `)));
  if (others.length) t.comment(`not the test's, and gone or replaced meanwhile (their owners', as far as the suite can tell): ${others.join(', ')}`);
  return after;
}

export const isRoot = process.geteuid?.() === 0;
