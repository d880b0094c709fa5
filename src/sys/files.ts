// Files nslab writes for a lab's nodes (their private directories: daemon configs), always inside the lab's state
// folder, which is removed with the lab.

import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** uid and gid of a user, from /etc/passwd (no process); undefined when there is no such user. */
export function userIds(name: string): { uid: number; gid: number } | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

/**
 * Create `dir` (and its parents) and write `files` into it, owned by `owner` when given: a daemon that drops its
 * privileges (FRR runs as user frr) must be able to create its sockets and pid files there. Mode 0755 for the
 * directory, 0640 for the files by default (the config may hold passwords; the owner's group reads it, like
 * /etc/frr); a file everyone must read (the lab's hosts file) is written with `mode` 0644.
 */
export function writePrivateDir(dir: string, files: Record<string, string>, owner?: string, mode = 0o640): void {
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const ids = owner ? userIds(owner) : undefined;
  if (ids) chownSync(dir, ids.uid, ids.gid);
  for (const [name, text] of Object.entries(files)) {
    const path = join(dir, name);
    writeFileSync(path, text, { mode });
    chmodSync(path, mode); // writeFileSync's mode applies to a new file only, and through the umask
    if (ids) chownSync(path, ids.uid, ids.gid);
  }
}

export function fileExists(path: string): boolean {
  return existsSync(path);
}

/** The last `lines` lines of a log file ('' when missing), for error messages. */
export function tailFile(path: string, lines = 5): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
