// The command line as a user meets it: exit codes, errors, the root check, and exec/shell passthrough.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { cli } from '../helpers/cli.js';
import { ownTopologyFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

sandbox();

const asNobody = (args: string[], input = '') =>
  // env -u: tap's process-info hook adds NODE_OPTIONS to every child, which would make this one write coverage
  // data where nobody may write.
  spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-u', 'NODE_OPTIONS', process.execPath, 'dist/cli/bin.js', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, NO_COLOR: '1' },
  });

t.test('validate: 0 for a good file, 2 with located problems for a bad one', async (t) => {
  const ok = await cli(['validate', 'topologies/dumbbell.yaml']);
  t.equal(ok.code, 0);
  t.match(ok.stdout, /ok — lab 'dumbbell', 8 nodes, 7 links, 3 segments/);
  const bad = await cli(['validate', 'test/fixtures/topologies/semantic-problems.yaml']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /semantic-problems\.yaml:12:10: E_UNKNOWN_NODE/);
  const json = await cli(['validate', '--json', 'test/fixtures/topologies/semantic-problems.yaml']);
  t.equal(JSON.parse(json.stderr).error.problems.length, 6);
  const usage = await cli(['frobnicate']);
  t.equal(usage.code, 2);
});

t.test('without root: --dry-run works, up refuses in one line naming CAP_NET_ADMIN and --kernel uml', async (t) => {
  if (!isRoot) return t.skip('switching to an unprivileged user needs root to start from');
  const before = hostSnapshot();
  const dry = asNobody(['up', '--dry-run', 'topologies/star.yaml']);
  t.equal(dry.status, 0, dry.stderr);
  t.match(dry.stdout, /^ip netns add nslab-star\.s1$/m);
  // Each end carries its generated MAC (features/mac: 02, the lab's tag, the node's and the interface's numbers) and
  // an ifindex of its own (vethIndex in plan/compile.ts).
  t.match(dry.stdout, /^ip link add name eth0 address 02:[0-9a-f]{2}:[0-9a-f]{2}:00:02:00 index 8192 netns nslab-star\.h1 type veth peer name eth0 address 02:[0-9a-f]{2}:[0-9a-f]{2}:00:01:00 index 4096 netns nslab-star\.s1$/m);
  const up = asNobody(['up', 'topologies/star.yaml']);
  t.equal(up.status, 2);
  t.equal(up.stderr.trim().split('\n').length, 1, `one line: ${up.stderr}`);
  t.match(up.stderr, /CAP_NET_ADMIN/);
  t.match(up.stderr, /--kernel uml/);
  hostUnchanged(t, before, 'nothing was created');
});

t.test('up, ls, exec (stdin, stdout, stderr, exit code), shell, down', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const before = hostSnapshot();
  // two-hosts.yaml, its lab renamed with the test's prefix.
  const { file, lab: name } = ownTopologyFile('topologies/two-hosts.yaml');
  try {
    const up = await cli(['up', '--json', file]);
    t.equal(up.code, 0, up.stderr);
    const lab = JSON.parse(up.stdout) as { lab: string; nodes: { name: string; interfaces: { ipv4: string[] }[] }[] };
    t.equal(lab.lab, name);
    const ls = JSON.parse((await cli(['ls', '--json'])).stdout) as { name: string; status: string }[];
    t.ok(ls.some((l) => l.name === name && l.status === 'up'), 'ls lists it as up');
    t.same(ls.map((l) => l.name), [name], 'and nothing else: the test sees only its own state');
    const cat = spawnSync(process.execPath, ['dist/cli/bin.js', 'exec', name, 'h1', '--', 'cat'], { input: 'through stdin\n', encoding: 'utf8' });
    t.equal(cat.stdout, 'through stdin\n', 'stdin and stdout pass through');
    const code = spawnSync(process.execPath, ['dist/cli/bin.js', 'exec', name, 'h1', '--', 'sh', '-c', 'echo oops >&2; exit 7'], { encoding: 'utf8' });
    t.equal(code.status, 7, 'the exit code passes through');
    t.equal(code.stderr, 'oops\n', 'stderr passes through');
    const noDashes = spawnSync(process.execPath, ['dist/cli/bin.js', 'exec', name, 'h1', 'ping', '-c', '1', '-W', '2', '10.10.0.2'], { encoding: 'utf8' });
    t.equal(noDashes.status, 0, 'options after the node belong to the command');
    const noShell = spawnSync(process.execPath, ['dist/cli/bin.js', 'exec', name, 'h1', '--', 'echo', '$HOME;', 'id'], { encoding: 'utf8' });
    t.equal(noShell.stdout, '$HOME; id\n', 'argv, no shell');
    // Piped, the shell reads a script: no prompt, and no complaint about a missing terminal.
    const sh = spawnSync(process.execPath, ['dist/cli/bin.js', 'shell', name, 'h2'], { input: 'echo "node=$NSLAB_LAB:$NSLAB_NODE"; ip -br addr show dev eth0; exit 3\n', encoding: 'utf8' });
    t.equal(sh.status, 3);
    t.match(sh.stdout, `node=${name}:h2`, 'the shell knows its lab and node');
    t.match(sh.stdout, /10\.10\.0\.2\/24/, 'the shell runs in the node');
    t.notMatch(sh.stderr, /no job control|cannot set terminal process group/, 'piped, the shell does not ask for a terminal');
    // On a terminal (script(1) gives it one), the shell is interactive and its prompt names the lab and node.
    const tty = spawnSync('script', ['-qec', `${process.execPath} dist/cli/bin.js shell ${name} h2`, '/dev/null'], { input: 'echo "prompt=$PS1"; exit 4\n', encoding: 'utf8' });
    t.equal(tty.status, 4);
    t.match(tty.stdout, `prompt=[${name}:h2]`, 'the prompt names the lab and node');
    const unknown = await cli(['exec', name, 'h9', '--', 'true']);
    t.equal(unknown.code, 2);
    t.match(unknown.stderr, /E_UNKNOWN_NODE/);
  } finally {
    const down = await cli(['down', name]);
    t.equal(down.code, 0, down.stderr);
  }
  const gone = await cli(['down', name]);
  t.equal(gone.code, 2, 'down of a lab that is not there is an error, not a failed expectation');
  t.match(gone.stderr, /E_NO_SUCH_LAB/);
  hostUnchanged(t, before, 'host unchanged');
});

t.test('doctor reports root, iproute2, the qdiscs and the fixes', async (t) => {
  if (!isRoot) return t.skip('the kernel probe needs root');
  const before = hostSnapshot();
  const r = await cli(['doctor', '--json']);
  t.equal(r.code, 0, r.stderr);
  const checks = (JSON.parse(r.stdout) as { checks: { name: string; ok: boolean; fix?: string }[] }).checks;
  const get = (n: string) => checks.find((c) => c.name.startsWith(n));
  t.equal(get('root')?.ok, true);
  t.equal(get('kernel: network namespaces')?.ok, true);
  t.equal(get('qdisc: htb')?.ok, true, 'htb is there (KERNEL-NOTES)');
  const netem = get('qdisc: netem');
  t.ok(netem, 'netem is checked');
  if (netem && !netem.ok) t.match(netem.fix, /linux-modules-extra|--kernel uml/, 'a missing netem comes with the fixes');
  // The probe's namespace is named after the CLI's pid, not the test's prefix: looked for by name.
  t.notOk(existsSync(`/run/netns/nslab-probe-${r.pid}`), 'the probe leaves no namespace behind');
  hostUnchanged(t, before, 'the probe leaves nothing behind');
});
