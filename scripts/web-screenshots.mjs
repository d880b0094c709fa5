#!/usr/bin/env node
// Regenerate the web view's screenshots in docs/ (as root, after `npm run build`): the lan-router-lan lab with some
// traffic, a rate limit on r1—s2, the link h2—s1 down, a link selected and a terminal in h1 whose ping to h3 works.
// The lab gets its own state directory and name, and is taken down at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { Lab } from '../dist/api/index.js';
import { StateStore } from '../dist/sys/index.js';
import { loadTopologyText } from '../dist/topology/index.js';
import { startWebView } from '../dist/web/index.js';
import { readFileSync } from 'node:fs';

const stateDir = mkdtempSync('/run/nslab-shots-');
const store = new StateStore(stateDir);
const text = readFileSync('topologies/lan-router-lan.yaml', 'utf8');
const lab = await Lab.up(loadTopologyText(text, 'topologies/lan-router-lan.yaml'), { store });
const profile = mkdtempSync(join(tmpdir(), 'nslab-shots-chromium-'));
let ctx;
let view;
try {
  await lab.impair('r1-s2', { rate: '20mbit' });
  await lab.link('h2-s1', 'down');
  view = await startWebView(lab.name, { store });
  const traffic = lab.exec('h1', ['ping', '-c', '400', '-i', '0.03', '-s', '1400', '10.10.1.2']);
  const traffic2 = lab.exec('h4', ['ping', '-c', '150', '-i', '0.08', '-s', '300', '10.10.0.2']);
  ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  await page.goto(view.url);
  await page.waitForFunction(() => window.__nslab?.ready);
  await page.waitForTimeout(5000);
  await page.locator('tr[data-link="3"]').click();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: 'docs/web-view.png' });
  await page.evaluate(() => window.__nslab.openTerminal('h1'));
  await page.waitForFunction(() => window.__nslab.terms.h1?.opened);
  await page.waitForTimeout(800);
  await page.keyboard.type('ip -br addr; ping -c 3 -i 0.3 10.10.1.2\n');
  await page.waitForTimeout(3000);
  await page.screenshot({ path: 'docs/web-view-terminal.png' });
  await Promise.allSettled([traffic, traffic2]);
  console.log('wrote docs/web-view.png and docs/web-view-terminal.png');
} finally {
  await ctx?.close();
  await view?.close();
  await lab.down();
  rmSync(profile, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
}
