// The user-mode Linux agent: UML boots once per lab and runs only its kernel and a small Perl agent; nslab itself
// (planner, scenario logic, reports) stays on the host and sends the agent the same commands the host executor
// would run (`ip -batch`, `tc -batch`, the netlink relay, ping, iperf3, a node's exec). `UmlAgent.runner` is a
// Runner, so the executor and the scenario runner do not know which kernel they drive.
//
// Why not Node inside UML (the previous design): UML's cost is per system call and per page fault, and Node's
// start-up alone is tens of thousands of both (about 9× slower than on the host: `nslab run` paid ~0.5 s per CLI
// start and 1.35 s for the wan lab's build). Perl is Essential on Debian (perl-base; the netlink relay already
// needs it) and starts in a few milliseconds.
//
// Why a UML serial line (ssl0) on a host socket pair, not the console, a hostfs file/FIFO or a network transport:
// - the console carries boot and kernel messages, and its stdout is how the init script reports; a line of our own
//   is a clean, ordered byte stream both ways, and needs no root (a tap/vector transport does);
// - hostfs does each host system call synchronously in the UML kernel: a guest blocked reading a host FIFO stalls
//   every guest process, and a shared file would have to be polled;
// - measured here (quiet machine): a round trip (start `true`, get its exit back) 4-6 ms, and iperf3's JSON (15 KB,
//   30 KB as hex) arrives in a few ms, negligible against the step.
// The line is a tty inside the guest, so the init puts it in raw mode (`stty raw -echo`: no echo, no CR/LF
// translation, no flow control). Messages are one line each, fields hex-encoded so that no byte of a payload can be
// mistaken for a separator.
//
// Protocol (host → agent): `S ID ARGV ENV STDINPATH` start a process (argv and env NUL-joined; stdin a file the host
// wrote, read through hostfs); `F PATH` a request too long for the line, in a file; `K ID SIGNAL` signal a process's
// group; `E ID` echo (a round trip); `Q` stop. (agent → host): `H` ready; `O ID FD DATA` output; `X ID CODE` exit
// (128+n for signal n); `E ID`.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { NslabError } from '../model/errors.js';
import { SYSCALLS } from '../model/entry.js';
import { PROBED_QDISCS, type KernelCapabilities } from './probe.js';
import { renderCommand, type ManagedProcess, type RunOptions, type RunResult, type Runner } from './proc.js';
import {
  bootEnvironment,
  groupAlive,
  killProcessGroup,
  privateTempDir,
  shQuote,
  umlAvailable,
  umlModuleOrder,
  UML_DEFAULT_MODULES,
  UML_INSTALL_HINT,
  UML_UMID,
} from './uml.js';

export const AGENT_SOURCE = String.raw`
use strict; use warnings;
# No modules (not even POSIX or IO::Select): every page this process has dirtied makes each fork() dearer inside UML,
# where copy-on-write faults cost host system calls. Measured under load: 10 fork+exec of true from a perl that
# loaded POSIX and IO::Select 3.2-4.8 s, from a bare perl 1.3-1.7 s.
my ($tty) = @ARGV;
open(my $io, '+<', $tty) or die "agent: cannot open $tty: $!";
binmode $io;
pipe(my $wake_r, my $wake_w) or die; # SIGCHLD writes here, so select() wakes for it (no polling)
$SIG{CHLD} = sub { syswrite($wake_w, 'x') };
$SIG{PIPE} = 'IGNORE';
my (%proc, %byfd, %bypid);
my $inbuf = '';
sub hx { my $s = shift; return length($s) ? unpack('H*', $s) : '-' }
sub uhx { my $s = shift; return $s eq '-' ? '' : pack('H*', $s) }
sub say_ { my $l = join(' ', @_) . "\n"; my $o = 0;
  while ($o < length $l) { my $n = syswrite($io, $l, length($l) - $o, $o); if (!defined $n) { next if $!{EINTR} || $!{EAGAIN}; exit 0 } $o += $n } }
sub envof { my %e = (PATH => $ENV{PATH}, HOME => '/root', LANG => 'C');
  for (split /\0/, shift) { my ($k, $v) = split /=/, $_, 2; $e{$k} = $v if defined $v } return %e }
sub finish { my $id = shift; my $p = $proc{$id};
  return unless defined $p->{code} && $p->{open} == 0;
  say_('X', $id, $p->{code}); delete $proc{$id} }
sub start {
  my ($id, $argv, $env, $in) = @_;
  my @argv = split /\0/, $argv, -1;
  # stdin: a file the host wrote (seen here through hostfs), opened before the fork: the child gets it as fd 0.
  open(my $inf, '<', $in eq '' ? '/dev/null' : $in) or do { say_('O', $id, 2, hx("agent: $in: $!\n")); say_('X', $id, 127); return };
  pipe(my $or, my $ow) or die; pipe(my $er, my $ew) or die;
  my %e = envof($env);
  my $pid = fork();
  if (!defined $pid) { say_('O', $id, 2, hx("agent: fork: $!\n")); say_('X', $id, 127); return }
  if ($pid == 0) {
    setpgrp(0, 0); # its own group, so K reaches its children too (the host runner kills groups as well)
    open(STDIN, '<&', $inf); open(STDOUT, '>&', $ow); open(STDERR, '>&', $ew);
    %ENV = %e; $SIG{CHLD} = 'DEFAULT'; $SIG{PIPE} = 'DEFAULT';
    { no warnings; exec { $argv[0] } @argv; }
    print STDERR "cannot run $argv[0]: $!\n"; exit 127;
  }
  close $ow; close $ew; close $inf;
  $proc{$id} = { pid => $pid, open => 2 };
  $bypid{$pid} = $id;
  $byfd{fileno $or} = [$id, 1, $or]; $byfd{fileno $er} = [$id, 2, $er];
}
sub reap { while ((my $pid = waitpid(-1, 1)) > 0) { # 1: WNOHANG
  my $id = delete $bypid{$pid}; next unless defined $id;
  my $st = $?; $proc{$id}{code} = ($st & 127) ? 128 + ($st & 127) : $st >> 8; finish($id) } }
sub request {
  my @f = split / /, shift; my $t = shift @f;
  if ($t eq 'F') { my $p = uhx($f[0]); open(my $rf, '<', $p) or return; my $l = <$rf>; close $rf; chomp $l; return request($l) }
  if ($t eq 'S') { start($f[0], uhx($f[1]), uhx($f[2]), uhx($f[3])) }
  elsif ($t eq 'K') { my $p = $proc{$f[0]}; if ($p && !defined $p->{code}) { kill(-$f[1], $p->{pid}) || kill($f[1], $p->{pid}) } }
  elsif ($t eq 'E') { say_('E', $f[0]) }
  elsif ($t eq 'Q') { kill(-9, $_->{pid}) for values %proc; exit 0 }
}
# Hello, with the kernel's loaded modules (what the host would otherwise probe with a dozen processes).
my $mods = ''; if (open(my $m, '<', '/proc/modules')) { $mods = join(' ', map { (split / /)[0] } <$m>); close $m }
say_('H', hx($mods));
while (1) {
  my $rin = '';
  vec($rin, fileno($_), 1) = 1 for ($io, $wake_r);
  vec($rin, $_, 1) = 1 for keys %byfd;
  my $n = select(my $rout = $rin, undef, undef, undef);
  if ($n <= 0) { reap(); next }
  if (vec($rout, fileno($wake_r), 1)) { sysread($wake_r, my $x, 512); reap() }
  if (vec($rout, fileno($io), 1)) {
    my $r = sysread($io, my $buf, 65536);
    exit 0 if defined $r && $r == 0;
    if ($r) {
      $inbuf .= $buf;
      while ((my $i = index($inbuf, "\n")) >= 0) { my $l = substr($inbuf, 0, $i); $inbuf = substr($inbuf, $i + 1); request($l) }
    }
  }
  for my $fd (keys %byfd) {
    next unless vec($rout, $fd, 1);
    my $e = $byfd{$fd};
    my $r = sysread($e->[2], my $buf, 32768);
    if ($r) { say_('O', $e->[0], $e->[1], hx($buf)); next }
    next if !defined $r && $!{EINTR};
    delete $byfd{$fd}; close $e->[2];
    $proc{$e->[0]}{open}--; finish($e->[0]);
  }
  reap();
}
`;

const SETPRIV = '/usr/bin/setpriv';

/** The agent's serial line inside the guest: ssl0 is /dev/ttyS0. */
const AGENT_TTY = '/dev/ttyS0';

export interface UmlAgentOptions {
  memMb?: number;
  modules?: string[];
  /** How long the boot may take until the agent says it is ready. */
  bootTimeoutMs?: number;
  /** Kernel and init output (the guest console), for errors and debugging. */
  onConsole?: (text: string) => void;
}

interface Pending {
  /** Files written for this request (stdin, a long request line), removed when it ends. */
  files: string[];
  stdout: string;
  stderr: string;
  onData?: () => void;
  resolveExit: (code: number) => void;
}

/**
 * A booted user-mode Linux kernel with the agent running in it. `runner` runs commands inside; `close()` halts the
 * kernel, which takes every namespace, link and process of the lab with it; `kill()` is the crash path.
 */
export class UmlAgent {
  /** Milliseconds from starting `linux` to the agent's hello. */
  bootMs = 0;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly echoes = new Map<number, () => void>();
  private inbuf = '';
  private closed = false;
  private exited: Promise<void>;
  private console = '';
  /** The guest kernel's loaded modules, as its agent read them from /proc/modules at start. */
  modules = new Set<string>();
  readonly runner: Runner;

  private constructor(
    private readonly child: ChildProcess,
    private readonly line: Duplex,
    /** The private temp dir (0700): init, agent, guest RAM fallback, the lab's state dir. */
    readonly dir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    this.runner = new AgentRunner(this);
  }

  /** Boot UML with the agent and resolve once it is ready. Rootless: needs no privilege on the host. */
  static async boot(opts: UmlAgentOptions = {}): Promise<UmlAgent> {
    const avail = umlAvailable();
    if (!avail.ok || !avail.modulesDir || !avail.kernel) throw new NslabError('E_UML_MISSING', `user-mode Linux is not usable: ${avail.reason}`, { hint: UML_INSTALL_HINT });
    const modulesDir = avail.modulesDir;
    const modules = umlModuleOrder(readFileSync(join(modulesDir, 'modules.dep'), 'utf8'), opts.modules ?? UML_DEFAULT_MODULES).map((m) => join(modulesDir, m));
    const dir = privateTempDir();
    try {
      mkdirSync(join(dir, 'io'), { mode: 0o700 });
      writeFileSync(join(dir, 'agent.pl'), AGENT_SOURCE, { mode: 0o600 });
      writeFileSync(join(dir, 'init'), agentInit(dir, modules, process.cwd()), { mode: 0o700 });
      const memMb = opts.memMb ?? 512;
      const started = performance.now();
      // fd 3 is a socket pair: UML's fd channel reads and writes the same descriptor (ssl0=fd:3).
      // setpriv --pdeathsig TERM: if nslab dies (SIGKILL included), the kernel gets SIGTERM, whose handler kills
      // its helper processes and exits; the lab goes with it. (Measured: without it, a killed nslab left the
      // kernel and its agent running, since the agent cannot see its host-side peer go.)
      const [file, pre] = existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'TERM', avail.kernel]] : [avail.kernel, []];
      const child = spawn(
        file,
        [...pre, `mem=${memMb}M`, 'rootfstype=hostfs', 'rootflags=/', 'rw', `init=${join(dir, 'init')}`, 'con=null', 'con0=fd:0,fd:1', 'ssl=null', 'ssl0=fd:3', `uml_dir=${dir}`, `umid=${UML_UMID}`, 'quiet'],
        { detached: true, env: bootEnvironment(dir), stdio: ['ignore', 'pipe', 'pipe', 'pipe'] },
      );
      const agent = new UmlAgent(child, child.stdio[3] as Duplex, dir);
      await agent.ready(opts.bootTimeoutMs ?? 60_000, opts.onConsole);
      agent.bootMs = performance.now() - started;
      return agent;
    } catch (e) {
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
  }

  private ready(timeoutMs: number, onConsole?: (t: string) => void): Promise<void> {
    const { child, line } = this;
    // If nslab itself exits, the detached kernel must not live on.
    const onExit = () => killProcessGroup(child.pid);
    process.on('exit', onExit);
    child.once('close', () => process.off('exit', onExit));
    const log = (b: Buffer) => {
      const s = b.toString('utf8');
      this.console = (this.console + s).slice(-8000);
      onConsole?.(s);
    };
    child.stdout!.on('data', log);
    child.stderr!.on('data', log);
    return new Promise<void>((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        killProcessGroup(child.pid);
        reject(new NslabError('E_UML_AGENT', `user-mode Linux agent did not start: ${why}`, { hint: 'see details.console', details: { console: this.console } }));
      };
      const timer = setTimeout(() => fail(`no hello within ${timeoutMs} ms`), timeoutMs);
      child.once('error', (e) => fail(e.message));
      child.once('close', () => {
        this.closed = true;
        for (const p of this.pending.values()) p.resolveExit(125);
        this.pending.clear();
        fail('the kernel exited');
      });
      line.on('data', (b: Buffer) => {
        this.inbuf += b.toString('latin1');
        let i: number;
        while ((i = this.inbuf.indexOf('\n')) >= 0) {
          const f = this.inbuf.slice(0, i).replace(/\r$/, '').split(' ');
          this.inbuf = this.inbuf.slice(i + 1);
          if (f[0] === 'H') {
            this.modules = new Set((f[1] === '-' || f[1] === undefined ? '' : Buffer.from(f[1], 'hex').toString()).split(' ').filter(Boolean));
            clearTimeout(timer);
            resolve();
          } else this.message(f);
        }
      });
      line.on('error', () => undefined);
    });
  }

  private message(f: string[]): void {
    const id = Number(f[1]);
    if (f[0] === 'O') {
      const p = this.pending.get(id);
      if (!p) return;
      const text = f[3] === '-' ? '' : Buffer.from(f[3], 'hex').toString('utf8');
      if (f[2] === '1') p.stdout += text;
      else p.stderr += text;
      p.onData?.();
    } else if (f[0] === 'X') {
      const p = this.pending.get(id);
      this.pending.delete(id);
      for (const file of p?.files ?? []) rmSync(file, { force: true });
      p?.resolveExit(Number(f[2]));
    } else if (f[0] === 'E') {
      this.echoes.get(id)?.();
      this.echoes.delete(id);
    }
  }

  private send(fields: (string | number)[], files?: string[]): void {
    if (this.closed) throw new NslabError('E_UML_AGENT', 'the user-mode Linux kernel has stopped', { details: { console: this.console } });
    let line = fields.join(' ');
    if (line.length > MAX_LINE && files) {
      // A long argv or environment: the request itself goes through a file (`F PATH`).
      const path = join(this.dir, 'io', `req.${fields[1]}`);
      writeFileSync(path, line + '\n', { mode: 0o600 });
      files.push(path);
      line = `F ${hexField(path)}`;
    }
    this.line.write(line + '\n');
  }

  /** Start argv inside; its output accumulates in the returned record until it exits. */
  startProcess(argv: string[], env: Record<string, string>, input: string, onData?: () => void): { id: number; record: Pending; exit: Promise<number> } {
    const id = this.nextId++;
    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((r) => (resolveExit = r));
    const record: Pending = { files: [], stdout: '', stderr: '', onData, resolveExit };
    this.pending.set(id, record);
    // stdin goes through a file in our temp dir, which the guest reads through hostfs: the serial line is for
    // short messages (a tty's input buffer is 4 KB, and a long line stalled it: measured, `cat` of 4000 bytes hung).
    let stdinPath = '';
    if (input !== '') {
      stdinPath = join(this.dir, 'io', `in.${id}`);
      writeFileSync(stdinPath, input, { mode: 0o600 });
      record.files.push(stdinPath);
    }
    this.send(['S', id, hexField(argv.join('\0')), hexField(envField(env)), hexField(stdinPath)], record.files);
    return { id, record, exit };
  }

  /** A round trip over the line, without starting a process (to measure the channel). */
  echo(): Promise<void> {
    const id = this.nextId++;
    return new Promise<void>((resolve) => {
      this.echoes.set(id, resolve);
      this.send(['E', id]);
    });
  }

  signal(id: number, signal: NodeJS.Signals): void {
    if (!this.pending.has(id) || this.closed) return;
    const n = SIGNALS[signal] ?? 15;
    this.send(['K', id, n]);
  }

  /**
   * What the guest kernel can do, from its loaded modules: Debian's UML kernel builds every qdisc but the fifos as a
   * module (/usr/lib/uml/modules/<v>/kernel/net/sched/), and nothing loads one after the agent starts, so a qdisc is
   * there exactly when its module is loaded. Saves the probe's dozen processes (about 1.6 s of a lab's build in
   * UML under load).
   */
  capabilities(): KernelCapabilities {
    const has = (m: string) => this.modules.has(m);
    const qdiscs: Record<string, boolean> = {};
    for (const q of PROBED_QDISCS) qdiscs[q] = q === 'pfifo' || q === 'bfifo' || has(`sch_${q === 'clsact' ? 'ingress' : q}`);
    return { netns: true, veth: has('veth'), bridge: has('bridge'), qdiscs, timerHz: umlTimerHz() };
  }

  /** The guest's console so far (boot messages, the init's own output): for error details. */
  consoleLog(): string {
    return this.console;
  }

  /**
   * Halt: the agent stops (its processes killed), the init script halts the kernel, and with it every namespace of
   * the lab. Bounded: a kernel that does not halt in time is killed (SIGTERM to the leader first, whose handler kills
   * its helper processes; then the group).
   */
  async close(graceMs = 5_000): Promise<void> {
    if (!this.closed) {
      try {
        this.send(['Q']);
      } catch {
        /* already stopped */
      }
      this.line.end();
    }
    await this.stopWithin(graceMs);
  }

  /** The crash path (nslab killed, a test): SIGKILL the whole group at once, then remove the temp dir. */
  async kill(): Promise<void> {
    killProcessGroup(this.child.pid);
    await this.stopWithin(3_000);
  }

  private async stopWithin(graceMs: number): Promise<void> {
    const pgid = this.child.pid;
    const gone = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref())]);
    if (!gone && pgid !== undefined) {
      try {
        process.kill(pgid, 'SIGTERM');
      } catch {
        /* gone */
      }
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 3_000).unref())]);
    }
    // Helpers of the group may outlive the leader for a moment: wait for the group to empty (bounded).
    if (pgid !== undefined) {
      const deadline = performance.now() + 3_000;
      while (groupAlive(pgid) && performance.now() < deadline) {
        killProcessGroup(pgid);
        await new Promise((r) => setTimeout(r, 25));
      }
    }
    this.closed = true;
    rmSync(this.dir, { recursive: true, force: true });
  }


  /**
   * How late a short periodic timer fires inside the guest: `count` sleeps of `periodMs`, each sample the wake-up
   * time minus the deadline, in microseconds (see TIMER_LATENESS_PERL).
   */
  async timerLateness(periodMs = 10, count = 100): Promise<number[]> {
    const [file, ...args] = timerLatenessArgv(periodMs, count, 'x64');
    const r = await this.runner.run(file, args, { timeoutMs: periodMs * count * 20 + 10_000 });
    if (r.exitCode !== 0) throw new NslabError('E_UML_AGENT', `timer sampler failed inside user-mode Linux: ${r.stderr.trim()}`);
    return parseTimerLateness(r.stdout);
  }
}

/**
 * A timer-lateness sampler for emulation health, runnable through any Runner (the host's, or the agent's inside
 * UML, where perl-base is all there is): sleep to each deadline with select(2) (how a paced sender waits), print the
 * wake-up time minus the deadline in microseconds, space-separated, on one line. CLOCK_MONOTONIC is read with
 * clock_gettime(2) through syscall(), since perl-base has no Time::HiRes; its number is the first argument.
 */
export const TIMER_LATENESS_PERL = String.raw`
my ($nr, $period, $n) = @ARGV; my @out;
sub now { my $ts = pack('q q', 0, 0); syscall($nr, 1, $ts) == 0 or die "clock_gettime: $!"; my ($s, $ns) = unpack('q q', $ts); return $s * 1e6 + $ns / 1e3 }
my $next = now() + $period * 1000;
for (1 .. $n) { my $wait = ($next - now()) / 1e6; select(undef, undef, undef, $wait) if $wait > 0; my $t = now(); push @out, sprintf('%.0f', $t - $next); $next += $period * 1000; $next = $t if $next < $t }
print join(' ', @out), "\n";
`;


/** argv of the sampler: `count` samples, one every `periodMs`. `arch`: where it runs (default: this host's). */
export function timerLatenessArgv(periodMs: number, count: number, arch: string = process.arch): string[] {
  const nr = SYSCALLS[arch]?.clockGettime;
  if (nr === undefined) throw new NslabError('E_UNSUPPORTED', `no clock_gettime system call number for ${arch}`);
  return ['perl', '-e', TIMER_LATENESS_PERL, String(nr), String(periodMs), String(count)];
}

/** The sampler's output: microseconds late, one number per sample. */
export function parseTimerLateness(stdout: string): number[] {
  return stdout.trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Debian ships the UML kernel's configuration; its CONFIG_HZ sets how long htb bursts must be (shapingBurstMs). */
const UML_CONFIG = '/usr/share/doc/user-mode-linux/config.gz';

/** CONFIG_HZ of the UML kernel, or undefined when its configuration is not there to read (then 1 ms bursts). */
export function umlTimerHz(configGz = UML_CONFIG): number | undefined {
  try {
    const m = /^CONFIG_HZ=(\d+)$/m.exec(gunzipSync(readFileSync(configGz)).toString('utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Longest request line sent over the serial line itself (see startProcess). */
const MAX_LINE = 2000;

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15, SIGUSR1: 10, SIGUSR2: 12 };

const hexField = (s: string): string => (s === '' ? '-' : Buffer.from(s, 'utf8').toString('hex'));
const envField = (env: Record<string, string>): string =>
  Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\0');

/** The init (PID 1): the usual guest mounts and modules, then the agent on ssl0; when it ends, halt. */
function agentInit(dir: string, modules: string[], cwd: string): string {
  return [
    '#!/bin/sh',
    '# nslab: init (PID 1) of a user-mode Linux kernel that runs the nslab agent; generated, removed with its folder.',
    'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // The root is the host's / through hostfs: these mounts are the guest's own, so /run/netns, /proc and /sys
    // are the guest's and never the host's.
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t tmpfs -o mode=0755 tmpfs /run',
    'mkdir -p /run/netns',
    ...modules.map((m) => `insmod ${shQuote(m)} || echo "nslab-agent: insmod ${m} failed"`),
    'dmesg -n 1 2>/dev/null',
    'ip link set lo up 2>/dev/null',
    `stty -F ${AGENT_TTY} raw -echo`,
    // The host's working directory (the same path through hostfs), so relative paths in steps mean what they say.
    `cd ${shQuote(cwd)} 2>/dev/null || cd /`,
    `perl ${shQuote(join(dir, 'agent.pl'))} ${AGENT_TTY}`,
    'sync',
    // -d: no wtmp record (through hostfs that would be the HOST's /var/log/wtmp).
    'halt -f -d 2>/dev/null',
    'poweroff -f 2>/dev/null',
    'while :; do sleep 60; done',
    '',
  ].join('\n');
}

/** Runner over the agent: what ExecaRunner does on the host, done inside the guest. */
class AgentRunner implements Runner {
  spawned = 0;
  /** The commands run in a kernel of their own, which dies with the lab (see Runner.privateKernel). */
  readonly privateKernel = true;
  constructor(private readonly agent: UmlAgent) {}

  get kernelCapabilities(): KernelCapabilities {
    return this.agent.capabilities();
  }

  start(file: string, args: string[], opts: { env?: Record<string, string>; timeoutMs?: number } = {}): ManagedProcess {
    this.spawned++;
    const started = performance.now();
    const command = renderCommand(file, args);
    const waiters: { re: RegExp; resolve: (l: string) => void; reject: (e: Error) => void }[] = [];
    let exited = false;
    const scan = () => {
      for (const w of [...waiters]) {
        const l = (p.record.stdout + '\n' + p.record.stderr).split('\n').find((x) => w.re.test(x));
        if (l !== undefined) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(l);
        }
      }
    };
    const p = this.agent.startProcess([file, ...args], opts.env ?? {}, '', scan);
    let timedOut = false;
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          this.agent.signal(p.id, 'SIGKILL');
        }, opts.timeoutMs)
      : undefined;
    const done = p.exit.then((code): RunResult => {
      exited = true;
      if (timer) clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new NslabError('E_PROCESS_EXITED', `${command} exited before printing what was awaited`, { details: { stdout: p.record.stdout, stderr: p.record.stderr } }));
      return { command, exitCode: timedOut ? 124 : code, stdout: p.record.stdout, stderr: p.record.stderr, durationMs: performance.now() - started, timedOut };
    });
    return {
      pid: -p.id,
      command,
      done,
      kill: (signal: NodeJS.Signals = 'SIGTERM') => this.agent.signal(p.id, signal),
      waitForOutput: (re, timeoutMs) =>
        new Promise<string>((resolve, reject) => {
          const already = (p.record.stdout + '\n' + p.record.stderr).split('\n').find((l) => re.test(l));
          if (already !== undefined) return resolve(already);
          if (exited) return reject(new NslabError('E_PROCESS_EXITED', `${command} has exited`, { details: { stdout: p.record.stdout, stderr: p.record.stderr } }));
          const t = setTimeout(() => {
            waiters.splice(waiters.findIndex((w) => w.re === re), 1);
            reject(new NslabError('E_TIMEOUT', `${command} did not print ${re} within ${timeoutMs} ms`, { details: { stdout: p.record.stdout, stderr: p.record.stderr } }));
          }, timeoutMs);
          waiters.push({ re, resolve: (l) => (clearTimeout(t), resolve(l)), reject: (e) => (clearTimeout(t), reject(e)) });
        }),
    };
  }

  async run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    this.spawned++;
    const started = performance.now();
    const command = renderCommand(file, args);
    const p = this.agent.startProcess([file, ...args], opts.env ?? {}, opts.input ?? '');
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.agent.signal(p.id, 'SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    const code = await p.exit;
    clearTimeout(timer);
    if (process.env.NSLAB_UML_TRACE) process.stderr.write(`[uml] ${Math.round(performance.now() - started)} ms exit ${code}: ${command.slice(0, 120)}\n`);
    return { command, exitCode: timedOut ? 124 : code, stdout: p.record.stdout, stderr: p.record.stderr, durationMs: performance.now() - started, timedOut };
  }

  spawnDetached(): number {
    // A guest pid cannot be returned synchronously over the line; lab-owned daemons (node services, `start`
    // commands) are not supported by `run --kernel uml` yet, and Lab.up refuses such labs before building.
    throw new NslabError('E_UML_UNSUPPORTED', 'long-running lab processes (services, start commands) are not supported under the user-mode Linux agent yet', {
      hint: 'use nslab up --kernel uml for such labs',
    });
  }
}

/** A private state dir for a lab that lives in the agent's kernel (the guest sees it at the same path, via hostfs). */
export function agentStateDir(agent: UmlAgent): string {
  return mkdtempSync(join(agent.dir, 'state-'));
}
