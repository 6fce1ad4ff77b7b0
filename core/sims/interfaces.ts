/**
 * Interfaces in a depth profile: where a marker passes 50 % of the way between its plateau in
 * the layer above and its plateau in the layer below, with the depth resolution taken as the
 * distance between its 84 % and 16 % points (DOMAIN.md §2). Crossings are interpolated between
 * scans (sub-scan positions): the 16 % and 84 % points linearly, the 50 % point by a split erf
 * (splitErf.ts).
 */
import { splitErfCrossing } from './splitErf.js';

/** Median of values[from..to) (NaN when empty). */
export function median(values: ArrayLike<number>, from = 0, to = values.length): number {
  const a: number[] = [];
  for (let i = Math.max(0, from); i < Math.min(values.length, to); i++) if (Number.isFinite(values[i])) a.push(values[i]);
  if (a.length === 0) return NaN;
  a.sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m] : 0.5 * (a[m - 1] + a[m]);
}

/**
 * Robust plateau of a signal over the scans [from, to) of a layer: the median of the inner half
 * (a quarter of the range is dropped at each end, where the neighbouring interfaces and the
 * surface transient sit). Short ranges (< 4 scans) use all their scans.
 */
export function plateauLevel(values: ArrayLike<number>, from: number, to: number): number {
  const n = to - from;
  if (n <= 0) return NaN;
  const q = n >= 4 ? Math.floor(n / 4) : 0;
  return median(values, from + q, to - q);
}

/** Inner range [from+q, to−q) used by `plateauLevel`, as indices. */
export function innerRange(from: number, to: number): [number, number] {
  const n = to - from;
  const q = n >= 4 ? Math.floor(n / 4) : 0;
  return [from + q, to - q];
}

/**
 * Time at which y crosses `level` between scans lo..hi (inclusive), nearest to `nearS`.
 * Linear interpolation between the two scans that bracket the crossing. Null when none.
 */
export function crossingNearest(timeS: ArrayLike<number>, y: ArrayLike<number>, level: number, lo: number, hi: number, nearS: number): number | null {
  let best: number | null = null;
  for (let i = Math.max(0, lo); i < Math.min(hi, y.length - 1); i++) {
    const a = y[i] - level;
    const b = y[i + 1] - level;
    if (a === 0 && b === 0) continue;
    if ((a <= 0 && b > 0) || (a >= 0 && b < 0) || (a > 0 && b <= 0) || (a < 0 && b >= 0)) {
      const f = a === b ? 0 : a / (a - b);
      const t = timeS[i] + f * (timeS[i + 1] - timeS[i]);
      if (best === null || Math.abs(t - nearS) < Math.abs(best - nearS)) best = t;
    }
  }
  return best;
}

/**
 * Scan-to-scan scatter (1σ) of values[from..to): the median absolute difference of neighbours,
 * × 1.4826 / √2 (normal noise), so a slope or a step inside the range hardly counts. 0 for fewer
 * than two values.
 */
export function scatter(values: ArrayLike<number>, from: number, to: number): number {
  const d: number[] = [];
  for (let i = Math.max(0, from); i + 1 < Math.min(values.length, to); i++) d.push(Math.abs(values[i + 1] - values[i]));
  const m = median(d);
  return Number.isFinite(m) ? (1.4826 * m) / Math.SQRT2 : 0;
}

/** φ(0) = 1/√(2π): an erf step's slope at 50 % is φ(0)·step/σ, and its 84–16 % width 2σ. */
const NORMAL_PEAK = 1 / Math.sqrt(2 * Math.PI);

export interface Transition {
  /** 50 % point, s. */
  t50S: number;
  /**
   * 1σ of `t50S` from the signal's scan-to-scan scatter (on its plateaus, their RMS): the split
   * erf's own (splitErf.ts), or where the linear crossing stands, the scatter over the
   * transition's slope at 50 % taken as an erf's, 2φ(0)·|step| / (t84 − t16). (Not the slope
   * between the two scans around the crossing, as noisy as they are: a real CIGS profile's
   * ⁹⁴Mo⁺, rising 280 counts over 150 s, climbs 18 in the scan that holds its crossing, which
   * gave ±1 s for a point that noise moves by scans.)
   */
  t50SigmaS: number;
  /** 16 % and 84 % points (of the way from the upper plateau to the lower one), s. */
  t16S: number;
  t84S: number;
  /** |t84 − t16|, s. */
  resolutionS: number;
  /** Plateaus above (upper layer) and below (lower layer). */
  upperLevel: number;
  lowerLevel: number;
  direction: 'rise' | 'fall';
  /** |lower − upper| / max(lower, upper): 0 (no step) … 1 (from or to zero). */
  contrast: number;
}

/**
 * The transition of one signal between two adjacent layers whose scan ranges are
 * [upperFrom, upperTo) and [lowerFrom, lowerTo). Levels are the plateaus of `y` in the two
 * layers; the 50 % crossing of `crossing` (default `y`) nearest `nearS` (the coarse boundary) is
 * searched between the middles of the two layers and placed between its two scans by a split erf
 * (splitErf.ts). The 16 %/84 % points are its crossings nearest the 50 % point on either side.
 * Null when the signal has no step or never crosses. `raw` (default `crossing`), the signal as
 * measured, gives the scatter behind the 50 % point's σ.
 *
 * Why two signals: levels are best taken from a smoothed signal, crossings not. A symmetric
 * smoothing kernel keeps the 50 % point only of a transition that is point-symmetric in time,
 * and one between materials of different sputter rates is not (broad on the slow side, sharp on
 * the fast): Savitzky–Golay of half-width 2 on 24 s scans moved the 50 % point of an erf
 * transition 4.7 s towards steel where it meets Li3PO4 and 5.7 s where LiFePO4 meets it, on
 * average over the scans' phase, always the same way (segment.ts passes the despiked,
 * unsmoothed signal here).
 */
export function findTransition(
  timeS: ArrayLike<number>,
  y: ArrayLike<number>,
  upper: [number, number],
  lower: [number, number],
  nearS: number,
  crossing: ArrayLike<number> = y,
  raw: ArrayLike<number> = crossing,
): Transition | null {
  const upperLevel = plateauLevel(y, upper[0], upper[1]);
  const lowerLevel = plateauLevel(y, lower[0], lower[1]);
  if (!Number.isFinite(upperLevel) || !Number.isFinite(lowerLevel)) return null;
  const top = Math.max(upperLevel, lowerLevel);
  if (!(top > 0) || upperLevel === lowerLevel) return null;
  const contrast = Math.abs(lowerLevel - upperLevel) / top;
  const [ui0, ui1] = innerRange(upper[0], upper[1]);
  const [li0, li1] = innerRange(lower[0], lower[1]);
  const lo = Math.floor((ui0 + ui1 - 1) / 2);
  const hi = Math.ceil((li0 + li1 - 1) / 2);
  const at = (f: number): number => upperLevel + f * (lowerLevel - upperLevel);
  // The transition is found on `y` (smoothing keeps noise from making crossings of its own: a
  // real CIGS profile's ⁹⁴Mo⁺ crosses 50 % six scans from its step, unsmoothed), then the crossing
  // of `crossing` nearest it is taken.
  const coarse = crossingNearest(timeS, y, at(0.5), lo, hi, nearS);
  const linear = crossingNearest(timeS, crossing, at(0.5), lo, hi, coarse ?? nearS);
  if (linear === null) return null;
  // The scatter of the signal as measured: a despiked one repeats values (a running median), so
  // its neighbours' differences understate it (a real CIGS profile's ⁹⁴Mo⁺: 0.16 s for a
  // crossing that moves by scans).
  const noise = Math.sqrt((scatter(raw, ui0, ui1) ** 2 + scatter(raw, li0, li1) ** 2) / 2);
  const fit = splitErfCrossing(timeS, crossing, upperLevel, lowerLevel, linear, lo, hi, noise);
  const t50 = fit.timeS;
  // The 16 % point lies on the upper side of the 50 % point, the 84 % point on the lower side.
  const t16 = crossingNearest(timeS, crossing, at(0.16), lo, hi, t50 - 1e-9);
  const t84 = crossingNearest(timeS, crossing, at(0.84), lo, hi, t50 + 1e-9);
  const t16S = t16 !== null && t16 <= t50 ? t16 : timeS[Math.max(0, lo)];
  const t84S = t84 !== null && t84 >= t50 ? t84 : timeS[Math.min(y.length - 1, hi)];
  const resolutionS = Math.abs(t84S - t16S);
  return {
    t50S: t50,
    t50SigmaS: fit.sigmaS ?? (noise * resolutionS) / (2 * NORMAL_PEAK * Math.abs(lowerLevel - upperLevel)),
    t16S,
    t84S,
    resolutionS,
    upperLevel,
    lowerLevel,
    direction: lowerLevel > upperLevel ? 'rise' : 'fall',
    contrast,
  };
}
