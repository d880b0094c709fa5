// The lab's hosts file: every node's name resolves, inside the lab, to its addresses (IPv4 and IPv6), and
// `NODE-IFNAME` to one interface's. One file per lab, which every node sees at /etc/hosts (a bind mount made when a
// process enters the node: see nodeEntryArgv); the host's own /etc/hosts is never written. Pure: it produces text.

import { formatAddress, type LabFile, type ResolvedNode } from '../../model/index.js';

/** Where the files live in the lab's state folder, and where every node sees them. */
export const HOSTS_FILE = { name: 'hosts', target: '/etc/hosts' } as const;
export const GAI_FILE = { name: 'gai.conf', target: '/etc/gai.conf' } as const;

/**
 * glibc's getaddrinfo sorts a name's addresses by the RFC 3484 table, where IPv4 (::ffff:0:0/96, precedence 10)
 * comes after every IPv6 address (::/0, 40): `ping h2` would take h2's ULA IPv6 address (measured: "PING h2 (
 * fd00:10::3)"). nslab's own steps reach a node by its IPv4 address first, and Mininet's users expect IPv4, so the
 * nodes get the table with IPv4 raised (the recipe in Debian's /etc/gai.conf). A precedence line replaces the whole
 * default table, hence all five. `ping -6 h2` still takes IPv6.
 */
export function gaiText(lab: string): string {
  return [
    `# lab '${lab}', written by nslab: a name with IPv4 and IPv6 addresses resolves to IPv4 first. Nodes see this file as /etc/gai.conf.`,
    'precedence ::1/128       50',
    'precedence ::/0          40',
    'precedence 2002::/16     30',
    'precedence ::/96         20',
    'precedence ::ffff:0:0/96 100',
  ].join('\n') + '\n';
}

/** glibc's nss_files reads any non-blank token as a name; a dot would make `h1-eth0.10` look like a domain. */
const PLAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * The file's text. Per address one line, the node's name first (what a reverse lookup prints: `64 bytes from h2
 * (10.10.1.2)`), then `NODE-IFNAME`. A node with several interfaces has its name on several lines: glibc (2.26 and
 * later: `multi` is the default) returns them all, and sorts them by RFC 6724, so `ping h2` picks IPv4 (see gaiText), and `ping -6 h2` the IPv6 one. `NODE-IFNAME` is left out when the interface name is not a plain hostname label (`eth0.10`) or
 * when it is another node's name.
 */
export function hostsText(lab: string, nodes: readonly ResolvedNode[]): string {
  const names = new Set(nodes.map((n) => n.name));
  const lines = [
    `# lab '${lab}', written by nslab: every node's addresses, as NODE and NODE-IFNAME. Nodes see this file as /etc/hosts.`,
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  for (const family of [4, 6] as const)
    for (const n of nodes)
      for (const i of n.interfaces) {
        const ifName = `${n.name}-${i.name}`;
        const alias = PLAIN_NAME.test(ifName) && !names.has(ifName) ? ` ${ifName}` : '';
        for (const c of family === 4 ? i.ipv4 : i.ipv6) lines.push(`${formatAddress(family, c.address)}\t${n.name}${alias}`);
      }
  return lines.join('\n') + '\n';
}

/** The services pass's hook: the lab's shared files (its hosts file, and the address order for names). */
export function labFiles(lab: string, nodes: readonly ResolvedNode[]): LabFile[] {
  return [
    { ...HOSTS_FILE, text: hostsText(lab, nodes) },
    { ...GAI_FILE, text: gaiText(lab) },
  ];
}
