import { describe, expect, it } from 'vitest';
import { smoothMovingAverage, smoothSavitzkyGolay, savitzkyGolayWeights } from '../../core/sims/smooth.js';
import { findTransition } from '../../core/sims/interfaces.js';
import { step } from './synthetic.js';

describe('smoothing keeps interface positions', () => {
  const n = 120;
  const timeS = Float64Array.from({ length: n }, (_, i) => i * 2);
  const t0 = 101.3; // between scans on purpose
  const y = timeS.map((t) => 50 + 950 * step(t, t0, 6));

  it('Savitzky–Golay weights sum to 1 and are symmetric', () => {
    for (const m of [1, 2, 4, 7]) {
      const w = savitzkyGolayWeights(m);
      expect(w.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 12);
      for (let k = 0; k < m; k++) expect(w[k]).toBeCloseTo(w[2 * m - k], 12);
    }
  });

  it('the 50 % point does not move (within 0.05 s of 2 s scans) for SG and moving average', () => {
    const raw = findTransition(timeS, y, [0, 50], [51, 120], t0)!;
    for (const smoothed of [smoothSavitzkyGolay(y, 3), smoothSavitzkyGolay(y, 6), smoothMovingAverage(y, 4)]) {
      const tr = findTransition(timeS, smoothed, [0, 50], [51, 120], t0)!;
      expect(Math.abs(tr.t50S - raw.t50S)).toBeLessThan(0.05);
      expect(Math.abs(tr.t50S - t0)).toBeLessThan(0.3);
    }
  });

  it('SG keeps plateaus and a peak height better than a moving average', () => {
    const peak = timeS.map((t) => 1000 * Math.exp(-(((t - 120) / 8) ** 2)));
    const sg = smoothSavitzkyGolay(peak, 3);
    const ma = smoothMovingAverage(peak, 3);
    expect(Math.max(...sg)).toBeGreaterThan(Math.max(...ma));
    expect(Math.abs(Math.max(...sg) - 1000)).toBeLessThan(30);
  });
});
