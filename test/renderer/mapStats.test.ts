import { describe, expect, it } from 'vitest';
import { clipRect } from '../../core/sims/roi.js';
import { lateralStats } from '../../renderer/src/views/mapStats.js';

/** A 4 × 3 map (row-major y × x) whose left half is bright: a crater rim, say. */
const W = 4;
const values = Float32Array.from([
  100, 100, 10, 10, //
  100, 100, 10, 10, //
  100, 100, 10, 10,
]);
const total = 660;

describe('clipRect: an ROI drawn on one map, on a map of another size', () => {
  it('keeps the part on the map, and nothing when none is', () => {
    expect(clipRect({ x0: 1, y0: 1, x1: 3, y1: 3 }, 4, 3)).toEqual({ x0: 1, y0: 1, x1: 3, y1: 3 });
    expect(clipRect({ x0: 2, y0: 1, x1: 40, y1: 30 }, 4, 3)).toEqual({ x0: 2, y0: 1, x1: 4, y1: 3 });
    expect(clipRect({ x0: 8, y0: 0, x1: 12, y1: 2 }, 4, 3)).toBeNull();
  });
});

describe('lateralStats: the 2-D view’s statistics over the ROI or the whole field', () => {
  it('whole field: the backend’s sum and σ, the mean and sample CV of every pixel', () => {
    const st = lateralStats(values, W, null, { total, totalSigma: Math.sqrt(total) });
    expect(st.pixels).toBe(12);
    expect(st.sum).toBe(660);
    expect(st.sumSigma).toBeCloseTo(Math.sqrt(660), 9);
    expect(st.mean).toBeCloseTo(55, 9);
    // Six pixels 45 above the mean, six 45 below: sample variance 12·45² / 11.
    expect(st.cv).toBeCloseTo(Math.sqrt((12 * 45 ** 2) / 11) / 55, 9);
    // Poisson: √(mean variance) / mean = √55 / 55.
    expect(st.countingCv).toBeCloseTo(1 / Math.sqrt(55), 9);
  });

  it('an ROI on the dim half: its own sum, mean and CV; σ of raw counts is √(its sum)', () => {
    const st = lateralStats(values, W, { x0: 2, y0: 0, x1: 4, y1: 3 }, { total, totalSigma: Math.sqrt(total) });
    expect(st.pixels).toBe(6);
    expect(st.sum).toBe(60);
    expect(st.sumSigma).toBeCloseTo(Math.sqrt(60), 9);
    expect(st.mean).toBe(10);
    expect(st.cv).toBe(0); // uniform inside the ROI, where the whole field's CV was 82 %
    expect(st.countingCv).toBeCloseTo(1 / Math.sqrt(10), 9);
  });

  it('an ROI across both halves, one row: the pixels of that row only', () => {
    const st = lateralStats(values, W, { x0: 1, y0: 1, x1: 3, y1: 2 }, { total, totalSigma: Math.sqrt(total) });
    expect(st.pixels).toBe(2);
    expect(st.sum).toBe(110);
    expect(st.mean).toBe(55);
    expect(st.cv).toBeCloseTo(Math.sqrt(2 * 45 ** 2) / 55, 9);
  });

  it("with the map's variance: a region's σ is √(its pixels' variance), not the field's shared out by counts", () => {
    // Corrected counts near saturation: the bright half's pixels carry 5× their counts' variance, the dim half's 1×.
    const variance = Float32Array.from(values, (v) => (v === 100 ? 500 : 10));
    const fieldVariance = 6 * 500 + 6 * 10;
    const bright = lateralStats(values, W, { x0: 0, y0: 0, x1: 2, y1: 3 }, { total, totalSigma: Math.sqrt(fieldVariance) }, variance);
    expect(bright.sumSigma).toBeCloseTo(Math.sqrt(6 * 500), 9);
    const dim = lateralStats(values, W, { x0: 2, y0: 0, x1: 4, y1: 3 }, { total, totalSigma: Math.sqrt(fieldVariance) }, variance);
    expect(dim.sumSigma).toBeCloseTo(Math.sqrt(6 * 10), 9);
    expect(dim.countingCv).toBeCloseTo(Math.sqrt(60) / Math.sqrt(6) / 10, 9);
    // Shared out by counts the dim half would have taken 60/660 of the field's: √(3060·60/660) ≈ 16.7, not √60 ≈ 7.7.
    expect(lateralStats(values, W, { x0: 2, y0: 0, x1: 4, y1: 3 }, { total, totalSigma: Math.sqrt(fieldVariance) }).sumSigma).toBeCloseTo(Math.sqrt((fieldVariance * 60) / 660), 9);
    // The whole field: the backend's σ (made in float64 from the counts).
    expect(lateralStats(values, W, null, { total, totalSigma: 55.3 }, variance).sumSigma).toBe(55.3);
  });

  it('without a variance map: the field’s variance shared out by counts (variance above the counts’)', () => {
    // Corrected counts carry more variance than Poisson: here twice the counts over the field.
    const st = lateralStats(values, W, { x0: 0, y0: 0, x1: 2, y1: 3 }, { total, totalSigma: Math.sqrt(2 * total) });
    expect(st.sum).toBe(600);
    expect(st.sumSigma).toBeCloseTo(Math.sqrt(2 * 600), 9);
  });

  it('an empty map: no CV, σ 0', () => {
    const st = lateralStats(new Float32Array(12), W, { x0: 0, y0: 0, x1: 2, y1: 2 }, { total: 0, totalSigma: 0 });
    expect(st.sum).toBe(0);
    expect(st.sumSigma).toBe(0);
    expect(Number.isNaN(st.cv)).toBe(true);
    expect(Number.isNaN(st.countingCv)).toBe(true);
  });
});
