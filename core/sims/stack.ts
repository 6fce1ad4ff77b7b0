/**
 * Depth profiles and 2-D maps from a 3-D ion stack, in one streaming pass over its planes
 * (`readPlane`, one y × x plane at a time: the whole stack is never held). The dead-time
 * correction is applied per pixel (exact, N = shots per pixel per scan) before any sum.
 */
import type { IonPlane, IonStack } from '../model/ionStack.js';
import type { IonChannel } from '../model/ions.js';
import { saturatedValue } from './deadTime.js';
import { maskPixelCount, roiMask, type Roi } from './roi.js';
import { scanWeights } from './windows.js';

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
   * Minor isotope standing in for saturated pixels of the ion (e.g. 6Li for 7Li): a saturated
   * pixel gets the corrected minor-isotope count × `factor` (1 / abundance ratio), σ likewise,
   * instead of the lower bound. Still counted as saturated.
   */
  substitute?: { ionIndex: number; factor: number };
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
  saturatedTotal: number;
  pixelCount: number;
  deadTimeCorrected: boolean;
  shotsPerPixel?: number;
}

/** Per-pixel corrected values of one plane, row-major; reused from plane to plane. */
interface CorrectedPlane {
  value: Float64Array;
  variance: Float64Array;
  saturated: Uint8Array;
}

function planeBuffers(n: number): CorrectedPlane {
  return { value: new Float64Array(n), variance: new Float64Array(n), saturated: new Uint8Array(n) };
}

/**
 * Fills `out` with the plane's ROI pixels, dead-time corrected (`shots` undefined: raw counts,
 * variance = counts); pixels outside the ROI get 0. One tight loop with the correction inlined:
 * this runs once per pixel of every plane of a stack, so it decides the streaming speed.
 * Returns the number of saturated pixels.
 */
function correctPlaneInto(plane: IonPlane, mask: Uint8Array, width: number, height: number, shots: number | undefined, out: CorrectedPlane): number {
  const { value, variance, saturated } = out;
  const n = width * height;
  const raw = contiguousPlane(plane, width, height);
  saturated.fill(0);
  if (shots === undefined) {
    for (let k = 0; k < n; k++) {
      const i = mask[k] && raw[k] > 0 ? raw[k] : 0;
      value[k] = i;
      variance[k] = i;
    }
    return 0;
  }
  const satValue = saturatedValue(shots);
  let saturatedCount = 0;
  for (let k = 0; k < n; k++) {
    const i = mask[k] && raw[k] > 0 ? raw[k] : 0;
    if (i >= shots) {
      value[k] = satValue;
      variance[k] = satValue * satValue;
      saturated[k] = 1;
      saturatedCount++;
    } else {
      // Same formulas as correctCount (deadTime.ts): I_true = −N ln(1 − I/N), σ = √I / (1 − I/N).
      const frac = i / shots;
      value[k] = -shots * Math.log1p(-frac);
      variance[k] = i / ((1 - frac) * (1 - frac));
    }
  }
  return saturatedCount;
}

/** The plane's values in row-major order (readers return contiguous planes: then no copy). */
function contiguousPlane(plane: IonPlane, width: number, height: number): Float32Array {
  const [sy, sx] = plane.stride;
  if (plane.offset === 0 && sx === 1 && sy === width && plane.data.length === width * height) return plane.data;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = plane.data[plane.offset + y * sy + x * sx];
  return out;
}

/**
 * Adds w × the dead-time corrected ROI pixels of a plane to a map, and w² × their variance
 * (w·X has variance w²σ²), marking saturated pixels in `saturatedOut`. Fused into one loop with
 * no intermediate arrays: this is the inner loop of every per-layer map over a whole stack.
 * Returns the number of saturated pixels.
 */
function accumulateCorrected(
  raw: Float32Array,
  mask: Uint8Array,
  shots: number | undefined,
  w: number,
  values: Float64Array,
  variance: Float64Array,
  saturatedOut: Uint8Array,
): number {
  const n = raw.length;
  const w2 = w * w;
  saturatedOut.fill(0);
  if (shots === undefined) {
    for (let k = 0; k < n; k++) {
      const i = mask[k] && raw[k] > 0 ? raw[k] : 0;
      values[k] += w * i;
      variance[k] += w2 * i;
    }
    return 0;
  }
  const satValue = saturatedValue(shots);
  let saturated = 0;
  for (let k = 0; k < n; k++) {
    if (!mask[k]) continue;
    const i = raw[k] > 0 ? raw[k] : 0;
    if (i >= shots) {
      values[k] += w * satValue;
      variance[k] += w2 * satValue * satValue;
      saturatedOut[k] = 1;
      saturated++;
    } else {
      // Same formulas as correctCount (deadTime.ts): I_true = −N ln(1 − I/N), σ = √I / (1 − I/N).
      const frac = i / shots;
      values[k] += -w * shots * Math.log1p(-frac);
      variance[k] += (w2 * i) / ((1 - frac) * (1 - frac));
    }
  }
  return saturated;
}

/** One plane, dead-time corrected per ROI pixel, with saturated pixels replaced if asked. */
async function correctedPlane(
  stack: IonStack,
  ionIndex: number,
  scan: number,
  mask: Uint8Array,
  shots: number | undefined,
  substitute: StackProfileOptions['substitute'],
  out: CorrectedPlane,
  minor: CorrectedPlane,
): Promise<CorrectedPlane> {
  const { width, height } = stack;
  const saturatedCount = correctPlaneInto(await stack.readPlane(ionIndex, scan), mask, width, height, shots, out);
  if (saturatedCount > 0 && substitute && shots !== undefined) {
    correctPlaneInto(await stack.readPlane(substitute.ionIndex, scan), out.saturated, width, height, shots, minor);
    const f = substitute.factor;
    for (let k = 0; k < out.saturated.length; k++) {
      // A saturated minor isotope as well leaves the lower bound in place.
      if (!out.saturated[k] || minor.saturated[k]) continue;
      out.value[k] = Math.max(out.value[k], minor.value[k] * f);
      out.variance[k] = minor.variance[k] * f * f;
    }
  }
  return out;
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
  const buffers = planeBuffers(stack.width * stack.height);
  const minor = planeBuffers(stack.width * stack.height);
  for (let s = 0; s < stack.scans; s++) {
    for (let j = 0; j < ionIdx.length; j++) {
      const cp = await correctedPlane(stack, ionIdx[j], s, mask, shots, options.substitute, buffers, minor);
      let c = 0;
      let v = 0;
      let sat = 0;
      for (let k = 0; k < mask.length; k++) {
        c += cp.value[k];
        v += cp.variance[k];
        sat += cp.saturated[k];
      }
      counts[j][s] = c;
      variance[j][s] = v;
      saturatedPixels[j][s] = sat;
      saturatedTotal += sat;
    }
  }
  return {
    timeS: Float64Array.from(options.timeS ?? stack.timeS),
    ions: ionIdx.map((i) => stack.ions[i]),
    counts,
    sigma: variance.map((v) => v.map(Math.sqrt)),
    saturatedPixels,
    saturatedTotal,
    pixelCount: maskPixelCount(mask),
    deadTimeCorrected: shots !== undefined,
    shotsPerPixel: shots,
  };
}

export interface TimeWindow {
  startS: number;
  endS: number;
}

export interface WindowMap {
  /** y × x, row-major: the ion's counts summed over the window's scans (0 outside the ROI). */
  values: Float64Array;
  /** Poisson variance per pixel, same layout. */
  variance: Float64Array;
  /** Sum over the ROI and its σ. */
  total: number;
  totalSigma: number;
  saturatedPixels: number;
}

export interface WindowMapsResult {
  width: number;
  height: number;
  mask: Uint8Array;
  maps: WindowMap[];
  deadTimeCorrected: boolean;
}

/**
 * 2-D maps of one ion, one per time window (a layer's time range), summed over the scans in
 * it (boundary scans by their fractional weight, see windows.ts). One pass over the ion's
 * planes; planes that no window touches are not read.
 */
export async function windowMapsFromStack(
  stack: IonStack,
  ionIndex: number,
  windows: TimeWindow[],
  options: Omit<StackProfileOptions, 'ions'> & {
    /** Per-scan factor applied to every pixel (normalisation, e.g. mean TIC / TIC of the scan). */
    scanScale?: ArrayLike<number>;
  } = {},
): Promise<WindowMapsResult> {
  const shots = options.deadTime === false ? undefined : (options.shotsPerPixel ?? stack.shotsPerPixel);
  const { width, height } = stack;
  const mask = roiMask(options.roi, width, height);
  const weights = windows.map((w) => scanWeights(options.timeS ?? stack.timeS, w.startS, w.endS));
  const maps: WindowMap[] = windows.map(() => ({
    values: new Float64Array(width * height),
    variance: new Float64Array(width * height),
    total: 0,
    totalSigma: 0,
    saturatedPixels: 0,
  }));
  const saturatedHere = new Uint8Array(width * height);
  const minorBuffers = planeBuffers(width * height);
  const satValue = shots === undefined ? 0 : saturatedValue(shots);
  for (let s = 0; s < stack.scans; s++) {
    const active = weights.map((w, i) => (w[s] > 0 ? i : -1)).filter((i) => i >= 0);
    if (active.length === 0) continue;
    const scale = options.scanScale ? options.scanScale[s] : 1;
    const raw = contiguousPlane(await stack.readPlane(ionIndex, s), width, height);
    let minor: CorrectedPlane | null = null;
    for (const i of active) {
      const w = weights[i][s] * scale;
      const map = maps[i];
      const saturated = accumulateCorrected(raw, mask, shots, w, map.values, map.variance, saturatedHere);
      map.saturatedPixels += saturated;
      if (saturated > 0 && options.substitute && shots !== undefined) {
        // Replace the lower bound of saturated pixels by the minor isotope's estimate.
        minor ??= (correctPlaneInto(await stack.readPlane(options.substitute.ionIndex, s), saturatedHere, width, height, shots, minorBuffers), minorBuffers);
        const f = options.substitute.factor;
        for (let k = 0; k < saturatedHere.length; k++) {
          // A saturated minor isotope as well leaves the lower bound in place.
          if (!saturatedHere[k] || minor.saturated[k]) continue;
          const replaced = Math.max(satValue, minor.value[k] * f);
          map.values[k] += w * (replaced - satValue);
          map.variance[k] += w * w * (minor.variance[k] * f * f - satValue * satValue);
        }
      }
    }
  }
  for (const m of maps) {
    let t = 0;
    let v = 0;
    for (let k = 0; k < mask.length; k++) {
      if (!mask[k]) continue;
      t += m.values[k];
      v += m.variance[k];
    }
    m.total = t;
    m.totalSigma = Math.sqrt(v);
  }
  return { width, height, mask, maps, deadTimeCorrected: shots !== undefined };
}
