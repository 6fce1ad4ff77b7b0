/**
 * One ion of a 3-D stack binned into a smaller volume for 3-D views and figure renderings.
 * Streaming: one pass over the planes through `readPlane`, so a stack backed by a large file
 * is never held whole; the output is bounded by `maxSize` per axis and `maxVoxels` in all.
 *
 * Dead time is corrected per pixel before binning when the shots per pixel are known: the
 * Poisson correction is non-linear, so correcting a bin mean would under-correct wherever the
 * pixels of a bin differ (Jensen's inequality). Each voxel is the mean of its pixels.
 */
import type { IonStack } from '../model/ionStack.js';
import { correctCount } from './deadTime.js';

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
  const [bx, by, bz] = volumeBinning(stack.width, stack.height, stack.scans, opts.maxSize, opts.maxVoxels);
  const nx = Math.ceil(stack.width / bx);
  const ny = Math.ceil(stack.height / by);
  const nz = Math.ceil(stack.scans / bz);
  const shots = opts.shotsPerPixel ?? stack.shotsPerPixel;
  const correct = opts.deadTime !== false && shots !== undefined && shots > 0 && Number.isFinite(shots);
  const sums = new Float64Array(nx * ny * nz);
  const hits = new Uint32Array(nx * ny * nz);
  let saturatedPixels = 0;
  for (let s = 0; s < stack.scans; s++) {
    const plane = await stack.readPlane(ionIndex, s);
    const zOff = Math.floor(s / bz) * nx * ny;
    for (let y = 0; y < stack.height; y++) {
      const row = zOff + Math.floor(y / by) * nx;
      for (let x = 0; x < stack.width; x++) {
        let v = plane.get(y, x);
        if (correct) {
          const c = correctCount(v, shots);
          v = c.value;
          if (c.saturated) saturatedPixels++;
        }
        const k = row + Math.floor(x / bx);
        sums[k] += v;
        hits[k]++;
      }
    }
    await opts.onPlane?.(s + 1, stack.scans);
  }
  const data = new Float32Array(sums.length);
  let min = Infinity;
  let max = -Infinity;
  for (let k = 0; k < data.length; k++) {
    data[k] = hits[k] ? sums[k] / hits[k] : 0;
    if (data[k] < min) min = data[k];
    if (data[k] > max) max = data[k];
  }
  const zTimeS: [number, number][] = [];
  for (let z = 0; z < nz; z++) zTimeS.push([stack.timeS[z * bz], stack.timeS[Math.min(stack.scans - 1, (z + 1) * bz - 1)]]);
  return {
    data,
    nx,
    ny,
    nz,
    binning: [bx, by, bz],
    min,
    max,
    zTimeS,
    binSizeNm: stack.pixelSizeNm ? stack.pixelSizeNm * bx : null,
    deadTimeCorrected: correct,
    saturatedPixels,
  };
}
