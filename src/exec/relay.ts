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
// key); `mkns NAME HEX` creates /run/netns/NAME already tagged (the message HEX, sent inside the new namespace before
// it gets its name, sets the loopback's alias); `tag NAME HEX` prints the loopback alias of /run/netns/NAME (HEX asks
// for it) as `@@tag NAME INODE ALIAS-HEX` on stdout. A trailing field is the batch line, for people reading a trace.
// It stops at the first failure with `@@nslab-fail K MESSAGE` on stderr (K: operations done).

import { NETNS_DIR, type RunResult, type Runner } from '../sys/index.js';
import { NslabError, renderOperation, SYSCALLS, type Operation } from '../model/index.js';
import { encodeGetLink, encodeIpLine } from './netlink.js';

export const RELAY_SOURCE = String.raw`
use strict; use warnings; use Fcntl;
my ($SYS_SETNS, $NSDIR, $SYS_UNSHARE, $SYS_MOUNT) = @ARGV;
my ($sock, %idx, $dirReady);
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
sub opennl {
  socket($sock, 16, 3, 0) or fail("Cannot open netlink socket: $!");  # AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
  setsockopt($sock, 270, 11, pack('l', 1));                            # SOL_NETLINK, NETLINK_EXT_ACK: error texts
  %idx = ();
}
# Send one request; return its replies (other than the ack) as [type, body]; fail with the kernel's text on an error.
sub nlsend {
  my ($msg) = @_;
  substr($msg, 8, 4) = pack('L', ++$seq);
  defined(send($sock, $msg, 0)) or fail("netlink: $!");
  my @replies;
  while (1) {
    my $buf;
    defined(recv($sock, $buf, 65536, 0)) or fail("netlink: $!");
    for (my $o = 0; $o + 16 <= length $buf; ) {
      my ($len, $type, $flags, $rseq) = unpack('L S S L', substr($buf, $o, 16));
      last if $len < 16;
      my $m = substr($buf, $o, $len);
      $o += ($len + 3) & ~3;
      next if $rseq != $seq;
      if ($type != 2) { push @replies, [$type, substr($m, 16)]; next; }   # not NLMSG_ERROR: a reply
      my $err = unpack('l', substr($m, 16, 4));
      return @replies if $err == 0;
      $! = -$err;
      my $text = "RTNETLINK answers: $!";
      if ($flags & 0x200) {                                  # NLM_F_ACK_TLVS: attributes after the echoed request
        my $off = 20 + (($flags & 0x100) ? 16 : unpack('L', substr($m, 20, 4)));   # NLM_F_CAPPED: header only
        while ($off + 4 <= $len) {
          my ($alen, $atype) = unpack('S S', substr($m, $off, 4));
          last if $alen < 4;
          if (($atype & 0x3fff) == 1) { my $s = substr($m, $off + 4, $alen - 4); $s =~ s/\0.*//s; $text = "Error: $s." if length $s; }
          $off += ($alen + 3) & ~3;
        }
      }
      fail($text);
    }
  }
}
# What ip netns add does once: /run/netns exists and is a shared mount point (a bind mount onto itself if it is not
# one yet), so that the namespaces mounted in it show in every mount namespace, ip netns exec's included.
sub nsdir {
  mkdir($NSDIR, 0755) or $!{EEXIST} or fail("mkdir $NSDIR failed: $!");
  my ($empty, $none, $dir, $bound) = ('', 'none', $NSDIR, 0);
  while (syscall($SYS_MOUNT, $empty, $dir, $none, 0x104000, 0) != 0) {             # MS_SHARED | MS_REC
    ($!{EINVAL} && !$bound++) or fail("mount --make-rshared $NSDIR failed: $!");
    syscall($SYS_MOUNT, $dir, $dir, $none, 0x5000, 0) == 0 or fail("mount --bind $NSDIR $NSDIR failed: $!");   # MS_BIND | MS_REC
  }
}
while (my $line = <DATA>) {
  chomp $line;
  my @f = split /\t/, $line;
  if ($f[0] eq 'ns') {
    open(my $fh, '<', "$NSDIR/$f[1]") or fail("Cannot open network namespace \"$f[1]\": $!");
    syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0 or fail("setting the network namespace \"$f[1]\" failed: $!");  # CLONE_NEWNET
    close $fh;
    opennl();
  } elsif ($f[0] eq 'mkns') {
    # A new namespace, tagged before it has a name: unshare, write the tag (lo's alias), then create
    # /run/netns/NAME and bind-mount the namespace on it. A crash before the mount leaves nothing (the namespace
    # dies with this process) or, between create and mount, an empty file that holds no namespace.
    $dirReady++ or nsdir();
    syscall($SYS_UNSHARE, 0x40000000) == 0 or fail("unshare(CLONE_NEWNET) for \"$f[1]\" failed: $!");
    opennl();
    nlsend(pack('H*', $f[2]));
    my ($path, $src, $none) = ("$NSDIR/$f[1]", '/proc/thread-self/ns/net', 'none');
    sysopen(my $fh, $path, O_RDONLY | O_CREAT | O_EXCL, 0) or fail("Cannot create namespace file \"$path\": $!");
    close $fh;
    if (syscall($SYS_MOUNT, $src, $path, $none, 0x1000, 0) != 0) {                     # MS_BIND
      my $e = $!; unlink $path; $! = $e;
      fail("Bind $src -> $path failed: $!");
    }
    $k++;
  } elsif ($f[0] eq 'tag') {
    # "@@tag NAME INODE ALIAS-HEX": INODE 0 for a file that holds no namespace, '-' for a name that is gone or a
    # loopback without alias. Never fails: a namespace that cannot be read is simply not proven.
    my ($fh, $ino, $alias) = (undef, '-', '-');
    if (open($fh, '<', "$NSDIR/$f[1]")) {
      $ino = 0;
      if (syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0) {
        $ino = (stat($fh))[1];
        opennl();
        for my $r (nlsend(pack('H*', $f[2]))) {
          next if $r->[0] != 16;                              # RTM_NEWLINK: the device; attributes after ifinfomsg
          for (my $off = 16; $off + 4 <= length $r->[1]; ) {
            my ($alen, $atype) = unpack('S S', substr($r->[1], $off, 4));
            last if $alen < 4;
            if ($atype == 20) { ($alias = substr($r->[1], $off + 4, $alen - 4)) =~ s/\0.*//s; $alias = unpack('H*', $alias); }   # IFLA_IFALIAS (NUL-terminated)
            $off += ($alen + 3) & ~3;
          }
        }
      }
      close $fh;
    }
    print "\@\@tag\t$f[1]\t$ino\t$alias\n";
  } elsif ($f[0] eq 'nl') {
    my $msg = pack('H*', $f[1]);
    if ($f[2] ne '-') {
      for my $p (split /,/, $f[2]) { my ($off, $name) = split /:/, $p, 2; substr($msg, $off, 4) = pack('L', ifindex($name)); }
    }
    nlsend($msg);
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
  return SYSCALLS[arch]?.setns;
}

function relayArgs(): string[] {
  const n = SYSCALLS[process.arch]!;
  return ['-', String(n.setns), NETNS_DIR, String(n.unshare), String(n.mount)];
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
  /** The namespace the lines run in; null: lines that choose their own (mkns, tag). */
  netns: string | null;
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

/** The relay's run, or undefined when there is no perl to run it (the runner reports ENOENT as 127, or throws E_SPAWN). */
async function runPerl(runner: Runner, input: string, timeoutMs: number, env?: Record<string, string>): Promise<RunResult | undefined> {
  try {
    const r = await runner.run('perl', relayArgs(), { input, timeoutMs, env });
    return r.exitCode === 127 && /ENOENT/.test(r.stderr) ? undefined : r;
  } catch (e) {
    if (e instanceof NslabError && e.code === 'E_SPAWN') return undefined;
    throw e;
  }
}

/** Run groups through one relay process; stops at the first failing operation. */
export async function runRelay(runner: Runner, groups: RelayGroup[], timeoutMs: number, env?: Record<string, string>): Promise<RelayOutcome> {
  const ops = groups.flatMap((g) => g.ops);
  // `perl -` reads the program from stdin up to __END__ and the lines after it from DATA: one pipe, and a short
  // command line in ps and in messages.
  const input = RELAY_SOURCE + groups.map((g) => [...(g.netns === null ? [] : [`ns\t${g.netns}`]), ...g.lines].join('\n')).join('\n') + '\n';
  const r = await runPerl(runner, input, timeoutMs, env);
  if (!r) return { applied: [], unavailable: true };
  if (r.exitCode === 0 && /@@nslab-done (\d+)/.test(r.stdout)) return { applied: ops };
  const m = /@@nslab-fail (\d+) (.*)/.exec(r.stderr);
  const done = m ? Number(m[1]) : 0;
  const op = ops[Math.min(done, ops.length - 1)];
  const stderr = r.timedOut ? `timed out after ${timeoutMs} ms` : m ? m[2] : r.stderr.trim() || `relay exited with ${r.exitCode}`;
  // The command a person can run to see the same failure (the relay sent the equivalent netlink message).
  return { applied: ops.slice(0, done), failure: { op, stderr, command: renderOperation(op) } };
}

/** The relay group that creates `ops`' namespaces (`netns add NAME`), each tagged with `tag` before it is visible. */
export function createGroup(ops: Operation[], tag: string): RelayGroup {
  const lines = ops.map((op) => {
    const name = op.args[2];
    const req = encodeIpLine(['link', 'set', 'dev', 'lo', 'alias', tag])!;
    return ['mkns', name, hex(req.bytes), `netns add ${name} && ip -n ${name} link set dev lo alias ${tag}`].join('\t');
  });
  return { netns: null, ops, lines };
}

/** What a namespace holds as proof: its nsfs inode (0: the name holds no namespace) and its loopback alias. */
export interface NetnsProof {
  inode: number;
  tag?: string;
}

/** Parse `@@tag NAME INODE ALIAS-HEX` lines; a name that is gone is left out of the map. */
export function parseTagLines(stdout: string): Map<string, NetnsProof> {
  const out = new Map<string, NetnsProof>();
  for (const m of stdout.matchAll(/^@@tag\t([^\t]+)\t(\d+|-)\t([0-9a-f]*|-)$/gm)) {
    if (m[2] === '-') continue;
    out.set(m[1], { inode: Number(m[2]), ...(m[3] !== '-' ? { tag: Buffer.from(m[3], 'hex').toString('utf8') } : {}) });
  }
  return out;
}

/** Read the proofs of many namespaces in one relay process; undefined when perl is not there. */
export async function readTagsByRelay(runner: Runner, names: string[], timeoutMs: number): Promise<Map<string, NetnsProof> | undefined> {
  const ask = hex(encodeGetLink('lo'));
  const input = RELAY_SOURCE + names.map((n) => `tag\t${n}\t${ask}`).join('\n') + '\n';
  const r = await runPerl(runner, input, timeoutMs);
  if (!r) return undefined;
  if (r.exitCode !== 0) {
    const m = /@@nslab-fail \d+ (.*)/.exec(r.stderr);
    throw new NslabError('E_TAG_READ', `reading the ownership tags of ${names.length} namespace(s) failed: ${r.timedOut ? `timed out after ${timeoutMs} ms` : m?.[1] ?? r.stderr.trim()}`, {
      hint: 'nothing was deleted; run the command again (nslab down / nslab clean)',
    });
  }
  return parseTagLines(r.stdout);
}
