/**
 * The dead-time correction of a plane's pixels (exact, per pixel, before any sum: N = shots per
 * pixel per scan), by table for integer counts, and the scans a minor isotope stands in for:
 * the per-pixel steps the stack reductions share.
 */
import { correctedValue, correctedVariance, saturatedValue } from './deadTime.js';
import type { PlaneSamples, Samples } from './planeRuns.js';
import type { RoiPixels } from './roi.js';

/** The corrected value N·(H_N − H_{N−i}) and its variance i / (1 − i/N) for each integer count i below N (deadTime.ts). */
export interface CorrectionTable {
  value: Float64Array;
  variance: Float64Array;
}

/**
 * The dead-time correction of every possible integer count (a file's 8/16-bit samples), made
 * once per reduction when N is not absurd: the correction's arithmetic was most of a corrected
 * reduction's time. Entries are computed with the very expressions of the per-pixel
 * paths, so a looked-up value is bit for bit the computed one.
 */
export function correctionTable(shots: number | undefined): CorrectionTable | null {
  if (shots === undefined || !(shots > 0) || shots > 1 << 20) return null;
  const size = Math.ceil(shots);
  const value = new Float64Array(size);
  const variance = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    value[i] = correctedValue(i, shots);
    variance[i] = correctedVariance(i, shots);
  }
  return { value, variance };
}

/** Whether the samples are integers the table covers (Float32 planes may hold fractions). */
export function usesTable(table: CorrectionTable | null, samples: Samples): table is CorrectionTable {
  return table !== null && !(samples instanceof Float32Array);
}

/** Per-pixel corrected values of one plane, row-major; reused from plane to plane. */
export interface CorrectedPlane {
  value: Float64Array;
  variance: Float64Array;
  saturated: Uint8Array;
}

export function planeBuffers(n: number): CorrectedPlane {
  return { value: new Float64Array(n), variance: new Float64Array(n), saturated: new Uint8Array(n) };
}

/**
 * Fills `out` with the plane's ROI pixels (`raw[base …]`), dead-time corrected (`shots`
 * undefined: raw counts, variance = counts); pixels outside the ROI get 0. One tight loop with
 * the correction inlined: this runs once per pixel of every plane of a stack, so it decides
 * the streaming speed. Returns the number of saturated pixels.
 */
export function correctPlaneInto(raw: Samples, base: number, mask: Uint8Array, n: number, shots: number | undefined, out: CorrectedPlane, table: CorrectionTable | null = null): number {
  const { value, variance, saturated } = out;
  const plane = raw.subarray(base, base + n);
  saturated.fill(0);
  if (shots === undefined) {
    for (let k = 0; k < n; k++) {
      const r = plane[k];
      const i = mask[k] && r > 0 ? r : 0;
      value[k] = i;
      variance[k] = i;
    }
    return 0;
  }
  const satValue = saturatedValue(shots);
  let saturatedCount = 0;
  // Integer sample types always use the table; Float32 planes (read one at a time) where the
  // value is a whole count, as a 16-bit file's always is.
  const integers = usesTable(table, plane);
  for (let k = 0; k < n; k++) {
    const r = plane[k];
    saturatedCount += correctCountInto(mask[k] && r > 0 ? r : 0, shots, satValue, table, integers, out, k);
  }
  return saturatedCount;
}

/**
 * Count i dead-time corrected into out[at] (value, variance; `saturated` set to 1 when it is,
 * left as it is otherwise); returns 1 when saturated. One pixel of correctPlaneInto.
 */
export function correctCountInto(i: number, shots: number, satValue: number, table: CorrectionTable | null, integers: boolean, out: CorrectedPlane, at: number): number {
  if (i >= shots) {
    out.value[at] = satValue;
    out.variance[at] = satValue * satValue;
    out.saturated[at] = 1;
    return 1;
  }
  if (table !== null && (integers || Number.isInteger(i))) {
    out.value[at] = table.value[i];
    out.variance[at] = table.variance[i];
  } else {
    // Same formulas as correctCount (deadTime.ts).
    out.value[at] = correctedValue(i, shots);
    out.variance[at] = correctedVariance(i, shots);
  }
  return 0;
}

/**
 * The scans whose every pixel takes the minor isotope: those where the major saturates in any
 * pixel, and their neighbours (1 = minor). Per scan, not per pixel, because a pixel chosen by its
 * own major count is a biased pick: its unsaturated neighbours in the same scan are the draws
 * that happened to stay below N, whose corrected values then average below λ, while the
 * saturated ones take the minor (or, as before, at least the lower bound). With 50 shots the
 * mean estimate was 0.970, 0.953, 0.964 of λ at λ/N = 4, 5, 6 that way; the charged sample
 * study's CC/AAM Li read 0.985 of the truth. Taking the scans beside a saturated one as well
 * leaves the choice to depend on the scan's own major counts only where none of them saturates
 * and both neighbours stay clear: a scan at the edge of a saturated region.
 */
export function minorIsotopeScans(saturatedPerScan: ArrayLike<number>): Uint8Array {
  const n = saturatedPerScan.length;
  const out = new Uint8Array(n);
  for (let s = 0; s < n; s++) {
    if (!(saturatedPerScan[s] > 0)) continue;
    out[s] = 1;
    if (s > 0) out[s - 1] = 1;
    if (s + 1 < n) out[s + 1] = 1;
  }
  return out;
}

/**
 * One scan that takes the minor isotope (see minorIsotopeScans), pixel by pixel into `out`
 * (0 outside the ROI, `mask` null: every pixel): the minor's corrected count × `factor`
 * (1 / abundance ratio), its variance × factor², so its larger relative σ (6Li: 0.0811 of the
 * counts, 3.5× the relative σ) is what the sums carry. A pixel where the minor saturates as well keeps the major's
 * value (the lower bound where the major saturates too). Major-saturated pixels are flagged in
 * `out.saturated`; returns their number.
 */
export function correctMinorPlaneInto(
  major: PlaneSamples,
  minor: PlaneSamples,
  mask: Uint8Array | null,
  n: number,
  shots: number,
  factor: number,
  table: CorrectionTable | null,
  out: CorrectedPlane,
): number {
  const satValue = saturatedValue(shots);
  const majorIntegers = usesTable(table, major.samples);
  const minorIntegers = usesTable(table, minor.samples);
  const f2 = factor * factor;
  if (mask === null && majorIntegers && minorIntegers) return correctMinorByTable(major, minor, n, Int32Array.of(0, n), shots, factor, table, out);
  let saturated = 0;
  out.saturated.fill(0, 0, n);
  for (let k = 0; k < n; k++) {
    if (mask !== null && !mask[k]) {
      out.value[k] = 0;
      out.variance[k] = 0;
      continue;
    }
    const rMajor = major.samples[major.base + k];
    const iMajor = rMajor > 0 ? rMajor : 0;
    if (iMajor >= shots) {
      out.saturated[k] = 1;
      saturated++;
    }
    const rMinor = minor.samples[minor.base + k];
    const iMinor = rMinor > 0 ? rMinor : 0;
    if (iMinor < shots) {
      correctCountInto(iMinor, shots, satValue, table, minorIntegers, out, k);
      out.value[k] *= factor;
      out.variance[k] *= f2;
    } else {
      correctCountInto(iMajor, shots, satValue, table, majorIntegers, out, k);
    }
  }
  return saturated;
}

/**
 * correctMinorPlaneInto for integer samples (both in the table's range), over `runs` of the
 * plane's pixels (roi.ts maskRuns; the whole plane: one run), on its own loop: the planes as
 * views from their first pixel (`samples[base + k]` with a base that is not a small integer took
 * V8's slow path for every load) and the table looked up directly. The same values, to the bit:
 * this was the slowest loop of a new ROI's analysis of a stack whose Li saturates (~3.6 s of
 * CPU over three 2 GB states). Pixels outside the runs are left as they are.
 */
function correctMinorByTable(major: PlaneSamples, minor: PlaneSamples, n: number, runs: Int32Array, shots: number, factor: number, table: CorrectionTable, out: CorrectedPlane): number {
  const majorPlane = major.samples.subarray(major.base, major.base + n);
  const minorPlane = minor.samples.subarray(minor.base, minor.base + n);
  const { value, variance, saturated: flags } = out;
  const { value: tv, variance: tvar } = table;
  const satValue = saturatedValue(shots);
  const satVariance = satValue * satValue;
  const f2 = factor * factor;
  let saturated = 0;
  for (let r = 0; r < runs.length; r += 2) {
    for (let k = runs[r], end = runs[r] + runs[r + 1]; k < end; k++) {
      const rMajor = majorPlane[k];
      const iMajor = rMajor > 0 ? rMajor : 0;
      const majorSaturated = iMajor >= shots;
      flags[k] = majorSaturated ? 1 : 0;
      if (majorSaturated) saturated++;
      const rMinor = minorPlane[k];
      const iMinor = rMinor > 0 ? rMinor : 0;
      if (iMinor < shots) {
        value[k] = tv[iMinor] * factor;
        variance[k] = tvar[iMinor] * f2;
      } else if (majorSaturated) {
        value[k] = satValue;
        variance[k] = satVariance;
      } else {
        value[k] = tv[iMajor];
        variance[k] = tvar[iMajor];
      }
    }
  }
  return saturated;
}

/** Views of `buffers` from pixel `start` on: a run's pixels corrected where the whole plane's would be. */
function buffersFrom(buffers: CorrectedPlane, start: number, length: number): CorrectedPlane {
  const end = start + length;
  return { value: buffers.value.subarray(start, end), variance: buffers.variance.subarray(start, end), saturated: buffers.saturated.subarray(start, end) };
}

/**
 * A scan that takes the minor isotope, corrected pixel by pixel (correctMinorPlaneInto) into
 * `buffers` over the ROI. An ROI of a few runs (a rectangle: one per row, at most) has each run
 * corrected on its own, so only its pixels are; one of many runs (a scattered mask), the whole
 * plane with the mask, as a call per run would cost more than the pixels. Either way each pixel
 * of the ROI gets the very same value (a profile then sums them over the runs, a map adds them
 * run by run); outside it the buffers hold 0 (many runs) or what they held. Returns the ROI's
 * pixels where the major saturates.
 */
export function correctMinorOverRoi(
  major: PlaneSamples,
  minor: PlaneSamples,
  roi: RoiPixels,
  n: number,
  shots: number,
  factor: number,
  table: CorrectionTable | null,
  buffers: CorrectedPlane,
): number {
  if (!roi.fewRuns) return correctMinorPlaneInto(major, minor, roi.mask, n, shots, factor, table, buffers);
  const { runs } = roi;
  if (usesTable(table, major.samples) && usesTable(table, minor.samples)) return correctMinorByTable(major, minor, n, runs, shots, factor, table, buffers);
  let saturated = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const start = runs[r];
    const length = runs[r + 1];
    const majorRun = { samples: major.samples, base: major.base + start };
    const minorRun = { samples: minor.samples, base: minor.base + start };
    saturated += correctMinorPlaneInto(majorRun, minorRun, null, length, shots, factor, table, buffersFrom(buffers, start, length));
  }
  return saturated;
}
