// The health sampler: one small Perl process per run that watches the machine while a scenario runs. It is the
// only side effect of src/health/; what it prints is parsed and judged by pure code (parse.ts, verdict.ts).
//
// What it does, in one loop:
// - a timer probe: it sleeps PROBE ms (select(2) with a timeout, an hrtimer, as the qdisc watchdog is) and records
//   how late it woke. A task that wakes late is what ksoftirqd (where netem/htb dequeue under load), ping and
//   iperf3 are: their lateness is added to every delay and gap the lab measures.
// - every PERIOD ms, or at once when a byte arrives on stdin (a step boundary), a round: /proc/stat (per-CPU busy,
//   softirq, steal; procs_running), /proc/pressure/cpu when the kernel has PSI, and the qdisc counters (bytes, drops,
//   overlimits, backlog) of the lab's shaped interfaces, read over one rtnetlink socket per namespace, opened once
//   at start (a socket stays in the namespace it was made in: no setns per round, no process per round).
// Closing stdin ends it. Why Perl: perl-base is Essential on Debian and Ubuntu (the netlink relay's reasoning) and
// it is what the guest of `--kernel uml` has too, so the same script samples inside user-mode Linux. Clock and sleep
// use only the core language (syscall clock_gettime, 4-argument select): Time::HiRes is not in perl-base.
//
// Output, one line each, a round being R … E:
//   H <mono_ns>                                   hello, with the sampler's CLOCK_MONOTONIC
//   W <text>                                      a warning (a namespace that could not be watched)
//   R <mono_ns> <tag>                             a round begins; tag is what stdin asked for, or '-'
//   C <cpu> user nice system idle iowait irq softirq steal      (USER_HZ ticks; 'cpu' is the sum)
//   N <procs_running>
//   P <some_total_us>                             /proc/pressure/cpu, when present
//   L <late_us>,<late_us>,…                       timer lateness of the probes since the last round
//   Q <netns> <ifname> <kind> <handle> <parent> <bytes> <packets> <drops> <overlimits> <qlen> <backlog> <mono_ns>
//   E

import { spawn } from 'node:child_process';
import { SYSCALLS } from '../model/entry.js';
import { NETNS_DIR } from '../sys/index.js';
import { parseSamplerOutput, type SamplerData } from './parse.js';


export const SAMPLER_SOURCE = String.raw`
use strict; use warnings;
my ($SYS_CLOCK, $SYS_SETNS, $NSDIR, $PERIOD_MS, $PROBE_MS, $spec) = @ARGV;
$| = 1;
sub now_ns { my $ts = "\0" x 16; syscall($SYS_CLOCK + 0, 1, $ts) == 0 or die "clock_gettime: $!\n"; my ($s, $n) = unpack('q q', $ts); return $s * 1000000000 + $n }
# Watched interfaces: NS:IF,NS:IF,… ('-' for none). stdin carries only marks, read with sysread (never buffered).
my %want;
for (split /,/, $spec) { my ($ns, $if) = split /:/, $_, 2; push @{$want{$ns}}, $if if defined $if }
my $seq = 0;
sub dump_nl {
  my ($sock, $req, $each) = @_;
  defined(send($sock, $req, 0)) or return "send: $!";
  while (1) {
    my $buf;
    defined(recv($sock, $buf, 1 << 20, 0)) or return "recv: $!";
    my $off = 0;
    while ($off + 16 <= length $buf) {
      my ($len, $type) = unpack('L S', substr($buf, $off, 6));
      return '' if $len < 16 || $type == 3;
      if ($type == 2) { my $e = unpack('l', substr($buf, $off + 16, 4)); $! = -$e; return $e ? "netlink: $!" : '' }
      $each->($type, substr($buf, $off + 16, $len - 16));
      $off += ($len + 3) & ~3;
    }
  }
}
sub attrs {
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
my @watch;   # [ns, socket, {ifindex => ifname}]
for my $ns (sort keys %want) {
  my $fh;
  unless (open($fh, '<', "$NSDIR/$ns") && syscall($SYS_SETNS + 0, fileno($fh), 0x40000000) == 0) { print "W cannot enter $ns: $!\n"; next }
  close $fh;
  my $sock;
  unless (socket($sock, 16, 3, 0)) { print "W netlink socket in $ns: $!\n"; next }
  my %names = map { $_ => 1 } @{$want{$ns}};
  my %byIndex;
  my $err = dump_nl($sock, pack('L S S L L C x S l L L', 32, 18, 0x301, ++$seq, 0, 0, 0, 0, 0, 0), sub {
    my ($type, $m) = @_;
    return unless $type == 16;
    my ($index) = unpack('x4 l', $m);
    (my $name = attrs($m, 16)->{3} // '') =~ s/\0.*//s;
    $byIndex{$index} = $name if $names{$name};
  });
  if ($err) { print "W links of $ns: $err\n"; next }
  push @watch, [$ns, $sock, \%byIndex];
}
sub slurp { my $fh; open($fh, '<', $_[0]) or return undef; local $/; my $t = <$fh>; close $fh; return $t }
my @late;
sub round {
  my ($tag) = @_;
  my @out = ('R ' . now_ns() . " $tag");
  my $stat = slurp('/proc/stat') // '';
  for (split /\n/, $stat) {
    if (/^(cpu\d*)\s+(.*)$/) { my @f = split ' ', $2; push @out, join(' ', 'C', $1, map { $_ // 0 } @f[0..7]) }
    elsif (/^procs_running (\d+)/) { push @out, "N $1" }
  }
  my $psi = slurp('/proc/pressure/cpu');
  push @out, "P $1" if defined $psi && $psi =~ /^some .*total=(\d+)/m;
  push @out, 'L ' . join(',', @late); @late = ();
  for my $w (@watch) {
    my ($ns, $sock, $byIndex) = @$w;
    my $at = now_ns();   # the counters' own time: a round can be preempted between its lines
    # RTM_GETQDISC 38, dump; tcmsg: family, pad, ifindex, handle, parent, info
    my $err = dump_nl($sock, pack('L S S L L C x3 l L L L', 36, 38, 0x301, ++$seq, 0, 0, 0, 0, 0, 0), sub {
      my ($type, $m) = @_;
      return unless $type == 36;                                          # RTM_NEWQDISC
      my ($ifindex, $handle, $parent) = unpack('x4 l L L', $m);
      my $if = $byIndex->{$ifindex};
      return unless defined $if;
      my $a = attrs($m, 20);
      (my $kind = $a->{1} // '?') =~ s/\0.*//s;                           # TCA_KIND
      return unless defined $a->{3};                                      # TCA_STATS: struct tc_stats
      my ($bytes, $packets, $drops, $over, $bps, $pps, $qlen, $backlog) = unpack('Q L L L L L L L', $a->{3});
      push @out, join(' ', 'Q', $ns, $if, $kind, sprintf('%x:%x', $handle >> 16, $handle & 0xffff), $parent == 0xffffffff ? 'root' : sprintf('%x:%x', $parent >> 16, $parent & 0xffff), $bytes, $packets, $drops, $over, $qlen, $backlog, $at);
    });
    push @out, "W qdiscs of $ns: $err" if $err;
  }
  print join("\n", @out, 'E'), "\n";
}
print 'H ' . now_ns() . "\n";
my $probe_ns = $PROBE_MS * 1000000;
my $next_round = now_ns() + $PERIOD_MS * 1000000;
my $pending = '';
while (1) {
  my $rin = ''; vec($rin, fileno(STDIN), 1) = 1;
  my $t0 = now_ns();
  my $n = select(my $rout = $rin, undef, undef, $PROBE_MS / 1000);
  my $t1 = now_ns();
  if ($n > 0) {
    # A step boundary (a line: its tag) or the end (EOF). The probe was cut short: not a lateness sample.
    my $got = sysread(STDIN, my $buf, 4096);
    exit 0 unless $got;
    $pending .= $buf;
    while ($pending =~ s/^([^\n]*)\n//) { round($1); $next_round = now_ns() + $PERIOD_MS * 1000000 }
    next;
  }
  push @late, int(($t1 - $t0 - $probe_ns) / 1000);
  if ($t1 >= $next_round) { round('-'); $next_round = $t1 + $PERIOD_MS * 1000000 }
}
`;

/**
 * What the sampler needs of the process running SAMPLER_SOURCE: a child process has all of it. Under `--kernel uml`
 * with the orchestrator on the host, the guest's agent provides it instead: it runs `perl` with these args inside
 * the guest, passes what is written to stdin through (a line each: a round now; end: exit), and sends stdout's lines
 * back in order, as they come (the clock offset is taken from the fastest line, so relay latency only blurs window
 * edges by that latency).
 */
export interface SamplerProcess {
  stdout: { setEncoding(enc: 'utf8'): unknown; on(ev: 'data', fn: (d: string) => void): unknown };
  stderr: { on(ev: 'data', fn: (d: Buffer) => void): unknown };
  stdin: { write(s: string): unknown; end(): unknown; on(ev: 'error', fn: () => void): unknown };
  on(ev: 'error', fn: (e: Error) => void): unknown;
  on(ev: 'close', fn: (code: number | null) => void): unknown;
  kill(signal?: NodeJS.Signals): unknown;
  readonly exitCode: number | null;
}

export interface SamplerOptions {
  /** Interfaces whose qdiscs to read: the lab's shaped ones, as netns and interface name. */
  interfaces?: { netns: string; ifname: string }[];
  /** A round every PERIOD ms (and at every mark). 250 ms: 4 Hz, well under the 10 Hz budget. */
  periodMs?: number;
  /**
   * The timer probe's sleep. 10 ms: 100 wakeups a second; measured here, the whole sampler took 70 ms of CPU in 10 s
   * (0.7% of a core, start-up included; 20 ms with 50 ms probes), at load 22. Inside user-mode Linux, where every
   * system call costs a round trip through the host, `nslab run` uses UML_PROBE_MS.
   */
  probeMs?: number;
  /** How to start it: the argv of `perl` (the `--kernel uml` agent may run it elsewhere and relay the lines). */
  spawnPerl?: (args: string[]) => SamplerProcess;
}

export interface Sampler {
  /** Ask for a round now, tagged; resolves when it has been read (or after waitMs, then undefined). */
  mark(tag: string, waitMs?: number): Promise<number | undefined>;
  /** The sampler's clock (ms) corresponding to performance.now() here. */
  toSamplerMs(perfMs: number): number;
  /** What it has printed so far, parsed. */
  snapshot(): SamplerData;
  /** Stop it and return everything it printed, parsed. */
  stop(): Promise<SamplerData>;
}

export const DEFAULT_PERIOD_MS = 250;
export const DEFAULT_PROBE_MS = 10;
/** The probe inside user-mode Linux: 20 wakeups a second, so the sampler does not load the kernel it watches. */
export const UML_PROBE_MS = 50;

/**
 * Start the sampler. Never throws: a machine without perl (or an architecture without the syscall numbers) gives a
 * sampler whose data says why nothing was measured.
 */
export function startSampler(opts: SamplerOptions = {}): Sampler {
  const sys = SYSCALLS[process.arch];
  const periodMs = opts.periodMs ?? DEFAULT_PERIOD_MS;
  const probeMs = opts.probeMs ?? DEFAULT_PROBE_MS;
  let text = '';
  let cache: { length: number; data: SamplerData } = { length: -1, data: { rounds: [], warnings: [] } };
  let failure: string | undefined = sys ? undefined : `no clock_gettime system call number known for ${process.arch}`;
  // Clock offset: the sampler's monotonic ms minus performance.now(), taken from the line that arrived fastest.
  let offsetMs: number | undefined;
  const waiters = new Map<string, (samplerMs: number) => void>();
  let child: SamplerProcess | undefined;
  let closed: Promise<void> = Promise.resolve();
  if (sys) {
    const ifs = (opts.interfaces ?? []).map((i) => `${i.netns}:${i.ifname}`).join(',') || '-';
    const args = ['-e', SAMPLER_SOURCE, String(sys.clockGettime), String(sys.setns), NETNS_DIR, String(periodMs), String(probeMs), ifs];
    try {
      child = opts.spawnPerl ? opts.spawnPerl(args) : spawn('perl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      failure = `the sampler did not start: ${(e as Error).message}`;
    }
  }
  if (child) {
    const c = child;
    let partial = '';
    let stderr = '';
    c.stdout.setEncoding('utf8');
    c.stdout.on('data', (d: string) => {
      const arrivedMs = performance.now();
      text += d;
      partial += d;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const m = /^([HR]) (\d+)(?: (.*))?$/.exec(line);
        if (!m) continue;
        const samplerMs = Number(BigInt(m[2]) / 1000n) / 1000;
        const off = samplerMs - arrivedMs;
        // The line left the sampler before it arrived here: the largest (samplerMs − arrival) is the closest.
        if (offsetMs === undefined || off > offsetMs) offsetMs = off;
        if (m[1] === 'R' && m[3] && waiters.has(m[3])) {
          waiters.get(m[3])!(samplerMs);
          waiters.delete(m[3]);
        }
      }
    });
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('error', (e) => (failure = `the sampler did not start: ${e.message}`));
    closed = new Promise((res) =>
      c.on('close', (code) => {
        if (code && !failure) failure = `the sampler exited with ${code}: ${stderr.trim().split('\n')[0] ?? ''}`;
        for (const w of waiters.values()) w(NaN);
        waiters.clear();
        res();
      }),
    );
    c.stdin.on('error', () => undefined);
  }
  return {
    mark(tag, waitMs = 2_000) {
      if (!child || child.exitCode !== null || failure) return Promise.resolve(undefined);
      return new Promise((res) => {
        const timer = setTimeout(() => (waiters.delete(tag), res(undefined)), waitMs);
        waiters.set(tag, (ms) => (clearTimeout(timer), res(Number.isNaN(ms) ? undefined : ms)));
        child!.stdin.write(tag.replace(/\s+/g, '_') + '\n');
      });
    },
    toSamplerMs: (perfMs) => perfMs + (offsetMs ?? 0),
    snapshot() {
      if (cache.length !== text.length) cache = { length: text.length, data: parseSamplerOutput(text) };
      const data = { ...cache.data };
      if (failure) data.failure = failure;
      return data;
    },
    async stop() {
      if (child) {
        child.stdin.end();
        const kill = setTimeout(() => child!.kill('SIGKILL'), 3_000);
        await closed;
        clearTimeout(kill);
      }
      const data = parseSamplerOutput(text);
      if (failure) data.failure = failure;
      return data;
    },
  };
}
