// What "the host is untouched" means, checked before and after every integration test: the host namespace's
// links (without counters), addresses, routes (v4 and v6), /run/netns, /run/nslab, nftables rules and the
// forwarding sysctls, plus no stray user-mode Linux kernels.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

function run(file: string, args: string[]): string {
  try {
    return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
  } catch {
    return '<unavailable>';
  }
}

export interface HostSnapshot {
  links: string;
  addresses: string;
  routes4: string;
  routes6: string;
  netns: string[] | 'absent';
  nslabState: string[] | 'absent';
  nftables: string;
  sysctls: Record<string, string>;
  umlProcesses: string;
}

export function hostSnapshot(): HostSnapshot {
  const sysctls: Record<string, string> = {};
  for (const k of ['net/ipv4/ip_forward', 'net/ipv6/conf/all/forwarding']) {
    try {
      sysctls[k] = readFileSync(`/proc/sys/${k}`, 'utf8').trim();
    } catch {
      sysctls[k] = '<unavailable>';
    }
  }
  return {
    // -br drops counters and flags that change with traffic; state stays.
    links: run('ip', ['-br', 'link']),
    addresses: run('ip', ['-br', 'addr']),
    routes4: run('ip', ['-4', 'route', 'show', 'table', 'all']),
    routes6: run('ip', ['-6', 'route', 'show', 'table', 'all']).split('\n').filter((l) => !/^(local|multicast|anycast) /.test(l) || !/ dev (veth|nslab)/.test(l)).join('\n'),
    netns: existsSync('/run/netns') ? readdirSync('/run/netns').sort() : 'absent',
    nslabState: existsSync('/run/nslab') ? readdirSync('/run/nslab').sort() : 'absent',
    nftables: existsSync('/usr/sbin/nft') ? run('nft', ['list', 'ruleset']) : '<no nft>',
    sysctls,
    umlProcesses: run('pgrep', ['-x', 'linux']).trim(),
  };
}

export const isRoot = process.geteuid?.() === 0;
