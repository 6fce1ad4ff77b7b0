import { projectAcross, wellAveraged } from './projection.js';
import type { Raster, RoiPx } from './raster.js';

export interface Orientation {
  /** Angle of the layers, degrees (positive: descending to the right in the image). */
  angleDeg: number;
  /** Sharpness of the averaged profile at that angle (relative; for diagnostics). */
  score: number;
}

/**
 * How sharp the layer profile is when averaged along `angle`: the mean squared difference
 * between neighbouring bins. Averaging along the true layer direction keeps every interface a
 * step; any other angle smears them, so this is largest at the layers' orientation.
 */
function sharpness(r: Raster, roi: RoiPx, angleRad: number): number {
  const pr = projectAcross(r, roi, angleRad);
  const { start, end } = wellAveraged(pr);
  let sum = 0;
  let n = 0;
  for (let i = start + 1; i < end; i++) {
    const d = pr.mean[i] - pr.mean[i - 1];
    sum += d * d;
    n++;
  }
  return n ? sum / n : 0;
}

/**
 * Orientation of the layers by projection search (the angle whose projection is sharpest),
 * over ±`maxDeg`: a coarse 0.5° scan, a 0.05° scan around its best, then a parabola through
 * the best three for the sub-step angle. A projection search, rather than the structure
 * tensor, because the columnar grains of sputtered steel make strong vertical gradients that
 * would pull a tensor's mean orientation, while they average out along the layers.
 */
export function findLayerOrientation(r: Raster, roi: RoiPx, maxDeg = 10): Orientation {
  const rad = Math.PI / 180;
  const scan = (from: number, to: number, step: number) => scanOn(r, roi, from, to, step);
  // The coarse scan only has to find the right half-degree: on a 2 × 2 binned copy it costs a
  // quarter (it was most of an image's analysis time); the fine scan runs at full resolution.
  const binned = roi.width >= 128 && roi.height >= 128 ? bin2(r, roi) : null;
  const coarse = binned ? scanOn(binned.raster, binned.roi, -maxDeg, maxDeg, 0.5) : scan(-maxDeg, maxDeg, 0.5);
  const fineStep = 0.05;
  const fine = scan(Math.max(-maxDeg, coarse.angleDeg - 0.6), Math.min(maxDeg, coarse.angleDeg + 0.6), fineStep);
  const left = sharpness(r, roi, (fine.angleDeg - fineStep) * rad);
  const right = sharpness(r, roi, (fine.angleDeg + fineStep) * rad);
  const curvature = left - 2 * fine.score + right;
  const shift = curvature < 0 ? (0.5 * (left - right)) / curvature : 0;
  return { angleDeg: fine.angleDeg + Math.max(-1, Math.min(1, shift)) * fineStep, score: fine.score };
}

/** The sharpest angle of the projection over [from, to] in steps of `step`, degrees. */
function scanOn(r: Raster, roi: RoiPx, from: number, to: number, step: number): Orientation {
  let best = { angleDeg: 0, score: -Infinity };
  for (let i = 0; from + i * step <= to + 1e-9; i++) {
    const a = from + i * step;
    const s = sharpness(r, roi, (a * Math.PI) / 180);
    if (s > best.score) best = { angleDeg: a, score: s };
  }
  return best;
}

/** The ROI of a raster averaged over 2 × 2 blocks (angles are the same in the binned copy). */
function bin2(r: Raster, roi: RoiPx): { raster: Raster; roi: RoiPx } {
  const width = Math.floor(roi.width / 2);
  const height = Math.floor(roi.height / 2);
  const pixels = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const a = (roi.y + 2 * y) * r.width + roi.x;
    const b = a + r.width;
    for (let x = 0; x < width; x++) {
      pixels[y * width + x] = (r.pixels[a + 2 * x] + r.pixels[a + 2 * x + 1] + r.pixels[b + 2 * x] + r.pixels[b + 2 * x + 1]) / 4;
    }
  }
  return { raster: { width, height, pixels }, roi: { x: 0, y: 0, width, height } };
}
