import { describe, expect, it } from 'vitest';
import { crossingNearest, findTransition, plateauLevel } from '../../core/sims/interfaces.js';
import { step } from './synthetic.js';

describe('interfaces', () => {
  const n = 200;
  const timeS = Float64Array.from({ length: n }, (_, i) => i * 1.5);
  it('50 % point between plateaus, sub-scan, and 84–16 % width = 2σ of an erf', () => {
    const t0 = 150.7;
    const sigmaS = 5;
    const rise = timeS.map((t) => 200 + 800 * step(t, t0, sigmaS));
    const tr = findTransition(timeS, rise, [0, 100], [101, 200], 150)!;
    expect(tr.direction).toBe('rise');
    expect(Math.abs(tr.t50S - t0)).toBeLessThan(0.05);
    expect(tr.t16S).toBeLessThan(tr.t50S);
    expect(tr.t84S).toBeGreaterThan(tr.t50S);
    expect(Math.abs(tr.resolutionS - 2 * sigmaS)).toBeLessThan(0.2);
    expect(tr.contrast).toBeCloseTo(0.8, 3);
  });

  it('works for a partial fall (marker present in both layers)', () => {
    const t0 = 80.2;
    const fall = timeS.map((t) => 1000 - 600 * step(t, t0, 3));
    const tr = findTransition(timeS, fall, [0, 53], [54, 200], 80)!;
    expect(tr.direction).toBe('fall');
    expect(Math.abs(tr.t50S - t0)).toBeLessThan(0.05);
    expect(tr.contrast).toBeCloseTo(0.6, 3);
  });

  it('the plateau ignores a surface spike and the interface slopes', () => {
    const y = Float64Array.from({ length: 40 }, (_, i) => (i === 0 ? 1e6 : i > 35 ? 0 : 100));
    expect(plateauLevel(y, 0, 40)).toBe(100);
  });

  it('crossingNearest picks the crossing nearest the hint', () => {
    const t = Float64Array.of(0, 1, 2, 3, 4, 5);
    const y = Float64Array.of(0, 10, 0, 0, 10, 10);
    expect(crossingNearest(t, y, 5, 0, 5, 3.6)).toBeCloseTo(3.5, 10);
    expect(crossingNearest(t, y, 5, 0, 5, 0)).toBeCloseTo(0.5, 10);
  });
});
