/**
 * Detector dead-time (Poisson) correction, DOMAIN.md §2.
 *
 * A ToF-SIMS detector records at most one ion of a species per primary pulse, so the observed
 * count I out of N pulses is the number of pulses that freed at least one ion. For a Poisson
 * mean λ per pulse, E[I] = N(1 − e^{−λ}), whence the usual estimate of the true count
 * `−N·ln(1 − I/N)`. That plug-in estimate is biased upwards (Jensen: the logarithm is convex
 * and I scatters): by 1.1 % of the true count at λ = 0.2, 1.8 % at λ = 1 and 3.6 % at λ = 2 for
 * N = 50, the pixel-scans of a stack. Layers whose Li comes near saturation were overstated
 * against the others: the charged sample study's SEI/SE share by 1.6 percentage points.
 *
 * Strata uses its unbiased form instead, `I_true = N·(H_N − H_{N−I}) = N·Σ_{j<I} 1/(N − j)`
 * (H the harmonic numbers): for I ~ Binomial(N, p), E[Σ_{j<I} 1/(N − j)] = Σ_{k≤N} p^k/k, which
 * is −ln(1 − p) = λ but for the tail Σ_{k>N} p^k/k, negligible until pixels saturate (−0.09 % at
 * λ = 2, N = 50). Far from saturation the two agree: both are I + I²/2N + … . Values that are
 * not whole numbers keep the logarithm (see correctedValue). Values an instrument already
 * corrected were corrected its own way (the logarithm): sigmaOfCorrected inverts that.
 *
 * Saturated points (I ≥ N) have no finite estimate under the logarithm. They are flagged in a
 * mask and counted, never silently clipped to the raw value. The value they receive is the
 * logarithm's correction of `I = N − ½` (i.e. `N·ln(2N)`, above every corrected I < N): a
 * documented *lower bound*; their σ is set equal to that value (100 % relative), so
 * that any sum containing them visibly carries a large uncertainty.
 *
 * Uncertainty: the observed count is binomial, N pulses each freeing at least one ion with
 * probability p = 1 − e^{−λ} (the model above), so Var I = I(1 − I/N), not the Poisson I; through
 * the correction's derivative dI_true/dI = 1 / (1 − I/N), Var I_true = I / (1 − I/N). (Taking
 * I as Poisson overstated σ by 1/√(1 − I/N): 1.6× for a pixel at I/N = 0.6; it showed as a
 * counting CV of a Li map above the CV measured over the map.) Far from saturation both are √I.
 */

export interface DeadTimeResult {
  /** Corrected counts. */
  counts: Float64Array;
  /** Poisson σ of the corrected counts. */
  sigma: Float64Array;
  /** 1 where the input was saturated (I ≥ N); those values are lower bounds. */
  saturated: Uint8Array;
  saturatedCount: number;
}

/**
 * Variance of the corrected count of an observed count I < N of N shots: I / (1 − I/N) (see the
 * module comment). Every corrected path (per pixel, tables, kernels) takes its variance from here.
 */
export function correctedVariance(observed: number, shots: number): number {
  return observed / (1 - observed / shots);
}

const EULER_GAMMA = 0.5772156649015329;

/**
 * The harmonic number H(x) = Σ_{k=1..x} 1/k, for any real x ≥ 0 (ψ(x + 1) + γ): lifted by
 * H(x) = H(x + 1) − 1/(x + 1) to x ≥ 16, where the asymptotic series is exact to ~1e−15.
 */
export function harmonicNumber(x: number): number {
  let below = 0;
  let y = x;
  while (y < 16) {
    y += 1;
    below += 1 / y;
  }
  const inv2 = 1 / (y * y);
  return Math.log(y) + EULER_GAMMA + 1 / (2 * y) - inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 / 240))) - below;
}

/**
 * Corrected value of an observed count 0 ≤ I < N of N shots: N·(H_N − H_{N−I}) for a whole
 * count (see the module comment). A value that is not a whole number is no binomial count (an
 * average, an interpolation, a noise-free model): the logarithm, which inverts the mean
 * N(1 − e^{−λ}) exactly, is taken for it.
 */
export function correctedValue(observed: number, shots: number): number {
  if (!(observed > 0)) return 0;
  return Number.isInteger(observed) ? shots * (harmonicNumber(shots) - harmonicNumber(shots - observed)) : -shots * Math.log1p(-observed / shots);
}

/** Corrected value assigned to a saturated point of N shots (see module comment). */
export function saturatedValue(shots: number): number {
  return shots * Math.log(2 * shots);
}

/**
 * Corrects one count against N shots. Returns the corrected value, its σ and whether the
 * point was saturated. `counts < 0` (should not happen) is treated as 0.
 */
export function correctCount(observed: number, shots: number): { value: number; sigma: number; saturated: boolean } {
  const i = observed > 0 ? observed : 0;
  if (i >= shots) {
    const v = saturatedValue(shots);
    return { value: v, sigma: v, saturated: true };
  }
  const value = correctedValue(i, shots);
  return { value, sigma: Math.sqrt(correctedVariance(i, shots)), saturated: false };
}

/**
 * Element-wise correction of a series (a per-pixel plane, or a profile summed over pixels).
 * `shots` is N: shots per pixel per scan for a plane; for a summed profile, pass
 * N × pixel count — an approximation (exact only when every pixel has the same rate; with
 * lateral inhomogeneity it under-corrects, by Jensen's inequality). Prefer the per-pixel
 * correction from a stack where one exists.
 */
export function correctDeadTime(observed: ArrayLike<number>, shots: number): DeadTimeResult {
  if (!(shots > 0) || !Number.isFinite(shots)) throw new RangeError(`dead-time correction: shots must be a positive number, got ${shots}`);
  const n = observed.length;
  const counts = new Float64Array(n);
  const sigma = new Float64Array(n);
  const saturated = new Uint8Array(n);
  let saturatedCount = 0;
  for (let k = 0; k < n; k++) {
    const r = correctCount(observed[k], shots);
    counts[k] = r.value;
    sigma[k] = r.sigma;
    if (r.saturated) {
      saturated[k] = 1;
      saturatedCount++;
    }
  }
  return { counts, sigma, saturated, saturatedCount };
}

/** No correction (N unknown or the instrument already corrected): σ = √I. */
export function poissonSigma(counts: ArrayLike<number>): Float64Array {
  const s = new Float64Array(counts.length);
  for (let k = 0; k < counts.length; k++) s[k] = Math.sqrt(Math.max(0, counts[k]));
  return s;
}

/**
 * σ of values the instrument already corrected, given N: invert the correction to the raw
 * count, then propagate as correctedVariance does (Var = I_raw / (1 − I_raw/N) = I_raw · e^{I_true/N}).
 */
export function sigmaOfCorrected(corrected: ArrayLike<number>, shots: number): Float64Array {
  const s = new Float64Array(corrected.length);
  for (let k = 0; k < corrected.length; k++) {
    const v = Math.max(0, corrected[k]);
    const raw = -shots * Math.expm1(-v / shots);
    s[k] = Math.sqrt(raw * Math.exp(v / shots));
  }
  return s;
}
