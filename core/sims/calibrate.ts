/**
 * Depth calibration: sputter rates differ per material, so time is not depth (DOMAIN.md §2).
 * Each layer between two boundaries gets `rate = thickness / duration`; depth is then
 * piecewise linear in time, and the map is inverted for depth → time.
 *
 * The surface is at t = 0 (sputtering starts there; the first scan's time may be later). The
 * substrate has no bottom boundary, so its own rate cannot be measured: it uses, in order,
 * an explicitly given substrate rate (`substrateRateNmPerS`), else the rate of the last
 * calibrated layer above it (extrapolation: the only rate measured in this very profile, with
 * this beam current; the substrate's nominal thickness says nothing about its rate). The
 * same holds for a last layer not flagged as substrate: the profile stops inside it.
 */
import { segmentIndex } from './windows.js';

export interface CalibrationLayer {
  role: string;
  startS: number;
  endS: number;
  isSubstrate?: boolean;
}

export interface DepthCalibration {
  /** Boundary times including the surface (0 s): n + 1 knots for n layers. */
  knotsS: Float64Array;
  /** Depths at the knots, nm. */
  knotsNm: Float64Array;
  /** Rate per layer, nm/s, in layer order. */
  ratesNmPerS: { role: string; rateNmPerS: number; thicknessNm: number; source: 'given' | 'extrapolated' }[];
  /** Rate used beyond the last knot (substrate), nm/s. */
  substrateRateNmPerS: number;
}

export interface CalibrationOptions {
  substrateRateNmPerS?: number;
}

/**
 * Builds the piecewise-linear calibration. `thicknessNm(role)` gives each layer's thickness
 * (SEM, typed in or nominal); layers without one (other than the substrate) make the
 * calibration impossible: returns null and the caller reports depths as NaN.
 */
export function calibrateDepth(
  layers: CalibrationLayer[],
  thicknessNm: (role: string) => number | undefined,
  options: CalibrationOptions = {},
): DepthCalibration | null {
  // The last layer has no bottom boundary in the profile (the substrate, or the layer the
  // measurement stopped in): its duration is truncated, so it never sets a rate.
  const body = layers.slice(0, -1);
  const substrate = layers[layers.length - 1];
  const knotsS: number[] = [Math.min(0, layers[0]?.startS ?? 0)];
  const knotsNm: number[] = [0];
  const rates: DepthCalibration['ratesNmPerS'] = [];
  for (const l of body) {
    const d = thicknessNm(l.role);
    if (d === undefined || !(d >= 0)) return null;
    const durationS = l.endS - knotsS[knotsS.length - 1];
    if (!(durationS > 0)) return null;
    rates.push({ role: l.role, rateNmPerS: d / durationS, thicknessNm: d, source: 'given' });
    knotsS.push(l.endS);
    knotsNm.push(knotsNm[knotsNm.length - 1] + d);
  }
  const lastRate = rates.length ? rates[rates.length - 1].rateNmPerS : NaN;
  const substrateRateNmPerS = options.substrateRateNmPerS ?? lastRate;
  if (!(substrateRateNmPerS > 0)) return null;
  if (substrate) {
    const durationS = substrate.endS - substrate.startS;
    rates.push({
      role: substrate.role,
      rateNmPerS: substrateRateNmPerS,
      thicknessNm: durationS * substrateRateNmPerS,
      source: options.substrateRateNmPerS !== undefined ? 'given' : 'extrapolated',
    });
  }
  return { knotsS: Float64Array.from(knotsS), knotsNm: Float64Array.from(knotsNm), ratesNmPerS: rates, substrateRateNmPerS };
}

function piecewise(xs: Float64Array, ys: Float64Array, x: number, tailSlope: number): number {
  const n = xs.length;
  if (x >= xs[n - 1]) return ys[n - 1] + (x - xs[n - 1]) * tailSlope;
  if (x <= xs[0]) {
    // Before the surface: extend the first layer's slope (only reached for negative times).
    const s = n > 1 ? (ys[1] - ys[0]) / (xs[1] - xs[0]) : tailSlope;
    return ys[0] + (x - xs[0]) * s;
  }
  const lo = segmentIndex(xs, x);
  return ys[lo] + ((x - xs[lo]) / (xs[lo + 1] - xs[lo])) * (ys[lo + 1] - ys[lo]);
}

export function timeToDepthNm(cal: DepthCalibration, timeS: number): number {
  return piecewise(cal.knotsS, cal.knotsNm, timeS, cal.substrateRateNmPerS);
}

export function depthToTimeS(cal: DepthCalibration, depthNm: number): number {
  return piecewise(cal.knotsNm, cal.knotsS, depthNm, 1 / cal.substrateRateNmPerS);
}

/** Depth of every scan time, nm (NaN everywhere without a calibration). */
export function depthAxisNm(cal: DepthCalibration | null, timeS: ArrayLike<number>): Float64Array {
  const out = new Float64Array(timeS.length);
  for (let i = 0; i < timeS.length; i++) out[i] = cal ? timeToDepthNm(cal, timeS[i]) : NaN;
  return out;
}
