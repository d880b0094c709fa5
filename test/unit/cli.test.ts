// The command line's contract, without root: exit codes (0 held, 1 an expectation failed, 2 anything else), help
// for every command and option, the fast paths (ls, exec) that must not load yargs or the schema validator nor
// walk /proc, and the smaller promises of issue 12 (messages that name the command run, no escape codes in logs).
import t from 'tap';
import { execFile } from 'node:child_process';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cli } from '../helpers/cli.js';
import { listLabs } from '../../src/api/list.js';
import { Lab } from '../../src/api/index.js';
import { guestEnv } from '../../src/api/uml.js';
import { parseLinkWords } from '../../src/cli/commands.js';
import { progressReporter } from '../../src/cli/output.js';
import { runExitCode } from '../../src/cli/run.js';
import { umlCommand, withUmlCommand } from '../../src/cli/uml.js';
import { newJournal } from '../../src/exec/journal.js';
import { NslabError } from '../../src/model/index.js';
import { compilePlan } from '../../src/plan/index.js';
import { formatSummary } from '../../src/report/human.js';
import { loadScenarioText } from '../../src/scenario/load.js';
import { stepsReference } from '../../src/scenario/reference.js';
import type { ScenarioResult } from '../../src/scenario/model.js';
import { StateStore } from '../../src/sys/state.js';
import { loadTopologyText, serializeTopology } from '../../src/topology/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'nslab-cli-unit-'));
t.teardown(() => rmSync(tmp, { recursive: true, force: true }));
const env = { NSLAB_STATE_DIR: join(tmp, 'state') };

t.test('exit codes: 2 for an invalid or missing file and a usage error, 1 only for a failed expectation', async (t) => {
  const invalid = await cli(['run', 'test/fixtures/scenarios/invalid.yaml'], { env });
  t.equal(invalid.code, 2, 'invalid scenario file');
  t.match(invalid.stderr, /E_INVALID_SCENARIO/);
  const missing = await cli(['run', join(tmp, 'no-such.yaml')], { env });
  t.equal(missing.code, 2, 'missing scenario file');
  t.equal((await cli(['validate', join(tmp, 'no-such.yaml')], { env })).code, 2, 'missing topology file');
  t.equal((await cli(['validate', 'test/fixtures/topologies/semantic-problems.yaml'], { env })).code, 2, 'invalid topology file');
  t.equal((await cli(['frobnicate'], { env })).code, 2, 'unknown command');
  t.equal((await cli(['link', 'nolab', 'h1', 'h2', 'sideways'], { env })).code, 2, 'bad link state');
  // A scenario's result decides run's exit code: an expectation that failed is the only way to 1.
  t.equal(runExitCode([{ status: 'pass' }], 1), 0);
  t.equal(runExitCode([{ status: 'pass' }, { status: 'fail' }], 2), 1, 'failed check');
  t.equal(runExitCode([{ status: 'fail' }, { status: 'error' }], 2), 2, 'an error outranks a failed check');
  t.equal(runExitCode([{ status: 'pass' }], 2), 2, 'a scenario that never ran');
  t.equal(new NslabError('E_X', 'x').exitCode, 2, 'every NslabError exits 2');
});

t.test('README documents the exit codes once, as the CLI applies them', async (t) => {
  const readme = readFileSync('README.md', 'utf8');
  t.equal((readme.match(/^Exit codes?:/gm) ?? []).length, 1, 'one statement of the exit codes');
  t.match(readme, /^Exit codes: 0 every expectation held; 1 an expectation failed; 2 anything else/m);
});

t.test('help: every command prints help, and every option and argument has a description', async (t) => {
  const commands = ['validate', 'up', 'down', 'ls', 'exec', 'impair', 'link', 'shell', 'clean', 'run', 'graph', 'export', 'schema', 'completion', 'doctor'];
  // Straight through node, not the cli() helper: that one refuses `clean` outside a test sandbox, and --help cleans nothing.
  const helps = await Promise.all(
    commands.map((c) =>
      promisify(execFile)(process.execPath, ['dist/cli/bin.js', c, '--help'], { env: { ...process.env, ...env, COLUMNS: '200' } }).then(
        (r) => ({ code: 0, stdout: r.stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      ),
    ),
  );
  for (const [i, c] of commands.entries()) {
    const r = helps[i];
    t.equal(r.code, 0, `${c} --help exits 0`);
    t.match(r.stdout, new RegExp(`^nslab ${c}`, 'm'), `${c} --help prints the command's usage`);
    t.notMatch(r.stdout, /begin-nslab-completions/, `${c} --help is help, not a completion script`);
    // Entries: "  --json  machine-readable output  [boolean]"; an entry without a description goes straight from its
    // name to the bracketed type.
    const entries = r.stdout.split('\n').filter((l) => /^ {2}\S/.test(l));
    for (const e of entries) t.notMatch(e, /^ {2}(-\S+|\S+)(, --\S+)? +\[/, `${c}: '${e.trim().split(/\s+/)[0]}' has a description`);
  }
  const script = await cli(['completion'], { env });
  t.match(script.stdout, /begin-nslab-completions/, 'completion still prints the script');
});

t.test('nslab link accepts LINK STATE and Mininet\'s NODE NODE STATE', async (t) => {
  t.same(parseLinkWords(['s1-h1', 'down']), { link: 's1-h1', state: 'down' });
  t.same(parseLinkWords(['s1', 'h1', 'down']), { link: 's1-h1', state: 'down' });
  t.same(parseLinkWords(['h1:eth0', 'up']), { link: 'h1:eth0', state: 'up' });
  t.throws(() => parseLinkWords(['s1', 'h1']), { code: 'E_USAGE' });
  t.throws(() => parseLinkWords(['a', 'b', 'c', 'up']), { code: 'E_USAGE' });
});

t.test('the user-mode Linux way out names the command that was run', async (t) => {
  t.equal(umlCommand(['run', 'scenarios/quickstart.yaml']), 'nslab run --kernel uml scenarios/quickstart.yaml');
  t.equal(umlCommand(['up', '--kernel', 'host', 'my lab.yaml']), "nslab up --kernel uml 'my lab.yaml'");
  const e = withUmlCommand(new NslabError('E_QDISC_MISSING', 'no netem', { hint: 'or run the lab in user-mode Linux, which has them: nslab up --kernel uml FILE' }), ['run', 's.yaml']);
  t.equal(e.hint, 'or run the lab in user-mode Linux, which has them: nslab run --kernel uml s.yaml');
  t.equal(e.code, 'E_QDISC_MISSING');
  const r = withUmlCommand({ code: 'E_NOT_ROOT', message: 'needs root (or: nslab up --kernel uml FILE)' }, ['run', 'a.yaml', 'b.yaml']);
  t.equal(r.message, 'needs root (or: nslab run --kernel uml a.yaml b.yaml)');
});

t.test('an ERROR summary counts the scenario\'s own error', async (t) => {
  const res: ScenarioResult = {
    name: 'q', file: 'q.yaml', lab: 'q', status: 'error', startedAt: '', setupMs: 0, stepsMs: 0, teardownMs: 0, totalMs: 0, events: [],
    steps: [1, 2].map((i) => ({ id: String(i), name: 's', kind: 'sleep', status: 'skipped', startMs: 0, durationMs: 0, metrics: {}, checks: [] })),
    error: { code: 'E_QDISC_MISSING', message: 'no netem' },
  };
  t.match(formatSummary(res), /^ERROR q: 0 passed, 0 failed, 1 error, 2 skipped/);
  t.match(formatSummary({ ...res, status: 'pass', error: undefined, steps: [] }), /^PASS q: 0 passed, 0 failed, 0 errors, 0 skipped/);
});

t.test('no progress line (\\r\\x1b[K) where the host\'s output is not a terminal', async (t) => {
  const written: string[] = [];
  const tty = { isTTY: true, write: (s: string) => written.push(s) };
  const saved = { ci: process.env.CI, np: process.env.NSLAB_NO_PROGRESS };
  delete process.env.CI;
  t.teardown(() => {
    if (saved.ci !== undefined) process.env.CI = saved.ci;
    if (saved.np === undefined) delete process.env.NSLAB_NO_PROGRESS;
    else process.env.NSLAB_NO_PROGRESS = saved.np;
  });
  process.env.NSLAB_NO_PROGRESS = '1';
  const p = progressReporter(tty);
  await new Promise((r) => setTimeout(r, 1100));
  p('relay', 1, 2);
  p.end();
  t.same(written, [], 'NSLAB_NO_PROGRESS=1 silences it on a terminal');
  // nslab inside user-mode Linux writes to the guest's console, a terminal: the host says what its streams are.
  t.equal(guestEnv({ stdout: false, stderr: false }, {}).NSLAB_NO_PROGRESS, '1');
  t.equal(guestEnv({ stdout: false, stderr: false }, {}).NO_COLOR, '1');
  t.equal(guestEnv({ stdout: true, stderr: true }, {}).NSLAB_NO_PROGRESS, undefined);
});

t.test('an iperf3 step with reverse: true is labelled with the direction the data flows', async (t) => {
  const topo = 'name: rev\nnodes: { h1: {}, h2: {} }\nlinks: [[h1, h2]]\n';
  const s = loadScenarioText(`topology: { ${topo.trim().split('\n').join(', ')} }\nsteps:\n  - iperf3: { client: h1, server: h2, reverse: true }\n  - iperf3: { client: h1, server: h2 }\n`, 'rev.yaml');
  t.match(s.steps[0].name, /^iperf3 h2 → h1 .*reverse/);
  t.match(s.steps[1].name, /^iperf3 h1 → h2 /);
});

t.test('an impair error names the impairment without nested quotes', async (t) => {
  const topo = loadTopologyText('name: cliimp\nnodes: { h1: {}, h2: {} }\nlinks: [[h1, h2]]\n', 'imp.yaml');
  const store = new StateStore(join(tmp, 'imp-state'));
  const j = newJournal(compilePlan(topo), { source: 'imp.yaml', topology: serializeTopology(topo), lifetime: 'persistent' });
  j.status = 'up';
  j.qdiscs = { htb: true, netem: false };
  store.claim(topo.name);
  store.write(j);
  const lab = Lab.open('cliimp', { store });
  const err = await lab.impair('h1-h2', { delay: '10ms' }).then(() => undefined, (e: NslabError) => e);
  t.equal(err?.code, 'E_QDISC_MISSING');
  t.notMatch(err?.message ?? '', /"\{|\{"/, `no JSON inside quotes: ${err?.message}`);
  t.match(err?.message ?? '', /asks for "10ms"/);
});

t.test('nslab ls reads journals and owners only: no walk of /proc, no environ, no namespace', async (t) => {
  const store = new StateStore(join(tmp, 'ls-state'));
  const topo = loadTopologyText('name: clils\nnodes: { h1: {}, h2: {} }\nlinks: [[h1, h2]]\n', 'ls.yaml');
  store.claim(topo.name);
  store.write({ ...newJournal(compilePlan(topo), { source: 'ls.yaml', topology: serializeTopology(topo), lifetime: 'persistent' }), status: 'up' });
  const touched: string[] = [];
  // The CommonJS face of node:fs can be patched; syncBuiltinESMExports() carries it to every ESM import of node:fs.
  const mutable = createRequire(import.meta.url)('node:fs') as Record<string, (...a: unknown[]) => unknown>;
  const saved: Record<string, (...a: unknown[]) => unknown> = {};
  for (const f of ['readFileSync', 'readdirSync', 'readlinkSync', 'statSync', 'openSync', 'existsSync']) {
    saved[f] = mutable[f];
    mutable[f] = (...a: unknown[]) => {
      touched.push(`${f} ${String(a[0])}`);
      return saved[f](...a);
    };
  }
  syncBuiltinESMExports();
  let labs;
  try {
    labs = listLabs({ store });
  } finally {
    Object.assign(mutable, saved);
    syncBuiltinESMExports();
  }
  t.match(labs, [{ name: 'clils', status: 'up', nodes: 2, ownerAlive: true }]);
  const proc = touched.filter((x) => / \/proc\b/.test(x));
  t.same(proc, [`readFileSync /proc/${process.pid}/stat`], 'the owner\'s start time, and nothing else of /proc');
  t.notOk(touched.some((x) => x.includes('/run/netns')), 'no namespace probed');
});

t.test('the fast paths (ls, exec) load neither yargs nor ajv nor yaml nor the compiler', async (t) => {
  const trace = join(tmp, 'loads.txt');
  const hooks = join(tmp, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(trace)}, r.url + '\\n'); return r; }\n`);
  // Single quotes only: NODE_OPTIONS quotes the whole URL in double quotes.
  const register = `data:text/javascript,import{register}from'node:module';register('${pathToFileURL(hooks).href}')`;
  const loads = async (args: string[]) => {
    rmSync(trace, { force: true });
    // NODE_OPTIONS carries tap's own hooks; the hook here is added to them.
    const r = await cli(args, { env: { ...env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import "${register}"` } });
    return { r, urls: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
  };
  const heavy = /node_modules\/(yargs|ajv|yaml|execa)\/|\/(topology|plan|exec|scenario)\//;
  const ls = await loads(['ls', '--json']);
  t.equal(ls.r.code, 0, ls.r.stderr);
  t.ok(ls.urls.some((u) => u.endsWith('/cli/ls.js')), 'the trace sees the CLI');
  t.same(ls.urls.filter((u) => heavy.test(u)), [], 'ls loads none of them');
  const ex = await loads(['exec', 'nolab', 'h1', '--', 'true']);
  t.equal(ex.r.code, 2, 'no such lab: exit 2');
  t.ok(ex.urls.some((u) => u.endsWith('/cli/fast-exec.js')));
  t.same(ex.urls.filter((u) => heavy.test(u)), [], 'exec loads none of them');
});

t.test('the scenario reference in docs/steps.md is the one the script generates', async (t) => {
  const generated = stepsReference(JSON.parse(readFileSync('schema/scenario.schema.json', 'utf8')));
  t.equal(readFileSync('docs/steps.md', 'utf8'), generated, 'run npm run docs:steps to regenerate docs/steps.md');
  // What a user guessed at (issue 12): the options of iperf3 and ping are there, with their meaning.
  for (const key of ['bitrate', 'reverse', 'parallel', 'interval', 'family']) t.match(generated, new RegExp(`^\\| \`${key}\` \\|.*\\| \\w`, 'm'), `${key} is documented`);
  t.match(generated, /## exec\n\n.*exit status \(0 unless expect says otherwise\)/, 'exec says it checks exit 0');
});
