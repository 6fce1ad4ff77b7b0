import { invert } from './linalg.js';

/**
 * Savitzky–Golay convolution weights for the `derivative`-th derivative (per point², not per
 * degree) of a polynomial of `order` fitted over 2·halfWidth+1 equally spaced points: the
 * matching row of (AᵀA)⁻¹Aᵀ times derivative!.
 */
export function savitzkyGolayWeights(halfWidth: number, order: number, derivative = 0): Float64Array {
  const m = Math.max(1, Math.floor(halfWidth));
  const k = Math.min(order, 2 * m);
  const rows = Array.from({ length: 2 * m + 1 }, (_, i) => Array.from({ length: k + 1 }, (_, p) => (i - m) ** p));
  const ata = Array.from({ length: k + 1 }, (_, a) => Array.from({ length: k + 1 }, (_, b) => rows.reduce((s, r) => s + r[a] * r[b], 0)));
  const inv = invert(ata);
  if (!inv) throw new RangeError(`Savitzky-Golay: singular system (halfWidth ${m}, order ${k})`);
  let fact = 1;
  for (let i = 2; i <= derivative; i++) fact *= i;
  return Float64Array.from(rows, (r) => fact * inv[derivative].reduce((s, v, p) => s + v * r[p], 0));
}

/** Convolution with mirrored ends (so the first and last points get a full window). */
export function convolve(y: ArrayLike<number>, weights: ArrayLike<number>): Float64Array {
  const n = y.length;
  const m = (weights.length - 1) / 2;
  const out = new Float64Array(n);
  const at = (i: number): number => y[i < 0 ? Math.min(-i, n - 1) : i >= n ? Math.max(2 * n - 2 - i, 0) : i];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = -m; j <= m; j++) s += weights[j + m] * at(i + j);
    out[i] = s;
  }
  return out;
}
