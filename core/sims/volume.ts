/**
 * One ion of a 3-D stack binned into a smaller volume for 3-D views and figure renderings.
 * Streaming: one pass over the planes (in runs of planes where the reader has them, see
 * stack.ts `ionPlaneRuns`), so a stack backed by a large file is never held whole. Memory is
 * bounded by the output (`maxSize` per axis, `maxVoxels` in all, Float32), one z slab of
 * Float64 sums and one run of planes (a few MB), whatever the file size.
 *
 * Dead time is corrected per pixel before binning when the shots per pixel are known: the
 * Poisson correction is non-linear, so correcting a bin mean would under-correct wherever the
 * pixels of a bin differ (Jensen's inequality). Each voxel is the mean of its pixels.
 */
import type { IonStack } from '../model/ionStack.js';
import { correctedValue, saturatedValue } from './deadTime.js';
import { correctionTable } from './planeCorrection.js';
import { ionPlaneRuns, runBufferBytes } from './planeRuns.js';
import type { PlaneInRun } from './planeRuns.js';
import { slabBins } from './kernels/u16Sums.js';
import { clipRect, type PixelRect } from './roi.js';
import { bisectLeft, bisectRight } from 'd3-array';
import { StrataError } from '../model/errors.js';

export interface BinVolumeOptions {
  /** Most bins along any axis. */
  maxSize: number;
  /** Most voxels in all. */
  maxVoxels: number;
  /** Dead-time N (primary pulses per pixel per scan); default the stack's, none if unknown. */
  shotsPerPixel?: number;
  /** False: raw counts, no dead-time correction (the workbench's toggle); default true. */
  deadTime?: boolean;
  /** Called after each plane (progress, cancellation by throwing). */
  onPlane?: (done: number, total: number) => void | Promise<void>;
  /** Cancels the binning between reads (rejects with the signal's reason). */
  signal?: AbortSignal;
  /**
   * Scans [first, end) to bin, default all: the 3-D view's refinement of a depth range, which
   * then gets the whole voxel budget (finer bins in z, and laterally where the budget allows).
   */
  scanRange?: [number, number];
  /**
   * Pixels to bin, default the whole field: the 3-D view's refinement of a region of interest,
   * which then gets the whole voxel budget (finer lateral bins). Clipped to the field; one that
   * misses it is refused.
   */
  region?: PixelRect;
  /** False: bin in JavaScript only, not in the WebAssembly kernel (the same numbers). */
  simd?: boolean;
}

export interface BinnedVolume {
  /** nz × ny × nx means, x fastest; z is the scan axis, 0 at the surface. */
  data: Float32Array;
  nx: number;
  ny: number;
  nz: number;
  /** Pixels (x, y) and scans (z) per bin. */
  binning: [number, number, number];
  min: number;
  max: number;
  /** First and last scan time of each z bin, s. */
  zTimeS: [number, number][];
  /** The scans binned, [first, end). */
  scanRange: [number, number];
  /** The pixels binned (x0, y0 inclusive, x1, y1 exclusive): the whole field unless a region was asked for. */
  region: PixelRect;
  /** Lateral bin size, nm (null when the stack has no pixel size). */
  binSizeNm: number | null;
  deadTimeCorrected: boolean;
  /** Pixels that were saturated (I ≥ N): their values are lower bounds. */
  saturatedPixels: number;
}

/**
 * Bin factors [bxy, bxy, bz] that keep every axis ≤ maxSize and the voxel count ≤ maxVoxels.
 * Lateral detail is given up first (down to 16 bins across): depth is what layers are about.
 */
export function volumeBinning(width: number, height: number, scans: number, maxSize: number, maxVoxels: number): [number, number, number] {
  if (!(maxSize >= 1) || !(maxVoxels >= 1)) throw new RangeError(`volume binning: maxSize and maxVoxels must be ≥ 1 (got ${maxSize}, ${maxVoxels})`);
  let bxy = Math.max(1, Math.ceil(Math.max(width, height) / maxSize));
  let bz = Math.max(1, Math.ceil(scans / maxSize));
  const voxels = (): number => Math.ceil(width / bxy) * Math.ceil(height / bxy) * Math.ceil(scans / bz);
  while (voxels() > maxVoxels) {
    if (Math.ceil(Math.max(width, height) / bxy) > 16 || bz >= scans) bxy++;
    else bz++;
  }
  return [bxy, bxy, bz];
}

export async function binStackVolume(stack: IonStack, ionIndex: number, opts: BinVolumeOptions): Promise<BinnedVolume> {
  const [first, end] = opts.scanRange ?? [0, stack.scans];
  if (!(Number.isInteger(first) && Number.isInteger(end) && first >= 0 && end <= stack.scans && end > first)) {
    throw new RangeError(`${stack.source.fileName}: scans ${first}–${end} are not a range of the stack's ${stack.scans}`);
  }
  const whole: PixelRect = { x0: 0, y0: 0, x1: stack.width, y1: stack.height };
  const region = opts.region ? clipRect(integerRect(opts.region), stack.width, stack.height) : whole;
  if (!region) throw new RangeError(`${stack.source.fileName}: the region x ${opts.region!.x0}–${opts.region!.x1}, y ${opts.region!.y0}–${opts.region!.y1} lies outside the ${stack.width}×${stack.height} field`);
  // The region's pixels are binned as a field of their own: each plane's rows of it copied out
  // (a small copy beside the read), then the same loops as for the whole field.
  const cropped = region.x0 > 0 || region.y0 > 0 || region.x1 < stack.width || region.y1 < stack.height;
  const width = region.x1 - region.x0;
  const height = region.y1 - region.y0;
  const crop = cropper(stack.width, region);
  const scans = end - first;
  const [bx, by, bz] = volumeBinning(width, height, scans, opts.maxSize, opts.maxVoxels);
  const nx = Math.ceil(width / bx);
  const ny = Math.ceil(height / by);
  const nz = Math.ceil(scans / bz);
  const shots = opts.shotsPerPixel ?? stack.shotsPerPixel;
  const correct = opts.deadTime !== false && shots !== undefined && shots > 0 && Number.isFinite(shots);
  const satValue = correct ? saturatedValue(shots) : 0;
  const data = new Float32Array(nx * ny * nz);
  // −N ln(1 − i/N) for every integer count below N: the log is most of the binning's time, and
  // integer samples (the usual case) take only these values. Only for a sane N.
  const table = correct ? correctionTable(shots) : null;
  // 16-bit planes are binned in a WebAssembly kernel (binU16) that runs the loop below, pixel by
  // pixel in its order, so either way gives the same numbers (~5× its speed); the slab's bins
  // then lie in the kernel's memory, and planes of other types are added to them here.
  const kernel = opts.simd === false || (correct && !table) ? null : slabBins({ width, height, bx, by, nx, ny }, runBufferBytes(stack), table, satValue);
  // Sums of one z slab only: each slab is finished (divided into `data`) once its last scan is
  // in, so the working memory is one slab of Float64 sums plus the output, not a Float64 copy
  // of the whole volume. Pixels per bin are known from the geometry, not counted.
  const slab = kernel?.slab ?? new Float64Array(nx * ny);
  const colOf = Int32Array.from({ length: width }, (_, x) => Math.floor(x / bx));
  let saturatedPixels = 0;
  let min = Infinity;
  let max = -Infinity;
  const finishSlab = (z: number): void => {
    const scansIn = Math.min(scans, (z + 1) * bz) - z * bz;
    for (let j = 0; j < ny; j++) {
      const rowsIn = Math.min(height, (j + 1) * by) - j * by;
      for (let i = 0; i < nx; i++) {
        const hits = (Math.min(width, (i + 1) * bx) - i * bx) * rowsIn * scansIn;
        const v = slab[j * nx + i] / hits;
        const k = z * nx * ny + j * nx + i;
        data[k] = v;
        if (data[k] < min) min = data[k];
        if (data[k] > max) max = data[k];
      }
    }
    slab.fill(0);
  };
  const tableValue = table?.value ?? null;
  const rangeScans = Array.from({ length: scans }, (_, s) => first + s);
  let done = 0;
  try {
    for await (const run of ionPlaneRuns(stack, ionIndex, rangeScans, opts.signal, kernel?.scratches)) {
      const { raw } = run;
      for (let p = 0; p < run.count; p++) {
        if (p > 0) opts.signal?.throwIfAborted();
        const s = run.scans[p] - first;
        const plane = cropped ? crop(raw, run.starts[p]) : raw;
        const base = cropped ? 0 : run.starts[p];
        if (kernel && plane instanceof Uint16Array) saturatedPixels += kernel.add(plane.subarray(base, base + width * height));
        else saturatedPixels += binPlaneHere(plane, base, { width, height, by, nx, colOf }, slab, correct ? { shots: shots!, satValue, table: tableValue } : null);
        done++;
        if ((s + 1) % bz === 0 || s === scans - 1) finishSlab(Math.floor(s / bz));
        if (opts.onPlane) await opts.onPlane(done, scans);
      }
    }
  } finally {
    kernel?.release();
  }
  const zTimeS: [number, number][] = [];
  for (let z = 0; z < nz; z++) zTimeS.push([stack.timeS[first + z * bz], stack.timeS[first + Math.min(scans - 1, (z + 1) * bz - 1)]]);
  return {
    data,
    nx,
    ny,
    nz,
    binning: [bx, by, bz],
    min,
    max,
    zTimeS,
    scanRange: [first, end],
    region,
    binSizeNm: stack.pixelSizeNm ? stack.pixelSizeNm * bx : null,
    deadTimeCorrected: correct,
    saturatedPixels,
  };
}

/** A rectangle's edges as whole pixels (a region drawn on a map may come in fractions). */
function integerRect(r: PixelRect): PixelRect {
  return { x0: Math.floor(r.x0), y0: Math.floor(r.y0), x1: Math.ceil(r.x1), y1: Math.ceil(r.y1) };
}

/**
 * The region's pixels of a plane (`raw[base …]`, rows of `fieldWidth`), row after row, in one
 * array of the plane's sample type reused for every plane of that type (valid until the next).
 */
function cropper(fieldWidth: number, region: PixelRect): (raw: PlaneInRun['raw'], base: number) => PlaneInRun['raw'] {
  const width = region.x1 - region.x0;
  const height = region.y1 - region.y0;
  let out: PlaneInRun['raw'] | null = null;
  return (raw, base) => {
    if (!out || out.constructor !== raw.constructor) out = new (raw.constructor as new (n: number) => PlaneInRun['raw'])(width * height);
    for (let y = 0; y < height; y++) {
      const from = base + (region.y0 + y) * fieldWidth + region.x0;
      out.set(raw.subarray(from, from + width), y * width);
    }
    return out;
  };
}

/**
 * The kernel's loop (binU16) in JavaScript, for planes it does not take: every pixel's count
 * (dead-time corrected when `correction` is given: a table lookup for integer counts, the
 * formula for fractional ones) added to its bin. Returns the saturated pixels.
 */
function binPlaneHere(
  raw: PlaneInRun['raw'],
  base: number,
  grid: { width: number; height: number; by: number; nx: number; colOf: Int32Array },
  slab: Float64Array,
  correction: { shots: number; satValue: number; table: Float64Array | null } | null,
): number {
  const { width, height, by, nx, colOf } = grid;
  let saturatedPixels = 0;
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / by) * nx;
    const at = base + y * width;
    if (!correction) {
      for (let x = 0; x < width; x++) slab[row + colOf[x]] += raw[at + x];
      continue;
    }
    const { shots, satValue, table } = correction;
    if (table && !(raw instanceof Float32Array)) {
      // Integer counts: the correction of each possible count, computed once (same value).
      for (let x = 0; x < width; x++) {
        const i = raw[at + x] > 0 ? raw[at + x] : 0;
        if (i >= shots) saturatedPixels++;
        slab[row + colOf[x]] += i >= shots ? satValue : table[i];
      }
    } else {
      for (let x = 0; x < width; x++) {
        // Same arithmetic as correctCount (deadTime.ts), without an object per pixel.
        const i = raw[at + x] > 0 ? raw[at + x] : 0;
        let v: number;
        if (i >= shots) {
          v = satValue;
          saturatedPixels++;
        } else {
          v = correctedValue(i, shots);
        }
        slab[row + colOf[x]] += v;
      }
    }
  }
  return saturatedPixels;
}

/** The scans [first, end) whose time lies in [startS, endS]; refused when there are none. */
export function scansWithin(stack: IonStack, [startS, endS]: readonly [number, number]): [number, number] {
  // Scan times increase (the readers make sure of it).
  const first = bisectLeft(stack.timeS, startS);
  const end = bisectRight(stack.timeS, endS);
  if (end <= first) throw new StrataError(`${stack.source.fileName}: no scan between ${startS} and ${endS} s`);
  return [first, end];
}
