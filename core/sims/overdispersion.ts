/**
 * How much a depth profile scatters from scan to scan beyond its counting σ. Counting is not
 * all: the primary current drifts and jitters between scans (DOMAIN.md: why counts compared
 * across states want a normalisation), and every ion of a scan moves with it. Within a layer's
 * plateau that shows as scatter the Poisson/binomial σ does not hold; a layer's summed counts
 * then vary more than their σ says (the generated studies' 2 % jitter: up to 1.7e-3 of a Li
 * share, against counting σ of 2–4e-4).
 */

import { robustVarianceOfAbs } from '../util/robust.js';

/**
 * The variance of the second differences d = v₋₁ − 2v + v₊₁ over what the points' σ give them
 * (σ₋₁² + 4σ² + σ₊₁²), robustly (the squared MAD-σ of d / its σ): about 1 where counting is all,
 * blind to linear trends and, through the median, to the minority of points at interfaces.
 * 1 where fewer than 8 points have a σ.
 */
export function scanScatterRatio(values: ArrayLike<number>, sigma: ArrayLike<number>): number {
  const z: number[] = [];
  for (let i = 1; i + 1 < values.length; i++) {
    const expected = sigma[i - 1] ** 2 + 4 * sigma[i] ** 2 + sigma[i + 1] ** 2;
    const d = values[i - 1] - 2 * values[i] + values[i + 1];
    if (expected > 0 && Number.isFinite(d)) z.push(Math.abs(d) / Math.sqrt(expected));
  }
  return z.length < 8 ? 1 : robustVarianceOfAbs(z);
}
