// The user-mode Linux adapter: boots Debian's `linux` (a Linux 6.1 kernel that runs as an ordinary, rootless
// process with the host's / as its hostfs root) around one command, because that kernel has sch_netem and the
// host's may not. One side effect: running that kernel. It always shuts down, and its temp dir always goes.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { NslabError } from '../model/index.js';

export const UML_KERNEL = '/usr/bin/linux';
export const UML_MODULES_ROOT = '/usr/lib/uml/modules';
export const UML_INSTALL_HINT = 'apt-get install user-mode-linux kmod';

/** What a lab needs: veth, bridge (which pulls in stp, llc, ipv6, crc-ccitt) and the three shaping qdiscs. */
export const UML_DEFAULT_MODULES = ['veth', 'bridge', 'sch_netem', 'sch_htb', 'sch_tbf'];
// Added for labs with OpenFlow switches (kind: ovs), which use the kernel datapath where the module is loaded
// (features/openflow). Checked under UML 6.1.176: sdn-learning's switches came up with datapath system (ovs-dpctl
// show: system@ovs-system with the switch's ports), pingall passed, iperf3 through two switches gave 1.01 Gbit/s.
// Only for those labs: it pulls in conntrack and NAT (7 modules), which other labs do not need at every boot.
export const UML_OPENFLOW_MODULES = ['openvswitch'];

export const UML_DEFAULT_MEM_MB = 512;
export const UML_DEFAULT_TIMEOUT_MS = 120_000;
/** After SIGTERM on timeout or abort, how long the kernel gets to clean up its helpers before SIGKILL. */
export const UML_TERM_GRACE_MS = 3_000;

// ---------------------------------------------------------------------------------------------------------------
// Module order (pure)

/** Module name as the kernel knows it: basename without .ko[.xz|.zst|.gz], with '-' and '_' equivalent. */
function moduleName(pathOrName: string): string {
  const base = pathOrName.slice(pathOrName.lastIndexOf('/') + 1);
  return base.replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');
}

/**
 * Module paths (relative, as modules.dep writes them) in load order: every dependency before its user, each
 * module once. `wanted` takes names (`bridge`, `crc-ccitt` or `crc_ccitt`) or modules.dep paths.
 *
 * modules.dep already lists the transitive closure, in the order modprobe unloads (the last entry loads first):
 * `bridge.ko: stp.ko llc.ko ipv6.ko crc-ccitt.ko`. Walking each dependency's own entry as well keeps the result
 * right even for a hand-written or partial file that lists only direct dependencies.
 */
export function umlModuleOrder(modulesDepText: string, wanted: string[]): string[] {
  const deps = new Map<string, string[]>();
  const byName = new Map<string, string>();
  for (const raw of modulesDepText.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const path = line.slice(0, colon).trim();
    const rest = line.slice(colon + 1).trim();
    deps.set(path, rest === '' ? [] : rest.split(/\s+/));
    byName.set(moduleName(path), path);
  }

  const resolveWanted = (w: string): string => {
    if (deps.has(w)) return w;
    const p = byName.get(moduleName(w));
    if (p === undefined)
      throw new NslabError('E_UML_MODULE_UNKNOWN', `kernel module ${w} is not in the user-mode Linux modules.dep`, {
        hint: `check the name against ${UML_MODULES_ROOT}/<version>/modules.dep (it may be built in, or absent from this kernel)`,
      });
    return p;
  };

  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (path: string, chain: string[]): void => {
    const s = state.get(path);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new NslabError('E_UML_MODULE_CYCLE', `modules.dep has a dependency cycle: ${[...chain, path].join(' -> ')}`);
    state.set(path, 'visiting');
    // A dependency named in the list but without its own line is still loaded, just with no further deps.
    for (const d of [...(deps.get(path) ?? [])].reverse()) visit(d, [...chain, path]);
    state.set(path, 'done');
    order.push(path);
  };
  for (const w of wanted) visit(resolveWanted(w), []);
  return order;
}

// ---------------------------------------------------------------------------------------------------------------
// Availability

export interface UmlAvailability {
  ok: boolean;
  reason?: string;
  kernel?: string;
  /** The modules folder matching the kernel, e.g. /usr/lib/uml/modules/6.1.176. */
  modulesDir?: string;
}

/** Kernel binary and a modules folder with a modules.dep: no process is started unless several versions exist. */
export function umlAvailable(): UmlAvailability {
  if (!existsSync(UML_KERNEL)) return { ok: false, reason: `${UML_KERNEL} not found (${UML_INSTALL_HINT})` };
  let versions: string[];
  try {
    versions = readdirSync(UML_MODULES_ROOT).filter((v) => existsSync(join(UML_MODULES_ROOT, v, 'modules.dep')));
  } catch {
    return { ok: false, reason: `${UML_MODULES_ROOT} not found (${UML_INSTALL_HINT})` };
  }
  if (versions.length === 0) return { ok: false, reason: `no ${UML_MODULES_ROOT}/<version>/modules.dep (${UML_INSTALL_HINT})` };
  let version = versions[0];
  if (versions.length > 1) {
    // Modules only load into the kernel they were built for (vermagic), so ask the kernel its version.
    const r = spawnSync(UML_KERNEL, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const v = String(r.stdout ?? '').trim();
    if (!versions.includes(v)) return { ok: false, reason: `no modules for kernel ${v || '?'} in ${UML_MODULES_ROOT} (have ${versions.join(', ')})` };
    version = v;
  }
  return { ok: true, kernel: UML_KERNEL, modulesDir: join(UML_MODULES_ROOT, version) };
}

// ---------------------------------------------------------------------------------------------------------------
// Running a command inside

export interface UmlRunOptions {
  /** The command, run by the init script (PID 1) after setup; its exit code becomes `exitCode`. */
  argv: string[];
  /** Directory to run it in (a host path: the guest's / is the host's /). */
  cwd?: string;
  env?: Record<string, string>;
  memMb?: number;
  timeoutMs?: number;
  /** Connect the console to this process's terminal (stdio inherited), for a shell. Output is then not collected. */
  interactive?: boolean;
  /** Module names or modules.dep paths; dependencies are added. Default: UML_DEFAULT_MODULES. */
  modules?: string[];
  /** The command's console output, as it arrives (`\r\n` already turned into `\n`). */
  onOutput?: (text: string) => void;
  signal?: AbortSignal;
}

export interface UmlRunResult {
  exitCode: number;
  /** The command's console output only: boot messages before it and the shutdown after it are cut off. */
  output: string;
  /** From starting `linux` to the command starting (boot, mounts, module loading). */
  bootMs: number;
  /** From starting `linux` to the process (group) having exited. */
  durationMs: number;
}

/** Single-quote every token for the init script: no expansion of any kind inside, and `'` written as '\''. */
export function shQuote(token: string): string {
  return `'${token.replace(/'/g, `'\\''`)}'`;
}

// The kernel command line is split on spaces and has no quoting for init=, so its path must be plain.
const PLAIN_PATH = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Remove the temp dirs of kernels that are gone: nslab killed with SIGKILL cannot remove its own (its kernel then
 * stops too: setpriv --pdeathsig in uml-agent.ts). A running kernel always has its pid file (`uml_dir/<umid>/pid`,
 * written at the start of its boot), and on exit, SIGTERM included, it removes that umid dir. So a dir of ours is
 * stale when its pid file names no running `linux`, or when it has no umid dir and its init script is older than
 * `minAgeMs` (a kernel between spawn and its first steps has no umid dir yet, for milliseconds).
 */
export function sweepStaleTempDirs(base: string, minAgeMs = 60_000): string[] {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(base).filter((e) => e.startsWith('nslab-uml-'));
  } catch {
    return removed;
  }
  const uid = process.geteuid?.();
  for (const e of entries) {
    const dir = join(base, e);
    try {
      if (statSync(dir).uid !== uid) continue;
      let stale: boolean;
      if (existsSync(join(dir, UML_UMID))) {
        const pid = Number(readFileSync(join(dir, UML_UMID, 'pid'), 'utf8').trim());
        if (!Number.isInteger(pid) || pid <= 0) continue;
        let alive = false;
        try {
          alive = readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'linux';
        } catch {
          /* no such process */
        }
        stale = !alive;
      } else stale = Date.now() - statSync(join(dir, 'init')).mtimeMs >= minAgeMs;
      if (!stale) continue;
      killKernelLeftovers(dir);
      rmSync(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      /* not ours, not a kernel's dir, or gone meanwhile */
    }
  }
  return removed;
}

/**
 * SIGKILL every process of ours still running the kernel of `dir` (its helpers carry the leader's command line, with
 * `uml_dir=DIR`). Seen once under load: after the leader exited on SIGTERM (pdeathsig), one helper lived on,
 * orphaned, in its own group.
 */
export function killKernelLeftovers(dir: string): number[] {
  const tag = Buffer.from(`uml_dir=${dir}\0`);
  const uid = process.geteuid?.();
  const killed: number[] = [];
  let pids: string[] = [];
  try {
    pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return killed;
  }
  for (const p of pids) {
    try {
      if (statSync(`/proc/${p}`).uid !== uid) continue;
      const cmd = readFileSync(`/proc/${p}/cmdline`);
      if (cmd.indexOf(tag) < 0) continue;
      process.kill(Number(p), 'SIGKILL');
      killed.push(Number(p));
    } catch {
      /* gone, or not ours */
    }
  }
  return killed;
}

/** The umid every nslab kernel gets (its pid file is `uml_dir/<umid>/pid`). */
export const UML_UMID = 'nslab';

export function privateTempDir(): string {
  let base = tmpdir();
  if (!PLAIN_PATH.test(base)) base = '/tmp';
  sweepStaleTempDirs(base);
  try {
    return mkdtempSync(join(base, 'nslab-uml-'));
  } catch (e) {
    throw new NslabError('E_UML_TMPDIR', `cannot create a temp dir under ${base}`, { cause: e, hint: 'set TMPDIR to a writable directory' });
  }
}

/**
 * Where UML keeps guest RAM. It creates an (unlinked, O_TMPFILE) file in $TMPDIR if set, else /dev/shm, and maps
 * it executable. On a disk-backed TMPDIR every guest page write becomes file I/O ("Warning: tempdir … is not on
 * tmpfs"), so prefer /dev/shm when this user can write there; otherwise the private temp dir (a rootless user
 * always can), which costs speed, not correctness.
 */
function guestRamDir(fallback: string): string {
  try {
    if (statSync('/dev/shm').isDirectory()) {
      accessSync('/dev/shm', constants.W_OK | constants.X_OK);
      return '/dev/shm';
    }
  } catch {
    /* fall through */
  }
  return fallback;
}

/** The `linux` process's own environment: where its RAM file goes (see guestRamDir), HOME for nothing else. */
export function bootEnvironment(dir: string): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
    TMPDIR: guestRamDir(dir),
    HOME: dir,
  };
  if (process.env.TERM) env.TERM = process.env.TERM;
  return env;
}

interface InitScriptParts {
  dir: string;
  modulePaths: string[];
  argv: string[];
  cwd?: string;
  env: Record<string, string>;
  interactive: boolean;
  startMarker: [string, string];
  endMarker: [string, string];
}

const STATUS_FILE = 'status';
const EXIT_FILE = 'exit-code';

function initScript(p: InitScriptParts): string {
  for (const k of Object.keys(p.env))
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k))
      throw new NslabError('E_UML_ENV', `environment variable name ${JSON.stringify(k)} is not a shell identifier`);
  const d = shQuote(p.dir);
  const cmd = p.argv.map(shQuote).join(' ');
  const lines = [
    '#!/bin/sh',
    '# nslab: init (PID 1) for one user-mode Linux run; generated, and removed with its folder when the run ends.',
    'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    `D=${d}`,
    // The root is the host's / through hostfs: these mounts are the guest's own and hide the host's /proc, /sys
    // and /run from it, so `ip netns add` (which writes /run/netns) and utmp never touch the host.
    'mount -t proc proc /proc',
    'mount -t sysfs sysfs /sys',
    'mount -t tmpfs -o mode=0755 tmpfs /run',
    'mkdir -p /run/netns',
    'rc=0; st=ok',
    ...p.modulePaths.map((m) => `[ $rc = 0 ] && { insmod ${shQuote(m)} || { rc=125; st=${shQuote('module ' + m)}; }; }`),
    // Kernel printk (bridge, netem notices) would land in the middle of the command's output on the console.
    'dmesg -n 1 2>/dev/null',
    'ip link set lo up 2>/dev/null',
    ...Object.entries(p.env).map(([k, v]) => `export ${k}=${shQuote(v)}`),
    ...(p.cwd === undefined ? [] : [`[ $rc = 0 ] && { cd ${shQuote(p.cwd)} || { rc=126; st=cwd; }; }`]),
    // Markers are written in two halves so that the script's own text never contains them whole.
    'if [ $rc = 0 ]; then',
    ...(p.interactive ? [] : [`  printf '%s%s\\n' ${shQuote(p.startMarker[0])} ${shQuote(p.startMarker[1])}`]),
    p.interactive
      ? // setsid -c makes the console the shell's controlling terminal, so Ctrl-C and job control work.
        `  if command -v setsid >/dev/null 2>&1; then setsid -w -c ${cmd}; else ${cmd}; fi`
      : `  ${cmd} </dev/null`,
    '  rc=$?',
    'fi',
    ...(p.interactive ? [] : [`printf '%s%s:%s:\\n' ${shQuote(p.endMarker[0])} ${shQuote(p.endMarker[1])} "$rc"`]),
    // Through hostfs this lands in the host's temp dir: the exit code survives whatever the console mangles.
    `printf '%s\\n' "$st" > "$D/${STATUS_FILE}"`,
    `printf '%s\\n' "$rc" > "$D/${EXIT_FILE}"`,
    'sync',
    // -d: no wtmp record. systemd's halt otherwise appends one to /var/log/wtmp, which through hostfs is the
    // HOST's file (as root it succeeds and leaves a trace; rootless it prints "Failed to write utmp record").
    'halt -f -d 2>/dev/null',
    // halt missing or refused: PID 1 must not exit (that panics the kernel), so try poweroff, then wait for the
    // caller's timeout to kill the process group.
    'poweroff -f 2>/dev/null',
    'while :; do sleep 60; done',
    '',
  ];
  return lines.join('\n');
}

/**
 * Boot user-mode Linux, run `argv` as root inside (no host root needed), and shut it down.
 *
 * Rootless notes, found by running as `nobody`:
 * - UML puts its pid file and mconsole socket in ~/.uml/<umid>/; with an unwritable HOME it panics at boot
 *   ("Failed to mkdir '/nonexistent/.uml/'", then "Segfault with no mm"). `uml_dir=` moves that into our temp dir.
 * - Guest RAM: see guestRamDir.
 * - halt writes wtmp through hostfs: see the init script.
 * - hostfs acts with the host uid of the `linux` process, so the init script and exit-code file sit in a dir
 *   owned by that uid (0700).
 */
export async function runInUml(opts: UmlRunOptions): Promise<UmlRunResult> {
  if (opts.argv.length === 0) throw new NslabError('E_UML_ARGV', 'runInUml needs a command (argv is empty)');
  const avail = umlAvailable();
  if (!avail.ok || !avail.modulesDir || !avail.kernel)
    throw new NslabError('E_UML_MISSING', `user-mode Linux is not usable: ${avail.reason}`, { hint: UML_INSTALL_HINT });
  const modulesDir = avail.modulesDir;
  const kernel = avail.kernel;
  const depText = readFileSync(join(modulesDir, 'modules.dep'), 'utf8');
  const modulePaths = umlModuleOrder(depText, opts.modules ?? UML_DEFAULT_MODULES).map((m) => join(modulesDir, m));
  const memMb = opts.memMb ?? UML_DEFAULT_MEM_MB;
  if (!Number.isInteger(memMb) || memMb < 32)
    throw new NslabError('E_UML_MEM', `memMb must be an integer of at least 32, got ${memMb}`);
  const timeoutMs = opts.timeoutMs ?? UML_DEFAULT_TIMEOUT_MS;
  const interactive = opts.interactive ?? false;
  if (opts.signal?.aborted) throw new NslabError('E_UML_ABORTED', 'aborted before user-mode Linux started');

  const dir = privateTempDir(); // mkdtemp creates it 0700
  try {
    const nonce = randomBytes(8).toString('hex');
    const startMarker: [string, string] = [`@@nslab-uml-start-`, `${nonce}@@`];
    const endMarker: [string, string] = [`@@nslab-uml-end-`, `${nonce}:`];
    const initPath = join(dir, 'init');
    writeFileSync(
      initPath,
      initScript({ dir, modulePaths, argv: opts.argv, cwd: opts.cwd, env: opts.env ?? {}, interactive, startMarker, endMarker }),
      { mode: 0o700 },
    );
    const kernelArgs = [
      `mem=${memMb}M`,
      'rootfstype=hostfs',
      'rootflags=/',
      'rw',
      `init=${initPath}`,
      'con=null',
      'con0=fd:0,fd:1',
      `uml_dir=${dir}`,
      `umid=${UML_UMID}`,
      'quiet',
    ];
    const env = bootEnvironment(dir);

    return await boot(kernel, kernelArgs, env, {
      dir,
      interactive,
      timeoutMs,
      signal: opts.signal,
      onOutput: opts.onOutput,
      startMarker: startMarker.join(''),
      endMarker: endMarker.join(''),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Splits the UML console stream (pure, so that chunking can be tested): text before the start marker is boot noise,
 * text after the end marker is shutdown noise ("reboot: System halted"); the command's output is passed on as it
 * comes, a line at a time, holding back a partial last line, which might be the start of the end marker.
 */
export class UmlConsoleFilter {
  output = '';
  /** Boot and shutdown noise, kept for error details. */
  kernelLog = '';
  markerExit: number | undefined;
  private pending = '';
  private carry = '';
  private phase: 'boot' | 'command' | 'shutdown' = 'boot';
  private markerNewline = true;

  constructor(
    private readonly startMarker: string,
    private readonly endMarker: string,
    private readonly onOutput: (text: string) => void = () => undefined,
  ) {}

  get started(): boolean {
    return this.phase !== 'boot';
  }

  push(text: string): void {
    this.pending += this.crlf(text, false);
    this.consume(false);
  }

  end(): void {
    this.pending += this.crlf('', true);
    this.consume(true);
  }

  // The console is a tty line discipline inside the guest: ONLCR turns every '\n' into '\r\n'. A chunk can end
  // between the two, so trailing '\r's wait for the next chunk.
  private crlf(text: string, final: boolean): string {
    let s = this.carry + text;
    this.carry = '';
    if (!final) {
      const m = /\r+$/.exec(s);
      if (m) {
        this.carry = m[0];
        s = s.slice(0, m.index);
      }
    }
    return s.replace(/\r+\n/g, '\n');
  }

  private emit(s: string): void {
    if (s === '') return;
    this.output += s;
    this.onOutput(s);
  }

  private consume(final: boolean): void {
    for (;;) {
      if (this.phase === 'boot') {
        const i = this.pending.indexOf(this.startMarker);
        if (i < 0) break;
        this.kernelLog += this.pending.slice(0, i);
        this.pending = this.pending.slice(i + this.startMarker.length);
        this.phase = 'command';
        continue;
      }
      if (this.phase === 'command') {
        // The start marker's own line ends with '\n', which may arrive in a later chunk: drop it once.
        if (this.markerNewline && this.pending !== '') {
          if (this.pending.startsWith('\n')) this.pending = this.pending.slice(1);
          this.markerNewline = false;
        }
        const i = this.pending.indexOf(this.endMarker);
        // The end marker counts once its whole line (`<marker><rc>:\n`) is in, so the code is never cut short.
        if (i >= 0 && (final || this.pending.indexOf('\n', i) >= 0)) {
          this.emit(this.pending.slice(0, i));
          const m = /^(\d+):/.exec(this.pending.slice(i + this.endMarker.length));
          if (m) this.markerExit = Number(m[1]);
          this.pending = this.pending.slice(i);
          this.phase = 'shutdown';
          continue;
        }
        if (final) {
          this.emit(this.pending);
          this.pending = '';
        } else {
          const nl = this.pending.lastIndexOf('\n', i >= 0 ? i : undefined);
          if (nl >= 0) {
            this.emit(this.pending.slice(0, nl + 1));
            this.pending = this.pending.slice(nl + 1);
          }
        }
        break;
      }
      break;
    }
    if (this.phase !== 'command' && (final || this.pending.length > 65536)) {
      this.kernelLog += this.pending;
      this.pending = '';
    }
  }
}

interface BootCtx {
  dir: string;
  interactive: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (text: string) => void;
  startMarker: string;
  endMarker: string;
}

export function killProcessGroup(pgid: number | undefined): void {
  if (pgid === undefined) return;
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* ESRCH: the group is already gone */
  }
}

/** Whether any process (zombies included) is left in the group. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The leader's stdout closing does not mean its helpers are gone: after SIGKILL they linger until reaped (by the
 * leader, or once orphaned by PID 1, which in a container may be slow). Wait a bounded time for the group to empty,
 * so that a caller's "no linux process remains" holds when runInUml returns.
 */
async function waitGroupGone(pgid: number, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  while (groupAlive(pgid) && performance.now() < deadline) {
    killProcessGroup(pgid);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function boot(kernel: string, args: string[], env: Record<string, string>, ctx: BootCtx): Promise<UmlRunResult> {
  return new Promise<UmlRunResult>((resolve, reject) => {
    const started = performance.now();
    let bootMs: number | undefined;
    // detached: its own process group. UML forks helper processes (I/O threads as processes, and one host process
    // per guest address space), all in the group; killing the leader alone would leave them running.
    const child = spawn(kernel, args, {
      detached: true,
      env,
      stdio: ctx.interactive ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    });
    const pgid = child.pid;
    let why: 'timeout' | 'abort' | undefined;
    const onExitHook = (): void => {
      if (pgid !== undefined) killProcessGroup(pgid);
    };
    // SIGTERM to the leader first: UML's handler (last_ditch_exit) kills every helper and guest-process host
    // process and waitpid()s them. SIGKILL to the group leaves them as zombies for whoever PID 1 is to reap, and
    // `pgrep -x linux` sees those until it does. The group SIGKILL follows if the leader has not gone in time.
    let forceTimer: NodeJS.Timeout | undefined;
    const kill = (reason: 'timeout' | 'abort'): void => {
      if (why !== undefined) return;
      why = reason;
      if (pgid === undefined) return;
      try {
        process.kill(pgid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      forceTimer = setTimeout(() => killProcessGroup(pgid), UML_TERM_GRACE_MS);
    };
    const timer = setTimeout(() => kill('timeout'), ctx.timeoutMs);
    const onAbort = (): void => kill('abort');
    ctx.signal?.addEventListener('abort', onAbort, { once: true });
    // If nslab itself exits mid-run, the detached kernel would otherwise live on.
    process.on('exit', onExitHook);

    const decoder = new StringDecoder('utf8');
    const consoleFilter = new UmlConsoleFilter(ctx.startMarker, ctx.endMarker, (text) => ctx.onOutput?.(text));
    let kernelLog = '';
    child.stdout?.on('data', (b: Buffer) => {
      consoleFilter.push(decoder.write(b));
      if (bootMs === undefined && consoleFilter.started) bootMs = performance.now() - started;
    });
    child.stderr?.on('data', (b: Buffer) => {
      kernelLog += b.toString('utf8');
    });

    let spawnError: Error | undefined;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', async (code, sig) => {
      clearTimeout(timer);
      clearTimeout(forceTimer);
      ctx.signal?.removeEventListener('abort', onAbort);
      process.off('exit', onExitHook);
      // The leader has gone; make sure no helper of its group outlives it (kill(-pgid) is ESRCH if none).
      if (pgid !== undefined) await waitGroupGone(pgid, UML_TERM_GRACE_MS);
      consoleFilter.push(decoder.end());
      consoleFilter.end();
      const output = consoleFilter.output;
      const markerExit = consoleFilter.markerExit;
      kernelLog = consoleFilter.kernelLog + kernelLog;
      const durationMs = performance.now() - started;
      const details = { output, kernelLog: kernelLog.slice(-8000), kernelExit: code, kernelSignal: sig };

      if (spawnError)
        return reject(
          new NslabError('E_UML_SPAWN', `cannot start ${kernel}: ${spawnError.message}`, { cause: spawnError, hint: UML_INSTALL_HINT, details }),
        );
      if (why === 'timeout')
        return reject(
          new NslabError('E_UML_TIMEOUT', `user-mode Linux run did not finish within ${ctx.timeoutMs} ms; the kernel was killed`, {
            hint: 'raise timeoutMs, or look at details.output for where it stopped',
            details,
          }),
        );
      if (why === 'abort') return reject(new NslabError('E_UML_ABORTED', 'user-mode Linux run aborted; the kernel was killed', { details }));

      let status: string | undefined;
      let fileExit: number | undefined;
      try {
        status = readFileSync(join(ctx.dir, STATUS_FILE), 'utf8').trim();
        const t = readFileSync(join(ctx.dir, EXIT_FILE), 'utf8').trim();
        if (/^\d+$/.test(t)) fileExit = Number(t);
      } catch {
        /* fall back to the console marker */
      }
      if (status?.startsWith('module '))
        return reject(
          new NslabError('E_UML_MODULE', `insmod ${status.slice(7)} failed inside user-mode Linux`, {
            hint: 'the module may not match the kernel version; reinstall user-mode-linux',
            details,
          }),
        );
      if (status === 'cwd') return reject(new NslabError('E_UML_CWD', 'cannot cd to the requested directory inside user-mode Linux', { details }));
      const exitCode = fileExit ?? markerExit;
      if (exitCode === undefined)
        return reject(
          new NslabError('E_UML_NO_EXIT', 'user-mode Linux stopped without reporting the command exit code', {
            hint: 'the guest kernel probably panicked; see details.kernelLog',
            details,
          }),
        );
      resolve({ exitCode, output, bootMs: bootMs ?? durationMs, durationMs });
    });
  });
}
