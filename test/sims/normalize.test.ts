import { describe, expect, it } from 'vitest';
import { normalizeSeries, ratioVariance, shareVariance } from '../../core/sims/normalize.js';
import { poisson, rng } from './synthetic.js';

describe('normalisation', () => {
  it('share-of-a-sum σ matches a Monte Carlo of Poisson parts', () => {
    const u = rng(11);
    const a0 = 400;
    const rest0 = 600;
    const r: number[] = [];
    for (let k = 0; k < 20000; k++) {
      const a = poisson(a0, u);
      const rest = poisson(rest0, u);
      r.push(a / (a + rest));
    }
    const m = r.reduce((s, x) => s + x, 0) / r.length;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / (r.length - 1));
    const predicted = Math.sqrt(shareVariance(a0, a0, a0 + rest0, a0 + rest0));
    expect(Math.abs(predicted / sd - 1)).toBeLessThan(0.05);
    // Treating part and total as independent would overstate it.
    expect(Math.sqrt(ratioVariance(a0, a0, a0 + rest0, a0 + rest0))).toBeGreaterThan(predicted * 1.1);
  });

  it('TIC normalisation removes a primary-current drift and keeps the mean level', () => {
    const n = 50;
    const drift = Float64Array.from({ length: n }, (_, i) => 1 + i / n);
    const li = { values: drift.map((d) => 100 * d), sigma: drift.map((d) => Math.sqrt(100 * d)) };
    const tic = { values: drift.map((d) => 1000 * d), sigma: drift.map((d) => Math.sqrt(1000 * d)) };
    const out = normalizeSeries(li, 'tic', tic);
    const meanTic = tic.values.reduce((s, x) => s + x, 0) / n;
    for (const v of out.values) expect(v).toBeCloseTo((100 / 1000) * meanTic, 8);
    expect(out.sigma.every((s) => s > 0)).toBe(true);
  });

  it('none returns a copy, reference divides by the other ion', () => {
    const s = { values: Float64Array.of(10, 20), sigma: Float64Array.of(1, 2) };
    const copy = normalizeSeries(s, 'none');
    expect(copy.values).not.toBe(s.values);
    expect(Array.from(copy.values)).toEqual([10, 20]);
    const ref = normalizeSeries(s, 'reference', { values: Float64Array.of(5, 10), sigma: Float64Array.of(0, 0) });
    expect(Array.from(ref.values)).toEqual([15, 15]);
  });
});
