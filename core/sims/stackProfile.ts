/**
 * Depth profiles from a 3-D ion stack: each ion's counts per scan over an ROI, dead-time
 * corrected per pixel before the sum, in one streaming pass over its planes (planeRuns.ts).
 */
import type { IonStack } from '../model/ionStack.js';
import type { IonChannel } from '../model/ions.js';
import { saturatedValue } from './deadTime.js';
import { correctedPlaneSums, type CorrectedPlaneSums } from './kernels/u16Sums.js';
import { correctionTable, correctMinorOverRoi, correctPlaneInto, minorIsotopeScans, planeBuffers, type CorrectedPlane, type CorrectionTable } from './planeCorrection.js';
import { ionPlaneRuns, planeByScan, runBufferBytes, type Samples } from './planeRuns.js';
import { roiMask, roiPixelCount, roiPixels, type Roi } from './roi.js';

export interface StackProfileOptions {
  roi?: Roi;
  /** Ion indices to profile; default all of the stack's ions. */
  ions?: number[];
  /** N for the dead-time correction; default the stack's. Without one, counts stay raw. */
  shotsPerPixel?: number;
  /** Set false to skip the correction even when N is known. Default true. */
  deadTime?: boolean;
  /** Time of each scan, s, overriding the stack's (e.g. the matching profile's when the stack
   * file carried no times and the reader fell back to scan indices). */
  timeS?: Float64Array;
  /**
   * Minor isotope standing in for the profiled ion where it saturates (e.g. 6Li for 7Li): every
   * pixel of a scan that takes it (a scan with saturated pixels and its neighbours, see
   * minorIsotopeScans) gets the corrected minor-isotope count × `factor` (1 / abundance ratio),
   * σ likewise. Saturated pixels are still counted as saturated. `scans` (1 = minor, per scan)
   * gives those scans instead: how window maps use the very scans their profile did.
   */
  substitute?: { ionIndex: number; factor: number; scans?: ArrayLike<number> };
  /** Stops a long reduction (the UI's cancel): checked between reads, rejects with its reason. */
  signal?: AbortSignal;
  /** Called after each plane read (progress; throwing cancels), with the planes done and to do. */
  onPlane?: (done: number, total: number) => void | Promise<void>;
  /** False: sum in JavaScript only, not in the WebAssembly kernels (the same numbers). */
  simd?: boolean;
}

export interface StackProfile {
  timeS: Float64Array;
  ions: IonChannel[];
  /** Per ion (in `ions` order): counts per scan summed over the ROI. */
  counts: Float64Array[];
  /** Per ion: Poisson σ per scan (per-pixel σ added in quadrature). */
  sigma: Float64Array[];
  /** Per ion: saturated pixels per scan. */
  saturatedPixels: Int32Array[];
  /** Per ion: 1 for the scans that took the minor isotope (`substitute`), else 0. */
  minorIsotopeScans: Uint8Array[];
  saturatedTotal: number;
  pixelCount: number;
  deadTimeCorrected: boolean;
  shotsPerPixel?: number;
}

/**
 * A plane's corrected sum is made in four lanes: pixel k added into lane k mod 4, in pixel
 * order, and the total is (lane 0 + lane 1) + (lane 2 + lane 3). With one running sum each add
 * waited for the one before; four let them overlap (the kernel, sumCorrectedU16, takes half the
 * time). Every path sums a plane this way, so all give the very same numbers.
 */
function laneTotal(lanes: Float64Array): number {
  return lanes[0] + lanes[1] + (lanes[2] + lanes[3]);
}

interface PlaneSum {
  counts: number;
  variance: number;
  saturated: number;
}

/**
 * A plane's corrected sum, variance and saturated pixels in one loop, for 16-bit counts over
 * the whole image: the same terms added in the same lanes (laneTotal) as correctPlaneInto then
 * the sum, so the same numbers, without writing three per-pixel arrays (most of a profile's
 * time). False when the plane is not of this kind (then the caller takes the full path).
 */
function sumPlaneFast(
  raw: Samples,
  base: number,
  n: number,
  shots: number | undefined,
  table: CorrectionTable | null,
  out: PlaneSum,
  kernel: CorrectedPlaneSums | null,
): boolean {
  const plane = raw.subarray(base, base + n);
  if (!(plane instanceof Uint16Array)) return false;
  if (kernel && shots !== undefined) {
    // The same loop in WebAssembly (the same numbers: see sumCorrectedU16).
    kernel.sum(plane, out);
    return true;
  }
  let c = 0;
  let v = 0;
  let saturated = 0;
  if (shots === undefined) {
    for (let k = 0; k < n; k++) c += plane[k];
    v = c;
  } else {
    if (table === null) return false;
    const { value: tv, variance: tvar } = table;
    const size = tv.length;
    const satValue = saturatedValue(shots);
    const satVariance = satValue * satValue;
    const cl = new Float64Array(4);
    const vl = new Float64Array(4);
    for (let k = 0; k < n; k++) {
      const i = plane[k];
      const lane = k & 3;
      if (i < size) {
        cl[lane] += tv[i];
        vl[lane] += tvar[i];
      } else {
        cl[lane] += satValue;
        vl[lane] += satVariance;
        saturated++;
      }
    }
    c = laneTotal(cl);
    v = laneTotal(vl);
  }
  out.counts = c;
  out.variance = v;
  out.saturated = saturated;
  return true;
}

/**
 * sumPlaneFast over an ROI: the plane's ROI pixels only, run by run (`runs`: roi.ts maskRuns),
 * for integer samples of any width. Each pixel's term is correctPlaneInto's and goes into the
 * lane of its index in the whole plane, in pixel order, so the sums are the full path's, whose
 * outside pixels only add 0 to their lanes (x + 0 = x). An ROI profile then costs what its
 * pixels do, not a whole plane corrected into arrays and summed (a 10 × 10 px ROI of the 2 GB
 * bench stack took ~25 s that way, the whole field ~2 s). False for Float32 planes (counts that
 * may not be whole) and corrections without a table: then the full path.
 */
function sumRoiFast(
  raw: Samples,
  base: number,
  n: number,
  runs: Int32Array,
  shots: number | undefined,
  table: CorrectionTable | null,
  out: PlaneSum,
  kernel: CorrectedPlaneSums | null,
): boolean {
  const plane = raw.subarray(base, base + n);
  if (plane instanceof Float32Array) return false;
  if (kernel && shots !== undefined && plane instanceof Uint16Array) {
    kernel.sumRuns(plane, out);
    return true;
  }
  if (shots === undefined) {
    // Whole counts (negative ones as 0, as correctPlaneInto takes them): every partial sum is an
    // integer far below 2^53, so exact in any order, as the full path's lanes are.
    let c = 0;
    for (let r = 0; r < runs.length; r += 2) {
      for (let k = runs[r], end = runs[r] + runs[r + 1]; k < end; k++) {
        const count = plane[k];
        c += count > 0 ? count : 0;
      }
    }
    out.counts = c;
    out.variance = c;
    out.saturated = 0;
    return true;
  }
  if (table === null) return false;
  const { value: tv, variance: tvar } = table;
  // A whole count below the table's size (⌈N⌉) is below N, so the table's; from it on, saturated.
  const size = tv.length;
  const satValue = saturatedValue(shots);
  const satVariance = satValue * satValue;
  const cl = new Float64Array(4);
  const vl = new Float64Array(4);
  let saturated = 0;
  for (let r = 0; r < runs.length; r += 2) {
    for (let k = runs[r], end = runs[r] + runs[r + 1]; k < end; k++) {
      const count = plane[k];
      const i = count > 0 ? count : 0;
      const lane = k & 3;
      if (i < size) {
        cl[lane] += tv[i];
        vl[lane] += tvar[i];
      } else {
        cl[lane] += satValue;
        vl[lane] += satVariance;
        saturated++;
      }
    }
  }
  out.counts = laneTotal(cl);
  out.variance = laneTotal(vl);
  out.saturated = saturated;
  return true;
}

/**
 * Sum and variance of a plane's per-pixel values (correctPlaneInto, correctMinorPlaneInto) over
 * the ROI's runs, each pixel into the lane of its index (laneTotal): the pixels outside, 0 in
 * those arrays, would add nothing.
 */
function sumValuesOverRuns(values: CorrectedPlane, runs: Int32Array, lanes: { counts: Float64Array; variance: Float64Array }, out: PlaneSum): void {
  const { value, variance } = values;
  lanes.counts.fill(0);
  lanes.variance.fill(0);
  for (let r = 0; r < runs.length; r += 2) {
    for (let k = runs[r], end = runs[r] + runs[r + 1]; k < end; k++) {
      lanes.counts[k & 3] += value[k];
      lanes.variance[k & 3] += variance[k];
    }
  }
  out.counts = laneTotal(lanes.counts);
  out.variance = laneTotal(lanes.variance);
}

/** Depth profile of the chosen ions over an ROI, dead-time corrected per pixel. */
export async function profileFromStack(stack: IonStack, options: StackProfileOptions = {}): Promise<StackProfile> {
  const ionIdx = options.ions ?? stack.ions.map((_, i) => i);
  const shots = options.deadTime === false ? undefined : (options.shotsPerPixel ?? stack.shotsPerPixel);
  const mask = roiMask(options.roi, stack.width, stack.height);
  const counts = ionIdx.map(() => new Float64Array(stack.scans));
  const variance = ionIdx.map(() => new Float64Array(stack.scans));
  const saturatedPixels = ionIdx.map(() => new Int32Array(stack.scans));
  let saturatedTotal = 0;
  const n = stack.width * stack.height;
  const buffers = planeBuffers(n);
  // The lanes of a plane's sums on the full path (see laneTotal).
  const lanes = { counts: new Float64Array(4), variance: new Float64Array(4) };
  const table = correctionTable(shots);
  const pixelCount = roiPixelCount(options.roi, mask);
  const wholeMask = pixelCount === n;
  // The ROI's pixels as runs along the rows: the sums visit only those (the whole plane: one run).
  const roi = roiPixels(mask, pixelCount, stack.height);
  const { runs } = roi;
  const planeSum: PlaneSum = { counts: 0, variance: 0, saturated: 0 };
  // Corrected sums of 16-bit planes (the whole plane, or the ROI's runs) in the kernel, whose
  // memory holds the run buffers.
  const kernel =
    shots !== undefined && table !== null && options.simd !== false
      ? correctedPlaneSums(n, runBufferBytes(stack), table, saturatedValue(shots), runs)
      : null;
  const allScans = Array.from({ length: stack.scans }, (_, s) => s);
  const minorScans = ionIdx.map(() => new Uint8Array(stack.scans));
  // Ion by ion, each through all its scans: a channel's planes are neighbours in the file, so
  // they come in long runs. Every (ion, scan) sum is computed exactly as before.
  let planesDone = 0;
  const planesTotal = ionIdx.length * stack.scans;
  try {
    for (let j = 0; j < ionIdx.length; j++) {
      for await (const { scans: runScans, raw, starts, count } of ionPlaneRuns(stack, ionIdx[j], allScans, options.signal, kernel?.scratches)) {
        for (let p = 0; p < count; p++) {
          if (p > 0) options.signal?.throwIfAborted();
          const s = runScans[p];
          const base = starts[p];
          if (options.onPlane && planesDone > 0) await options.onPlane(planesDone, planesTotal);
          planesDone++;
          // The common planes summed in one loop with no per-pixel arrays (16-bit counts over the
          // whole image; integer counts over an ROI's pixels); other planes take the full path:
          // corrected into arrays, then summed.
          let sat: number;
          const fast = wholeMask ? sumPlaneFast(raw, base, n, shots, table, planeSum, kernel) : sumRoiFast(raw, base, n, runs, shots, table, planeSum, kernel);
          if (fast) {
            sat = planeSum.saturated;
          } else {
            sat = correctPlaneInto(raw, base, mask, n, shots, buffers, table);
            sumValuesOverRuns(buffers, runs, lanes, planeSum);
          }
          counts[j][s] = planeSum.counts;
          variance[j][s] = planeSum.variance;
          saturatedPixels[j][s] = sat;
          saturatedTotal += sat;
        }
      }
      const sub = options.substitute;
      if (sub && shots !== undefined && ionIdx[j] !== sub.ionIndex) {
        // Known only once every scan's saturated pixels are: the scans that take the minor
        // isotope, summed again from it (the same loop on every path, so the same numbers).
        minorScans[j].set(sub.scans ?? minorIsotopeScans(saturatedPixels[j]));
        const majorPlane = planeByScan(stack, ionIdx[j]);
        const minorPlane = planeByScan(stack, sub.ionIndex);
        for (let s = 0; s < stack.scans; s++) {
          if (!minorScans[j][s]) continue;
          options.signal?.throwIfAborted();
          const major = await majorPlane(s);
          const minor = await minorPlane(s);
          // 16-bit planes in the kernel (corrected and summed in one loop), else here: the same numbers.
          if (kernel && major.samples instanceof Uint16Array && minor.samples instanceof Uint16Array) {
            kernel.sumMinorRuns(major.samples.subarray(major.base, major.base + n), minor.samples.subarray(minor.base, minor.base + n), sub.factor, planeSum);
          } else {
            correctMinorOverRoi(major, minor, roi, n, shots, sub.factor, table, buffers);
            sumValuesOverRuns(buffers, runs, lanes, planeSum);
          }
          counts[j][s] = planeSum.counts;
          variance[j][s] = planeSum.variance;
        }
      }
    }
  } finally {
    kernel?.release();
  }
  await options.onPlane?.(planesDone, planesTotal);
  return {
    timeS: Float64Array.from(options.timeS ?? stack.timeS),
    ions: ionIdx.map((i) => stack.ions[i]),
    counts,
    sigma: variance.map((v) => v.map(Math.sqrt)),
    saturatedPixels,
    minorIsotopeScans: minorScans,
    saturatedTotal,
    pixelCount,
    deadTimeCorrected: shots !== undefined,
    shotsPerPixel: shots,
  };
}
