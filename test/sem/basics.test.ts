import { describe, expect, it } from 'vitest';
import { boxProfile, lineProfile, percentileStretch, scaleFromPoints, withPixelSize } from '../../core/sem/index.js';
import { binnedGrey, displayLevels, linearLevels } from '../../core/sem/contrast.js';
import { normalThicknessNm } from '../../core/sem/tilt.js';
import { syntheticSection } from './synthetic.js';

const ramp = (w: number, h: number, f: (x: number, y: number) => number) => {
  const pixels = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels[y * w + x] = f(x, y);
  return { width: w, height: h, pixels };
};

describe('percentile contrast stretch', () => {
  it('clips 0.35 % of the pixels, split between the tails, and maps the rest onto 0..255', () => {
    const r = ramp(100, 100, (x, y) => y * 100 + x); // 0..9999, each value once
    const s = percentileStretch(r, 0.35);
    expect(s.low).toBe(17); // floor(0.00175 · 10000)
    expect(s.high).toBe(9982);
    // Pixels beyond the limits (saturated): 0.35 % of 10 000 = 35, ± 2 for the rounding of ranks.
    const saturated = Array.from(r.pixels).filter((v) => v < s.low || v > s.high).length;
    expect(Math.abs(saturated - 35)).toBeLessThanOrEqual(2);
    expect(s.display[17]).toBe(0);
    expect(s.display[9982]).toBe(255);
    expect(s.display[50 * 100 + 0]).toBeCloseTo(((5000 - 17) / (9982 - 17)) * 255, -0.5);
  });

  it('leaves a flat image mid-grey instead of dividing by zero', () => {
    const s = percentileStretch(ramp(10, 10, () => 7));
    expect(new Set(s.display)).toEqual(new Set([128]));
  });
});

describe('display levels (workbench and figures)', () => {
  it('maps the 0.5 and 99.5 percentiles onto 0 and 255, so one hot pixel does not wash the image out', () => {
    const r = ramp(100, 100, (x, y) => y * 100 + x); // 0..9999, each value once
    r.pixels[5000] = 1e9;
    const toByte = displayLevels(r);
    // R-7 quantiles of 0..9999 with 5000 replaced by a value above them all: 49.995 and 9950.005.
    expect(toByte(49.995)).toBe(0);
    expect(toByte(50.5)).toBe(0);
    expect(toByte(9950.005)).toBe(255);
    expect(toByte(9900)).toBe(254); // 9850.005 · 255 / 9900.01 = 253.7
    expect(Math.abs(toByte(5000) - 127.5)).toBeLessThanOrEqual(0.5);
    expect(toByte(1e9)).toBe(255);
    expect(toByte(-5)).toBe(0);
  });

  it('takes the levels from a strided sample of a big image', () => {
    // 2000 × 1000 pixels: every 10th is sampled; the ramp's quantiles barely move.
    const r = ramp(2000, 1000, (x, y) => (y * 2000 + x) / 2000);
    const toByte = displayLevels(r);
    expect(toByte(0.005 * 1000)).toBeLessThanOrEqual(1);
    expect(toByte(0.995 * 1000)).toBeGreaterThanOrEqual(254);
  });

  it('bins by box averages, leaving out a partial last row and column of bins', () => {
    const r = ramp(5, 5, (x, y) => 10 * y + x);
    const means: number[] = [];
    const out = binnedGrey(r, 2, (v) => (means.push(v), Math.round(v)));
    // Bins of 2 × 2: (0, 1, 10, 11) → 5.5, … ; row 4 and column 4 are left out.
    expect(means).toEqual([5.5, 7.5, 25.5, 27.5]);
    expect(Array.from(out)).toEqual([6, 8, 26, 28]);
    expect(linearLevels(10, 10)(12)).toBe(0);
  });
});

describe('line and box profiles', () => {
  // Bilinear interpolation is exact on a linear image: every sample has a known value.
  const img = ramp(60, 40, (x, y) => 2 * x + 3 * y);

  it('samples every pixel along the line, bilinear between pixel centres', () => {
    const p = lineProfile(img, { x: 10.5, y: 5.25 }, { x: 30.5, y: 5.25 });
    expect(p.value.length).toBe(21);
    p.value.forEach((v, i) => expect(v).toBeCloseTo(2 * (10.5 + i) + 3 * 5.25, 9));
  });

  it('averages `width` samples on the perpendicular (a symmetric average of a linear image)', () => {
    const p = lineProfile(img, { x: 20, y: 10 }, { x: 20, y: 30 }, 7);
    p.value.forEach((v, i) => expect(v).toBeCloseTo(2 * 20 + 3 * (10 + i), 9));
    // Across a vertical line the samples step 1 px in x: spread = 2 · std(−3..3) = 2·2.
    expect(p.spread[5]).toBeCloseTo(4, 9);
  });

  it('follows diagonal lines in 1-px steps', () => {
    const p = lineProfile(img, { x: 5, y: 5 }, { x: 35, y: 45 }); // length 50, ends off the image
    expect(p.value.length).toBe(51);
    expect(p.value[10]).toBeCloseTo(2 * (5 + 6) + 3 * (5 + 8), 9);
    expect(Number.isNaN(p.value[50])).toBe(true);
  });

  it('box profile: the mean of each row (vertical) or column (horizontal)', () => {
    const v = boxProfile(img, { x: 10, y: 4, width: 11, height: 6 }, 'vertical');
    expect(Array.from(v.value)).toEqual([0, 1, 2, 3, 4, 5].map((i) => 2 * 15 + 3 * (4 + i)));
    const h = boxProfile(img, { x: 10, y: 4, width: 3, height: 5 }, 'horizontal');
    expect(Array.from(h.value)).toEqual([0, 1, 2].map((i) => 2 * (10 + i) + 3 * 6));
  });
});

describe('manual calibration', () => {
  const img = syntheticSection({ width: 32, height: 32, pixelSizeNm: 1, topNm: 5, thicknessesNm: [10], levels: [0, 100, 50] });

  it('sets the scale from two clicked points and a typed length', () => {
    const c = scaleFromPoints({ ...img, pixelSizeNm: null, pixelSizeSource: 'none' }, { x: 0, y: 0 }, { x: 300, y: 400 }, 1000);
    expect(c.pixelSizeNm).toBeCloseTo(2, 12);
    expect(c.pixelSizeSource).toBe('manual');
    expect(c.pixels).toBe(img.pixels);
    expect(() => scaleFromPoints(img, { x: 1, y: 1 }, { x: 1, y: 1 }, 100)).toThrow(RangeError);
    expect(() => scaleFromPoints(img, { x: 1, y: 1 }, { x: 2, y: 1 }, -5)).toThrow(RangeError);
  });

  it('or from a typed pixel size', () => {
    expect(withPixelSize(img, 3.5)).toMatchObject({ pixelSizeNm: 3.5, pixelSizeSource: 'manual' });
    expect(() => withPixelSize(img, 0)).toThrow(RangeError);
  });
});

describe('tilt correction', () => {
  it('divides the vertical by cos θ for level layers and leaves untilted ones alone', () => {
    expect(normalThicknessNm(100, 2, 0, 60)).toBeCloseTo(400, 9);
    expect(normalThicknessNm(100, 2, 0.1, 0)).toBeCloseTo(200, 9);
  });

  it('foreshortens only the vertical component of rotated layers', () => {
    // α = 90°: the layers are vertical, the thickness is horizontal and untouched by tilt.
    expect(normalThicknessNm(50, 1, Math.PI / 2, 70)).toBeCloseTo(50, 9);
  });
});
