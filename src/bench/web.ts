// `npm run bench:web`: the web view's goals, measured in Debian's headless Chromium (playwright-core) against a
// real lab: page interactive time for a 200-node lab (goal < 1 s), the figures' update rate (goal 1 Hz), keystroke
// echo latency in a browser terminal (goal < 50 ms), and the counter reader's cost per tick. The lab is built in
// its own state directory with a name no one else uses, and taken down at the end whatever happens.
//
// Usage: node dist/bench/web.js [--nodes N] [--loads N] [--keys N] [--out DIR]

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Lab } from '../api/index.js';
import { CounterReader } from '../exec/counters.js';
import { StateStore } from '../sys/index.js';
import { resolveRawTopology } from '../topology/index.js';
import { startWebView } from '../web/index.js';
import { median } from './stats.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'];

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const r1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  const nodes = arg('nodes', 200);
  const loads = arg('loads', 5);
  const keys = arg('keys', 30);
  const outIdx = process.argv.indexOf('--out');
  const outDir = outIdx > 0 ? process.argv[outIdx + 1] : 'bench/out';
  const { chromium } = await import('playwright-core');
  const stateDir = mkdtempSync(join('/run', 'nslab-bench-web-'));
  const store = new StateStore(stateDir);
  const name = `bw${Math.random().toString(36).slice(2, 6)}`;
  const profile = mkdtempSync(join(tmpdir(), 'nslab-bench-chromium-'));
  const load0 = loadavg();
  let lab: Lab | undefined;
  let ctx: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  let view: Awaited<ReturnType<typeof startWebView>> | undefined;
  try {
    const upStart = performance.now();
    lab = await Lab.up(resolveRawTopology({ name, topo: `single,${nodes - 1}` }, () => undefined, `--topo single,${nodes - 1}`), { store });
    const upMs = performance.now() - upStart;
    process.stderr.write(`lab ${name}: ${nodes} nodes up in ${Math.round(upMs)} ms\n`);

    // The counter reader alone: one tick over every namespace.
    const reader = new CounterReader(lab.topology.nodes.map((n) => n.netns));
    const ticks: number[] = [];
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      await reader.read();
      ticks.push(performance.now() - t0);
    }
    reader.close();

    const serveStart = performance.now();
    view = await startWebView(name, { store });
    const serveMs = performance.now() - serveStart;
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, headless: true, viewport: { width: 1280, height: 800 } });

    // Page interactive: from navigation start to the drawing done with the live connection open (window.__nslab.ready,
    // performance.now() of the page), then a click on a link answered by its panel.
    const interactive: number[] = [];
    const clickable: number[] = [];
    for (let i = 0; i < loads; i++) {
      const page = await ctx.newPage();
      await page.goto(view.url);
      await page.waitForFunction(() => (window as any).__nslab?.ready, null, { timeout: 60_000 });
      const ready = await page.evaluate(() => (window as any).__nslab.ready as number);
      interactive.push(ready);
      const t0 = Date.now();
      await page.locator('tr[data-link="0"]').click();
      await page.waitForSelector('#toggle');
      clickable.push(Date.now() - t0);
      await page.close();
    }

    // Update rate over 10 s, from the arrival times of the frames in the page.
    const page = await ctx.newPage();
    await page.goto(view.url);
    await page.waitForFunction(() => (window as any).__nslab?.ready, null, { timeout: 60_000 });
    const f0 = await page.evaluate(() => (window as any).__nslab.frames as number);
    const w0 = Date.now();
    await page.waitForTimeout(10_000);
    const frames = (await page.evaluate(() => (window as any).__nslab.frames as number)) - f0;
    const hz = frames / ((Date.now() - w0) / 1000);

    // Keystroke echo: a key typed into the terminal (xterm's input, as from the keyboard) until its echo is parsed.
    await page.evaluate(() => (window as any).__nslab.openTerminal('h1'));
    await page.waitForFunction(() => (window as any).__nslab.terms.h1?.opened, null, { timeout: 60_000 });
    await page.waitForTimeout(1500);
    const echo = (await page.evaluate(async (n: number) => {
      const term = (window as any).__nslab.terms.h1.term;
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await new Promise<void>((resolve) => {
          const d = term.onWriteParsed(() => {
            d.dispose();
            resolve();
          });
          term.input('x', true);
        });
        out.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 30));
      }
      term.input('\x15', true); // Ctrl-U: the line typed is dropped
      return out;
    }, keys)) as number[];

    const load1 = loadavg();
    const result = {
      at: new Date().toISOString(),
      nodes,
      links: lab.topology.links.length,
      upMs: Math.round(upMs),
      serverStartMs: Math.round(serveMs),
      pageInteractiveMs: { median: r1(median(interactive)), max: r1(Math.max(...interactive)), samples: interactive.map(r1), goal: 1000 },
      linkClickToPanelMs: { median: median(clickable), samples: clickable },
      updateHz: { measured: r1(hz * 100) / 100, frames, overS: 10, goal: 1 },
      counterTickMs: { median: r1(median(ticks)), max: r1(Math.max(...ticks)) },
      keystrokeEchoMs: { median: r1(median(echo)), p95: r1(pct(echo, 95)), max: r1(Math.max(...echo)), n: echo.length, goal: 50 },
      loadAverage: { before: load0.map(r1), after: load1.map(r1), cores: (await import('node:os')).cpus().length },
    };
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'web.json'), JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(
      [
        `web view, ${nodes}-node lab (${result.links} links), load average ${load0.map(r1).join(' ')} -> ${load1.map(r1).join(' ')} on ${result.loadAverage.cores} cores`,
        `  page interactive     median ${result.pageInteractiveMs.median} ms, max ${result.pageInteractiveMs.max} ms (goal < 1000 ms) ${result.pageInteractiveMs.median < 1000 ? 'ok' : 'MISSED'}`,
        `  link click -> panel  median ${result.linkClickToPanelMs.median} ms (through playwright)`,
        `  figures              ${result.updateHz.measured} Hz over 10 s (goal 1 Hz); counter tick over ${nodes} namespaces median ${result.counterTickMs.median} ms`,
        `  keystroke echo       median ${result.keystrokeEchoMs.median} ms, p95 ${result.keystrokeEchoMs.p95} ms (goal < 50 ms) ${result.keystrokeEchoMs.median < 50 ? 'ok' : 'MISSED'}`,
        `  written to ${join(outDir, 'web.json')}`,
      ].join('\n') + '\n',
    );
  } finally {
    await ctx?.close();
    await view?.close();
    if (lab) await lab.down();
    rmSync(profile, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:web failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 2;
});
