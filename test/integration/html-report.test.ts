// The HTML report in a real browser: Debian's Chromium, headless, through playwright-core. The page is rendered
// from a real run — a saved one (test/fixtures/report/timeline.json, captured from timeline.yaml as root) always,
// and a fresh one when the test runs as root — written with writeHtmlReport, opened from disk, screenshotted to
// test/artifacts/, and read back through the DOM: title, one row per step with expected vs measured, a step named
// like markup shown as text, every RTT sample and iperf3 interval of the results as a plot point with the same
// values, every event as a marker, working pcap links, and no console errors.
import t, { type Test } from 'tap';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { writeHtmlReport, topologyPictures } from '../../src/cli/html.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { ScenarioResult, StepResult } from '../../src/scenario/model.js';
import { runScenario } from '../../src/scenario/run.js';
import { hostSnapshot, hostUnchanged, isRoot } from '../helpers/host.js';
import { ownScenarioFile } from '../helpers/lab.js';
import { sandbox } from '../helpers/sandbox.js';

const CHROMIUM = '/usr/bin/chromium';
// The machine's network is closed and a test must not phone home: no background networking, updates or sync.
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];
const SCENARIO = 'test/fixtures/report/timeline.yaml';
const FIXTURE = 'test/fixtures/report/timeline.json';
const ARTIFACTS = 'test/artifacts';
const noChromium = existsSync(CHROMIUM) ? undefined : `Chromium is not installed at ${CHROMIUM}: apt-get install -y --no-install-recommends chromium`;

// Only the fresh run builds a lab: in the test's own state directory, named with its prefix.
sandbox();
const fixture = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { scenarios: ScenarioResult[] }).scenarios;
const scenario = loadScenario(SCENARIO);

/** The placement rule the report documents for iperf3 intervals, written out again here so the test checks it. */
const iperfOffset = (s: StepResult) => {
  const lastEndS = Math.max(...s.series!.throughput!.map((i) => i.endS));
  return s.startMs + Math.max(0, Math.floor(s.durationMs / 1000 - lastEndS)) * 1000;
};

async function withPage(t: Test, url: string, use: (page: Page, problems: string[]) => Promise<void>): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'nslab-chromium-'));
  let ctx: BrowserContext | undefined;
  try {
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 900 } });
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => (problems.push(`dialog opened: ${d.message()}`), void d.dismiss()));
    // Anything but the page itself would be a request to the outside (a font, a script, a stylesheet).
    page.on('request', (r) => r.url() !== url && problems.push(`request for ${r.url()}`));
    const res = await page.goto(url, { waitUntil: 'load' });
    t.ok(res === null || res.ok(), 'the page loads');
    await use(page, problems);
  } finally {
    await ctx?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Everything the page must show for these results, read back from the DOM. */
async function checkPage(t: Test, page: Page, results: ScenarioResult[], dir: string): Promise<void> {
  const r = results[0];
  t.equal(await page.title(), `nslab report: ${r.status.toUpperCase()} (1 scenario)`, 'title');
  t.equal(await page.locator('script').count(), 0, 'no script element anywhere');

  // The step table: one row per step, in order, with status text and expected vs measured.
  const rows = page.locator('section.scenario table.steps > tbody > tr.step');
  t.equal(await rows.count(), r.steps.length, `${r.steps.length} step rows`);
  for (const [i, s] of r.steps.entries()) {
    const row = rows.nth(i);
    t.equal(await row.getAttribute('data-step-id'), s.id, `row ${i + 1} is step ${s.id}`);
    t.equal(await row.locator('th.step-name').textContent(), s.name, `step ${s.id}: name shown as text`);
    t.match(await row.locator('.badge').textContent(), new RegExp(s.status, 'i'), `step ${s.id}: status in words, not only colour`);
    const checks = row.locator('tr.check');
    t.equal(await checks.count(), s.checks.length, `step ${s.id}: ${s.checks.length} checks`);
    for (const [k, c] of s.checks.entries()) {
      t.equal(await checks.nth(k).locator('td.expected').textContent(), c.expected, `step ${s.id} ${c.metric}: expected`);
      t.equal(await checks.nth(k).locator('td.measured').textContent(), c.measured, `step ${s.id} ${c.metric}: measured`);
      t.equal(await checks.nth(k).getAttribute('data-ok'), String(c.ok));
    }
  }
  // Failure is visible in colour too: a failed badge is not drawn like a passed one.
  const color = (sel: string) => page.locator(sel).first().evaluate((e) => getComputedStyle(e).color);
  if (r.steps.some((s) => s.status === 'fail')) t.not(await color('tr.step[data-status="fail"] .badge'), await color('tr.step[data-status="pass"] .badge'), 'fail and pass badges differ in colour');

  const evil = r.steps.find((s) => s.name === '<script>alert(1)</script>');
  t.ok(evil, 'the results hold the step named <script>alert(1)</script>');
  t.equal(await page.locator(`tr.step[data-step-id="${evil!.id}"] th.step-name`).textContent(), '<script>alert(1)</script>', 'markup in a step name is text');
  t.match(await page.locator(`tr.step[data-step-id="${evil!.id}"] td.measured`).first().textContent(), '<b>bold</b> & "quoted"', 'markup in stdout is text');
  t.equal(await page.locator(`tr.step[data-step-id="${evil!.id}"] b`).count(), 0, 'no <b> element made from stdout');

  t.ok(await page.locator('figure.topology svg g.node').count() >= 3, 'the topology drawing is inline, with its nodes');
  const nodeNames = await page.locator('figure.topology svg g.node title').allTextContents();
  t.same(nodeNames.sort(), scenario.topology.nodes.map((n) => n.name).sort(), 'the drawing names every node');

  // RTT: each reply is a point with its time and RTT; each lost probe is marked.
  const pings = r.steps.filter((s) => s.kind === 'ping');
  t.ok(pings.length >= 2, 'two ping steps in the run');
  for (const s of pings) {
    const g = page.locator(`svg.plot-rtt g.series[data-series="${s.id}"]`);
    const replies = s.series!.rttMs!.filter((x) => x.rttMs !== null);
    const pts = await g.locator('circle.point').evaluateAll((els) => els.map((e) => ({ seq: Number(e.getAttribute('data-seq')), x: Number(e.getAttribute('data-x')), y: Number(e.getAttribute('data-y')), cx: Number(e.getAttribute('cx')), cy: Number(e.getAttribute('cy')) })));
    t.equal(pts.length, replies.length, `ping ${s.id}: ${replies.length} reply points`);
    t.same(pts.map((p) => [p.seq, p.x, p.y]), replies.map((x) => [x.seq, x.atMs, x.rttMs]), `ping ${s.id}: points carry seq, time and RTT of each reply`);
    t.ok(pts.every((p) => Number.isFinite(p.cx) && Number.isFinite(p.cy)), `ping ${s.id}: every point has coordinates`);
    const lost = Number(s.metrics.transmitted) - replies.length;
    t.equal(await g.locator('.point.lost').count(), lost, `ping ${s.id}: ${lost} lost probes marked`);
    const lostSeqs = await g.locator('.point.lost').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-seq'))));
    const seen = new Set(replies.map((x) => x.seq));
    t.same(lostSeqs, Array.from({ length: Number(s.metrics.transmitted) }, (_, i) => i + 1).filter((q) => !seen.has(q)), `ping ${s.id}: the lost ones are the seqs without a reply`);
  }
  t.ok(pings.some((s) => Number(s.metrics.transmitted) > s.series!.rttMs!.length), 'the run lost pings (the link flap), so lost markers were drawn');

  // Throughput: each iperf3 interval is a point at its place on the run's clock, in Mbit/s.
  const iperfs = r.steps.filter((s) => s.series?.throughput?.length);
  t.ok(iperfs.length >= 1, 'an iperf3 step with intervals');
  for (const s of iperfs) {
    const iv = s.series!.throughput!;
    const off = iperfOffset(s);
    const pts = await page
      .locator(`svg.plot-throughput g.series[data-series="${s.id}"] circle.point`)
      .evaluateAll((els) => els.map((e) => ['data-x0', 'data-x1', 'data-y', 'data-bps'].map((a) => Number(e.getAttribute(a)))));
    t.equal(pts.length, iv.length, `iperf3 ${s.id}: ${iv.length} interval points`);
    t.same(pts, iv.map((i) => [off + i.startS * 1000, off + i.endS * 1000, i.bitPerSec / 1e6, i.bitPerSec]), `iperf3 ${s.id}: start, end and Mbit/s of each interval`);
  }

  // Events: one marker per event on each plot, on the same clock, labelled.
  for (const plot of ['svg.plot-rtt', 'svg.plot-throughput']) {
    const ev = await page.locator(`${plot} g.event`).evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-x')), e.getAttribute('data-what'), e.querySelector('text')?.textContent ?? '']));
    t.same(ev.map(([x, w]) => [x, w]), r.events.map((e) => [e.atMs, e.what]), `${plot}: every event marked at its time`);
    t.ok(ev.every(([, , label], i) => String(label).startsWith(`${i + 1}: `)), `${plot}: markers are numbered`);
  }
  t.ok(r.events.some((e) => /^impair /.test(e.what)) && r.events.some((e) => /^link .* down$/.test(e.what)), 'the run has impairment and link events');

  // The plots are drawn, not only present: the points lie inside their plot's box.
  const outside = await page.locator('svg.plot').evaluateAll((svgs) =>
    svgs.flatMap((svg) => {
      const box = svg.getBoundingClientRect();
      if (box.width < 300 || box.height < 80) return [`${svg.id} is ${box.width}×${box.height}`];
      return [...svg.querySelectorAll('circle.point')]
        .filter((c) => {
          const b = c.getBoundingClientRect();
          return !(b.left >= box.left - 1 && b.right <= box.right + 1 && b.top >= box.top - 1 && b.bottom <= box.bottom + 1);
        })
        .map((c) => `${svg.id}: ${c.outerHTML.slice(0, 200)}`);
    }),
  );
  t.same(outside, [], 'every plot point is inside its plot');

  // pcaps: relative links to copies next to the page.
  const pcaps = [...new Set(r.steps.flatMap((s) => s.artifacts ?? []))];
  t.ok(pcaps.length >= 1, 'the run saved a pcap');
  const hrefs = [...new Set(await page.locator('a.pcap').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? '')))];
  t.equal(hrefs.length, pcaps.length, 'one link target per pcap');
  for (const h of hrefs) {
    t.notMatch(h, /^(\/|[a-z]+:)/, `${h} is relative`);
    const file = join(dir, decodeURIComponent(h));
    t.ok(existsSync(file), `${h} exists next to the page`);
    t.equal(readFileSync(file).readUInt32LE(0), 0xa1b2c3d4, `${h} is a pcap`);
  }
}

t.test('the page from a saved run: escaped, self-contained (no browser needed)', async (t) => {
  const html = renderHtmlReport(fixture, await topologyPictures([scenario]));
  t.match(html, /^<!DOCTYPE html>/);
  t.match(html, '&lt;script&gt;alert(1)&lt;/script&gt;', 'the markup step name is escaped');
  t.notMatch(html, /<script/i, 'no script element');
  t.notMatch(html, /<(link|img|iframe|object|embed)\b/i, 'nothing that loads another resource');
  t.notMatch(html, /(src|href)="(https?:)?\/\//i, 'no URL to another host');
  t.notMatch(html, /@import|url\(\s*['"]?https?:/i, 'no stylesheet import from elsewhere');
  t.notMatch(html, /<\?xml|<!DOCTYPE svg/i, 'the drawing is inlined without its XML prolog');
  t.match(html, /Content-Security-Policy" content="default-src 'none'/, 'a policy that forbids scripts and fetches');
});

// tap's `skip` option with a string reports the test as skipped with that reason.
t.test('the page from a saved run, in Chromium', { skip: noChromium ?? false }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'nslab-html-'));
  const written = writeHtmlReport(dir, fixture, await topologyPictures([scenario]));
  t.same(written.missing, [], 'every pcap of the fixture was copied');
  t.equal(written.copied.length, 1);
  const url = pathToFileURL(resolve(written.index)).href;
  await withPage(t, url, async (page, problems) => {
    await checkPage(t, page, fixture, dir);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
    t.ok(existsSync(join(ARTIFACTS, 'html-report.png')), `screenshot saved as ${ARTIFACTS}/html-report.png`);
    t.same(problems, [], 'no console errors, dialogs or outside requests');
  });
  rmSync(dir, { recursive: true, force: true });
});

t.test('the page from a fresh run (root), in Chromium', { skip: (isRoot ? noChromium : 'needs root to build the lab') ?? false }, async (t) => {
  // Drawn before the run: impair steps change the lab's topology object as they apply (the drawing would show the
  // last rate instead of the file's).
  // The same scenario, its lab renamed with the test's prefix.
  const own = loadScenario(ownScenarioFile(SCENARIO).file);
  const pictures = await topologyPictures([own]);
  const before = hostSnapshot();
  const art = mkdtempSync(join(tmpdir(), 'nslab-html-art-'));
  const result = await runScenario(own, { artifactDir: art });
  hostUnchanged(t, before, 'host unchanged');
  // The scenario fails on purpose in its last step; anything else (an error) means the run itself went wrong.
  t.equal(result.status, 'fail', `the run completed: ${JSON.stringify(result.error ?? result.steps.filter((s) => s.status === 'error').map((s) => s.message))}`);
  const dir = mkdtempSync(join(tmpdir(), 'nslab-html-'));
  const written = writeHtmlReport(dir, [result], pictures);
  t.same(written.missing, []);
  await withPage(t, pathToFileURL(resolve(written.index)).href, async (page, problems) => {
    await checkPage(t, page, [result], dir);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-live.png'), fullPage: true });
    t.same(problems, [], 'no console errors, dialogs or outside requests');
  });
  rmSync(dir, { recursive: true, force: true });
  rmSync(art, { recursive: true, force: true });
});
