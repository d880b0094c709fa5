#!/usr/bin/env node
// Crash trials for issue 11 (ownership): SIGKILL `nslab up` at a random moment, with foreign namespaces and processes
// around (near-miss names, and look-alikes that take the crashed lab's names after the crash, often with the same
// inode), then `down` or `clean`. Counts what was deleted or killed that was not nslab's (must be 0) and what residue
// nslab left. Root only; uses dist/ (npm run build first), a private state dir, and lab names starting with LAB.
//   node scripts/crash-trials.mjs [TRIALS=30] [NODES=80] [LAB=ownc]
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [trials = 30, nodes = 80] = process.argv.slice(2, 4).map(Number);
const lab = process.argv[4] ?? 'ownc';
const cli = join(import.meta.dirname, '..', 'dist', 'cli', 'bin.js');
const state = mkdtempSync(join(tmpdir(), 'nslab-crash-'));
const sh = (f, a) => execFileSync(f, a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const trySh = (f, a) => { try { return sh(f, a); } catch { return undefined; } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const ino = (ns) => { try { return statSync(`/run/netns/${ns}`).ino; } catch { return undefined; } };
const alive = (pid) => { try { return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } };
const netns = () => (existsSync('/run/netns') ? readdirSync('/run/netns') : []);
const labNs = (n) => `nslab-${lab}.${n}`;
const run = (args, env = {}) =>
  new Promise((resolve) => {
    const p = spawn(process.execPath, [cli, ...args], { env: { ...process.env, NSLAB_STATE_DIR: state, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ code, out }));
  });

/** A foreign namespace with a sleeping process inside: what nslab must never delete or kill. */
async function foreign(ns) {
  trySh('ip', ['netns', 'add', ns]);
  const p = spawn('ip', ['netns', 'exec', ns, 'sleep', '600'], { detached: true, stdio: 'ignore' });
  p.unref();
  const want = `net:[${ino(ns)}]`;
  for (let i = 0; i < 100; i++) {
    try { if (readlinkSync(`/proc/${p.pid}/ns/net`) === want) break; } catch { /* starting */ }
    await sleep(10);
  }
  return { ns, inode: ino(ns), pid: p.pid };
}

const totals = { trials: 0, foreignNamespaces: 0, foreignProcesses: 0, foreignDeleted: 0, foreignKilled: 0, residueNamespaces: 0, residueState: 0, residueProcs: 0, untaggedReported: 0, lookAlikesAfterCrash: 0, byMode: {}, stages: {}, teardownFailures: 0 };
// Time a full build first (from the journal's first write to the end), to spread the kill points over it: Node's
// start-up before the journal can take seconds on a loaded machine, and a kill there tests nothing.
const journalFile = join(state, lab, 'journal.json');
async function untilJournal(child) {
  while (!existsSync(journalFile) && child.exitCode === null && child.signalCode === null) await sleep(5);
  return Date.now();
}
const calib = spawn(process.execPath, [cli, 'up', '--topo', `single,${nodes}`, '--name', lab], { env: { ...process.env, NSLAB_STATE_DIR: state }, stdio: 'ignore' });
const t0 = await untilJournal(calib);
await new Promise((r) => calib.on('exit', r));
const buildMs = Date.now() - t0;
await run(['down', lab]);
console.log(`build of single,${nodes} after its journal: ${buildMs} ms; kill points spread over 0..${Math.round(buildMs * 1.1)} ms after the journal appears`);

for (let i = 0; i < trials; i++) {
  const mode = ['relay', 'no-relay', 'relay'][i % 3];
  let teardown = i % 2 ? 'down' : 'clean';
  const env = mode === 'no-relay' ? { NSLAB_NO_RELAY: '1' } : {};
  // Near-miss names that an old separator would have confused with the lab's, and a bare name.
  const planted = [await foreign(`nslab-${lab}-z.h1`), await foreign(`nslab-${lab}x.h1`), await foreign(`${lab}-victim`)];
  const killAt = Math.round(Math.random() * buildMs * 1.1);
  const up = spawn(process.execPath, [cli, 'up', '--topo', `single,${nodes}`, '--name', lab], { env: { ...process.env, NSLAB_STATE_DIR: state, ...env }, stdio: 'ignore' });
  await untilJournal(up);
  await sleep(killAt);
  const stage = (() => { try { const j = JSON.parse(readFileSync(journalFile, 'utf8')); return j.status === 'up' ? 'up (finished)' : `${j.stages.at(-1)?.name ?? 'none'}:${j.stages.at(-1)?.state ?? ''}`; } catch { return 'no journal'; } })();
  totals.stages[stage] = (totals.stages[stage] ?? 0) + 1;
  if (stage === 'up (finished)') teardown = 'down'; // a finished lab is persistent: clean leaves it, by design
  up.kill('SIGKILL');
  await new Promise((r) => (up.exitCode !== null || up.signalCode !== null ? r() : up.on('exit', r)));
  await sleep(100);
  // After the crash someone takes some of the lab's names: recreated (often the same inode) or new, each with a process.
  const names = [`s1`, ...Array.from({ length: nodes }, (_, k) => `h${k + 1}`)].map(labNs);
  for (const n of [...names].sort(() => Math.random() - 0.5).slice(0, 3)) {
    if (existsSync(`/run/netns/${n}`)) trySh('ip', ['netns', 'del', n]);
    planted.push(await foreign(n));
    totals.lookAlikesAfterCrash++;
  }
  const r1 = await run([teardown, ...(teardown === 'down' ? [lab] : []), '--json'], env);
  const r2 = await run(['clean'], env); // mop up what down could not (a claim without a journal)
  totals.untaggedReported += (r1.out.match(/not proven ours|carries no nslab tag|not ours/g) ?? []).length;
  // What was not nslab's and is gone.
  let deleted = 0;
  let killed = 0;
  for (const f of planted) {
    if (ino(f.ns) !== f.inode) deleted++;
    if (!alive(f.pid)) killed++;
  }
  const residue = netns().filter((n) => n.startsWith(`nslab-${lab}.`) && !planted.some((f) => f.ns === n));
  const ownerProcs = readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => { try { return readFileSync(`/proc/${p}/environ`, 'latin1').includes(`NSLAB_OWNED_BY=${lab}:`); } catch { return false; } });
  const stateLeft = existsSync(join(state, lab)) ? 1 : 0;
  totals.trials++;
  totals.foreignNamespaces += planted.length;
  totals.foreignProcesses += planted.length;
  totals.foreignDeleted += deleted;
  totals.foreignKilled += killed;
  totals.residueNamespaces += residue.length;
  totals.residueProcs += ownerProcs.length;
  totals.residueState += stateLeft;
  totals.byMode[mode] = (totals.byMode[mode] ?? 0) + 1;
  if (r1.code !== 0) totals.teardownFailures++;
  console.log(`trial ${i + 1} (${mode}, kill ${killAt} ms after the journal, in stage ${stage}, ${teardown}): foreign deleted ${deleted}, killed ${killed}; residue: ${residue.length} namespaces${residue.length ? ` (${residue.join(' ')})` : ''}, ${ownerProcs.length} processes, state ${stateLeft}; exit ${r1.code}/${r2.code}${r1.code ? ` (${r1.out.trim().split('\n')[0].slice(0, 200)})` : ''}`);
  // Put things back: foreign ones (ours, as the test's), then any residue, by hand.
  for (const f of planted) {
    trySh('kill', ['-9', String(f.pid)]);
    trySh('ip', ['netns', 'del', f.ns]);
  }
  for (const p of ownerProcs) trySh('kill', ['-9', p]);
  for (const n of residue) trySh('ip', ['netns', 'del', n]);
  rmSync(join(state, lab), { recursive: true, force: true });
}
rmSync(state, { recursive: true, force: true });
console.log(JSON.stringify(totals));
