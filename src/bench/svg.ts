// A hand-rolled log-log line chart (no dependency): on log-log axes linear growth is a line of slope 1 and
// quadratic growth a line of slope 2, so dashed guides of both slopes make "no quadratic step" visible at a glance.

export interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  points: { x: number; y: number }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) out.push(v);
    }
  return out;
}

export function lineChartSvg(title: string, xLabel: string, yLabel: string, series: Series[]): string {
  const W = 760;
  const H = 480;
  const L = 70;
  const R = 190;
  const T = 40;
  const B = 50;
  const pts = series.flatMap((s) => s.points).filter((p) => p.x > 0 && p.y > 0);
  const x0 = Math.min(...pts.map((p) => p.x)) / 1.2;
  const x1 = Math.max(...pts.map((p) => p.x)) * 1.2;
  const y0 = Math.min(...pts.map((p) => p.y)) / 1.5;
  const y1 = Math.max(...pts.map((p) => p.y)) * 1.5;
  const sx = (x: number) => L + ((Math.log(x) - Math.log(x0)) / (Math.log(x1) - Math.log(x0))) * (W - L - R);
  const sy = (y: number) => H - B - ((Math.log(y) - Math.log(y0)) / (Math.log(y1) - Math.log(y0))) * (H - T - B);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${L}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (const v of decades(x0, x1))
    out.push(`<line x1="${sx(v).toFixed(1)}" y1="${T}" x2="${sx(v).toFixed(1)}" y2="${H - B}" stroke="#eee"/><text x="${sx(v).toFixed(1)}" y="${H - B + 16}" text-anchor="middle">${v}</text>`);
  for (const v of decades(y0, y1))
    out.push(`<line x1="${L}" y1="${sy(v).toFixed(1)}" x2="${W - R}" y2="${sy(v).toFixed(1)}" stroke="#eee"/><text x="${L - 6}" y="${(sy(v) + 4).toFixed(1)}" text-anchor="end">${v >= 1000 ? `${v / 1000} s` : `${v} ms`}</text>`);
  out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  // Slope guides anchored at the lowest point of the chart: parallel to one of them means linear (1) or quadratic (2).
  out.push(`<clipPath id="plot"><rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}"/></clipPath>`);
  const gx = x0 * 1.2;
  const gy = Math.min(...pts.map((p) => p.y));
  for (const [k, label] of [[1, 'slope 1 (linear)'], [2, 'slope 2 (quadratic)']] as const) {
    const xe = x1;
    const ye = gy * (xe / gx) ** k;
    out.push(`<line clip-path="url(#plot)" x1="${sx(gx).toFixed(1)}" y1="${sy(gy).toFixed(1)}" x2="${sx(xe).toFixed(1)}" y2="${sy(ye).toFixed(1)}" stroke="#bbb" stroke-dasharray="2 4"/>`);
    void label;
  }
  series.forEach((s, i) => {
    const p = s.points.filter((q) => q.x > 0 && q.y > 0).sort((a, b) => a.x - b.x);
    if (!p.length) return;
    const d = p.map((q, j) => `${j ? 'L' : 'M'}${sx(q.x).toFixed(1)},${sy(q.y).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const q of p) out.push(`<circle cx="${sx(q.x).toFixed(1)}" cy="${sy(q.y).toFixed(1)}" r="3" fill="${s.color}"><title>${esc(`${s.label}: ${q.x} nodes, ${q.y.toFixed(0)} ms`)}</title></circle>`);
    const ly = T + 14 + i * 20;
    out.push(`<line x1="${W - R + 12}" y1="${ly - 4}" x2="${W - R + 36}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/><text x="${W - R + 42}" y="${ly}">${esc(s.label)}</text>`);
  });
  const gyL = T + 14 + series.length * 20 + 10;
  out.push(`<line x1="${W - R + 12}" y1="${gyL - 4}" x2="${W - R + 36}" y2="${gyL - 4}" stroke="#bbb" stroke-dasharray="2 4"/><text x="${W - R + 42}" y="${gyL}">slopes 1 and 2</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
