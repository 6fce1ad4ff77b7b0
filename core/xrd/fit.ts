import { medianStepDeg } from './background.js';
import { kAlpha2PositionDeg } from './kalpha2.js';
import { levenbergMarquardt } from './levenbergMarquardt.js';
import type { WhitenedProblem } from './levenbergMarquardt.js';
import { addNormalSums, invert, solveNormalSums } from './linalg.js';
import { gaussian, gaussianAtU, lorentzianAtQ, pseudoVoigt, pseudoVoigtPeakValue } from './profile.js';
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
  /** Per-point variance of y (counts: the raw counts, at least 1; other intensities: their noise's). Default: unweighted, σ from the residual. */
  variance?: ArrayLike<number>;
  /** Half-width of the fitted window beyond the outermost peaks, in FWHMs (default 3). */
  windowFwhm?: number;
  /** Points excluded from the fit (masks): true = excluded. */
  masked?: ArrayLike<boolean>;
  maxIterations?: number;
  /** Half-width of the window beyond the outermost peaks, deg (overrides `windowFwhm`). */
  windowDeg?: number;
  /** Explicit fit window, deg (overrides both). */
  rangeDeg?: [number, number];
  /** Fix η of every peak at this value (free when undefined). */
  fixEta?: number;
  /** Upper bound of a peak's FWHM, deg (default min(window, 6 × guess)). */
  maxFwhmDeg?: number;
  /** A broad Gaussian hump in the background, FWHM bounded to [minFwhmDeg, maxFwhmDeg]. */
  hump?: { minFwhmDeg: number; maxFwhmDeg?: number };
  /** Put the Kα2 companion of every peak into the model (same shape, area × ratio, at λ2's angle). */
  kAlpha2?: { ratio: number; alpha1A: number; alpha2A: number };
  /** Stop when a burst of iterations lowers χ² by less than this fraction (default 1e-6). */
  chi2Tolerance?: number;
}

export interface FittedPeak extends PeakShape {
  /** One-standard-deviation uncertainties (see fitPeakGroup for how they are computed). */
  sigma: { centerDeg: number; fwhmDeg: number; area: number; eta: number };
}

export interface PeakGroupFit {
  peaks: FittedPeak[];
  /** Background polynomial coefficients c0 + c1·t + c2·t², t = 2θ − `originDeg`. */
  background: number[];
  /** The hump term, when fitted (Gaussian, area in counts·deg). */
  hump?: { centerDeg: number; fwhmDeg: number; area: number };
  originDeg: number;
  rangeDeg: [number, number];
  points: number;
  /** Σ((y − model)²/σ²) / (n − p); with unit weights, the residual variance. */
  chi2Reduced: number;
  /** The free parameters p (peaks, background, hump; a fixed η not counted): for comparing fits. */
  freeParameters: number;
  iterations: number;
}

const BG_TERMS: Record<BackgroundTerms, number> = { none: 0, constant: 1, linear: 2, quadratic: 3 };
const PER_PEAK = 4;
const HUMP_TERMS = 3;

export interface ModelLayout {
  nPeaks: number;
  nBg: number;
  hump: boolean;
  origin: number;
  /** Kα2 companion of every peak: ratio and λ2/λ1 (null: none). */
  alpha2: { ratio: number; alpha1A: number; alpha2A: number } | null;
}

/**
 * The model is computed in two steps: its value at x, which leaves the shapes of every term
 * there (u, 1 + 4u², the Gaussian and the Lorentzian: an exp and four divisions a term) in an
 * array, and its gradient from those shapes. levenbergMarquardt.ts asks for the Jacobian at
 * exactly the parameters whose model it has just computed, so the fit keeps every point's shapes
 * from the model's pass and makes the Jacobian's rows from them (fitGroupOnce): ~10 % of a
 * pattern's analysis, the same numbers (the same expressions, in the same order).
 */
const TERM_SHAPES = 4;

/** Values kept a point: each term's shapes (each peak, then its Kα2 companion), then the hump's g and u. */
export function shapesPerPoint(layout: ModelLayout): number {
  return TERM_SHAPES * layout.nPeaks * (layout.alpha2 ? 2 : 1) + 2;
}

/** One pseudo-Voigt of area a at centre c, × scale; its u, q, g and l written to `shapes` at `o`. */
function pvTerm(x: number, c: number, w: number, a: number, eta: number, scale: number, shapes: Float64Array, o: number): number {
  // u and 1 + 4u² computed once for both shapes and the gradient (the fit evaluates this ~10⁵
  // times a pattern): the same numbers as gaussian() and lorentzian().
  const u = (x - c) / w;
  const q = 1 + 4 * u * u;
  const g = gaussianAtU(u, w);
  const l = lorentzianAtQ(q, w);
  shapes[o] = u;
  shapes[o + 1] = q;
  shapes[o + 2] = g;
  shapes[o + 3] = l;
  const pv = eta * l + (1 - eta) * g;
  return scale * a * pv;
}

/** Adds the gradient of a pvTerm (its shapes at `o`) to grad[at …]; `dcdc`: ∂(its centre)/∂(the peak's). */
function pvTermGradient(w: number, a: number, eta: number, scale: number, dcdc: number, shapes: Float64Array, o: number, grad: number[], at: number): void {
  const u = shapes[o];
  const q = shapes[o + 1];
  const g = shapes[o + 2];
  const l = shapes[o + 3];
  const pv = eta * l + (1 - eta) * g;
  const dgdc = g * ((8 * Math.LN2 * u) / w);
  const dldc = l * ((8 * u) / w / q);
  const dgdw = (g / w) * (8 * Math.LN2 * u * u - 1);
  const dldw = (l / w) * ((4 * u * u - 1) / q);
  grad[at] += scale * a * (eta * dldc + (1 - eta) * dgdc) * dcdc;
  grad[at + 1] += scale * a * (eta * dldw + (1 - eta) * dgdw);
  grad[at + 2] += scale * pv;
  grad[at + 3] += scale * a * (l - g);
}

/**
 * Model value for the full parameter vector: [c, w, A, η]×peaks, the background polynomial,
 * and (optionally) a Gaussian hump [centre, FWHM, area]; the shapes of its terms written to
 * `shapes` from `o` (see modelGradient). `a2` holds, per peak, the Kα2 position and its
 * derivative with respect to the Kα1 centre.
 */
export function modelValue(params: number[], layout: ModelLayout, a2: Array<[number, number]> | null, x: number, shapes: Float64Array, o: number): number {
  const { nPeaks, nBg, origin } = layout;
  let y = 0;
  let term = o;
  for (let k = 0; k < nPeaks; k++) {
    const at = PER_PEAK * k;
    const w = params[at + 1];
    const a = params[at + 2];
    const eta = params[at + 3];
    y += pvTerm(x, params[at], w, a, eta, 1, shapes, term);
    term += TERM_SHAPES;
    if (a2 && layout.alpha2) {
      y += pvTerm(x, a2[k][0], w, a, eta, layout.alpha2.ratio, shapes, term);
      term += TERM_SHAPES;
    }
  }
  const t = x - origin;
  let tp = 1;
  for (let j = 0; j < nBg; j++) {
    y += params[PER_PEAK * nPeaks + j] * tp;
    tp *= t;
  }
  if (layout.hump) {
    const i = PER_PEAK * nPeaks + nBg;
    const u = (x - params[i]) / params[i + 1];
    const g = gaussianAtU(u, params[i + 1]);
    shapes[term] = g;
    shapes[term + 1] = u;
    y += params[i + 2] * g;
  }
  return y;
}

/** The model's analytic gradient at x, from the shapes modelValue left at `o`, into `grad`. */
export function modelGradient(params: number[], layout: ModelLayout, a2: Array<[number, number]> | null, x: number, shapes: Float64Array, o: number, grad: number[]): void {
  const { nPeaks, nBg, origin } = layout;
  grad.fill(0);
  let term = o;
  for (let k = 0; k < nPeaks; k++) {
    const at = PER_PEAK * k;
    const w = params[at + 1];
    const a = params[at + 2];
    const eta = params[at + 3];
    pvTermGradient(w, a, eta, 1, 1, shapes, term, grad, at);
    term += TERM_SHAPES;
    if (a2 && layout.alpha2) {
      pvTermGradient(w, a, eta, layout.alpha2.ratio, a2[k][1], shapes, term, grad, at);
      term += TERM_SHAPES;
    }
  }
  const t = x - origin;
  let tp = 1;
  for (let j = 0; j < nBg; j++) {
    grad[PER_PEAK * nPeaks + j] = tp;
    tp *= t;
  }
  if (layout.hump) {
    const i = PER_PEAK * nPeaks + nBg;
    const w = params[i + 1];
    const a = params[i + 2];
    const g = shapes[term];
    const u = shapes[term + 1];
    grad[i] = a * g * ((8 * Math.LN2 * u) / w);
    grad[i + 1] = ((a * g) / w) * (8 * Math.LN2 * u * u - 1);
    grad[i + 2] = g;
  }
}

/** Shapes of one point, for evaluate (grown as needed; the fits run one at a time in a thread). */
let pointShapes = new Float64Array(64);

/** The model's value at x, and its gradient into `grad` when given. */
function evaluate(params: number[], layout: ModelLayout, a2: Array<[number, number]> | null, x: number, grad?: number[]): number {
  const size = shapesPerPoint(layout);
  if (pointShapes.length < size) pointShapes = new Float64Array(size);
  const y = modelValue(params, layout, a2, x, pointShapes, 0);
  if (grad) modelGradient(params, layout, a2, x, pointShapes, 0, grad);
  return y;
}

function alpha2Positions(params: number[], layout: ModelLayout): Array<[number, number]> | null {
  const k2 = layout.alpha2;
  if (!k2) return null;
  return Array.from({ length: layout.nPeaks }, (_, k) => {
    const c = params[PER_PEAK * k];
    const c2 = kAlpha2PositionDeg(c, k2.alpha1A, k2.alpha2A);
    const d = (kAlpha2PositionDeg(c + 1e-4, k2.alpha1A, k2.alpha2A) - kAlpha2PositionDeg(c - 1e-4, k2.alpha1A, k2.alpha2A)) / 2e-4;
    return [c2, d];
  });
}

/**
 * A fitted group's model at the angles `twoThetaDeg`: the whole of it (peaks, their Kα2 where
 * fitted, background, hump) and its background alone (polynomial and hump), in the fit's units.
 * `kAlpha2`: as the fit was given it.
 */
export function groupCurve(fit: PeakGroupFit, kAlpha2: FitOptions['kAlpha2'] | undefined, twoThetaDeg: readonly number[]): { model: number[]; background: number[] } {
  const layout: ModelLayout = { nPeaks: fit.peaks.length, nBg: fit.background.length, hump: fit.hump !== undefined, origin: fit.originDeg, alpha2: kAlpha2 ?? null };
  const hump = fit.hump ? [fit.hump.centerDeg, fit.hump.fwhmDeg, fit.hump.area] : [];
  const params = [...fit.peaks.flatMap((p) => [p.centerDeg, p.fwhmDeg, p.area, p.eta]), ...fit.background, ...hump];
  // The background is the model with every peak's area at 0.
  const withoutPeaks = params.map((v, i) => (i < PER_PEAK * layout.nPeaks && i % PER_PEAK === 2 ? 0 : v));
  const a2 = alpha2Positions(params, layout);
  const shapes = new Float64Array(shapesPerPoint(layout));
  return {
    model: twoThetaDeg.map((x) => modelValue(params, layout, a2, x, shapes, 0)),
    background: twoThetaDeg.map((x) => modelValue(withoutPeaks, layout, a2, x, shapes, 0)),
  };
}

/**
 * Fits one group of (possibly overlapping) pseudo-Voigt peaks plus a polynomial background
 * on the window around them, by Levenberg–Marquardt (levenbergMarquardt.ts) with an analytic Jacobian.
 * Optionally: a broad Gaussian hump term (width bounded from below, so it can take up an
 * amorphous hump under a weak peak but not the peak itself), the Kα2 companion of every peak
 * in the model (fit raw, unstripped data), and η fixed (weak peaks cannot tell a Lorentzian
 * from a Gaussian wing; a free η then trades with the width).
 *
 * Uncertainties: at the optimum the weighted Jacobian J (rows ∂modelᵢ/∂p / σᵢ, over the free
 * parameters only) gives the covariance C = (JᵀJ)⁻¹ · χ²ᵣ, with χ²ᵣ = Σ rᵢ²/σᵢ² / (n − p).
 * Scaling by χ²ᵣ (as fityk and GSAS-II report) makes the errors honest when the model or the
 * weights are imperfect; with correct Poisson weights χ²ᵣ ≈ 1 and the scaling changes little.
 * σ = √diag(C); a fixed parameter has σ = 0, one held at a bound NaN (not known).
 *
 * Convergence: the optimiser runs a given number of steps (it keeps the library's rules, which
 * stopped only at χ² = 0, and noisy data never get there). The fit therefore runs in short bursts and
 * stops when a burst lowers χ² by less than `chi2Tolerance` (default 1e-6 relative, + 1e-3: far below the Δχ² = 1 of one standard deviation).
 */
export function fitPeakGroup(twoThetaDeg: ArrayLike<number>, y: ArrayLike<number>, guesses: readonly PeakGuess[], opts: FitOptions = {}): PeakGroupFit | null {
  // Fitted on intensities over their largest value (variances over its square), so that the
  // fit's absolute floors and bound tolerances (1e-9 of an area, of a bound) mean the same in
  // any unit; the linear parameters are scaled back.
  const scale = intensityScale(y, opts.masked);
  const unitless: FitOptions = { ...opts, variance: opts.variance && Float64Array.from(opts.variance, (v) => v / (scale * scale)) };
  const unitlessGuesses = guesses.map((g) => ({ ...g, height: g.height !== undefined ? g.height / scale : undefined, area: g.area !== undefined ? g.area / scale : undefined }));
  const fit = refinedFit(twoThetaDeg, Float64Array.from(y, (v) => v / scale), unitlessGuesses, unitless);
  return fit && scaleGroupFit(fit, scale);
}

/** Largest |intensity| of the points a fit may use (1 where all are 0). */
function intensityScale(y: ArrayLike<number>, masked: ArrayLike<boolean> | undefined): number {
  let max = 0;
  for (let i = 0; i < y.length; i++) if (!masked?.[i] && Number.isFinite(y[i])) max = Math.max(max, Math.abs(y[i]));
  return max > 0 ? max : 1;
}

/** fitGroupOnce, refitted where a centre ended at its bound. */
function refinedFit(twoThetaDeg: ArrayLike<number>, y: ArrayLike<number>, guesses: readonly PeakGuess[], opts: FitOptions): PeakGroupFit | null {
  let fit = fitGroupOnce(twoThetaDeg, y, guesses, opts);
  // A centre held at its bound (the guess ± one FWHM) lies beyond where the search put it:
  // refit from where it went, the bounds moving with it, at most twice. (On a real pattern a
  // ramp-shaped artefact left three peaks pinned, their σ unknown.) One still pinned keeps σ NaN.
  // The refit is kept only where it fits no worse and leaves no more σ unknown (from the same
  // start a refit can wander into a degenerate optimum where no σ is defined).
  const knownSigmas = (f: PeakGroupFit): number => f.peaks.reduce((n, p) => n + (Number.isFinite(p.sigma.centerDeg) ? 1 : 0) + (Number.isFinite(p.sigma.area) ? 1 : 0), 0);
  for (let round = 0; fit && round < 2 && fit.peaks.some((p) => Number.isNaN(p.sigma.centerDeg)); round++) {
    const refit = fitGroupOnce(twoThetaDeg, y, fit.peaks.map((p) => ({ centerDeg: p.centerDeg, fwhmDeg: p.fwhmDeg, area: p.area, eta: p.eta })), opts);
    if (!refit || refit.chi2Reduced > fit.chi2Reduced * (1 + 1e-9) || knownSigmas(refit) <= knownSigmas(fit)) break;
    fit = refit;
  }
  return fit;
}

/** A fit made on intensities / scale (effective counts) in the intensities' units: areas, background and hump times the scale. */
export function scaleGroupFit(f: PeakGroupFit, scale: number): PeakGroupFit {
  if (scale === 1) return f;
  return {
    ...f,
    peaks: f.peaks.map((p) => ({ ...p, area: p.area * scale, sigma: { ...p.sigma, area: p.sigma.area * scale } })),
    background: f.background.map((c) => c * scale),
    hump: f.hump && { ...f.hump, area: f.hump.area * scale },
  };
}

function fitGroupOnce(twoThetaDeg: ArrayLike<number>, y: ArrayLike<number>, guesses: readonly PeakGuess[], opts: FitOptions = {}): PeakGroupFit | null {
  if (guesses.length === 0) return null;
  const step = medianStepDeg(twoThetaDeg);
  const k = opts.windowFwhm ?? 3;
  const lo = opts.rangeDeg ? opts.rangeDeg[0] : Math.min(...guesses.map((g) => g.centerDeg - (opts.windowDeg ?? k * g.fwhmDeg)));
  const hi = opts.rangeDeg ? opts.rangeDeg[1] : Math.max(...guesses.map((g) => g.centerDeg + (opts.windowDeg ?? k * g.fwhmDeg)));
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < y.length; i++) {
    const x = twoThetaDeg[i];
    if (x < lo || x > hi || opts.masked?.[i]) continue;
    xs.push(x);
    ys.push(y[i]);
    // A variance of 0 (or none) would weigh one point infinitely: it takes the window's smallest positive one.
    ws.push(opts.variance ? opts.variance[i] : 1);
  }
  const floor = Math.min(...ws.filter((v) => v > 0 && Number.isFinite(v)));
  for (let i = 0; i < ws.length; i++) ws[i] = 1 / Math.sqrt(ws[i] > 0 && Number.isFinite(ws[i]) ? ws[i] : Number.isFinite(floor) ? floor : 1);
  const nBg = BG_TERMS[opts.background ?? 'quadratic'];
  const nPeaks = guesses.length;
  const layout: ModelLayout = { nPeaks, nBg, hump: opts.hump !== undefined, origin: 0.5 * (lo + hi), alpha2: opts.kAlpha2 ?? null };
  const pFull = PER_PEAK * nPeaks + nBg + (layout.hump ? HUMP_TERMS : 0);
  const fixedEta = opts.fixEta;
  const free: number[] = [];
  for (let i = 0; i < pFull; i++) if (!(fixedEta !== undefined && i < PER_PEAK * nPeaks && i % PER_PEAK === 3)) free.push(i);
  const p = free.length;
  if (xs.length <= p + 2) return null;
  const origin = layout.origin;
  const full: number[] = [];
  const min: number[] = [];
  const max: number[] = [];
  const yMax = Math.max(...ys.map(Math.abs), 1e-12);
  for (const g of guesses) {
    const eta = fixedEta ?? g.eta ?? 0.5;
    const area = g.area ?? Math.max(g.height ?? 0, 1e-9) / pseudoVoigtPeakValue(g.fwhmDeg, eta);
    full.push(g.centerDeg, g.fwhmDeg, area, eta);
    // An explicit cap holds whatever the guess (a merged pair's guess is wider than either
    // half: let past the cap, a peak came out wider than the analysis takes a peak to be, and
    // was dropped for it).
    const maxW = opts.maxFwhmDeg ?? Math.max(Math.min(hi - lo, g.fwhmDeg * 6), g.fwhmDeg);
    min.push(g.centerDeg - Math.max(g.fwhmDeg, 2 * step), Math.min(Math.max(step / 2, g.fwhmDeg / 10), maxW / 2), 0, 0);
    max.push(g.centerDeg + Math.max(g.fwhmDeg, 2 * step), maxW, 10 * yMax * (hi - lo) + 10 * area, 1);
  }
  for (let j = 0; j < nBg; j++) {
    full.push(0);
    min.push(-1e3 * yMax);
    max.push(1e3 * yMax);
  }
  if (layout.hump && opts.hump) {
    const hMin = opts.hump.minFwhmDeg;
    const hMax = opts.hump.maxFwhmDeg ?? Math.max(4 * hMin, 20);
    full.push(origin, 2 * hMin, 0);
    // The hump's centre within two of its least widths of the window: beyond, a narrow hump
    // leaves nothing inside it (e^-11 of its height at 3 widths), and a fit that ran it out there
    // had dropped the hump for a 1.7°-wide "peak" (the sample's LiFePO₄ at 29.7°, 0.75° wide).
    min.push(lo - 2 * hMin, hMin, -1e3 * yMax * hMax);
    max.push(hi + 2 * hMin, hMax, 1e3 * yMax * hMax);
    initialiseLinear(full, layout, xs, ys, ws, hMin, hMax, [lo, hi]);
  } else if (nBg > 0) {
    initialiseLinear(full, layout, xs, ys, ws, 0, 0, [lo, hi]);
  }
  for (let i = 0; i < pFull; i++) full[i] = Math.min(max[i], Math.max(min[i], full[i]));
  const expand = (q: number[]): number[] => {
    const v = full.slice();
    free.forEach((fi, j) => (v[fi] = q[j]));
    return v;
  };
  // Weighted least squares by whitening: the optimiser sees data yᵢ/σᵢ and model mᵢ/σᵢ.
  const white = Float64Array.from(ys, (v, i) => v * ws[i]);
  const gradFull = new Array<number>(pFull).fill(0);
  const chi2Of = (params: number[]): number => {
    const a2 = alpha2Positions(params, layout);
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += ((ys[i] - evaluate(params, layout, a2, xs[i])) * ws[i]) ** 2;
    return s;
  };
  let current = free.map((fi) => full[fi]);
  let chi2Now = chi2Of(expand(current));
  const maxIterations = opts.maxIterations ?? 200;
  const burst = 10;
  const relTol = opts.chi2Tolerance ?? 1e-6;
  // The optimiser damps with λ·I, in whatever units the parameters have: an area in counts·deg
  // and a centre in degrees were damped alike, so the fit's path (and which optimum it reached)
  // depended on the intensities' unit. It sees each parameter in units of 1/‖its whitened
  // Jacobian column‖ at the start (Marquardt's scaling, as MINPACK's), which makes λ relative.
  const unit = parameterUnits(full, layout, free, xs, ws, gradFull);
  const toScaled = (v: number[]): number[] => v.map((value, j) => value / unit[j]);
  const fromScaled = (q: ArrayLike<number>): number[] => Array.from(q, (value, j) => value * unit[j]);
  // Every point's shapes of the model last computed, and the (scaled) parameters it was computed
  // at: the Jacobian at those same parameters is made from them (see TERM_SHAPES).
  const stride = shapesPerPoint(layout);
  const shapes = new Float64Array(xs.length * stride);
  let shapesAt: Float64Array | null = null;
  const problem: WhitenedProblem = {
    data: white,
    model: (q, out) => {
      const params = expand(fromScaled(q));
      const a2 = alpha2Positions(params, layout);
      for (let i = 0; i < xs.length; i++) out[i] = modelValue(params, layout, a2, xs[i], shapes, i * stride) * ws[i];
      shapesAt = Float64Array.from(q);
    },
    jacobian: (q) => {
      const params = expand(fromScaled(q));
      const a2 = alpha2Positions(params, layout);
      // Made from the kept shapes where they are of these parameters (always, as the optimiser
      // asks), else computed afresh.
      const at = shapesAt;
      const same = at !== null && at.length === q.length && at.every((v, j) => Object.is(v, q[j]));
      return (i, row) => {
        if (same) modelGradient(params, layout, a2, xs[i], shapes, i * stride, gradFull);
        else evaluate(params, layout, a2, xs[i], gradFull);
        for (let j = 0; j < p; j++) row[j] = gradFull[free[j]] * ws[i] * unit[j];
      };
    },
  };
  const scaledMin = toScaled(free.map((fi) => min[fi]));
  const scaledMax = toScaled(free.map((fi) => max[fi]));
  let iterations = 0;
  while (iterations < maxIterations) {
    const result = levenbergMarquardt(problem, {
      initial: toScaled(current),
      min: scaledMin,
      max: scaledMax,
      damping: 1e-2,
      maxIterations: Math.min(burst, maxIterations - iterations),
    });
    iterations += result.iterations;
    const reached = fromScaled(result.parameters);
    const chi2Next = chi2Of(expand(reached));
    const improved = chi2Next < chi2Now;
    if (improved) current = reached;
    const gain = chi2Now - chi2Next;
    if (improved) chi2Now = chi2Next;
    if (!improved || gain <= relTol * chi2Now + 1e-3) break;
  }
  const best = expand(current);
  // Covariance from the weighted Jacobian at the optimum, over the free parameters that are not
  // held by a bound (an active bound acts as a fixed value). When that matrix is singular (a
  // hump term with no area has no defined centre or width), the hump is treated as fixed too.
  const hStart = PER_PEAK * nPeaks + nBg;
  const atBound = (i: number): boolean => best[i] <= min[i] + 1e-9 * Math.max(1, Math.abs(min[i])) || best[i] >= max[i] - 1e-9 * Math.max(1, Math.abs(max[i]));
  const a2Best = alpha2Positions(best, layout);
  const rows: number[][] = [];
  let chi2 = 0;
  for (let i = 0; i < xs.length; i++) {
    const model = evaluate(best, layout, a2Best, xs[i], gradFull);
    chi2 += ((ys[i] - model) * ws[i]) ** 2;
    rows.push(gradFull.map((g) => g * ws[i]));
  }
  const dof = Math.max(1, xs.length - p);
  const chi2Reduced = chi2 / dof;
  const covariance = (use: number[]): number[][] | null => {
    const jtj = use.map((a) => use.map((b) => rows.reduce((sum, r) => sum + r[a] * r[b], 0)));
    return invert(jtj);
  };
  // Peak areas stay in even at their bound of 0 (a vanished peak still has an uncertainty).
  const isPeakArea = (i: number): boolean => i < PER_PEAK * nPeaks && i % PER_PEAK === 2;
  // A peak gone to no area has no centre, width or shape to speak of: those columns are zero,
  // and left in they made the whole group's matrix singular (every σ unknown, every peak of the
  // group dropped: a vanished context peak cost a test pattern its strong 20.77° peak).
  const vanished = (i: number): boolean => i < PER_PEAK * nPeaks && !isPeakArea(i) && atBound(PER_PEAK * Math.floor(i / PER_PEAK) + 2);
  let used = free.filter((i) => isPeakArea(i) || (!atBound(i) && !vanished(i)));
  let inv = covariance(used);
  if (!inv && layout.hump) {
    used = used.filter((i) => i < hStart);
    inv = covariance(used);
  }
  const sd = (i: number): number => {
    if (!free.includes(i)) return 0;
    const j = used.indexOf(i);
    // Held at a bound: the fit went as far as it was let, so its σ is not known (0 claimed it exact).
    if (j < 0) return Number.NaN;
    return inv ? Math.sqrt(Math.max(inv[j][j], 0) * chi2Reduced) : Number.NaN;
  };
  const peaks: FittedPeak[] = guesses.map((_, k) => ({
    centerDeg: best[PER_PEAK * k],
    fwhmDeg: best[PER_PEAK * k + 1],
    area: best[PER_PEAK * k + 2],
    eta: best[PER_PEAK * k + 3],
    sigma: { centerDeg: sd(PER_PEAK * k), fwhmDeg: sd(PER_PEAK * k + 1), area: sd(PER_PEAK * k + 2), eta: sd(PER_PEAK * k + 3) },
  }));
  const h = PER_PEAK * nPeaks + nBg;
  return {
    peaks,
    background: best.slice(PER_PEAK * nPeaks, h),
    hump: layout.hump ? { centerDeg: best[h], fwhmDeg: best[h + 1], area: best[h + 2] } : undefined,
    originDeg: origin,
    rangeDeg: [lo, hi],
    points: xs.length,
    chi2Reduced,
    freeParameters: p,
    iterations,
  };
}

/**
 * Each free parameter's unit for the optimiser: 1/‖∂(model/σ)/∂p‖ over the window at the start,
 * so that a unit step of every parameter moves the whitened model alike. A column that vanishes
 * (a peak of no area has no centre to speak of) takes the largest norm's unit.
 */
function parameterUnits(full: number[], layout: ModelLayout, free: number[], xs: number[], ws: number[], grad: number[]): number[] {
  const a2 = alpha2Positions(full, layout);
  const norms = free.map(() => 0);
  for (let i = 0; i < xs.length; i++) {
    evaluate(full, layout, a2, xs[i], grad);
    free.forEach((fi, j) => (norms[j] += (grad[fi] * ws[i]) ** 2));
  }
  const largest = Math.sqrt(Math.max(...norms));
  return norms.map((n) => {
    const norm = Math.sqrt(n);
    return norm > 1e-9 * largest && norm > 0 ? 1 / norm : largest > 0 ? 1 / largest : 1;
  });
}

/**
 * Starting values of the linear parameters (peak areas, background polynomial, hump area) by
 * weighted linear least squares with the peaks' centres and widths at their guesses; with a hump
 * term, its centre and width are chosen on a coarse grid by the best χ².
 */
function initialiseLinear(full: number[], layout: ModelLayout, xs: number[], ys: number[], ws: number[], hMin: number, hMax: number, [lo, hi]: [number, number]): void {
  const { nPeaks, nBg, origin } = layout;
  const a2 = alpha2Positions(full, layout);
  const peakCols = xs.map((x) =>
    Array.from({ length: nPeaks }, (_, k) => {
      const at = PER_PEAK * k;
      const c = full[at];
      const w = full[at + 1];
      const eta = full[at + 3];
      return pseudoVoigt(x, c, w, eta) + (a2 && layout.alpha2 ? layout.alpha2.ratio * pseudoVoigt(x, a2[k][0], w, eta) : 0);
    }),
  );
  const weights = ws.map((w) => w * w);
  const humpGrid: Array<[number, number] | null> = [];
  if (layout.hump) {
    for (let hw = hMin * 1.25; hw <= hMax; hw *= 1.6) for (let hc = lo - 2 * hMin; hc <= hi + 2 * hMin + 1e-9; hc += hMin) humpGrid.push([hc, hw]);
  } else humpGrid.push(null);
  // The design's rows: the peaks' and the background's columns, the same at every point of the
  // hump grid, and the hump's column last (rewritten for each). Their normal sums are summed
  // once; each grid point adds only the hump column's (~22 points a fit).
  const fixedColumns = nPeaks + nBg;
  const design = xs.map((x, i) => {
    const row = [...peakCols[i]];
    let tp = 1;
    for (let j = 0; j < nBg; j++) {
      row.push(tp);
      tp *= x - origin;
    }
    if (layout.hump) row.push(0);
    return row;
  });
  const columns = fixedColumns + (layout.hump ? 1 : 0);
  // The fixed columns' block of the sums (its first rows, summed over the first columns), zeros for the hump's.
  const fixedAta = Array.from({ length: columns }, () => new Array<number>(columns).fill(0));
  const fixedAty = new Array<number>(columns).fill(0);
  addNormalSums(design, ys, weights, fixedAta.slice(0, fixedColumns), fixedAty);
  let bestChi2 = Infinity;
  for (const hg of humpGrid) {
    if (hg) for (let i = 0; i < xs.length; i++) design[i][fixedColumns] = gaussian(xs[i], hg[0], hg[1]);
    const ata = fixedAta.map((row) => row.slice());
    const aty = fixedAty.slice();
    if (hg) addNormalSums(design, ys, weights, ata, aty, fixedColumns);
    const coef = solveNormalSums(ata, aty);
    if (!coef) continue;
    let chi2 = 0;
    for (let i = 0; i < xs.length; i++) chi2 += weights[i] * (ys[i] - design[i].reduce((s, v, j) => s + v * coef[j], 0)) ** 2;
    if (chi2 >= bestChi2) continue;
    bestChi2 = chi2;
    for (let k = 0; k < nPeaks; k++) full[PER_PEAK * k + 2] = Math.max(coef[k], 1e-9);
    for (let j = 0; j < nBg; j++) full[PER_PEAK * nPeaks + j] = coef[nPeaks + j];
    if (hg) {
      const h = PER_PEAK * nPeaks + nBg;
      full[h] = hg[0];
      full[h + 1] = hg[1];
      full[h + 2] = coef[nPeaks + nBg];
    }
  }
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
