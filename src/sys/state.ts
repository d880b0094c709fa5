// The state store: one directory per lab under /run/nslab (0700), the journal written atomically (write, fsync,
// rename), and the lab's directory created with mkdir as the lock (exactly one `up` of a name can win).
// The journal decides what root deletes and kills, so state that anyone else could have written is refused: the
// state directory, a lab's directory and its journal must be owned by us (or root), not group- or world-writable,
// and not symbolic links.

import { closeSync, constants, fstatSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeSync, chmodSync, type Stats } from 'node:fs';
import { join } from 'node:path';
// Named modules, not model/index: `nslab ls` and `nslab exec` load this file, and each module costs start-up time.
import { DEFAULT_STATE_DIR, LAB_NAME_PATTERN, netnsLabPrefix } from '../model/limits.js';
import { NslabError } from '../model/errors.js';
import type { Journal } from '../model/journal.js';

/** Why a state path cannot be trusted, or undefined. Root's own state must be root's; a user's may be theirs. */
function distrust(st: Stats): string | undefined {
  const euid = process.geteuid?.() ?? 0;
  if (st.isSymbolicLink()) return 'is a symbolic link';
  if (st.uid !== euid && st.uid !== 0) return `is owned by uid ${st.uid}, not ${euid === 0 ? 'root' : `uid ${euid} or root`}`;
  if (st.mode & 0o022) return `is writable by ${st.mode & 0o002 ? 'everyone' : 'its group'} (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return undefined;
}

function untrusted(path: string, problem: string): NslabError {
  return new NslabError('E_STATE_UNTRUSTED', `refusing ${path}: it ${problem}; whoever can write nslab's state can make it delete namespaces and kill processes that are not a lab's`, {
    hint: `nslab writes its state root-owned and private (0700 directories, 0600 journals). Find out who changed ${path}; if its content is yours, fix it (chown root: / chmod go-w, or replace the link by the directory), otherwise remove it and clean up by hand (ip netns list)`,
  });
}

function needsRoot(path: string): NslabError {
  return new NslabError('E_NOT_ROOT', `cannot read nslab's state in ${path}: it is root's (labs are built by root)`, {
    hint: 'run the command as root (sudo nslab ...)',
  });
}

/** lstat `path` and refuse it if untrusted; false when it does not exist. */
function checkPath(path: string): boolean {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    if (code === 'EACCES') throw needsRoot(path);
    throw e;
  }
  const problem = distrust(st);
  if (problem) throw untrusted(path, problem);
  return true;
}

export class StateStore {
  constructor(readonly root: string = process.env.NSLAB_STATE_DIR ?? DEFAULT_STATE_DIR) {}

  labDir(lab: string): string {
    // The name is checked again here: it becomes a path, and a path must never climb out of the root.
    if (!LAB_NAME_PATTERN.test(lab))
      throw new NslabError('E_BAD_LAB_NAME', `'${lab}' is not a lab name`, { hint: 'lab names are 1-12 characters of a-z, 0-9 and -' });
    return join(this.root, lab);
  }

  /** Claim a lab name: fails if the lab exists (or is being built). */
  claim(lab: string): string {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    checkPath(this.root);
    chmodSync(this.root, 0o700);
    const dir = this.labDir(lab);
    try {
      mkdirSync(dir, { mode: 0o700 });
      chmodSync(dir, 0o700); // mkdir's mode passes through the umask; the journal must stay private whatever it is
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        const found = this.inspect(lab);
        if (found.state === 'corrupt') throw this.corruptError(lab, found.reason);
        const j = found.state === 'ok' ? found.journal : undefined;
        throw new NslabError('E_LAB_EXISTS', `lab '${lab}' already exists${j ? ` (${j.status}, owner pid ${j.ownerPid})` : ''}`, {
          hint: `remove it with 'nslab down ${lab}' (or 'nslab clean' if its builder died), or give this lab another name`,
        });
      }
      throw e;
    }
    return dir;
  }

  write(j: Journal): void {
    const dir = this.labDir(j.lab);
    checkPath(dir);
    const tmp = join(dir, `.journal.${process.pid}.tmp`);
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(j));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, 'journal.json'));
  }

  read(lab: string): Journal | undefined {
    const r = this.inspect(lab);
    return r.state === 'ok' ? r.journal : undefined;
  }

  /**
   * The journal, or why there is none: `missing` (a claim whose builder has not written it yet, or died first) or
   * `corrupt` (unreadable, not JSON, or not shaped like a journal). The two must not be confused: a corrupt journal
   * may describe live namespaces, and removing its directory would orphan them for good.
   */
  inspect(lab: string): { state: 'ok'; journal: Journal } | { state: 'missing' } | { state: 'corrupt'; reason: string } {
    checkPath(this.root);
    const dir = this.labDir(lab);
    if (!checkPath(dir)) return { state: 'missing' };
    const file = join(dir, 'journal.json');
    let text: string;
    try {
      // O_NOFOLLOW: a symbolic link in place of the journal is refused, not followed; the owner and mode checked
      // are those of the file actually read.
      const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
      try {
        const problem = distrust(fstatSync(fd));
        if (problem) throw untrusted(file, problem);
        text = readFileSync(fd, 'utf8');
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { state: 'missing' };
      if (code === 'ELOOP') throw untrusted(file, 'is a symbolic link');
      if (code === 'EACCES') throw needsRoot(file);
      if (e instanceof NslabError) throw e;
      return { state: 'corrupt', reason: (e as Error).message };
    }
    let j: unknown;
    try {
      j = JSON.parse(text);
    } catch (e) {
      return { state: 'corrupt', reason: `not JSON (${(e as Error).message})` };
    }
    const problem = journalShapeProblem(j, lab);
    return problem ? { state: 'corrupt', reason: problem } : { state: 'ok', journal: j as Journal };
  }

  /** Lab names that have a directory, journal or not (a directory without a journal is a claim that died early). */
  list(): string[] {
    if (!checkPath(this.root)) return [];
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && LAB_NAME_PATTERN.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES') throw needsRoot(this.root);
      return [];
    }
  }

  /** What `up`, `down` and `clean` all say about a lab whose journal cannot be read. */
  corruptError(lab: string, reason: string): NslabError {
    const dir = this.labDir(lab);
    return new NslabError('E_JOURNAL_CORRUPT', `lab '${lab}': its journal ${join(dir, 'journal.json')} is unreadable (${reason}); nothing proves which namespaces are the lab's, so nslab leaves them alone`, {
      hint: `check 'ip netns list | grep ${netnsLabPrefix(lab)}', remove those by hand (ip netns del NAME), then rm -r ${dir}`,
    });
  }

  logPath(lab: string, name: string): string {
    const dir = join(this.labDir(lab), 'logs');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return join(dir, name);
  }

  remove(lab: string): void {
    rmSync(this.labDir(lab), { recursive: true, force: true });
    // Leave no empty root behind either.
    try {
      rmdirSync(this.root);
    } catch {
      /* not empty, or already gone */
    }
  }
}

/** Enough of a journal's shape to tear down from it without a TypeError: undefined when it is usable. */
function journalShapeProblem(j: unknown, lab: string): string | undefined {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return 'not a JSON object';
  const o = j as Record<string, unknown>;
  if (o.lab !== lab) return `names lab ${JSON.stringify(o.lab)}, not '${lab}'`;
  if (typeof o.status !== 'string') return 'no status';
  if (!Array.isArray(o.netns) || !o.netns.every((n) => typeof n === 'object' && n !== null && typeof (n as { name?: unknown }).name === 'string'))
    return 'no list of namespaces';
  if (!Array.isArray(o.stages)) return 'no list of stages';
  if (!Array.isArray(o.processes) || !Array.isArray(o.changes)) return 'no list of processes or changes';
  if (typeof o.ownerPid !== 'number') return 'no owner pid';
  return undefined;
}
