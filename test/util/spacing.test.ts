/** The median spacing of an axis: what every XRD step and a stack's scan period are read as. */
import { describe, expect, it } from 'vitest';
import { medianSpacing } from '../../core/util/spacing.js';

describe('medianSpacing', () => {
  it('is 0 for fewer than two points', () => {
    expect(medianSpacing([])).toBe(0);
    expect(medianSpacing([3])).toBe(0);
  });

  it('takes the median step, whatever a few gaps, repeats or reversals around it', () => {
    expect(medianSpacing([0, 0.02, 0.04, 0.06, 0.5, 0.52, 0.52, 0.54])).toBeCloseTo(0.02, 12);
    expect(medianSpacing(Float64Array.from([10, 8, 6, 4, 2]))).toBe(-2);
    // Of an even number of steps, the upper middle one.
    expect(medianSpacing([0, 1, 3, 6, 10])).toBe(3);
  });

  it('gives the order statistic a comparator sort gives, on uneven steps', () => {
    let seed = 12345;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 20; trial++) {
      const axis = [0];
      for (let i = 0; i < 200 + trial; i++) axis.push(axis[i] + (random() < 0.1 ? -random() : random()));
      const steps = axis.slice(1).map((v, i) => v - axis[i]).sort((a, b) => a - b);
      expect(medianSpacing(axis)).toBe(steps[Math.floor(steps.length / 2)]);
    }
  });
});
