/**
 * The dead-time correction of a plane's pixels (exact, per pixel, before any sum: N = shots per
 * pixel per scan), by table for integer counts, and the saturated pixels a minor isotope stands
 * in for: the per-pixel steps the stack reductions share.
 */
import { correctedValue, correctedVariance, saturatedValue } from './deadTime.js';
import type { PlaneSamples, Samples } from './planeRuns.js';

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
 * The pixels of a plane flagged saturated, and the minor isotope's corrected counts there:
 * `at[j]` is the pixel, `minor` its value, variance and saturation at j. Only those pixels are
 * corrected (a few in a plane as a rule, where correcting the whole plane took most of an
 * analysis of a stack with saturated scans).
 */
export interface SaturatedPixels {
  count: number;
  at: Int32Array;
  minor: CorrectedPlane;
}

/** Buffers for `count` saturated pixels: `reuse` when it is large enough. */
export function saturatedBuffers(count: number, reuse: SaturatedPixels | null): SaturatedPixels {
  const out = reuse !== null && reuse.at.length >= count ? reuse : { count, at: new Int32Array(count), minor: planeBuffers(count) };
  out.count = count;
  return out;
}

/** The plane's first `out.count` flagged pixels (flags[k] ≠ 0), in pixel order, into `out.at`. */
export function atFlagged(out: SaturatedPixels, flags: Uint8Array, n: number): SaturatedPixels {
  let j = 0;
  for (let k = 0; k < n && j < out.count; k++) if (flags[k]) out.at[j++] = k;
  return out;
}

/**
 * The first `out.count` pixels of a plane of integer counts at or above `size` (saturated, by
 * the test of the sums', the kernel's included), in pixel order, into `out.at`: no flags are
 * written for them first.
 */
export function atOrAbove(out: SaturatedPixels, raw: Samples, base: number, n: number, size: number): SaturatedPixels {
  let j = 0;
  for (let k = 0; k < n && j < out.count; k++) if (raw[base + k] >= size) out.at[j++] = k;
  return out;
}

/** The minor isotope's corrected counts at the pixels `out.at`, from its plane of the same scan. */
export function minorAt(out: SaturatedPixels, minor: PlaneSamples, shots: number, table: CorrectionTable | null): SaturatedPixels {
  out.minor.saturated.fill(0, 0, out.count);
  const satValue = saturatedValue(shots);
  const integers = usesTable(table, minor.samples);
  for (let j = 0; j < out.count; j++) {
    const r = minor.samples[minor.base + out.at[j]];
    correctCountInto(r > 0 ? r : 0, shots, satValue, table, integers, out.minor, j);
  }
  return out;
}
