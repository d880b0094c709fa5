// netem verified on a real netem kernel: the host here has no sch_netem, so CI runs these through user-mode Linux
// (`--kernel uml`), which needs no root. One boot runs the WAN scenario and the netem measurement scenario; each
// step's expectation is the check, and the measured values are printed for the record.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { umlAvailable } from '../../src/sys/uml.js';
import type { ScenarioResult } from '../../src/scenario/model.js';
import { hostSnapshot, hostUnchanged } from '../helpers/host.js';
import { cli } from '../helpers/cli.js';
import { scenarioPassed } from '../helpers/health.js';

const uml = umlAvailable();
const out = mkdtempSync(join(tmpdir(), 'nslab-uml-'));
t.teardown(() => rmSync(out, { recursive: true, force: true }));

t.test('netem impairments measured under --kernel uml', async (t) => {
  if (!uml.ok) return t.skip(`user-mode Linux is not available: ${uml.reason}`);
  const before = hostSnapshot();
  const json = join(out, 'netem.json');
  const r = await cli(['run', '--kernel', 'uml', 'scenarios/wan.yaml', 'test/fixtures/scenarios/netem-verify.yaml', '--report', `json=${json}`], { timeoutMs: 20 * 60_000 });
  t.comment(r.stdout);
  const report = JSON.parse(readFileSync(json, 'utf8')) as { scenarios: ScenarioResult[] };
  t.equal(report.scenarios.length, 2, 'both scenarios ran');
  // Every step passes, or failed while the emulation's health (sampled inside UML) was at risk: skipped, with why.
  scenarioPassed(t, r.code, report.scenarios);
  hostUnchanged(t, before, 'host unchanged: the lab lived inside user-mode Linux');
});

t.test('up --kernel uml runs rootless, with the lab inside the user-mode kernel', async (t) => {
  if (!uml.ok) return t.skip(`user-mode Linux is not available: ${uml.reason}`);
  if (process.geteuid?.() !== 0) return t.skip('switching to an unprivileged user needs root to start from');
  const before = hostSnapshot();
  const r = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    import('node:child_process').then(({ spawn }) => {
      const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'env', '-u', 'NODE_OPTIONS', process.execPath, 'dist/cli/bin.js', 'up', '--kernel', 'uml', 'topologies/two-hosts.yaml', '--', 'sh', '-c', 'id -u; nslab exec two-hosts h1 -- ping -c 3 -i 0.2 10.10.0.2'], {
        // env -u above: tap's NODE_OPTIONS would make the child write coverage data where nobody may write.
        env: { ...process.env, HOME: '/nonexistent', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stdout += d));
      child.on('close', (code) => resolve({ code, stdout }));
    });
  });
  t.equal(r.code, 0, r.stdout);
  t.match(r.stdout, /lab 'two-hosts' is up/);
  t.match(r.stdout, /^0$/m, 'root inside the user-mode kernel');
  t.match(r.stdout, /3 packets transmitted, 3 received/);
  t.match(r.stdout, /lab 'two-hosts' is down/);
  // The guest's console is a terminal; the progress line it would draw there must not reach a captured log.
  t.notMatch(r.stdout, /\x1b\[K/, 'no progress line (\\r\\x1b[K) in output that is not a terminal');
  hostUnchanged(t, before, 'host unchanged');
});
