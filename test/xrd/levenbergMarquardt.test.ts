import { describe, expect, it } from 'vitest';
import { levenbergMarquardt } from '../../core/xrd/levenbergMarquardt.js';
import type { WhitenedProblem } from '../../core/xrd/levenbergMarquardt.js';

/** y = a·exp(−b·x) + c on x = 0 … 4, whitened with σ = 1: q = [a, b, c]. */
function decay(data: Float64Array, xs: Float64Array): WhitenedProblem {
  return {
    data,
    model: (q, out) => {
      for (let i = 0; i < xs.length; i++) out[i] = q[0] * Math.exp(-q[1] * xs[i]) + q[2];
    },
    jacobian: (q) => (i, row) => {
      const e = Math.exp(-q[1] * xs[i]);
      row[0] = e;
      row[1] = -q[0] * xs[i] * e;
      row[2] = 1;
    },
  };
}

const xs = Float64Array.from({ length: 41 }, (_, i) => i * 0.1);
const TRUTH = [5, 1.3, 0.7];
const exact = Float64Array.from(xs, (x) => TRUTH[0] * Math.exp(-TRUTH[1] * x) + TRUTH[2]);
const wide = { min: [-100, 0, -100], max: [100, 10, 100] };

describe('levenbergMarquardt', () => {
  it('finds the parameters of noiseless data from a distant start (to 1e-6 of each)', () => {
    const fit = levenbergMarquardt(decay(exact, xs), { initial: [1, 0.2, 0], ...wide, maxIterations: 200 });
    fit.parameters.forEach((v, k) => expect(Math.abs(v - TRUTH[k]), `parameter ${k}`).toBeLessThan(1e-6));
    expect(fit.chi2).toBeLessThan(1e-10);
  });

  it('lowers χ² monotonically from burst to burst, and returns the best point of a burst', () => {
    const problem = decay(exact, xs);
    let start: ArrayLike<number> = [1, 0.2, 0];
    let last = Infinity;
    for (let burst = 0; burst < 5; burst++) {
      const fit = levenbergMarquardt(problem, { initial: start, ...wide, maxIterations: 3 });
      expect(fit.iterations).toBe(3);
      expect(fit.chi2).toBeLessThanOrEqual(last);
      // The χ² it reports is that of the parameters it returns.
      const model = new Float64Array(xs.length);
      problem.model(fit.parameters, model);
      expect(model.reduce((s, m, i) => s + (exact[i] - m) ** 2, 0)).toBeCloseTo(fit.chi2, 12);
      last = fit.chi2;
      start = fit.parameters;
    }
  });

  it('keeps each parameter within its bounds, and fits better than the start with one held at its bound', () => {
    // The offset may not exceed 0.5 (the truth is 0.7). The rule (the library's) converges slowly
    // while a parameter is held (see the module's comment), so only the bounds and the gain are
    // asserted: 10 steps bring χ² from the start's ~96 to below 2 (the best with the offset at 0.5 is 0.42).
    const min = [-100, 0, -100];
    const max = [100, 10, 0.5];
    const start = [1, 0.2, 0];
    const model = new Float64Array(xs.length);
    decay(exact, xs).model(Float64Array.from(start), model);
    const startChi2 = model.reduce((s, m, i) => s + (exact[i] - m) ** 2, 0);
    const fit = levenbergMarquardt(decay(exact, xs), { initial: start, min, max, maxIterations: 10 });
    fit.parameters.forEach((v, k) => {
      expect(v).toBeGreaterThanOrEqual(min[k]);
      expect(v).toBeLessThanOrEqual(max[k]);
    });
    expect(fit.parameters[2]).toBe(0.5);
    expect(startChi2).toBeGreaterThan(90);
    expect(fit.chi2).toBeLessThan(2);
  });

  it('stops where the model turns NaN, returning the best point before it', () => {
    const problem = decay(exact, xs);
    const nanAbove = { ...problem, model: (q: Float64Array, out: Float64Array) => (q[1] > 0.5 ? out.fill(Number.NaN) : problem.model(q, out)) };
    const fit = levenbergMarquardt(nanAbove, { initial: [1, 0.2, 0], ...wide, maxIterations: 50 });
    expect(fit.iterations).toBeLessThan(50);
    expect(Number.isFinite(fit.chi2)).toBe(true);
    expect(fit.parameters[1]).toBeLessThanOrEqual(0.5);
  });

  it('returns the start, unchanged, where the data are fitted exactly already', () => {
    const fit = levenbergMarquardt(decay(exact, xs), { initial: TRUTH, ...wide, maxIterations: 10 });
    expect(Array.from(fit.parameters)).toEqual(TRUTH);
    expect(fit.iterations).toBe(0);
  });
});
