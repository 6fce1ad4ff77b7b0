/**
 * A stack volume binned in scans has z in sputter time, which is not depth: sputter rates
 * differ per layer. A 3-D rendering whose box is the real shape reads its bins through a depth →
 * bin lookup (the calibration's, DOMAIN.md §2), as the workbench's 3-D view does: every bin is
 * drawn at its depth and none is left out. (The figures resampled the bins onto 96 depth slices,
 * the nearest bin for each: where a layer sputtered slowly its bins are thinner than a slice, and
 * of the sample study's 84 bins of 3 scans 17–18 never reached Fig. 4, so a thin bright layer
 * could vanish from a maximum-intensity panel.)
 */
import type { DepthCalibration } from '../sims/calibrate.js';
import { depthToTimeS } from '../sims/calibrate.js';
import type { Volume } from './volumeRender.js';

export interface TimeBinnedVolume {
  data: Float32Array;
  nx: number;
  ny: number;
  nz: number;
  /** First and last scan time of each z bin, s (in time order). */
  zTimeS: readonly (readonly [number, number])[];
  /** Lateral bin size, nm (null when unknown: then 1 nm stands in, and the box is square). */
  binSizeNm: number | null;
}

/**
 * Cells of a depth → bin lookup (binCoordinateTable): it holds one more value, at their edges.
 * The 3-D view's texture of it (a texel a cell) fits the narrowest WebGL 2 allows (2048), and
 * read linearly between its values the lookup is exact except within a cell of an interface
 * (where the calibration bends).
 */
export const DEPTH_TABLE_CELLS = 1024;

/**
 * Where a sputter time lies among the z bins, as a bin coordinate: bin k spans k … k + 1, from
 * half-way to the bin before to half-way to the bin after (the first and last bins reach out as
 * far as the gap to their one neighbour), linearly in time within it; clamped to 0 … nz.
 */
export function binCoordinateAtTimeS(zTimeS: readonly (readonly [number, number])[], timeS: number): number {
  const n = zTimeS.length;
  if (n === 0) return 0;
  const gap = (k: number): number => (k >= 0 && k + 1 < n ? zTimeS[k + 1][0] - zTimeS[k][1] : NaN);
  const endGap = (k: number): number => (Number.isFinite(gap(k)) ? gap(k) : 0);
  const lo = (k: number): number => (k > 0 ? (zTimeS[k - 1][1] + zTimeS[k][0]) / 2 : zTimeS[0][0] - endGap(0) / 2);
  const hi = (k: number): number => (k + 1 < n ? (zTimeS[k][1] + zTimeS[k + 1][0]) / 2 : zTimeS[n - 1][1] + endGap(n - 2) / 2);
  // One bin of one scan has no extent in time: the scan is its centre.
  if (!(hi(n - 1) > lo(0))) return timeS < lo(0) ? 0 : timeS > lo(0) ? n : n / 2;
  if (!(timeS > lo(0))) return 0;
  if (!(timeS < hi(n - 1))) return n;
  // The last bin starting at or before the time (bins are in time order).
  let a = 0;
  let b = n - 1;
  while (a < b) {
    const mid = (a + b + 1) >> 1;
    if (lo(mid) <= timeS) a = mid;
    else b = mid - 1;
  }
  const width = hi(a) - lo(a);
  return width > 0 ? a + Math.min(1, (timeS - lo(a)) / width) : a + 0.5;
}

/**
 * The depth → bin lookup of a box: the bin coordinate (binCoordinateAtTimeS) at depth fractions
 * i / cells, top (0) to bottom (1), `timeAtDepthFraction` giving each its sputter time.
 */
export function binCoordinateTable(zTimeS: readonly (readonly [number, number])[], timeAtDepthFraction: (f: number) => number, cells = DEPTH_TABLE_CELLS): Float32Array {
  return Float32Array.from({ length: cells + 1 }, (_, i) => binCoordinateAtTimeS(zTimeS, timeAtDepthFraction(i / cells)));
}

/** The bin coordinate at depth fraction `f` of the box (clamped to 0 … 1), read linearly between the table's values. */
export function binAtDepthFraction(table: Float32Array, f: number): number {
  const cells = table.length - 1;
  const at = Math.min(1, Math.max(0, f)) * cells;
  const i = Math.min(cells - 1, Math.floor(at));
  return table[i] + (table[i + 1] - table[i]) * (at - i);
}

/**
 * The depth fraction of each bin edge (bin coordinate 0 … nz), the lookup inverted: where a ray
 * passes from one bin into the next. Edges above the box's top are at 0, below its bottom at 1.
 */
export function binEdgesAtDepth(table: Float32Array, nz: number): Float64Array {
  const cells = table.length - 1;
  const edges = new Float64Array(nz + 1);
  let i = 0;
  for (let b = 0; b <= nz; b++) {
    if (b <= table[0]) continue; // 0: at or above the top
    while (i < cells && table[i + 1] < b) i++;
    if (i >= cells) {
      edges[b] = 1;
      continue;
    }
    const rise = table[i + 1] - table[i];
    edges[b] = (i + (rise > 0 ? (b - table[i]) / rise : 1)) / cells;
  }
  return edges;
}

/**
 * Bins per box depth where they are thinnest (the lookup's steepest cell): a renderer that
 * samples along depth at most one such bin apart leaves none out, in a slowly sputtered layer
 * too (the 3-D view's shader). At most `4 × nz`: a nearly flat calibration would otherwise ask
 * for samples without end.
 */
export function finestBinsPerDepth(table: Float32Array, nz: number): number {
  const cells = table.length - 1;
  let steepest = 0;
  for (let i = 0; i < cells; i++) steepest = Math.max(steepest, table[i + 1] - table[i]);
  return Math.min(4 * nz, Math.max(nz, steepest * cells));
}

/**
 * The box from `depthMinNm` (default 0: the surface) to `depthMaxNm` below the surface: the bins
 * it reaches (a view of the binned data, not a copy) and their depth → bin lookup through the
 * state's calibration. Its voxels' depth is the mean over the bins it holds.
 */
export function volumeOnDepthAxis(vol: TimeBinnedVolume, cal: DepthCalibration, opts: { depthMaxNm: number; depthMinNm?: number }): Volume {
  const top = opts.depthMinNm ?? 0;
  const depthNm = opts.depthMaxNm - top;
  const whole = binCoordinateTable(vol.zTimeS, (f) => depthToTimeS(cal, top + f * depthNm));
  const first = Math.min(vol.nz - 1, Math.floor(whole[0]));
  const end = Math.max(first + 1, Math.min(vol.nz, Math.ceil(whole[whole.length - 1])));
  const plane = vol.nx * vol.ny;
  const nz = end - first;
  const lateral = vol.binSizeNm ?? 1;
  return {
    data: vol.data.subarray(first * plane, end * plane),
    nx: vol.nx,
    ny: vol.ny,
    nz,
    voxelNm: { x: lateral, y: lateral, z: depthNm / nz },
    zBinAtDepth: whole.map((c) => c - first),
  };
}
