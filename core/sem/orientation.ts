import { projectAcross, wellAveraged } from './projection.js';
import type { Raster, RoiPx } from './raster.js';

export interface Orientation {
  /** Angle of the layers, degrees (positive: descending to the right in the image). */
  angleDeg: number;
  /** Sharpness of the averaged profile at that angle (relative; for diagnostics). */
  score: number;
  /** columnToRowContrast of the ROI: far above 1 where the layers run top to bottom. */
  columnToRowContrast: number;
}

/** Bands each way columnToRowContrast averages the ROI in. */
const CONTRAST_BANDS = 128;

/**
 * How much more the ROI changes from column to column than from row to row: the variance of
 * the means of its CONTRAST_BANDS column bands over that of its row bands. Layers running left to
 * right make the rows differ and the columns alike (the sample's sections: 0.001); turned 90°, the
 * same sections give ~1000; SEM images of anything else lie between (the real files in
 * shared/data/sem: 0.4–2.1). The search for the layers' angle looks within ±10° of horizontal
 * only, and finds some angle whatever the image.
 */
export function columnToRowContrast(r: Raster, roi: RoiPx): number {
  const rowBands = new Float64Array(CONTRAST_BANDS);
  const rowCounts = new Float64Array(CONTRAST_BANDS);
  const colBands = new Float64Array(CONTRAST_BANDS);
  const colCounts = new Float64Array(CONTRAST_BANDS);
  for (let y = 0; y < roi.height; y++) {
    const rowBand = Math.floor((y * CONTRAST_BANDS) / roi.height);
    const at = (roi.y + y) * r.width + roi.x;
    for (let x = 0; x < roi.width; x++) {
      const v = r.pixels[at + x];
      const colBand = Math.floor((x * CONTRAST_BANDS) / roi.width);
      rowBands[rowBand] += v;
      rowCounts[rowBand]++;
      colBands[colBand] += v;
      colCounts[colBand]++;
    }
  }
  const varianceOfMeans = (sums: Float64Array, counts: Float64Array): number => {
    const means = Array.from(sums, (s, k) => s / counts[k]).filter(Number.isFinite);
    const mean = means.reduce((a, b) => a + b, 0) / means.length;
    return means.reduce((a, b) => a + (b - mean) ** 2, 0) / means.length;
  };
  const rows = varianceOfMeans(rowBands, rowCounts);
  const cols = varianceOfMeans(colBands, colCounts);
  return rows > 0 ? cols / rows : cols > 0 ? Infinity : 1;
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

/** Pixels of the copy the coarse 0.5° scan runs on: it only has to find the right half-degree. */
const COARSE_PIXELS = 1 << 20;
/**
 * Pixels of the copy the fine 0.05° scan runs on. Binning k × k smears each projected interface
 * by k pixels on both sides alike, so the sharpest angle stays where it was; 4 MP keeps ≥ 2000
 * px across a wide image, where 0.05° still moves its ends by ~2 px. Images up to this size
 * are scanned at full resolution as before.
 */
const FINE_PIXELS = 4 << 20;

/**
 * Orientation of the layers by projection search (the angle whose projection is sharpest),
 * over ±`maxDeg`: a coarse 0.5° scan, a 0.05° scan around its best, then a parabola through
 * the best three (at full resolution) for the sub-step angle. A projection search, rather than
 * the structure tensor, because the columnar grains of sputtered steel make strong vertical
 * gradients that would pull a tensor's mean orientation, while they average out along the
 * layers. The scans run on binned copies of a large ROI (≤ 1 MP coarse, ≤ 4 MP fine): a
 * 6144 × 4096 image took ~38 full-resolution projections, 3.2 s of its 3.6 s.
 */
export function findLayerOrientation(r: Raster, roi: RoiPx, maxDeg = 10): Orientation {
  const rad = Math.PI / 180;
  const pixels = roi.width * roi.height;
  const canBin = roi.width >= 128 && roi.height >= 128;
  // The coarse scan on a 2 × 2 binned copy at least (it was most of an image's analysis time).
  const coarseOn = canBin ? binned(r, roi, Math.max(2, binFactor(pixels, COARSE_PIXELS))) : { raster: r, roi };
  const coarse = scanOn(coarseOn.raster, coarseOn.roi, -maxDeg, maxDeg, 0.5);
  const fineStep = 0.05;
  const fineFactor = canBin ? binFactor(pixels, FINE_PIXELS) : 1;
  const fineOn = fineFactor > 1 ? binned(r, roi, fineFactor) : { raster: r, roi };
  const fine = scanOn(fineOn.raster, fineOn.roi, Math.max(-maxDeg, coarse.angleDeg - 0.6), Math.min(maxDeg, coarse.angleDeg + 0.6), fineStep);
  const centre = fineFactor > 1 ? sharpness(r, roi, fine.angleDeg * rad) : fine.score;
  const left = sharpness(r, roi, (fine.angleDeg - fineStep) * rad);
  const right = sharpness(r, roi, (fine.angleDeg + fineStep) * rad);
  const curvature = left - 2 * centre + right;
  const shift = curvature < 0 ? (0.5 * (left - right)) / curvature : 0;
  return { angleDeg: fine.angleDeg + Math.max(-1, Math.min(1, shift)) * fineStep, score: centre, columnToRowContrast: columnToRowContrast(coarseOn.raster, coarseOn.roi) };
}

/** The least k for which k × k binning brings `pixels` to at most `target`. */
const binFactor = (pixels: number, target: number): number => Math.max(1, Math.ceil(Math.sqrt(pixels / target)));

/** The sharpest angle of the projection over [from, to] in steps of `step`, degrees. */
function scanOn(r: Raster, roi: RoiPx, from: number, to: number, step: number): { angleDeg: number; score: number } {
  let best = { angleDeg: 0, score: -Infinity };
  for (let i = 0; from + i * step <= to + 1e-9; i++) {
    const a = from + i * step;
    const s = sharpness(r, roi, (a * Math.PI) / 180);
    if (s > best.score) best = { angleDeg: a, score: s };
  }
  return best;
}

/** The ROI of a raster averaged over k × k blocks (angles are the same in the binned copy). */
function binned(r: Raster, roi: RoiPx, k: number): { raster: Raster; roi: RoiPx } {
  const width = Math.floor(roi.width / k);
  const height = Math.floor(roi.height / k);
  const pixels = new Float32Array(width * height);
  const rowSums = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    rowSums.fill(0);
    for (let dy = 0; dy < k; dy++) {
      const row = (roi.y + k * y + dy) * r.width + roi.x;
      for (let x = 0; x < width; x++) {
        const at = row + k * x;
        let s = 0;
        for (let dx = 0; dx < k; dx++) s += r.pixels[at + dx];
        rowSums[x] += s;
      }
    }
    for (let x = 0; x < width; x++) pixels[y * width + x] = rowSums[x] / (k * k);
  }
  return { raster: { width, height, pixels }, roi: { x: 0, y: 0, width, height } };
}
