/**
 * A stack volume binned in scans has z in sputter time, which is not depth: sputter rates
 * differ per layer. For a 3-D rendering whose box is the real shape, z is resampled onto a
 * uniform depth axis through the state's depth calibration (nearest time bin per depth slice).
 */
import type { DepthCalibration } from '../sims/calibrate.js';
import { depthToTimeS } from '../sims/calibrate.js';
import type { Volume } from './volumeRender.js';

export interface TimeBinnedVolume {
  data: Float32Array;
  nx: number;
  ny: number;
  nz: number;
  /** First and last scan time of each z bin, s. */
  zTimeS: [number, number][];
  /** Lateral bin size, nm (null when unknown: then 1 nm stands in, and the box is square). */
  binSizeNm: number | null;
}

/**
 * `depthMinNm` … `depthMaxNm` below the surface (default from 0: the whole stack; a part of it
 * starts lower), in `slices` slices; z = 0 of the result is depthMinNm.
 */
export function volumeOnDepthAxis(vol: TimeBinnedVolume, cal: DepthCalibration, opts: { depthMaxNm: number; depthMinNm?: number; slices?: number }): Volume {
  const nzOut = Math.max(2, Math.round(opts.slices ?? vol.nz));
  const top = opts.depthMinNm ?? 0;
  const dz = (opts.depthMaxNm - top) / nzOut;
  const plane = vol.nx * vol.ny;
  const data = new Float32Array(plane * nzOut);
  const mids = vol.zTimeS.map(([a, b]) => (a + b) / 2);
  for (let k = 0; k < nzOut; k++) {
    const t = depthToTimeS(cal, top + (k + 0.5) * dz);
    // Nearest bin by its mid time (bins are in time order).
    let best = 0;
    for (let z = 1; z < mids.length; z++) if (Math.abs(mids[z] - t) < Math.abs(mids[best] - t)) best = z;
    data.set(vol.data.subarray(best * plane, (best + 1) * plane), k * plane);
  }
  const lateral = vol.binSizeNm ?? 1;
  return { data, nx: vol.nx, ny: vol.ny, nz: nzOut, voxelNm: { x: lateral, y: lateral, z: dz } };
}
