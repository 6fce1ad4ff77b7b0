import { invert } from './linalg.js';
import { medianSpacing } from '../util/spacing.js';

/** Grid step (deg) of a roughly even 2θ axis: the median spacing, robust to a few gaps. */
export function medianStepDeg(twoThetaDeg: ArrayLike<number>): number {
  return medianSpacing(twoThetaDeg) || 1;
}

export interface SnipOptions {
  /** Half-width of the clipping window, deg: features narrower than about this are removed. */
  halfWidthDeg: number;
  /**
   * Log-log-square-root transform before clipping (Morháč et al. 1997): flattens the huge dynamic
   * range of diffraction data so the clip follows the baseline under strong peaks. Default true.
   */
  lls?: boolean;
}

const lls = (v: number): number => Math.log(Math.log(Math.sqrt(Math.max(v, 0) + 1) + 1) + 1);
const llsInverse = (w: number): number => {
  const a = Math.exp(Math.exp(w) - 1) - 1;
  return a * a - 1;
};

/**
 * SNIP background (Statistics-sensitive Non-linear Iterative Peak-clipping; Ryan et al. 1988,
 * Morháč et al. 1997), as in PyMca and fityk's baseline tools: for window p from the largest
 * down to 1 point, every value is replaced by the smaller of itself and the mean of its
 * neighbours ±p. The decreasing order gives a smoother baseline than increasing windows.
 * Ends keep their values where the window would run off the data.
 */
export function snipBackground(twoThetaDeg: ArrayLike<number>, intensity: ArrayLike<number>, opts: SnipOptions): Float64Array {
  const n = intensity.length;
  const useLls = opts.lls ?? true;
  let v = Float64Array.from(intensity, (y) => (useLls ? lls(y) : y));
  const m = Math.max(1, Math.round(opts.halfWidthDeg / medianStepDeg(twoThetaDeg)));
  let next = new Float64Array(n);
  for (let p = Math.min(m, Math.floor((n - 1) / 2)); p >= 1; p--) {
    for (let i = 0; i < n; i++) {
      if (i < p || i + p >= n) {
        next[i] = v[i];
        continue;
      }
      const mean = 0.5 * (v[i - p] + v[i + p]);
      next[i] = mean < v[i] ? mean : v[i];
    }
    [v, next] = [next, v];
  }
  return useLls ? Float64Array.from(v, llsInverse) : v;
}

export interface PolynomialBackgroundOptions {
  /** Polynomial degree, default 4. */
  degree?: number;
  maxIterations?: number;
  /** Stop when the largest change of the fit, relative to the median level, is below this (default 1e-5). */
  tolerance?: number;
}

/**
 * Iterative (modified) polynomial baseline (Lieber & Mahadevan-Jansen 2003): fit a polynomial,
 * replace every point above the fit by the fit, refit, until it stops moving. Peaks are
 * pushed out iteration by iteration; the result lies under the data. The abscissa is mapped
 * to [−1, 1] so higher degrees stay well conditioned.
 */
export function polynomialBackground(twoThetaDeg: ArrayLike<number>, intensity: ArrayLike<number>, opts: PolynomialBackgroundOptions = {}): Float64Array {
  const n = intensity.length;
  const degree = opts.degree ?? 4;
  const x0 = twoThetaDeg[0];
  const x1 = twoThetaDeg[n - 1];
  const p = degree + 1;
  // Row i of the design matrix at design[i·p …]: the powers of t, the abscissa mapped to [−1, 1].
  const design = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const t = x1 === x0 ? 0 : (2 * (twoThetaDeg[i] - x0)) / (x1 - x0) - 1;
    design[i * p] = 1;
    for (let d = 1; d <= degree; d++) design[i * p + d] = design[i * p + d - 1] * t;
  }
  const work = Float64Array.from(intensity);
  const fit = new Float64Array(n);
  // Convergence relative to the typical level (median), not the strongest peak.
  const sorted = Array.from(intensity, Math.abs).sort((a, b) => a - b);
  const scale = Math.max(sorted[Math.floor(n / 2)], 1e-12);
  // The design never changes between iterations, only the clipped data do: invert AᵀA once and
  // each iteration costs one pass, which fits, clips and sums Aᵀy of the clipped data for the
  // next (the same sums in the same order as a pass of their own; the fit runs hundreds of times:
  // ~20 → ~12 ms for 300 rounds over a sample pattern).
  const ata: number[][] = [];
  for (let j = 0; j < p; j++) {
    const row: number[] = [];
    for (let k = 0; k < p; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += design[i * p + j] * design[i * p + k];
      row.push(sum);
    }
    ata.push(row);
  }
  const inverse = invert(ata);
  if (!inverse) return fit;
  const inv = Float64Array.from(inverse.flat());
  let aty = new Float64Array(p);
  let nextAty = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let k = 0; k < p; k++) aty[k] += design[i * p + k] * work[i];
  const coef = new Float64Array(p);
  const maxIterations = opts.maxIterations ?? 1000;
  const tolerance = opts.tolerance ?? 1e-5;
  for (let it = 0; it < maxIterations; it++) {
    for (let j = 0; j < p; j++) {
      let sum = 0;
      for (let k = 0; k < p; k++) sum += inv[j * p + k] * aty[k];
      coef[j] = sum;
    }
    const change = p === 3 ? clipPassQuadratic(design, coef, fit, work, scale, nextAty) : clipPass(design, p, coef, fit, work, scale, nextAty);
    [aty, nextAty] = [nextAty, aty];
    if (it > 0 && change < tolerance) break;
  }
  return fit;
}

/**
 * One round of polynomialBackground over every point: the fit at the coefficients, the data
 * clipped to it, and Aᵀy of the clipped data summed into `nextAty` (overwritten). Returns the
 * largest change of the fit, relative to `scale`.
 */
export function clipPass(design: Float64Array, p: number, coef: Float64Array, fit: Float64Array, work: Float64Array, scale: number, nextAty: Float64Array): number {
  const n = fit.length;
  nextAty.fill(0);
  let change = 0;
  for (let i = 0; i < n; i++) {
    const row = i * p;
    let f = 0;
    for (let k = 0; k < p; k++) f += design[row + k] * coef[k];
    change = Math.max(change, Math.abs(f - fit[i]) / scale);
    fit[i] = f;
    if (work[i] > f) work[i] = f;
    const clipped = work[i];
    for (let k = 0; k < p; k++) nextAty[k] += design[row + k] * clipped;
  }
  return change;
}

/**
 * clipPass for a quadratic (three terms), its loops over the terms written out and the sums
 * kept in locals: the same operations in the same order, so the same numbers to the bit, at
 * about a third of the time (the amorphous baseline runs 300 rounds a pattern; V8 left the
 * three-term loops rolled, with a load and store of each sum per point).
 */
export function clipPassQuadratic(design: Float64Array, coef: Float64Array, fit: Float64Array, work: Float64Array, scale: number, nextAty: Float64Array): number {
  const n = fit.length;
  const c0 = coef[0];
  const c1 = coef[1];
  const c2 = coef[2];
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let change = 0;
  for (let i = 0, row = 0; i < n; i++, row += 3) {
    const d0 = design[row];
    const d1 = design[row + 1];
    const d2 = design[row + 2];
    let f = 0;
    f += d0 * c0;
    f += d1 * c1;
    f += d2 * c2;
    change = Math.max(change, Math.abs(f - fit[i]) / scale);
    fit[i] = f;
    const clipped = work[i] > f ? f : work[i];
    work[i] = clipped;
    s0 += d0 * clipped;
    s1 += d1 * clipped;
    s2 += d2 * clipped;
  }
  nextAty[0] = s0;
  nextAty[1] = s1;
  nextAty[2] = s2;
  return change;
}

/**
 * Rolling-ball baseline with a flat ball: a morphological opening (running minimum, then running
 * maximum, each over ±halfWidth) followed by a running mean over the same window, as in the
 * morphological baselines of Perez-Pueyo et al. (2010). Unlike SNIP, whose repeated clipping
 * erodes every concave stretch, an opening leaves humps wider than the window almost intact —
 * which is what separating sharp peaks from an amorphous hump needs. Smooth noisy data first:
 * the running minimum follows the bottom of the noise.
 */
export function rollingBallBackground(twoThetaDeg: ArrayLike<number>, intensity: ArrayLike<number>, opts: { halfWidthDeg: number }): Float64Array {
  const n = intensity.length;
  const m = Math.max(1, Math.round(opts.halfWidthDeg / medianStepDeg(twoThetaDeg)));
  const opened = windowExtremes(windowExtremes(intensity, m, Math.min), m, Math.max);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, i - m); j <= Math.min(n - 1, i + m); j++) {
      s += opened[j];
      c++;
    }
    out[i] = Math.min(s / c, intensity[i]);
  }
  return out;
}

/**
 * pick (Math.min or Math.max) over src[i − m … i + m], clipped to the data, for every i: van
 * Herk and Gil-Werman's running extreme, three picks a point whatever m, where picking over each
 * window took 2m + 1 (the rolling ball's windows are ~150 points wide). Math.min and Math.max
 * give the same value in any order (NaN if any value is NaN; −0 below +0), so this equals the
 * window-by-window pick exactly.
 */
export function windowExtremes(src: ArrayLike<number>, m: number, pick: (a: number, b: number) => number): Float64Array {
  const n = src.length;
  const w = 2 * m + 1;
  // Blocks of w points; fromStart[j]: pick over the block's start … j, toEnd[j]: j … the block's end.
  const fromStart = new Float64Array(n);
  const toEnd = new Float64Array(n);
  for (let start = 0; start < n; start += w) {
    const end = Math.min(start + w, n) - 1;
    fromStart[start] = src[start];
    for (let j = start + 1; j <= end; j++) fromStart[j] = pick(fromStart[j - 1], src[j]);
    toEnd[end] = src[end];
    for (let j = end - 1; j >= start; j--) toEnd[j] = pick(toEnd[j + 1], src[j]);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const a = Math.max(0, i - m);
    const b = Math.min(n - 1, i + m);
    // A window of at most w points lies in one block or two. In one, it starts the block (the
    // left edge) or ends it (the right edge, or the last block's end).
    if (Math.floor(a / w) !== Math.floor(b / w)) out[i] = pick(toEnd[a], fromStart[b]);
    else out[i] = a % w === 0 ? fromStart[b] : toEnd[a];
  }
  return out;
}
