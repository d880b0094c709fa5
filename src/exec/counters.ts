// Read a lab's interface counters and link states once a second (the web view's live figures), through one
// long-running Perl process: each `tick` on its stdin makes it enter every namespace in turn (setns), dump the
// links with their 64-bit statistics (RTM_GETLINK, IFLA_STATS64) and the qdiscs with theirs (RTM_GETQDISC,
// TCA_STATS), and print one frame. Only reads.
//
// Why one process kept alive rather than readLinkStates once a second: a fork+exec of perl and the compile of the
// reader cost ~15 ms of CPU each time; a tick of the running reader costs the dumps only (200 namespaces:
// measured in the web benchmark). Why setns on every tick rather than one netlink socket per namespace kept open:
// a socket holds its namespace alive, so a lab taken down under the web view would leave its namespaces (and
// their veths) behind until the view noticed; re-entering by path after `ip netns del` simply fails ("missing").

import { spawn, type ChildProcess } from 'node:child_process';
import { NETNS_DIR } from '../sys/index.js';
import { NETLINK_PERL_SUBS, parseByNetns } from './linkstate.js';
import { setnsSyscall } from './relay.js';

/** One interface's state and counters, as read at one tick. */
export interface IfCounters {
  adminUp: boolean;
  carrier: boolean;
  rxBytes: number;
  txBytes: number;
  rxPackets: number;
  txPackets: number;
  /** rx_dropped + tx_dropped of the interface (rtnl_link_stats64). */
  ifDropped: number;
  /** Drops counted by the root egress qdisc (netem loss, tbf/htb queue overflow: a parent counts its children's). */
  qdiscDrops: number;
}

export interface CounterFrame {
  /** Namespace → interface name → counters. */
  byNetns: Map<string, Map<string, IfCounters>>;
  missing: string[];
}

export const COUNTERS_SOURCE =
  String.raw`
use strict; use warnings;
my ($SYS_SETNS, $NSDIR, @NS) = @ARGV;
$| = 1;
` +
  NETLINK_PERL_SUBS +
  String.raw`
while (my $cmd = <STDIN>) {
  for my $ns (@NS) {
    my $fh;
    unless (open($fh, '<', "$NSDIR/$ns") && syscall($SYS_SETNS, fileno($fh), 0x40000000) == 0) { print "missing\t$ns\n"; next }   # CLONE_NEWNET
    close $fh;
    socket(my $sock, 16, 3, 0) or die "netlink socket: $!\n";          # AF_NETLINK, SOCK_RAW, NETLINK_ROUTE
    print "ns\t$ns\n";
    dump_nl($sock, pack('L S S L L C x S l L L', 32, 18, 0x301, ++$seq, 0, 0, 0, 0, 0, 0), sub {   # RTM_GETLINK dump
      my ($type, $m) = @_;
      return unless $type == 16;                                        # RTM_NEWLINK
      my ($index, $flags) = unpack('x4 l L', $m);
      my $a = attrs($m, 16);
      (my $name = $a->{3} // '') =~ s/\0.*//s;                          # IFLA_IFNAME
      my $carrier = defined $a->{33} ? unpack('C', $a->{33}) : (($flags & 0x10000) ? 1 : 0);
      # IFLA_STATS64 (23): rx_packets tx_packets rx_bytes tx_bytes rx_errors tx_errors rx_dropped tx_dropped, u64 each
      my @s = defined $a->{23} ? unpack('Q8', $a->{23}) : (0) x 8;
      print join("\t", 'if', $index, $name, $flags & 1, $carrier, @s[0 .. 3], $s[6] + $s[7]), "\n";
    });
    # RTM_GETQDISC 38, tcmsg (family, ifindex, handle, parent, info): every qdisc of the namespace
    dump_nl($sock, pack('L S S L L C x S l L L L', 36, 38, 0x301, ++$seq, 0, 0, 0, 0, 0, 0, 0), sub {
      my ($type, $m) = @_;
      return unless $type == 36;                                        # RTM_NEWQDISC
      my ($index, $parent) = unpack('x4 l x4 L', $m);
      return unless $parent == 0xFFFFFFFF;                              # TC_H_ROOT: the egress root only
      my $a = attrs($m, 20);
      return unless defined $a->{3};                                    # TCA_STATS: struct tc_stats, drops at offset 12
      print join("\t", 'q', $index, unpack('x12 L', $a->{3})), "\n";
    });
    close $sock;
  }
  print "\@\@frame\n";
}
`;

/** Parse one frame of the reader's output (pure; exported for tests). */
export function parseCounterFrame(text: string): CounterFrame {
  return parseByNetns<IfCounters>(text, (f, cur, byIndex) => {
    if (f[0] === 'if') {
      const c: IfCounters = {
        adminUp: f[3] === '1',
        carrier: f[4] === '1',
        rxPackets: Number(f[5]),
        txPackets: Number(f[6]),
        rxBytes: Number(f[7]),
        txBytes: Number(f[8]),
        ifDropped: Number(f[9]),
        qdiscDrops: 0,
      };
      cur.set(f[2], c);
      byIndex.set(f[1], c);
    } else if (f[0] === 'q') {
      const c = byIndex.get(f[1]);
      if (c) c.qdiscDrops += Number(f[2]);
    }
  });
}

/** The running reader: `read()` asks for one frame. `close()` ends it (it also ends when our stdin closes). */
export class CounterReader {
  private child: ChildProcess;
  private buf = '';
  private waiting: { resolve: (f: CounterFrame) => void; reject: (e: Error) => void }[] = [];
  private stderr = '';
  private exited: Error | undefined;

  constructor(netns: string[]) {
    const sys = setnsSyscall();
    if (sys === undefined) throw new Error(`no setns system call number known for ${process.arch}`);
    this.child = spawn('perl', ['-e', COUNTERS_SOURCE, String(sys), NETNS_DIR, ...netns], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (d: string) => {
      this.buf += d;
      let end: number;
      while ((end = this.buf.indexOf('@@frame\n')) >= 0) {
        const frame = this.buf.slice(0, end);
        this.buf = this.buf.slice(end + 8);
        this.waiting.shift()?.resolve(parseCounterFrame(frame));
      }
    });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.child.stdin!.on('error', () => undefined); // EPIPE after the reader died: reported through 'exit'
    this.child.on('exit', (code, signal) => {
      this.exited = new Error(`the counter reader exited (${signal ?? code}): ${this.stderr.trim() || 'no error text'}`);
      for (const w of this.waiting.splice(0)) w.reject(this.exited);
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  read(): Promise<CounterFrame> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin!.write('tick\n');
    });
  }

  close(): void {
    this.child.stdin!.end();
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
