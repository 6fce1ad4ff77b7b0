import { describe, expect, it } from 'vitest';
import { colormapLut, colourRange } from '../../renderer/src/colour.js';
import { colormapLut as figureLut } from '../../core/figures/colormaps.js';
import { interpolateMagma } from 'd3-scale-chromatic';
import { rgb } from 'd3-color';

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

describe("colormapLut: the views' colours are the figures'", () => {
  it('is the figures\' table with an opaque alpha, for every map', () => {
    for (const name of ['viridis', 'cividis', 'magma'] as const) {
      const rgba = colormapLut(name);
      const figure = figureLut(name);
      expect(rgba).toHaveLength(1024);
      for (let i = 0; i < 256; i++) expect([...rgba.subarray(i * 4, i * 4 + 4)]).toEqual([...figure.subarray(i * 3, i * 3 + 3), 255]);
    }
    // And the map itself: magma half way up, as d3 gives it.
    const mid = rgb(interpolateMagma(128 / 255));
    expect([...colormapLut('magma').subarray(128 * 4, 128 * 4 + 3)]).toEqual([mid.r, mid.g, mid.b]);
  });
});
