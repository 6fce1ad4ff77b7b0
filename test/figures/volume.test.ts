import { describe, expect, it } from 'vitest';
import { ionStackFromArrays } from '../../core/model/ionStack.js';
import { correctCount } from '../../core/sims/deadTime.js';
import { binStackVolume, volumeBinning } from '../../core/sims/volume.js';
import { binAtDepthFraction, binCoordinateAtTimeS, volumeOnDepthAxis } from '../../core/figures/volumeDepth.js';
import { renderVolume } from '../../core/figures/volumeRender.js';
import { calibrateDepth, timeToDepthNm } from '../../core/sims/calibrate.js';

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

describe('the depth → bin lookup', () => {
  it('places a time among bins: each from half-way to the bin before to half-way to the bin after', () => {
    // Bins of three scans, 10 s apart: scans 0–20 s and 30–50 s; bin 0 spans −5 … 25 s, bin 1 25 … 55 s.
    const bins: [number, number][] = [[0, 20], [30, 50]];
    expect(binCoordinateAtTimeS(bins, 10)).toBeCloseTo(0.5, 12); // the first bin's middle scan at its centre
    expect(binCoordinateAtTimeS(bins, 0)).toBeCloseTo(5 / 30, 12);
    expect(binCoordinateAtTimeS(bins, 25)).toBeCloseTo(1, 12);
    expect(binCoordinateAtTimeS(bins, 50)).toBeCloseTo(1 + 25 / 30, 12);
    expect(binCoordinateAtTimeS(bins, -10)).toBe(0);
    expect(binCoordinateAtTimeS(bins, 99)).toBe(2);
    // One scan a bin: scan k at k + 0.5.
    const scans: [number, number][] = [[0, 0], [24, 24], [48, 48]];
    expect([0, 24, 48, 36].map((t) => binCoordinateAtTimeS(scans, t))).toEqual([0.5, 1.5, 2.5, 2]);
    expect(binCoordinateAtTimeS([[5, 5]], 5)).toBe(0.5);
  });

  it('draws the bins the box reaches at their depths through the calibration, none resampled away', () => {
    // Two layers: 0–100 s is 100 nm (1 nm/s), 100–200 s is 400 nm (4 nm/s); bins of 75 scans a second apart.
    const cal = calibrateDepth([{ role: 'a', startS: 0, endS: 100 }, { role: 'b', startS: 100, endS: 200 }, { role: 's', startS: 200, endS: 300, isSubstrate: true }], (r) => ({ a: 100, b: 400 })[r])!;
    const data = Float32Array.from([1, 2, 3, 4]); // 1 × 1 px, one value per bin
    const zTimeS: [number, number][] = [[0, 74], [75, 149], [150, 224], [225, 299]];
    const v = volumeOnDepthAxis({ data, nx: 1, ny: 1, nz: 4, zTimeS, binSizeNm: 100 }, cal, { depthMaxNm: 500 });
    // 500 nm is 200 s, in bin 2 (149.5 … 224.5 s): bin 3 lies below the box and is left out.
    expect(Array.from(v.data)).toEqual([1, 2, 3]);
    expect(v.voxelNm).toEqual({ x: 100, y: 100, z: 500 / 3 });
    const at = (nm: number) => binAtDepthFraction(v.zBinAtDepth!, nm / 500);
    expect(at(0)).toBeCloseTo(0.5 / 75, 4);
    expect(at(50)).toBeCloseTo(50.5 / 75, 4); // 50 s
    // 100 s, the interface: the lookup is linear between its values, so within the one cell
    // where the calibration bends it is off by up to a cell's worth of bins (here 0.0008).
    expect(at(100)).toBeCloseTo(1 + 25.5 / 75, 2);
    expect(at(300)).toBeCloseTo(2 + 0.5 / 75, 4); // 150 s
    expect(at(500)).toBeCloseTo(2 + 50.5 / 75, 4);
    // A part of the stack: 300–500 nm holds bins 2 only (150–200 s), the lookup from its own first bin.
    const part = volumeOnDepthAxis({ data, nx: 1, ny: 1, nz: 4, zTimeS, binSizeNm: null }, cal, { depthMinNm: 300, depthMaxNm: 500 });
    expect(Array.from(part.data)).toEqual([3]);
    expect(part.voxelNm).toEqual({ x: 1, y: 1, z: 200 });
    expect(part.zBinAtDepth![0]).toBeCloseTo(0.5 / 75, 4);
  });

  describe('every scan of a stack reaches a maximum-intensity rendering, at its depth', () => {
    // 250 scans one every 24 s, a layer sputtered 2.5× slower over the first 1250 s (the sample
    // study's CC/AAM); one scan at a time bright. The figures took the nearest of 96 depth slices:
    // most scans were never drawn.
    const cal = calibrateDepth([{ role: 'a', startS: 0, endS: 1250 }, { role: 'b', startS: 1250, endS: 6000 }, { role: 's', startS: 6000, endS: 7000, isSubstrate: true }], (r) => ({ a: 150, b: 1425 })[r])!;
    const scans = 250;
    const zTimeS = Array.from({ length: scans }, (_, i): [number, number] => [24 * i, 24 * i]);
    const depthMaxNm = timeToDepthNm(cal, 24 * (scans - 1));
    const withBright = (scan: number) => {
      const data = new Float32Array(2 * 2 * scans);
      data.fill(1, scan * 4, scan * 4 + 4);
      return volumeOnDepthAxis({ data, nx: 2, ny: 2, nz: scans, zTimeS, binSizeNm: 500 }, cal, { depthMaxNm });
    };
    const opts = { azimuthDeg: 0, zExaggeration: 20, mode: 'mip' as const, min: 0, max: 1 };

    it('seen from the top, every scan of the slow layer (2.9 nm each, against 6.3 nm on average) is crossed by a sample', () => {
      for (let scan = 0; scan < 53; scan++) {
        const r = renderVolume(withBright(scan), { ...opts, widthPx: 8, heightPx: 8, elevationDeg: 90 });
        expect(r.image[4 * 8 + 4], `scan ${scan + 1}`).toBe(1);
      }
    });

    it('seen from the side, each scan is drawn from half-way to the scan above to half-way to the scan below', () => {
      for (const scan of [0, 3, 10, 51, 52, 120, 249]) {
        // From the side (elevation 0) rows are depth: ×20 and 2000 px, a slow scan is ~2 px.
        const r = renderVolume(withBright(scan), { ...opts, widthPx: 40, heightPx: 2000, elevationDeg: 0 });
        const rows: number[] = [];
        for (let y = 0; y < 2000; y++) if (r.image[y * 40 + 20] === 1) rows.push(y);
        expect(rows.length, `scan ${scan + 1}`).toBeGreaterThan(0);
        const top = Math.min(...r.corners.map((c) => c[1]));
        const bottom = Math.max(...r.corners.map((c) => c[1]));
        const rowAt = (t: number) => top + (timeToDepthNm(cal, Math.min(24 * (scans - 1), Math.max(0, t))) / depthMaxNm) * (bottom - top);
        expect(Math.min(...rows)).toBeGreaterThanOrEqual(Math.floor(rowAt(24 * scan - 12)) - 1);
        expect(Math.max(...rows)).toBeLessThanOrEqual(Math.ceil(rowAt(24 * scan + 12)) + 1);
      }
    });
  });
});
