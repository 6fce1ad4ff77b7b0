/**
 * A depth profile's analyte where its major isotope is under-counted, from the minor one.
 *
 * A profile point sums every pixel of the raster: a pixel that saturates loses counts the sum
 * cannot give back, dead-time corrected on N × pixels or not. The stack path reads those scans
 * from ⁶Li ÷ 0.0811 pixel by pixel (planeCorrection.ts); a profile has no pixels, but its two
 * isotopes say where the major is short: there minor/major stands above the natural ratio by
 * more than counting allows. The sample study's charged state read from its profile alone gave
 * SEI/SE +1.40 ± 0.46 pp against pristine where the truth is +7.87 pp, its Li⁻ under-counted ~2×.
 */
import { minorIsotopeScans } from './planeCorrection.js';

export interface CountSeries {
  values: Float64Array;
  sigma: Float64Array;
}

/** How far (in σ of their difference) the minor must stand above ratio × major for a scan to count as short. */
export const UNDERCOUNT_Z = 3;

/**
 * The major series with its short scans (and their neighbours, as the stack path takes them)
 * read from minor ÷ ratio, σ ÷ ratio. A scan is short where minor − ratio·major exceeds
 * UNDERCOUNT_Z σ of that difference: a test of the counts themselves, not of a threshold on
 * the ratio (a 1.5× threshold left scans 20–50 % short). `scans` marks the scans taken from the
 * minor; `short` counts the scans the test found.
 */
export function fromMinorWhereShort(major: CountSeries, minor: CountSeries, ratio: number): { series: CountSeries; scans: Uint8Array; short: number } {
  const n = major.values.length;
  const isShort = new Uint8Array(n);
  let short = 0;
  for (let i = 0; i < n; i++) {
    const excess = minor.values[i] - ratio * major.values[i];
    const sigma = Math.hypot(minor.sigma[i], ratio * major.sigma[i]);
    if (Number.isFinite(excess) && sigma > 0 && excess > UNDERCOUNT_Z * sigma) {
      isShort[i] = 1;
      short++;
    }
  }
  const scans = short > 0 ? minorIsotopeScans(isShort) : isShort;
  if (short === 0) return { series: major, scans, short };
  const values = Float64Array.from(major.values);
  const sigma = Float64Array.from(major.sigma);
  for (let i = 0; i < n; i++) {
    if (!scans[i]) continue;
    values[i] = minor.values[i] / ratio;
    sigma[i] = minor.sigma[i] / ratio;
  }
  return { series: { values, sigma }, scans, short };
}
