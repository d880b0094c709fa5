// The netlink relay: one small Perl process that enters each lab namespace in turn (setns), opens a rtnetlink socket
// there and sends the messages netlink.ts encoded, so configuring N namespaces costs one process instead of N.
//
// Why: every namespace used to get its own `nsenter --net=… ip -batch -`: a fork and two execs, ~3.6 ms on this
// machine before any kernel work (bench: 300 × `nsenter … ip -batch` of an empty batch 1087 ms, 300 × `nsenter true`
// 831 ms). At 1111 namespaces that is ~4 s of process start-up, more than the kernel work itself.
// Why Perl: it is in every Debian and Ubuntu install (perl-base is Essential), and Node can neither setns() nor open
// a netlink socket. The relay knows nothing of netlink beyond the ack: all encoding stays in TypeScript.
//
// Input, one line each (tab-separated): `ns NAME` enters /run/netns/NAME; `nl HEX PATCHES` sends a message, after
// writing the ifindex of each `OFFSET:IFNAME` in PATCHES (or `-`) into it; `sysctl PATH HEXVALUE` writes
// /proc/sys/PATH, which resolves against the writer's network namespace (`sysctl?`: skipped if the kernel has no such
// key). A trailing field is the batch line, for people reading a trace. It stops at the first failure with `@@nslab-fail K MESSAGE` on stderr (K: operations done).

import { NETNS_DIR, type Runner } from '../sys/index.js';
import { renderOperation, type Operation } from '../model/index.js';
import { encodeIpLine } from './netlink.js';

// setns(2) by architecture (Node's process.arch names); on another architecture the relay is not used.
const SYS_SETNS: Partial<Record<string, number>> = { x64: 308, ia32: 346, arm64: 268, arm: 375, riscv64: 268, loong64: 268, ppc64: 350, s390x: 339 };

export const RELAY_SOURCE = String.raw`
use strict; use warnings;
my ($SYS_SETNS, $NSDIR) = @ARGV;
my ($sock, %idx);
my ($k, $seq) = (0, 0);
$| = 1;
sub fail { print STDERR "\@\@nslab-fail $k $_[0]\n"; exit 3 }
sub ifindex {
  my ($name) = @_;
  return $idx{$name} if exists $idx{$name};
  my $req = pack('Z16 x24', $name);                       # struct ifreq: name, then the ifindex union
  ioctl($sock, 0x8933, $req) or fail("Cannot find device \"$name\"");   # SIOCGIFINDEX, in the socket's namespace
  return $idx{$name} = unpack('x16 l', $req);
}
while (my $line = <DATA>) {
  chomp $line;
  my @f = split /\t/, $line;
  if ($f[0] eq 'ns') {
    open(my $fh, '<', "$NSDIR/$f[1]") or fail("Cannot open network namespace \"$f[1]\": $!");
    syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0 or fail("setting the network namespace \"$f[1]\" failed: $!");  # CLONE_NEWNET
    close $fh;
    socket($sock, 16, 3, 0) or fail("Cannot open netlink socket: $!");  # AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
    setsockopt($sock, 270, 11, pack('l', 1));                            # SOL_NETLINK, NETLINK_EXT_ACK: error texts
    %idx = ();
  } elsif ($f[0] eq 'nl') {
    my $msg = pack('H*', $f[1]);
    if ($f[2] ne '-') {
      for my $p (split /,/, $f[2]) { my ($off, $name) = split /:/, $p, 2; substr($msg, $off, 4) = pack('L', ifindex($name)); }
    }
    substr($msg, 8, 4) = pack('L', ++$seq);
    defined(send($sock, $msg, 0)) or fail("netlink: $!");
    while (1) {
      my $buf;
      defined(recv($sock, $buf, 65536, 0)) or fail("netlink: $!");
      my ($len, $type, $flags, $rseq) = unpack('L S S L', $buf);
      next if $rseq != $seq || $type != 2;                  # only our NLMSG_ERROR (the ack) matters
      my $err = unpack('l', substr($buf, 16, 4));
      last if $err == 0;
      $! = -$err;
      my $text = "RTNETLINK answers: $!";
      if ($flags & 0x200) {                                  # NLM_F_ACK_TLVS: attributes after the echoed request
        my $off = 20 + (($flags & 0x100) ? 16 : unpack('L', substr($buf, 20, 4)));   # NLM_F_CAPPED: header only
        while ($off + 4 <= $len) {
          my ($alen, $atype) = unpack('S S', substr($buf, $off, 4));
          last if $alen < 4;
          if (($atype & 0x3fff) == 1) { my $s = substr($buf, $off + 4, $alen - 4); $s =~ s/\0.*//s; $text = "Error: $s." if length $s; }
          $off += ($alen + 3) & ~3;
        }
      }
      fail($text);
    }
    $k++;
  } elsif ($f[0] eq 'sysctl' || $f[0] eq 'sysctl?') {
    my $fh;
    if (open($fh, '>', "/proc/sys/$f[1]")) {
      (print $fh pack('H*', $f[2])) && close($fh) or fail("sysctl: setting key \"$f[1]\": $!");
    } elsif (!($f[0] eq 'sysctl?' && $!{ENOENT})) {       # sysctl?: a key this kernel does not have is skipped
      fail("sysctl: cannot stat /proc/sys/$f[1]: $!");
    }
    $k++;
  } else {
    fail("relay: unknown line $f[0]");
  }
}
print "\@\@nslab-done $k\n";
__END__
`;

export function setnsSyscall(arch: string = process.arch): number | undefined {
  return SYS_SETNS[arch];
}

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('hex');

/** The relay line for one operation, or null if it must go through iproute2 or sysctl(8). */
export function relayLine(op: Operation): string | null {
  if (op.netns === null) return null;
  if (op.tool === 'sysctl') {
    const m = /^(net\.[A-Za-z0-9_.-]+)=(.*)$/s.exec(op.args[0] ?? '');
    if (!m || op.args.length !== 1) return null;
    // sysctl(8) reads dots as path separators; values are hex so that spaces (tcp_rmem's "4096 87380 …") survive.
    return [op.optional ? 'sysctl?' : 'sysctl', m[1].replaceAll('.', '/'), Buffer.from(m[2]).toString('hex'), op.args.join(' ')].join('\t');
  }
  if (op.tool !== 'ip') return null;
  const req = encodeIpLine(op.args);
  if (!req) return null;
  const patches = req.ifindexAt.length ? req.ifindexAt.map((p) => `${p.offset}:${p.ifname}`).join(',') : '-';
  return ['nl', hex(req.bytes), patches, op.args.join(' ')].join('\t');
}

export interface RelayGroup {
  netns: string;
  ops: Operation[];
  lines: string[];
}

/** A namespace's operations as relay lines, if every one of them can be relayed (all or nothing keeps their order). */
export function relayGroup(netns: string, ops: Operation[]): RelayGroup | null {
  const lines: string[] = [];
  for (const op of ops) {
    const l = relayLine(op);
    if (l === null) return null;
    lines.push(l);
  }
  return { netns, ops, lines };
}

export interface RelayOutcome {
  applied: Operation[];
  /** perl could not be started: nothing ran. */
  unavailable?: boolean;
  failure?: { op: Operation; stderr: string; command: string };
}

/** Run groups through one relay process; stops at the first failing operation. */
export async function runRelay(runner: Runner, groups: RelayGroup[], timeoutMs: number, env?: Record<string, string>): Promise<RelayOutcome> {
  const ops = groups.flatMap((g) => g.ops);
  // `perl -` reads the program from stdin up to __END__ and the lines after it from DATA: one pipe, and a short
  // command line in ps and in messages.
  const input = RELAY_SOURCE + groups.map((g) => [`ns\t${g.netns}`, ...g.lines].join('\n')).join('\n') + '\n';
  const r = await runner.run('perl', ['-', String(setnsSyscall()), NETNS_DIR], { input, timeoutMs, env });
  if (r.exitCode === 0 && /@@nslab-done (\d+)/.test(r.stdout)) return { applied: ops };
  if (r.exitCode === 127 && /ENOENT/.test(r.stderr)) return { applied: [], unavailable: true };
  const m = /@@nslab-fail (\d+) (.*)/.exec(r.stderr);
  const done = m ? Number(m[1]) : 0;
  const op = ops[Math.min(done, ops.length - 1)];
  const stderr = r.timedOut ? `timed out after ${timeoutMs} ms` : m ? m[2] : r.stderr.trim() || `relay exited with ${r.exitCode}`;
  // The command a person can run to see the same failure (the relay sent the equivalent netlink message).
  return { applied: ops.slice(0, done), failure: { op, stderr, command: renderOperation(op) } };
}
