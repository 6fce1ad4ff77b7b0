import type { RoiRect } from '../../../core/api/contract.js';

/** What the 2-D view's statistics table says of one state's map over the pixels it covers. */
export interface LateralStats {
  /** Pixels the numbers are over: the ROI's on this map, or every pixel. */
  pixels: number;
  /** Sum of those pixels and its counting σ. */
  sum: number;
  sumSigma: number;
  /** Mean per pixel, its lateral coefficient of variation, and the CV counting alone would give. */
  mean: number;
  cv: number;
  countingCv: number;
}

/**
 * Lateral statistics of a map (row-major y × x, `width` wide) over `region` (an ROI already
 * clipped to the map), or over every pixel when it is null. The whole field's sum and its σ are
 * the backend's (`field`: made in float64 from the counts, not from the Float32 pixels sent).
 *
 * A region's counting σ is √(the sum of its pixels' `variance`), the map's own: exact for raw
 * counts, for a layer's cut scans (weighted w², their counts w) and for dead-time corrected counts
 * (whose variance grows near saturation, so a region holding more saturated pixels than the
 * field's average has more than its share). Without it, the field's variance is shared out in
 * proportion to counts: exact for raw counts over whole scans only.
 *
 * The CV is the sample's (n − 1), as d3.deviation; the counting CV is √(mean pixel variance) /
 * mean = σ(sum) / √n / mean: a CV well above it is real lateral variation. NaN where undefined.
 */
export function lateralStats(values: ArrayLike<number>, width: number, region: RoiRect | null, field: { total: number; totalSigma: number }, variance?: ArrayLike<number>): LateralStats {
  const height = width > 0 ? Math.floor(values.length / width) : 0;
  const r = region ?? { x0: 0, y0: 0, x1: width, y1: height };
  const n = (r.x1 - r.x0) * (r.y1 - r.y0);
  let pixelSum = 0;
  for (let y = r.y0; y < r.y1; y++) for (let k = y * width + r.x0, end = y * width + r.x1; k < end; k++) pixelSum += values[k];
  const mean = n > 0 ? pixelSum / n : Number.NaN;
  // Squared deviations in a second pass: Σx² − n·mean² cancels away at large counts.
  let squares = 0;
  for (let y = r.y0; y < r.y1; y++)
    for (let k = y * width + r.x0, end = y * width + r.x1; k < end; k++) {
      const d = values[k] - mean;
      squares += d * d;
    }
  const sd = n > 1 ? Math.sqrt(squares / (n - 1)) : Number.NaN;
  let sumSigma: number;
  if (!region) sumSigma = field.totalSigma;
  else if (variance) {
    let v = 0;
    for (let y = r.y0; y < r.y1; y++) for (let k = y * width + r.x0, end = y * width + r.x1; k < end; k++) v += variance[k];
    sumSigma = Math.sqrt(Math.max(0, v));
  } else sumSigma = field.totalSigma * Math.sqrt(field.total > 0 ? Math.max(0, pixelSum) / field.total : 0);
  return {
    pixels: n,
    sum: region ? pixelSum : field.total,
    sumSigma,
    mean,
    cv: mean > 0 ? sd / mean : Number.NaN,
    countingCv: mean > 0 ? sumSigma / Math.sqrt(n) / mean : Number.NaN,
  };
}
