// The host as the bench sees it, before and after every run: namespaces, links, and nslab's state directory.
// A run that leaves anything behind is reported by name.

import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

export interface HostSnapshot {
  netns: string[];
  /** `ip -br link` names (the `@peer` suffix dropped: it changes when a peer moves namespace). */
  links: string[];
  nslabState: string[];
}

function lines(file: string, args: string[]): string[] {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

export function hostSnapshot(): HostSnapshot {
  let state: string[] = [];
  try {
    state = readdirSync('/run/nslab').filter((n) => !n.startsWith('.'));
  } catch {
    /* no labs ever: fine */
  }
  return {
    netns: lines('ip', ['netns', 'list']).map((l) => l.split(' ')[0]).sort(),
    links: lines('ip', ['-br', 'link']).map((l) => l.split(/\s+/)[0].split('@')[0]).sort(),
    nslabState: state.sort(),
  };
}

/** What `after` has that `before` had not (residue), and what it lost (something else removed it). */
export function diffSnapshots(before: HostSnapshot, after: HostSnapshot): { added: string[]; removed: string[] } {
  const added: string[] = [];
  const removed: string[] = [];
  for (const k of ['netns', 'links', 'nslabState'] as const) {
    const b = new Set(before[k]);
    const a = new Set(after[k]);
    for (const x of a) if (!b.has(x)) added.push(`${k}:${x}`);
    for (const x of b) if (!a.has(x)) removed.push(`${k}:${x}`);
  }
  return { added, removed };
}
