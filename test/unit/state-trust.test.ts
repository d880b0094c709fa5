// Journal trust (issue 11, defect 7) and messages (defect 10): state that someone else could have written is refused
// with E_STATE_UNTRUSTED; a corrupt journal gets the same words from up, down and clean; a non-root user is told
// that root is needed instead of "no labs". Root is needed to chown and to drop privileges; skipped otherwise.
import t from 'tap';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab, listLabs } from '../../src/api/index.js';
import { newJournal } from '../../src/exec/index.js';
import { compilePlan } from '../../src/plan/index.js';
import { StateStore } from '../../src/sys/index.js';
import { loadTopology, serializeTopology } from '../../src/topology/index.js';

const root = process.geteuid?.() === 0;
const NOBODY = 65534;
const dirs: string[] = [];
t.teardown(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const topo = loadTopology('topologies/dumbbell.yaml');
const plan = compilePlan(topo);

/** A state root with one lab `dumbbell` and its journal, as nslab writes them. */
function stateWithLab(): { store: StateStore; dir: string; file: string } {
  const base = mkdtempSync(join(tmpdir(), 'nslab-trust-'));
  dirs.push(base);
  const store = new StateStore(join(base, 'state'));
  store.claim(plan.lab);
  store.write(newJournal(plan, { source: 'x', topology: serializeTopology(topo), lifetime: 'persistent' }));
  const dir = store.labDir(plan.lab);
  return { store, dir, file: join(dir, 'journal.json') };
}

t.test('a journal as nslab writes it is trusted', async (t) => {
  const { store } = stateWithLab();
  t.equal(store.inspect(plan.lab).state, 'ok');
  t.equal(Lab.open(plan.lab, { store }).name, plan.lab);
});

const tampered: [string, (s: { store: StateStore; dir: string; file: string }) => void, RegExp][] = [
  ['a journal owned by nobody', ({ file }) => chownSync(file, NOBODY, NOBODY), /owned by uid 65534/],
  ['a lab directory owned by nobody', ({ dir }) => chownSync(dir, NOBODY, NOBODY), /owned by uid 65534/],
  ['a group-writable journal', ({ file }) => chmodSync(file, 0o620), /writable by its group/],
  ['a world-writable state directory', ({ store }) => chmodSync(store.root, 0o777), /writable by everyone/],
  ['a group-writable lab directory', ({ dir }) => chmodSync(dir, 0o770), /writable by its group/],
  [
    'a journal that is a symbolic link',
    ({ file, dir }) => {
      writeFileSync(join(dir, 'elsewhere.json'), '{}', { mode: 0o600 });
      rmSync(file);
      symlinkSync(join(dir, 'elsewhere.json'), file);
    },
    /is a symbolic link/,
  ],
  [
    'a state directory that is a symbolic link',
    ({ store }) => {
      const real = `${store.root}.real`;
      rmSync(real, { recursive: true, force: true });
      mkdirSync(real, { mode: 0o700 });
      rmSync(store.root, { recursive: true });
      symlinkSync(real, store.root);
    },
    /is a symbolic link/,
  ],
];
for (const [what, spoil, reason] of tampered)
  t.test(`${what} is refused by down, ls and up`, { skip: root ? false : 'needs root (chown)' }, async (t) => {
    const s = stateWithLab();
    spoil(s);
    t.throws(() => Lab.open(plan.lab, { store: s.store }), { code: 'E_STATE_UNTRUSTED', message: reason }, 'down (open) refuses it');
    t.match((() => { try { Lab.open(plan.lab, { store: s.store }); } catch (e) { return (e as { hint?: string }).hint; } })(), /chmod go-w/, 'with a hint');
    if (/state directory/.test(what)) {
      t.throws(() => listLabs({ store: s.store }), { code: 'E_STATE_UNTRUSTED' }, 'ls refuses it');
      t.throws(() => s.store.claim('other'), { code: 'E_STATE_UNTRUSTED' }, 'up refuses it');
    } else t.equal(listLabs({ store: s.store })[0].status, 'unknown', 'ls shows the lab, unread');
  });

t.test('a corrupt journal: up and down say what clean says', async (t) => {
  const { store, file } = stateWithLab();
  writeFileSync(file, '{"lab": "dumbbell", "stat');
  const expected = store.corruptError(plan.lab, 'x');
  let down: { code?: string; message?: string; hint?: string } = {};
  try {
    Lab.open(plan.lab, { store });
  } catch (e) {
    down = e as typeof down;
  }
  t.equal(down.code, 'E_JOURNAL_CORRUPT', 'down does not say "no lab named"');
  t.match(down.message, /journal .* is unreadable \(not JSON/);
  t.equal(down.hint, expected.hint, "down's fix is clean's");
  let up: typeof down = {};
  try {
    store.claim(plan.lab);
  } catch (e) {
    up = e as typeof down;
  }
  t.equal(up.code, 'E_JOURNAL_CORRUPT', 'up does not say "already exists"');
  t.equal(up.hint, expected.hint, "up's fix is clean's");
  t.match(expected.hint, /ip netns list \| grep nslab-dumbbell\.'/, 'the hint greps for the lab\'s own names only');
});

t.test('as non-root, ls and down say that root is needed', { skip: root ? false : 'needs root (to drop to nobody)' }, async (t) => {
  const { store } = stateWithLab();
  process.seteuid(NOBODY);
  try {
    t.throws(() => listLabs({ store }), { code: 'E_NOT_ROOT', message: /it is root's/ }, 'ls: not "no labs"');
    t.throws(() => Lab.open(plan.lab, { store }), { code: 'E_NOT_ROOT' }, "down: not \"no lab named 'dumbbell' is running\"");
  } finally {
    process.seteuid(0);
  }
});
