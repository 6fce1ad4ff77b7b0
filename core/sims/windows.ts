/**
 * Time windows on the scan axis. Each scan i stands for the interval between the midpoints to
 * its neighbours (the first and last scans extend symmetrically by half their spacing), so a
 * window [startS, endS) takes every scan by the fraction of its interval inside the window.
 * Fractional weights at the window edges keep integrals continuous in the boundary times
 * (sub-scan boundaries count).
 */
import { bisectRight } from 'd3-array';

/** Interval edges of the scans: n + 1 values, edges[i]..edges[i+1] belong to scan i. */
export function scanEdges(timeS: ArrayLike<number>): Float64Array {
  const n = timeS.length;
  const e = new Float64Array(n + 1);
  if (n === 0) return e;
  if (n === 1) {
    e[0] = timeS[0] - 0.5;
    e[1] = timeS[0] + 0.5;
    return e;
  }
  for (let i = 1; i < n; i++) e[i] = 0.5 * (timeS[i - 1] + timeS[i]);
  e[0] = timeS[0] - (e[1] - timeS[0]);
  e[n] = timeS[n - 1] + (timeS[n - 1] - e[n - 1]);
  return e;
}

/**
 * Weight of every scan in [startS, endS): the fraction of its interval inside. Use ±Infinity
 * for an open end (the top layer takes every scan before its bottom boundary, the substrate
 * every scan after its top one).
 */
export function scanWeights(timeS: ArrayLike<number>, startS: number, endS: number): Float64Array {
  const e = scanEdges(timeS);
  const n = timeS.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = Math.max(e[i], startS);
    const hi = Math.min(e[i + 1], endS);
    const len = e[i + 1] - e[i];
    if (hi > lo && len > 0) w[i] = (hi - lo) / len;
  }
  return w;
}

/**
 * Index `lo` of the segment [xs[lo], xs[lo + 1]] that holds x, for xs increasing and
 * xs[0] < x < xs[n − 1] (callers handle the ends).
 */
export function segmentIndex(xs: ArrayLike<number>, x: number): number {
  return Math.min(xs.length - 2, Math.max(0, bisectRight(xs as number[], x) - 1));
}

/** Linear interpolation of y(x) at x, x increasing; clamped to the ends. */
export function interpolate(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  const n = xs.length;
  if (n === 0) return NaN;
  if (x <= xs[0]) return ys[0];
  if (x >= xs[n - 1]) return ys[n - 1];
  const lo = segmentIndex(xs, x);
  const f = (x - xs[lo]) / (xs[lo + 1] - xs[lo]);
  return ys[lo] + f * (ys[lo + 1] - ys[lo]);
}
