import { describe, expect, it } from 'vitest';
import { pooledQuantile } from '../../core/figures/stats.js';

/** The definition: the finite values pooled and sorted, linear between the two nearest. */
function sortedQuantile(arrays: ArrayLike<number>[], q: number): number {
  const all = arrays.flatMap((a) => Array.from(a)).filter(Number.isFinite).sort((x, y) => x - y);
  if (all.length === 0) return NaN;
  const pos = Math.min(all.length - 1, Math.max(0, q * (all.length - 1)));
  const lo = Math.floor(pos);
  const hi = Math.min(all.length - 1, lo + 1);
  return all[lo] + (all[hi] - all[lo]) * (pos - lo);
}

describe('pooledQuantile', () => {
  let seed = 11;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;

  it('is the quantile of the pooled finite values, as sorting them gives it', () => {
    for (const ties of [true, false]) {
      for (const sizes of [[1], [2], [3, 0, 4], [1000, 17, 333], [5000]]) {
        // Skewed values (with ties, or all distinct), and NaN and infinities that do not count.
        const value = (): number => (ties ? Math.round(rnd() ** 3 * 50) : rnd() ** 3 * 50);
        const arrays = sizes.map((n) => Float64Array.from({ length: n }, () => (rnd() < 0.05 ? [NaN, Infinity, -Infinity][Math.floor(rnd() * 3)] : value())));
        for (const q of [0, 0.005, 0.25, 0.5, 0.9951, 0.998, 1, -1, 2]) expect(pooledQuantile(arrays, q), `${sizes} q=${q}`).toBe(sortedQuantile(arrays, q));
      }
    }
  });

  it('is NaN when no value is finite, and leaves the arrays as they were', () => {
    expect(pooledQuantile([new Float32Array([NaN, Infinity])], 0.5)).toBeNaN();
    const a = Float64Array.from([5, 1, 4, 2, 3]);
    expect(pooledQuantile([a], 0.5)).toBe(3);
    expect(Array.from(a)).toEqual([5, 1, 4, 2, 3]);
  });
});
