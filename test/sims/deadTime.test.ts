import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { correctCount, correctDeadTime, harmonicNumber, saturatedValue, sigmaOfCorrected } from '../../core/sims/deadTime.js';
import { binomial, rng } from './synthetic.js';

describe('Poisson dead-time correction', () => {
  it('follows I_true = N·Σ_{j<I} 1/(N − j), the unbiased form of −N ln(1 − I/N)', () => {
    const sum = (i: number, n: number): number => Array.from({ length: i }, (_, j) => n / (n - j)).reduce((a, b) => a + b, 0);
    const r = correctDeadTime([0, 1, 10, 50, 99], 100);
    expect(r.counts[0]).toBe(0);
    expect(r.counts[1]).toBeCloseTo(1, 12);
    expect(r.counts[2]).toBeCloseTo(sum(10, 100), 10);
    expect(r.counts[3]).toBeCloseTo(sum(50, 100), 10);
    expect(r.counts[4]).toBeCloseTo(sum(99, 100), 10);
    // Close to the logarithm far from saturation (both I + I²/2N + …), below it near saturation.
    expect(Math.abs(r.counts[2] / (-100 * Math.log(0.9)) - 1)).toBeLessThan(0.01);
    expect(r.counts[4]).toBeLessThan(100 * Math.log(100));
    expect(r.saturatedCount).toBe(0);
    // A summed profile's N (shots × pixels): the same sum, through H(x) = ψ(x + 1) + γ.
    expect(correctCount(30000, 51200).value).toBeCloseTo(sum(30000, 51200), 6);
    expect(harmonicNumber(2.5)).toBeCloseTo(harmonicNumber(1.5) + 1 / 2.5, 14);
    expect(harmonicNumber(0.5)).toBeCloseTo(2 - 2 * Math.LN2, 14);
    // No whole count (a mean, a noise-free model): the logarithm inverts N(1 − e^{−λ}) exactly.
    expect(correctCount(100 * (1 - Math.exp(-0.5)), 100).value).toBeCloseTo(50, 10);
  });

  it('flags saturated points, gives them the documented lower bound, never the raw value', () => {
    const r = correctDeadTime([5, 100, 130], 100);
    expect(Array.from(r.saturated)).toEqual([0, 1, 1]);
    expect(r.saturatedCount).toBe(2);
    expect(r.counts[1]).toBeCloseTo(saturatedValue(100), 10);
    expect(r.counts[1]).toBeCloseTo(100 * Math.log(200), 10);
    // The lower bound exceeds every finite correction of the same N.
    expect(r.counts[1]).toBeGreaterThan(correctCount(99, 100).value);
    expect(r.sigma[1]).toBe(r.counts[1]);
  });

  it('propagates the binomial σ_I = √(I(1 − I/N)) through d/dI of −N ln(1 − I/N) (checked against a numerical derivative)', () => {
    // The logarithm's derivative, not the harmonic form's: it matches the spread of the values
    // better (within 1 % up to λ = N, where the harmonic form's own derivative is 3 % low).
    const N = 50;
    const log = (i: number): number => -N * Math.log1p(-i / N);
    for (const i of [1, 10, 30, 45]) {
      const h = 1e-4;
      const d = (log(i + h) - log(i - h)) / (2 * h);
      expect(correctCount(i, N).sigma).toBeCloseTo(Math.sqrt(i * (1 - i / N)) * d, 6);
    }
  });

  it('gives the σ a saturating detector shows: the spread of corrected counts (Binomial simulation, within 6 %)', () => {
    // Taking the observed count as Poisson overstated σ by 1/√(1 − I/N): 1.6× at λ = N.
    const u = rng(11);
    const N = 40;
    for (const lambda of [5, 20, 40]) {
      const p = 1 - Math.exp(-lambda / N);
      const values: number[] = [];
      const sigmas: number[] = [];
      for (let k = 0; k < 6000; k++) {
        const c = correctCount(binomial(N, p, u), N);
        if (c.saturated) continue;
        values.push(c.value);
        sigmas.push(c.sigma);
      }
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
      // The σ at the expected count (the delta method's own point), against the spread.
      const atMean = correctCount(N * p, N).sigma;
      expect(Math.abs(atMean / spread - 1), `λ = ${lambda}`).toBeLessThan(0.06);
      expect(sigmas.length).toBeGreaterThan(5900);
    }
  });

  it('is monotone and never below the raw count (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (N, f) => {
        const i = Math.floor(f * N);
        const a = correctCount(i, N).value;
        const b = correctCount(Math.min(N - 1, i + 1), N).value;
        return a >= i - 1e-9 && b >= a;
      }),
    );
  });

  it('recovers the true mean of a saturating detector (Binomial simulation)', () => {
    const u = rng(3);
    const N = 40;
    for (const lambda of [5, 20, 40]) {
      let sum = 0;
      const trials = 4000;
      for (let k = 0; k < trials; k++) sum += correctCount(binomial(N, 1 - Math.exp(-lambda / N), u), N).value;
      // Unbiased (−N ln(1 − I/N) was high by ≈ p / (2(1 − p)) counts, p the per-shot hit
      // probability: 2.1 % at λ = N); 1 % of λ covers the Monte-Carlo scatter (≤ 0.4 %).
      expect(Math.abs(sum / trials / lambda - 1), `λ = ${lambda}`).toBeLessThan(0.01);
    }
  });

  it('recovers σ of values the instrument already corrected', () => {
    const N = 200;
    const raw = 120;
    // Instruments (SurfaceLab's "Poisson corrected") correct with the logarithm.
    const byInstrument = -N * Math.log1p(-raw / N);
    expect(sigmaOfCorrected([byInstrument], N)[0]).toBeCloseTo(correctCount(raw, N).sigma, 6);
  });
});
