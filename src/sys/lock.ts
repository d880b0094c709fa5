// A lab's lock, for every read-modify-write of its journal (impair, link, the start of down): flock(2) on
// <lab dir>/lock. The lock belongs to an open file description that this process holds, so the kernel drops it when
// the process dies: a crash leaves no stale lock (a pid file would, and breaking a stale one races). Node has no
// flock(2), so flock(1) takes it on a descriptor it inherits from us (the same open file description) and exits;
// the lock stays ours until we close the descriptor. One short process per lock (measured: see the report of the
// lock test); `exec` never takes it.

import { spawn } from 'node:child_process';
import { closeSync, constants, fstatSync, ftruncateSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NslabError } from '../model/index.js';
import type { StateStore } from './state.js';

/** In the lab's state directory, beside journal.json. */
export const LOCK_FILE = 'lock';

export interface HeldLock {
  release(): void;
}

/** Wait for flock(1) to lock `fd` exclusively: true when locked, false at the timeout. */
function flockFd(fd: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['-x', '-w', String(Math.max(1, Math.ceil(timeoutMs / 1000))), '3'], { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) =>
      reject(new NslabError('E_SPAWN', `cannot run flock to lock the lab: ${e.message}`, { cause: e, hint: 'flock is part of util-linux: install it' })),
    );
    child.on('close', (code) => {
      if (code === 0) resolve(true);
      else if (code === 1 && !stderr.trim()) resolve(false);
      else reject(new NslabError('E_LOCK', `flock failed (exit ${code}): ${stderr.trim()}`, { hint: 'flock is part of util-linux' }));
    });
  });
}

/**
 * Lock `path` (created 0600 if missing). Undefined when the file's directory is gone (the lab was removed). Throws
 * E_LAB_BUSY after `timeoutMs`, naming the holder.
 */
export async function lockFile(path: string, what: string, timeoutMs = 120_000): Promise<HeldLock | undefined> {
  for (;;) {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let locked: boolean;
    try {
      locked = await flockFd(fd, timeoutMs);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    if (!locked) {
      closeSync(fd);
      let holder = '';
      try {
        holder = readFileSync(path, 'utf8').trim();
      } catch {
        /* gone meanwhile */
      }
      throw new NslabError('E_LAB_BUSY', `${what} is locked by another nslab command${holder ? ` (pid ${holder})` : ''} for more than ${Math.round(timeoutMs / 1000)} s`, {
        hint: 'wait for that command to finish, or stop it',
      });
    }
    // The file may have been removed (with the lab) and made anew while we waited: a lock on the old one guards
    // nothing. Lock again, on the file that is there now.
    let same = false;
    try {
      same = statSync(path).ino === fstatSync(fd).ino;
    } catch {
      /* removed */
    }
    if (!same) {
      closeSync(fd);
      continue;
    }
    ftruncateSync(fd, 0);
    writeSync(fd, `${process.pid}\n`, 0);
    return { release: () => closeSync(fd) };
  }
}

/** Run `fn` holding the lab's lock; `fn` gets undefined when the lab's directory is gone. */
export async function withLabLock<T>(store: StateStore, lab: string, fn: (locked: boolean) => T | Promise<T>, timeoutMs?: number): Promise<T> {
  const held = await lockFile(join(store.labDir(lab), LOCK_FILE), `lab '${lab}'`, timeoutMs);
  try {
    return await fn(held !== undefined);
  } finally {
    held?.release();
  }
}
