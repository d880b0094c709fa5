// The state store: one directory per lab under /run/nslab (0700), the journal written atomically (write, fsync,
// rename), and the lab's directory created with mkdir as the lock (exactly one `up` of a name can win).

import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_STATE_DIR, LAB_NAME_PATTERN, NslabError, type Journal } from '../model/index.js';

export class StateStore {
  constructor(readonly root: string = process.env.NSLAB_STATE_DIR ?? DEFAULT_STATE_DIR) {}

  labDir(lab: string): string {
    // The name is checked again here: it becomes a path, and a path must never climb out of the root.
    if (!LAB_NAME_PATTERN.test(lab))
      throw new NslabError('E_BAD_LAB_NAME', `'${lab}' is not a lab name`, { exitCode: 1, hint: 'lab names are 1-12 characters of a-z, 0-9 and -' });
    return join(this.root, lab);
  }

  /** Claim a lab name: fails if the lab exists (or is being built). */
  claim(lab: string): string {
    mkdirSync(this.root, { recursive: true, mode: 0o700 });
    chmodSync(this.root, 0o700);
    const dir = this.labDir(lab);
    try {
      mkdirSync(dir, { mode: 0o700 });
      chmodSync(dir, 0o700); // mkdir's mode passes through the umask; the journal must stay private whatever it is
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') {
        const j = this.read(lab);
        throw new NslabError('E_LAB_EXISTS', `lab '${lab}' already exists${j ? ` (${j.status}, owner pid ${j.ownerPid})` : ''}`, {
          exitCode: 1,
          hint: `remove it with 'nslab down ${lab}' (or 'nslab clean' if its builder died), or give this lab another name`,
        });
      }
      throw e;
    }
    return dir;
  }

  write(j: Journal): void {
    const dir = this.labDir(j.lab);
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
    let text: string;
    try {
      text = readFileSync(join(this.labDir(lab), 'journal.json'), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
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
    try {
      return readdirSync(this.root, { withFileTypes: true })
        .filter((d) => d.isDirectory() && LAB_NAME_PATTERN.test(d.name))
        .map((d) => d.name)
        .sort();
    } catch {
      return [];
    }
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
