import { levenbergMarquardt } from 'ml-levenberg-marquardt';
import { medianStepDeg } from './background.js';
import { invert } from './linalg.js';
import { gaussian, lorentzian, pseudoVoigtPeakValue } from './profile.js';
import type { PeakShape } from './profile.js';

export type BackgroundTerms = 'none' | 'constant' | 'linear' | 'quadratic';

export interface PeakGuess {
  centerDeg: number;
  fwhmDeg: number;
  /** Either a height (net intensity at the centre) or an area. */
  height?: number;
  area?: number;
  eta?: number;
}

export interface FitOptions {
  /**
   * Polynomial background fitted with the peaks, in (2θ − window centre). Default quadratic: it
   * takes up what a clipped background leaves under a peak sitting on a curved hump.
   */
  background?: BackgroundTerms;
  /** Per-point variance of y (counts: the raw counts). Default: unweighted, σ from the residual. */
  variance?: ArrayLike<number>;
  /** Half-width of the fitted window beyond the outermost peaks, in FWHMs (default 3). */
  windowFwhm?: number;
  /** Points excluded from the fit (masks): true = excluded. */
  masked?: ArrayLike<boolean>;
  maxIterations?: number;
}

export interface FittedPeak extends PeakShape {
  /** One-standard-deviation uncertainties (see fitPeakGroup for how they are computed). */
  sigma: { centerDeg: number; fwhmDeg: number; area: number; eta: number };
}

export interface PeakGroupFit {
  peaks: FittedPeak[];
  /** Background polynomial coefficients c0 + c1·t + c2·t², t = 2θ − `originDeg`. */
  background: number[];
  originDeg: number;
  rangeDeg: [number, number];
  points: number;
  /** Σ((y − model)²/σ²) / (n − p); with unit weights, the residual variance. */
  chi2Reduced: number;
  iterations: number;
}

const BG_TERMS: Record<BackgroundTerms, number> = { none: 0, constant: 1, linear: 2, quadratic: 3 };
const PER_PEAK = 4;

/** Model value and analytic gradient for parameters [c, w, A, η]×peaks + background. */
function evaluate(params: number[], nPeaks: number, nBg: number, origin: number, x: number, grad?: number[]): number {
  let y = 0;
  for (let k = 0; k < nPeaks; k++) {
    const c = params[PER_PEAK * k];
    const w = params[PER_PEAK * k + 1];
    const a = params[PER_PEAK * k + 2];
    const eta = params[PER_PEAK * k + 3];
    const g = gaussian(x, c, w);
    const l = lorentzian(x, c, w);
    const pv = eta * l + (1 - eta) * g;
    y += a * pv;
    if (grad) {
      const u = (x - c) / w;
      const q = 1 + 4 * u * u;
      const dgdc = g * ((8 * Math.LN2 * u) / w);
      const dldc = l * ((8 * u) / w / q);
      const dgdw = (g / w) * (8 * Math.LN2 * u * u - 1);
      const dldw = (l / w) * ((4 * u * u - 1) / q);
      grad[PER_PEAK * k] = a * (eta * dldc + (1 - eta) * dgdc);
      grad[PER_PEAK * k + 1] = a * (eta * dldw + (1 - eta) * dgdw);
      grad[PER_PEAK * k + 2] = pv;
      grad[PER_PEAK * k + 3] = a * (l - g);
    }
  }
  const t = x - origin;
  let tp = 1;
  for (let j = 0; j < nBg; j++) {
    const i = PER_PEAK * nPeaks + j;
    y += params[i] * tp;
    if (grad) grad[i] = tp;
    tp *= t;
  }
  return y;
}

/**
 * Fits one group of (possibly overlapping) pseudo-Voigt peaks plus a polynomial background
 * on the window around them, with ml-levenberg-marquardt and an analytic Jacobian.
 *
 * Uncertainties: at the optimum the weighted Jacobian J (rows ∂modelᵢ/∂p / σᵢ) gives the
 * covariance C = (JᵀJ)⁻¹ · χ²ᵣ, with χ²ᵣ = Σ rᵢ²/σᵢ² / (n − p). Scaling by χ²ᵣ (as fityk and
 * GSAS-II report) makes the errors honest when the model or the weights are imperfect; with
 * correct Poisson weights χ²ᵣ ≈ 1 and the scaling changes little. σ = √diag(C).
 */
export function fitPeakGroup(twoThetaDeg: ArrayLike<number>, y: ArrayLike<number>, guesses: readonly PeakGuess[], opts: FitOptions = {}): PeakGroupFit | null {
  if (guesses.length === 0) return null;
  const step = medianStepDeg(twoThetaDeg);
  const k = opts.windowFwhm ?? 3;
  const lo = Math.min(...guesses.map((g) => g.centerDeg - k * g.fwhmDeg));
  const hi = Math.max(...guesses.map((g) => g.centerDeg + k * g.fwhmDeg));
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const x = twoThetaDeg[i];
    if (x < lo || x > hi || opts.masked?.[i]) continue;
    xs.push(x);
    ys.push(y[i]);
    ws.push(opts.variance ? 1 / Math.sqrt(Math.max(opts.variance[i], 1)) : 1);
  }
  const nBg = BG_TERMS[opts.background ?? 'quadratic'];
  const p = PER_PEAK * guesses.length + nBg;
  if (xs.length <= p + 2) return null;
  const origin = 0.5 * (lo + hi);
  const init: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  const yMax = Math.max(...ys.map(Math.abs), 1e-12);
  for (const g of guesses) {
    const eta = g.eta ?? 0.5;
    const area = g.area ?? Math.max(g.height ?? 0, 1e-9) / pseudoVoigtPeakValue(g.fwhmDeg, eta);
    init.push(g.centerDeg, g.fwhmDeg, area, eta);
    min.push(g.centerDeg - Math.max(g.fwhmDeg, 2 * step), Math.max(step / 2, g.fwhmDeg / 10), 0, 0);
    max.push(g.centerDeg + Math.max(g.fwhmDeg, 2 * step), Math.min(hi - lo, g.fwhmDeg * 6), 10 * yMax * (hi - lo) + 10 * area, 1);
  }
  for (let j = 0; j < nBg; j++) {
    init.push(0);
    min.push(-1e3 * yMax);
    max.push(1e3 * yMax);
  }
  const nPeaks = guesses.length;
  // Weighted least squares by whitening: the library sees point indices, data yᵢ/σᵢ and model
  // mᵢ/σᵢ with unit weights. (Its own `weights` option is applied inconsistently between the
  // step and the error in v5, so it is not used.)
  const index = xs.map((_, i) => i);
  const white = ys.map((v, i) => v * ws[i]);
  const result = levenbergMarquardt(
    { x: index, y: white },
    (params) => (i) => evaluate(params, nPeaks, nBg, origin, xs[i]) * ws[i],
    {
      initialValues: init,
      minValues: min,
      maxValues: max,
      damping: 1e-2,
      maxIterations: opts.maxIterations ?? 200,
      errorTolerance: 1e-10,
      jacobianFunction: (params) => (i) => {
        const g = new Array<number>(p).fill(0);
        evaluate(params, nPeaks, nBg, origin, xs[i], g);
        return g.map((v) => v * ws[i]);
      },
    },
  );
  const best = result.parameterValues;
  // Covariance from the weighted Jacobian at the optimum.
  const jtj = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const grad = new Array<number>(p).fill(0);
  let chi2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const model = evaluate(best, nPeaks, nBg, origin, xs[i], grad);
    const w = ws[i];
    chi2 += ((ys[i] - model) * w) ** 2;
    for (let a = 0; a < p; a++) for (let b = a; b < p; b++) jtj[a][b] += grad[a] * grad[b] * w * w;
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) jtj[a][b] = jtj[b][a];
  const dof = Math.max(1, xs.length - p);
  const chi2Reduced = chi2 / dof;
  const inv = invert(jtj);
  const sd = (i: number): number => (inv ? Math.sqrt(Math.max(inv[i][i], 0) * chi2Reduced) : Number.NaN);
  const peaks: FittedPeak[] = guesses.map((_, k) => ({
    centerDeg: best[PER_PEAK * k],
    fwhmDeg: best[PER_PEAK * k + 1],
    area: best[PER_PEAK * k + 2],
    eta: best[PER_PEAK * k + 3],
    sigma: { centerDeg: sd(PER_PEAK * k), fwhmDeg: sd(PER_PEAK * k + 1), area: sd(PER_PEAK * k + 2), eta: sd(PER_PEAK * k + 3) },
  }));
  return {
    peaks,
    background: best.slice(PER_PEAK * nPeaks),
    originDeg: origin,
    rangeDeg: [lo, hi],
    points: xs.length,
    chi2Reduced,
    iterations: result.iterations,
  };
}

/**
 * Fits every candidate: candidates whose windows overlap (centres closer than 2·(w₁ + w₂)) are
 * fitted together as one group, so overlapping reflections share the data between them.
 */
export function fitPeaks(twoThetaDeg: ArrayLike<number>, y: ArrayLike<number>, guesses: readonly PeakGuess[], opts: FitOptions = {}): PeakGroupFit[] {
  const sorted = [...guesses].sort((a, b) => a.centerDeg - b.centerDeg);
  const groups: PeakGuess[][] = [];
  for (const g of sorted) {
    const last = groups[groups.length - 1];
    const prev = last?.[last.length - 1];
    if (prev && g.centerDeg - prev.centerDeg < 2 * (g.fwhmDeg + prev.fwhmDeg)) last.push(g);
    else groups.push([g]);
  }
  return groups.map((g) => fitPeakGroup(twoThetaDeg, y, g, opts)).filter((f): f is PeakGroupFit => f !== null);
}
