import { describe, expect, it } from 'vitest';
import { projectAcross } from '../../core/sem/projection.js';
import type { Projection } from '../../core/sem/projection.js';
import type { Raster, RoiPx } from '../../core/sem/raster.js';

/** The projection by its definition: each pixel split between the two bins around its u, one by one. */
function projectPixelByPixel(r: Raster, roi: RoiPx, angleRad: number): Projection {
  const s = Math.sin(angleRad);
  const c = Math.cos(angleRad);
  const us = [
    [roi.x, roi.y],
    [roi.x + roi.width - 1, roi.y],
    [roi.x, roi.y + roi.height - 1],
    [roi.x + roi.width - 1, roi.y + roi.height - 1],
  ].map(([x, y]) => -x * s + y * c);
  const u0 = Math.floor(Math.min(...us));
  const n = Math.ceil(Math.max(...us)) - u0 + 2;
  const sum = new Float64Array(n);
  const weight = new Float64Array(n);
  for (let y = roi.y; y < roi.y + roi.height; y++) {
    for (let x = roi.x; x < roi.x + roi.width; x++) {
      const u = y * c - u0 - x * s;
      const i = Math.floor(u);
      const f = u - i;
      const v = r.pixels[y * r.width + x];
      sum[i] += v * (1 - f);
      weight[i] += 1 - f;
      sum[i + 1] += v * f;
      weight[i + 1] += f;
    }
  }
  return { u0, mean: sum.map((v, i) => (weight[i] > 0 ? v / weight[i] : NaN)), weight };
}

function noiseImage(width: number, height: number, seed: number): Raster {
  const pixels = new Float32Array(width * height);
  let state = seed;
  for (let i = 0; i < pixels.length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    // Layers (grey steps every 40 rows) under noise, as a cross-section looks.
    pixels[i] = 60 * Math.floor(i / width / 40) + (state % 1000) / 10;
  }
  return { width, height, pixels };
}

describe('projectAcross', () => {
  const image = noiseImage(301, 211, 7);
  const rois: RoiPx[] = [
    { x: 0, y: 0, width: 301, height: 211 },
    { x: 17, y: 9, width: 250, height: 173 },
    { x: 5, y: 100, width: 1, height: 60 },
  ];
  // Level, tiny, the search's steps and its ±10° ends: runs of one pixel to runs of a whole row.
  const anglesDeg = [0, 0.05, -0.05, 0.37, -1, 2.5, -7.25, 10, -10];

  it.each(rois.flatMap((roi) => anglesDeg.map((a) => [roi, a] as const)))('splits every pixel as one by one does (ROI %o, %f°)', (roi, angleDeg) => {
    const rad = (angleDeg * Math.PI) / 180;
    const got = projectAcross(image, roi, rad);
    const want = projectPixelByPixel(image, roi, rad);
    expect(got.u0).toBe(want.u0);
    expect(got.weight.length).toBe(want.weight.length);
    // The same shares summed in another order: equal to rounding (relative 1e-12).
    for (let i = 0; i < want.weight.length; i++) {
      expect(Math.abs(got.weight[i] - want.weight[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, want.weight[i]));
      if (Number.isNaN(want.mean[i])) expect(got.mean[i]).toBeNaN();
      else expect(Math.abs(got.mean[i] - want.mean[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.mean[i])));
    }
    // Every pixel is counted once: the weights add up to the ROI's pixel count.
    expect(got.weight.reduce((a, b) => a + b, 0)).toBeCloseTo(roi.width * roi.height, 8);
  });

  // A row's shares are summed from the run's first pixel: far along a wide image (x in the
  // thousands) they must still be each pixel's own, and each pixel in the bin its u falls in.
  const wide = noiseImage(6151, 9, 3);
  it.each([0.013, 1.37, -1.37, -4.9, 9.99])('splits every pixel of a 6151-px-wide image as one by one does (%f°)', (angleDeg) => {
    const roi = { x: 0, y: 0, width: 6151, height: 9 };
    const rad = (angleDeg * Math.PI) / 180;
    const got = projectAcross(wide, roi, rad);
    const want = projectPixelByPixel(wide, roi, rad);
    expect(got.weight.length).toBe(want.weight.length);
    for (let i = 0; i < want.weight.length; i++) {
      expect(Math.abs(got.weight[i] - want.weight[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, want.weight[i]));
      if (Number.isNaN(want.mean[i])) expect(got.mean[i]).toBeNaN();
      else expect(Math.abs(got.mean[i] - want.mean[i])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want.mean[i])));
    }
  });
});
