// Small statistics for a noisy 2-core machine: medians (not means), the spread of the repetitions, a least-squares
// line, and a scaling verdict that looks at the marginal cost of each step rather than the average cost.

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** (max - min) / median: how far apart the repetitions were, as a fraction of the median. */
export function spread(xs: number[]): number {
  if (xs.length < 2) return 0;
  return (Math.max(...xs) - Math.min(...xs)) / median(xs);
}

/** Least squares t = interceptMs + slopeMsPerNode·n, with R². */
export function linearFit(xs: number[], ys: number[]): { interceptMs: number; slopeMsPerNode: number; r2: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  const slope = sxx ? sxy / sxx : 0;
  return { interceptMs: my - slope * mx, slopeMsPerNode: slope, r2: syy ? (sxy * sxy) / (sxx * syy) : 1 };
}

export interface Scaling {
  nodes: number[];
  totalMs: number[];
  fit: { interceptMs: number; slopeMsPerNode: number; r2: number };
  /** Average cost per node (t/n) at the largest size divided by that at the smallest: below 1 when a fixed cost dominates small labs. */
  perNodeCostRatio: number;
  /** Δt/Δn between consecutive sizes: constant for linear growth, rising for quadratic growth. */
  marginalMsPerNode: number[];
  /** Marginal cost of the last step over that of the first: ~1 linear; a quadratic term makes it grow with the size ratio. */
  marginalRatio: number;
  /** Local exponent of each step, log(Δ(t-intercept))/log(Δn) against the fitted intercept: 1 linear, 2 quadratic. */
  exponents: number[];
  /** Steps whose marginal cost exceeds 1.5× the smallest marginal cost seen before them. */
  superlinearSteps: string[];
}

export function scalingOf(nodes: number[], totalMs: number[]): Scaling {
  const fit = linearFit(nodes, totalMs);
  const marginal: number[] = [];
  const exponents: number[] = [];
  const flagged: string[] = [];
  for (let i = 1; i < nodes.length; i++) {
    const m = (totalMs[i] - totalMs[i - 1]) / (nodes[i] - nodes[i - 1]);
    marginal.push(m);
    const a = Math.max(1e-9, totalMs[i - 1] - fit.interceptMs);
    const b = Math.max(1e-9, totalMs[i] - fit.interceptMs);
    exponents.push(Math.log(b / a) / Math.log(nodes[i] / nodes[i - 1]));
    const best = Math.min(...marginal.slice(0, -1).filter((x) => x > 0));
    // The first step (10→50 nodes) is dominated by fixed cost and noise; judge from the second step on.
    if (i >= 2 && Number.isFinite(best) && m > 1.5 * best) flagged.push(`${nodes[i - 1]}→${nodes[i]}: ${m.toFixed(2)} ms/node vs ${best.toFixed(2)} earlier`);
  }
  return {
    nodes,
    totalMs,
    fit,
    perNodeCostRatio: totalMs[totalMs.length - 1] / nodes[nodes.length - 1] / (totalMs[0] / nodes[0]),
    marginalMsPerNode: marginal,
    marginalRatio: marginal.length ? marginal[marginal.length - 1] / marginal[0] : NaN,
    exponents,
    superlinearSteps: flagged,
  };
}
