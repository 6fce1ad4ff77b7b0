import { describe, expect, it } from 'vitest';
import { colourRange } from '../../renderer/src/colour.js';

describe('colourRange: the span of a shared colour scale', () => {
  it('keeps a real range as it is', () => {
    expect(colourRange(2, 40)).toEqual([2, 40]);
  });
  it('opens one unit where every value is the same (all zeros: an ion the stack lacks), so the colour bar has ticks', () => {
    expect(colourRange(0, 0)).toEqual([0, 1]);
    expect(colourRange(5, 5)).toEqual([5, 6]);
  });
  it('falls back to [0, 1] on values that are not numbers (no state had a map)', () => {
    expect(colourRange(Number.NaN, Number.NaN)).toEqual([0, 1]);
    expect(colourRange(Infinity, -Infinity)).toEqual([0, 1]);
  });
});
