// A terminal for a node: a pseudo-terminal made by a small Perl helper, bridged to us over pipes (stdin: keys,
// stdout: the screen, fd 3: resize requests). The helper runs the node's shell on the pty's slave side as a new
// session, so job control, Ctrl-C and full-screen programs work as in a real terminal.
//
// Why not node-pty: its 1.x releases ship prebuilt binaries for macOS and Windows only; on Linux `npm install`
// falls back to node-gyp, which needs a C++ compiler that a user's machine may not have. Why not `script -q -c`
// (util-linux): its pty gets the size of script's own terminal, which here is a pipe, and there is no way to
// resize it afterwards. Perl is already required (the netlink readers) and needs no module beyond its core: the
// pty is opened by hand (posix_openpt is open("/dev/ptmx") plus two ioctls).
//
// Lifetime: when our end of the helper's stdin closes, or the helper is killed, its master fd closes and the kernel
// hangs up the slave: the shell gets SIGHUP and exits. The helper is started detached (its own process group) and
// killed with its group, so no process is left behind.

import { spawn, type ChildProcess } from 'node:child_process';
import { killGroup } from '../sys/index.js';

// asm-generic/ioctls.h values, the same on x86-64 and arm64: TIOCSPTLCK _IOW('T', 0x31, int), TIOCGPTN
// _IOR('T', 0x30, unsigned int), TIOCSCTTY 0x540E, TIOCSWINSZ 0x5414.
export const PTY_SOURCE = String.raw`
use strict; use warnings; use POSIX ();
my ($rows, $cols, @cmd) = @ARGV;
sysopen(my $m, '/dev/ptmx', POSIX::O_RDWR() | POSIX::O_NOCTTY()) or die "open /dev/ptmx: $!\n";
my $unlock = pack('i', 0);
ioctl($m, 0x40045431, $unlock) or die "unlockpt: $!\n";
my $n = pack('I', 0);
ioctl($m, 0x80045430, $n) or die "ptsname: $!\n";
my $slave = '/dev/pts/' . unpack('I', $n);
my $winsz = sub { my $ws = pack('S4', $_[0], $_[1], 0, 0); ioctl($m, 0x5414, $ws) };
$winsz->($rows, $cols);
my $pid = fork() // die "fork: $!\n";
if ($pid == 0) {
  POSIX::setsid();
  sysopen(my $s, $slave, POSIX::O_RDWR()) or die "open $slave: $!\n";
  my $zero = 0; ioctl($s, 0x540E, $zero);
  POSIX::dup2(fileno($s), $_) for 0 .. 2;
  close $s; close $m;
  $ENV{TERM} = 'xterm-256color';
  exec { $cmd[0] } @cmd or die "exec $cmd[0]: $!\n";
}
open(my $ctl, '<&=', 3) or die "fd 3: $!\n";
my ($in, $out) = (\*STDIN, \*STDOUT);
binmode $_ for $in, $out, $m;
my $ctlbuf = '';
my $rin = '';
vec($rin, fileno($_), 1) = 1 for $in, $ctl, $m;
while (1) {
  my $r = $rin;
  next unless select($r, undef, undef, undef) > 0;
  if (vec($r, fileno($m), 1)) {
    my $got = sysread($m, my $buf, 65536);
    last unless $got;                                   # EIO: the last process on the slave side is gone
    my $off = 0;
    while ($off < $got) { my $w = syswrite($out, $buf, $got - $off, $off) // exit 0; $off += $w }
  }
  if (vec($r, fileno($in), 1)) {
    my $got = sysread($in, my $buf, 65536);
    last unless $got;                                   # our side closed: hang up
    my $off = 0;
    while ($off < $got) { my $w = syswrite($m, $buf, $got - $off, $off) // last; $off += $w }
  }
  if (vec($r, fileno($ctl), 1)) {
    my $got = sysread($ctl, my $buf, 4096);
    if (!$got) { vec($rin, fileno($ctl), 1) = 0; next }
    $ctlbuf .= $buf;
    while ($ctlbuf =~ s/^(\d+) (\d+)\n//) { $winsz->($1, $2) }   # rows cols: the kernel sends SIGWINCH
  }
}
close $m;
kill 'HUP', -$pid;
waitpid($pid, 0);
exit 0;
`;

export interface PtyOptions {
  rows?: number;
  cols?: number;
  env?: Record<string, string>;
  /** Working directory of the shell; $HOME by default (not the server's own). */
  cwd?: string;
}

/** A process on a pseudo-terminal. */
export class Pty {
  private child: ChildProcess;
  private exitWaiters: ((code: number | null) => void)[] = [];
  private exitCode: number | null | undefined;

  constructor(argv: string[], opts: PtyOptions = {}) {
    const rows = clampSize(opts.rows, 24);
    const cols = clampSize(opts.cols, 80);
    this.child = spawn('perl', ['-e', PTY_SOURCE, String(rows), String(cols), ...argv], {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      detached: true,
      cwd: opts.cwd ?? (process.env.HOME || '/'),
      env: { ...process.env, ...opts.env },
    });
    for (const s of [this.child.stdin!, this.child.stdio[3] as NodeJS.WritableStream]) s.on('error', () => undefined);
    this.child.on('exit', (code) => {
      this.exitCode = code;
      for (const w of this.exitWaiters.splice(0)) w(code);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  onData(f: (chunk: Buffer) => void): void {
    this.child.stdout!.on('data', f);
    // The helper's own complaints (no /dev/ptmx, exec failed) are shown in the terminal, where the user looks.
    this.child.stderr!.on('data', f);
  }

  onExit(f: (code: number | null) => void): void {
    if (this.exitCode !== undefined) f(this.exitCode);
    else this.exitWaiters.push(f);
  }

  write(data: string | Buffer): void {
    if (this.exitCode === undefined) this.child.stdin!.write(data);
  }

  resize(rows: number, cols: number): void {
    if (this.exitCode === undefined) (this.child.stdio[3] as NodeJS.WritableStream).write(`${clampSize(rows, 24)} ${clampSize(cols, 80)}\n`);
  }

  /** Hang up, as closing a terminal window does; resolves when the helper is gone. */
  kill(): Promise<void> {
    if (this.exitCode !== undefined) return Promise.resolve();
    const gone = new Promise<void>((r) => this.onExit(() => r()));
    // Closing stdin makes the helper hang up its session (SIGHUP to the shell's group) and reap the shell; SIGKILL
    // of the helper is the fallback, after which the kernel's hangup of the orphaned slave still reaches the shell.
    this.child.stdin!.end();
    const timer = setTimeout(() => killGroup(this.child.pid, 'SIGKILL'), 1000);
    return gone.then(() => clearTimeout(timer));
  }
}

const clampSize = (n: number | undefined, dflt: number): number => (Number.isInteger(n) && n! > 0 && n! < 1000 ? n! : dflt);
