import { describe, expect, it } from 'vitest';
import { addNormalSums, leastSquares, solveNormalSums } from '../../core/xrd/linalg.js';

// The fits' starting values solve one least-squares problem per point of a hump grid, where only
// the last column of the design changes (fit.ts initialiseLinear): the other columns' sums are
// summed once. The split must give the numbers of solving each problem whole, to the bit.
describe('normal sums of weighted least squares, summed in parts', () => {
  // A polynomial and a Gaussian of known coefficients, with deterministic "noise".
  const x = Array.from({ length: 200 }, (_, i) => i / 20);
  const gauss = (c: number) => x.map((t) => Math.exp(-((t - c) ** 2)));
  const truth = [3, -0.5, 0.02, 40];
  const y = x.map((t, i) => truth[0] + truth[1] * t + truth[2] * t * t + truth[3] * gauss(4)[i] + Math.sin(i * 12.9898) * 0.3);
  const weights = y.map((v) => 1 / Math.max(Math.abs(v), 1));

  it('a column added to known sums gives what the whole design gives', () => {
    for (const c of [2, 4, 6.5]) {
      const g = gauss(c);
      const design = x.map((t, i) => [1, t, t * t, g[i]]);
      const fixed = Array.from({ length: 3 }, () => [0, 0, 0]);
      const fixedAty = [0, 0, 0];
      addNormalSums(design, y, weights, fixed, fixedAty);
      const ata = [...fixed.map((row) => [...row, 0]), [0, 0, 0, 0]];
      const aty = [...fixedAty, 0];
      addNormalSums(design, y, weights, ata, aty, 3);
      const parts = solveNormalSums(ata, aty);
      const whole = leastSquares(design, y, weights);
      expect(parts).not.toBeNull();
      expect(parts).toEqual(whole);
    }
  });

  it('recovers the coefficients where the model is right', () => {
    const design = x.map((t, i) => [1, t, t * t, gauss(4)[i]]);
    const coef = leastSquares(design, y, weights)!;
    coef.forEach((v, j) => expect(v).toBeCloseTo(truth[j], 1));
  });

  it('null for a singular design', () => {
    expect(leastSquares(x.map((t) => [t, 2 * t]), y)).toBeNull();
  });
});
