// The HTML report: one self-contained page (no scripts, no external fonts, styles or images, so it opens offline,
// from a CI artifact, years later) with, per scenario, the topology drawing, the steps with expected vs measured,
// RTT and throughput plots drawn here as SVG on the run's time axis with impairment and link changes marked, and
// links to the saved pcaps. Pure: text in, text out; writing the page and copying pcaps is src/cli/html.ts.
//
// Plot data in the DOM (what tests and scrapers read; every number is in the run's units, not pixels):
//   <svg class="plot plot-rtt">: one <g class="series" data-series=STEP_ID> per ping step; each reply is a
//     <circle class="point" data-series data-seq data-x=MS data-y=RTT_MS>; each lost probe is a
//     <path class="point lost" data-series data-seq data-x=MS data-lost="true"> (an × on the time axis): the seqs
//     up to metrics.transmitted without a reply, see withLostProbes().
//   <svg class="plot plot-throughput">: one <g class="series"> per iperf3 step; each interval is a
//     <circle class="point" data-series data-x=MID_MS data-x0=START_MS data-x1=END_MS data-y=MBIT_PER_S
//     data-bps=BIT_PER_S> at the interval's midpoint, placed by iperf3OffsetMs().
//   Both: <g class="event" data-x=MS data-what=TEXT> per scenario event (a vertical marker and its number).
//   x is milliseconds since the scenario's steps began (ScenarioResult.events and StepResult.startMs use the same
//   clock); numbers are written with String(n), so Number(attr) gives back the result's value exactly.

import type { ScenarioResult, StepResult } from '../scenario/model.js';
import { TIMER_LATE_P95_MS } from '../health/verdict.js';
import { healthLine } from './human.js';

export interface HtmlReportOptions {
  /**
   * The link for a saved artifact (pcap), relative to the page; undefined when it was not saved. The default
   * links to the path as the run recorded it, which works only on the machine that ran it.
   */
  artifactHref?: (path: string, scenarioIndex: number) => string | undefined;
  /** For the header; the caller's clock, so the function stays deterministic. */
  generatedAt?: string;
}

// Everything from results goes through esc(): step names, messages, expected/measured (stdout excerpts), file
// names. The single quote is escaped too, so the output is safe in any attribute quoting.
const esc = (s: unknown): string =>
  String(s)
    // C0 controls other than tab/newline/CR are parse errors in HTML; they carry nothing a reader needs.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const num = (n: number): string => String(n);
const fix = (n: number, d = 2): string => (Math.round(n * 10 ** d) / 10 ** d).toString();
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

const AT_RISK_TEXT = '✘ FAIL, at risk';
const stepStatusText = (s: StepResult) => (s.status === 'fail' && s.atRisk ? AT_RISK_TEXT : STATUS_TEXT[s.status]);
const STATUS_TEXT: Record<StepResult['status'] | ScenarioResult['status'], string> = {
  pass: '✔ pass',
  fail: '✘ FAIL',
  error: '⚠ ERROR',
  skipped: '– skipped',
};

// Okabe–Ito: distinguishable with the common colour-vision deficiencies; series are also named in a legend and
// drawn with different dash patterns, so colour is never the only cue.
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3'];

const CSS = `
:root { color-scheme: light; --pass: #1a7f37; --fail: #b42318; --error: #9a3412; --skip: #57606a; --risk: #9a6700; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 1200px; color: #1f2328; background: #fff; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; padding-top: 1rem; border-top: 2px solid #d0d7de; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 0.4rem; }
.meta { color: #57606a; margin: 0.2rem 0; }
.badge { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 0.3rem; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.status-pass { color: var(--pass); } .status-fail { color: var(--fail); } .status-error { color: var(--error); } .status-skipped { color: var(--skip); }
.status-atrisk { color: var(--risk); } .badge.status-atrisk { background: #fff8c5; }
tr.step.row-atrisk > * { background: #fffbe6; } tr.step.row-atrisk > th.step-name { border-left: 4px dashed var(--risk); }
.health { font-size: 0.85rem; margin-top: 0.2rem; } .health-at-risk { color: var(--risk); font-weight: 600; } .health-faithful { color: var(--pass); } .health-unmeasured { color: var(--skip); }
svg.plot .risk { fill: #f2cc60; fill-opacity: 0.28; }
svg.plot .threshold { stroke: var(--risk); stroke-dasharray: 6 4; }
.badge.status-pass { background: #dafbe1; } .badge.status-fail { background: #ffebe9; } .badge.status-error { background: #fff1e5; } .badge.status-skipped { background: #f6f8fa; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
tr.step.row-fail > *, tr.step.row-error > * { background: #fff8f7; }
tr.step.row-fail > th.step-name, tr.step.row-error > th.step-name { border-left: 4px solid var(--fail); }
td.result { font-weight: 600; white-space: nowrap; }
table.checks { font-size: 0.85rem; }
table.checks th, table.checks td { border: 0; border-bottom: 1px solid #eaeef2; padding: 0.1rem 0.4rem; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, .mono { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 0.85em; overflow-wrap: anywhere; }
.error { border: 1px solid var(--fail); background: #ffebe9; padding: 0.5rem 0.8rem; border-radius: 0.3rem; }
figure { margin: 0.8rem 0; }
figcaption { font-weight: 600; margin-bottom: 0.3rem; }
.topology svg { max-width: 100%; height: auto; }
svg.plot { width: 100%; height: auto; max-width: 1000px; background: #fff; border: 1px solid #d0d7de; }
svg.plot text { font-family: inherit; font-size: 11px; fill: #1f2328; }
svg.plot .grid { stroke: #eaeef2; }
svg.plot .axis { stroke: #57606a; }
svg.plot .event line { stroke: #6e40c9; stroke-dasharray: 4 3; }
svg.plot .event text { fill: #6e40c9; font-weight: 600; }
svg.plot .lost { stroke: var(--fail); stroke-width: 2; fill: none; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; font-size: 0.85rem; margin: 0.3rem 0; padding: 0; list-style: none; }
.swatch { display: inline-block; width: 1.6rem; height: 0; border-top: 3px solid; vertical-align: middle; margin-right: 0.3rem; }
ol.events { font-size: 0.9rem; }
nav ul { margin: 0.3rem 0; }
`;

interface Point {
  x: number;
  y: number | null;
}
interface Series {
  id: string;
  label: string;
  points: Point[];
  /** SVG for one point, with its data attributes. */
  mark: (p: Point, i: number, px: number, py: number, color: string) => string;
  /** Stepped line (throughput intervals) or straight segments between replies, broken at losses (RTT). */
  line: (pts: Point[], sx: (x: number) => number, sy: (y: number) => number) => string[];
}

/** A round tick step near range/target: 1, 2 or 5 times a power of ten. */
function niceStep(range: number, target: number): number {
  const raw = range / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

/** Ticks from 0 to the first tick at or above max, so the axis always covers max. */
function ticks(max: number, target: number): number[] {
  const step = niceStep(max, target);
  const out: number[] = [];
  // Rounding to 10 significant digits keeps 0.1+0.2 from printing as 0.30000000000000004.
  for (let i = 0; out.length === 0 || out[out.length - 1] < max; i++) out.push(Number((i * step).toPrecision(10)));
  return out;
}

function plotSvg(opts: {
  cls: string;
  id: string;
  title: string;
  desc: string;
  yLabel: string;
  xMaxMs: number;
  series: Series[];
  events: { atMs: number; what: string }[];
  /** Windows where health was at risk: shaded bands, data-x0/data-x1 in ms. */
  risks?: { x0: number; x1: number; what: string }[];
  /** A horizontal threshold line (y in the plot's units). */
  threshold?: { y: number; label: string };
}): string {
  const W = 900;
  const H = 300;
  const m = { l: 60, r: 20, t: 34, b: 42 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const yValues = opts.series.flatMap((s) => s.points.map((p) => p.y).filter((y): y is number => y !== null));
  const yTicks = ticks(Math.max(...yValues, opts.threshold?.y ?? 0, 0) * 1.1 || 1, 5);
  const yMax = yTicks[yTicks.length - 1];
  const xTicks = ticks(opts.xMaxMs / 1000, 10).map((s) => s * 1000);
  const xMax = Math.max(xTicks[xTicks.length - 1], opts.xMaxMs);
  const sx = (x: number) => Number((m.l + (x / xMax) * pw).toFixed(2));
  const sy = (y: number) => Number((m.t + ph - (y / yMax) * ph).toFixed(2));
  const out: string[] = [];
  out.push(
    `<svg class="plot ${opts.cls}" id="${esc(opts.id)}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${esc(opts.id)}-title ${esc(opts.id)}-desc" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${esc(opts.id)}-title">${esc(opts.title)}</title>`,
    `<desc id="${esc(opts.id)}-desc">${esc(opts.desc)}</desc>`,
    '<g class="grid-lines" aria-hidden="true">',
  );
  for (const v of yTicks)
    out.push(`<line class="grid" x1="${m.l}" x2="${m.l + pw}" y1="${sy(v)}" y2="${sy(v)}"/><text x="${m.l - 6}" y="${sy(v) + 4}" text-anchor="end">${esc(fix(v, 3))}</text>`);
  for (const v of xTicks)
    out.push(`<line class="grid" x1="${sx(v)}" x2="${sx(v)}" y1="${m.t}" y2="${m.t + ph}"/><text x="${sx(v)}" y="${m.t + ph + 16}" text-anchor="middle">${esc(fix(v / 1000, 3))}</text>`);
  out.push(
    `<line class="axis" x1="${m.l}" x2="${m.l + pw}" y1="${m.t + ph}" y2="${m.t + ph}"/><line class="axis" x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + ph}"/>`,
    `<text x="${m.l + pw / 2}" y="${H - 6}" text-anchor="middle">time since the steps began (s)</text>`,
    `<text transform="translate(14 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
    '</g>',
  );
  for (const r of opts.risks ?? [])
    out.push(
      `<rect class="risk" data-x0="${num(r.x0)}" data-x1="${num(r.x1)}" x="${sx(Math.max(0, r.x0))}" y="${m.t}" width="${Math.max(1, sx(Math.min(r.x1, xMax)) - sx(Math.max(0, r.x0)))}" height="${ph}"><title>${esc(`at risk ${secs(r.x0)}–${secs(r.x1)}: ${r.what}`)}</title></rect>`,
    );
  if (opts.threshold)
    out.push(`<g class="threshold-line"><line class="threshold" x1="${m.l}" x2="${m.l + pw}" y1="${sy(opts.threshold.y)}" y2="${sy(opts.threshold.y)}"/><text x="${m.l + pw - 4}" y="${sy(opts.threshold.y) - 4}" text-anchor="end">${esc(opts.threshold.label)}</text></g>`);
  // Events: a numbered vertical marker each; the numbers refer to the list under the plots. Labels of events close
  // together alternate between two rows so they do not print over each other.
  opts.events.forEach((e, i) => {
    const x = sx(Math.min(Math.max(e.atMs, 0), xMax));
    out.push(
      `<g class="event" data-x="${num(e.atMs)}" data-what="${esc(e.what)}"><title>${esc(`event ${i + 1} at ${secs(e.atMs)}: ${e.what}`)}</title>` +
        `<line x1="${x}" x2="${x}" y1="${m.t - 4}" y2="${m.t + ph}"/><text x="${x + 3}" y="${i % 2 ? m.t - 4 : m.t - 18}">${i + 1}: ${esc(e.what.length > 28 ? e.what.slice(0, 27) + '…' : e.what)}</text></g>`,
    );
  });
  opts.series.forEach((s, si) => {
    const color = PALETTE[si % PALETTE.length];
    const dash = DASHES[si % DASHES.length];
    out.push(`<g class="series" data-series="${esc(s.id)}" data-label="${esc(s.label)}">`);
    for (const d of s.line(s.points, sx, sy))
      out.push(`<polyline aria-hidden="true" fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${d}"/>`);
    s.points.forEach((p, i) => out.push(s.mark(p, i, sx(p.x), p.y === null ? m.t + ph : sy(p.y), color)));
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n');
}

function legend(series: Series[]): string {
  return (
    '<ul class="legend">' +
    series
      .map((s, si) => {
        const color = PALETTE[si % PALETTE.length];
        const dash = DASHES[si % DASHES.length];
        return `<li><span class="swatch" style="border-top-color:${color};border-top-style:${dash ? 'dashed' : 'solid'}" aria-hidden="true"></span>${esc(`${s.id} ${s.label}`)}</li>`;
      })
      .join('') +
    '</ul>'
  );
}

/**
 * Where an iperf3 step's intervals sit on the run's clock: from the step's start, after the -O warm-up. iperf3
 * restarts its clock when the warm-up ends (omitted intervals run 0–1 s, the first counted one 0–1 s again), and the
 * result does not record the warm-up, so it is read off the step: the step lasts warm-up + test + start-up and
 * teardown (measured at 0.2–0.4 s), so whole seconds of warm-up are floor(duration − last interval end). Anchoring at
 * the step's end instead put a rate drop's effect before the drop in a trial run: the teardown (server stop, result
 * exchange) is longer than the start-up.
 */
export function iperf3OffsetMs(step: StepResult): number {
  const iv = step.series?.throughput ?? [];
  const lastEndS = iv.length ? Math.max(...iv.map((i) => i.endS)) : 0;
  return step.startMs + Math.max(0, Math.floor(step.durationMs / 1000 - lastEndS)) * 1000;
}

/**
 * A ping step's probes in seq order, lost ones included. ping prints nothing for a probe that got no reply (without
 * -O), so the series holds replies only: the lost probes are the seqs up to `metrics.transmitted` that have no
 * reply. They are placed on the same clock as the replies (atMs = startMs + (seq − 1) × interval); the interval is
 * read off the replies, or, with fewer than two of them, taken as the step's duration over the probes sent.
 */
export function withLostProbes(step: StepResult): { seq: number; rttMs: number | null; atMs: number }[] {
  const replies = step.series?.rttMs ?? [];
  const sent = typeof step.metrics.transmitted === 'number' ? step.metrics.transmitted : 0;
  const bySeq = new Map(replies.map((r) => [r.seq, r]));
  const sorted = [...replies].sort((a, b) => a.seq - b.seq);
  const [a, b] = [sorted[0], sorted[sorted.length - 1]];
  const intervalMs =
    a && b && b.seq !== a.seq ? (b.atMs - a.atMs) / (b.seq - a.seq) : a && a.seq > 1 ? (a.atMs - step.startMs) / (a.seq - 1) : sent ? step.durationMs / sent : 1000;
  const out = [...replies];
  for (let seq = 1; seq <= sent; seq++) if (!bySeq.has(seq)) out.push({ seq, rttMs: null, atMs: step.startMs + (seq - 1) * intervalMs });
  return out.sort((x, y) => x.seq - y.seq);
}

function rttSeries(steps: StepResult[]): Series[] {
  return steps
    .filter((s) => s.series?.rttMs?.length || (s.kind === 'ping' && typeof s.metrics.transmitted === 'number' && s.metrics.transmitted > 0))
    .map((s) => {
      const samples = withLostProbes(s);
      return {
        id: s.id,
        label: s.name,
        points: samples.map((x) => ({ x: x.atMs, y: x.rttMs })),
        mark: (p, i, px, py, color) => {
          const seq = samples[i].seq;
          const common = `data-series="${esc(s.id)}" data-seq="${num(seq)}" data-x="${num(p.x)}"`;
          if (p.y === null)
            return `<path class="point lost" ${common} data-lost="true" d="M${px - 4} ${py - 4}L${px + 4} ${py + 4}M${px - 4} ${py + 4}L${px + 4} ${py - 4}"><title>${esc(`${s.id} seq ${seq} at ${secs(p.x)}: lost`)}</title></path>`;
          return `<circle class="point" ${common} data-y="${num(p.y)}" cx="${px}" cy="${py}" r="2.5" fill="${color}"><title>${esc(`${s.id} seq ${seq} at ${secs(p.x)}: ${fix(p.y, 3)} ms`)}</title></circle>`;
        },
        line: (pts, sx, sy) => {
          // A lost reply breaks the line: joining the neighbours would draw an RTT nobody measured.
          const runs: string[] = [];
          let cur: string[] = [];
          for (const p of pts) {
            if (p.y === null) {
              if (cur.length > 1) runs.push(cur.join(' '));
              cur = [];
            } else cur.push(`${sx(p.x)},${sy(p.y)}`);
          }
          if (cur.length > 1) runs.push(cur.join(' '));
          return runs;
        },
      } satisfies Series;
    });
}

function throughputSeries(steps: StepResult[]): Series[] {
  return steps
    .filter((s) => s.series?.throughput?.length)
    .map((s) => {
      const off = iperf3OffsetMs(s);
      const iv = s.series!.throughput!;
      const x0 = (i: number) => off + iv[i].startS * 1000;
      const x1 = (i: number) => off + iv[i].endS * 1000;
      return {
        id: s.id,
        label: s.name,
        points: iv.map((v, i) => ({ x: (x0(i) + x1(i)) / 2, y: v.bitPerSec / 1e6 })),
        mark: (p, i, px, py, color) =>
          `<circle class="point" data-series="${esc(s.id)}" data-x="${num(p.x)}" data-x0="${num(x0(i))}" data-x1="${num(x1(i))}" data-y="${num(p.y!)}" data-bps="${num(iv[i].bitPerSec)}" cx="${px}" cy="${py}" r="2.5" fill="${color}"><title>${esc(`${s.id} ${fix(iv[i].startS)}–${fix(iv[i].endS)} s of iperf3 (at ${secs(x0(i))}): ${fix(p.y!, 3)} Mbit/s`)}</title></circle>`,
        // Each interval is a horizontal segment over the time it covers: throughput is an average over it.
        line: (_pts, sx, sy) => [iv.flatMap((v, i) => [`${sx(x0(i))},${sy(v.bitPerSec / 1e6)}`, `${sx(x1(i))},${sy(v.bitPerSec / 1e6)}`]).join(' ')],
      } satisfies Series;
    });
}

/** Graphviz's SVG is an XML document: its prolog and comments mean nothing inside HTML, and its ids (graph0,
 * node1, …) would repeat once per scenario, so they get a per-scenario prefix. */
function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/<\?xml[\s\S]*?\?>/g, '')
    .replace(/<!DOCTYPE[\s\S]*?>/gi, '')
    .replace(/<!--[\s\S]*?-->/g, '')
    // The drawing is our own Graphviz output, but a picture must never bring a script into the report.
    .replace(/<script[\s\S]*?<\/script\s*>/gi, '')
    // Graphviz refers to none of its ids (no gradients or url(#…) without style attributes that ask for them).
    .replace(/\sid="([^"]*)"/g, (_m, v: string) => ` id="${prefix}${v}"`)
    .trim();
}

function stepRow(s: StepResult, artifactLinks: string): string {
  const checks = s.checks.length
    ? '<table class="checks"><thead><tr><th scope="col">metric</th><th scope="col">expected</th><th scope="col">measured</th><th scope="col">result</th></tr></thead><tbody>' +
      s.checks
        .map(
          (c) =>
            `<tr class="check${c.ok ? '' : ' row-fail'}" data-metric="${esc(c.metric)}" data-ok="${c.ok}"${c.atRisk ? ' data-at-risk="true"' : ''}><th scope="row">${esc(c.metric)}</th><td class="expected mono">${esc(c.expected)}</td><td class="measured mono">${esc(c.measured)}</td><td class="result ${c.ok ? 'status-pass' : c.atRisk ? 'status-atrisk' : 'status-fail'}">${c.ok ? '✔ ok' : c.atRisk ? '✘ failed, at risk' : '✘ failed'}</td></tr>`,
        )
        .join('') +
      '</tbody></table>'
    : '';
  const model = (s.health?.model ?? [])
    .map((m) => `<div class="model" data-metric="${esc(m.metric)}" data-predicted="${num(m.predicted)}" data-measured="${num(m.measured)}">link model: ${esc(m.metric)} predicted ${esc(m.metric === 'throughput' ? `${fix(m.predicted / 1e6, 3)} Mbit/s` : `${fix(m.predicted, 3)} ms`)}, measured ${esc(m.metric === 'throughput' ? `${fix(m.measured / 1e6, 3)} Mbit/s` : `${fix(m.measured, 3)} ms`)} (${m.deviationPct >= 0 ? '+' : ''}${m.deviationPct}%)</div>`)
    .join('');
  const health = s.health ? `<div class="health health-${s.health.verdict.replace(' ', '-')}" data-health="${esc(s.health.verdict)}">health: ${esc(healthLine(s.health))}${model}</div>` : '';
  const risky = s.status === 'fail' && s.atRisk;
  return (
    `<tr class="step row-${risky ? 'atrisk' : s.status}" data-step-id="${esc(s.id)}" data-status="${s.status}"${risky ? ' data-at-risk="true"' : ''}${s.health ? ` data-health="${esc(s.health.verdict)}"` : ''}>` +
    `<td class="num">${esc(s.id)}</td><th scope="row" class="step-name">${esc(s.name)}</th><td>${esc(s.kind)}</td>` +
    `<td><span class="badge status-${risky ? 'atrisk' : s.status}">${stepStatusText(s)}</span></td>` +
    `<td class="num">${s.status === 'skipped' ? '' : secs(s.startMs)}</td><td class="num">${s.status === 'skipped' ? '' : secs(s.durationMs)}</td>` +
    `<td>${checks}${s.message ? `<div class="message mono">${esc(s.message)}</div>` : ''}${health}${artifactLinks}</td></tr>`
  );
}

function scenarioSection(r: ScenarioResult, index: number, picture: string | undefined, opts: HtmlReportOptions): string {
  const sid = `s${index + 1}`;
  const href = (p: string) => (opts.artifactHref ? opts.artifactHref(p, index) : p);
  const linksFor = (paths: string[]) =>
    paths.length
      ? '<ul class="artifacts">' +
        paths
          .map((p) => {
            const h = href(p);
            const name = p.split('/').pop() ?? p;
            return h === undefined ? `<li class="mono">${esc(name)} (not saved: ${esc(p)})</li>` : `<li><a class="pcap" href="${esc(h)}">${esc(name)}</a></li>`;
          })
          .join('') +
        '</ul>'
      : '';
  const count = (st: StepResult['status']) => r.steps.filter((s) => s.status === st).length;
  const out: string[] = [];
  out.push(
    `<section class="scenario" id="${sid}" data-scenario="${esc(r.name)}" data-status="${r.status}" aria-labelledby="${sid}-h">`,
    `<h2 id="${sid}-h"><span class="badge status-${r.status}">${STATUS_TEXT[r.status]}</span> ${esc(r.name)}</h2>`,
    `<p class="meta">file <code>${esc(r.file)}</code> · lab <code>${esc(r.lab)}</code> · started ${esc(r.startedAt)}</p>`,
    `<p class="meta">${count('pass')} passed, ${count('fail')} failed${r.steps.some((s) => s.atRisk) ? ` (${r.steps.filter((s) => s.atRisk).length} at risk)` : ''}, ${count('error')} errors, ${count('skipped')} skipped · lab up ${secs(r.setupMs)}, steps ${secs(r.stepsMs)}, teardown ${secs(r.teardownMs)}, total ${secs(r.totalMs)}${r.kept ? ' · the lab was kept up (--keep)' : ''}</p>`,
  );
  if (r.error)
    out.push(`<div class="error" role="alert"><strong>${esc(r.error.code)}</strong>: ${esc(r.error.message)}${r.error.hint ? `<br>fix: ${esc(r.error.hint)}` : ''}</div>`);
  if (r.health)
    out.push(`<p class="meta health health-${r.health.verdict.replace(' ', '-')}" data-health="${esc(r.health.verdict)}">emulation health: ${esc(healthLine(r.health))}</p>`);
  if (picture) out.push(`<figure class="topology"><figcaption>Topology of lab ${esc(r.lab)}</figcaption>${inlineSvg(picture, `${sid}-`)}</figure>`);

  out.push(
    `<h3>Steps</h3><table class="steps"><caption class="meta">Steps of ${esc(r.name)}: expected vs measured</caption><thead><tr>` +
      '<th scope="col">#</th><th scope="col">step</th><th scope="col">kind</th><th scope="col">status</th><th scope="col">start</th><th scope="col">duration</th><th scope="col">checks (expected vs measured), message, files</th>' +
      '</tr></thead><tbody>',
  );
  for (const s of r.steps) out.push(stepRow(s, linksFor(s.artifacts ?? [])));
  out.push('</tbody></table>');

  const rtt = rttSeries(r.steps);
  const tput = throughputSeries(r.steps);
  const allX = [r.stepsMs, ...r.events.map((e) => e.atMs), ...rtt.flatMap((s) => s.points.map((p) => p.x)), ...r.steps.map((s) => iperf3OffsetMs(s) + Math.max(0, ...(s.series?.throughput ?? []).map((i) => i.endS * 1000)))];
  const xMaxMs = Math.max(...allX.filter((x) => Number.isFinite(x)), 1);
  // Steps whose health was at risk, shaded on every plot (a parallel group's own window covers its children).
  const risks = r.steps.filter((s) => s.health?.verdict === 'at risk' && s.status !== 'skipped').map((s) => ({ x0: s.startMs, x1: s.startMs + s.durationMs, what: `${s.id} ${s.name}: ${s.health!.reasons[0]}` }));
  // Rounds of the steps only (the sampler's last ones fall in the teardown, past the plots' time axis).
  const hs = (r.healthSeries ?? []).filter((p) => p.timerLateP95Ms !== null && p.atMs >= 0 && p.atMs <= xMaxMs);
  if (rtt.length || tput.length || hs.length) out.push('<h3>Plots</h3>');
  if (rtt.length) {
    const n = rtt.reduce((a, s) => a + s.points.length, 0);
    const lost = rtt.reduce((a, s) => a + s.points.filter((p) => p.y === null).length, 0);
    out.push(
      '<figure class="plot-figure">',
      `<figcaption>Round-trip time per ping reply (ms); × marks a lost probe</figcaption>`,
      plotSvg({ cls: 'plot-rtt', id: `${sid}-rtt`, title: `RTT per ping sample, ${r.name}`, desc: `${rtt.length} ping steps, ${n} probes, ${lost} lost; ${r.events.length} events marked`, yLabel: 'RTT (ms)', xMaxMs, series: rtt, events: r.events, risks }),
      legend(rtt),
      '</figure>',
    );
  }
  if (tput.length) {
    const n = tput.reduce((a, s) => a + s.points.length, 0);
    out.push(
      '<figure class="plot-figure">',
      `<figcaption>iperf3 throughput per interval (Mbit/s)</figcaption>`,
      plotSvg({ cls: 'plot-throughput', id: `${sid}-tput`, title: `iperf3 throughput per interval, ${r.name}`, desc: `${tput.length} iperf3 steps, ${n} intervals; ${r.events.length} events marked`, yLabel: 'throughput (Mbit/s)', xMaxMs, series: tput, events: r.events, risks }),
      legend(tput),
      '</figure>',
    );
  }
  if (hs.length) {
    const series: Series = {
      id: 'timer',
      label: 'timer lateness p95 per sample round',
      points: hs.map((p) => ({ x: p.atMs, y: p.timerLateP95Ms })),
      mark: (p, i, px, py, color) =>
        `<circle class="point" data-series="timer" data-x="${num(p.x)}" data-y="${num(p.y!)}" data-cpu-busy="${hs[i].cpuBusyPct ?? ''}" cx="${px}" cy="${py}" r="2" fill="${color}"><title>${esc(`at ${secs(p.x)}: timer late ${fix(p.y!, 3)} ms p95, CPU ${hs[i].cpuBusyPct ?? '?'}% busy`)}</title></circle>`,
      line: (pts, sx, sy) => [pts.map((p) => `${sx(p.x)},${sy(p.y!)}`).join(' ')],
    };
    out.push(
      '<figure class="plot-figure">',
      `<figcaption>Emulation health: how late a 10 ms timer fired (p95 per sample round, ms); shaded: steps at risk</figcaption>`,
      plotSvg({ cls: 'plot-health', id: `${sid}-health`, title: `Timer lateness, ${r.name}`, desc: `${hs.length} sample rounds; ${risks.length} steps at risk`, yLabel: 'timer late p95 (ms)', xMaxMs, series: [series], events: r.events, risks, threshold: { y: TIMER_LATE_P95_MS, label: `at risk above ${TIMER_LATE_P95_MS} ms` } }),
      '</figure>',
    );
  }
  if (r.events.length)
    out.push(
      '<h3>Events</h3><ol class="events">' + r.events.map((e) => `<li data-x="${num(e.atMs)}">at ${secs(e.atMs)}: ${esc(e.what)}</li>`).join('') + '</ol>',
    );
  const pcaps = r.steps.flatMap((s) => s.artifacts ?? []).filter((p, i, a) => a.indexOf(p) === i);
  if (pcaps.length) out.push('<h3>Captures</h3>' + linksFor(pcaps));
  out.push('</section>');
  return out.join('\n');
}

/** The whole report: one HTML document, every scenario in order; `pictures` maps a lab name to its SVG drawing. */
export function renderHtmlReport(results: ScenarioResult[], pictures: Record<string, string>, opts: HtmlReportOptions = {}): string {
  const overall = results.some((r) => r.status === 'error') ? 'error' : results.some((r) => r.status === 'fail') ? 'fail' : 'pass';
  const title = `nslab report: ${results.length ? STATUS_TEXT[overall].split(' ')[1].toUpperCase() : 'no scenarios'} (${results.length} scenario${results.length === 1 ? '' : 's'})`;
  const out: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No script may run in a report, whatever a step's output contains; styles are inline, nothing is fetched.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<meta name="generator" content="nslab">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(title)}</h1>${opts.generatedAt ? `<p class="meta">generated ${esc(opts.generatedAt)}</p>` : ''}</header>`,
  ];
  if (results.length > 1)
    out.push(
      '<nav aria-label="scenarios"><ul>' +
        results.map((r, i) => `<li><a href="#s${i + 1}">${esc(r.name)}</a> <span class="badge status-${r.status}">${STATUS_TEXT[r.status]}</span>${r.health?.verdict === 'at risk' ? ' <span class="badge status-atrisk">at risk</span>' : ''}</li>`).join('') +
        '</ul></nav>',
    );
  results.forEach((r, i) => out.push(scenarioSection(r, i, pictures[r.lab], opts)));
  out.push('</body>', '</html>');
  return out.join('\n') + '\n';
}
