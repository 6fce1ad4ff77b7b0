/** Small numeric helpers the figure builders share (scale limits that ignore hot pixels). */

import { quickselect } from 'd3-array';

/** The quantile a 3-D rendering's colour scale tops at (the figures', the 3-D view's): a hot voxel in 500 does not set it. */
export const VOLUME_SCALE_QUANTILE = 0.998;
/** VOLUME_SCALE_QUANTILE as the notes and help say it ("99.8 %"). */
export const VOLUME_SCALE_QUANTILE_TEXT = `${+(VOLUME_SCALE_QUANTILE * 100).toFixed(1)} %`;

/**
 * The q-quantile (0..1) of the finite values of several arrays pooled (linear between the two
 * nearest order statistics); NaN when none. The two are selected, not sorted for: a figure's
 * three volumes hold millions of voxels, which took ~0.3 s a sort.
 */
export function pooledQuantile(arrays: ArrayLike<number>[], q: number): number {
  let n = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) n++;
  if (n === 0) return NaN;
  // Float32 values are selected among their own copy: the same order statistics in half the
  // memory (a 3-D view's volume is millions of them, its quantile taken in a worker per state).
  const all = arrays.every((a) => a instanceof Float32Array) ? new Float32Array(n) : new Float64Array(n);
  let k = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) all[k++] = a[i];
  const pos = Math.min(n - 1, Math.max(0, q * (n - 1)));
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  quickselect(all, lo);
  // Everything after lo is now at least all[lo]: the next order statistic is the least of it.
  if (hi > lo) quickselect(all, hi, lo + 1);
  return all[lo] + (all[hi] - all[lo]) * (pos - lo);
}

/** Largest finite value of several arrays; -Infinity when none. */
export function pooledMax(arrays: ArrayLike<number>[]): number {
  let m = -Infinity;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && a[i] > m) m = a[i];
  return m;
}

/** Two significant digits: stated factors (z exaggeration) read 87×, not 86.71×. */
export function twoSignificant(x: number): number {
  if (!(x > 0)) return x;
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.round(x / p) * p;
}
