import { describe, expect, it } from 'vitest';
import { spreadLabels } from '../../core/figures/style.js';

describe('spreading labels apart', () => {
  it('leaves a label with room on its target, and spreads only those that would overlap', () => {
    // Two crowded labels at the start, one alone in the middle, one past the end.
    const out = spreadLabels([2, 5, 100, 198], 5, 0, 200, [20, 20, 20, 20]);
    expect(out[2]).toBe(100); // it moved to 92 when every label was pushed
    expect(out[0]).toBe(10); // kept within [lo, hi] by its edge
    expect(out[1] - out[0]).toBeCloseTo(25, 9); // packed: half widths + gap
    expect(out[3]).toBe(190);
  });

  it('centres a crowded group on its targets, keeps the input order, and bounds it', () => {
    const out = spreadLabels([50, 49, 51], 4, 0, 100);
    const sorted = [...out].sort((a, b) => a - b);
    expect(sorted[1] - sorted[0]).toBeCloseTo(4, 9);
    expect(sorted[2] - sorted[1]).toBeCloseTo(4, 9);
    expect((sorted[0] + sorted[1] + sorted[2]) / 3).toBeCloseTo(50, 9);
    // Input order kept: 49 lowest, then 50, then 51.
    expect(out[1]).toBeLessThan(out[0]);
    expect(out[0]).toBeLessThan(out[2]);
    // Near an end the group is pushed inside, still packed.
    const end = spreadLabels([99, 98, 100], 4, 0, 100);
    expect(Math.max(...end)).toBe(100);
    expect(Math.min(...end)).toBeCloseTo(92, 9);
  });

  it('merges groups that come to overlap once spread', () => {
    // Two pairs 6 apart: each pair spread 10 apart would overlap the other: one packed group of four.
    const out = spreadLabels([10, 10, 16, 16], 10, -100, 100);
    const s = [...out].sort((a, b) => a - b);
    for (let k = 1; k < 4; k++) expect(s[k] - s[k - 1]).toBeCloseTo(10, 9);
    expect((s[0] + s[3]) / 2).toBeCloseTo(13, 9);
  });
});
