// The reachability prober: one small Perl process that enters each source namespace once (setns, as the netlink
// relay does), opens raw ICMP/ICMPv6 sockets there, and then sends echo requests to every target of every source
// from a bounded window, retrying the silent ones, so an all-pairs matrix costs one process instead of N×(N−1)
// pings.
//
// Why a window: starting every ping at once (the old reach) sends thousands of first packets together, each of
// which needs ARP/ND first. On a shared segment every ARP request is a broadcast that the bridge clones to every
// port, and every clone passes through the per-CPU backlog (net.core.netdev_max_backlog, 1000 packets): 200 hosts
// resolving at once is 199 clones per request, so requests and replies are dropped and healthy pairs read as
// unreachable (issue 12: 2828–3287 of 4032 pairs on tree,2,8). A window of a few dozen outstanding probes keeps the
// backlog short.
// Why retries: a pair that answers no probe within its timeout is tried again (ARP itself retries after 1 s, so a
// lost resolution costs at most one retry); only a pair silent on every attempt is reported unreachable.
// Why raw sockets: ping(8) is one fork+exec+setns per probe (~3 ms here), 40 s of process start-up at 200 hosts.
//
// Input lines (tab-separated), after __END__: `ns NETNS` opens a netlink socket there for the neighbour sweep; `src NETNS` opens sockets in that namespace; `t ID FAMILY ADDRESS`
// adds a probe from the last source. Output: `ok ID` for each pair that answered, then `@@nslab-done`.

import { NETNS_DIR, type Runner } from '../sys/index.js';
import { setnsSyscall } from './relay.js';

export const PROBER_SOURCE = String.raw`
use strict; use warnings;
use Socket qw(inet_pton pack_sockaddr_in pack_sockaddr_in6 AF_INET AF_INET6 SOCK_RAW);
my ($SYS_SETNS, $NSDIR, $WINDOW, $TIMEOUTS, $GIVEUP) = @ARGV;
my @timeouts = split /,/, $TIMEOUTS;                        # seconds, one per attempt
my $now = eval { require Time::HiRes; 1 } ? \&Time::HiRes::time : sub { time };
my $giveup = $now->() + $GIVEUP;                            # no answer for this long: inconclusive attempts count as silent
$| = 1;
sub fail { print STDERR "\@\@nslab-fail $_[0]\n"; exit 3 }
# The neighbour tables are one per kernel, not per namespace: every lab's ARP/ND entries count against gc_thresh3
# of the initial namespace (1024 by default), and an entry younger than 5 s cannot be reclaimed. When the table is
# full the kernel drops the packet (send fails with EINVAL) or, worse, the target drops the ARP request it cannot
# make an entry for, and the pair looks dead. So: the window holds back while the table is nearly full (entries),
# and an attempt during which the kernel refused an entry (table_fulls grew) proves nothing and is made again.
# Both counters are global and readable only from the initial namespace: open them before entering any lab.
my (%limit, %stat);
for my $f ([4, 'ipv4', 'arp_cache'], [6, 'ipv6', 'ndisc_cache']) {
  my ($fam, $dir, $file) = @$f;
  my $t3 = 1024;
  if (open(my $fh, '<', "/proc/sys/net/$dir/neigh/default/gc_thresh3")) { my $v = <$fh>; $t3 = $v + 0 if defined $v && $v =~ /^\d+/; close $fh }
  $limit{$fam} = $t3 - 2 * $WINDOW - 64;   # each probe may add an entry at both ends; leave some for everyone else
  open($stat{$fam}, '<', "/proc/net/stat/$file");
}
# (entries, table_fulls) of a family's neighbour table; (0, 0) where unreadable.
sub neigh {
  my $fh = $stat{$_[0]} or return (0, 0);
  sysseek($fh, 0, 0) or return (0, 0);
  sysread($fh, my $buf, 4096) or return (0, 0);
  my ($line) = $buf =~ /\n([0-9a-f ]+)/ or return (0, 0);
  my @c = split ' ', $line;
  return (hex($c[0]), hex($c[-1]));
}
# Cleaning up after ourselves: a pair's probe leaves a neighbour entry at both ends of its first hop, and an all-pairs
# matrix of N hosts on one segment leaves N×(N−1) of them, far beyond gc_thresh3, which the kernel frees only slowly
# (REACHABLE entries are pinned, young ones too). So the prober holds a rtnetlink socket in every namespace of the lab,
# remembers which entries each had before it began, and whenever the global table passes half its room it deletes
# (RTM_DELNEIGH) the dynamic entries it made: REACHABLE, STALE, DELAY, PROBE and FAILED ones. It never touches an entry
# that was there before, nor a PERMANENT or unicast NOARP one (a user's static ARP), nor an INCOMPLETE one (a resolution in
# flight, with its packet queued). A deleted entry is only a cache miss: the next packet resolves again.
my (@nl, $nlseq);            # [namespace, netlink socket, {family/ifindex/addr of entries there before}]
# Every neighbour entry of one namespace: [family, ifindex, state, flags, packed dst].
sub neighdump {
  my $sock = $_[0];
  1 while defined(recv($sock, my $junk, 65536, 0x40));               # unread acks/errors of earlier deletes
  my $seq = ++$nlseq;
  send($sock, pack('LSSLL CCS lSCC', 28, 30, 0x301, $seq, 0, 0, 0, 0, 0, 0, 0, 0), 0) or return ();  # RTM_GETNEIGH, REQUEST|DUMP
  my @e;
  while (1) {
    defined(recv($sock, my $buf, 65536, 0)) or return @e;
    while (length($buf) >= 16) {
      my ($len, $type, $flags, $sq) = unpack('LSSL', $buf);
      last if $len < 16;
      my $msg = substr($buf, 0, $len);
      substr($buf, 0, ($len + 3) & ~3) = '';
      next if $sq != $seq;
      return @e if $type == 3 || $type == 2;                             # NLMSG_DONE, NLMSG_ERROR
      next unless $type == 28 && $len >= 28;                             # RTM_NEWNEIGH
      my ($fam, $ifi, $state, $nflags) = unpack('C x3 l S C', substr($msg, 16, 12));
      my $a = substr($msg, 28);
      while (length($a) >= 4) {
        my ($alen, $atype) = unpack('SS', $a);
        last if $alen < 4;
        push @e, [$fam, $ifi, $state, $nflags, substr($a, 4, $alen - 4)] if ($atype & 0x3fff) == 1;   # NDA_DST
        substr($a, 0, ($alen + 3) & ~3) = '';
      }
    }
  }
}
sub nskey { join '/', $_[0][0], $_[0][1], unpack('H*', $_[0][4]) }
my $swept = 0;
sub sweep {
  $swept = $now->();
  for my $n (@nl) {
    my ($ns, $sock, $before) = @$n;
    for my $e (neighdump($sock)) {
      my ($fam, $ifi, $state, $nflags, $dst) = @$e;
      next unless ($fam == 2 || $fam == 10) && !$before->{nskey($e)};
      # IPv6 resolution sends its solicitation to the target's solicited-node group, which leaves a NOARP entry for
      # that multicast address behind, one per target: those go too (the kernel makes them again when needed).
      my $mcast = $fam == 10 ? ord($dst) == 0xff : (ord($dst) & 0xf0) == 0xe0;
      next unless (($state & 0x3e) && !($state & 0xc1)) || ($state == 0x40 && $mcast);
      my $attr = pack('SS', 4 + length($dst), 1) . $dst;
      send($sock, pack('LSSLL CCS lSCC', 28 + length($attr), 29, 1, 0, 0, $fam, 0, 0, $ifi, 0, 0, 0) . $attr, 0);  # RTM_DELNEIGH, no ack
    }
  }
}
sub setns {
  open(my $fh, '<', "$NSDIR/$_[0]") or fail("Cannot open network namespace \"$_[0]\": $!");
  syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0 or fail("setting the network namespace \"$_[0]\" failed: $!");
  close $fh;
}
# First visit of a namespace: enter it, and open the netlink socket the sweep uses there.
sub enterns {
  setns($_[0]);
  # The neighbour sweep is an optimisation: a namespace where netlink cannot be opened is simply not swept.
  socket(my $nls, 16, SOCK_RAW, 0) or return;                          # AF_NETLINK, NETLINK_ROUTE
  push @nl, [$_[0], $nls, { map { (nskey($_) => 1) } neighdump($nls) }];
}
my (@src, @probes, %byid);   # sources: {ns, s4, s6}; probes: [id, family, packed addr, src index, attempt, answered]
my %entered;
while (my $line = <DATA>) {
  chomp $line;
  my @f = split /\t/, $line;
  if ($f[0] eq 'ns') {
    enterns($f[1]) unless $entered{$f[1]}++;
  } elsif ($f[0] eq 'src') {
    $entered{$f[1]}++ ? setns($f[1]) : enterns($f[1]);
    push @src, { ns => $f[1] };
  } elsif ($f[0] eq 't') {
    my $s = $src[-1];
    my $fam = $f[2];
    my $key = "s$fam";
    if (!$s->{$key}) {
      # Sockets stay in the namespace they were opened in, whatever namespace the process moves to later.
      my $sock;
      if ($fam == 4) {
        socket($sock, AF_INET, SOCK_RAW, 1) or fail("raw ICMP socket in $s->{ns}: $!");
        setsockopt($sock, 255, 1, pack('L', 0xfffffffe));              # SOL_RAW ICMP_FILTER: echo replies only
      } else {
        socket($sock, AF_INET6, SOCK_RAW, 58) or fail("raw ICMPv6 socket in $s->{ns}: $!");
        my @w = (0xffffffff) x 8; $w[4] &= ~(1 << 1);                     # ICMP6_FILTER: pass type 129 only
        setsockopt($sock, 58, 1, pack('L8', @w));
      }
      setsockopt($sock, 1, 33, pack('l', 1 << 22));                      # SO_RCVBUFFORCE: room for every reply
      $s->{$key} = $sock;
    }
    my $addr = inet_pton($fam == 4 ? AF_INET : AF_INET6, $f[3]) // fail("bad address $f[3]");
    push @probes, [$f[1], $fam, $addr, $#src, 0, 0];
    $byid{$f[1]} = $probes[-1];
  }
}
sub csum { my $s = unpack('%32n*', $_[0] . (length($_[0]) % 2 ? "\0" : '')); $s = ($s & 0xffff) + ($s >> 16) while $s >> 16; return ~$s & 0xffff }
my $ident = $$ & 0xffff;
my $seq = 0;
my %out;                    # seq -> [probe, deadline, table_fulls at send]; at most $WINDOW entries
my @queue = @probes;
my $rin = '';
my %byfd;
for my $s (@src) { for my $k ('s4', 's6') { next unless $s->{$k}; vec($rin, fileno($s->{$k}), 1) = 1; $byfd{fileno($s->{$k})} = [$s->{$k}, $k eq 's4' ? 4 : 6]; } }
my $pending = @probes;
my %poked;                  # family -> when a probe was last let through a full table
while ($pending > 0) {
  my (%n, $held);
  while (@queue && keys(%out) < $WINDOW) {
    my $p = shift @queue;
    next if $p->[5];                                                    # a late reply answered it meanwhile
    my $fam = $p->[1];
    $n{$fam} //= [neigh($fam)];
    if (@nl && $n{$fam}[0] >= $limit{$fam} / 2 && $swept < $now->() - 0.25) { sweep(); $n{$fam} = [neigh($fam)] }
    if ($n{$fam}[0] >= $limit{$fam}) {
      # Nearly full. Only an allocation runs the kernel's forced gc (which frees entries idle for 5 s), so one
      # probe goes through every 100 ms to drive it; the rest wait until the count falls.
      my $t = $now->();
      if (($poked{$fam} // 0) > $t - 0.1) { unshift @queue, $p; $held = 1; last }
      $poked{$fam} = $t;
    }
    $n{$fam}[0] += 2;
    do { $seq = ($seq + 1) & 0xffff } while $seq == 0 || exists $out{$seq};
    my $payload = pack('N', $p->[0]) . ('.' x 28);
    my $s = $src[$p->[3]];
    my $ok;
    if ($fam == 4) {
      my $icmp = pack('C C n n n', 8, 0, 0, $ident, $seq) . $payload;
      substr($icmp, 2, 2) = pack('n', csum($icmp));
      $ok = send($s->{s4}, $icmp, 0, pack_sockaddr_in(0, $p->[2]));
    } else {
      $ok = send($s->{s6}, pack('C C n n n', 128, 0, 0, $ident, $seq) . $payload, 0, pack_sockaddr_in6(0, $p->[2]));  # the kernel sums ICMPv6
    }
    # A failed send (no route; EINVAL: no neighbour entry could be made) is an unanswered attempt, seen at once.
    $out{$seq} = [$p, $now->() + ($ok ? $timeouts[$p->[4]] : 0.1), $n{$fam}[1]];
  }
  my $t = $now->();
  my $first;
  for (values %out) { $first = $_->[1] if !defined $first || $_->[1] < $first }
  my $wait = defined $first ? $first - $t : 0.1;
  $wait = 0.02 if $held && $wait > 0.02;
  $wait = 0 if $wait < 0;
  my $nfound = select(my $rout = $rin, undef, undef, $wait);
  if ($nfound > 0) {
    for my $fd (keys %byfd) {
      next unless vec($rout, $fd, 1);
      my ($sock, $fam) = @{$byfd{$fd}};
      while (1) {
        my $buf;
        last unless defined(recv($sock, $buf, 2048, 0x40));              # MSG_DONTWAIT: drain what is queued
        my $off = $fam == 4 ? (unpack('C', $buf) & 0x0f) * 4 : 0;        # IPv4 raw sockets see the IP header
        next if length($buf) < $off + 12;
        my ($type, $code, $ck, $id, $sq, $pid) = unpack('C C n n n N', substr($buf, $off, 12));
        next unless $id == $ident && ($type == 0 || $type == 129);
        # The payload carries the probe's id, so a late reply to an earlier attempt still counts.
        my $p = $byid{$pid};
        next unless $p && $p->[1] == $fam && !$p->[5];
        $p->[5] = 1;
        delete $out{$sq} if $out{$sq} && $out{$sq}[0] == $p;
        print "ok $pid\n";
        $pending--;
        $giveup = $now->() + $GIVEUP;                                 # progress: keep waiting out a full table
      }
    }
  }
  $t = $now->();
  my %fulls;
  for my $sq (keys %out) {
    my ($p, $dl, $fulls0) = @{$out{$sq}};
    next if $dl > $t;
    delete $out{$sq};
    next if $p->[5];
    $fulls{$p->[1]} //= (neigh($p->[1]))[1];
    # The kernel refused a neighbour entry somewhere while this attempt was out: it proves nothing, try again.
    if ($fulls{$p->[1]} > $fulls0 && $t < $giveup) { push @queue, $p; next }
    if (++$p->[4] < @timeouts) { push @queue, $p } else { print "no $p->[0]\n"; $pending-- }
  }
}
sweep() if @nl;                                                       # leave the tables as we found them
print "\@\@nslab-done\n";
__END__
`;

export interface ProbeTarget {
  /** The source's namespace. */
  netns: string;
  family: 4 | 6;
  address: string;
}

export interface ProbeOptions {
  /** Probes in flight at once (default 64). */
  window?: number;
  /** Seconds to wait for each attempt's reply; the number of entries is the number of attempts (default 1, 1, 2). */
  timeoutsS?: number[];
  /** Attempts spoiled by a full neighbour table are repeated until no probe has been answered for this long (default 60 s). */
  giveUpS?: number;
  /**
   * Further namespaces where probes leave neighbour entries (the targets, the routers of first hops): the prober also
   * deletes the dynamic entries it made there once the kernel's table fills up (the sources' namespaces always).
   */
  namespaces?: string[];
  env?: Record<string, string>;
}

export const DEFAULT_PROBE_WINDOW = 64;
export const DEFAULT_PROBE_TIMEOUTS_S = [1, 1, 2];

/**
 * Echo every target once (retrying silent ones) and return, per target index, whether it answered. `null` means the
 * prober could not run here (no perl, or an architecture whose setns number is unknown): the caller falls back to
 * ping(8).
 */
export async function probeEcho(runner: Runner, targets: ProbeTarget[], opts: ProbeOptions = {}): Promise<boolean[] | null> {
  const nr = setnsSyscall();
  if (nr === undefined) return null;
  if (!targets.length) return [];
  const timeouts = opts.timeoutsS ?? DEFAULT_PROBE_TIMEOUTS_S;
  const window = Math.max(1, opts.window ?? DEFAULT_PROBE_WINDOW);
  const lines: string[] = [...new Set(opts.namespaces ?? [])].map((ns) => `ns\t${ns}`);
  let last: string | undefined;
  targets.forEach((t, i) => {
    if (t.netns !== last) lines.push(`src\t${(last = t.netns)}`);
    lines.push(`t\t${i}\t${t.family}\t${t.address}`);
  });
  const input = PROBER_SOURCE + lines.join('\n') + '\n';
  // Worst case: every probe silent on every attempt, `window` at a time.
  const worstS = (Math.ceil(targets.length / window) + 1) * timeouts.reduce((a, b) => a + b, 0);
  // Attempts spoiled by a full neighbour table are repeated while answers keep coming (no answer for giveUpS: they
  // count like silent ones). The kernel frees entries at its own pace (a REACHABLE entry is pinned 15-45 s), so the
  // process's own bound allows for that: 0.2 s per probe on top.
  const giveUpS = opts.giveUpS ?? 60;
  const r = await runner.run('perl', ['-', String(nr), NETNS_DIR, String(window), timeouts.join(','), String(giveUpS)], { input, timeoutMs: (worstS + giveUpS + 30 + targets.length * 0.2) * 1000, env: opts.env });
  if (r.exitCode === 127 && /ENOENT/.test(r.stderr)) return null;
  if (r.exitCode !== 0 || !r.stdout.includes('@@nslab-done')) {
    const m = /@@nslab-fail (.*)/.exec(r.stderr);
    throw new Error(`reachability prober failed: ${m ? m[1] : r.timedOut ? 'timed out' : r.stderr.trim() || `exit ${r.exitCode}`}`);
  }
  const ok = new Array<boolean>(targets.length).fill(false);
  for (const m of r.stdout.matchAll(/^ok (\d+)$/gm)) ok[Number(m[1])] = true;
  return ok;
}
