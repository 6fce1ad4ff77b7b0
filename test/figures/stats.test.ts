import { describe, expect, it } from 'vitest';
import { pooledQuantile, VOLUME_SCALE_QUANTILE_TEXT } from '../../core/figures/stats.js';

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

describe('pooledQuantile of Float32 volumes', () => {
  it('selects among a Float32 copy with the same answer as among doubles (the same values), mixed inputs too', () => {
    const a = Float32Array.from({ length: 5001 }, (_, i) => Math.fround(Math.sin(i) * 1000 + i / 7));
    const b = Float32Array.from({ length: 2999 }, (_, i) => Math.fround(Math.cos(i * 3) * 250));
    for (const q of [0, 0.5, 0.998, 1]) {
      const asDoubles = pooledQuantile([Float64Array.from(a), Float64Array.from(b)], q);
      expect(pooledQuantile([a, b], q)).toBe(asDoubles);
      expect(pooledQuantile([a, Float64Array.from(b)], q)).toBe(asDoubles);
    }
    // And the definition's (sorted): the 99.8 % one lies between two order statistics.
    expect(pooledQuantile([a, b], 0.998)).toBe(sortedQuantile([a, b], 0.998));
    expect(VOLUME_SCALE_QUANTILE_TEXT).toBe('99.8 %');
  });
});
