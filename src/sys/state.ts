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
    try {
      return JSON.parse(readFileSync(join(this.labDir(lab), 'journal.json'), 'utf8')) as Journal;
    } catch {
      return undefined;
    }
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
