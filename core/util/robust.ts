/** MAD to σ for a normal distribution. */
export const MAD_TO_SIGMA = 1.4826;

/**
 * The variance of values that should be standard normal, robustly: the square of 1.4826 × the
 * upper median of their absolute values (the value at n/2 after sorting), blind to a minority of
 * outliers (points at interfaces or on peaks). Sorts `absZ` in place; NaN when it is empty.
 */
export function robustVarianceOfAbs(absZ: number[]): number {
  if (absZ.length === 0) return Number.NaN;
  absZ.sort((a, b) => a - b);
  const s = MAD_TO_SIGMA * absZ[Math.floor(absZ.length / 2)];
  return s * s;
}
