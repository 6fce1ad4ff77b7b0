/**
 * Detector dead-time (Poisson) correction, DOMAIN.md §2.
 *
 * A ToF-SIMS detector records at most one ion of a species per primary pulse, so the observed
 * count I out of N pulses is the number of pulses that freed at least one ion. For a Poisson
 * mean λ per pulse, E[I] = N(1 − e^{−λ}), whence the estimate of the true count
 * `I_true = −N·ln(1 − I/N)`.
 *
 * Saturated points (I ≥ N) have no finite estimate. They are flagged in a mask and counted,
 * never silently clipped to the raw value. The value they receive is the correction of
 * `I = N − ½` (i.e. `N·ln(2N)`): the largest finite estimate compatible with the observation,
 * hence a documented *lower bound*; their σ is set equal to that value (100 % relative), so
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
  const value = -shots * Math.log1p(-(i / shots));
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
