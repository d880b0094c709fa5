// The README's two commands, read out of README.md so that they cannot drift: they must not need sudo on a machine
// that has none, the install script must plan the right steps for root and for a sudo user (checked with --check,
// which changes nothing), the README's package list must be the script's, and the launcher it writes must put a
// working `nslab` on PATH, usable from any directory.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isRoot } from '../helpers/host.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## Two commands'), readme.indexOf('\n## ', readme.indexOf('## Two commands') + 1));
const commands = [...section.matchAll(/```sh\n(.+)\n```/g)].map((m) => m[1]);
const tmp = mkdtempSync(join(tmpdir(), 'nslab-install-'));
chmodSync(tmp, 0o755);
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const repo = resolve('.');
const bash = (script: string, env: Record<string, string> = {}, asNobody = false) =>
  spawnSync(asNobody ? 'setpriv' : 'bash', asNobody ? ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-u', 'NODE_OPTIONS', 'bash', '-c', script] : ['-c', script], {
    encoding: 'utf8',
    cwd: repo,
    env: { ...process.env, NODE_OPTIONS: '', ...env },
  });

t.test('the README gives two commands, install then use, without sudo', async (t) => {
  t.equal(commands.length, 2, 'two commands');
  t.match(commands[0], /^bash scripts\/install\.sh && nslab run scenarios\/quickstart\.yaml$/);
  t.match(commands[1], /^bash scripts\/install\.sh --dev && npm test$/);
  for (const c of commands) t.notMatch(c, /\bsudo\b/, 'a root-only machine has no sudo');
  t.notMatch(readme, /npx nslab/, 'npx does not put nslab on PATH');
  t.match(readFileSync('.ci/run', 'utf8'), /^bash scripts\/install\.sh --dev /m, 'CI installs what the tests need the way the README says');
});

/** The install part of a README command, run with --check (it then changes nothing). */
const installPart = (c: string) => c.split(' && ')[0] + ' --check';

t.test('as root: installs, builds and writes the launcher, with no sudo anywhere', async (t) => {
  if (!isRoot) return t.skip('needs root to see the root path');
  for (const c of commands) {
    const r = bash(installPart(c));
    t.equal(r.status, 0, r.stderr);
    t.notMatch(r.stdout, /\bsudo\b/, `${c}: no sudo as root`);
    t.match(r.stdout, /would write: \/usr\/local\/bin\/nslab \(runs .*dist\/cli\/bin\.js with \/\S*node\)/);
  }
});

t.test('as a user with sudo: apt-get through sudo, npm as the user; without sudo: a clear refusal', async (t) => {
  if (!isRoot) return t.skip('switching to an unprivileged user needs root to start from');
  // A fresh machine: nothing of nslab's is installed. A PATH of stubs, so that every package counts as missing.
  const fresh = join(tmp, 'fresh');
  mkdirSync(fresh, { recursive: true });
  for (const tool of ['bash', 'node', 'npm', 'id', 'sort', 'cat', 'mktemp', 'sed', 'env', 'dirname']) {
    const real = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    writeFileSync(join(fresh, tool), `#!/bin/sh\nexec ${real} "$@"\n`, { mode: 0o755 });
  }
  writeFileSync(join(fresh, 'sudo'), '#!/bin/sh\necho "sudo $*"\n', { mode: 0o755 });
  chmodSync(tmp, 0o755);
  const r = bash(`PATH=${fresh} ${installPart(commands[1])}`, {}, true);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /would run: sudo env DEBIAN_FRONTEND=noninteractive apt-get install .*iperf3.*libxml2-utils/, 'apt-get through sudo, test packages with --dev');
  t.match(r.stdout, /would run: npm run --silent build/, 'the build as the user');
  t.notMatch(r.stdout, /sudo npm/, 'npm never as root');
  const user = bash(`PATH=${fresh} ${installPart(commands[0])}`, {}, true);
  t.notMatch(user.stdout, /libxml2-utils|chromium|nftables/, "test-only packages stay out of a user's install");
  rmSync(join(fresh, 'sudo'));
  const nosudo = bash(`PATH=${fresh} ${installPart(commands[0])}`, {}, true);
  t.equal(nosudo.status, 2);
  t.match(nosudo.stderr, /run this as root, or as a user who has sudo/);
});

t.test("the README's package list is the install script's, each with its reason", async (t) => {
  const listed = bash('bash scripts/install.sh --list').stdout.trim().split('\n').map((l) => l.split(' '));
  const table = [...section.matchAll(/^\| `([a-z0-9.-]+)` \| ([^|]+) \| ([^|]+) \|$/gm)].map((m) => [m[1], m[2].trim(), m[3].trim()]);
  t.same(
    table,
    listed.map(([scope, pkg, , ...why]) => [pkg, scope === 'dev' ? 'tests only (`--dev`)' : 'nslab', why.join(' ')]),
  );
  t.ok(table.some(([p, scope]) => p === 'chromium' && scope.startsWith('tests only')), 'chromium is listed, as test-only');
  t.ok(table.some(([p, scope]) => p === 'libxml2-utils' && scope.startsWith('tests only')), 'libxml2-utils is listed, as test-only');
});

t.test('after the install, nslab is on PATH and works from any directory', async (t) => {
  const bin = join(tmp, 'bin');
  mkdirSync(bin, { recursive: true });
  // The launcher part of a real install, into a private bin directory (NSLAB_BIN_DIR) instead of /usr/local/bin
  // (a full install would rebuild dist/ under the feet of the other test files).
  const r = bash('bash scripts/install.sh --launcher', { NSLAB_BIN_DIR: bin });
  t.equal(r.status, 0, r.stderr);
  const env = { PATH: `${bin}:/usr/bin:/bin`, NSLAB_STATE_DIR: join(tmp, 'state') };
  const which = spawnSync('bash', ['-c', 'cd / && command -v nslab && nslab run --help && nslab ls'], { encoding: 'utf8', env });
  t.equal(which.status, 0, which.stderr);
  t.match(which.stdout, new RegExp(`^${bin}/nslab$`, 'm'), 'nslab resolves on PATH');
  t.match(which.stdout, /nslab run <scenario\.\.>/, 'the README command after the install finds the built CLI');
  t.match(which.stdout, /^no labs$/m);
});
