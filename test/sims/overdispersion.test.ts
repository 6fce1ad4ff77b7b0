import { describe, expect, it } from 'vitest';
import { scanScatterRatio } from '../../core/sims/overdispersion.js';
import { rng, poisson } from '../xrd/synthetic.js';

/** A profile of Poisson counts around `mean(i)`, each scan's current jittered by `jitter` (relative σ). */
function profile(n: number, mean: (i: number) => number, jitter: number, seed: number): { values: Float64Array; sigma: Float64Array } {
  const random = rng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-300))) * Math.cos(2 * Math.PI * random());
  const values = Float64Array.from({ length: n }, (_, i) => poisson(mean(i) * (1 + jitter * normal()), random));
  return { values, sigma: values.map((v) => Math.sqrt(Math.max(v, 1))) };
}

describe('scan-to-scan scatter over counting', () => {
  it('is about 1 for counts alone, on plateaus, ramps and steps alike', () => {
    for (const seed of [1, 2, 3]) {
      const p = profile(400, (i) => (i < 200 ? 2000 + 10 * i : 20_000), 0, seed);
      const r = scanScatterRatio(p.values, p.sigma);
      expect(r, `seed ${seed}`).toBeGreaterThan(0.8);
      expect(r, `seed ${seed}`).toBeLessThan(1.25);
    }
  });

  it('is 1 + (jitter / counting σ)² where the primary current jitters (2 % on 10 000 counts: 5)', () => {
    for (const seed of [4, 5]) {
      // Counting: 1 % per scan; jitter 2 %: variance ratio 1 + 4 = 5 (the MAD's spread over 3000
      // scans: about ±0.3).
      const p = profile(3000, () => 10_000, 0.02, seed);
      const r = scanScatterRatio(p.values, p.sigma);
      expect(r, `seed ${seed}`).toBeGreaterThan(4.2);
      expect(r, `seed ${seed}`).toBeLessThan(6);
    }
  });

  it('is 1 for too few points to tell', () => {
    expect(scanScatterRatio([1, 5, 2, 9], [1, 1, 1, 1])).toBe(1);
  });
});
