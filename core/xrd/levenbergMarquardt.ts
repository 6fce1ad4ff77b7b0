/**
 * Bounded Levenberg–Marquardt on whitened residuals (data and model already divided by each
 * point's σ), for the peak fits.
 *
 * Why not ml-levenberg-marquardt, which the fits used before: it holds the Jacobian as an
 * ml-matrix Matrix (points × parameters, filled and read an element at a time through get/set)
 * and builds JᵀJ from it. Here each Jacobian row goes straight into JᵀJ and Jᵀr, and nothing of
 * the size of the data is allocated per iteration: a real 7600-point pattern (gredig_2Theta.asc)
 * is analysed in 1.3–2.2 s warm against 2.0–2.5 s (runs interleaved on this project's noisy
 * 2-core machine); what is left is mostly the model's own exponentials. The algorithm is the library's (v5.1), step for step, so
 * that the fits reach the same numbers, to the last bit on every pattern tried:
 *   - the step δ solves (JᵀJ + λI) δ = Jᵀr by Cholesky (Gauss–Jordan where that fails);
 *   - every step is taken, each parameter clamped to its bounds, and the best point seen kept;
 *   - λ is divided by 9 (to ≥ 1e-7) where the gain ratio (χ²_before − χ²_after) / δᵀ(λδ + Jᵀr)
 *     exceeds 1e-3, else multiplied by 11 (to ≤ 1e7);
 *   - it stops after `maxIterations` steps, or when χ² turns NaN (that step not counted).
 * The caller decides convergence (fit.ts runs it in bursts).
 *
 * Known and kept: a parameter at a bound is clamped after a step computed as if it were free, so
 * the others crawl towards their best values while it is held (a decay with its offset held
 * below the truth was 0.01 off after 200 steps). Holding such parameters out of the step
 * converged in 10 steps, but it changed the fits it reached: the sample's pristine 29.7° peak
 * (0.75° wide in truth) then widened to 1.73° and took the amorphous hump's area, at a lower χ²
 * (the hump, held at its least width of 4°, cannot take a 9°-wide hump on a ±5° window). That
 * was with a linear background beside the hump; the analysis now fits a quadratic one (see
 * FIT_BACKGROUND in analyze.ts), whose fits, run on to 1000 steps, reach the same peaks. This
 * rule was not tried again with it.
 */
import { invert } from './linalg.js';

export interface WhitenedProblem {
  /** The whitened data yᵢ/σᵢ, one per residual. */
  data: Float64Array;
  /** Writes the whitened model at parameters q into `out` (one value per residual). */
  model(q: Float64Array, out: Float64Array): void;
  /**
   * Returns, for parameters q, a function that writes ∂(model_i)/∂q into `row` for residual i.
   * (The values at q are prepared once, the rows asked for in order.)
   */
  jacobian(q: Float64Array): (i: number, row: Float64Array) => void;
}

export interface LevenbergMarquardtOptions {
  initial: ArrayLike<number>;
  min: ArrayLike<number>;
  max: ArrayLike<number>;
  /** Starting λ (default 1e-2). */
  damping?: number;
  maxIterations: number;
}

export interface LevenbergMarquardtResult {
  /** The parameters of the lowest χ² met (the start where no step lowered it). */
  parameters: Float64Array;
  chi2: number;
  iterations: number;
}

const DAMPING_STEP_UP = 11;
const DAMPING_STEP_DOWN = 9;
const IMPROVEMENT_THRESHOLD = 1e-3;

export function levenbergMarquardt(problem: WhitenedProblem, opts: LevenbergMarquardtOptions): LevenbergMarquardtResult {
  const n = problem.data.length;
  const p = opts.initial.length;
  const y = problem.data;
  const q = Float64Array.from(opts.initial);
  const model = new Float64Array(n);
  const row = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  const gradient = new Float64Array(p);
  const step = new Float64Array(p);
  const lower = new Float64Array(p * p);
  let damping = opts.damping ?? 1e-2;
  let chi2 = chi2At(problem, q, model);
  let best = q.slice();
  let bestChi2 = chi2;
  let iteration = 0;
  // χ² of exactly 0 is the only convergence the library knew (its errorTolerance was 0).
  for (; iteration < opts.maxIterations && !(chi2 <= 0); iteration++) {
    const before = chi2;
    // The residuals at q are those of the χ² just computed (`model` holds its values).
    hessian.fill(0);
    gradient.fill(0);
    const rowAt = problem.jacobian(q);
    for (let i = 0; i < n; i++) {
      rowAt(i, row);
      const residual = y[i] - model[i];
      // The library's Jacobian is that of the residuals, −∂model/∂q: JᵀJ is the same from ∂model
      // (the products of two entries are exact either way), and its Jᵀr, kept here as it was,
      // is −∂modelᵀr (so the step is subtracted from q).
      for (let a = 0; a < p; a++) {
        const ra = row[a];
        gradient[a] += -ra * residual;
        for (let b = a; b < p; b++) hessian[a * p + b] += ra * row[b];
      }
    }
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < a; b++) hessian[a * p + b] = hessian[b * p + a];
      hessian[a * p + a] += damping;
    }
    if (!solveSymmetric(hessian, gradient, step, lower, p)) break;
    for (let k = 0; k < p; k++) q[k] = Math.min(Math.max(opts.min[k], q[k] - step[k]), opts.max[k]);
    chi2 = chi2At(problem, q, model);
    if (Number.isNaN(chi2)) break;
    if (chi2 < bestChi2) {
      bestChi2 = chi2;
      best = q.slice();
    }
    let predicted = 0;
    for (let k = 0; k < p; k++) predicted += step[k] * (step[k] * damping + gradient[k]);
    damping = (before - chi2) / predicted > IMPROVEMENT_THRESHOLD ? Math.max(damping / DAMPING_STEP_DOWN, 1e-7) : Math.min(damping * DAMPING_STEP_UP, 1e7);
  }
  return { parameters: best, chi2: bestChi2, iterations: iteration };
}

/** Σ (yᵢ − modelᵢ)² at q, the model's values left in `model`. */
function chi2At(problem: WhitenedProblem, q: Float64Array, model: Float64Array): number {
  problem.model(q, model);
  let sum = 0;
  for (let i = 0; i < model.length; i++) sum += (problem.data[i] - model[i]) ** 2;
  return sum;
}

/**
 * Solves A x = b for a symmetric A (p × p, row-major) into x: Cholesky (A = LLᵀ, L in `lower`)
 * where A is positive definite, else Gauss–Jordan on A. False where A is singular.
 */
function solveSymmetric(a: Float64Array, b: Float64Array, x: Float64Array, lower: Float64Array, p: number): boolean {
  lower.fill(0);
  let positiveDefinite = true;
  for (let j = 0; j < p; j++) {
    let d = 0;
    for (let k = 0; k < j; k++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += lower[k * p + i] * lower[j * p + i];
      s = (a[j * p + k] - s) / lower[k * p + k];
      lower[j * p + k] = s;
      d = d + s * s;
    }
    d = a[j * p + j] - d;
    positiveDefinite &&= d > 0;
    lower[j * p + j] = Math.sqrt(Math.max(d, 0));
  }
  if (positiveDefinite) {
    x.set(b);
    for (let k = 0; k < p; k++) {
      for (let i = 0; i < k; i++) x[k] = x[k] - x[i] * lower[k * p + i];
      x[k] = x[k] / lower[k * p + k];
    }
    for (let k = p - 1; k >= 0; k--) {
      for (let i = k + 1; i < p; i++) x[k] = x[k] - x[i] * lower[i * p + k];
      x[k] = x[k] / lower[k * p + k];
    }
    return true;
  }
  const inverse = invert(Array.from({ length: p }, (_, r) => Array.from(a.subarray(r * p, (r + 1) * p))));
  if (!inverse) return false;
  for (let r = 0; r < p; r++) {
    let s = 0;
    for (let k = 0; k < p; k++) s += inverse[r][k] * b[k];
    x[r] = s;
  }
  return true;
}
