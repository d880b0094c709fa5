// A user's lab that is up before the suite's tests and must be exactly as it was after them: same namespaces with
// the same nsfs inodes (not merely the same names), the same journal, and its process still alive in its node. It
// lives in its own state directory, standing in for the real /run/nslab: the tests must never look there, and the
// real one may hold a person's labs that a test run must not even list.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Test } from 'tap';
import { netnsLabPrefix, netnsName } from '../../src/model/index.js';
import { cli } from './cli.js';
import { guardForeign, unguardForeign } from './host.js';
import { sandbox } from './sandbox.js';

export interface Bystander {
  stateDir: string;
  lab: string;
  /** Its namespaces, name → nsfs inode, as they were when it came up. */
  netns: Record<string, number>;
  /** The pid of its start process (in node h1), and that process's start time, which tells a reused pid apart. */
  pid: number;
  startTime: string;
  journal: string;
}

// Outside the ranges the tests' own processes use (sleep 73xx), whose leftovers they look for by command line.
const MARK = 'sleep 9753';

function nsOf(pid: number | string): number | undefined {
  try {
    return Number(/\[(\d+)\]/.exec(readlinkSync(`/proc/${pid}/ns/net`))?.[1]);
  } catch {
    return undefined;
  }
}
const startTime = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return 'gone';
  }
};
function ownNetns(lab: string): Record<string, number> {
  return Object.fromEntries(readdirSync('/run/netns').filter((n) => n.startsWith(netnsLabPrefix(lab))).sort().map((n) => [n, statSync(`/run/netns/${n}`).ino]));
}

/** Bring the bystander up through the CLI, as its user would, in a state directory of its own. */
export async function bystanderUp(): Promise<Bystander> {
  const box = sandbox();
  const stateDir = mkdtempSync(`/run/nslab-user-${box.prefix}-${process.pid}-`);
  // Not the test's prefix: to the suite this is somebody else's lab.
  const lab = `user-${box.prefix}`;
  if (box.owns(netnsLabPrefix(lab))) throw new Error(`bystander name ${lab} carries the test prefix`);
  const file = join(box.filesDir, 'bystander.yaml');
  writeFileSync(file, `name: ${lab}\nnodes:\n  h1: { start: ["${MARK}"] }\n  h2: {}\n  s1: { kind: switch }\nlinks: [[h1, s1], [h2, s1]]\n`);
  const up = await cli(['up', file], { env: { NSLAB_STATE_DIR: stateDir } });
  if (up.code !== 0) throw new Error(`the bystander did not come up: ${up.stderr}`);
  const netns = ownNetns(lab);
  const h1 = netns[netnsName(lab, 'h1')];
  const pid = Number(readdirSync('/proc').find((p) => /^\d+$/.test(p) && nsOf(p) === h1 && readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim() === MARK));
  if (!pid) throw new Error('the bystander has no start process');
  // From now on every host check of the test file also checks that these namespaces are still the same ones.
  guardForeign(netns);
  return { stateDir, lab, netns, pid, startTime: startTime(pid), journal: readFileSync(join(stateDir, lab, 'journal.json'), 'utf8') };
}

/** Exactly as it was: namespaces and inodes, journal, process, and its two hosts still reach each other. */
export function checkBystander(t: Test, b: Bystander, when: string): void {
  t.same(ownNetns(b.lab), b.netns, `${when}: the bystander lab ${b.lab} has the same namespaces, the same ones (inodes)`);
  let journal = '<gone>';
  try {
    journal = readFileSync(join(b.stateDir, b.lab, 'journal.json'), 'utf8');
  } catch {
    /* reported below */
  }
  t.ok(journal === b.journal, `${when}: the bystander's journal is untouched`);
  t.ok(startTime(b.pid) === b.startTime && nsOf(b.pid) === b.netns[netnsName(b.lab, 'h1')], `${when}: the bystander's process ${b.pid} is alive in its node`);
  t.equal((JSON.parse(journal === '<gone>' ? '{}' : journal) as { status?: string }).status, 'up', `${when}: its journal says it is up`);
  // Straight into the namespace, not through the CLI: a node start-up per check would slow the suite down.
  let pinged = '';
  try {
    execFileSync('ip', ['netns', 'exec', netnsName(b.lab, 'h1'), 'ping', '-c', '1', '-W', '2', '10.10.0.2'], { stdio: 'ignore', timeout: 10_000 });
  } catch (e) {
    pinged = (e as Error).message;
  }
  t.equal(pinged, '', `${when}: the bystander still works (h1 pings h2)`);
}

/** Its user takes it down; then its state directory goes too. */
export async function bystanderDown(b: Bystander): Promise<void> {
  unguardForeign(Object.keys(b.netns));
  await cli(['down', b.lab], { env: { NSLAB_STATE_DIR: b.stateDir } });
  rmSync(b.stateDir, { recursive: true, force: true });
}
