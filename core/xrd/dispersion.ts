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

/**
 * Half-width, in second differences, of the window whose scatter gives a point's noise: ~2° at
 * 0.02° steps, wide against a film peak (0.1–2°) so that the median sees the background.
 */
const SCATTER_HALF_WINDOW = 100;
/** Windows are taken every this many differences, the variance linear between them. */
const SCATTER_STRIDE = 10;

/**
 * Non-count data: each point's noise variance from the scatter of the second differences around
 * it (the squared MAD-σ of d/√6 over ±SCATTER_HALF_WINDOW of them). One variance for the whole
 * pattern weighted rescaled counts (cps, normalised) as if their noise did not follow their level:
 * the sample's counts as cps left χ²ᵣ 3.4–3.7 under peaks on its SiO₂ hump, where counts leave ~1.
 */
export function scatterVariance(y: ArrayLike<number>, masked: readonly boolean[]): Float64Array {
  const at: number[] = [];
  const d: number[] = [];
  for (let i = 1; i < y.length - 1; i++) {
    if (masked[i]) continue;
    at.push(i);
    d.push(Math.abs(y[i - 1] - 2 * y[i] + y[i + 1]));
  }
  const out = new Float64Array(y.length);
  if (d.length === 0) return out.fill(1e-12);
  const w = Math.min(SCATTER_HALF_WINDOW, (d.length - 1) >> 1);
  const varianceAround = (k: number): number => {
    const from = Math.min(Math.max(k - w, 0), d.length - 1 - 2 * w);
    const s = (MAD_TO_SIGMA * median(d.slice(from, from + 2 * w + 1))) / Math.sqrt(6);
    return Math.max(s * s, 1e-12);
  };
  // Knots: every SCATTER_STRIDE-th difference and the last; each point's variance is linear
  // between the knots either side of it (by index), the end knots' beyond them.
  const knots: number[] = [];
  for (let k = 0; k < d.length; k += SCATTER_STRIDE) knots.push(k);
  if (knots[knots.length - 1] !== d.length - 1) knots.push(d.length - 1);
  const knotAt = knots.map((k) => at[k]);
  const knotVariance = knots.map(varianceAround);
  let j = 0;
  for (let i = 0; i < y.length; i++) {
    while (j < knots.length - 1 && knotAt[j + 1] <= i) j++;
    if (i <= knotAt[0] || j === knots.length - 1) out[i] = knotVariance[Math.min(j, knots.length - 1)];
    else {
      const t = (i - knotAt[j]) / (knotAt[j + 1] - knotAt[j]);
      out[i] = knotVariance[j] + t * (knotVariance[j + 1] - knotVariance[j]);
    }
  }
  return out;
}

/** The upper median (the value at n/2 after sorting), as both estimates have always used. */
function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[Math.floor(values.length / 2)];
}
