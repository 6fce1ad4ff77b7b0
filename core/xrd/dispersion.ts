/**
 * How much a pattern's intensities scatter, point to point, against what counting alone gives.
 * Both use second differences d = y₋₁ − 2y + y₊₁, blind to a locally straight background, and
 * their median absolute value, blind to the minority of points on peaks.
 */

import { MAD_TO_SIGMA, robustVarianceOfAbs } from '../util/robust.js';

/**
 * Scatter of counts against Poisson: the variance of d over its Poisson value 6μ (μ the local
 * mean, at least 1), robustly (the squared MAD-σ of d/√(6μ)). About 1 for raw counts (0.86–1.06
 * on the real patterns in shared/data and the sample study); far above it for intensities that
 * are whole numbers but not counts (summed over a detector's channels and rescaled, converted
 * from cps, or simply not from a counter), whose noise counting statistics would underrate.
 */
export function countingDispersion(counts: ArrayLike<number>, masked?: ArrayLike<boolean>): number {
  const z: number[] = [];
  for (let i = 1; i < counts.length - 1; i++) {
    if (masked?.[i - 1] || masked?.[i] || masked?.[i + 1]) continue;
    const d = counts[i - 1] - 2 * counts[i] + counts[i + 1];
    const mean = Math.max((counts[i - 1] + counts[i] + counts[i + 1]) / 3, 1);
    z.push(Math.abs(d) / Math.sqrt(6 * mean));
  }
  return z.length === 0 ? 1 : robustVarianceOfAbs(z);
}

/** Non-count data: one variance for every point, from the scatter of second differences (MAD). */
export function scatterVariance(y: ArrayLike<number>, masked: readonly boolean[]): Float64Array {
  const d: number[] = [];
  for (let i = 1; i < y.length - 1; i++) if (!masked[i]) d.push(Math.abs(y[i - 1] - 2 * y[i] + y[i + 1]));
  const s = (MAD_TO_SIGMA * (d.length ? median(d) : 0)) / Math.sqrt(6);
  return new Float64Array(y.length).fill(Math.max(s * s, 1e-12));
}

/** The upper median (the value at n/2 after sorting), as both estimates have always used. */
function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}
