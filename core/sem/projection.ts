import type { Raster, RoiPx } from './raster.js';

/**
 * Averaging along the layers. Layers run along the direction (cos α, sin α) in image
 * coordinates (x right, y down: a positive α means the layers descend to the right); the
 * coordinate across them is u = −x·sin α + y·cos α, which grows downwards. Every pixel of the
 * ROI is split linearly between the two 1-px bins around its u, so the averaged profile is
 * sampled every pixel along the layer normal whatever the angle.
 */
export interface Projection {
  /** u of bin 0, px; bin i is at u0 + i. */
  u0: number;
  /** Mean grey level per bin (NaN where no pixel fell). */
  mean: Float64Array;
  /** Weight (pixel count) per bin: low at the ends of a rotated ROI. */
  weight: Float64Array;
}

export function projectAcross(r: Raster, roi: RoiPx, angleRad: number): Projection {
  const s = Math.sin(angleRad);
  const c = Math.cos(angleRad);
  const corners = [
    [roi.x, roi.y],
    [roi.x + roi.width - 1, roi.y],
    [roi.x, roi.y + roi.height - 1],
    [roi.x + roi.width - 1, roi.y + roi.height - 1],
  ].map(([x, y]) => -x * s + y * c);
  const u0 = Math.floor(Math.min(...corners));
  const n = Math.ceil(Math.max(...corners)) - u0 + 2;
  const sum = new Float64Array(n);
  const weight = new Float64Array(n);
  const p = r.pixels;
  const xEnd = roi.x + roi.width;
  for (let y = roi.y; y < roi.y + roi.height; y++) {
    const row = y * r.width;
    const base = y * c - u0;
    // Along a row u changes by s < 1 a pixel, so pixels come in runs that share their pair of
    // bins (~57 pixels at 1°; the orientation search makes ~70 projections of every image). A
    // pixel x of the run from x0 in bins i, i + 1 has u − i = f0 − s·(x − x0): its share of bin
    // i + 1 summed over the run is f0·Σv − s·Σv·(x − x0), so the loop over the run's pixels only
    // sums v and v·(x − x0). (Each pixel's u worked out and split alone took twice as long.)
    let x = roi.x;
    while (x < xEnd) {
      const uStart = base - x * s;
      const i = Math.floor(uStart);
      const end = runEnd(base, s, i, x, xEnd);
      const fStart = uStart - i;
      let values = 0;
      let weighted = 0;
      for (let dx = 0, k = row + x, kEnd = row + end; k < kEnd; k++, dx++) {
        const v = p[k];
        values += v;
        weighted += v * dx;
      }
      const pixels = end - x;
      const valueShare = fStart * values - s * weighted;
      const share = pixels * fStart - (s * pixels * (pixels - 1)) / 2;
      sum[i] += values - valueShare;
      weight[i] += pixels - share;
      sum[i + 1] += valueShare;
      weight[i + 1] += share;
      x = end;
    }
  }
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) mean[i] = weight[i] > 0 ? sum[i] / weight[i] : NaN;
  return { u0, mean, weight };
}

/**
 * The end (exclusive) of the run of pixels from x0 whose u = base − x·s lies in [i, i + 1):
 * worked out from the line, then settled by evaluating u as the pixels' own, so each pixel goes
 * to the bin its u falls in (u is monotonic in x, x0's is in the bin).
 */
function runEnd(base: number, s: number, i: number, x0: number, xEnd: number): number {
  let end = s > 0 ? Math.floor((base - i) / s) + 1 : s < 0 ? Math.ceil((i + 1 - base) / -s) : xEnd;
  end = Math.min(xEnd, Math.max(x0 + 1, end));
  while (end < xEnd && inBin(base, s, i, end)) end++;
  while (end > x0 + 1 && !inBin(base, s, i, end - 1)) end--;
  return end;
}

/** Whether pixel x's u = base − x·s, as projectAcross works it out, lies in [i, i + 1). */
function inBin(base: number, s: number, i: number, x: number): boolean {
  const u = base - x * s;
  return u >= i && u < i + 1;
}

/**
 * The bins that are well averaged: weight at least half the largest. At the ends of a rotated
 * ROI only a corner of it falls into a bin, and those means are noisy and biased.
 */
export function wellAveraged(pr: Projection, share = 0.5): { start: number; end: number } {
  let max = 0;
  for (const w of pr.weight) if (w > max) max = w;
  let start = 0;
  while (start < pr.weight.length && pr.weight[start] < share * max) start++;
  let end = pr.weight.length;
  while (end > start && pr.weight[end - 1] < share * max) end--;
  return { start, end };
}
