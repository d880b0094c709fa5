// Packaging: `npm pack` gives a tarball that a fresh project installs (npm install ./nslab-x.y.z.tgz), whose
// `import { withLab } from 'nslab'` type-checks with tsc and runs under node:test. As root, the consumer's test
// brings up a shipped topology and measures with lab.ping and lab.iperf3: it passes; it fails when an expectation
// is wrong; it leaves nothing behind when its body throws or its node:test timeout fires.
import { netnsLabPrefix } from '../../src/model/index.js';
import t from 'tap';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isRoot } from '../helpers/host.js';

const repo = resolve('.');
const work = mkdtempSync(join(tmpdir(), 'api-pack-'));
const stateDir = join(work, 'state');
t.teardown(() => rmSync(work, { recursive: true, force: true }));

const LAB = 'apipk1';
const EXAMPLE_LAB = 'apiex1';
const ourNetns = () => (existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(netnsLabPrefix(LAB))) : []);

function npm(args: string[], cwd: string): string {
  // --prefer-offline: dependencies come from the npm cache when they are there, from the registry otherwise.
  return execFileSync('npm', [...args, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd, encoding: 'utf8', timeout: 300_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
}

let tarball = '';
const project = join(work, 'consumer');

t.test('npm pack: dist, schemas, topologies and scenarios; no tests, bench or source maps', async (t) => {
  const out = JSON.parse(npm(['pack', '--json', '--pack-destination', work], repo)) as { filename: string; size: number; files: { path: string }[] }[];
  tarball = join(work, out[0].filename);
  const files = out[0].files.map((f) => f.path);
  t.comment(`${out[0].filename}: ${out[0].size} bytes packed, ${files.length} files`);
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/api/fixture.js', 'dist/cli/bin.js', 'schema/topology.schema.json', 'schema/iperf3.schema.json', 'topologies/two-hosts.yaml', 'scenarios/quickstart.yaml', 'README.md'])
    t.ok(files.includes(f), `has ${f}`);
  for (const prefix of ['test/', 'src/', 'dist/bench/', 'docs/', 'tap-snapshots/']) t.notOk(files.some((f) => f.startsWith(prefix)), `nothing under ${prefix}`);
  t.notOk(files.some((f) => f.endsWith('.map')), 'no source maps (their sources are not shipped)');
});

t.test('a fresh project installs the tarball; its test type-checks with tsc', async (t) => {
  t.ok(tarball, 'packed');
  execFileSync('mkdir', ['-p', project]);
  copyFileSync('test/fixtures/api/consumer/package.json', join(project, 'package.json'));
  copyFileSync('test/fixtures/api/consumer/lab.test.ts', join(project, 'lab.test.ts'));
  // The README's example (examples/testing/), under a lab name of this test's own, and the tap example.
  writeFileSync(join(project, 'example.test.ts'), readFileSync('examples/testing/node-test.test.ts', 'utf8').replace("name: 'ex-node'", `name: '${EXAMPLE_LAB}'`));
  copyFileSync('examples/testing/tap.test.ts', join(project, 'tap-example.test.ts'));
  const compilerOptions = {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, outDir: 'out',
    // nslab's own declarations are checked too; node's types come from this repository, so no second download.
    skipLibCheck: false, typeRoots: [join(repo, 'node_modules/@types')], types: ['node'],
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['lab.test.ts', 'example.test.ts'] }));
  // The tap example alone, without checking tap's own declarations (they need types this project lacks).
  writeFileSync(join(project, 'tsconfig.tap.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, skipLibCheck: true, noEmit: true }, include: ['tap-example.test.ts'] }));
  npm(['install', tarball], project);
  // tap, only to type-check the tap example: this repository's, linked rather than downloaded again.
  symlinkSync(join(repo, 'node_modules/tap'), join(project, 'node_modules/tap'), 'dir');
  t.ok(existsSync(join(project, 'node_modules/nslab/dist/index.js')), 'installed');
  for (const config of ['tsconfig.json', 'tsconfig.tap.json']) {
    const tsc = spawnSync(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', join(project, config)], { encoding: 'utf8', timeout: 180_000 });
    t.equal(tsc.status, 0, `tsc -p ${config} type-checks the consumer: ${tsc.stdout}${tsc.stderr}`);
  }
  t.ok(existsSync(join(project, 'out/lab.test.js')), 'compiled');
});

function consumer(mode: string, file = 'out/lab.test.js'): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--test', file], {
    cwd: project,
    encoding: 'utf8',
    timeout: 300_000,
    // A clean environment for the child runner: no tap loader hooks, our own state directory and lab name.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NSLAB_STATE_DIR: stateDir, CONSUMER_MODE: mode, CONSUMER_LAB: LAB },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const skip = isRoot ? false : 'needs root (CAP_NET_ADMIN) to create namespaces';

t.test('not root: the consumer’s lab test is skipped with its reason', { skip: isRoot ? 'running as root' : false }, async (t) => {
  const r = consumer('pass');
  t.equal(r.code, 0, r.out);
  t.match(r.out, /# SKIP needs root/);
});

t.test('the consumer’s test passes: withLab, lab.ping, lab.iperf3 on a shipped topology', { skip }, async (t) => {
  const r = consumer('pass');
  t.equal(r.code, 0, `node --test passes:\n${r.out}`);
  t.match(r.out, /# pass 2/);
  t.match(r.out, /consumer: rtt p50 [\d.]+ ms, throughput \d+ Mbit\/s/);
  t.same(ourNetns(), [], 'nothing left');
});

t.test('the README example passes as written', { skip }, async (t) => {
  const r = consumer('pass', 'out/example.test.js');
  t.equal(r.code, 0, `node --test passes:\n${r.out}`);
  t.match(r.out, /# pass 1/);
  t.same(existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(netnsLabPrefix(EXAMPLE_LAB))) : [], [], 'nothing left');
});

t.test('…and fails when an expectation is wrong', { skip }, async (t) => {
  const r = consumer('wrong');
  t.not(r.code, 0, 'node --test fails');
  t.match(r.out, /E_EXPECTATION_FAILED/);
  t.match(r.out, /loss: expected >= 50%, measured 0%/);
  t.same(ourNetns(), [], 'nothing left');
});

for (const mode of ['throw', 'timeout']) {
  t.test(`…and leaves nothing behind when the body ${mode === 'throw' ? 'throws' : 'outlives the test timeout'}`, { skip }, async (t) => {
    const r = consumer(mode);
    t.not(r.code, 0, 'node --test fails');
    t.match(r.out, mode === 'throw' ? /body failed on purpose/ : /timed out after 4000ms/);
    t.same(ourNetns(), [], 'no namespace of the lab is left');
    t.same(existsSync(stateDir) ? readdirSync(stateDir).filter((n) => !n.startsWith('.')) : [], [], 'no lab state is left');
    const strays = spawnSync('pgrep', ['-f', netnsLabPrefix(LAB)], { encoding: 'utf8' }).stdout.trim();
    t.equal(strays, '', 'no process of the lab is left');
  });
}
