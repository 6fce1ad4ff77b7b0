/**
 * Depth profiles and 2-D maps from a 3-D ion stack, in one streaming pass over its planes
 * (`readPlane`, one y × x plane at a time: the whole stack is never held). The dead-time
 * correction is applied per pixel (exact, N = shots per pixel per scan) before any sum.
 */
import type { IonPlane, IonStack } from '../model/ionStack.js';
import type { IonChannel } from '../model/ions.js';
import { correctCount } from './deadTime.js';
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

interface PlaneAccessor {
  data: Float32Array;
  offset: number;
  sy: number;
  sx: number;
}

function accessor(plane: IonPlane): PlaneAccessor {
  return { data: plane.data, offset: plane.offset, sy: plane.stride[0], sx: plane.stride[1] };
}

/**
 * Visits every ROI pixel of a plane with its corrected value and variance. `shots` undefined:
 * no correction, variance = counts.
 */
function forEachPixel(
  plane: IonPlane,
  mask: Uint8Array,
  width: number,
  height: number,
  shots: number | undefined,
  visit: (k: number, value: number, variance: number, saturated: boolean) => void,
): void {
  const a = accessor(plane);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const k = y * width + x;
      if (!mask[k]) continue;
      const raw = a.data[a.offset + y * a.sy + x * a.sx];
      if (shots === undefined) {
        const v = raw > 0 ? raw : 0;
        visit(k, v, v, false);
      } else {
        const r = correctCount(raw, shots);
        visit(k, r.value, r.sigma * r.sigma, r.saturated);
      }
    }
  }
}

interface CorrectedPlane {
  value: Float64Array;
  variance: Float64Array;
  saturated: Uint8Array;
}

/** One plane, dead-time corrected per ROI pixel, with saturated pixels replaced if asked. */
async function correctedPlane(
  stack: IonStack,
  ionIndex: number,
  scan: number,
  mask: Uint8Array,
  shots: number | undefined,
  substitute: StackProfileOptions['substitute'],
): Promise<CorrectedPlane> {
  const n = stack.width * stack.height;
  const out: CorrectedPlane = { value: new Float64Array(n), variance: new Float64Array(n), saturated: new Uint8Array(n) };
  const plane = await stack.readPlane(ionIndex, scan);
  let any = false;
  forEachPixel(plane, mask, stack.width, stack.height, shots, (k, value, vr, saturated) => {
    out.value[k] = value;
    out.variance[k] = vr;
    if (saturated) {
      out.saturated[k] = 1;
      any = true;
    }
  });
  if (any && substitute && shots !== undefined) {
    const minor = await stack.readPlane(substitute.ionIndex, scan);
    forEachPixel(minor, out.saturated, stack.width, stack.height, shots, (k, value, vr, saturated) => {
      // A saturated minor isotope as well leaves the lower bound in place.
      if (saturated) return;
      out.value[k] = Math.max(out.value[k], value * substitute.factor);
      out.variance[k] = vr * substitute.factor * substitute.factor;
    });
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
  for (let s = 0; s < stack.scans; s++) {
    for (let j = 0; j < ionIdx.length; j++) {
      let c = 0;
      let v = 0;
      let sat = 0;
      if (options.substitute) {
        const cp = await correctedPlane(stack, ionIdx[j], s, mask, shots, options.substitute);
        for (let k = 0; k < mask.length; k++) {
          if (!mask[k]) continue;
          c += cp.value[k];
          v += cp.variance[k];
          sat += cp.saturated[k];
        }
      } else {
        const plane = await stack.readPlane(ionIdx[j], s);
        forEachPixel(plane, mask, stack.width, stack.height, shots, (_k, value, vr, saturated) => {
          c += value;
          v += vr;
          if (saturated) sat++;
        });
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
  for (let s = 0; s < stack.scans; s++) {
    const active = weights.map((w, i) => (w[s] > 0 ? i : -1)).filter((i) => i >= 0);
    if (active.length === 0) continue;
    const scale = options.scanScale ? options.scanScale[s] : 1;
    const cp = await correctedPlane(stack, ionIndex, s, mask, shots, options.substitute);
    for (let k = 0; k < mask.length; k++) {
      if (!mask[k]) continue;
      const value = cp.value[k];
      const vr = cp.variance[k];
      const saturated = cp.saturated[k] === 1;
      for (const i of active) {
        const w = weights[i][s] * scale;
        maps[i].values[k] += w * value;
        // A fractionally counted scan contributes w² of its variance (w·X has variance w²σ²).
        maps[i].variance[k] += w * w * vr;
        if (saturated && weights[i][s] > 0) maps[i].saturatedPixels++;
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
