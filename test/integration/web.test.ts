// The web view end to end, as a teacher uses it: `nslab up lan-router-lan --web`, then the page in Debian's
// headless Chromium (playwright-core): the page loads with the right nodes (shapes per kind) and links, the figures
// arrive about once a second and show traffic, clicking a link down takes it down in the kernel and the drawing
// follows, a terminal runs `ip addr` in the right node. Also: requests and WebSockets without the token, and a
// WebSocket from a foreign origin, are refused (403); `nslab web` stops on Ctrl-C and leaves the lab up; the server
// of `up --web` stops by itself when the lab goes down, and no server, pty helper or shell is left afterwards.
import t from 'tap';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import WebSocket from 'ws';
import { cli } from '../helpers/cli.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { ownTopologyFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const ARTIFACTS = 'test/artifacts';
const box = sandbox();
const env = { NSLAB_STATE_DIR: box.stateDir };

/** Start a long-running CLI command; resolves with the child and the URL it prints. */
function startCli(args: string[]): Promise<{ child: ChildProcess; url: string; out: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['dist/cli/bin.js', ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed in 120 s: ${out}`)), 120_000);
    const more = (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/\S+token=\S+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[0], out: () => out, exited });
      }
    };
    child.stdout!.on('data', more);
    child.stderr!.on('data', more);
    void exited.then((code) => reject(new Error(`exited ${code} before printing a URL: ${out}`)));
  });
}

/** The status of a WebSocket upgrade: 101 when accepted, else the HTTP status the server answered. */
function wsStatus(url: string, origin?: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {});
    ws.on('open', () => (ws.close(), resolve(101)));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(0));
  });
}

/** Pids of processes whose environment or argv names the lab: the pty helpers and the shells in the nodes. */
function labProcesses(lab: string): number[] {
  const needle = `NSLAB_LAB=${lab}\0`;
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if ((readFileSync(`/proc/${pid}/cmdline`, 'utf8') + '\0').includes(needle) || readFileSync(`/proc/${pid}/environ`, 'utf8').includes(needle)) found.push(Number(pid));
    } catch {
      /* gone meanwhile, or not readable */
    }
  }
  return found;
}

/** The host's mount points (field 5 of mountinfo). */
const mountPoints = (): Set<string> => new Set(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[4]));

const adminUp = (netns: string, ifname: string): boolean => {
  const r = spawnSync('ip', ['-j', '-n', netns, 'link', 'show', ifname], { encoding: 'utf8' });
  return (JSON.parse(r.stdout) as { flags: string[] }[])[0].flags.includes('UP');
};

t.test('up --web: the page, link control, a terminal, the gate; the server stops when the lab goes down', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  if (!existsSync(CHROMIUM)) return t.skip(`Chromium is not installed at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`);
  const { file, lab } = ownTopologyFile('topologies/lan-router-lan.yaml');
  const before = hostSnapshot();
  const mountsBefore = mountPoints();
  let server: Awaited<ReturnType<typeof startCli>> | undefined;
  let ctx: BrowserContext | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'nslab-chromium-'));
  try {
    server = await startCli(['up', file, '--web']);
    const url = new URL(server.url);
    t.equal(url.hostname, '127.0.0.1', 'it listens on loopback by default');
    const base = `${url.protocol}//${url.host}`;
    const token = url.searchParams.get('token')!;

    // The gate, over plain HTTP and WebSocket.
    for (const path of ['/', '/api/lab', '/assets/app.js', `/?token=${token}x`, '/?token='])
      t.equal((await fetch(base + path)).status, 403, `GET ${path} without the right token is refused`);
    t.equal((await fetch(`${base}/api/link`, { method: 'POST', body: JSON.stringify({ link: 0, state: 'down' }) })).status, 403, 'a link change without the token is refused');
    t.equal((await fetch(`${base}/api/lab?token=${token}`)).status, 200, 'with the token it answers');
    const wsBase = `ws://${url.host}`;
    t.equal(await wsStatus(`${wsBase}/ws/events`, base), 403, 'a WebSocket without the token is refused');
    t.equal(await wsStatus(`${wsBase}/ws/term?node=h1&token=${token}`, 'http://evil.example'), 403, 'a WebSocket from a foreign origin is refused');
    t.equal(await wsStatus(`${wsBase}/ws/term?node=h1&token=${token}`, `http://localhost:${url.port}`), 101, 'from the page\'s own origin it opens');

    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 800 } });
    const page: Page = ctx.pages()[0] ?? (await ctx.newPage());
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('request', (r) => !r.url().startsWith(base) && problems.push(`request outside the server: ${r.url()}`));
    const res = await page.goto(server.url);
    t.equal(res?.status(), 200, 'the page loads');
    await page.waitForFunction(() => (window as any).__nslab?.ready, null, { timeout: 30_000 });
    t.equal(await page.locator('svg .node').count(), 7, '7 nodes drawn');
    t.equal(await page.locator('svg line.link').count(), 6, '6 links drawn');
    t.same(
      { host: await page.locator('svg .node.host circle').count(), router: await page.locator('svg .node.router polygon').count(), switch: await page.locator('svg .node.switch rect').count() },
      { host: 4, router: 1, switch: 2 },
      'a shape per kind',
    );

    // The figures: about one frame a second, and traffic shows on the links it crosses.
    const ping = cli(['exec', lab, 'h1', '--', 'ping', '-c', '30', '-i', '0.1', '-s', '1000', '10.10.1.2'], { env });
    const f0 = await page.evaluate(() => (window as any).__nslab.frames as number);
    const t0 = Date.now();
    await page.waitForTimeout(4000);
    const frames = (await page.evaluate(() => (window as any).__nslab.frames as number)) - f0;
    const rate = frames / ((Date.now() - t0) / 1000);
    t.ok(rate > 0.5 && rate < 1.6, `figures arrive about once a second (${rate.toFixed(2)} Hz)`);
    t.equal((await ping).code, 0, 'h1 pings h3');
    const peak = await page.evaluate(() => Math.max(0, ...(window as any).__nslab.hist[0].map((f: any) => f.aToB.bitPerSec)));
    t.ok(peak > 50_000, `h1→s1 shows the ping's traffic (peak ${peak} bit/s; 10 pings/s of 1 kB is ~85 kbit/s)`);
    t.equal(await page.evaluate(() => Math.max(0, ...(window as any).__nslab.hist[5].map((f: any) => f.aToB.bitPerSec + f.bToA.bitPerSec))) < peak / 10, true, 'h4—s2 carries (almost) nothing');

    // Click link h1—s1 (index 0) in the drawing, take it down: the kernel follows, then the drawing.
    const model = (await (await fetch(`${base}/api/lab?token=${token}`)).json()) as { links: { a: string; aIf: string }[] };
    t.same([model.links[0].a, model.links[0].aIf], ['h1', 'eth0']);
    const h1ns = JSON.parse((await cli(['show', lab, '--json'], { env })).stdout).nodes.find((n: { name: string }) => n.name === 'h1').netns as string;
    t.equal(adminUp(h1ns, 'eth0'), true, 'h1:eth0 is up at first');
    await page.locator('svg line.hit[data-link="0"]').click({ force: true });
    await page.locator('#toggle').click();
    await page.waitForFunction(() => document.querySelector('#linkstate')?.textContent === 'down', null, { timeout: 30_000 });
    t.equal(adminUp(h1ns, 'eth0'), false, 'clicking "Take down" took h1:eth0 down in the kernel');
    t.match(await page.locator('svg line.link').first().getAttribute('class'), /\bdown\b/, 'and the link is drawn down');
    const shown = JSON.parse((await cli(['show', lab, '--json'], { env })).stdout);
    t.equal(shown.links[0].requested, 'down', 'through the same path as `nslab link` (journaled)');

    // A terminal in h1: `ip addr` shows h1's address, and a ping fails while the link is down.
    await page.locator('svg .node.host', { hasText: 'h1' }).click();
    await page.waitForFunction(() => (window as any).__nslab.terms.h1?.opened, null, { timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.keyboard.type('ip addr; ping -c 1 -W 1 10.10.1.2 || echo PING-FAILED\n');
    const screen = () => page.evaluate(() => {
      const b = (window as any).__nslab.terms.h1.term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < b.length; i++) lines.push(b.getLine(i).translateToString(true));
      return lines.join('\n');
    });
    await page.waitForFunction(() => {
      const b = (window as any).__nslab.terms.h1.term.buffer.active;
      for (let i = 0; i < b.length; i++) if (b.getLine(i).translateToString(true).includes('PING-FAILED') && !b.getLine(i).translateToString(true).includes('||')) return true;
      return false;
    }, null, { timeout: 30_000 });
    const text = await screen();
    t.match(text, /\[\S+:h1\]/, 'the prompt names the node');
    t.match(text, /inet 10\.10\.0\.2\/24/, "ip addr shows h1's address");
    t.notMatch(text, /inet 10\.10\.0\.3\//, "and not h2's");

    // Bring the link back: the kernel, the drawing and the ping follow.
    await page.locator('#toggle').click();
    await page.waitForFunction(() => document.querySelector('#linkstate')?.textContent === 'up', null, { timeout: 30_000 });
    t.equal(adminUp(h1ns, 'eth0'), true, 'bringing it up restores h1:eth0');
    await page.locator('#tabs button', { hasText: 'h1' }).click(); // the button had the focus: back to the terminal
    await page.keyboard.type('ping -c 5 -i 0.5 -W 3 10.10.1.2 && echo PING-OK\n');
    await page.waitForFunction(() => {
      const b = (window as any).__nslab.terms.h1.term.buffer.active;
      for (let i = 0; i < b.length; i++) if (/^PING-OK/.test(b.getLine(i).translateToString(true))) return true;
      return false;
    }, null, { timeout: 30_000 });
    t.pass('the ping works again');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web.png') });
    t.same(problems, [], 'no page errors, no requests elsewhere');
    t.ok(labProcesses(lab).length >= 2, 'the terminal runs (helper and shell)');

    // The lab goes down: the server stops by itself, and takes its terminals with it.
    const down = await cli(['down', lab], { env });
    t.equal(down.code, 0, down.stderr);
    const code = await Promise.race([server.exited, new Promise<string>((r) => setTimeout(() => r('still running after 20 s'), 20_000))]);
    t.equal(code, 0, 'the server exited when the lab went down');
    t.match(server.out(), /web view stopped: lab '\S+' went down/);
    server = undefined;
    t.same(labProcesses(lab), [], 'no pty helper or shell is left');
  } finally {
    await ctx?.close();
    rmSync(profile, { recursive: true, force: true });
    if (server) {
      server.child.kill('SIGKILL');
      await cli(['down', lab], { env });
    }
    hostUnchanged(t, before);
    const added = [...mountPoints()].filter((m) => !mountsBefore.has(m) && !(m.startsWith('/run/netns/') && !box.owns(m.slice('/run/netns/'.length))));
    t.same(added, [], 'no mount left on the host (other people\'s namespaces, which come and go, aside)');
  }
});

t.test('nslab web: Ctrl-C stops the server and leaves the lab up; --listen elsewhere warns', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  const { file, lab } = ownTopologyFile('topologies/two-hosts.yaml');
  const before = hostSnapshot();
  t.equal((await cli(['up', file], { env })).code, 0);
  try {
    const s = await startCli(['web', lab]);
    t.equal((await fetch(`${s.url.replace(/\?.*/, '')}api/lab?token=${new URL(s.url).searchParams.get('token')}`)).status, 200);
    s.child.kill('SIGINT');
    t.equal(await s.exited, 0, 'Ctrl-C: exit 0');
    t.match(s.out(), /web view stopped: interrupted/);
    t.equal((await cli(['show', lab], { env })).code, 0, 'the lab is still up');
    const wide = await startCli(['web', lab, '--listen', '127.0.0.2']);
    t.match(wide.out(), /warning: the web view listens on 127\.0\.0\.2/, 'listening beyond loopback prints a warning');
    wide.child.kill('SIGTERM');
    t.equal(await wide.exited, 0);
  } finally {
    await cli(['down', lab], { env });
    hostUnchanged(t, before);
  }
});

t.test('run --web: the scenario\'s steps show on the page as they run; the server stops with the run', async (t) => {
  if (!isRoot) return t.skip('needs root to build labs');
  if (!existsSync(CHROMIUM)) return t.skip(`Chromium is not installed at ${CHROMIUM}`);
  const lab = box.lab('wrun');
  const file = join(box.filesDir, 'web-run.yaml');
  writeFileSync(
    file,
    [
      'name: web-run',
      `topology: { name: ${lab}, nodes: { h1: {}, h2: {} }, links: [[h1, h2]] }`,
      'steps:',
      '  - ping: { from: h1, to: h2, count: 25, interval: 200ms }',
      '    expect: { loss: "== 0%" }',
      '  - exec: { node: h2, cmd: "ip -br addr show dev eth0" }',
      '    expect: { exit: 0 }',
      '',
    ].join('\n'),
  );
  const before = hostSnapshot();
  const profile = mkdtempSync(join(tmpdir(), 'nslab-chromium-'));
  let ctx: BrowserContext | undefined;
  let runCli: Awaited<ReturnType<typeof startCli>> | undefined;
  try {
    runCli = await startCli(['run', file, '--web']);
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 800 } });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(runCli.url);
    await page.waitForFunction(() => (window as any).__nslab?.scenario, null, { timeout: 30_000 });
    t.equal(await page.locator('#steprows tr').count(), 2, 'both steps listed');
    await page.waitForFunction(() => (window as any).__nslab.scenario.status === 'pass', null, { timeout: 60_000 });
    t.match(await page.locator('#scentitle').textContent(), /web-run · pass/, 'the outcome shows');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'web-run.png') });
    t.equal(await page.locator('#steprows tr[data-step="1"] polyline').count(), 1, "the ping step's RTTs are plotted");
    t.match(await page.locator('#steprows tr[data-step="1"]').textContent(), /pass/);
    t.equal(await runCli.exited, 0, 'the run passes and exits');
    runCli = undefined;
    t.same(labProcesses(lab), [], 'nothing of the web view is left');
  } finally {
    await ctx?.close();
    rmSync(profile, { recursive: true, force: true });
    if (runCli) {
      runCli.child.kill('SIGINT');
      await runCli.exited;
    }
    hostUnchanged(t, before);
  }
});
