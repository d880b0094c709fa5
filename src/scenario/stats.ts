// Statistics for checks on random processes: is an observed loss count what a configured loss probability
// would produce? Pure numeric code, no I/O.
//
// Interval choice: Clopper-Pearson ("exact"), not Wilson. The point of these checks is that a correctly
// configured 10%-loss link must not make a scenario flaky, so the property we need is guaranteed coverage:
// Clopper-Pearson's coverage is >= the nominal level for every n and p, so a correct link fails a 99% check
// at most 1% of the time. Wilson's coverage oscillates around the nominal level and dips below it for some
// (n, p) pairs (Brown, Cai & DasGupta 2001, "Interval Estimation for a Binomial Proportion"), i.e. it would fail
// correct links slightly more often than promised. The price is a slightly wider interval (less power to catch
// a wrongly configured link), which is the right trade for a test harness. The values match R's binom.test and
// scipy's binomtest(...).proportion_ci(method='exact').

import { NslabError } from '../model/index.js';

/** ln Γ(x) for x > 0 (Lanczos, g=7, n=9; ~15 significant digits). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  // The continued fraction converges fast only for x < (a+1)/(a+b+2); use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Quantile of Beta(a, b) by bisection: I_x(a,b) is monotone in x, and 100 halvings reach double precision. */
function betaQuantile(q: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (regularizedIncompleteBeta(mid, a, b) < q) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface BinomialInterval {
  /** Lower bound of the interval, in percent (0..100). */
  lowPct: number;
  /** Upper bound of the interval, in percent (0..100). */
  highPct: number;
  confidence: number;
  method: 'clopper-pearson';
}

function checkCounts(trials: number, successes: number, confidence: number): void {
  const bad = (what: string): never => {
    throw new NslabError('E_STATS_INPUT', what, {
      hint: 'pass whole packet counts: 0 <= lost <= sent, sent > 0, and a confidence strictly between 0 and 1 (e.g. 0.99)',
    });
  };
  if (!Number.isInteger(trials) || trials <= 0) bad(`trials must be a positive whole number, got ${trials}`);
  if (!Number.isInteger(successes) || successes < 0 || successes > trials)
    bad(`count must be a whole number between 0 and ${trials}, got ${successes}`);
  if (!(confidence > 0 && confidence < 1)) bad(`confidence must be between 0 and 1, got ${confidence}`);
}

/**
 * Two-sided Clopper-Pearson interval for a binomial proportion: `successes` events in `trials` trials.
 * Bounds are the Beta quantiles B(α/2; k, n-k+1) and B(1-α/2; k+1, n-k); at k=0 / k=n the open side is 0% / 100%.
 */
export function binomialInterval(opts: { trials: number; successes: number; confidence?: number }): BinomialInterval {
  const confidence = opts.confidence ?? 0.99;
  const { trials: n, successes: k } = opts;
  checkCounts(n, k, confidence);
  const alpha = 1 - confidence;
  const low = k === 0 ? 0 : betaQuantile(alpha / 2, k, n - k + 1);
  const high = k === n ? 1 : betaQuantile(1 - alpha / 2, k + 1, n - k);
  return { lowPct: low * 100, highPct: high * 100, confidence, method: 'clopper-pearson' };
}

export interface LossConsistency extends BinomialInterval {
  consistent: boolean;
  sent: number;
  lost: number;
  observedPct: number;
  expectedPct: number;
}

/**
 * Is `lost` out of `sent` what a process dropping each packet independently with probability `expectedPct`
 * would plausibly produce? True when `expectedPct` lies inside the Clopper-Pearson interval of the observation,
 * so a correctly configured link fails this check with probability at most 1 - confidence (1% at 0.99).
 *
 * Caveats the caller owns: with few packets the interval is wide (5 pings, 0 lost: 0%..65% at 99%), so the check
 * proves little; and the probability must be the one the measured packets face — a ping crosses a link twice,
 * so 10% netem loss on both directions is 1 - 0.9² = 19% round-trip loss.
 */
export function lossConsistent(opts: { sent: number; lost: number; expectedPct: number; confidence?: number }): LossConsistency {
  const { sent, lost, expectedPct } = opts;
  if (!(expectedPct >= 0 && expectedPct <= 100)) {
    throw new NslabError('E_STATS_INPUT', `expected loss must be a percentage between 0 and 100, got ${expectedPct}`, {
      hint: "write the loss probability as a percentage, e.g. '~10%'",
    });
  }
  const ci = binomialInterval({ trials: sent, successes: lost, confidence: opts.confidence });
  // The bisection leaves ~1e-15 of slack; without it an exact 0% or 100% process could sit a hair outside.
  const eps = 1e-9;
  return {
    ...ci,
    consistent: expectedPct >= ci.lowPct - eps && expectedPct <= ci.highPct + eps,
    sent,
    lost,
    observedPct: (lost * 100) / sent,
    expectedPct,
  };
}
