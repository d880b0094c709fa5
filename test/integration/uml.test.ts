// user-mode Linux for real: netem delay and loss measured inside a booted UML kernel, exit codes passed back,
// rootless boots, and the kernel killed on timeout and abort. After each test: no `linux` process, no temp dir,
// and the host's links, addresses, routes and /run/netns as before (the namespaces live inside UML only).
import t from 'tap';
import type { Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runInUml, umlAvailable } from '../../src/sys/uml.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { fidelity, underHealth } from '../helpers/health.js';

const avail = umlAvailable();
const skip = avail.ok ? false : `user-mode Linux not installed: ${avail.reason}`;
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function umlTempDirs(): string[] {
  const out: string[] = [];
  for (const base of new Set([tmpdir(), '/tmp', '/dev/shm'])) {
    try {
      for (const e of readdirSync(base)) if (e.startsWith('nslab-uml-')) out.push(`${base}/${e}`);
    } catch {
      /* no such base */
    }
  }
  return out.sort();
}

// The guest's / is the host's /: systemd's `halt` without -d appends a shutdown record to the HOST's wtmp.
function wtmp(): string {
  try {
    const st = statSync('/var/log/wtmp');
    return `${st.size} ${st.mtimeMs}`;
  } catch {
    return 'absent';
  }
}

/** `body` runs; afterwards the host must be as before, with no UML kernel and no temp dir left. */
async function leavesNoTrace(t: Test, body: () => Promise<void>): Promise<void> {
  const before = hostSnapshot();
  const dirsBefore = umlTempDirs();
  const wtmpBefore = wtmp();
  try {
    await body();
  } finally {
    const after = hostUnchanged(t, before, 'host links, addresses, routes, nftables and sysctls are as before, no namespace or lab lost');
    t.equal(after.umlProcesses, before.umlProcesses, 'no linux process left (pgrep -x linux)', {
      ps: spawnSync('ps', ['-o', 'pid,ppid,pgid,stat,lstart,args', '-C', 'linux'], { encoding: 'utf8' }).stdout,
    });
    t.same(umlTempDirs(), dirsBefore, 'no nslab-uml-* temp dir left');
    t.equal(wtmp(), wtmpBefore, 'the host /var/log/wtmp is untouched');
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Smallest [lo, hi] with P(X < lo) <= alpha/2 and P(X > hi) <= alpha/2 for X ~ Binomial(n, p): an interval that
 * holds X with probability >= 1 - alpha. pmf(k+1) = pmf(k) · (n-k)/(k+1) · p/(1-p), from pmf(0) = (1-p)^n.
 */
function binomialInterval(n: number, p: number, alpha: number): [number, number] {
  const pmf: number[] = [Math.pow(1 - p, n)];
  for (let k = 0; k < n; k++) pmf.push((pmf[k] * (n - k) * p) / ((k + 1) * (1 - p)));
  let cdf = 0;
  let lo = -1;
  let hi = n;
  for (let k = 0; k <= n; k++) {
    cdf += pmf[k];
    if (lo < 0 && cdf > alpha / 2) lo = k;
    if (cdf >= 1 - alpha / 2) {
      hi = k;
      break;
    }
  }
  return [lo, hi];
}

/** The ping section between `== name` and the next `==` marker line. */
function section(output: string, name: string): string {
  const start = output.indexOf(`== ${name}\n`);
  if (start < 0) return '';
  const rest = output.slice(start + name.length + 4);
  const end = rest.indexOf('\n== ');
  return end < 0 ? rest : rest.slice(0, end);
}

function pingSummary(text: string): { transmitted: number; received: number } | undefined {
  const m = /(\d+) packets transmitted, (\d+) received/.exec(text);
  return m ? { transmitted: Number(m[1]), received: Number(m[2]) } : undefined;
}

// Two namespaces and a veth, inside UML. Static neighbour entries, so that no ARP exchange (itself subject to
// netem loss, and retried only after 1 s) mixes into the counts. Loss goes on one end only, so a ping is lost
// exactly when its request is dropped: lost ~ Binomial(200, 0.10). Both ends at loss 10% would make it
// 1 - 0.9² = 19%.
const LAB = `set -e
ip netns add a
ip netns add b
ip link add name v0 address 02:00:00:00:00:01 netns a type veth peer name v1 address 02:00:00:00:00:02 netns b
ip -n a addr add 10.0.0.1/24 dev v0
ip -n b addr add 10.0.0.2/24 dev v1
ip -n a link set v0 up
ip -n b link set v1 up
ip -n a neigh replace 10.0.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
ip -n b neigh replace 10.0.0.1 lladdr 02:00:00:00:00:01 dev v1 nud permanent
tc -n a qdisc add dev v0 root netem delay 30ms
tc -n b qdisc add dev v1 root netem delay 30ms
echo "== delay"
ip netns exec a ping -n -c 20 -i 0.05 -W 2 10.0.0.2
tc -n a qdisc change dev v0 root netem delay 30ms loss 10%
echo "== loss"
ip netns exec a ping -n -q -c 200 -i 0.01 -W 2 10.0.0.2
echo "== inside"
ip netns list
`;

t.test('netem inside UML: delay 30 ms on both ends gives a 60 ms RTT, loss 10% stays binomial', { skip }, async (t) => {
  await leavesNoTrace(t, async () => {
    const streamed: string[] = [];
    // The UML kernel is a host process: the host's health over the boot is the guest's.
    const { value: r, health } = await underHealth(() => runInUml({ argv: ['sh', '-c', LAB], modules: ['veth', 'sch_netem'], timeoutMs: 45_000, onOutput: (s) => streamed.push(s) }));
    t.equal(r.exitCode, 0, 'the lab script succeeded inside UML');
    t.equal(streamed.join(''), r.output, 'what was streamed is what was returned');
    t.notMatch(r.output, /nslab-uml-(start|end)/, 'no marker leaks into the output');

    const delay = section(r.output, 'delay');
    const rtts = [...delay.matchAll(/icmp_seq=\d+ ttl=\d+ time=([\d.]+) ms/g)].map((m) => Number(m[1]));
    t.equal(rtts.length, 20, '20 replies');
    const med = median(rtts);
    fidelity(t, health, `median RTT ${med} ms is 60 ± 1.5 ms`, Math.abs(med - 60) <= 1.5);

    const loss = pingSummary(section(r.output, 'loss'));
    t.ok(loss, 'ping summary found');
    if (loss) {
      t.equal(loss.transmitted, 200);
      const lost = loss.transmitted - loss.received;
      const [lo, hi] = binomialInterval(200, 0.1, 0.01);
      t.ok(lost >= lo && lost <= hi, `lost ${lost}/200 is inside the 99% binomial interval [${lo}, ${hi}]`);
    }
    t.match(section(r.output, 'inside'), /\ba\b[\s\S]*\bb\b|\bb\b[\s\S]*\ba\b/, 'the namespaces existed inside UML');
    t.comment(`boot-to-command ${Math.round(r.bootMs)} ms, total ${Math.round(r.durationMs)} ms, median RTT ${med} ms, loss ${loss ? loss.transmitted - loss.received : '?'}/200`);
  });
});

t.test('exit codes and output pass through; cwd and env reach the command', { skip }, async (t) => {
  await leavesNoTrace(t, async () => {
    const r = await runInUml({
      argv: ['sh', '-c', 'printf "%s|%s|" "$NSLAB_X" "$(pwd)"; printf "%s" "$1"; exit 7', 'sh', `arg with 'quotes' $HOME`],
      cwd: '/usr/lib',
      env: { NSLAB_X: 'a b;$(false)' },
      modules: [],
      timeoutMs: 30_000,
    });
    t.equal(r.exitCode, 7);
    t.equal(r.output, `a b;$(false)|/usr/lib|arg with 'quotes' $HOME`);
    t.comment(`trivial command: boot-to-command ${Math.round(r.bootMs)} ms, total ${Math.round(r.durationMs)} ms`);
  });
});

t.test('rootless: the same boot as an unprivileged user', { skip }, async (t) => {
  await leavesNoTrace(t, async () => {
    const fixture = fileURLToPath(new URL('../fixtures/uml/run.ts', import.meta.url));
    const node = process.execPath;
    // HOME=/nonexistent on purpose: UML's default ~/.uml is then unwritable, which panicked it before uml_dir=.
    const env = ['env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, 'HOME=/nonexistent', 'TS_NODE_TRANSPILE_ONLY=1'];
    const cmd = [...env, node, '--import', '@tapjs/typescript/import', fixture, JSON.stringify(['sh', '-c', 'id -u; exit 7'])];
    let file: string;
    let args: string[];
    if (isRoot) {
      if (!existsSync('/usr/bin/setpriv')) {
        t.fail('setpriv (util-linux) is needed to drop to an unprivileged user');
        return;
      }
      [file, args] = ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...cmd]];
    } else {
      [file, args] = [cmd[0], cmd.slice(1)];
    }
    const p = spawnSync(file, args, { cwd: repoRoot, encoding: 'utf8', timeout: 45_000 });
    const line = p.stdout.trim().split('\n').at(-1) ?? '';
    let res: { ok: boolean; exitCode?: number; output?: string; uid?: number; bootMs?: number; code?: string; message?: string } = { ok: false };
    try {
      res = JSON.parse(line);
    } catch {
      t.fail(`no JSON from the unprivileged run: ${p.stdout}\n${p.stderr}`);
      return;
    }
    t.ok(res.ok, `runInUml succeeded as non-root${res.ok ? '' : `: ${res.code} ${res.message}`}`);
    t.not(res.uid, 0, 'the host process was not root');
    t.equal(res.exitCode, 7, "sh -c 'exit 7' gave 7");
    t.equal(res.output, '0\n', 'root inside the guest');
    t.comment(`rootless boot-to-command ${Math.round(res.bootMs ?? -1)} ms`);
  });
});

t.test('timeout and abort kill the kernel and its helpers', { skip }, async (t) => {
  await leavesNoTrace(t, async () => {
    const started = performance.now();
    await t.rejects(runInUml({ argv: ['sleep', '600'], modules: [], timeoutMs: 6_000 }), { code: 'E_UML_TIMEOUT' });
    t.ok(performance.now() - started < 6_000 + 4_000, 'killed soon after the timeout');

    const ac = new AbortController();
    await t.rejects(
      runInUml({
        argv: ['sh', '-c', 'echo ready; sleep 600'],
        modules: [],
        timeoutMs: 60_000,
        signal: ac.signal,
        onOutput: (s) => {
          if (s.includes('ready')) ac.abort();
        },
      }),
      { code: 'E_UML_ABORTED' },
    );
  });
});
