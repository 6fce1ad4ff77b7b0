import { binCoordinateTable, finestBinsPerDepth } from '../../../core/figures/volumeDepth.js';
import type { ViewSettings } from '../store.js';

/**
 * The 3-D view's depth axis and its "Refine clipped range": where a depth of a volume lies in
 * sputter time. Depth is the report's calibration (piecewise linear in time, one sputter rate
 * per layer, DOMAIN.md §2) or, without one, linear in time. Pure: tested alone
 * (test/renderer/volumeDepth.test.ts); volumeView.ts turns the numbers into textures.
 */

/** Depth below the surface at a sputter time, nm (profileMath.ts timeToDepth); null: no calibration. */
export type TimeToDepth = ((timeS: number) => number) | null;

/** The sputter times of a volume's first and last scan, s. */
export type TimeSpan = readonly [number, number];

/**
 * The sputter time at depth fraction `f` of a volume (0: its first scan, 1: its last), exactly:
 * the ends are the ends, not a lookup table's nearest cell (a lookup read at cell centres put the
 * top ~10 s below the first scan, and "Refine" lost it), and between them the calibration is
 * inverted by bisection, to a billionth of the span.
 */
export function timeAtDepthFraction(toDepth: TimeToDepth, [t0, t1]: TimeSpan, f: number): number {
  if (!(f > 0) || !(t1 > t0)) return t0;
  if (f >= 1) return t1;
  const d0 = toDepth?.(t0) ?? NaN;
  const d1 = toDepth?.(t1) ?? NaN;
  // Linear in time without a calibration (or with one that gives the volume no depth).
  if (!toDepth || !(d1 > d0)) return t0 + f * (t1 - t0);
  const target = d0 + f * (d1 - d0);
  // Depth grows with time (every layer's sputter rate is positive), so one time has this depth.
  let lo = t0;
  let hi = t1;
  for (let k = 0; k < 64 && hi - lo > 1e-9 * (t1 - t0); k++) {
    const mid = 0.5 * (lo + hi);
    if (toDepth(mid) < target) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** The sputter times of a volume's first and last scan, from its z bins' (first, last) scan times. */
export function binsTimeSpan(zTimeS: readonly (readonly [number, number])[]): TimeSpan {
  return [zTimeS[0][0], zTimeS[zTimeS.length - 1][1]];
}

export interface VolumeDepth {
  /** The volume's depth, µm (nominal without a calibration). */
  depthUm: number;
  /** Depth of its top below the surface, nm (a refined volume starts below it). */
  topNm: number;
  /** True when the depths are the report's calibration, false when nominal. */
  fromReport: boolean;
  /**
   * The shader's depth → scan lookup: the bin coordinate (0 … bins) at depth fractions
   * i / DEPTH_TABLE_CELLS of the box, read linearly between, as the figures' CPU renderer reads
   * it (core/figures/volumeDepth.ts binCoordinateTable). (It held the time fraction of the span
   * at cell centres, read at the nearest: a volume deeper than its 512 cells lost scans, and
   * the first and last scans sat half a scan off.)
   */
  binAtDepth: Float32Array;
  /** Bins per box depth where they are thinnest (finestBinsPerDepth): the shader's sampling along depth. */
  finestBinsPerDepth: number;
}

/**
 * A volume's depth axis. With the report's calibration its depths are the calibration's at its
 * first and last scan; without one, `nominalUm` for the whole stack, in proportion to the scans
 * the volume holds (`scanRange` of `totalScans`: a refined volume is a part of the stack).
 * `zTimeS`: the first and last scan time of each of its z bins.
 */
export function volumeDepth(toDepth: TimeToDepth, zTimeS: readonly (readonly [number, number])[], scans: { scanRange: readonly [number, number]; totalScans: number }, nominalUm: number): VolumeDepth {
  const span = binsTimeSpan(zTimeS);
  const [t0, t1] = span;
  const d0 = toDepth?.(t0) ?? NaN;
  const d1 = toDepth?.(t1) ?? NaN;
  const fromReport = d1 > d0;
  const calibration = fromReport ? toDepth : null;
  const binAtDepth = binCoordinateTable(zTimeS, (f) => timeAtDepthFraction(calibration, span, f));
  const finest = finestBinsPerDepth(binAtDepth, zTimeS.length);
  if (fromReport) return { depthUm: (d1 - d0) / 1000, topNm: d0, fromReport, binAtDepth, finestBinsPerDepth: finest };
  const [first, end] = scans.scanRange;
  return { depthUm: (nominalUm * (end - first)) / scans.totalScans, topNm: (nominalUm * 1000 * first) / scans.totalScans, fromReport, binAtDepth, finestBinsPerDepth: finest };
}

/**
 * Voxels per box depth the shader samples by (half of one apart along depth, as along the other
 * axes): half a mean bin apart, or 0.9 of a thinnest bin apart where that is closer (a layer
 * sputtered more slowly than twice the mean's time a nm), so no bin falls between two samples
 * (up to finestBinsPerDepth's cap). (Half a thinnest bin apart took software WebGL's composite
 * frames from ~0.9 to ~1.4 s on the sample study.)
 */
export function depthSamplingVoxels(depth: Pick<VolumeDepth, 'finestBinsPerDepth'>, bins: number): number {
  return Math.max(bins, depth.finestBinsPerDepth / (2 * 0.9));
}

/** A layer of one state's report, in sputter time. */
export interface LayerTimes {
  role: string;
  startS: number;
  endS: number;
}

type Clip = Pick<ViewSettings['volume'], 'clipTop' | 'clipBottom' | 'clipLayer'>;

/**
 * The sputter-time range "Refine clipped range" asks one state's volume for (the backend bins the
 * scans whose time lies in it, ends included).
 *
 * A clip to a layer ("Clip to", kept as `clipLayer`) refines that state's own layer, from the
 * report's interface times: its planes are fractions of the first state's depths, and the states'
 * layers lie at other depths. The top layer holds every scan above its bottom interface and the
 * bottom layer every scan below its top one, as the analysis sums them (core/sims/analyze.ts
 * opens their outer ends): a first scan up to half a scan before the profile's start (two time
 * axes' rounding, as analyze.ts insideRange allows) is the top layer's, a last scan likewise.
 *
 * Planes set by hand refine the times at their depths in this volume, its first and last scan
 * included where they are at its top and bottom.
 */
export function refineTimeRangeS(clip: Clip, layers: readonly LayerTimes[], span: TimeSpan, scanPeriodS: number, toDepth: TimeToDepth): [number, number] {
  const [t0, t1] = span;
  const layer = clip.clipLayer === undefined ? undefined : layers.find((l) => l.role === clip.clipLayer);
  if (!layer) return [timeAtDepthFraction(toDepth, span, clip.clipTop), timeAtDepthFraction(toDepth, span, clip.clipBottom)];
  const half = 0.5 * (Number.isFinite(scanPeriodS) && scanPeriodS > 0 ? scanPeriodS : 0);
  const isTop = layers.every((l) => l.startS >= layer.startS);
  const isBottom = layers.every((l) => l.endS <= layer.endS);
  const start = isTop && t0 >= layer.startS - half ? Math.min(layer.startS, t0) : layer.startS;
  const end = isBottom && t1 <= layer.endS + half ? Math.max(layer.endS, t1) : layer.endS;
  return [start, end];
}

/** The time between scans of a volume that holds `scans` of them over `span` (0 for one scan). */
export function scanPeriodS([t0, t1]: TimeSpan, scans: number): number {
  return scans > 1 ? (t1 - t0) / (scans - 1) : 0;
}
