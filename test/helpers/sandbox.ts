// The suite is a guest on a shared machine: every integration test file that builds labs on the host calls
// `sandbox()` first. It gets its own state directory (NSLAB_STATE_DIR, removed afterwards) and a lab-name prefix
// unique to the run, so that it can neither see nor touch labs it did not make, and so that the host checks can
// tell its namespaces from everybody else's.
//
// Why not a private mount + network namespace (unshare) instead: tap starts each test file itself, so entering one
// would mean re-executing every file under unshare behind tap's back; the tests would then no longer run where a
// user's labs run (the real /run/netns, the real host namespace), and a test that nslab leaves other people's labs
// alone would have nothing to look at. Sharing the host, but never a name or a state directory, keeps the tests
// honest about the machine they run on.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { cleanLabs } from '../../src/api/index.js';
import { DEFAULT_STATE_DIR, LAB_NAME_MAX, NETNS_PREFIX, netnsLabPrefix } from '../../src/model/index.js';
import { StateStore } from '../../src/sys/index.js';

export interface Sandbox {
  /** The state directory of this test file's labs (also in process.env.NSLAB_STATE_DIR, so CLI children use it). */
  stateDir: string;
  /** A temporary directory for the test file's own files (renamed copies of topologies and scenarios). */
  filesDir: string;
  /** Three characters, unique to the run, that begin every lab name the test file makes. */
  prefix: string;
  /** The name to give a lab: the prefix and `name` (a lab name is at most LAB_NAME_MAX characters). */
  lab(name: string): string;
  /** Whether a /run/netns entry is one of this test file's (its lab's name begins with the prefix). */
  owns(netns: string): boolean;
}

let current: Sandbox | undefined;

/** The sandbox of this test file, if it made one (the host checks filter by it). */
export const activeSandbox = (): Sandbox | undefined => current;

/** A prefix no namespace and no lab in the default state directory uses yet: a letter and two of [a-z0-9]. */
function freshPrefix(): string {
  const taken = [...listDir('/run/netns'), ...listDir(DEFAULT_STATE_DIR).map((l) => netnsLabPrefix(l))];
  const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
  for (;;) {
    const pick = (chars: string) => chars[Math.floor(Math.random() * chars.length)];
    const p = pick(alnum.slice(0, 26)) + pick(alnum) + pick(alnum);
    if (!taken.some((n) => n.startsWith(NETNS_PREFIX + p))) return p;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * This test file's sandbox, made on the first call: a fresh state directory (under /run like the real one when
 * root, as nslab may refuse state that others can write into; under the temp dir otherwise) and a fresh prefix.
 * At the end of the file whatever the tests left in their own state directory is cleaned (`clean --all` there,
 * and only there), and the directory is removed.
 */
export function sandbox(): Sandbox {
  if (current) return current;
  // Before the first test, so that the tests' host checks do not see the reaping.
  t.before(reapDeadRuns);
  const prefix = freshPrefix();
  const stateDir = mkdtempSync(join(process.geteuid?.() === 0 ? '/run' : tmpdir(), `nslab-test-${prefix}-${process.pid}-`));
  process.env.NSLAB_STATE_DIR = stateDir;
  const filesDir = mkdtempSync(join(tmpdir(), `nslab-test-${prefix}-${process.pid}-files-`));
  const box: Sandbox = {
    stateDir,
    filesDir,
    prefix,
    lab(name) {
      const full = prefix + name;
      if (full.length > LAB_NAME_MAX) throw new Error(`test lab name '${full}' is longer than ${LAB_NAME_MAX} characters: shorten '${name}'`);
      return full;
    },
    owns: (netns) => netns.startsWith(NETNS_PREFIX + prefix),
  };
  current = box;
  t.teardown(async () => {
    if (existsSync(stateDir) && new StateStore(stateDir).list().length) await cleanLabs({ all: true, store: new StateStore(stateDir) }).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(filesDir, { recursive: true, force: true });
  });
  return box;
}

/** The directories of sandboxes (and their stand-by labs) carry the pid of the test file that made them. */
const SANDBOX_DIR = /^nslab-(test|user)-[a-z][a-z0-9]{2}-(\d+)-/;

/**
 * What test files killed before their teardown (tap's timeout, a Ctrl-C) left: a sandbox's state directory with its
 * labs, a stand-by lab, a files directory. Only directories named like a sandbox's whose test process is gone; the
 * labs in them are cleaned there (a test's own state, never the real one), and what cannot be cleaned is kept.
 */
async function reapDeadRuns(): Promise<void> {
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  for (const base of new Set(['/run', tmpdir()])) {
    for (const name of listDir(base)) {
      const m = SANDBOX_DIR.exec(name);
      if (!m || alive(Number(m[2]))) continue;
      const dir = join(base, name);
      const store = new StateStore(dir);
      if (store.list().length && process.geteuid?.() === 0)
        await cleanLabs({ all: true, store }).catch((e: Error) => t.comment(`left by a dead test run, and not cleaned: ${dir}: ${e.message}`));
      if (!store.list().length) rmSync(dir, { recursive: true, force: true });
    }
  }
}

/** Refuse, loudly, a `clean` that would not run against this test file's own state directory. */
export function assertOwnState(env: NodeJS.ProcessEnv, what: string): void {
  if (!current || env.NSLAB_STATE_DIR !== current.stateDir)
    throw new Error(`${what} outside the test's own state directory (NSLAB_STATE_DIR=${env.NSLAB_STATE_DIR ?? 'unset'}): a test must never clean the real state; call sandbox() first`);
}
