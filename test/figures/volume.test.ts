import { describe, expect, it } from 'vitest';
import { ionStackFromArrays } from '../../core/model/ionStack.js';
import { correctCount } from '../../core/sims/deadTime.js';
import { binStackVolume, volumeBinning } from '../../core/sims/volume.js';
import { volumeOnDepthAxis } from '../../core/figures/volumeDepth.js';
import { calibrateDepth } from '../../core/sims/calibrate.js';

/** 4 × 4 px, 6 scans: value = 10·scan + (x < 2 ? 0 : 40 on even rows). */
function stack(shotsPerPixel?: number) {
  const scans = 6;
  const w = 4;
  const h = 4;
  const li = new Float32Array(scans * w * h);
  for (let s = 0; s < scans; s++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) li[(s * h + y) * w + x] = s + (x >= 2 && y % 2 === 0 ? 40 : 0);
  let reads = 0;
  const st = ionStackFromArrays({
    source: { fileName: 'mem.tif', format: 'tiff' },
    ions: [{ label: 'Li-', mz: 7.016 }, { label: 'Cr-', mz: 51.94 }],
    scans,
    height: h,
    width: w,
    volumes: [li, new Float32Array(scans * w * h)],
    pixelSizeNm: 1000,
    timeS: Float64Array.from({ length: scans }, (_, i) => i * 10),
    shotsPerPixel,
  });
  const readPlane = st.readPlane.bind(st);
  st.readPlane = async (ion, scan) => {
    reads++;
    return readPlane(ion, scan);
  };
  return { st, reads: () => reads };
}

describe('binStackVolume', () => {
  it('bins within the size limits, lateral first', () => {
    expect(volumeBinning(256, 256, 100, 64, 1e9)).toEqual([4, 4, 2]);
    const [bxy, , bz] = volumeBinning(256, 256, 1000, 1000, 64 * 64 * 100);
    expect(Math.ceil(256 / bxy) ** 2 * Math.ceil(1000 / bz)).toBeLessThanOrEqual(64 * 64 * 100);
    expect(bz).toBe(1); // depth kept whole while lateral detail can go
    expect(() => volumeBinning(4, 4, 4, 0, 10)).toThrow(RangeError);
  });

  it('reads every plane once and averages each bin', async () => {
    const { st, reads } = stack();
    const progress: number[] = [];
    const v = await binStackVolume(st, 0, { maxSize: 2, maxVoxels: 1000, onPlane: (d) => void progress.push(d) });
    expect(reads()).toBe(6);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    expect([v.nx, v.ny, v.nz]).toEqual([2, 2, 2]);
    expect(v.binning).toEqual([2, 2, 3]);
    expect(v.deadTimeCorrected).toBe(false);
    // Bin (x 0, y 0, z 0): scans 0–2, no +40 → mean 1. Bin (x 1, y 0, z 1): scans 3–5, half the pixels +40 → 4 + 20.
    expect(v.data[0]).toBeCloseTo(1, 6);
    expect(v.data[1 * 4 + 0 * 2 + 1]).toBeCloseTo(24, 6);
    expect(v.zTimeS).toEqual([[0, 20], [30, 50]]);
    expect(v.binSizeNm).toBe(2000);
    expect(v.max).toBeCloseTo(24, 6);
  });

  it('corrects dead time per pixel before averaging', async () => {
    const { st } = stack(50);
    const v = await binStackVolume(st, 0, { maxSize: 2, maxVoxels: 1000 });
    expect(v.deadTimeCorrected).toBe(true);
    // Bin (x 1, y 0, z 1): pixels 3,4,5 and 43,44,45 (twice each) against N = 50.
    const perPixel = [3, 4, 5, 43, 44, 45].reduce((s, c) => s + correctCount(c, 50).value, 0) / 6;
    const ofMean = correctCount(24, 50).value;
    expect(v.data[1 * 4 + 1]).toBeCloseTo(perPixel, 3);
    expect(Math.abs(perPixel - ofMean)).toBeGreaterThan(1); // the order matters here
  });

  it('flags saturated pixels', async () => {
    const { st } = stack(44);
    const v = await binStackVolume(st, 0, { maxSize: 4, maxVoxels: 1000 });
    // 44 and 45 reach N = 44: scans 4 and 5, 4 pixels each.
    expect(v.saturatedPixels).toBe(8);
  });
});

describe('volumeOnDepthAxis', () => {
  it('resamples time bins onto uniform depth through the calibration', () => {
    // Two layers: 0–100 s is 100 nm (1 nm/s), 100–200 s is 400 nm (4 nm/s).
    const cal = calibrateDepth([{ role: 'a', startS: 0, endS: 100 }, { role: 'b', startS: 100, endS: 200 }, { role: 's', startS: 200, endS: 300, isSubstrate: true }], (r) => ({ a: 100, b: 400 })[r])!;
    const nz = 4;
    const data = Float32Array.from([1, 2, 3, 4]); // 1 × 1 px, one value per 75 s bin
    const zTimeS: [number, number][] = [[0, 74], [75, 149], [150, 224], [225, 299]];
    const v = volumeOnDepthAxis({ data, nx: 1, ny: 1, nz, zTimeS, binSizeNm: 100 }, cal, { depthMaxNm: 500, slices: 5 });
    // Slices at 50, 150, 250, 350, 450 nm → 50 s, 112.5 s, 137.5 s, 162.5 s, 187.5 s.
    expect(Array.from(v.data)).toEqual([1, 2, 2, 3, 3]);
    expect(v.voxelNm).toEqual({ x: 100, y: 100, z: 100 });
  });
});
