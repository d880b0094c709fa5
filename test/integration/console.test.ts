// Issue 14 on a real lab: names resolve in every node (exec, shell, the lab's own exec/start commands, scenario
// steps), v4 and v6, without touching the host's /etc and leaving no mount behind; the console through a pipe and
// through a pty; `run --lab` grading a lab that is up; `up --console` taking its lab down on exit.
import t from 'tap';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { ownScenarioFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

const box = sandbox();
const env = { NSLAB_STATE_DIR: box.stateDir };

const digest = (f: string) => (existsSync(f) ? createHash('sha256').update(readFileSync(f)).digest('hex') : 'absent');
const etc = () => ({ hosts: digest('/etc/hosts'), gai: digest('/etc/gai.conf'), netns: existsSync('/etc/netns') ? readdirSync('/etc/netns') : [] });

/** Mount points under the sandbox's state directory in any process's mount namespace (a bind left behind). */
function mountsUnder(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let text = '';
    try {
      text = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) if (line.includes(dir)) found.push(`${pid}: ${line}`);
  }
  return found;
}

/** Drive the console through a pty (script(1)): each input is sent once the output matches its wait pattern. */
function throughPty(cmd: string, dialogue: [RegExp, string][], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    // TERM=dumb would turn readline's completion off (Node's "dumb terminal" mode).
    const child = spawn('script', ['-qfc', cmd, '/dev/null'], { env: { ...process.env, ...env, HOME: box.filesDir, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let step = 0;
    let mark = 0;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pty dialogue stuck at step ${step}; output so far:\n${out}`));
    }, timeoutMs);
    const advance = () => {
      // Tab completion happens only on a keystroke of its own (readline treats a chunk of several characters as
      // pasted text), so each input goes alone once the console has answered the previous one.
      // Patterns look at the output since the last line was entered: readline echoes a completion as the missing
      // letters only ("pinga", then "ll").
      while (step < dialogue.length && dialogue[step][0].test(out.slice(mark))) {
        const input = dialogue[step++][1];
        if (input.endsWith('\r')) mark = out.length;
        child.stdin.write(input);
      }
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      advance();
    });
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

t.test('names, console, run --lab on one lab', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const lab = box.lab('cnlrl');
  // The lab's own exec and start commands resolve names too: each writes what it resolved into the files folder.
  const execOut = join(box.filesDir, 'exec-resolved');
  const startOut = join(box.filesDir, 'start-resolved');
  const topo = readFileSync('topologies/lan-router-lan.yaml', 'utf8')
    .replace(/^name: lrl$/m, `name: ${lab}`)
    .replace(/^  h1: \{\}$/m, `  h1: { exec: ["getent ahostsv4 h4 > ${execOut}"], start: ["getent ahostsv6 r1 > ${startOut}; exec sleep 600"] }`);
  const file = join(box.filesDir, 'lrl.yaml');
  writeFileSync(file, topo);
  const etcBefore = etc();
  const before = hostSnapshot();
  let up = false;
  try {
    const u = await cli(['up', file], { env });
    t.equal(u.code, 0, u.stderr);
    up = u.code === 0;
    if (!up) return;

    // 1. Names: v4 by default (gai.conf), v6 with -6, NODE-IFNAME, from exec, shell, the lab's exec and start.
    const ex = (node: string, ...cmd: string[]) => cli(['exec', lab, node, '--', ...cmd], { env });
    const v4 = await ex('h1', 'ping', '-c1', '-W2', 'h2');
    t.equal(v4.code, 0, v4.stderr);
    t.match(v4.stdout, /^PING h2 \(10\.10\.0\.3\)/m, 'ping h2 resolves to its IPv4 address');
    const router = await ex('h1', 'ping', '-c1', '-W2', 'r1');
    t.equal(router.code, 0, router.stderr);
    t.match(router.stdout, /64 bytes from r1 \(10\.10\./, 'ping r1; the reply names r1');
    const v6 = await ex('h1', 'ping', '-6', '-c1', '-W2', 'h3');
    t.equal(v6.code, 0, v6.stderr);
    t.match(v6.stdout, /from h3 \(fd00:10:0:1::2\)/, 'ping -6 h3 crosses r1 over IPv6');
    const iface = await ex('h3', 'getent', 'ahostsv4', 'r1-eth1');
    t.match(iface.stdout, /^10\.10\.1\.1\s+STREAM r1$/m, 'NODE-IFNAME names one interface (r1 is its canonical name)');
    t.notMatch(iface.stdout, /10\.10\.0\.1/, "and not r1's other one");
    const sh = await cli(['shell', lab, 'h2'], { env, input: 'getent ahostsv6 h4 | head -1\n' });
    t.match(sh.stdout, /^fd00:10:0:1::3\s/m, 'nslab shell sees the hosts file');
    t.match(readFileSync(execOut, 'utf8'), /^10\.10\.1\.3\s+STREAM h4$/m, "a node's exec command at up resolves names");
    t.match(readFileSync(startOut, 'utf8'), /^fd00:10::1\s/m, "a node's start command resolves names");
    t.same(etc(), etcBefore, "the host's /etc/hosts, /etc/gai.conf and /etc/netns are untouched");
    t.notMatch(readFileSync('/etc/hosts', 'utf8'), /\bh4-eth0\b/);

    // 2. The console through a pipe: plain lines, no prompt.
    const piped = await cli(['console', lab], {
      env,
      input: ['pingall', 'h1 ping -c1 -W2 h4', 'link h1 s1 down', 'pingpair', 'link s1 h1 up', 'pingpair', 'pingall -6', 'nodes'].join('\n') + '\n',
    });
    t.equal(piped.code, 0, piped.stderr);
    t.notMatch(piped.stdout, /nslab\[/, 'no prompt from a pipe');
    const results = [...piped.stdout.matchAll(/^\*\*\* Results: .*$/gm)].map((m) => m[0]);
    t.same(results, ['*** Results: 0% dropped (12/12 received)', '*** Results: 100% dropped (0/2 received)', '*** Results: 0% dropped (2/2 received)', '*** Results: 0% dropped (12/12 received)'], 'pingall, pingpair with h1-s1 down, again after up, pingall -6');
    t.match(piped.stdout, /^h1 -> h2 h3 h4$/m);
    t.match(piped.stdout, /^h1 -> X$/m, 'the pair across the cut link fails');
    t.match(piped.stdout, /64 bytes from h4 \(10\.10\.1\.3\)/, 'NODE CMD with another node by name');
    t.match(piped.stdout, /^h1-s1 is down$/m);
    t.match(piped.stdout, /^s1-h1 is up$/m, "Mininet's order, as nslab link takes it");
    const bad = await cli(['console', lab], { env, input: 'pingal\nnodes\n' });
    t.equal(bad.code, 2, 'from a pipe, a command that failed makes exit 2');
    t.match(bad.stderr, /E_USAGE: 'pingal' is neither a command nor a node/);
    t.match(bad.stdout, /available nodes are:/, 'and the next lines still run');

    // 3. The console through a pty: prompt, tab completion of a command and of a node name, history file.
    const pty = await throughPty(`${process.execPath} dist/cli/bin.js console ${lab}`, [
      [/nslab\[\S+\]> /, 'pinga'],
      [/pinga/, '\t'],
      [/pingall/, '\r'],
      [/Results: [\s\S]*nslab\[/, 'h1 ping -c1 -W2 r'],
      [/W2 r/, '\t'],
      [/W2 r1/, '\r'],
      [/packet loss[\s\S]*nslab\[/, 'exit\r'],
    ]);
    t.match(pty, /nslab\[\S+\]> /, 'a prompt on a terminal');
    t.match(pty, /\*\*\* Results: 0% dropped \(12\/12 received\)/, 'pinga<Tab> completed to pingall, which ran');
    t.match(pty, /PING r1 \(10\.10\.0\.1\)/, 'r<Tab> completed to the node r1, which h1 then pinged by name');
    t.match(readFileSync(join(box.filesDir, '.nslab_history'), 'utf8'), /^pingall$/m, 'history is kept');

    // 4. run --lab: grading the lab as it is; a link taken down makes it fail (exit 1); a scenario naming what the
    // lab lacks is refused before any step, located.
    const grade = ownScenarioFile('scenarios/lrl-grade.yaml');
    const json = join(box.filesDir, 'grade.json');
    const pass = await cli(['run', '--lab', lab, grade.file, '--report', `json=${json}`], { env });
    t.equal(pass.code, 0, pass.stdout + pass.stderr);
    t.match(pass.stdout, new RegExp(`on lab '${lab}', already up`));
    t.match(JSON.parse(readFileSync(json, 'utf8')), { scenarios: [{ status: 'pass', lab }] });
    t.equal((await cli(['link', lab, 'h1', 's1', 'down'], { env })).code, 0);
    const fail = await cli(['run', '--lab', lab, grade.file], { env });
    t.equal(fail.code, 1, 'a link down: the grade fails');
    t.match(fail.stdout, /FAIL 1 +every host reaches every host/);
    t.equal((await cli(['link', lab, 'h1', 's1', 'up'], { env })).code, 0);
    const other = await cli(['run', '--lab', lab, ownScenarioFile('scenarios/failover.yaml').file], { env });
    t.equal(other.code, 2);
    t.match(other.stderr, /E_LAB_MISMATCH[\s\S]*failover\.yaml:\d+:\d+: E_UNKNOWN_LINK: lab '\S+' has no link 'r1-r2'/);
    t.equal((await cli(['ls'], { env })).stdout.includes(lab), true, 'run --lab left the lab up');
  } finally {
    if (up) {
      const d = await cli(['down', lab], { env });
      t.equal(d.code, 0, d.stderr);
    }
    t.same(mountsUnder(box.stateDir), [], 'no mount of the lab files is left in any process');
    t.notOk(existsSync(join(box.stateDir, lab)), "the lab's folder (its hosts file) is gone");
    t.same(etc(), etcBefore);
    hostUnchanged(t, before);
  }
});

t.test('up --console: the console runs on the new lab, which goes down when it ends', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const lab = box.lab('cntwo');
  const file = join(box.filesDir, 'two.yaml');
  writeFileSync(file, readFileSync('topologies/two-hosts.yaml', 'utf8').replace(/^name: \S+$/m, `name: ${lab}`));
  const before = hostSnapshot();
  const r = await cli(['up', file, '--console'], { env, input: 'pingall\nh1 getent hosts h2\nexit\nnodes\n' });
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /\*\*\* Results: 0% dropped \(2\/2 received\)/);
  t.match(r.stdout, /^\S+\s+h2 h2-eth0$/m);
  t.notMatch(r.stdout, /available nodes are/, 'nothing after exit runs');
  t.match(r.stdout, new RegExp(`lab '${lab}' is down`));
  t.notOk((await cli(['ls'], { env })).stdout.includes(lab), 'the lab is gone');
  hostUnchanged(t, before);
});
