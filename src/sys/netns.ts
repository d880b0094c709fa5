// Namespaces as the host sees them: /run/netns entries, their nsfs inodes (identity, so a look-alike name is
// never mistaken for ours), and the processes living in them (found through /proc/<pid>/ns/net, children and
// grandchildren included, without spawning anything).

import { closeSync, constants, existsSync, fstatSync, openSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

export const NETNS_DIR = '/run/netns';

/**
 * Set (to the lab's name and build id, `LAB:BUILDID`) in the environment of every process nslab starts while building a lab, and inherited by
 * their children: it finds the processes that a namespace scan cannot see, those still in the host's namespace
 * (a dead builder's `ip -batch` that goes on adding namespaces, a start process not yet inside its namespace).
 */
export const OWNER_ENV = 'NSLAB_OWNED_BY';

export function listNetns(): string[] {
  try {
    return readdirSync(NETNS_DIR).sort();
  } catch {
    return [];
  }
}

/** The namespace's inode, or undefined when the name does not exist (or is not a mounted namespace). */
export function netnsInode(name: string): number | undefined {
  try {
    const st = statSync(`${NETNS_DIR}/${name}`);
    // An unmounted placeholder file lives on the /run filesystem; a mounted one reports the nsfs inode, whose
    // device differs from /run/netns's own.
    const dirDev = statSync(NETNS_DIR).dev;
    return st.dev !== dirDev ? st.ino : undefined;
  } catch {
    return undefined;
  }
}

/** Every pid in /proc, as text (the directory name). */
function procPids(): string[] {
  try {
    return readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
}

/** Map every live process to its network namespace inode, in one pass over /proc. */
export function pidsByNetnsInode(inodes: Set<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const e of procPids()) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${e}/ns/net`);
    } catch {
      continue; // exited, or a kernel thread we may not read
    }
    const m = /^net:\[(\d+)\]$/.exec(link);
    if (!m) continue;
    const ino = Number(m[1]);
    if (!inodes.has(ino)) continue;
    const list = out.get(ino) ?? [];
    list.push(Number(e));
    out.set(ino, list);
  }
  return out;
}

/** Live processes whose environment carries OWNER_ENV=value (read from /proc/<pid>/environ; needs root). */
export function pidsTagged(value: string): number[] {
  const tag = Buffer.from(`${OWNER_ENV}=${value}\0`);
  const out: number[] = [];
  for (const e of procPids()) {
    let env: Buffer;
    try {
      env = readFileSync(`/proc/${e}/environ`);
    } catch {
      continue;
    }
    const at = env.indexOf(tag);
    if (at === 0 || (at > 0 && env[at - 1] === 0)) out.push(Number(e));
  }
  return out;
}

/**
 * Wait until every pid has exited (gone, or a zombie), at most `timeoutMs`: SIGKILL takes effect asynchronously.
 * This is the one poll in nslab, on purpose: these processes are not our children (they were started detached, or by
 * the user inside the lab), so there is no waitpid, and Node has no pidfd to poll(). It runs only at teardown, only
 * while a killed process is still dying (usually one 10 ms round).
 */
export async function waitExited(pids: number[], timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let left = pids;
  while (left.length && Date.now() < end) {
    left = left.filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
      } catch {
        return false;
      }
    });
    if (left.length) await new Promise((r) => setTimeout(r, 10));
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot): with the pid, a process's identity. */
export function procStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19];
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number, startTime?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const st = procStartTime(pid);
  if (st === undefined) return false;
  return startTime === undefined || st === startTime;
}

/** Alive and not a zombie (a zombie has exited; it only waits for its parent, which may be a slow pid 1, to reap it). */
export function isRunning(pid: number, startTime?: string): boolean {
  if (!isAlive(pid, startTime)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** SIGKILL every pid given; a process already gone is fine. Returns how many were signalled. */
export function killAll(pids: number[]): number {
  let n = 0;
  for (const pid of pids) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
      n++;
    } catch {
      /* already gone */
    }
  }
  return n;
}

export function netnsDirExists(): boolean {
  return existsSync(NETNS_DIR);
}

/**
 * Processes holding a descriptor of one of these namespaces (readlink of /proc/PID/fd/N is `net:[INODE]`): such a
 * process can still enter the namespace with setns(2) after its name is deleted (`ip netns exec` opens the name,
 * then enters). Reads every process's descriptors, so it is for teardown only.
 */
export function pidsHoldingNetns(inodes: Set<number>): number[] {
  const wanted = new Set([...inodes].map((i) => `net:[${i}]`));
  const out: number[] = [];
  for (const e of procPids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${e}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link = '';
      try {
        link = readlinkSync(`/proc/${e}/fd/${fd}`);
      } catch {
        continue;
      }
      if (wanted.has(link)) {
        out.push(Number(e));
        break;
      }
    }
  }
  return out;
}

/**
 * Open these namespaces and keep them open until release(): while we hold them, none of them can be freed, so its
 * inode cannot be handed to a new namespace (the kernel reuses them at once), and a look-up by inode after the
 * names are deleted finds only processes in OUR namespaces, never in someone's new one.
 */
export function pinNetns(names: string[]): { inodes: Set<number>; release(): void } {
  const fds: number[] = [];
  const inodes = new Set<number>();
  for (const n of names) {
    try {
      const fd = openSync(`${NETNS_DIR}/${n}`, constants.O_RDONLY | constants.O_NOFOLLOW);
      fds.push(fd);
      inodes.add(fstatSync(fd).ino);
    } catch {
      /* gone already, or out of descriptors: that one is looked up by its name's inode only */
    }
  }
  return { inodes, release: () => fds.splice(0).forEach((fd) => closeSync(fd)) };
}
