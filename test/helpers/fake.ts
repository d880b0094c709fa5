// A fake kernel behind a fake Runner: it understands the ip/tc batch and shell-script forms the executor emits,
// keeps a set of namespaces, counts operations, and fails the Nth operation on request — so journal and rollback
// can be tested without root.
import type { RunOptions, RunResult, Runner } from '../../src/sys/index.js';
import type { HostView } from '../../src/exec/index.js';
import { WAIT_UP_SOURCE } from '../../src/exec/linkstate.js';

export class FakeKernel implements Runner {
  spawned = 0;
  netns = new Set<string>();
  inodes = new Map<string, number>();
  /** Processes by pid, with the inode of the namespace each lives in; killAll removes them and records the pids. */
  procs = new Map<number, number>();
  killed: number[] = [];
  /** Each namespace's loopback alias: nslab's ownership tag, or a look-alike's. */
  aliases = new Map<string, string>();
  nextInode = 4026532000;
  /** Every operation line executed, in order, with its namespace. */
  log: string[] = [];
  opsExecuted = 0;
  commands: string[] = [];
  /** Runs of the link waiter (waitLinksUp), which are also in `spawned` and `commands`. */
  linkWaits = 0;
  /** false: a machine without perl (spawning it fails as execa reports ENOENT). */
  hasPerl = true;

  /** More operations to fail (a change and its rollback both failing). */
  failAtOps: number[] = [];
  /** Shaping per `netns dev`: root qdisc, htb class 1:1, leaf under it, gso_max_segs — as tc would show them. */
  shaping = new Map<string, { root?: string; cls?: string; leaf?: string; gso?: string }>();

  constructor(public failAtOp?: number) {}

  /** What `tc qdisc show`, `tc class show` and gso_max_segs would say, for comparing before and after. */
  shapingState(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of [...this.shaping].sort()) {
      const text = [v.root && `root ${v.root}`, v.cls && `class ${v.cls}`, v.leaf && `leaf ${v.leaf}`, v.gso && v.gso !== '65535' && `gso ${v.gso}`].filter(Boolean).join(' | ');
      if (text) out[k] = text;
    }
    return out;
  }

  /** The tc and gso lines the executor emits, applied to `shaping`; an error text like the kernel's when refused. */
  private shape(netns: string | null, line: string): string | undefined {
    const m = /^(?:(qdisc|class) (replace|del) dev (\S+) (.*)|link set dev (\S+) gso_max_segs (\d+))$/.exec(line);
    if (!m) return undefined;
    const key = `${netns ?? 'host'} ${m[3] ?? m[5]}`;
    const st = this.shaping.get(key) ?? {};
    this.shaping.set(key, st);
    if (m[5]) {
      st.gso = m[6];
      return undefined;
    }
    const [, what, verb, , rest] = m;
    if (what === 'qdisc' && rest.startsWith('root')) {
      if (verb === 'del') {
        if (!st.root) return 'Error: Cannot delete qdisc with handle of zero.';
        delete st.root;
      } else st.root = rest.slice(5);
      delete st.cls;
      delete st.leaf;
      return undefined;
    }
    if (what === 'class') {
      if (!st.root?.startsWith('handle 1: htb')) return 'Error: Specified class not found.';
      st.cls = rest;
      return undefined;
    }
    if (!st.cls) return 'Error: Failed to find specified qdisc.';
    if (verb === 'del') delete st.leaf;
    else st.leaf = rest;
    return undefined;
  }

  /** Apply one batch line; returns an error text when it fails. */
  private line(netns: string | null, line: string, force: boolean): string | undefined {
    const n = this.opsExecuted + 1;
    if ((this.failAtOp === n || this.failAtOps.includes(n)) && !force) {
      this.opsExecuted++;
      return 'RTNETLINK answers: File exists';
    }
    this.opsExecuted++;
    const tagLine = /^(?:netns exec (\S+) ip )?link set dev lo alias (\S+)$/.exec(line);
    if (tagLine) {
      const ns = tagLine[1] ?? netns;
      if (!ns || !this.netns.has(ns)) return `Cannot open network namespace "${ns}": No such file or directory`;
      this.aliases.set(ns, tagLine[2]);
      // Logged as the relay's form, so that both paths leave the same log.
      this.log.push(`${ns}: link set dev lo alias ${tagLine[2]}`);
      return undefined;
    }
    const m = /^netns (add|del) (\S+)$/.exec(line);
    if (m) {
      if (m[1] === 'add') {
        if (this.netns.has(m[2])) return `Cannot create namespace file "/run/netns/${m[2]}": File exists`;
        this.netns.add(m[2]);
        this.inodes.set(m[2], this.nextInode++);
      } else {
        if (!this.netns.has(m[2])) return `Cannot remove namespace file "/run/netns/${m[2]}": No such file or directory`;
        this.netns.delete(m[2]);
        this.inodes.delete(m[2]);
        this.aliases.delete(m[2]);
      }
    }
    const refused = this.shape(netns, line);
    if (refused) return refused;
    this.log.push(`${netns ?? 'host'}: ${line}`);
    return undefined;
  }

  private batch(netns: string | null, lines: string[], force: boolean): { ok: boolean; stderr: string } {
    let stderr = '';
    let ok = true;
    for (let i = 0; i < lines.length; i++) {
      const err = this.line(netns, lines[i], force);
      if (err) {
        stderr += `${err}\nCommand failed -:${i + 1}\n`;
        ok = false;
        if (!force) break;
      }
    }
    return { ok, stderr };
  }

  async run(file: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
    // setpriv --pdeathsig SIG CMD…: the command, run as it is (the fake has no parent to lose).
    if (file === '/usr/bin/setpriv' && args[0] === '--pdeathsig') [file, ...args] = args.slice(2);
    this.spawned++;
    this.commands.push([file, ...args].join(' '));
    const res = (exitCode: number, stdout = '', stderr = ''): RunResult => ({ command: [file, ...args].join(' '), exitCode, stdout, stderr, durationMs: 0, timedOut: false });
    const input = opts.input ?? '';
    if (file === 'nsenter' && (args[1] === 'ip' || args[1] === 'tc') && args.includes('-batch')) {
      const r = this.batch(args[0].replace('--net=/run/netns/', ''), input.split('\n').filter(Boolean), false);
      return res(r.ok ? 0 : 1, '', r.stderr);
    }
    if ((file === 'ip' || file === 'tc') && args.includes('-batch')) {
      const ns = args[0] === '-n' ? args[1] : null;
      const r = this.batch(ns, input.split('\n').filter(Boolean), args.includes('-force'));
      return res(r.ok ? 0 : 1, '', r.stderr);
    }
    if (file === 'perl' && !this.hasPerl) return res(127, '', 'spawn perl ENOENT');
    // The link waiter (waitLinksUp): a fake link is up as soon as it exists.
    if (file === 'perl' && input.startsWith(WAIT_UP_SOURCE)) {
      this.linkWaits++;
      return res(0, '@@nslab-done\n');
    }
    if (file === 'perl' && args[0] === '-') {
      // The netlink relay: the program, __END__, then `ns NAME` and operation lines whose last field is the batch line.
      let netns: string | null = null;
      let done = 0;
      for (const l of input.slice(input.indexOf('\n__END__\n') + 9).split('\n').filter(Boolean)) {
        const f = l.split('\t');
        if (f[0] === 'ns') {
          netns = f[1];
          continue;
        }
        if (f[0] === 'mkns') {
          // Made and tagged at once: a failure at either leaves no namespace (as the relay's unshare-then-mount).
          const tag = /alias (\S+)$/.exec(f[3])![1];
          let err = this.line(null, `netns add ${f[1]}`, false);
          if (!err) {
            err = this.line(f[1], `link set dev lo alias ${tag}`, false);
            if (err) {
              this.netns.delete(f[1]);
              this.inodes.delete(f[1]);
              this.aliases.delete(f[1]);
            }
          }
          if (err) return res(3, '', `@@nslab-fail ${done} ${err}\n`);
          done++;
          continue;
        }
        const err = this.line(netns, f[0].startsWith('sysctl') ? `sysctl ${f[3]}` : f[3], false);
        if (err) return res(3, '', `@@nslab-fail ${done} ${err}\n`);
        done++;
      }
      return res(0, `@@nslab-done ${done}\n`);
    }
    if (file === 'sh' && args[0] === '-s') {
      // Jobs: heredoc batches and one-line sysctl calls, each followed by the done/fail markers.
      const lines = input.split('\n');
      let stdout = '';
      let stderr = '';
      let job = 0;
      for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        const hd = /^nsenter --net=\/run\/netns\/(\S+) (ip|tc) -batch - <<'NSLAB_EOF'$/.exec(l);
        const sc = /^nsenter --net=\/run\/netns\/(\S+) sysctl (?:-e )?-qw (.*)$/.exec(l);
        if (hd) {
          const body: string[] = [];
          for (i++; lines[i] !== 'NSLAB_EOF'; i++) body.push(lines[i]);
          const r = this.batch(hd[1], body, false);
          stderr += r.stderr;
          if (!r.ok) return res(3, stdout, stderr + `@@nslab-fail ${job}\n`);
          stdout += `@@nslab-done ${job++}\n`;
        } else if (sc) {
          const r = this.batch(sc[1], sc[2].split(' ').map((kv) => `sysctl ${kv}`), false);
          stderr += r.stderr.replace(/Command failed -:\d+\n/, '');
          if (!r.ok) return res(3, stdout, stderr + `@@nslab-fail ${job}\n`);
          stdout += `@@nslab-done ${job++}\n`;
        }
      }
      return res(0, stdout, stderr);
    }
    if (file === 'ip' && args[0] === 'netns' && args[1] === 'exec') {
      const err = this.line(args[2], `exec ${args.slice(3).join(' ')}`, false);
      return res(err ? 1 : 0, '', err ?? '');
    }
    return res(0);
  }

  start(file: string, args: string[]): import('../../src/sys/index.js').ManagedProcess {
    this.spawned++;
    this.commands.push([file, ...args].join(' ') + ' (managed)');
    const result = { command: [file, ...args].join(' '), exitCode: 0, stdout: '', stderr: '', durationMs: 0, timedOut: false };
    return { pid: 999998, command: result.command, done: Promise.resolve(result), kill: () => undefined, waitForOutput: async () => '' };
  }

  spawnDetached(file: string, args: string[]): number {
    this.spawned++;
    this.commands.push([file, ...args].join(' ') + ' &');
    this.line(args[2] ?? null, `start ${args.slice(3).join(' ')}`, true);
    return 999999;
  }

  host(): HostView {
    return {
      listNetns: () => [...this.netns].sort(),
      netnsInode: (n) => this.inodes.get(n),
      pidsByNetnsInode: (inodes) => {
        const out = new Map<number, number[]>();
        for (const [pid, ino] of this.procs) if (inodes.has(ino)) out.set(ino, [...(out.get(ino) ?? []), pid]);
        return out;
      },
      killAll: (pids) => {
        for (const p of pids) this.procs.delete(p);
        this.killed.push(...pids);
        return pids.length;
      },
      readTags: async (names) => new Map(names.filter((n) => this.netns.has(n)).map((n) => [n, { inode: this.inodes.get(n)!, ...(this.aliases.has(n) ? { tag: this.aliases.get(n) } : {}) }])),
    };
  }
}
