/**
 * Interfaces in a depth profile: where a marker passes 50 % of the way between its plateau in
 * the layer above and its plateau in the layer below, with the depth resolution taken as the
 * distance between its 84 % and 16 % points (DOMAIN.md §2). Crossings are interpolated
 * linearly between scans (sub-scan positions).
 */

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

export interface Transition {
  /** 50 % point, s. */
  t50S: number;
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
 * The transition of one (smoothed) signal between two adjacent layers whose scan ranges are
 * [upperFrom, upperTo) and [lowerFrom, lowerTo). Levels are the plateaus of the two layers; the
 * 50 % crossing nearest `nearS` (the coarse boundary) is searched between the middles of the
 * two layers. The 16 %/84 % points are the crossings nearest the 50 % point on either side.
 * Null when the signal has no step or never crosses.
 */
export function findTransition(
  timeS: ArrayLike<number>,
  y: ArrayLike<number>,
  upper: [number, number],
  lower: [number, number],
  nearS: number,
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
  const t50 = crossingNearest(timeS, y, at(0.5), lo, hi, nearS);
  if (t50 === null) return null;
  // The 16 % point lies on the upper side of the 50 % point, the 84 % point on the lower side.
  const t16 = crossingNearest(timeS, y, at(0.16), lo, hi, t50 - 1e-9);
  const t84 = crossingNearest(timeS, y, at(0.84), lo, hi, t50 + 1e-9);
  const t16S = t16 !== null && t16 <= t50 ? t16 : timeS[Math.max(0, lo)];
  const t84S = t84 !== null && t84 >= t50 ? t84 : timeS[Math.min(y.length - 1, hi)];
  return {
    t50S: t50,
    t16S,
    t84S,
    resolutionS: Math.abs(t84S - t16S),
    upperLevel,
    lowerLevel,
    direction: lowerLevel > upperLevel ? 'rise' : 'fall',
    contrast,
  };
}
