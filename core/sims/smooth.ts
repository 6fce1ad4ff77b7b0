/**
 * Smoothing that keeps interface positions: a Savitzky–Golay quadratic filter (symmetric
 * kernel). A symmetric kernel maps a transition that is point-symmetric about its 50 % point
 * onto one with the same 50 % point, and the quadratic fit keeps plateaus and peak heights
 * better than a moving average. Near the ends the window shrinks symmetrically (so the kernel
 * stays symmetric; no extrapolation).
 */

/** Quadratic Savitzky–Golay smoothing weights for half-width m (window 2m+1). */
export function savitzkyGolayWeights(halfWidth: number): Float64Array {
  const m = Math.floor(halfWidth);
  const w = new Float64Array(2 * m + 1);
  if (m === 0) {
    w[0] = 1;
    return w;
  }
  const denom = (2 * m - 1) * (2 * m + 1) * (2 * m + 3);
  for (let k = -m; k <= m; k++) w[k + m] = (3 * (3 * m * m + 3 * m - 1) - 15 * k * k) / denom;
  return w;
}

/** Smooths `values` with a quadratic Savitzky–Golay filter of half-width `halfWidth` scans. */
export function smoothSavitzkyGolay(values: ArrayLike<number>, halfWidth: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const m = Math.max(0, Math.floor(halfWidth));
  const cache = new Map<number, Float64Array>();
  for (let i = 0; i < n; i++) {
    const mi = Math.min(m, i, n - 1 - i);
    let w = cache.get(mi);
    if (!w) {
      w = savitzkyGolayWeights(mi);
      cache.set(mi, w);
    }
    let s = 0;
    for (let k = -mi; k <= mi; k++) s += w[k + mi] * values[i + k];
    out[i] = s;
  }
  return out;
}

/** Symmetric moving average of half-width m (window shrinks symmetrically at the ends). */
export function smoothMovingAverage(values: ArrayLike<number>, halfWidth: number): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  const m = Math.max(0, Math.floor(halfWidth));
  for (let i = 0; i < n; i++) {
    const mi = Math.min(m, i, n - 1 - i);
    let s = 0;
    for (let k = -mi; k <= mi; k++) s += values[i + k];
    out[i] = s / (2 * mi + 1);
  }
  return out;
}
