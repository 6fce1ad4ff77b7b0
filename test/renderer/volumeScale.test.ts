import { describe, expect, it } from 'vitest';
import { volumeColourScale } from '../../renderer/src/views/volumeScale.js';

describe("volumeColourScale: the 3-D view's one colour scale", () => {
  it("tops at the highest state's 99.8 % quantile, not at one hot voxel; from 0", () => {
    const scale = volumeColourScale([
      { highQuantile: 40, max: 45 },
      { highQuantile: 90, max: 5000 },
      { highQuantile: 60, max: 70 },
    ]);
    expect(scale.range).toEqual([0, 90]);
    expect(scale.brightest).toBe(5000);
  });

  it('keeps a range with ticks where every voxel is 0 (an ion the stacks lack), and nothing above it', () => {
    expect(volumeColourScale([{ highQuantile: 0, max: 0 }])).toEqual({ range: [0, 1], brightest: 1 });
    expect(volumeColourScale([])).toEqual({ range: [0, 1], brightest: 1 });
  });
});
