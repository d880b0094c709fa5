// Read the kernel's link states of a lab's namespaces, all of them through one Perl process: it enters each
// namespace in turn (setns) and dumps its links over rtnetlink (RTM_GETLINK). Only reads: nothing is changed.
//
// Why not `ip -j -n NS link` per namespace: that is a fork and an exec per node (~3.6 ms each here, see relay.ts),
// 200 processes for a 200-node lab. Why not /sys/class/net/*/operstate: sysfs shows the namespace of whoever
// mounted it, not the reader's, so after setns it still shows the host's links.

import { NETNS_DIR, type Runner } from '../sys/index.js';
import { setnsSyscall } from './relay.js';

/** One interface as the kernel sees it now. */
export interface KernelLink {
  /** IFF_UP: administratively up (`ip link set up`). */
  adminUp: boolean;
  /** IFLA_OPERSTATE, RFC 2863 words as `ip link` prints them: UP, DOWN, LOWERLAYERDOWN, UNKNOWN, … */
  operstate: string;
  /** IFLA_CARRIER (IFF_LOWER_UP): the peer end is up too. */
  carrier: boolean;
  mtu: number;
}

export interface KernelLinkStates {
  /** Namespace → interface name → state. */
  byNetns: Map<string, Map<string, KernelLink>>;
  /** Namespaces that could not be entered (gone, or not a namespace). */
  missing: string[];
}

/** if_oper.h: IF_OPER_UNKNOWN … IF_OPER_UP. */
const OPERSTATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];

export const LINKSTATE_SOURCE = String.raw`
use strict; use warnings;
my ($SYS_SETNS, $NSDIR) = @ARGV;
$| = 1;
my $seq = 0;
while (my $ns = <DATA>) {
  chomp $ns;
  next unless length $ns;
  my $fh;
  unless (open($fh, '<', "$NSDIR/$ns") && syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0) { print "missing\t$ns\n"; next }   # CLONE_NEWNET
  close $fh;
  socket(my $sock, 16, 3, 0) or die "netlink socket: $!\n";          # AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
  # nlmsghdr (RTM_GETLINK 18, NLM_F_REQUEST|NLM_F_DUMP 0x301) + ifinfomsg (AF_UNSPEC: every link)
  defined(send($sock, pack('L S S L L C x S l L L', 32, 18, 0x301, ++$seq, 0, 0, 0, 0, 0, 0), 0)) or die "netlink: $!\n";
  print "ns\t$ns\n";
  DUMP: while (1) {
    my $buf;
    defined(recv($sock, $buf, 1 << 20, 0)) or die "netlink: $!\n";
    my $off = 0;
    while ($off + 16 <= length $buf) {
      my ($len, $type) = unpack('L S', substr($buf, $off, 6));
      last if $len < 16;
      last DUMP if $type == 3;                                        # NLMSG_DONE
      if ($type == 2) { my $e = unpack('l', substr($buf, $off + 16, 4)); $! = -$e; die "netlink: $!\n" if $e; last DUMP }
      if ($type == 16) {                                              # RTM_NEWLINK
        my $flags = unpack('L', substr($buf, $off + 24, 4));          # ifinfomsg.ifi_flags
        my ($name, $oper, $carrier, $mtu) = ('', 0, -1, 0);
        my $p = $off + 32;
        while ($p + 4 <= $off + $len) {
          my ($alen, $atype) = unpack('S S', substr($buf, $p, 4));
          last if $alen < 4;
          my $v = substr($buf, $p + 4, $alen - 4);
          $atype &= 0x3fff;
          if ($atype == 3) { ($name = $v) =~ s/\0.*//s }             # IFLA_IFNAME
          elsif ($atype == 4) { $mtu = unpack('L', $v) }              # IFLA_MTU
          elsif ($atype == 16) { $oper = unpack('C', $v) }            # IFLA_OPERSTATE
          elsif ($atype == 33) { $carrier = unpack('C', $v) }         # IFLA_CARRIER
          $p += ($alen + 3) & ~3;
        }
        $carrier = ($flags & 0x10000) ? 1 : 0 if $carrier < 0;        # IFF_LOWER_UP on kernels without IFLA_CARRIER
        print join("\t", 'if', $name, $flags & 1, $oper, $carrier, $mtu), "\n";
      }
      $off += ($len + 3) & ~3;
    }
  }
  close $sock;
}
print "\@\@nslab-done\n";
__END__
`;

/** Parse the reader's output (pure; exported for tests). */
export function parseLinkStates(stdout: string): KernelLinkStates {
  const byNetns = new Map<string, Map<string, KernelLink>>();
  const missing: string[] = [];
  let cur: Map<string, KernelLink> | undefined;
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'ns') byNetns.set(f[1], (cur = new Map()));
    else if (f[0] === 'missing') missing.push(f[1]);
    else if (f[0] === 'if' && cur) cur.set(f[1], { adminUp: f[2] === '1', operstate: OPERSTATES[Number(f[3])] ?? `state ${f[3]}`, carrier: f[4] === '1', mtu: Number(f[5]) });
  }
  return { byNetns, missing };
}

/**
 * The link states of every namespace given, read through one process. Throws (with the reader's stderr) when perl
 * is missing or the reader failed; a namespace that is gone is reported in `missing`, not thrown.
 */
export async function readLinkStates(runner: Runner, netns: string[], timeoutMs = 30_000): Promise<KernelLinkStates> {
  const sys = setnsSyscall();
  if (sys === undefined) throw new Error(`no setns system call number known for ${process.arch}`);
  const input = LINKSTATE_SOURCE + netns.join('\n') + '\n';
  const r = await runner.run('perl', ['-', String(sys), NETNS_DIR], { input, timeoutMs });
  if (r.exitCode !== 0 || !r.stdout.includes('@@nslab-done')) throw new Error(r.timedOut ? `timed out after ${timeoutMs} ms` : r.stderr.trim() || `exited with ${r.exitCode}`);
  return parseLinkStates(r.stdout);
}
