// Read the kernel's link states of a lab's namespaces, all of them through one Perl process: it enters each
// namespace in turn (setns) and dumps its links over rtnetlink (RTM_GETLINK). Only reads: nothing is changed.
//
// Why not `ip -j -n NS link` per namespace: that is a fork and an exec per node (~3.6 ms each here, see relay.ts),
// 200 processes for a 200-node lab. Why not /sys/class/net/*/operstate: sysfs shows the namespace of whoever
// mounted it, not the reader's, so after setns it still shows the host's links.

import { NETNS_DIR, type Runner } from '../sys/index.js';
import { formatAddress } from '../model/index.js';
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
  /** Global-scope addresses as CIDRs (IPv6 in its canonical short form), in the kernel's order. */
  addresses: string[];
}

export interface KernelLinkStates {
  /** Namespace → interface name → state. */
  byNetns: Map<string, Map<string, KernelLink>>;
  /** Namespaces that could not be entered (gone, or not a namespace). */
  missing: string[];
}

/** if_oper.h: IF_OPER_UNKNOWN … IF_OPER_UP. */
const OPERSTATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];

/** Perl subs shared by the netlink readers (this one and counters.ts): one rtnetlink dump, and its attributes. */
export const NETLINK_PERL_SUBS = String.raw`
my $seq = 0;
# One rtnetlink dump: calls $each->(type, payload) for every message until NLMSG_DONE.
sub dump_nl {
  my ($sock, $req, $each) = @_;
  defined(send($sock, $req, 0)) or die "netlink: $!\n";
  while (1) {
    my $buf;
    defined(recv($sock, $buf, 1 << 20, 0)) or die "netlink: $!\n";
    my $off = 0;
    while ($off + 16 <= length $buf) {
      my ($len, $type) = unpack('L S', substr($buf, $off, 6));
      return if $len < 16 || $type == 3;                             # NLMSG_DONE
      if ($type == 2) { my $e = unpack('l', substr($buf, $off + 16, 4)); $! = -$e; die "netlink: $!\n" if $e; return }
      $each->($type, substr($buf, $off + 16, $len - 16));
      $off += ($len + 3) & ~3;
    }
  }
}
sub attrs {                                                          # rtattrs from $p on: { type => value }
  my ($msg, $p) = @_;
  my %a;
  while ($p + 4 <= length $msg) {
    my ($alen, $atype) = unpack('S S', substr($msg, $p, 4));
    last if $alen < 4;
    $a{$atype & 0x3fff} = substr($msg, $p + 4, $alen - 4);
    $p += ($alen + 3) & ~3;
  }
  return \%a;
}
`;

export const LINKSTATE_SOURCE = String.raw`
use strict; use warnings;
my ($SYS_SETNS, $NSDIR) = @ARGV;
$| = 1;
` + NETLINK_PERL_SUBS + String.raw`
while (my $ns = <DATA>) {
  chomp $ns;
  next unless length $ns;
  my $fh;
  unless (open($fh, '<', "$NSDIR/$ns") && syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0) { print "missing\t$ns\n"; next }   # CLONE_NEWNET
  close $fh;
  socket(my $sock, 16, 3, 0) or die "netlink socket: $!\n";          # AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
  print "ns\t$ns\n";
  # RTM_GETLINK 18, NLM_F_REQUEST|NLM_F_DUMP 0x301, ifinfomsg for AF_UNSPEC: every link
  dump_nl($sock, pack('L S S L L C x S l L L', 32, 18, 0x301, ++$seq, 0, 0, 0, 0, 0, 0), sub {
    my ($type, $m) = @_;
    return unless $type == 16;                                        # RTM_NEWLINK
    my ($index, $flags) = unpack('x4 l L', $m);                       # ifinfomsg: family, pad, type, index, flags
    my $a = attrs($m, 16);
    (my $name = $a->{3} // '') =~ s/\0.*//s;                          # IFLA_IFNAME
    my $carrier = defined $a->{33} ? unpack('C', $a->{33}) : (($flags & 0x10000) ? 1 : 0);   # IFLA_CARRIER, else IFF_LOWER_UP
    print join("\t", 'if', $name, $flags & 1, unpack('C', $a->{16} // "\0"), $carrier, unpack('L', $a->{4} // "\0\0\0\0"), $index), "\n";   # IFLA_OPERSTATE, IFLA_MTU
  });
  # RTM_GETADDR 22, ifaddrmsg for AF_UNSPEC: every address, both families
  dump_nl($sock, pack('L S S L L C C C C L', 24, 22, 0x301, ++$seq, 0, 0, 0, 0, 0, 0), sub {
    my ($type, $m) = @_;
    return unless $type == 20;                                        # RTM_NEWADDR
    my ($family, $plen, $scope, $index) = unpack('C C x C L', $m);   # ifaddrmsg: family, prefixlen, flags, scope, index
    my $a = attrs($m, 8);
    my $addr = $a->{2} // $a->{1};                                    # IFA_LOCAL (v4), else IFA_ADDRESS
    print join("\t", 'addr', $index, $family, $plen, $scope, unpack('H*', $addr)), "\n" if defined $addr;
  });
  close $sock;
}
print "\@\@nslab-done\n";
__END__
`;

/**
 * Walk a netlink reader's output: `ns NAME` starts a namespace, `missing NAME` reports one that could not be entered,
 * and every other line goes to `line` with the fields, the current namespace's interfaces by name, and by index.
 */
export function parseByNetns<T>(text: string, line: (f: string[], byName: Map<string, T>, byIndex: Map<string, T>) => void): { byNetns: Map<string, Map<string, T>>; missing: string[] } {
  const byNetns = new Map<string, Map<string, T>>();
  const missing: string[] = [];
  let cur: Map<string, T> | undefined;
  let byIndex = new Map<string, T>();
  for (const l of text.split('\n')) {
    const f = l.split('\t');
    if (f[0] === 'ns') {
      byNetns.set(f[1], (cur = new Map()));
      byIndex = new Map();
    } else if (f[0] === 'missing') missing.push(f[1]);
    else if (cur) line(f, cur, byIndex);
  }
  return { byNetns, missing };
}

/** Parse the reader's output (pure; exported for tests). */
export function parseLinkStates(stdout: string): KernelLinkStates {
  return parseByNetns<KernelLink>(stdout, (f, cur, byIndex) => {
    if (f[0] === 'if') {
      const l: KernelLink = { adminUp: f[2] === '1', operstate: OPERSTATES[Number(f[3])] ?? `state ${f[3]}`, carrier: f[4] === '1', mtu: Number(f[5]), addresses: [] };
      cur.set(f[1], l);
      byIndex.set(f[6], l);
    } else if (f[0] === 'addr') {
      // Global scope (0) only: link-local and loopback addresses are the kernel's own, not the lab's.
      const l = byIndex.get(f[1]);
      if (!l || f[4] !== '0') return;
      const bytes = Buffer.from(f[5], 'hex');
      const family = f[2] === '2' ? 4 : f[2] === '10' ? 6 : undefined;
      if (!family || bytes.length !== (family === 4 ? 4 : 16)) return;
      const text = family === 4 ? [...bytes].join('.') : formatAddress(6, BigInt('0x' + f[5]));
      l.addresses.push(`${text}/${f[3]}`);
    }
  });
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

/**
 * Wait until every lab interface that can be up is operationally up, and every bridge port that can forward does:
 * one Perl process that subscribes to link events (RTMGRP_LINK) in each namespace, dumps the links once, and then
 * sleeps in select() until the last pending interface reports in. Nothing polls.
 *
 * Why wait at all: `ip link set up` returns before the kernel's linkwatch work has run. Until it has, the veth's
 * operstate is still DOWN or UNKNOWN, and a bridge has not enabled the port (it does so in the NETDEV_CHANGE
 * notifier that linkwatch sends). A frame sent in that window, such as the first ARP request, is dropped, and ARP
 * retries 1 s later: the "first ping takes a second" of a lab that `up` had called ready.
 *
 * Which interfaces: those that are administratively up, have carrier (a veth has carrier when its peer is up too,
 * so a link the user took down is not waited for), are not UP yet, and have a lower or peer link (IFLA_LINK). That
 * last condition keeps bridges themselves out: a bridge's own operstate change is a non-urgent linkwatch event,
 * batched up to 1 s (HZ) later, and does not decide forwarding; its ports' STP state does (IFLA_BRPORT_STATE in the
 * AF_BRIDGE view, 3 = forwarding; with STP off a port forwards as soon as it is enabled).
 */
export const WAIT_UP_SOURCE = String.raw`
use strict; use warnings;
use IO::Select;
my ($SYS_SETNS, $NSDIR, $TIMEOUT_MS) = @ARGV;
$| = 1;
${NETLINK_PERL_SUBS}
my (%link, %port, %sockns);
my $sel = IO::Select->new;
sub on_msg {
  my ($ns, $type, $m) = @_;
  my ($family, $index, $flags) = unpack('C x3 l L', $m);
  if ($type == 17) { delete $link{$ns}{$index} if $family == 0; return }   # RTM_DELLINK: gone, nothing to wait for
  return unless $type == 16;                                          # RTM_NEWLINK
  my $a = attrs($m, 16);
  if ($family == 7) {                                                  # AF_BRIDGE: a bridge port's view
    my $pi = $a->{12};                                                 # IFLA_PROTINFO, nested
    if (defined $pi) { my $p = attrs($pi, 0); $port{$ns}{$index} = unpack('C', $p->{1}) if defined $p->{1} }   # IFLA_BRPORT_STATE
    return;
  }
  (my $name = $a->{3} // '') =~ s/\0.*//s;
  my $carrier = defined $a->{33} ? unpack('C', $a->{33}) : (($flags & 0x10000) ? 1 : 0);
  $link{$ns}{$index} = { name => $name, admin => $flags & 1, carrier => $carrier,
    oper => unpack('C', $a->{16} // "\0"), lower => defined $a->{5}, master => defined $a->{10} };
}
sub pending {
  my @p;
  for my $ns (keys %link) {
    for my $i (keys %{$link{$ns}}) {
      my $l = $link{$ns}{$i};
      next unless $l->{admin} && $l->{carrier} && $l->{lower};
      if ($l->{oper} != 6) { push @p, "$ns $l->{name}"; next }         # IF_OPER_UP
      push @p, "$ns $l->{name} (bridge port)" if $l->{master} && ($port{$ns}{$i} // -1) != 3;
    }
  }
  return @p;
}
while (my $ns = <DATA>) {
  chomp $ns;
  next unless length $ns;
  my $fh;
  unless (open($fh, '<', "$NSDIR/$ns") && syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0) { print "missing\t$ns\n"; next }
  close $fh;
  # The socket belongs to the namespace it was made in, whatever setns comes later.
  socket(my $sock, 16, 3, 0) or die "netlink socket: $!\n";
  bind($sock, pack('S x2 L L', 16, 0, 1)) or die "netlink bind: $!\n";   # sockaddr_nl, groups RTMGRP_LINK: subscribe before the dump
  $link{$ns} = {};
  dump_nl($sock, pack('L S S L L C x S l L L', 32, 18, 0x301, ++$seq, 0, 0, 0, 0, 0, 0), sub { on_msg($ns, @_) });
  dump_nl($sock, pack('L S S L L C x S l L L', 32, 18, 0x301, ++$seq, 0, 7, 0, 0, 0, 0), sub { on_msg($ns, @_) });   # AF_BRIDGE: ports
  $sockns{fileno $sock} = [$ns, $sock];
  $sel->add($sock);
}
# Whole seconds (Time::HiRes is not in perl-base): the bound is TIMEOUT_MS rounded up, plus at most one second.
my $deadline = time + int(($TIMEOUT_MS + 999) / 1000) + 1;
my @p = pending();
while (@p) {
  my $left = $deadline - time;
  last if $left <= 0;
  for my $s ($sel->can_read($left)) {
    my $buf;
    next unless defined recv($s, $buf, 1 << 20, 0);
    my $ns = $sockns{fileno $s}[0];
    my $off = 0;
    while ($off + 16 <= length $buf) {
      my ($len, $type) = unpack('L S', substr($buf, $off, 6));
      last if $len < 16;
      on_msg($ns, $type, substr($buf, $off + 16, $len - 16));
      $off += ($len + 3) & ~3;
    }
  }
  @p = pending();
}
print "pending\t$_\n" for @p;
print "\@\@nslab-done\n";
__END__
`;

/**
 * Wait (bounded) until the lab's interfaces are operationally up and its bridge ports forward; see WAIT_UP_SOURCE.
 * Returns what was still pending when the bound ran out ("NETNS IFNAME"), which callers may report; an interface
 * that stays down is the user's to see, not an error.
 */
// The bound: linkwatch runs from a workqueue and needs the RTNL lock, which every other namespace's creation and
// cleanup on the machine takes too. With other labs being built and torn down beside this one (load 18), 2 s was
// seen to run out; an interface that has carrier does come up, so a long bound costs nothing when all is well.
export async function waitLinksUp(runner: Runner, netns: string[], timeoutMs = 10_000): Promise<string[]> {
  const sys = setnsSyscall();
  if (sys === undefined || !netns.length) return [];
  const input = WAIT_UP_SOURCE + netns.join('\n') + '\n';
  const r = await runner.run('perl', ['-', String(sys), NETNS_DIR, String(timeoutMs)], { input, timeoutMs: timeoutMs + 30_000 });
  if (r.exitCode !== 0 || !r.stdout.includes('@@nslab-done')) throw new Error(r.timedOut ? `timed out after ${timeoutMs} ms` : r.stderr.trim() || `exited with ${r.exitCode}`);
  return r.stdout.split('\n').flatMap((l) => (l.startsWith('pending\t') ? [l.slice(8)] : []));
}
