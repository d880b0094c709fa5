// The CI templates in examples/ci/ are documentation people copy: they must be valid YAML with the keys GitHub
// Actions and GitLab CI read, publish the JUnit report the run writes, and run only real nslab commands — each
// nslab invocation is checked against the built CLI's own help (the command exists, its options exist), its
// scenario files load, and its --report values parse as `nslab run` parses them.
import t, { type Test } from 'tap';
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { parseReports } from '../../src/cli/run.js';
import { loadScenario } from '../../src/scenario/load.js';
import { cli } from '../helpers/cli.js';

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Words of a shell command line: quotes grouped and removed, `\`-newline continuations joined. Enough for CI lines. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** Every nslab invocation in a list of shell snippets: the words after `dist/cli/bin.js` or `nslab`. */
function nslabCommands(snippets: string[]): string[][] {
  return snippets
    .flatMap((s) => s.replace(/\\\n/g, ' ').split('\n'))
    .map(shellWords)
    .flatMap((w) => {
      const i = w.findIndex((x) => x === 'dist/cli/bin.js' || x.endsWith('/dist/cli/bin.js') || x === 'nslab');
      return i >= 0 ? [w.slice(i + 1)] : [];
    });
}

/** The `--report junit=PATH` destinations of the `run` invocations. */
function junitPaths(cmds: string[][]): string[] {
  return cmds.filter((c) => c[0] === 'run').flatMap((c) => c.flatMap((w, i) => (c[i - 1] === '--report' && w.startsWith('junit=') ? [w.slice(6)] : [])));
}

async function checkCommands(t: Test, cmds: string[][]): Promise<void> {
  t.ok(cmds.some((c) => c[0] === 'run'), 'runs `nslab run`');
  for (const c of cmds) {
    const [cmd, ...args] = c;
    const help = await cli([cmd, '--help']);
    t.equal(help.code, 0, `nslab ${cmd} --help`);
    // yargs answers --help for any word; a real command's help starts with its own usage line.
    t.match(help.stdout, new RegExp(`^nslab ${cmd}\\b`), `'${cmd}' is an nslab command`);
    for (const opt of args.filter((a) => a.startsWith('--'))) t.match(help.stdout, new RegExp(`\\s${opt.split('=')[0]}\\s`), `nslab ${cmd} has ${opt.split('=')[0]}`);
    if (cmd !== 'run') continue;
    const reports = args.flatMap((w, i) => (args[i - 1] === '--report' ? [w] : []));
    t.doesNotThrow(() => parseReports(reports), `--report ${reports.join(' --report ')} parses as nslab run reads it`);
    const valued = new Set(['--report', '--artifacts', '--kernel']);
    const files = args.filter((w, i) => !w.startsWith('-') && !valued.has(args[i - 1]));
    t.ok(files.length > 0, 'names scenario files');
    for (const f of files) {
      t.ok(existsSync(f), `${f} exists`);
      t.doesNotThrow(() => loadScenario(f), `${f} is a valid scenario`);
    }
  }
}

t.test('GitHub Actions: a workflow that runs nslab and publishes its JUnit report', async (t) => {
  const doc = parse(readFileSync('examples/ci/github-actions.yml', 'utf8')) as Obj;
  t.ok(isObj(doc), 'valid YAML, a mapping');
  t.ok(doc.on, 'has triggers (on:)');
  t.ok(isObj(doc.jobs) && Object.keys(doc.jobs).length > 0, 'has jobs');
  const snippets: string[] = [];
  const steps: Obj[] = [];
  for (const [name, job] of Object.entries(doc.jobs as Obj)) {
    t.ok(isObj(job), `job ${name} is a mapping`);
    const j = job as Obj;
    t.type(j['runs-on'], 'string', `job ${name} has runs-on`);
    t.ok(Array.isArray(j.steps) && j.steps.length > 0, `job ${name} has steps`);
    for (const s of j.steps as Obj[]) {
      t.ok(typeof s.run === 'string' || typeof s.uses === 'string', `every step runs or uses something (${String(s.name ?? s.uses)})`);
      if (typeof s.run === 'string') snippets.push(s.run);
      steps.push(s);
    }
  }
  const uses = (re: RegExp) => steps.find((s) => typeof s.uses === 'string' && re.test(s.uses));
  t.ok(uses(/^actions\/checkout@v\d+$/), 'checks the repository out');
  const cmds = nslabCommands(snippets);
  await checkCommands(t, cmds);
  const junit = junitPaths(cmds);
  t.equal(junit.length, 1, 'one JUnit report');
  const upload = uses(/^actions\/upload-artifact@v\d+$/);
  t.ok(upload, 'uploads with actions/upload-artifact');
  t.equal(upload?.if, 'always()', 'uploads even when a check failed');
  const uploaded = String((upload?.with as Obj | undefined)?.path ?? '');
  t.ok(junit[0].startsWith(uploaded.replace(/\/?$/, '/')) || junit[0] === uploaded, `the upload (${uploaded}) holds the JUnit report (${junit[0]})`);
  const report = uses(/test-report/);
  t.ok(report, 'a test-report step');
  t.equal(report?.if, 'always()', 'reports even when a check failed');
  t.equal((report?.with as Obj | undefined)?.path, junit[0], 'the test report reads the JUnit file the run writes');
  t.equal((report?.with as Obj | undefined)?.reporter, 'java-junit');
});

t.test('GitLab CI: a job that runs nslab and hands GitLab its JUnit report', async (t) => {
  const doc = parse(readFileSync('examples/ci/gitlab-ci.yml', 'utf8')) as Obj;
  t.ok(isObj(doc), 'valid YAML, a mapping');
  // Top-level keys that are not jobs (GitLab's reserved words).
  const reserved = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);
  const jobs = Object.entries(doc).filter(([k, v]) => !reserved.has(k) && !k.startsWith('.') && isObj(v)) as [string, Obj][];
  t.ok(jobs.length > 0, 'has a job');
  const stages = doc.stages as string[] | undefined;
  const snippets: string[] = [];
  const junitArtifacts: string[] = [];
  for (const [name, job] of jobs) {
    t.ok(Array.isArray(job.script) && (job.script as unknown[]).every((x) => typeof x === 'string'), `job ${name} has a script of lines`);
    if (stages && job.stage) t.ok(stages.includes(String(job.stage)), `job ${name}'s stage is declared`);
    for (const k of ['before_script', 'script']) if (Array.isArray(job[k])) snippets.push(...(job[k] as string[]));
    const artifacts = job.artifacts as Obj | undefined;
    const reports = artifacts?.reports as Obj | undefined;
    if (reports?.junit) {
      t.equal(artifacts?.when, 'always', `job ${name} keeps its artifacts when a check failed`);
      junitArtifacts.push(...([] as string[]).concat(reports.junit as string | string[]));
    }
  }
  const cmds = nslabCommands(snippets);
  await checkCommands(t, cmds);
  const junit = junitPaths(cmds);
  t.equal(junit.length, 1, 'one JUnit report');
  t.same(junitArtifacts, junit, 'artifacts:reports:junit is the file the run writes');
});

t.test('shell words: the parser the checks above rely on', async (t) => {
  t.same(shellWords(`sudo env "PATH=$PATH" node dist/cli/bin.js run 'a b.yaml' --report junit=x.xml`), ['sudo', 'env', 'PATH=$PATH', 'node', 'dist/cli/bin.js', 'run', 'a b.yaml', '--report', 'junit=x.xml']);
  t.same(nslabCommands(['nslab run s.yaml \\\n  --report junit=j.xml', 'echo nothing']), [['run', 's.yaml', '--report', 'junit=j.xml']]);
  t.same(junitPaths([['run', 's.yaml', '--report', 'junit=j.xml', '--report', 'tap']]), ['j.xml']);
});
